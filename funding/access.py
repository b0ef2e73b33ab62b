"""The gatekeeper for funding lines and their ledgers. Views and services get lines only through here.

Who may do what (the roles' existing permissions; ``accounts.roles`` is unchanged):

- supervisors (``tasks.review_progressreport``) and administrators (``tasks.import_plan``) are
  the finance side: they create lines, record every kind of entry (allocation, disbursement,
  expenditure, adjustment) and reverse any entry; they see every line;
- evaluators (``tasks.view_all_tasks`` without the above) read every line and record nothing;
- a liaison or department head sees the lines of their own departments (in plans they can see)
  and records — and reverses — only expenditures on those lines: money is allocated and
  disbursed by finance, the department reports what it spent.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from funding.models import FundingLine, LedgerEntry
from tasks.access import can_review, sees_all_tasks, user_department_ids, visible_plans


def keeps_books(user: User) -> bool:
    """Supervisors and administrators: the finance side."""
    return user.is_authenticated and user.is_active and (can_review(user) or user.has_perm("tasks.import_plan"))


def visible_lines(user: User) -> QuerySet[FundingLine]:
    lines = FundingLine.objects.filter(plan__in=visible_plans(user))
    if not user.is_authenticated:
        return lines.none()
    if sees_all_tasks(user) or keeps_books(user):
        return lines
    return lines.filter(department_id__in=user_department_ids(user))


def get_line_for_user(user: User, pk: int) -> FundingLine:
    """The line, or 404 — a liaison learns nothing about other departments' lines."""
    try:
        return visible_lines(user).select_related("plan", "department").get(pk=pk)
    except FundingLine.DoesNotExist as exc:
        raise Http404 from exc


def recordable_kinds(user: User, line: FundingLine) -> list[str]:
    """The kinds of entry ``user`` may record on ``line`` (empty: none)."""
    if keeps_books(user):
        return list(LedgerEntry.Kind.values)
    if line.department_id in user_department_ids(user):
        return [LedgerEntry.Kind.EXPENDITURE]
    return []


def can_record(user: User, line: FundingLine, kind: str) -> bool:
    return kind in recordable_kinds(user, line)


def require_line_create(user: User) -> None:
    if not keeps_books(user):
        raise PermissionDenied
