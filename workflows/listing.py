"""What the inbox and the queues read from the engine: one line of listing data on each process.

The engine's tasks *are* the work lists (我的待办, 审核队列, the department queue): an open human
task is a piece of work. To filter, order and paginate them on the database without reading
every subject, each process carries its subject's listing data in ``Process.data``::

    {"kind": "progress_report", "department_id": 7, "due_on": "2024-07-10",
     "title": "2.1 … · 2024Q2", "task_id": 12, "state": "returned", "reason": "…"}

Apps register a *work kind* per subject model (the review kinds do it through
``register_kind``). The data is rewritten whenever one of the process's tasks finishes (viewflow's
``task_finished`` signal), and by ``listing_refresh`` when something else changes it (an
extension moves a due date, a report is handed over).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from viewflow.workflow.models import Process


@dataclass(frozen=True)
class WorkKind:
    key: str
    label: Any  # lazy translated
    model: type[models.Model]
    describe: Callable[[models.Model], dict]  # subject → department_id, due_on, title, task_id, state, reason


_BY_MODEL: dict[type, WorkKind] = {}
_BY_KEY: dict[str, WorkKind] = {}


def register_work(key: str, label, model: type[models.Model], describe: Callable[[models.Model], dict]) -> None:
    kind = WorkKind(key, label, model, describe)
    _BY_MODEL[model] = kind
    _BY_KEY[key] = kind


def work_kind(key: str) -> WorkKind | None:
    return _BY_KEY.get(key)


def work_kinds() -> list[WorkKind]:
    return list(_BY_KEY.values())


def listing_of(subject) -> dict | None:
    kind = _BY_MODEL.get(type(subject))
    if kind is None:
        return None
    data = {"department_id": None, "due_on": "", "title": "", "task_id": None, "state": "", "reason": ""}
    data.update(kind.describe(subject))
    due_on = data.get("due_on")
    data["due_on"] = due_on.isoformat() if hasattr(due_on, "isoformat") else (due_on or "")
    data["title"] = str(data.get("title") or "")[:300]
    data["reason"] = str(data.get("reason") or "")[:300]
    data["kind"] = kind.key
    return data


def listing_write(process: Process, subject=None) -> None:
    """Write the listing data of ``process`` from its subject (its artifact)."""
    subject = subject if subject is not None else process.artifact
    if subject is None:
        return
    data = listing_of(subject)
    if data is None:
        return
    merged = {**(process.data or {}), **data}
    if merged != process.data:
        process.data = merged
        Process.objects.filter(pk=process.pk).update(data=merged)


def listing_refresh(subject) -> None:
    """Rewrite the listing data of every process about ``subject`` (its due date changed …)."""
    processes = Process.objects.filter(
        artifact_content_type=ContentType.objects.get_for_model(subject), artifact_object_id=subject.pk
    )
    for process in processes:
        listing_write(process, subject)


def on_task_finished(sender, process, task, **kwargs) -> None:
    """viewflow's ``task_finished``: the subject moved on, so its listing data may have changed."""
    if process.artifact_object_id is None:
        return
    listing_write(process)
