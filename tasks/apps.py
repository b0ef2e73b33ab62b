from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Plan and key tasks")

    def ready(self) -> None:
        # Every page asks for the signed-in staff member's region: read it with the user.
        from accounts.backends import register_user_query

        register_user_query(lambda users: users.select_related("region_staff__region"))

        # Who may download the files of a report or a milestone claim: whoever may see it.
        from evidence.access import register_owner
        from tasks import access
        from tasks.models import MilestoneClaim, ProgressReport

        register_owner(ProgressReport, lambda user, report: access.visible_reports(user).filter(pk=report.pk).exists())
        register_owner(MilestoneClaim, lambda user, claim: access.visible_claims(user).filter(pk=claim.pk).exists())

        from audit.labels import register_states
        from tasks.models import Contribution, KeyTask, Milestone, Plan, ReportingPeriod

        register_states(
            ProgressReport.Status,
            Milestone.Status,
            MilestoneClaim.Status,
            Contribution.Status,
            KeyTask.Status,
            Plan.Status,
            ReportingPeriod.State,
        )

        from tasks.review_kinds import CONTRIBUTION, MILESTONE_CLAIM, PROGRESS_REPORT
        from workflows.lifecycle import register_kind

        for kind in (PROGRESS_REPORT, CONTRIBUTION, MILESTONE_CLAIM):
            register_kind(kind)
