"""Spreadsheet helpers shared by the importers: one reader of .xlsx, .xls and .csv files
(:func:`load_sheets`: every worksheet as a grid of values with merged cells filled in, bounded,
damaged and password-protected files refused with a clear message), choosing the worksheet that
holds a table (:func:`choose_sheet`), folding cell text, and problems reported with their row and
column."""

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


@dataclass
class Sheet:
    """One worksheet as a grid of values (merged cells filled in) and, for each cell in a
    vertical merge, the number of rows it spans."""

    name: str
    grid: list[list[Any]]
    spans: dict[tuple[int, int], int]

    @property
    def is_empty(self) -> bool:
        return not any(cell_text(v) for row in self.grid for v in row)


def _too_many(what: str, limit: int, sheet_name: str) -> TableError:
    if what == "rows":
        message = gettext_lazy("The sheet has more than %(max)d rows.") % {"max": limit}
    else:
        message = gettext_lazy("The sheet has more than %(max)d columns.") % {"max": limit}
    if sheet_name:
        message = gettext_lazy("Sheet “%(sheet)s”: %(message)s") % {"sheet": sheet_name, "message": message}
    return TableError([Problem(message)])


def _check_extent(rows: int, columns: int, sheet_name: str = "") -> None:
    if rows > settings.IMPORT_MAX_ROWS:
        raise _too_many("rows", settings.IMPORT_MAX_ROWS, sheet_name)
    if columns > settings.IMPORT_MAX_COLUMNS:
        raise _too_many("columns", settings.IMPORT_MAX_COLUMNS, sheet_name)


def _sheet_grid(sheet, label: str = "") -> Sheet:
    """One openpyxl worksheet as a :class:`Sheet`, bounded: the grid is only built once the
    extent of the cells that hold values is within IMPORT_MAX_ROWS × IMPORT_MAX_COLUMNS (a single
    value in column XFD is refused, never expanded into a 16,384-column grid)."""
    max_rows, max_columns = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS
    last_row, last_col = sheet.max_row or 0, sheet.max_column or 0
    if last_row > max_rows or last_col > max_columns:
        last_row, last_col = _extent(sheet)
    _check_extent(last_row, last_col, label)
    if last_row == 0 or last_col == 0:
        return Sheet(sheet.title, [], {})
    grid = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_col)]
    merges = ((m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in sheet.merged_cells.ranges)
    return Sheet(sheet.title, grid, _fill_merges(grid, merges, last_col))


def _fill_merges(grid: list[list[Any]], merges, width: int) -> dict[tuple[int, int], int]:
    """Fill each merged range of ``grid`` (0-based first row, row after the last, first column,
    column after the last) with its top-left value; return, for each cell of a vertical merge, the
    number of rows it spans. Merges may not overlap; a crafted file with many that do is refused
    once more cells are filled than twice the grid holds (else this loop would be a hang)."""
    height_limit = len(grid)
    budget = 2 * height_limit * width
    spans: dict[tuple[int, int], int] = {}
    for min_row, end_row, min_col, end_col in merges:
        if min_row >= height_limit or min_col >= width:
            continue
        rows, columns = range(min_row, min(end_row, height_limit)), range(min_col, min(end_col, width))
        budget -= len(rows) * len(columns)
        if budget < 0:
            raise TableError([Problem(gettext_lazy("The sheet has overlapping merged cells; unmerge them and try again."))])
        value = grid[min_row][min_col]
        for r in rows:
            for c in columns:
                grid[r][c] = value
                if len(rows) > 1:
                    spans[(r, c)] = len(rows)
    return spans


def _not_xlsx() -> TableError:
    return TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))])


def _unreadable(exc: BaseException) -> TableError:
    return TableError(
        [
            Problem(
                gettext_lazy(
                    "The workbook is damaged and cannot be read (%(reason)s). Open it in Excel or WPS, save it as a new "
                    ".xlsx file and try again."
                )
                % {"reason": type(exc).__name__}
            )
        ]
    )


_VALUED_CELL_RE = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"[^>]*?(?<!/)>")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _prescan_xlsx(data: bytes) -> None:
    """Rows and columns of every worksheet counted from its XML before openpyxl parses anything:
    only cells that hold something count (a styled empty cell in column XFD does not), so a sheet
    past IMPORT_MAX_ROWS or IMPORT_MAX_COLUMNS is refused without being built. The XML read is
    bounded by check_workbook_bytes (unpacked size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                last_row = last_col = 0
                for match in _VALUED_CELL_RE.finditer(archive.read(info)):
                    last_col = max(last_col, _column_number(match.group(1)))
                    last_row = max(last_row, int(match.group(2)))
                _check_extent(last_row, last_col)
    except TableError:
        raise
    except Exception:  # noqa: BLE001 - a damaged zip: openpyxl's own refusal below says so
        return


def _open_xlsx(data: bytes):
    check_workbook_bytes(data)
    _prescan_xlsx(data)
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile) as exc:
        raise _not_xlsx() from exc
    except (RecursionError, MemoryError) as exc:  # pragma: no cover - bounded by the unpacked size above
        raise _unreadable(exc) from exc
    except Exception as exc:  # malformed XML, bad styles, bad dates …: openpyxl raises many kinds  # noqa: BLE001
        if isinstance(exc, KeyError | OSError) and not isinstance(exc, zipfile.BadZipFile):
            raise _not_xlsx() from exc
        raise _unreadable(exc) from exc


def _read_sheet(sheet, label: str) -> Sheet:
    try:
        return _sheet_grid(sheet, label)
    except TableError:
        raise
    except Exception as exc:  # a cell openpyxl cannot turn into a value  # noqa: BLE001
        raise _unreadable(exc) from exc


def load_grid(data: bytes) -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    """The first sheet as a grid of values with merged cells filled in.

    Also returns, for each cell that is part of a vertical merge, the number of rows it spans.
    Bounded: the file's size and unpacked size, then the sheet's rows and columns (settings
    IMPORT_MAX_*), each refused with a TableError saying the limit.
    """
    workbook = _open_xlsx(data)
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or sheet.max_row is None or (sheet.max_row <= 1 and sheet.max_column <= 1 and sheet.cell(1, 1).value is None):
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    first = _read_sheet(sheet, "")
    if not first.grid:
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    return first.name, first.grid, first.spans


# --- other formats: CSV (UTF-8 or GBK) and old Excel (.xls) ---------------------------------

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Compound File Binary)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 reads GBK and GB2312 too


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
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")  # a lone CR ends a line, as in Excel
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        grid = [row for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise TableError([Problem(gettext_lazy("The CSV file cannot be read (%(reason)s). Save it from Excel as CSV and try again.") % {"reason": exc})]) from exc
    while grid and not any(cell.strip() for cell in grid[-1]):
        grid.pop()
    _check_extent(len(grid), max((len(row) for row in grid), default=0))
    width = max((len(row) for row in grid), default=0)
    return [row + [""] * (width - len(row)) for row in grid]


def _xls_sheets(data: bytes) -> list[Sheet]:
    try:
        import xlrd
    except ImportError as exc:  # pragma: no cover - xlrd is a dependency
        raise TableError([Problem(gettext_lazy("Old Excel files (.xls) cannot be read here. Save it as .xlsx and try again."))]) from exc
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
        names = book.sheet_names()
    except Exception as exc:  # xlrd raises many kinds on a damaged file  # noqa: BLE001
        if "encrypt" in str(exc).lower():
            raise _encrypted() from exc
        raise TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xls) that can be read. Save it as .xlsx and try again."))]) from exc
    sheets = []
    for index, name in enumerate(names):
        try:
            sheet = book.sheet_by_index(index)
        except Exception as exc:  # noqa: BLE001
            raise _unreadable(exc) from exc
        _check_extent(sheet.nrows, sheet.ncols, name if len(names) > 1 else "")
        grid: list[list[Any]] = []
        for r in range(sheet.nrows):
            row: list[Any] = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                        row.append(cell.value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    row.append(None)
                elif cell.ctype == xlrd.XL_CELL_ERROR:
                    row.append(xlrd.error_text_from_code.get(cell.value, "#ERROR"))  # #DIV/0!, not a number
                else:
                    row.append(cell.value)
            grid.append(row)
        spans = _fill_merges(grid, sheet.merged_cells, sheet.ncols)  # xlrd: (row, row after, col, col after)
        sheets.append(Sheet(name, grid, spans))
    return sheets


def _xls_grid(data: bytes) -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    first = _xls_sheets(data)[0]
    return first.name, first.grid, first.spans


def _encrypted() -> TableError:
    return TableError(
        [
            Problem(
                gettext_lazy(
                    "The workbook is protected with a password, so it cannot be read. Remove the password in Excel or WPS "
                    "(File → Info → Protect Workbook), save it and try again."
                )
            )
        ]
    )


# A password-protected .xlsx is an OLE2 file holding the streams EncryptionInfo and EncryptedPackage.
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def load_sheets(data: bytes, filename: str = "") -> list[Sheet]:
    """Every worksheet of a workbook (.xlsx), an old Excel file (.xls) or a CSV file (UTF-8 with or
    without a byte-order mark, GBK or GB18030), each as a :class:`Sheet`; one reader for the
    command line and the web page.

    The kind is taken from the content where it shows (an .xlsx is a zip, an .xls an OLE2 file),
    else from the name; bytes that are neither a zip nor an OLE2 file are read as CSV only when
    ``filename`` says so (no name: a workbook or nothing). Bounded before parsing (file size, unpacked size) and while reading
    (rows, columns); a damaged, encrypted or unreadable file is a TableError with a clear
    message, never a traceback.
    """
    if not data:
        raise TableError([Problem(gettext_lazy("The file is empty."))])
    if len(data) > settings.IMPORT_MAX_BYTES:
        check_workbook_bytes(data)  # raises the size problem
    if data.startswith(b"PK"):
        workbook = _open_xlsx(data)
        worksheets = list(workbook.worksheets)
        sheets = [_read_sheet(sheet, sheet.title if len(worksheets) > 1 else "") for sheet in worksheets]
    elif data.startswith(OLE2_SIGNATURE):
        if any(stream in data for stream in ENCRYPTED_STREAMS):
            raise _encrypted()
        sheets = _xls_sheets(data)
    elif not filename or filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise _not_xlsx()  # bytes without a file name are a workbook or nothing: only a name says CSV
    else:
        sheets = [Sheet("", _csv_grid(data), {})]  # a CSV file has one unnamed sheet
    if not sheets or all(sheet.is_empty for sheet in sheets):
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    return sheets


def sheet_names(sheets: list[Sheet]) -> str:
    return "、".join(f"“{sheet.name}”" for sheet in sheets)


def choose_sheet(sheets: list[Sheet], qualifies, *, name: str | None = None, missing: Problem) -> tuple[Sheet, Any]:
    """The one sheet holding the table: ``qualifies(sheet)`` returns something (e.g. the header row)
    for a sheet that has it, else None. With ``name`` that sheet is used. Refuses (TableError) when
    no sheet or several sheets qualify, listing the sheets; ``missing`` says what was looked for."""
    if name:
        chosen = next((s for s in sheets if s.name == name), None) or next(
            (s for s in sheets if compact(s.name) == compact(name)), None
        )
        if chosen is None:
            raise TableError(
                [
                    Problem(
                        gettext_lazy("The workbook has no sheet “%(name)s”; its sheets are %(sheets)s.")
                        % {"name": name, "sheets": sheet_names(sheets)}
                    )
                ]
            )
        found = qualifies(chosen)
        if found is None:
            raise TableError([missing, Problem(gettext_lazy("Sheet read: “%(sheet)s”.") % {"sheet": chosen.name})])
        return chosen, found
    candidates = [(sheet, found) for sheet in sheets if (found := qualifies(sheet)) is not None]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        if len(sheets) == 1:
            raise TableError([missing])
        raise TableError(
            [missing, Problem(gettext_lazy("Sheets searched: %(sheets)s.") % {"sheets": sheet_names(sheets)})]
        )
    raise TableError(
        [
            Problem(
                gettext_lazy(
                    "Several sheets hold such a table: %(sheets)s. Choose one (the sheet field on the upload page, "
                    "or --sheet NAME on the command line)."
                )
                % {"sheets": sheet_names([sheet for sheet, _found in candidates])}
            )
        ]
    )


def sheet_read_note(chosen: Sheet, sheets: list[Sheet]) -> Problem | None:
    """A warning naming the worksheet read and listing the workbook's sheets, when it has several."""
    if len(sheets) < 2:
        return None
    return Problem(
        gettext_lazy("The table was read from the sheet “%(sheet)s” (the workbook has %(sheets)s).")
        % {"sheet": chosen.name, "sheets": sheet_names(sheets)}
    )


def load_grid_any(data: bytes, filename: str = "") -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    """Like :func:`load_grid`, for a workbook (.xlsx), an old Excel file (.xls) or a CSV file
    (UTF-8 with or without a byte-order mark, or GBK as Excel saves it on Chinese Windows): the
    first sheet."""
    if data.startswith(b"PK"):
        if len(data) > settings.IMPORT_MAX_BYTES:
            check_workbook_bytes(data)
        return load_grid(data)
    first = load_sheets(data, filename)[0]
    if first.is_empty:
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    return first.name, first.grid, first.spans
