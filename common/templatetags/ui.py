"""Small template tools of the interface shared by every app.

``{% titled %}…{% endtitled %}`` renders a page title followed by " · " and the product's name, or the
name alone when the page has no title of its own. ``{{ value|data }}`` marks Chinese data (names,
titles, text users typed) with ``lang="zh"`` so that screen readers read it as Chinese in the English
interface and the page walk can tell data from untranslated interface text; other values render as
they are.
"""

import datetime
import numbers
import re

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext

register = template.Library()

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
DATA_LANG = "zh"


def has_chinese(value) -> bool:
    return bool(CJK.search(str(value)))


@register.filter
def data(value):
    """The value, inside ``<span lang="zh">`` when it holds Chinese characters."""
    if value is None or value == "":
        return value
    if not has_chinese(value):
        return conditional_escape(value)
    return format_html('<span lang="{}">{}</span>', DATA_LANG, value)


# Table columns that show records' own words (titles, names, people, typed text), by column name.
DATA_COLUMNS = frozenset(
    "title name subject task department region plan purpose evaluation report lead cooperating assignee"
    " requested_by short_name aliases section summary note indicator unit due_date reference".split()
)


@register.filter
def data_cell(value, column_name=""):
    """A table cell's value marked as data like ``data``. HTML made by code (links, badges) is
    marked only in the columns that show data (DATA_COLUMNS), so that untranslated interface text
    in a status badge is never taken for data. A date is written in the reader's language, as a
    template writes it, wherever a column hands it over as a date."""
    if isinstance(value, SafeData) and column_name not in DATA_COLUMNS:
        return value
    if isinstance(value, datetime.date):  # as {{ value }} writes it: 2025年7月30日, July 30, 2025
        return localize(template_localtime(value))
    return data(value)


@register.filter
def data_header(value):
    """A column header: a link made by code (a region's name heading its column) is data; a plain
    header is the column's translated name and stays interface text."""
    return data(value) if isinstance(value, SafeData) else value


_TAG = re.compile(r"<[^>]*>")


@register.filter
def short_cell(value) -> bool:
    """True for a cell of a few characters (a status, a date, a number, a reporting period): kept
    on one line (``data-short``). The tags of code-made HTML (a badge, a link) do not count; a date
    or a number is short however it is written (2026年11月26日)."""
    if isinstance(value, (datetime.date, numbers.Number)):
        return True
    text = str(value)
    if isinstance(value, SafeData) and "<" in text:
        text = _TAG.sub("", text)
    text = text.strip()
    return len(text) <= 10 or bool(_DATE_TEXT.match(text))


# A date as the interface writes it: 2026年11月26日, 2026-11-26, Nov. 26, 2026 / April 3, 2026.
_DATE_TEXT = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}|[A-Z][a-z]+\.? \d{1,2}, \d{4})$")


@register.filter
def data_lang(value):
    """` lang="zh"` to put in an element's tag when its content holds Chinese data, else nothing."""
    return mark_safe(f' lang="{DATA_LANG}"') if value is not None and has_chinese(value) else ""


class TitledNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        # A <title> holds text only: data marked with |data in a page's title block keeps its words.
        title = " ".join(strip_tags(self.nodelist.render(context)).split())
        product = conditional_escape(gettext("Plan Supervisor"))
        return f"{title} · {product}" if title else product


@register.tag
def titled(parser, token):
    nodelist = parser.parse(("endtitled",))
    parser.delete_first_token()
    return TitledNode(nodelist)


# ---- punctuation of the active language: "Lead：…" in Chinese, "Lead: …" in English -------------


def _chinese() -> bool:
    return (get_language() or "").lower().startswith("zh")


@register.simple_tag
def colon():
    """A colon before a value: full width in Chinese, ": " in English."""
    return "：" if _chinese() else ": "


@register.simple_tag
def lparen():
    return "（" if _chinese() else " ("


@register.simple_tag
def rparen():
    return "）" if _chinese() else ")"


@register.simple_tag
def list_sep():
    """Between the items of a list written in a sentence: 、 in Chinese, ", " in English."""
    return "、" if _chinese() else ", "


@register.filter
def join_list(values):
    """The items joined as the active language lists them, each marked as data when Chinese."""
    return format_html_join(list_sep(), "{}", ((data(value),) for value in values))


def _small_control_class(widget) -> str:
    """Bootstrap's small control class of a widget: a select, a checkbox or a text-like input."""
    from django import forms

    if isinstance(widget, forms.Select):
        return "form-select form-select-sm"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.RadioSelect):  # radio buttons and checkbox lists: their own layout
        return ""
    return "form-control form-control-sm"


@register.filter
def data_widget(field, size=""):
    """A bound field's widget, marked ``lang="zh"`` when what it shows is Chinese data: choices of
    records (departments, regions, plans: model choices or a field named like a data column) or
    text a user typed. ``field|data_widget:"sm"`` also gives it Bootstrap's small control class
    (the filter forms: django-filter's widgets come without classes)."""
    from django import forms

    widget = field.field.widget
    value = field.value()
    is_data = isinstance(field.field, forms.ModelChoiceField) or field.name in DATA_COLUMNS or (
        isinstance(widget, (forms.Textarea, forms.TextInput)) and isinstance(value, str) and has_chinese(value)
    )
    attrs = {"lang": DATA_LANG} if is_data else {}
    if size == "sm":
        classes = " ".join(c for c in (widget.attrs.get("class", ""), _small_control_class(widget)) if c)
        if classes:
            attrs["class"] = classes
    return field.as_widget(attrs=attrs or None)


_CJK_CLASS = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_CHINESE_RUN = re.compile(rf"\d*[{_CJK_CLASS}][{_CJK_CLASS}\d%/]*")
_LATIN = re.compile(r"[A-Za-z]")


@register.filter(needs_autoescape=True)
def zh_terms(text, autoescape=True):
    """Interface text that quotes Chinese words (the column names a spreadsheet must carry, an
    example such as 在册患者数): each Chinese run is marked lang="zh", the rest stays as it is.
    Only in a sentence of another language: text wholly in Chinese is left alone, so an untranslated
    label in the English interface is still found by the page walk."""
    escaped = conditional_escape(text) if autoescape else str(text)
    if not _LATIN.search(strip_tags(str(escaped))):
        return escaped
    return mark_safe(_CHINESE_RUN.sub(lambda m: f'<span lang="{DATA_LANG}">{m.group(0)}</span>', str(escaped)))


# ---- a table's rows, rendered in Python ------------------------------------------------------------


@register.simple_tag
def table_rows(table):
    """The ``<tr>`` rows of a django-tables2 table's current page (common/tables.py)."""
    from common.tables import render_rows

    return render_rows(table)
