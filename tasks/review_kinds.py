"""How progress reports, contributions and milestone claims plug into the review lifecycle
(``workflows.lifecycle``): who writes, who reviews, what is checked, what approval does."""

from __future__ import annotations

from abc import ABC, abstractmethod

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from tasks import access
from tasks.models import Contribution, Membership, MilestoneClaim, ProgressReport, ReportSubmission
from tasks.periods import period_require_open
from workflows import lifecycle
from workflows.lifecycle import ReviewKind


def _contributions(report: ProgressReport) -> list[Contribution]:
    """The report's contributions with their departments, read once for a submission (its check,
    the consolidation and the snapshot): kept on the report, the locked instance of this one."""
    cached = report.__dict__.get("_submission_contributions")
    if cached is None:
        cached = report.__dict__["_submission_contributions"] = list(report.contributions.select_related("department"))
    return cached


def department_heads(department_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            department_id=department_id, role=Membership.Role.HEAD, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def reviewers(region) -> list[User]:
    """Who reviews progress in ``region`` (its plan's region): the supervisors of that region and
    of the regions above it; administrators are not told of each report."""
    return list(access.staff_overseeing(region, "tasks.review_progressreport", exclude_permission="tasks.import_plan"))


class AcceptedByHigherPlan(ABC):
    """Two-level approval for subjects of a cascaded task or indicator: when the higher plan says
    so (``Plan.cascade_acceptance``), its supervisors accept the approval or send it back."""

    @abstractmethod
    def accepting_plan(self, subject):
        """The higher plan that accepts this subject's approval, or None (each kind says where its plan is)."""

    def needs_acceptance(self, subject) -> bool:
        return self.accepting_plan(subject) is not None

    def can_accept(self, user, subject) -> bool:
        return access.can_accept_in(user, self.accepting_plan(subject))

    def acceptor_region_path(self, subject):
        plan = self.accepting_plan(subject)
        return plan.region.path if plan else ""

    def acceptors(self, subject):
        plan = self.accepting_plan(subject)
        if plan is None:
            return []
        return list(access.staff_overseeing(plan.region, "tasks.review_progressreport", exclude_permission="tasks.import_plan"))


class ProgressReportKind(AcceptedByHigherPlan, ReviewKind):
    key = "progress_report"
    label = _("Progress report")
    noun = pgettext_lazy("review subject", "report")
    model = ProgressReport
    approved_message = _("The report has been approved.")
    returned_message = _("The report has been returned to the liaison.")
    content_fields = (
        "percent_complete",
        "assessment",
        "achievements",
        "problems",
        "next_steps",
        "missing_contributions_reason",
    )
    writers_share_the_task = False  # the assignee writes; the department head hands it over

    @property
    def flow_class(self):
        from workflows.progress_report.flows import ProgressReportFlow

        return ProgressReportFlow

    def get_for_user(self, user, pk):
        return access.get_report_for_user(user, pk)

    def lock(self, report) -> ProgressReport:
        # The title, the reviewers and the work lists read the task, its plan and region and the
        # period: loaded with the report, of which only the row is locked (not the plan's).
        return (
            ProgressReport.objects.select_for_update(of=("self",))
            .select_related("task__plan__region", "period")
            .get(pk=report.pk)
        )

    def accepting_plan(self, report):
        return access.accepting_plan(report.task.plan, cascaded=report.task.parent_id is not None)

    def can_write(self, user, report) -> bool:
        return access.is_report_assignee(user, report)

    def can_review(self, user, report) -> bool:
        return access.can_review_in(user, report.task.plan)

    def review_permission(self, report) -> str:
        return "tasks.review_progressreport"

    def apply_approval(self, report) -> None:
        from tasks.lights import task_light_refresh
        from tasks.progress import task_apply_report

        task_apply_report(report=report)
        task_light_refresh(report.task)

    def check_open_for_submission(self, report, at) -> None:
        # A closed period takes nothing (tasks.periods). The period was read with the locked
        # report (``lock``), in this transaction: it is not read again.
        period = report.period if "period" in report._state.fields_cache else None
        period_require_open(report.period_id, at=at, period=period)

    def title(self, report) -> str:
        return f"{report.task.code} {report.task.title} · {report.period.code}"

    def check_submission(self, report, user) -> None:
        if not report.achievements.strip():
            raise ValidationError({"achievements": _("Describe the work done before submitting.")})
        missing = [
            c.department
            for c in _contributions(report)
            if c.status not in {Contribution.Status.SUBMITTED, Contribution.Status.ACCEPTED}
        ]
        if missing and not report.missing_contributions_reason.strip():
            raise ValidationError(
                {
                    "missing_contributions_reason": _(
                        "Contributions are missing from %(departments)s: wait for them or state why you submit without them."
                    )
                    % {"departments": "、".join(str(d) for d in missing)}
                }
            )

    def on_submitted(self, report, user, now) -> None:
        from tasks.progress import report_snapshot

        # Submitting the report consolidates the contributions it received: those still waiting
        # for the lead's decision are accepted by this submission.
        contributions = _contributions(report)
        waiting = [c for c in contributions if c.status == Contribution.Status.SUBMITTED]
        for contribution in waiting:
            lifecycle.review_decide(contribution, user=user, approve=True, at=now)

        ReportSubmission.objects.create(
            report=report,
            round=report.round,
            content=report_snapshot(report, contributions=None if waiting else contributions),
            submitted_by=user,
            submitted_at=now,
            is_late=report.is_late,
        )

    def on_decided(self, report, user, approved, reason, now) -> None:
        ReportSubmission.objects.filter(report=report, round=report.round).update(
            decision=report.status, decided_by=user, decided_at=now, reason=reason
        )
        if approved:
            from tasks.progress import contributions_close

            contributions_close(report=report, user=user, now=now)

    def reviewers(self, report):
        return reviewers(report.task.plan.region)

    def writers(self, report):
        return [report.assignee, *department_heads(report.department_id)]


class ContributionKind(ReviewKind):
    """A co-operating department's contribution: written by its liaisons, accepted or returned by
    the lead department's liaison who writes the report."""

    key = "contribution"
    label = _("Contribution")
    noun = pgettext_lazy("review subject", "contribution")
    model = Contribution
    approved_message = _("The contribution has been accepted.")
    returned_message = _("The contribution has been returned to its department.")
    draft = "pending"
    approved = "accepted"
    content_fields = ("content",)
    version_field = None
    has_evidence = False

    @property
    def flow_class(self):
        from workflows.contribution.flows import ContributionFlow

        return ContributionFlow

    def get_for_user(self, user, pk):
        return access.get_contribution_for_user(user, pk)

    def can_write(self, user, contribution) -> bool:
        return contribution.department_id in access.user_department_ids(user)

    def can_review(self, user, contribution) -> bool:
        return access.is_report_assignee(user, contribution.report)

    def writer_of(self, contribution):
        return contribution.submitted_by or contribution.assignee

    def review_owner(self, contribution):
        return contribution.report.assignee

    def is_editable(self, contribution) -> bool:
        return super().is_editable(contribution) and contribution.report.status != ProgressReport.Status.APPROVED

    def closed_message(self, contribution):
        if contribution.report.status == ProgressReport.Status.APPROVED:
            return _("The report has already been approved; the contribution is closed.")
        return super().closed_message(contribution)

    def task_id_of(self, contribution):
        return contribution.report.task_id

    def title(self, contribution) -> str:
        report = contribution.report
        return f"{report.task.code} {report.task.title} · {report.period.code} · {contribution.department}"

    def check_open_for_submission(self, contribution, at) -> None:
        period_require_open(report_id=contribution.report_id, at=at)

    def check_submission(self, contribution, user) -> None:
        if not contribution.content.strip():
            raise ValidationError({"content": _("Write what your department did before submitting.")})

    def reviewers(self, contribution):
        return [contribution.report.assignee]

    def writers(self, contribution):
        return [contribution.submitted_by or contribution.assignee, *department_heads(contribution.department_id)]


class MilestoneClaimKind(ReviewKind):
    """A claim that a milestone is complete, with its evidence: created and submitted at once."""

    key = "milestone_claim"
    label = _("Milestone claim")
    noun = pgettext_lazy("review subject", "claim")
    model = MilestoneClaim
    approved_message = _("The milestone has been approved.")
    returned_message = _("The claim has been returned.")
    content_fields = ("completed_on", "note")
    submitted_by_field = None  # the claimant is ``created_by``
    submit_action = "claim"

    @property
    def flow_class(self):
        from workflows.milestone.flows import MilestoneFlow

        return MilestoneFlow

    def get_for_user(self, user, pk):
        return access.get_claim_for_user(user, pk)

    def can_write(self, user, claim) -> bool:
        return claim.created_by_id == user.pk and access.claiming_department(user, claim.milestone) is not None

    def can_review(self, user, claim) -> bool:
        return access.can_review_in(user, claim.milestone.task.plan)

    def writer_of(self, claim):
        return claim.created_by

    def review_permission(self, claim) -> str:
        return "tasks.review_progressreport"

    def apply_approval(self, claim) -> None:
        from tasks.progress import milestone_apply_claim

        milestone_apply_claim(claim=claim)

    def due_on(self, claim):
        return claim.milestone.due_date

    def task_id_of(self, claim):
        return claim.milestone.task_id

    def title(self, claim) -> str:
        return f"{claim.milestone.task.code} {claim.milestone.title}"

    def audit_subject(self, claim):
        return claim.milestone

    def check_submission(self, claim, user) -> None:
        from tasks.progress import check_claim_fields

        check_claim_fields(claim.completed_on, claim.note)

    def on_submitted(self, claim, user, now) -> None:
        from tasks.models import Milestone

        claim.is_late = claim.completed_on > claim.milestone.due_date
        claim.save(update_fields=["is_late"])
        Milestone.objects.filter(pk=claim.milestone_id).update(status=Milestone.Status.CLAIMED)

    def on_decided(self, claim, user, approved, reason, now) -> None:
        from tasks.models import Milestone

        status = Milestone.Status.APPROVED if approved else Milestone.Status.RETURNED
        Milestone.objects.filter(pk=claim.milestone_id).update(status=status)

    def reviewers(self, claim):
        return reviewers(claim.milestone.task.plan.region)

    def writers(self, claim):
        return [claim.created_by, *department_heads(claim.department_id)]


PROGRESS_REPORT = ProgressReportKind()
CONTRIBUTION = ContributionKind()
MILESTONE_CLAIM = MilestoneClaimKind()
