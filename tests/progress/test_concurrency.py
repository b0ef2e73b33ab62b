"""Two supervisors decide the same report at the same moment: exactly one decision stands.

Needs PostgreSQL (row locks); skipped on SQLite, which serialises writers on its own.
"""


import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from audit.models import AuditEntry
from tasks import progress
from tasks.models import KeyTask, ProgressReport, ReportSubmission
from tests.concurrency import race
from tests.factories import make_supervisor
from tests.progress.conftest import process_of, submitted

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


_race = race


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_supervisors_deciding_at_once_leave_exactly_one_decision(report, liaison_a, supervisor, task_a, round_):
    other = make_supervisor("supervisor-2")
    submitted(report, liaison_a, percent_complete=55)

    def approve():
        progress.report_approve(report=ProgressReport.objects.get(pk=report.pk), user=supervisor, comment="同意")

    def give_back():
        progress.report_return(report=ProgressReport.objects.get(pk=report.pk), user=other, reason="请补充材料")

    calls = [approve, give_back] if round_ % 2 == 0 else [give_back, approve]
    outcomes = dict(zip(["approve" if c is approve else "return" for c in calls], _race(*calls), strict=True))

    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    losers = [outcome for outcome in outcomes.values() if outcome != "ok"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], ValidationError), losers[0]
    with translation.override("en"):  # the message is translated where it is read
        assert "already decided" in " ".join(losers[0].messages)
    winner = winners[0]

    report.refresh_from_db()
    expected = {"approve": ProgressReport.Status.APPROVED, "return": ProgressReport.Status.RETURNED}[winner]
    assert report.status == expected
    assert report.decided_by == (supervisor if winner == "approve" else other)
    decisions = list(AuditEntry.objects.for_object(report).filter(action__in=["approve", "return"]).values_list("action", flat=True))
    assert decisions == [winner]
    submission = ReportSubmission.objects.get(report=report)
    assert submission.decision == expected and submission.decided_by == report.decided_by

    # The process agrees with the report: done after approval, back to the liaison after return.
    process = process_of(report)
    open_tasks = list(Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]))
    task_a.refresh_from_db()
    if winner == "approve":
        assert process.status == "DONE" and open_tasks == []
        assert task_a.progress == 55
    else:
        assert [t.flow_task.name for t in open_tasks] == ["write"]
        assert (task_a.progress, task_a.status) == (0, KeyTask.Status.NOT_STARTED)
