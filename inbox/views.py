"""我的待办 and 审核队列: every kind of pending work, for the person in front of the page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from evaluation.selectors import evaluation_work
from tasks import access as task_access
from tasks import selectors as task_selectors
from tasks.progress_views import report_list_page


def inbox(request: HttpRequest) -> HttpResponse:
    """我的待办: reports assigned to me, my departments' contributions, my returned claims, and the
    evaluation work waiting for me (self-assessments to write or review, departments to score)."""
    return report_list_page(
        request,
        task_selectors.inbox_reports(user=request.user),
        title=_("My inbox"),
        name="inbox",
        extra={
            "contributions": task_selectors.inbox_contributions(user=request.user)[:50],
            "claims": task_selectors.inbox_claims(user=request.user)[:50],
            "evaluation_work": evaluation_work(user=request.user),
        },
    )


def queue(request: HttpRequest) -> HttpResponse:
    """审核队列: submitted reports and milestone claims awaiting a supervisor."""
    if not task_access.can_review(request.user):
        raise PermissionDenied
    return report_list_page(
        request,
        task_selectors.queue_reports(user=request.user),
        title=_("Review queue"),
        name="queue",
        extra={"queue_claims": task_selectors.queue_claims(user=request.user)[:50]},
    )
