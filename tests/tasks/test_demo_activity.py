import pytest

from demo.plan import seed_demo, seed_demo_activity
from tasks.models import Contribution, ProgressReport

pytestmark = pytest.mark.django_db


def test_the_demo_has_reports_in_every_state_and_some_late():
    plan = seed_demo().plan
    counts = seed_demo_activity(plan)
    assert all(counts[state] > 0 for state in ["draft", "submitted", "returned", "approved", "late"]), counts
    returned = ProgressReport.objects.filter(status="returned").first()
    assert returned.return_reason
    assert Contribution.objects.filter(status="submitted").exists()
    # Completed history raised the tasks' progress.
    assert plan.key_tasks.filter(progress__gt=0).exists()


def test_the_demo_activity_is_idempotent():
    plan = seed_demo().plan
    seed_demo_activity(plan)
    before = ProgressReport.objects.count()
    assert seed_demo_activity(plan) == {}
    assert ProgressReport.objects.count() == before


def test_the_demo_closes_its_finished_periods_and_reopens_the_one_still_reported():
    from audit.models import AuditEntry
    from tasks.models import ReportingPeriod

    plan = seed_demo().plan
    seed_demo_activity(plan)
    states = {p.code: p.is_closed for p in ReportingPeriod.objects.filter(plan=plan, year=2025, cadence="quarterly")}
    assert states == {"2025Q1": True, "2025Q2": True, "2025Q3": True, "2025Q4": False}, states
    q4 = ReportingPeriod.objects.get(plan=plan, year=2025, cadence="quarterly", number=4)
    assert AuditEntry.objects.for_object(q4).filter(action="reopen").exists()
