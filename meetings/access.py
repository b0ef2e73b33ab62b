"""The gatekeeper for joint meetings. Views get meetings and decisions only through here.

- staff (supervisors, evaluators, administrators) see the meetings of their region and the
  regions below it; beside or above it: 404;
- a liaison or department head sees the meetings their department is a member of (present or
  absent), of a plan in force or of no plan; any other meeting: 404;
- only supervisors and administrators overseeing the meeting's region create and edit meetings
  and turn decisions into work (everyone else who may see the meeting: 403).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import User
from meetings.models import Decision, Meeting
from tasks import access
from tasks.models import Plan, Region


def visible_meetings(user: User) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("region", "plan")
    if not user.is_authenticated or not user.is_active:
        return meetings.none()
    if access.sees_all_tasks(user) or can_manage_anywhere(user):
        return meetings.filter(access.region_scope_q(user))
    mine = access.user_department_ids(user)
    if not mine:
        return meetings.none()
    return meetings.filter(attendances__department_id__in=mine).filter(
        Q(plan__isnull=True) | ~Q(plan__status=Plan.Status.DRAFT)
    ).distinct()


def get_meeting_for_user(user: User, pk: int) -> Meeting:
    try:
        return visible_meetings(user).get(pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def get_decision_for_user(user: User, pk: int) -> Decision:
    try:
        return Decision.objects.select_related("meeting__region", "meeting__plan", "task", "notice").get(
            pk=pk, meeting__in=visible_meetings(user)
        )
    except Decision.DoesNotExist as exc:
        raise Http404 from exc


def can_manage_anywhere(user: User) -> bool:
    """Supervisors and administrators (the roles that manage meetings), wherever they are placed."""
    return user.is_active and (access.can_review(user) or user.has_perm("tasks.import_plan"))


def can_manage(user: User, region: Region) -> bool:
    """Supervisors and administrators of ``region`` or of a region above it."""
    return can_manage_anywhere(user) and access.oversees_region(user, region)


def require_manage(user: User, region: Region) -> None:
    if not can_manage(user, region):
        raise PermissionDenied


def managed_regions(user: User) -> QuerySet[Region]:
    return access.scoped_regions(user) if can_manage_anywhere(user) else Region.objects.none()
