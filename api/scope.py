"""What an API caller sees: exactly what the pages show its account (the same gatekeepers:
``tasks.access``, ``indicators.access``, ``funding.access``, ``supervision.notices``,
``evaluation.access``), narrowed to the token's region (and below) and, when the token names one,
its department. Nothing here decides *who* sees what; it only intersects."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from evaluation import access as evaluation_access
from evaluation.models import Evaluation
from funding import access as funding_access
from funding.selectors import with_totals
from indicators import access as indicator_access
from supervision import notices
from tasks import access
from tasks.models import PlanSection, ReportingPeriod


def token_of(user):
    return getattr(user, "_api_token", None)


def _narrow(queryset: QuerySet, user, *, region: str, department: str | None = None) -> QuerySet:
    """Keep the rows whose ``region`` path lies in the token's region and whose ``department``
    (a path to a department id, or to a task whose departments count) is the token's."""
    token = token_of(user)
    if token is None:
        return queryset
    if token.region_id is not None:
        queryset = queryset.filter(**{f"{region}__path__startswith": token.region.path})
    if token.department_id is not None and department is not None:
        queryset = queryset.filter(**{department: token.department_id})
    return queryset


def plans(user) -> QuerySet:
    return _narrow(access.visible_plans(user), user, region="region")


def sections(user) -> QuerySet:
    return PlanSection.objects.filter(plan__in=plans(user)).select_related("plan")


def key_tasks(user) -> QuerySet:
    tasks = _narrow(access.visible_key_tasks(user), user, region="plan__region")
    token = token_of(user)
    if token is not None and token.department_id is not None:
        tasks = tasks.filter(task_departments__department_id=token.department_id)
    return tasks


def periods(user) -> QuerySet:
    return ReportingPeriod.objects.filter(plan__in=plans(user)).select_related("plan")


def reports(user) -> QuerySet:
    return _narrow(access.visible_reports(user), user, region="task__plan__region", department="department_id")


def notices_of(user) -> QuerySet:
    return _narrow(notices.visible_notices(user), user, region="task__plan__region", department="department_id")


def indicators(user) -> QuerySet:
    return _narrow(indicator_access.visible_indicators(user), user, region="plan__region", department="department_id")


def values(user) -> QuerySet:
    values = _narrow(indicator_access.visible_values(user), user, region="region", department="indicator__department_id")
    return values


def funding_lines(user) -> QuerySet:
    lines = _narrow(funding_access.visible_lines(user), user, region="plan__region", department="department_id")
    return with_totals(lines)


def evaluations(user) -> QuerySet:
    """Evaluations the account may open, once signed off (their results are final then)."""
    return _narrow(
        evaluation_access.visible_evaluations(user).filter(status=Evaluation.Status.SIGNED_OFF), user, region="plan__region"
    )


def departments(user) -> QuerySet:
    return _narrow(access.visible_departments(user), user, region="region", department="pk")


def regions_writable(user) -> Q:
    """The regions a token may write values for (its region and below; any for a person)."""
    token = token_of(user)
    if token is None or token.region_id is None:
        return Q()
    return Q(path__startswith=token.region.path)
