"""红黄绿灯 rules at their boundaries."""

import datetime

import pytest

from supervision.lights import lights_refresh, task_light
from tasks import progress
from tests.factories import KeyTaskFactory, PlanFactory
from workdays.calendar import WorkingCalendar

D = datetime.date
pytestmark = pytest.mark.django_db


def _light(task, today, report_due=None):
    return task_light(task, plan=task.plan, today=today, calendar=WorkingCalendar(), earliest_open_report_due=report_due)


def test_red_once_the_due_date_has_passed_and_the_task_is_not_completed():
    task = KeyTaskFactory(start_date=D(2024, 1, 1), due_date=D(2024, 12, 31), progress=100)
    assert _light(task, D(2024, 12, 31)) != "red"
    assert _light(task, D(2025, 1, 1)) == "red"
    task.status = "completed"
    assert _light(task, D(2025, 1, 1)) == "green"


def test_red_when_a_report_is_overdue():
    task = KeyTaskFactory(start_date=D(2024, 1, 1), due_date=D(2025, 12, 31), progress=50)
    assert _light(task, D(2024, 7, 11), report_due=D(2024, 7, 10)) == "red"


def test_yellow_when_due_within_the_plans_working_days():
    plan = PlanFactory(due_soon_working_days=5, progress_lag_margin=100)
    task = KeyTaskFactory(plan=plan, start_date=D(2025, 1, 1), due_date=D(2025, 10, 14))
    # From 30 September, 14 October is 5 working days away (the National Day week is a holiday).
    assert _light(task, D(2025, 9, 30)) == "yellow"
    assert _light(task, D(2025, 9, 29)) == "green"  # 6 working days away


def test_yellow_when_progress_trails_elapsed_time_by_more_than_the_margin():
    plan = PlanFactory(progress_lag_margin=20)
    task = KeyTaskFactory(plan=plan, start_date=D(2024, 1, 1), due_date=D(2025, 12, 31), progress=29)
    # 2025-01-01 is 50 % of the way: 50 − 29 = 21 > 20.
    assert _light(task, D(2025, 1, 1)) == "yellow"
    task.progress = 30
    assert _light(task, D(2025, 1, 1)) == "green"


def test_ongoing_tasks_have_no_due_date_of_their_own():
    task = KeyTaskFactory(start_date=D(2021, 1, 1), due_date=D(2025, 12, 31), is_ongoing=True)
    assert _light(task, D(2026, 3, 1)) == "green"


def test_refresh_writes_the_lights_and_counts_them(plan, task_a, dept_a, liaison_a):
    period = progress.reporting_period(plan=plan, cadence="quarterly", year=2024, number=2)
    progress.report_open(task=task_a, period=period, department=dept_a)
    result = lights_refresh(on=D(2024, 7, 11), plan=plan)
    task_a.refresh_from_db()
    assert task_a.light == "red"
    assert result["red"] == 1 and result["changed"] == 1
    assert lights_refresh(on=D(2024, 7, 11), plan=plan)["changed"] == 0
