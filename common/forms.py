"""The form renderer of the platform (``settings.FORM_RENDERER``).

Django renders every widget through a template, and a ``<select>`` through one template per
``<option>``: a filter form offering 250 departments spent a sixth of a list page's time there.
``FastRenderer`` writes the most common widgets — ``<select>`` and the plain ``<input>`` types — in
Python, character for character as Django's own templates write them, and leaves every other
widget (and any widget whose templates a subclass changed) to the templates.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
SELECT, OPTION = WIDGETS + "select.html", WIDGETS + "select_option.html"
# Templates that are Django's input.html and nothing else.
INPUTS = frozenset(
    WIDGETS + name + ".html"
    for name in "input text number email url color search tel password hidden date datetime time checkbox".split()
)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(out)


def _input(widget) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _select(widget) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name == SELECT:
                html = _select(widget)
                if html is not None:
                    return html
            elif template_name in INPUTS:
                return _input(widget)
        return super().render(template_name, context, request)
