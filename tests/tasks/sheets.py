"""Small helpers that build task breakdown tables (.xlsx bytes) in memory with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

from tasks.models import AnnualTarget, Department, KeyTask, Milestone, Plan, PlanSection, TaskDepartment

CLEAN_HEADER = ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"]

# The rows a failed import must leave alone.
GUARDED_MODELS = (Plan, KeyTask, PlanSection, TaskDepartment, Milestone, Department, AnnualTarget)


def xlsx(rows: Sequence[Sequence[Any]], merges: Iterable[str] = (), sheet_title: str = "Sheet1") -> bytes:
    """A workbook whose first sheet holds ``rows`` from A1 down, with the ranges in ``merges`` merged.

    Cells covered by a merge (other than its top-left one) should be given as None.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def clean_table(*rows: Sequence[Any], header: Sequence[str] = CLEAN_HEADER) -> bytes:
    """A table with only the header row and ``rows``."""
    return xlsx([list(header), *rows])


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in GUARDED_MODELS}

