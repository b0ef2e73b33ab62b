"""What the dashboards show, counted by the database: a handful of queries whatever the size."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from tasks import access, selectors
from tasks.models import Department, Plan, ProgressReport

OPEN = [ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED]


def overdue_reports(*, user: User, plan: Plan, on: datetime.date) -> QuerySet[ProgressReport]:
    return selectors.report_rows(user=user, on=on).filter(task__plan=plan).overdue(on)  # ProgressReport.is_overdue


def reports_due_this_week(*, user: User, plan: Plan, on: datetime.date) -> QuerySet[ProgressReport]:
    return selectors.report_rows(user=user, on=on).filter(
        task__plan=plan, status__in=OPEN, due_on__gte=on, due_on__lte=on + datetime.timedelta(days=7)
    )


def reporting_completeness(*, user: User, plan: Plan, on: datetime.date) -> QuerySet[Department]:
    """Per department, of the reports already due: how many were submitted, and how many on time."""
    visible = access.visible_reports(user).filter(task__plan=plan, due_on__lte=on).values("pk")
    due = Q(reports__pk__in=visible)
    return (
        Department.objects.filter(reports__pk__in=visible)
        .annotate(
            due_count=Count("reports", filter=due, distinct=True),
            submitted_count=Count("reports", filter=due & Q(reports__round__gt=0), distinct=True),
            on_time_count=Count("reports", filter=due & Q(reports__round__gt=0, reports__is_late=False), distinct=True),
        )
        .order_by(F("submitted_count") * 1.0 / F("due_count"), "position")
    )


def plan_dashboard(*, user: User, plan: Plan, on: datetime.date | None = None) -> dict:
    on = on or timezone.localdate()
    completeness = list(reporting_completeness(user=user, plan=plan, on=on))
    for row in completeness:
        row.share_submitted = round(100 * row.submitted_count / row.due_count) if row.due_count else None
        row.share_on_time = round(100 * row.on_time_count / row.due_count) if row.due_count else None
    return {
        "on": on,
        "summary": selectors.plan_summary(user=user, plan=plan),
        "department_lights": list(selectors.department_lights(user=user, plan=plan)),
        "overdue": overdue_reports(user=user, plan=plan, on=on)[:50],
        "due_this_week": reports_due_this_week(user=user, plan=plan, on=on)[:50],
        "completeness": completeness,
    }


def indicator_board(*, user: User, plan: Plan, year: int) -> list[dict]:
    """Each indicator the user may see, with its status in ``year`` and its trend over the plan:
    approved values against annual targets. Three queries whatever the number of indicators."""
    from indicators.access import visible_indicators
    from indicators.attainment import (
        NO_DATA,
        IndicatorStatus,
        attainment,
        latest_approved_values,
        year_target,
    )

    indicators = list(
        visible_indicators(user).filter(plan=plan).select_related("plan", "department").prefetch_related("annual_targets").order_by("position", "pk")
    )
    years = list(plan.years)
    latest = latest_approved_values(indicators, years) if indicators else {}
    board = []
    for indicator in indicators:
        trend = []
        for each in years:
            value = latest.get((indicator.pk, each))
            trend.append(
                IndicatorStatus(
                    indicator=indicator,
                    year=each,
                    value=value,
                    target=year_target(indicator, each),
                    attainment=attainment(indicator, each, value) if value else NO_DATA,
                )
            )
        current = next((s for s in reversed(trend) if s.year <= year and s.value is not None), trend[years.index(year)] if year in years else None)
        board.append({"indicator": indicator, "status": current, "trend": trend})
    return board
