"""Engine helpers shared by every flow: find a subject's process, lock it, finish a human task.

Services drive viewflow from code (the flows' human steps are done on the subjects' own pages),
so these are the one place that touches viewflow's activations.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS


def process_of(subject, flow_class) -> Process:
    return Process.objects.get(
        flow_class=flow_class,
        artifact_content_type=ContentType.objects.get_for_model(subject),
        artifact_object_id=subject.pk,
    )


def complete_task(process: Process, node, user, *, subject=None) -> None:
    """Finish the open human task of ``node`` in ``process`` as ``user`` (assigning it if needed).

    ``subject``: the process's artifact as the caller holds it (locked and saved), which the
    flow's next nodes and the work lists' listing then read instead of loading it again."""
    task = Task.objects.select_related("process").get(
        process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    )
    if subject is not None:
        task.process.artifact = subject
    activation = node.activation_class(task)
    if task.status == STATUS.NEW:
        activation.assign(user)
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    activation.execute()


class LockedProcess:
    """The flow's process lock (SELECT … FOR UPDATE on PostgreSQL) plus a transaction."""

    def __init__(self, subject, flow_class):
        self.process = process_of(subject, flow_class)
        self.flow_class = flow_class

    def __enter__(self):
        self._lock = self.flow_class.lock(self.process.pk)
        self._lock.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self.process

    def __exit__(self, *exc):
        try:
            self._atomic.__exit__(*exc)
        finally:
            self._lock.__exit__(*exc)
        return False


def lock_row(model, pk):
    return model.objects.select_for_update().get(pk=pk)
