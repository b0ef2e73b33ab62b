"""Read-only queries of the indicator pages and the dashboards."""

from __future__ import annotations

from django.db.models import Case, Count, F, FloatField, Max, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Round

from indicators.models import Indicator, IndicatorValue
from tasks.models import Department, Plan

REPORTED = [IndicatorValue.Status.SUBMITTED, IndicatorValue.Status.APPROVED]


def _share(part: str, whole: str):
    """part ÷ whole in percent, one decimal, computed by the database (None when nothing is due)."""
    ratio = Round(Cast(F(part), FloatField()) * Value(100.0) / Cast(F(whole), FloatField()), 1)
    return Case(When(**{f"{whole}__gt": 0}, then=ratio), default=None, output_field=FloatField())


def department_completeness(plan: Plan, year: int) -> QuerySet[Department]:
    """Per responsible department of ``plan``: ``due`` (its indicators, one annual value each for
    ``year``), ``reported`` (submitted or approved), ``on_time`` (of those, not late) and the two
    shares in percent — all computed by the database in one query."""
    values = Q(
        indicators__values__year=year,
        indicators__values__period_code=str(year),
        indicators__values__region_id=plan.region_id,
        indicators__values__status__in=REPORTED,
    )
    return (
        Department.objects.filter(indicators__plan=plan)
        .annotate(
            due=Count("indicators", filter=Q(indicators__plan=plan), distinct=True),
            reported=Count("indicators__values", filter=values & Q(indicators__plan=plan), distinct=True),
            on_time=Count("indicators__values", filter=values & Q(indicators__plan=plan, indicators__values__is_late=False), distinct=True),
        )
        .annotate(share_reported=_share("reported", "due"), share_on_time=_share("on_time", "due"))
        .order_by("position", "name")
    )


def default_year(plan: Plan) -> int:
    """The latest year with an approved value, else the plan's first year."""
    latest = IndicatorValue.objects.filter(indicator__plan=plan, status=IndicatorValue.Status.APPROVED).aggregate(y=Max("year"))["y"]
    return min(max(latest or plan.start_year, plan.start_year), plan.end_year)


def indicator_rows(indicators: QuerySet[Indicator]) -> QuerySet[Indicator]:
    return indicators.select_related("plan", "department")
