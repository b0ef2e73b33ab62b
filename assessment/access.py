"""The gatekeeper of assessments: staff who see the plan (its region or a region above) read them;
supervisors compute, adjust and sign off. Everyone else (liaisons, staff of another or a lower
region) gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from assessment.models import AssessmentScheme, BonusDeduction, RegionScore, SchemeItem
from tasks.access import can_review, get_plan_for_user, sees_all_tasks, visible_plans
from tasks.models import Plan


def visible_schemes(user: User) -> QuerySet[AssessmentScheme]:
    if not sees_all_tasks(user):
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.filter(plan__in=visible_plans(user)).select_related("plan__region")


def get_plan_for_assessment(user: User, pk: int) -> Plan:
    if not sees_all_tasks(user):
        raise Http404
    return get_plan_for_user(user, pk)


def get_scheme_for_user(user: User, pk: int) -> AssessmentScheme:
    try:
        return visible_schemes(user).get(pk=pk)
    except AssessmentScheme.DoesNotExist as exc:
        raise Http404 from exc


def get_item_for_user(user: User, pk: int) -> SchemeItem:
    try:
        return SchemeItem.objects.select_related("scheme", "indicator").get(pk=pk, scheme__in=visible_schemes(user))
    except SchemeItem.DoesNotExist as exc:
        raise Http404 from exc


def get_bonus_for_user(user: User, pk: int) -> BonusDeduction:
    try:
        return BonusDeduction.objects.select_related("scheme", "region").get(pk=pk, scheme__in=visible_schemes(user))
    except BonusDeduction.DoesNotExist as exc:
        raise Http404 from exc


def get_score_for_user(user: User, scheme: AssessmentScheme, pk) -> RegionScore:
    try:
        return RegionScore.objects.select_related("item", "region", "scheme").get(pk=pk, scheme=scheme)
    except (RegionScore.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_manage(user: User) -> bool:
    """Supervisors define, compute, adjust and sign off; evaluators and administrators read."""
    return can_review(user)
