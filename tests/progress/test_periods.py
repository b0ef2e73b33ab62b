"""Opening reporting periods: which reports and contributions periods_open creates, and when."""

import datetime

import pytest
from django.utils import timezone
from viewflow.workflow.models import Process

from tasks import progress
from tasks.models import Contribution, KeyTask, Plan, ProgressReport
from tests.factories import KeyTaskFactory, PlanFactory, TaskDepartmentFactory
from tests.progress.conftest import process_of

pytestmark = pytest.mark.django_db

D = datetime.date


def _task(plan, lead=None, cooperating=(), **fields):
    task = KeyTaskFactory(plan=plan, **fields)
    if lead is not None:
        TaskDepartmentFactory(task=task, department=lead, role="lead")
    for position, department in enumerate(cooperating):
        TaskDepartmentFactory(task=task, department=department, role="cooperating", position=position)
    return task


def _codes(task):
    return sorted(r.period.code for r in ProgressReport.objects.filter(task=task).select_related("period"))


def test_running_it_twice_creates_nothing_more(plan, task_a, task_b_only, liaison_a, liaison_b):
    first = progress.periods_open(on=D(2022, 5, 1), plan=plan)
    counts = (ProgressReport.objects.count(), Contribution.objects.count(), Process.objects.count())
    assert (first.reports, first.contributions) == (2 * 6, 6)  # 2021 Q1 … 2022 Q2 for both tasks; B helps on task_a
    assert counts == (12, 6, 18)
    again = progress.periods_open(on=D(2022, 5, 1), plan=plan)
    assert (again.reports, again.contributions) == (0, 0)
    assert (ProgressReport.objects.count(), Contribution.objects.count(), Process.objects.count()) == counts
    # Later on, only the periods begun since.
    later = progress.periods_open(on=D(2022, 7, 1), plan=plan)
    assert (later.reports, later.contributions) == (2, 1)
    assert _codes(task_a)[-1] == "2022Q3"


def test_only_periods_that_have_begun_and_overlap_the_task_are_opened(plan, dept_a):
    late_start = _task(plan, dept_a, start_date=D(2022, 5, 15), due_date=D(2022, 12, 31))
    early_end = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2021, 6, 30))
    ongoing = _task(plan, dept_a, start_date=D(2025, 3, 1), due_date=D(2025, 3, 31), is_ongoing=True, cadence="half_yearly")
    yearly = _task(plan, dept_a, start_date=D(2024, 1, 1), due_date=D(2025, 12, 31), cadence="yearly")
    monthly = _task(plan, dept_a, start_date=D(2025, 10, 10), due_date=D(2025, 12, 31), cadence="monthly")
    progress.periods_open(on=D(2030, 1, 1), plan=plan)
    assert _codes(late_start) == ["2022Q2", "2022Q3", "2022Q4"]
    assert _codes(early_end) == ["2021Q1", "2021Q2"]
    assert _codes(ongoing) == ["2025H1", "2025H2"]  # ongoing: until the end of the plan
    assert _codes(yearly) == ["2024", "2025"]
    assert _codes(monthly) == ["2025M10", "2025M11", "2025M12"]


def test_nothing_is_opened_before_its_period_begins(plan, dept_a):
    task = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    progress.periods_open(on=D(2020, 12, 31), plan=plan)
    assert _codes(task) == []
    progress.periods_open(on=D(2021, 4, 1), plan=plan)
    assert _codes(task) == ["2021Q1", "2021Q2"]


def test_the_plans_reporting_start_is_respected(plan, dept_a):
    plan.reporting_starts_on = D(2023, 7, 1)
    plan.save()
    task = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    progress.periods_open(on=D(2024, 1, 15), plan=plan)
    assert _codes(task) == ["2023Q3", "2023Q4", "2024Q1"]


def test_periods_carry_the_plans_due_dates_and_contributions_are_due_first(plan, dept_a, dept_b, region, liaison_a, liaison_b):
    from tests.factories import DepartmentFactory

    plan.report_due_days, plan.contribution_lead_days = 15, 7
    plan.save()
    third = DepartmentFactory(region=region)
    task = _task(plan, dept_a, [dept_b, third], start_date=D(2023, 1, 1), due_date=D(2023, 12, 31))
    result = progress.periods_open(on=D(2024, 6, 1), plan=plan)
    assert (result.reports, result.contributions) == (4, 8)
    for report in ProgressReport.objects.filter(task=task).select_related("period"):
        period = report.period
        assert period.due_on == period.ends_on + datetime.timedelta(days=15)
        assert period.contribution_due_on == period.due_on - datetime.timedelta(days=7)
        assert report.assignee == liaison_a and report.department == dept_a
        assert report.status == ProgressReport.Status.DRAFT
        assert process_of(report).status == "NEW"
        contributions = list(report.contributions.order_by("department__position"))
        assert [c.department for c in contributions] == [dept_b, third]
        for contribution in contributions:
            assert period.ends_on <= contribution.due_on < period.due_on
            assert process_of(contribution).status == "NEW"
        assert [c.assignee for c in contributions] == [liaison_b, None]  # a department without a liaison


def test_tasks_with_only_a_generic_lead_are_skipped(plan, dept_a, dept_b):
    generic = _task(plan, None, [dept_b], lead_text="各区县人民政府", start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    named = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    result = progress.periods_open(on=D(2021, 3, 1), plan=plan)
    assert result.skipped_without_department == 1
    assert (result.reports, result.contributions) == (1, 0)
    assert _codes(generic) == [] and _codes(named) == ["2021Q1"]


def test_completed_tasks_and_plans_not_in_force_are_left_alone(plan, dept_a, region):
    done = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31), status=KeyTask.Status.COMPLETED)
    draft_plan = PlanFactory(region=region, status=Plan.Status.DRAFT)
    in_draft = _task(draft_plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    live = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    progress.periods_open(on=D(2021, 3, 1))  # every plan in force
    assert _codes(done) == [] and _codes(in_draft) == [] and _codes(live) == ["2021Q1"]


def test_past_periods_caught_up_can_be_dated_at_their_start_in_the_history(plan, dept_a, dept_b):
    """The demo loads a plan's past periods at once: each report's and contribution's "opened"
    entry is then dated at its period's first day, before what was written in it; by default it
    is dated when it happened."""
    from audit.models import AuditEntry

    task = _task(plan, dept_a, cooperating=[dept_b], start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    progress.periods_open(on=D(2021, 4, 1), plan=plan, as_of_start=True)
    report = ProgressReport.objects.get(task=task, period__year=2021, period__number=2)
    opened = [AuditEntry.objects.for_object(report).get(action="open")]
    opened += [AuditEntry.objects.for_object(c).get(action="open") for c in report.contributions.all()]
    assert len(opened) == 2
    assert {timezone.localtime(entry.at).date() for entry in opened} == {D(2021, 4, 1)}
    other = _task(plan, dept_a, start_date=D(2021, 1, 1), due_date=D(2025, 12, 31))
    progress.periods_open(on=D(2021, 4, 1), plan=plan)
    now = AuditEntry.objects.for_object(ProgressReport.objects.get(task=other, period__year=2021, period__number=1)).get(action="open")
    assert timezone.localtime(now.at).date() == timezone.localdate()
