"""The fast paths of rendering write exactly what Django's widget templates and django-tables2's
own cell path write: they are only faster (the widgets one by one: tests/test_form_renderer.py)."""

import re

import django_tables2 as tables
import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from common.forms import FastWidgetRenderer
from common.tables import render_rows
from tasks.models import KeyTask
from tests.factories import KeyTaskFactory, PlanFactory


def test_a_select_of_many_options_is_one_string_not_one_template_each():
    field = forms.ChoiceField(choices=[(str(n), f"部门{n}") for n in range(300)])
    form = type("F", (forms.Form,), {"department": field})(initial={"department": "299"}, renderer=FastWidgetRenderer())
    html = str(form["department"])
    assert html.count("<option") == 300
    assert '<option value="299" selected>部门299</option>' in html


class TaskRows(tables.Table):
    """Columns of every kind render_rows meets: a field with choices, a linked title, a table render
    method taking some arguments, a relation accessor (django-tables2's own path), a callable
    attribute, per-row cell attributes and a localized number."""

    status = tables.Column()
    title = tables.Column(linkify=True, attrs={"td": {"class": "w-25"}})
    plan_title = tables.Column(accessor="plan__title", verbose_name=mark_safe("<b>规划</b>"))
    due = tables.Column(accessor="due_date", attrs={"td": {"data-year": lambda record: record.due_date.year}})
    label = tables.Column(accessor="__str__", orderable=False)
    position = tables.Column(localize=True)
    empty = tables.Column(accessor="content", default="—")

    class Meta:
        model = KeyTask
        fields = ()
        row_attrs = {"data-id": lambda record: record.pk}

    def render_status(self, value, record):
        return format_html('<span class="badge">{}</span>', value)


def _template_rows(table) -> str:
    """The rows as the project's table template wrote them before common/tables.py, cell by cell
    through django-tables2's BoundRow.items()."""
    source = (
        "{% load ui l10n %}{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>{% for column, cell in row.items %}"
        '<td {{ column.attrs.td.as_html }} data-label="{{ column.header|striptags }}"{% if cell|short_cell %} data-short{% endif %}>'
        "{% if column.localize == None %}{{ cell|data_cell:column.name }}{% else %}{% if column.localize %}"
        "{{ cell|localize|data_cell:column.name }}{% else %}{{ cell|unlocalize|data_cell:column.name }}{% endif %}{% endif %}"
        "</td>{% endfor %}</tr>\n{% endfor %}"
    )
    return Template(source).render(Context({"table": table}))


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rows_are_the_same_as_django_tables2_renders_them_cell_by_cell(language):
    plan = PlanFactory(title="示范市精神卫生“十四五”规划")
    for n in range(4):
        KeyTaskFactory(plan=plan, title=f"重点任务 <{n}>", position=1000 + n, content="" if n % 2 else "说明 & 备注")
    request = RequestFactory().get("/")
    with translation.override(language):
        expected = TaskRows(KeyTask.objects.select_related("plan").order_by("pk"), request=request)
        tables.RequestConfig(request).configure(expected)
        table = TaskRows(KeyTask.objects.select_related("plan").order_by("pk"), request=request)
        tables.RequestConfig(request).configure(table)
        fast, slow = str(render_rows(table)), _template_rows(expected)
    assert fast.count("<tr") == 4
    assert re.sub(r"\s+", " ", fast).strip() == re.sub(r"\s+", " ", slow).strip()
    assert "重点任务 &lt;0&gt;" in fast and "说明 &amp; 备注" in fast and "—" in fast
