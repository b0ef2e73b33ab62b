"""Reads of meetings and decisions for the pages (related rows loaded here, never per row)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from meetings.access import visible_meetings
from meetings.models import Attendance, Decision, DecisionDepartment, Meeting
from supervision.models import SupervisionNotice
from tasks.models import KeyTask


def meeting_rows(*, user: User) -> QuerySet[Meeting]:
    return visible_meetings(user).annotate(decision_count=Count("decisions", distinct=True)).order_by("-held_on", "-pk")


def _with_related(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    return decisions.select_related("task", "notice", "meeting").prefetch_related(
        Prefetch("decision_departments", queryset=DecisionDepartment.objects.select_related("department"))
    )


def meeting_decisions(*, meeting: Meeting) -> list[Decision]:
    return list(_with_related(meeting.decisions.order_by("number")))


def meeting_attendance(*, meeting: Meeting) -> list[Attendance]:
    return list(meeting.attendances.select_related("department").order_by("-present", "department__position", "department__name"))


def open_decisions_before(*, meeting: Meeting, user: User) -> list[Decision]:
    """督办事项回顾: the decisions of the earlier meetings (same region, same plan or none) that
    are not done — their task not completed, their notice not closed — oldest first."""
    earlier = Q(meeting__held_on__lt=meeting.held_on) | Q(meeting__held_on=meeting.held_on, meeting__pk__lt=meeting.pk)
    decisions = (
        Decision.objects.filter(earlier, meeting__region_id=meeting.region_id, meeting__plan_id=meeting.plan_id)
        .filter(meeting__in=visible_meetings(user))
        .exclude(task__status=KeyTask.Status.COMPLETED)
        .exclude(notice__status=SupervisionNotice.Status.CLOSED)
        .order_by("meeting__held_on", "meeting__pk", "number")
    )
    return list(_with_related(decisions))
