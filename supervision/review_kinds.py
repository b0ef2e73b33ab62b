"""How the answer to a supervision notice plugs into the review lifecycle (``workflows.lifecycle``).

The notice is issued and acknowledged (签收) first; its *answer* (the measures taken, with
evidence) is written, reviewed, returned or accepted like every other reviewable thing, and
acceptance closes the notice."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.models import SupervisionNotice
from workflows.lifecycle import ReviewKind


class NoticeAnswerKind(ReviewKind):
    key = "notice_answer"
    label = _("Answer to a supervision notice")
    noun = pgettext_lazy("review subject", "response")
    model = SupervisionNotice
    draft = "acknowledged"
    submitted = "responded"
    approved = "closed"
    content_fields = ("response",)
    round_field = None
    version_field = None
    submitted_by_field = "responded_by"
    submitted_at_field = "responded_at"
    late_field = None
    submit_action = "respond"
    approve_action = "accept"

    @property
    def flow_class(self):
        from workflows.notice.flows import NoticeFlow

        return NoticeFlow

    def get_for_user(self, user, pk):
        from supervision.notices import get_notice_for_user

        return get_notice_for_user(user, pk)

    def can_write(self, user, notice) -> bool:
        from supervision.notices import is_liaison_of

        return is_liaison_of(user, notice.department_id)

    def can_review(self, user, notice) -> bool:
        from supervision.notices import can_issue

        return can_issue(user)

    def acknowledge_assignee(self, notice):
        from tasks.progress import first_liaison

        return first_liaison(notice.department)

    def writer_of(self, notice):
        return notice.responded_by or notice.acknowledged_by or self.acknowledge_assignee(notice)

    def review_permission(self, notice) -> str:
        return "supervision.issue_supervisionnotice"

    def apply_approval(self, notice) -> None:
        from supervision.notices import notice_apply_close

        notice_apply_close(notice=notice)

    def due_on(self, notice):
        return notice.response_due_on

    def title(self, notice) -> str:
        return f"{notice.reference} {notice.task.title}"


NOTICE_ANSWER = NoticeAnswerKind()
