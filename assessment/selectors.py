"""Reads of the assessment: the prefectures assessed, the ranking, the export's rows.

The ranking is read from the stored scores only (``RegionScore``), never recomputed from the tracked
data: after sign-off it cannot change. A fixed number of queries whatever the number of prefectures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from assessment import rules
from assessment.models import AssessmentScheme, BonusDeduction, RegionScore, SchemeItem
from common.exports import xlsx_bytes
from tasks.models import Region


def prefectures(scheme: AssessmentScheme) -> QuerySet[Region]:
    """The regions the scheme's plan was cascaded to (the plans whose parent is the scheme's plan)."""
    return Region.objects.filter(plans__parent_id=scheme.plan_id).distinct().order_by("code", "name", "pk")


@dataclass
class ResultRow:
    region: Region
    cells: list[RegionScore | None]  # aligned with Results.items
    bonus: Decimal = Decimal(0)
    deduction: Decimal = Decimal(0)  # a positive number of points taken off
    bonus_reasons: list[str] = field(default_factory=list)
    rank: int = 0

    @property
    def items_total(self) -> Decimal:
        return sum((cell.effective for cell in self.cells if cell is not None), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.items_total + self.bonus - self.deduction

    @property
    def adjusted(self) -> bool:
        return any(cell is not None and cell.adjusted_score is not None for cell in self.cells)


@dataclass
class Results:
    scheme: AssessmentScheme
    items: list[SchemeItem]
    rows: list[ResultRow]

    @property
    def weights_total(self) -> Decimal:
        return sum((item.weight for item in self.items), Decimal(0))


def results(scheme: AssessmentScheme) -> Results:
    """The ranking: one row per prefecture scored, best first, equal totals sharing a rank (4 queries)."""
    items = list(scheme.items.select_related("indicator"))
    position = {item.pk: index for index, item in enumerate(items)}
    rows: dict[int, ResultRow] = {}
    for score in RegionScore.objects.filter(scheme=scheme).select_related("region").order_by("region__code", "region__name", "region_id"):
        row = rows.get(score.region_id)
        if row is None:
            row = rows[score.region_id] = ResultRow(region=score.region, cells=[None] * len(items))
        if score.item_id in position:
            row.cells[position[score.item_id]] = score
    for bonus in BonusDeduction.objects.filter(scheme=scheme).order_by("pk"):
        row = rows.get(bonus.region_id)
        if row is None:
            continue  # a bonus for a region not (yet) scored counts once it is
        if bonus.points > 0:
            row.bonus += bonus.points
        else:
            row.deduction -= bonus.points
        row.bonus_reasons.append(f"{bonus.points:+} {bonus.reason}")
    ordered = sorted(rows.values(), key=lambda row: -row.total)  # stable: region order among equals
    for row, rank in zip(ordered, rules.competition_ranks([row.total for row in ordered]), strict=True):
        row.rank = rank
    return Results(scheme=scheme, items=items, rows=ordered)


def export_header(result: Results) -> list[str]:
    return (
        [_("Rank"), _("Prefecture"), _("Total")]
        + [f"{item.label}（{rules.points_text(item.weight)}）" for item in result.items]
        + [_("Bonus"), _("Deduction")]
    )


def export_rows(scheme: AssessmentScheme) -> list[list]:
    """The header and one row per prefecture in rank order: rank, prefecture, total, each item's
    score (adjusted where adjusted), bonus, deduction."""
    result = results(scheme)
    table: list[list] = [export_header(result)]
    for row in result.rows:
        table.append(
            [row.rank, row.region.name, row.total]
            + [cell.effective if cell is not None else None for cell in row.cells]
            + [row.bonus, row.deduction]
        )
    return table


def export_xlsx(scheme: AssessmentScheme) -> bytes:
    return xlsx_bytes(export_rows(scheme), title=f"{scheme.year}{_('Assessment ranking')}")

