"""Spreadsheet helpers shared by the importers: reading a first sheet as a grid of values with
merged cells filled in, folding cell text, and problems reported with their row and column."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from common.archives import ArchiveTooLarge, inspect_zip

MEGABYTE = 1024 * 1024
YEAR_HEADER_RE = re.compile(r"^(20\d\d)\s*年?\s*(年度)?(目标|任务)?$")


@dataclass
class Problem:
    """One thing wrong (or worth a warning) in the table, with where it is."""

    message: str | Promise
    row: int | None = None
    column: str = ""  # the header label as written in the sheet, e.g. 牵头单位
    column_letter: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return str(self.message)
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class TableError(Exception):
    """The table cannot be imported; ``problems`` says every reason found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems

def normalize(text: Any) -> str:
    """Cell text with full-width forms folded (NFKC), spaces trimmed and line ends unified."""
    if text is None:
        return ""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    value = unicodedata.normalize("NFKC", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in value.strip().split("\n")).strip()

def clean_text(value: Any) -> str:
    """Cell text to store as written: spaces trimmed and line ends unified, but no NFKC folding,
    so that Chinese punctuation (，；：（）) stays full-width in titles, contents and targets."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.strip() for line in value.strip().split("\n")).strip()

def compact(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))

def cell_text(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return normalize(value)

def year_of(text: str) -> int | None:
    m = YEAR_HEADER_RE.match(compact(text))
    return int(m.group(1)) if m else None

def _megabytes(size: int) -> str:
    value = size / MEGABYTE
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def check_workbook_bytes(data: bytes) -> None:
    """Refuse (TableError) a workbook too large to open: the file itself, or what its zip unpacks
    to (a zip bomb). Runs before openpyxl sees the file."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise TableError(
            [Problem(gettext_lazy("The file is too large: workbooks may be at most %(limit)s MB.") % {"limit": _megabytes(limit)})]
        )
    unpacked_limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    try:
        inspect_zip(io.BytesIO(data), max_total=unpacked_limit, max_ratio=settings.UNCOMPRESSED_MAX_RATIO)
    except ArchiveTooLarge as exc:
        raise TableError(
            [
                Problem(
                    gettext_lazy(
                        "The workbook unpacks to too much data (more than %(limit)s MB, or compressed suspiciously "
                        "well): it is not imported. Copy the table into a new workbook and try again."
                    )
                    % {"limit": _megabytes(unpacked_limit)}
                )
            ]
        ) from exc


def _extent(sheet) -> tuple[int, int]:
    """The last row and column that hold a value (or start a merge), when the sheet's recorded
    dimensions are larger than the limits (formatting alone can stretch them to column XFD)."""
    max_row = max_col = 0
    for (row, col), cell in sheet._cells.items():  # noqa: SLF001 - only the cells that exist
        if cell.value is not None:
            max_row, max_col = max(max_row, row), max(max_col, col)
    for merged in sheet.merged_cells.ranges:
        if sheet.cell(merged.min_row, merged.min_col).value is not None:
            max_row, max_col = max(max_row, merged.max_row), max(max_col, merged.max_col)
    return max_row, max_col


def load_grid(data: bytes) -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    """The first sheet as a grid of values with merged cells filled in.

    Also returns, for each cell that is part of a vertical merge, the number of rows it spans.
    Bounded: the file's size and unpacked size, then the sheet's rows and columns (settings
    IMPORT_MAX_*), each refused with a TableError saying the limit.
    """
    check_workbook_bytes(data)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))]) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or sheet.max_row is None or (sheet.max_row <= 1 and sheet.max_column <= 1 and sheet.cell(1, 1).value is None):
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    last_row, last_col = sheet.max_row, sheet.max_column
    if last_row > max_rows or last_col > max_columns:
        last_row, last_col = _extent(sheet)
    if last_row > max_rows:
        raise TableError([Problem(gettext_lazy("The sheet has more than %(max)d rows.") % {"max": max_rows})])
    if last_col > max_columns:
        raise TableError([Problem(gettext_lazy("The sheet has more than %(max)d columns.") % {"max": max_columns})])
    if last_row == 0:
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    grid = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_col)]
    spans: dict[tuple[int, int], int] = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row > last_row or merged.min_col > last_col:
            continue
        value = grid[merged.min_row - 1][merged.min_col - 1]
        height = min(merged.max_row, last_row) - merged.min_row + 1
        for r in range(merged.min_row, min(merged.max_row, last_row) + 1):
            for c in range(merged.min_col, min(merged.max_col, last_col) + 1):
                grid[r - 1][c - 1] = value
                if height > 1:
                    spans[(r - 1, c - 1)] = height
    return sheet.title, grid, spans


# --- other formats: CSV (UTF-8 or GBK) and old Excel (.xls) ---------------------------------

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Compound File Binary)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 reads GBK and GB2312 too


def _check_extent(rows: int, columns: int) -> None:
    if rows > settings.IMPORT_MAX_ROWS:
        raise TableError([Problem(gettext_lazy("The sheet has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS})])
    if columns > settings.IMPORT_MAX_COLUMNS:
        raise TableError(
            [Problem(gettext_lazy("The sheet has more than %(max)d columns.") % {"max": settings.IMPORT_MAX_COLUMNS})]
        )


def _csv_grid(data: bytes) -> list[list[Any]]:
    import csv

    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TableError([Problem(gettext_lazy("The CSV file is neither UTF-8 nor GBK text. Save it as UTF-8 and try again."))])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = [row for row in csv.reader(io.StringIO(text), dialect)]
    while grid and not any(cell.strip() for cell in grid[-1]):
        grid.pop()
    _check_extent(len(grid), max((len(row) for row in grid), default=0))
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _xls_grid(data: bytes) -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - xlrd is a dependency
        raise TableError([Problem(gettext_lazy("Old Excel files (.xls) cannot be read here. Save it as .xlsx and try again."))]) from exc
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises many kinds on a damaged file  # noqa: BLE001
        raise TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xls) that can be read. Save it as .xlsx and try again."))]) from exc
    _check_extent(sheet.nrows, sheet.ncols)
    grid: list[list[Any]] = []
    for r in range(sheet.nrows):
        row: list[Any] = []
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(cell.value)
        grid.append(row)
    spans: dict[tuple[int, int], int] = {}
    for min_row, max_row, min_col, max_col in sheet.merged_cells:  # max_* exclusive
        if min_row >= len(grid):
            continue
        value = grid[min_row][min_col]
        height = min(max_row, len(grid)) - min_row
        for r in range(min_row, min(max_row, len(grid))):
            for c in range(min_col, min(max_col, sheet.ncols)):
                grid[r][c] = value
                if height > 1:
                    spans[(r, c)] = height
    return sheet.name, grid, spans


def load_grid_any(data: bytes, filename: str = "") -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    """Like :func:`load_grid`, for a workbook (.xlsx), an old Excel file (.xls) or a CSV file
    (UTF-8 with or without a byte-order mark, or GBK as Excel saves it on Chinese Windows).

    The kind is taken from the content where it shows (an .xlsx is a zip, an .xls an OLE2 file),
    else from the name.
    """
    if not data:
        raise TableError([Problem(gettext_lazy("The file is empty."))])
    if len(data) > settings.IMPORT_MAX_BYTES:
        check_workbook_bytes(data)  # raises the size problem
    if data.startswith(b"PK"):
        return load_grid(data)
    if data.startswith(OLE2_SIGNATURE):
        return _xls_grid(data)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))])
    grid = _csv_grid(data)
    if not any(str(cell).strip() for row in grid for cell in row):
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    return "", grid, {}
