from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Who may download the files of a supervision notice's response: whoever may see the notice.
        from evidence.access import register_owner

        # The report page shows extension requests through this panel.
        from supervision.extension_views import extension_context
        from supervision.models import SupervisionNotice
        from supervision.notices import visible_notices
        from tasks.progress_views import register_report_panel

        register_report_panel(extension_context)
        register_owner(SupervisionNotice, lambda user, notice: visible_notices(user).filter(pk=notice.pk).exists())

        from audit.labels import register_states
        from supervision.models import ExtensionRequest

        register_states(SupervisionNotice.Status, SupervisionNotice.Level, ExtensionRequest.Status)

        from supervision.review_kinds import NOTICE_ANSWER
        from workflows.lifecycle import register_kind

        register_kind(NOTICE_ANSWER)

        from supervision import notification_messages

        notification_messages.register()

        # Extension requests wait in the supervisors' queue (the engine's decide step).
        from supervision.models import ExtensionRequest
        from workflows.listing import register_work

        register_work(
            "extension_request",
            _("Extension request"),
            ExtensionRequest,
            lambda extension: {
                "title": f"{extension.report.task.code} {extension.report.task.title} · {extension.report.period.code}"
                f" → {extension.requested_due_on.isoformat()}",
                "department_id": extension.report.department_id,
                "due_on": extension.current_due_on,
                "task_id": extension.report.task_id,
                "state": extension.status,
                "reason": extension.reason,
            },
        )
