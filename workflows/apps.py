from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self) -> None:
        # The work lists read each process's listing data: keep it current as tasks finish.
        from viewflow.workflow.signals import task_finished

        from workflows.listing import on_task_finished

        task_finished.connect(on_task_finished, dispatch_uid="workflows.listing")
