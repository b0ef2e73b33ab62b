"""viewflow's own strings that our UI shows (the Django admin of processes and tasks, the flow
and status names), listed so that ``makemessages`` puts them in our zh-hans catalogue: viewflow
2.4 ships its zh_Hans catalogue with nothing translated. Never imported at run time."""

from django.utils.translation import gettext_noop, pgettext_lazy

VIEWFLOW_STRINGS = [
    gettext_noop("Workflow"),
    gettext_noop("Flow"),
    gettext_noop("flow"),
    gettext_noop("Status"),
    gettext_noop("Created"),
    gettext_noop("Finished"),
    gettext_noop("Task"),
    gettext_noop("Tasks"),
    gettext_noop("Type"),
    gettext_noop("Assigned"),
    gettext_noop("Started"),
    gettext_noop("Scheduled"),
    gettext_noop("Previous"),
    gettext_noop("Token"),
    gettext_noop("External Task ID"),
    gettext_noop("Owner"),
    gettext_noop("Permission"),
    gettext_noop("Process"),
    gettext_noop("Process list"),
    gettext_noop("Data"),
    gettext_noop("Artifact"),
    gettext_noop("Task {task} has been completed."),
    gettext_noop("Process {process} has been started."),
    pgettext_lazy("STATUS", "Canceled"),
    pgettext_lazy("STATUS", "Done"),
    pgettext_lazy("STATUS", "New"),
    pgettext_lazy("STATUS", "Assigned"),
    pgettext_lazy("STATUS", "Error"),
    pgettext_lazy("STATUS", "Revived"),
    pgettext_lazy("STATUS", "Scheduled"),
    pgettext_lazy("STATUS", "Started"),
]
