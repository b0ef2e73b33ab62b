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

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 5000
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

def load_grid(data: bytes) -> tuple[str, list[list[Any]], dict[tuple[int, int], int]]:
    """The first sheet as a grid of values with merged cells filled in.

    Also returns, for each cell that is part of a vertical merge, the number of rows it spans.
    """
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableError([Problem(gettext_lazy("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."))]) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None or sheet.max_row is None or (sheet.max_row <= 1 and sheet.max_column <= 1 and sheet.cell(1, 1).value is None):
        raise TableError([Problem(gettext_lazy("The spreadsheet is empty."))])
    if sheet.max_row > MAX_ROWS:
        raise TableError([Problem(gettext_lazy("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS})])
    grid = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row)]
    spans: dict[tuple[int, int], int] = {}
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        height = merged.max_row - merged.min_row + 1
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                grid[r - 1][c - 1] = value
                if height > 1:
                    spans[(r - 1, c - 1)] = height
    return sheet.title, grid, spans
