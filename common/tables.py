"""A django-tables2 table's rows, rendered in one pass in Python.

The project's table template (templates/django_tables2/bootstrap5-responsive.html) used to write
each cell with template tags: the column's ``<td>`` attributes, its label (``data-label``, shown
on phones), ``data-short`` and the value marked as data (``|data_cell``). On a list of 25 rows × 9
columns that was most of the page's time, and django-tables2 itself looks each cell's column up by
name through every column (``BoundRow.get_cell``). ``render_rows`` writes the same HTML:

- what does not change from row to row (a column's ``<td>`` attributes, its label, how its value is
  read and which arguments its ``render`` method takes) is worked out once per column;
- a cell's value is read as django-tables2 reads it (``get_FOO_display`` for a field with choices,
  callables called, the column's ``empty_values`` and ``default``), then rendered by the column's or
  the table's ``render`` and ``linkify`` exactly as before. Accessors across relations
  (``a__b``), non-model records and many-to-many columns take django-tables2's own path.
"""

from __future__ import annotations

from django.db import models
from django.utils.formats import localize
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import mark_safe
from django_tables2.columns import ManyToManyColumn
from django_tables2.utils import Accessor, signature

from common.templatetags.ui import data_cell, short_cell

_MISSING = object()


def _has_callable(attrs) -> bool:
    return any(callable(v) or (isinstance(v, dict) and _has_callable(v)) for v in (attrs or {}).values())


def _attrs_vary(bound_column) -> bool:
    """Whether a column's cell attributes depend on the row (a callable in the table's or the
    column's ``td``/``cell`` attributes): then they are computed per cell, as django-tables2 does."""
    table_attrs, column_attrs = bound_column._table.attrs, bound_column.column.attrs
    return any(_has_callable(attrs.get(key)) for attrs in (table_attrs, column_attrs) for key in ("td", "cell"))


class _Column:
    """What ``render_rows`` needs of a column, worked out once per table."""

    def __init__(self, bound_column):
        self.bound = bound_column
        self.name = bound_column.name
        self.label = conditional_escape(strip_tags(str(bound_column.header)))
        self.td = None if _attrs_vary(bound_column) else bound_column.attrs["td"].as_html()
        column = bound_column.column
        accessor = Accessor(bound_column.accessor)
        self.simple = (
            Accessor.SEPARATOR not in accessor
            and not accessor.callable_args
            and not accessor.callable_kwargs
            and not isinstance(column, ManyToManyColumn)
        )
        self.accessor = str(accessor)
        self.empty_values = column.empty_values
        self.default = bound_column.default
        self.render = bound_column.render
        self.link = bound_column.link
        self.args, self.catch_all = signature(bound_column.render)
        self.localize = bound_column.localize
        self._display: dict[type, str | None] = {}

    def display_method(self, record) -> str | None:
        """``get_<field>_display`` when the record's field has choices (per model class)."""
        kind = type(record)
        if kind not in self._display:
            name = None
            try:
                field = kind._meta.get_field(self.accessor)
            except Exception:  # noqa: BLE001 - FieldDoesNotExist and kin: not a field, read as an attribute
                field = None
            if field is not None and getattr(field, "choices", ()) and hasattr(kind, f"get_{self.accessor}_display"):
                name = f"get_{self.accessor}_display"
            self._display[kind] = name
        return self._display[kind]

    def cell(self, row):
        record = row.record
        if not self.simple or not isinstance(record, models.Model):
            return row.get_cell(self.name)
        display = self.display_method(record)
        if display is not None:
            value = getattr(record, display)()
        else:
            value = getattr(record, self.accessor, _MISSING)
            if value is _MISSING:
                return row.get_cell(self.name)  # django-tables2's path: its lookups and errors
            if callable(value):
                if getattr(value, "alters_data", False) or getattr(value, "do_not_call_in_templates", False):
                    return row.get_cell(self.name)
                value = value()
        if value in self.empty_values:
            return self.default
        arguments = {
            "value": value, "record": record, "column": self.bound.column, "bound_column": self.bound,
            "bound_row": row, "table": row.table,
        }
        content = self.render(**(arguments if self.catch_all else {k: arguments[k] for k in self.args if k in arguments}))
        return self.link(content, **arguments) if self.link else content


def render_rows(table) -> str:
    """The ``<tr>`` rows of the table's current page."""
    columns = [_Column(bound_column) for bound_column in table.columns]
    lines = []
    for row in table.paginated_rows:
        cells = []
        for column in columns:
            value = column.cell(row)
            td = column.td
            if td is None:
                column.bound.current_value, column.bound.current_record = value, row.record
                td = column.bound.attrs["td"].as_html()
            if column.localize is not None:
                value = localize(value, use_l10n=column.localize)
            short = " data-short" if short_cell(value) else ""
            cells.append(f'<td {td} data-label="{column.label}"{short}>{conditional_escape(data_cell(value, column.name))}</td>')
        lines.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(lines))
