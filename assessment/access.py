"""The gatekeeper of assessments: staff who see the plan (its region or a region above) read them;
supervisors compute, adjust and sign off. Everyone else (liaisons, staff of another or a lower
region) gets 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from assessment.models import AssessmentScheme, BonusDeduction, RegionScore, SampledItem, SchemeItem, Veto
from assessment.selectors import prefectures
from tasks.access import can_review, get_plan_for_user, sees_all_tasks, staff_region, visible_plans
from tasks.models import Plan, Region


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


def get_veto_for_user(user: User, pk: int) -> Veto:
    try:
        return Veto.objects.select_related("scheme", "region").get(pk=pk, scheme__in=visible_schemes(user))
    except Veto.DoesNotExist as exc:
        raise Http404 from exc


# --- a prefecture's own view: its sheet, its sample, its self-assessment and responses ------------
#
# The province's staff see every prefecture's sheet; a prefecture's staff see their own (and only
# their own: another prefecture's sheet or sample is 404), never the province's ranking.


def own_prefecture(user: User) -> Region | None:
    """The region of a staff member placed in a prefecture (or any region): where they self-assess."""
    return staff_region(user) if sees_all_tasks(user) else None


def schemes_assessing(user: User) -> QuerySet[AssessmentScheme]:
    """The assessments in which ``user``'s region is one of the prefectures assessed."""
    region = own_prefecture(user)
    if region is None:
        return AssessmentScheme.objects.none()
    return AssessmentScheme.objects.filter(plan__cascaded_plans__region=region).select_related("plan").distinct().order_by("-year", "-version")


def get_prefecture_for_user(user: User, pk: int, region_pk: int) -> tuple[AssessmentScheme, Region, bool]:
    """(scheme, prefecture, whether it is the user's own) or 404."""
    scheme = visible_schemes(user).filter(pk=pk).first()  # the province's staff (and above)
    province = scheme is not None
    own = None if province else own_prefecture(user)
    if not province and (own is None or own.pk != region_pk):
        raise Http404
    try:
        scheme = scheme or AssessmentScheme.objects.select_related("plan__region").get(pk=pk)
        region = prefectures(scheme).get(pk=region_pk)
    except (AssessmentScheme.DoesNotExist, Region.DoesNotExist) as exc:
        raise Http404 from exc
    return scheme, region, not province


def get_sampled_for_user(user: User, pk: int) -> tuple[SampledItem, bool]:
    """(sampled item, whether it is of the user's own prefecture) or 404."""
    try:
        sampled = SampledItem.objects.select_related("sample__scheme", "sample__region").get(pk=pk)
    except SampledItem.DoesNotExist as exc:
        raise Http404 from exc
    get_prefecture_for_user(user, sampled.sample.scheme_id, sampled.sample.region_id)
    own = own_prefecture(user)
    return sampled, own is not None and own.pk == sampled.sample.region_id


def can_self_assess(user: User, region: Region) -> bool:
    """A supervisor of the prefecture itself enters its self-assessment and responses."""
    own = own_prefecture(user)
    return can_review(user) and own is not None and own.pk == region.pk


def can_view_record_files(user: User, record) -> bool:
    """The evidence of a bonus or deduction, a veto or a yes/no judgement: the province's staff who
    see the scheme, and the prefecture it is about (its own sheet shows them)."""
    try:
        get_prefecture_for_user(user, record.scheme_id, record.region_id)
    except Http404:
        return False
    return True
