"""The assessment ranking as sections of the plan's bulletin and final report (registered in
AssessmentConfig.ready into evaluation.report): one row per prefecture, aggregated, never per task.
Only signed-off (published) rankings appear."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from assessment import rules
from assessment.models import AssessmentScheme
from assessment.selectors import frozen_text, results
from evaluation.report import ReportSection
from tasks.models import Plan


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def ranking_section(scheme: AssessmentScheme) -> ReportSection:
    result = results(scheme)
    header = (
        [_("Rank"), _("Prefecture"), _("Total")]
        + [f"{item.label}（{rules.points_text(item.weight)}）" for item in result.items]
        + [_("Bonus"), _("Deduction"), _("Grade")]
    )
    rows = [
        [row.rank, row.region.name + (" *" if row.adjusted else ""), _number(row.total)]
        + [_number(cell.effective if cell is not None else None) for cell in row.cells]
        + [_number(row.bonus), _number(row.deduction + row.verification), row.grade_label + (" ※" if row.vetoed else "")]
        for row in result.rows
    ]
    note = _(
        "%(title)s, version %(version)d, frozen at %(frozen)s. * a score adjusted by a supervisor, with its reason "
        "on record; ※ grade capped by a veto."
    ) % {"title": scheme.title, "version": scheme.version, "frozen": frozen_text(scheme)}
    return ReportSection(
        title=_("Performance assessment of the prefectures, %(year)d") % {"year": scheme.year},
        header=header,
        rows=rows,
        note=note,
    )


def _signed_off(plan: Plan):
    return AssessmentScheme.objects.filter(plan=plan, status=AssessmentScheme.Status.SIGNED_OFF)


def bulletin_sections(plan: Plan, period) -> list[ReportSection]:
    """The latest signed-off ranking of a year up to the bulletin's."""
    year = period.ends_on.year if period is not None else None
    schemes = _signed_off(plan)
    if year is not None:
        schemes = schemes.filter(year__lte=year)
    scheme = schemes.order_by("-year", "-version").first()
    return [ranking_section(scheme)] if scheme else []


def final_report_sections(plan: Plan, period) -> list[ReportSection]:
    """Every year's signed-off ranking of the plan (its latest version), year by year."""
    latest: dict[int, AssessmentScheme] = {}
    for scheme in _signed_off(plan).order_by("year", "version"):
        latest[scheme.year] = scheme  # the latest signed-off version of each year
    return [ranking_section(scheme) for scheme in latest.values()]
