"""The assessment ranking as sections of the plan's bulletin and final report (registered in
AssessmentConfig.ready into evaluation.report): one row per prefecture, aggregated, never per task.
Only signed-off (published) rankings appear."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from assessment import rules
from assessment.models import AssessmentScheme
from assessment.selectors import results
from evaluation.report import ReportSection
from tasks.models import Plan


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def ranking_section(scheme: AssessmentScheme) -> ReportSection:
    result = results(scheme)
    header = (
        [_("Rank"), _("Prefecture"), _("Total")]
        + [f"{item.label}（{rules.points_text(item.weight)}）" for item in result.items]
        + [_("Bonus"), _("Deduction")]
    )
    rows = [
        [row.rank, row.region.name + (" *" if row.adjusted else ""), _number(row.total)]
        + [_number(cell.effective if cell is not None else None) for cell in row.cells]
        + [_number(row.bonus), _number(row.deduction)]
        for row in result.rows
    ]
    signed = scheme.signed_off_at.date().isoformat() if scheme.signed_off_at else ""
    note = _("%(title)s, signed off on %(date)s. * a score adjusted by a supervisor, with its reason on record.") % {
        "title": scheme.title,
        "date": signed,
    }
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
    scheme = schemes.order_by("-year").first()
    return [ranking_section(scheme)] if scheme else []


def final_report_sections(plan: Plan, period) -> list[ReportSection]:
    """Every signed-off ranking of the plan, year by year."""
    return [ranking_section(scheme) for scheme in _signed_off(plan).order_by("year")]
