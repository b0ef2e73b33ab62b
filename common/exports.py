"""Spreadsheet exports that cannot carry a formula (CSV/formula injection, OWASP).

Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula (or a DDE command) by Excel, WPS or LibreOffice. Every export writes such text so that it
shows as text:

- CSV: the text gets a leading single quote ``'`` (the OWASP recommendation);
- Excel (.xlsx): the cell is written as a text cell with Excel's *quote prefix* set — what Excel
  itself stores when someone types ``'=…`` — so the value is shown exactly as stored, stays text
  when the cell is edited, and reads back unchanged (the plan export is imported again).

Large exports (issue 14) never hold the whole table: :func:`table_rows` reads a django-tables2
table's queryset in chunks, :func:`csv_chunks` turns rows into bytes as they come (for a
``StreamingHttpResponse`` or a file) and :func:`write_xlsx` writes a workbook in openpyxl's write-only
mode, row by row, straight into a file.

Only text is touched: numbers (also negative ones), dates and empty cells are written as they are,
and so is text that is only a signed number ("-3.5", "+12%"): a spreadsheet reads it as a number,
never as a formula.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import html
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, Any

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django_tables2 import Column, Table
from django_tables2.data import TableQuerysetData
from django_tables2.rows import BoundRow
from django_tables2.utils import signature
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"[+-]\d[\d,]*(\.\d+)?(E[+-]?\d+)?\s*[%‰]?", re.IGNORECASE)

_PLAIN = (int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta, bool)


def is_dangerous(value: Any) -> bool:
    """Text that a spreadsheet program would take for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not SIGNED_NUMBER.fullmatch(value)


def csv_value(value: Any) -> Any:
    """A cell for a CSV file: dangerous text with a leading ``'``; anything else unchanged."""
    if isinstance(value, Promise):
        value = force_str(value)
    return "'" + value if is_dangerous(value) else value


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (no byte-order mark), every cell through :func:`csv_value`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    return buffer.getvalue()


def set_cell(cell: Cell, value: Any) -> Cell:
    """Write ``value`` into an openpyxl cell; dangerous text becomes a quote-prefixed text cell."""
    if isinstance(value, Promise):
        value = force_str(value)
    elif value is not None and not isinstance(value, (str, *_PLAIN)):
        value = force_str(value)
    cell.value = value
    if is_dangerous(value):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True
    return cell


def neutralise_sheet(sheet: Worksheet) -> None:
    """Make every dangerous text cell on ``sheet`` safe: call it after ``sheet.append`` and before saving
    (our exports write no formulas of their own)."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f" or is_dangerous(cell.value):
                set_cell(cell, cell.value)


def xlsx_bytes(rows: Iterable[Sequence[Any]], *, title: str = "Sheet1") -> bytes:
    """Rows as an Excel workbook: the first row bold and frozen (a header)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Sheet1"
    for index, row in enumerate(rows):
        number = index + 1
        for column, value in enumerate(row, start=1):
            cell = set_cell(sheet.cell(row=number, column=column), value)
            if number == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- large exports: rows read, written and forgotten one chunk at a time ---------------------

BOM = "\ufeff"  # so that Excel reads a UTF-8 CSV (Chinese text) as UTF-8
CHUNK_ROWS = 2000


def as_text(value: Any) -> Any:
    """A cell of an export: HTML that a column renders (badges, links) as its text."""
    if isinstance(value, SafeData):
        return html.unescape(strip_tags(value))
    return value


def _export_columns(table: Table) -> list:
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def _records(table: Table, chunk_size: int, prepare: Callable[[list], Any] | None) -> Iterator[Any]:
    """The table's records in its order, ``chunk_size`` at a time: a queryset through ``iterator()``
    (its select_related and prefetch_related kept, nothing cached), a list as it is. ``prepare`` is
    called on each chunk before its rows are read (facts attached to a page's rows, for instance)."""
    data = table.data
    source = iter(data.data.iterator(chunk_size=chunk_size) if isinstance(data, TableQuerysetData) else data.data)
    while chunk := list(islice(source, chunk_size)):
        if prepare is not None:
            prepare(chunk)
        yield from chunk


def _cell_reader(bound_column) -> Callable[[BoundRow], Any]:
    """``BoundRow.get_cell_value`` for one column, with the column's value function and the
    arguments it takes worked out once rather than for every cell (django-tables2 inspects the
    function's signature on each call: a third of an export's time at a million rows)."""
    column = bound_column.column
    function = bound_column.value
    if getattr(function, "__func__", None) is Column.value:  # Column.value only calls render
        function = column.render
    if getattr(function, "__func__", None) is Column.render:  # which gives the value back

        def call(row: BoundRow, value: Any = None) -> Any:
            return value
    else:
        names, catch_all = signature(function)

        def call(row: BoundRow, value: Any = None) -> Any:
            offered = {
                "value": value, "record": row.record, "column": column,
                "bound_column": bound_column, "bound_row": row, "table": row.table,
            }
            if not catch_all:
                if any(name not in offered for name in names):
                    return None
                offered = {name: offered[name] for name in names}
            return function(**offered)

    def read(row: BoundRow) -> Any:
        return row._get_and_render_with(bound_column, render_func=lambda _column, value=None: call(row, value), default=None)

    return read


def table_rows(
    table: Table, *, chunk_size: int = CHUNK_ROWS, prepare: Callable[[list], Any] | None = None
) -> Iterator[list[Any]]:
    """A django-tables2 table as export rows — the header, then every record (not one page), each cell
    as ``Table.as_values`` gives it with HTML reduced to its text — read lazily, in constant memory.

    A table that overrides ``as_values`` (a summary row after the records) is small by nature and is
    exported through its own ``as_values``."""
    if type(table).as_values is not Table.as_values:
        for row in table.as_values():
            yield [as_text(value) for value in row]
        return
    columns = _export_columns(table)
    yield [as_text(force_str(column.header, strings_only=True)) for column in columns]
    readers = [_cell_reader(column) for column in columns]
    for record in _records(table, chunk_size, prepare):
        row = BoundRow(record, table=table)
        yield [as_text(force_str(read(row), strings_only=True)) for read in readers]


def count_rows(table: Table, *, at_most: int | None = None) -> int:
    """How many records the table exports; with ``at_most``, counting stops past it (a bounded
    ``COUNT`` over ``LIMIT at_most + 1``: cheap whatever the size of the table)."""
    data = table.data
    if isinstance(data, TableQuerysetData):
        queryset = data.data.order_by()
        return (queryset[: at_most + 1] if at_most is not None else queryset).count()
    return len(data.data)


def csv_chunks(rows: Iterable[Sequence[Any]], *, batch: int = 500) -> Iterator[bytes]:
    """Rows as UTF-8 CSV bytes with a byte-order mark first, ``batch`` rows per chunk, every cell
    through :func:`csv_value`: what ``csv_text`` gives, produced as the rows come."""
    yield BOM.encode()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_value(value) for value in row])
        if number % batch == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, Promise) or (value is not None and not isinstance(value, (str, *_PLAIN))):
        return force_str(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)  # Excel has no time zones: local time, as shown on the page
    return value


def write_xlsx(
    rows: Iterable[Sequence[Any]],
    target: str | IO[bytes],
    *,
    title: str = "Sheet1",
    on_row: Callable[[int], Any] | None = None,
) -> int:
    """Rows as an Excel workbook written to ``target`` (a path or a binary file) in openpyxl's
    write-only mode: each row goes to disk as it is appended, so memory stays flat. The first row is
    a bold, frozen header; dangerous text is a quote-prefixed text cell (as in :func:`set_cell`).
    ``on_row(count)`` is called every CHUNK_ROWS rows (progress). Returns the number of data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    count = -1
    for count, row in enumerate(rows):
        cells = []
        for value in row:
            value = _xlsx_value(value)
            if count == 0 or is_dangerous(value):
                cell = set_cell(WriteOnlyCell(sheet), value)
                if count == 0:
                    cell.font = bold
                value = cell
            cells.append(value)
        sheet.append(cells)
        if on_row is not None and count and count % CHUNK_ROWS == 0:
            on_row(count)
    workbook.save(target)
    return max(count, 0)
