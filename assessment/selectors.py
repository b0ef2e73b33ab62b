"""Reads of the assessment: the prefectures assessed, the ranking, the export's rows.

The ranking is read from the stored scores only (``RegionScore``), never recomputed from the tracked
data: after sign-off it cannot change. A fixed number of queries whatever the number of prefectures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from assessment import params as rule_params
from assessment import rules
from assessment.models import (
    AssessmentScheme,
    BonusDeduction,
    Grade,
    RegionScore,
    SampledItem,
    SchemeItem,
    SelfScore,
    Veto,
)
from tasks.models import Region


def prefectures(scheme: AssessmentScheme) -> QuerySet[Region]:
    """The regions the scheme's plan was cascaded to (the plans whose parent is the scheme's plan)."""
    return Region.objects.filter(plans__parent_id=scheme.plan_id).distinct().order_by("code", "name", "pk")


def assessed_prefectures(scheme: AssessmentScheme) -> QuerySet[Region]:
    """The prefectures assessed this year: the ones drawn, or (none drawn) every one."""
    regions = prefectures(scheme)
    if scheme.pk and scheme.assessed_seed is not None:
        regions = regions.filter(pk__in=scheme.assessed.values("pk"))
    return regions


def item_params(item: SchemeItem) -> str:
    """The item's rule parameters as the one line of text the form and the scheme sheet use."""
    found = rule_params.loaded(item.params)
    if item.rule in (SchemeItem.Rule.PROPORTIONAL, SchemeItem.Rule.YES_NO) and item.reference is not None:
        found["reference"] = item.reference
    if item.rule == SchemeItem.Rule.BANDED:
        found["floor"] = item.floor_share
    return rule_params.text(found)


@dataclass
class ResultRow:
    region: Region
    cells: list[RegionScore | None]  # aligned with Results.items
    bonus: Decimal = Decimal(0)  # after the caps per item and per prefecture
    deduction: Decimal = Decimal(0)  # a positive number of points taken off, after the caps
    verification: Decimal = Decimal(0)  # points taken off for discrepancies found on site
    bonus_reasons: list[str] = field(default_factory=list)
    vetoes: list[Veto] = field(default_factory=list)
    self_scores: list[Decimal | None] = field(default_factory=list)  # aligned with Results.items
    discrepancies: int = 0
    rank: int = 0
    grade: str = ""

    @property
    def items_total(self) -> Decimal:
        return sum((cell.effective for cell in self.cells if cell is not None), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.items_total + self.bonus - self.deduction - self.verification

    @property
    def self_total(self) -> Decimal | None:
        present = [value for value in self.self_scores if value is not None]
        return sum(present, Decimal(0)) if present else None

    @property
    def adjusted(self) -> bool:
        return any(cell is not None and cell.adjusted_score is not None for cell in self.cells)

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade else ""

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)


@dataclass
class Results:
    scheme: AssessmentScheme
    items: list[SchemeItem]  # the items counted in the total
    rows: list[ResultRow]

    @property
    def weights_total(self) -> Decimal:
        return sum((item.weight for item in self.items), Decimal(0))


def results(scheme: AssessmentScheme) -> Results:
    """The ranking: one row per prefecture scored, best first, equal totals sharing a rank, each
    with its grade (capped by a veto). A fixed number of queries (7) whatever the prefectures."""
    every_item = list(scheme.items.select_related("indicator"))
    items = [item for item in every_item if item.in_total]
    caps = {item.pk: item.weight for item in every_item if item.rule in (SchemeItem.Rule.BONUS, SchemeItem.Rule.DEDUCTION)}
    position = {item.pk: index for index, item in enumerate(items)}
    rows: dict[int, ResultRow] = {}
    for score in RegionScore.objects.filter(scheme=scheme).select_related("region").order_by("region__code", "region__name", "region_id"):
        row = rows.get(score.region_id)
        if row is None:
            row = rows[score.region_id] = ResultRow(
                region=score.region, cells=[None] * len(items), self_scores=[None] * len(items)
            )
        if score.item_id in position:
            row.cells[position[score.item_id]] = score
    bonuses: dict[int, list] = {}
    deductions: dict[int, list] = {}
    for bonus in BonusDeduction.objects.filter(scheme=scheme).order_by("pk"):
        row = rows.get(bonus.region_id)
        if row is None:
            continue  # a bonus for a region not (yet) scored counts once it is
        key = bonus.item_id or 0
        if bonus.points > 0:
            bonuses.setdefault(bonus.region_id, []).append((key, bonus.points))
        else:
            deductions.setdefault(bonus.region_id, []).append((key, -bonus.points))
        row.bonus_reasons.append(f"{bonus.points:+} {bonus.reason}")
    for region_id, row in rows.items():
        row.bonus = rules.capped_adjustments(bonuses.get(region_id, []), item_caps=caps, region_cap=scheme.bonus_cap)
        row.deduction = rules.capped_adjustments(deductions.get(region_id, []), item_caps=caps, region_cap=scheme.deduction_cap)
    for veto in Veto.objects.filter(scheme=scheme).select_related("notice").order_by("pk"):
        if veto.region_id in rows:
            rows[veto.region_id].vetoes.append(veto)
    for item_id, region_id, points in SelfScore.objects.filter(scheme=scheme).values_list("item_id", "region_id", "points"):
        if region_id in rows and item_id in position:
            rows[region_id].self_scores[position[item_id]] = points
    for region_id in SampledItem.objects.filter(
        sample__scheme=scheme, status=SampledItem.Status.DISCREPANCY
    ).values_list("sample__region_id", flat=True):
        if region_id in rows:
            rows[region_id].discrepancies += 1
    for row in rows.values():
        row.verification = scheme.discrepancy_points * row.discrepancies
        cap = max((veto.cap for veto in row.vetoes), key=rules.GRADES.index, default=None)  # the strictest veto
        row.grade = rules.grade(
            row.total, excellent=scheme.excellent_from, good=scheme.good_from, passing=scheme.pass_from, cap=cap
        )
    ordered = sorted(rows.values(), key=lambda row: -row.total)  # stable: region order among equals
    for row, rank in zip(ordered, rules.competition_ranks([row.total for row in ordered]), strict=True):
        row.rank = rank
    return Results(scheme=scheme, items=items, rows=ordered)


def export_header(result: Results) -> list[str]:
    return (
        [_("Rank"), _("Prefecture"), _("Total")]
        + [f"{item.label}（{rules.points_text(item.weight)}）" for item in result.items]
        + [_("Bonus"), _("Deduction"), _("Verification deduction"), _("Grade"), _("Veto"), _("Version"), _("Frozen at")]
    )


def frozen_text(scheme: AssessmentScheme) -> str:
    """The freeze time as the sheet and the PDF print it (local time), or "not signed off"."""
    if scheme.signed_off_at is None:
        return str(_("not signed off"))
    from django.utils import timezone

    return timezone.localtime(scheme.signed_off_at).strftime("%Y-%m-%d %H:%M")


def export_rows(scheme: AssessmentScheme, result: Results | None = None) -> list[list]:
    """The header and one row per prefecture in rank order: rank, prefecture, total, each item's
    score (adjusted where adjusted), bonus, deduction, grade, veto, the version and its freeze time."""
    result = result or results(scheme)
    table: list[list] = [export_header(result)]
    for row in result.rows:
        table.append(
            [row.rank, row.region.name, row.total]
            + [cell.effective if cell is not None else None for cell in row.cells]
            + [row.bonus, row.deduction, row.verification, row.grade_label,
               "；".join(veto.incident for veto in row.vetoes), scheme.version, frozen_text(scheme)]
        )
    return table


def working(item: SchemeItem, cell: RegionScore | None) -> str:
    """How the score was reached, with the parameters used, so that a prefecture can check it."""
    from assessment.explain import explain

    return explain(item, cell)


def breakdown_rows(scheme: AssessmentScheme, result: Results | None = None) -> list[list]:
    """One row per prefecture and item: the rule and its parameters, the value (and the reported one
    where a verified value replaced it), the target, the self-assessed and the verified score, the
    difference and the working."""
    result = result or results(scheme)
    table: list[list] = [[
        _("Prefecture"), _("Item"), _("Points"), _("Scoring rule"), _("Parameters"), _("Value"), _("Reported value"),
        _("Target"), _("Self-assessed score"), _("Verified score"), _("Difference"), _("Working"),
    ]]
    for row in sorted(result.rows, key=lambda r: (r.region.code or "", r.region.name)):
        for index, item in enumerate(result.items):
            cell = row.cells[index]
            own = row.self_scores[index]
            verified = cell.effective if cell is not None else None
            table.append([
                row.region.name, item.label, item.weight, item.get_rule_display(), item_params(item),
                cell.raw_value if cell else None, cell.reported_value if cell else None, cell.target if cell else None,
                own, verified, (verified - own) if (own is not None and verified is not None) else None,
                working(item, cell),
            ])
    return table


def export_xlsx(scheme: AssessmentScheme) -> bytes:
    """Two sheets: the ranking (with the version and its freeze time) and the per-item breakdown."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from common.exports import set_cell

    result = results(scheme)
    workbook = Workbook()
    first = workbook.active
    first.title = f"{scheme.year}{_('Assessment ranking')}"[:31]
    second = workbook.create_sheet(str(_("Breakdown per item"))[:31])
    for sheet, rows in ((first, export_rows(scheme, result)), (second, breakdown_rows(scheme, result))):
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                cell = set_cell(sheet.cell(row=number, column=column), value)
                if number == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- versions --------------------------------------------------------------------------------


def _str(value) -> str | None:
    return None if value is None else str(value)


def snapshot(scheme: AssessmentScheme) -> dict:
    """Everything the signed-off scores used: the scheme's settings, each item with its parameters,
    and per prefecture the values, targets, parameters and scores, total, rank and grade."""
    result = results(scheme)
    return {
        "version": scheme.version,
        "frozen_at": scheme.signed_off_at.isoformat() if scheme.signed_off_at else None,
        "settings": {
            key: str(getattr(scheme, key))
            for key in ("total_points", "excellent_from", "good_from", "pass_from", "bonus_cap", "deduction_cap",
                        "verified_replaces", "discrepancy_points")
        },
        "items": [
            {"id": item.pk, "label": item.label, "rule": item.rule, "weight": str(item.weight), "params": item_params(item)}
            for item in result.items
        ],
        "rows": [
            {
                "region": row.region.pk, "name": row.region.name, "rank": row.rank, "grade": row.grade,
                "total": str(row.total), "bonus": str(row.bonus), "deduction": str(row.deduction),
                "verification": str(row.verification),
                "cells": {
                    str(item.pk): None if cell is None else {
                        "value": _str(cell.raw_value), "reported": _str(cell.reported_value), "target": _str(cell.target),
                        "score": str(cell.effective), "params": cell.params,
                    }
                    for item, cell in zip(result.items, row.cells, strict=True)
                },
            }
            for row in result.rows
        ],
    }


@dataclass
class Difference:
    region: str
    what: str  # an item's label, or "Total" / "Rank" / "Grade"
    before: object
    after: object
    note: str = ""  # how the item's value changed: "value 73.07 → 78.92"


def differences(scheme: AssessmentScheme) -> list[Difference]:
    """What changed from the version ``scheme`` re-ran (its frozen snapshot) to ``scheme``'s scores:
    per prefecture, each item whose score changed, then the total, the rank and the grade."""
    previous = scheme.previous
    if previous is None:
        return []
    frozen = previous.snapshot or snapshot(previous)  # signed off before snapshots were kept: its stored scores
    labels = {str(item["id"]): item["label"] for item in frozen.get("items", [])}
    before = {row["region"]: row for row in frozen.get("rows", [])}
    result = results(scheme)
    found: list[Difference] = []
    for row in sorted(result.rows, key=lambda r: (r.region.code or "", r.region.name)):
        old = before.get(row.region.pk)
        if old is None:
            found.append(Difference(row.region.name, str(_("Assessed")), "—", rules.points_text(row.total)))
            continue
        old_by_label = {labels.get(key, key): cell for key, cell in old["cells"].items()}
        for item, cell in zip(result.items, row.cells, strict=True):
            was = old_by_label.get(item.label)
            was_score = Decimal(was["score"]) if was else None
            now = cell.effective if cell is not None else None
            if was_score != now:
                was_value = was.get("value") if was else None
                note = ""
                if cell is not None and str(cell.raw_value) != str(was_value):
                    note = f"{_('value')} {was_value or '—'} → {cell.raw_value if cell.raw_value is not None else '—'}"
                found.append(Difference(
                    row.region.name, item.label,
                    "—" if was_score is None else rules.points_text(was_score),
                    "—" if now is None else rules.points_text(now),
                    note,
                ))
        if Decimal(old["total"]) != row.total:
            found.append(Difference(row.region.name, str(_("Total")), rules.points_text(Decimal(old["total"])), rules.points_text(row.total)))
        if old["rank"] != row.rank:
            found.append(Difference(row.region.name, str(_("Rank")), old["rank"], row.rank))
        if old["grade"] != row.grade:
            found.append(Difference(row.region.name, str(_("Grade")), str(Grade(old["grade"]).label), row.grade_label))
    return found
