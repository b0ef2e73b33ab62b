"""Spreadsheet exports that cannot carry a formula (CSV/formula injection, OWASP).

Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula (or a DDE command) by Excel, WPS or LibreOffice. Every export writes such text so that it
shows as text:

- CSV: the text gets a leading single quote ``'`` (the OWASP recommendation);
- Excel (.xlsx): the cell is written as a text cell with Excel's *quote prefix* set — what Excel
  itself stores when someone types ``'=…`` — so the value is shown exactly as stored, stays text
  when the cell is edited, and reads back unchanged (the plan export is imported again).

Only text is touched: numbers (also negative ones), dates and empty cells are written as they are,
and so is text that is only a signed number ("-3.5", "+12%"): a spreadsheet reads it as a number,
never as a formula.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.encoding import force_str
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
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
