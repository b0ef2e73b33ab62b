"""A form renderer that writes Django's own widget templates in Python.

Django renders every widget through templates: an ``<input>`` is ``input.html`` including
``attrs.html``, a ``<select>`` one ``select_option.html`` per option, each a template render with
its context. On the report page, the form a liaison fills in is most of its template time. This
renderer writes the markup of the built-in input, textarea and select templates directly,
character for character (tests/test_form_renderer.py compares the two for every widget kind it
takes), and leaves every other template — form layouts, labels, other widgets — to Django's
templates.

It is the platform's form renderer (``settings.FORM_RENDERER``): a filter form offering 250
departments spent a sixth of a list page's time rendering its options one template each.
"""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime

WIDGETS = "django/forms/widgets/"
# The built-in templates that are exactly {% include "django/forms/widgets/input.html" %}.
INPUT_TEMPLATES = frozenset(
    WIDGETS + name
    for name in (
        "input.html", "text.html", "number.html", "hidden.html", "date.html", "datetime.html", "time.html",
        "email.html", "password.html", "url.html", "search.html", "tel.html", "color.html",
    )
)
TEXTAREA_TEMPLATE = WIDGETS + "textarea.html"
SELECT_TEMPLATE = WIDGETS + "select.html"
OPTION_TEMPLATE = WIDGETS + "select_option.html"


def _text(value) -> str:
    """``{{ value }}`` in a template (localised, escaped unless safe)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if issubclass(type(value), str) else str(value))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: no localisation; escaped unless the value is safe."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % value  # noqa: UP031 - what the stringformat filter does
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _plain(widget: dict) -> bool:
    """Nothing the template language would call (a callable value, name or attribute)."""
    return not any(callable(widget.get(key)) for key in ("name", "value", "type", "label")) and not any(
        callable(value) for value in widget.get("attrs", {}).values()
    )


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = f' value="{_formatted(value)}"' if value != None else ""  # noqa: E711 - the template's != None
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{_text(value) if value else ""}</textarea>'


def _option(option: dict) -> str:
    # Included (not rendered on its own): the template's last newline stays.
    return f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'


def _select(widget: dict) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE or not _plain(option):
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, with its input, textarea and select templates written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        html = None
        if isinstance(widget, dict) and _plain(widget):
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == TEXTAREA_TEMPLATE:
                html = _textarea(widget)
            elif template_name == SELECT_TEMPLATE:
                html = _select(widget)
        if html is None:
            return super().render(template_name, context, request=request)
        return mark_safe(html.strip())


FAST_RENDERER = FastWidgetRenderer()


class DataOptionsSelect(forms.Select):
    """A select whose options name records (a prefecture, an item of a scheme): an option holding
    Chinese words is marked ``lang="zh"``, as data is everywhere else (``common.templatetags.ui``)."""

    def create_option(self, *args, **kwargs):
        from common.templatetags.ui import DATA_LANG, has_chinese

        option = super().create_option(*args, **kwargs)
        if has_chinese(option["label"]):
            option["attrs"] = {**option["attrs"], "lang": DATA_LANG}
        return option
