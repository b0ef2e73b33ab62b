"""The gatekeeper for indicators and their values. Views get these objects only through here.

- supervisors, evaluators and administrators (``tasks.view_all_tasks``) see every indicator of
  the plans they see; a liaison sees the indicators their department is responsible for;
- the responsible department's liaisons report values; supervisors (``tasks.access.can_review``)
  approve, return and judge them; administrators read everything; evaluators read approved values;
  a liaison reads their department's values in every state.
"""

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from indicators.models import Indicator, IndicatorValue
from tasks.access import can_review, sees_all_tasks, user_department_ids, user_memberships, visible_plans
from tasks.models import Membership


def visible_indicators(user: User) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(plan__in=visible_plans(user))
    if sees_all_tasks(user):
        return indicators
    return indicators.filter(department_id__in=user_department_ids(user))


def get_indicator_for_user(user: User, pk: int) -> Indicator:
    try:
        return visible_indicators(user).select_related("plan__region", "department").get(pk=pk)
    except Indicator.DoesNotExist as exc:
        raise Http404 from exc


def _reads_everything(user: User) -> bool:
    return can_review(user) or user.has_perm("tasks.import_plan")


def visible_values(user: User) -> QuerySet[IndicatorValue]:
    values = IndicatorValue.objects.filter(indicator__plan__in=visible_plans(user))
    if _reads_everything(user):
        return values
    if sees_all_tasks(user):  # evaluators
        return values.filter(status=IndicatorValue.Status.APPROVED)
    return values.filter(indicator__department_id__in=user_department_ids(user))


def get_value_for_user(user: User, pk: int) -> IndicatorValue:
    try:
        return visible_values(user).select_related("indicator__plan__region", "indicator__department", "region", "reported_by").get(pk=pk)
    except IndicatorValue.DoesNotExist as exc:
        raise Http404 from exc


def can_report(user: User, indicator: Indicator) -> bool:
    """A liaison of the responsible department (active), for a plan they see."""
    return (
        user.is_authenticated
        and user.is_active
        and indicator.department_id in user_department_ids(user)
        and any(
            department == indicator.department_id and role == Membership.Role.LIAISON
            for department, _region, role, _active in user_memberships(user)
        )
    )


def can_edit_value(user: User, record: IndicatorValue) -> bool:
    return record.is_editable and can_report(user, record.indicator)


def can_view_value(user: User, record: IndicatorValue) -> bool:
    return visible_values(user).filter(pk=record.pk).exists()
