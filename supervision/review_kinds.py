"""How the answer to a supervision notice plugs into the review lifecycle (``workflows.lifecycle``).

The notice is issued and acknowledged (签收) first (``supervision.notices``); its *answer* (the
measures taken, with evidence) is then written — saved as a draft and resumed by any liaison of
the department —, submitted, and accepted or returned like every other reviewable thing.
Acceptance closes the notice; a return gives the department a fresh time to answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evidence.services import evidence_for
from supervision.models import SupervisionNotice
from workflows.lifecycle import ReviewKind

Status = SupervisionNotice.Status


class NoticeAnswerKind(ReviewKind):
    key = "notice_answer"
    label = _("Answer to a supervision notice")
    noun = pgettext_lazy("review subject", "response")
    model = SupervisionNotice
    approved_message = _("The response has been accepted and the notice closed.")
    returned_message = _("The response has been returned to the department.")
    draft = Status.ACKNOWLEDGED  # written once the notice is acknowledged (签收)
    submitted = Status.RESPONDED
    returned = Status.RETURNED
    approved = Status.CLOSED
    content_fields = ("response",)
    submitted_by_field = "responded_by"
    submitted_at_field = "responded_at"
    late_field = None  # late answers are escalated by the sweep; the audit entry says "late"
    submit_action = "respond"
    approve_action = "accept"
    # The department hears of a return with its fresh answer date (supervision.notice.returned,
    # from on_decided) and of the acceptance from the flow's close step (supervision.notice.closed).
    own_messages = frozenset({"returned", "approved"})

    @property
    def flow_class(self):
        from workflows.notice.flows import NoticeFlow

        return NoticeFlow

    def get_for_user(self, user, pk):
        from supervision.notices import get_notice_for_user

        return get_notice_for_user(user, pk)

    def lock(self, notice):
        return SupervisionNotice.objects.select_for_update(of=("self",)).select_related("task__plan", "department").get(pk=notice.pk)

    def can_write(self, user, notice) -> bool:
        from supervision.notices import is_liaison_of

        return is_liaison_of(user, notice.department_id)

    def can_review(self, user, notice) -> bool:
        from supervision.notices import can_issue
        from tasks.access import oversees_region

        return can_issue(user) and oversees_region(user, notice.task.plan.region)

    def closed_message(self, notice):
        if notice.status == Status.ISSUED:
            return _("Acknowledge receipt of the notice before responding.")
        if notice.status == Status.CLOSED:
            return _("This notice is closed; nothing was changed.")
        return super().closed_message(notice)

    def check_submission(self, notice, user) -> None:
        if not notice.response.strip():
            raise ValidationError({"response": _("Describe the measures taken before submitting.")})

    def submit_data(self, notice, user, now) -> dict:
        return {
            "late": timezone.localdate(now) > notice.response_due_on,
            "files": list(evidence_for(notice).values_list("original_name", flat=True)),
        }

    def on_decided(self, notice, user, approved, reason, now) -> None:
        if not approved:
            from supervision.notices import notice_apply_return

            notice_apply_return(notice=notice, user=user, reason=reason, now=now)

    def reviewers(self, notice):
        from supervision.notices import issuing_side

        return issuing_side(notice)

    def writers(self, notice):
        from supervision.notices import department_side

        return department_side(notice)

    # --- the flow's nodes ---

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
