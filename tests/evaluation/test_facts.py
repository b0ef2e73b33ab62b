"""The facts an evaluator sees beside a department's key tasks: real numbers from real services,
and a fixed number of queries whatever the number of tasks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation.facts import department_facts
from funding import services as funding
from funding.models import LedgerEntry
from tasks import progress
from tasks.models import TaskDepartment
from tests.factories import KeyTaskFactory, MilestoneFactory, PlanSectionFactory, TaskDepartmentFactory
from tests.indicators.conftest import approved as approved_value
from tests.indicators.conftest import make_indicator
from tests.progress.conftest import approved as approved_report
from tests.progress.conftest import submitted as submitted_report
from tests.supervision.notice_fixtures import ISSUED_AT, closed, issue, responded

Kind = LedgerEntry.Kind
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
ON = datetime.date(2025, 2, 1)


@pytest.fixture(autouse=True)
def media_root(media_root) -> Path:
    """Evidence files, if any, go to a MEDIA_ROOT of the test's own (see tests/conftest.py)."""
    return media_root


def at(year, month, day) -> datetime.datetime:
    return datetime.datetime(year, month, day, 10, 0, tzinfo=SHANGHAI)


def by_code(facts) -> dict:
    return {row.task.code: row for row in facts.tasks}


def quarter(plan, number, year=2024):
    return progress.reporting_period(plan=plan, cadence="quarterly", year=year, number=number)


def milestone_approved(task, liaison, supervisor, *, due, completed):
    milestone = MilestoneFactory(task=task, due_date=due)
    claim = progress.milestone_claim_submit(
        milestone=milestone, user=liaison, completed_on=completed, note="已完成"
    )
    progress.milestone_claim_approve(claim=claim, user=supervisor)
    return milestone


def funded(plan, department, tasks, supervisor, *, allocated, spent):
    line = funding.line_create(
        plan=plan,
        fiscal_year=2024,
        source="local_budget",
        purpose="精神卫生专项经费",
        department=department,
        tasks=tasks,
        user=supervisor,
    )
    for kind, amount in [(Kind.ALLOCATION, allocated), (Kind.DISBURSEMENT, spent), (Kind.EXPENDITURE, spent)]:
        if amount:
            funding.entry_record(
                line=line,
                kind=kind,
                amount=Decimal(amount),
                date=datetime.date(2024, 6, 1),
                document_number="示财社〔2024〕1号",
                user=supervisor,
            )
    return line


# --- which tasks ---------------------------------------------------------------------------


def test_a_department_sees_the_tasks_it_leads_or_cooperates_on(plan, dept_a, dept_b, task_a, task_b_only):
    facts_b = department_facts(plan, dept_b, on=ON)
    assert [(row.task, row.role) for row in facts_b.tasks] == [(task_a, "cooperating"), (task_b_only, "lead")]
    assert [row.is_lead for row in facts_b.tasks] == [False, True]

    facts_a = department_facts(plan, dept_a, on=ON)
    assert [(row.task, row.role) for row in facts_a.tasks] == [(task_a, "lead")]
    assert task_b_only not in [row.task for row in facts_a.tasks]


def test_a_task_with_no_data_shows_zeros_and_blanks(plan, dept_b, task_b_only):
    row = department_facts(plan, dept_b, on=ON).tasks[0]
    assert (row.approved_percent, row.approved_period) == (None, None)
    assert (row.reports_due, row.reports_approved, row.reports_late) == (0, 0, 0)
    assert (row.milestones, row.notices, row.notice_response_days) == (0, 0, None)
    assert (row.funding_lines, row.allocated, row.spent, row.execution_rate) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
        None,
    )


def test_defaults_to_today(plan, dept_a, task_a):
    assert department_facts(plan, dept_a).on == timezone.localdate()


# --- progress reports ----------------------------------------------------------------------


def test_latest_approved_report_and_report_counts(
    plan, dept_a, dept_b, task_a, liaison_a, liaison_b, supervisor
):
    q2, q3, q4 = quarter(plan, 2), quarter(plan, 3), quarter(plan, 4)
    approved_report(
        progress.report_open(task=task_a, period=q2, department=dept_a),
        liaison_a,
        supervisor,
        percent_complete=40,
        at=at(2024, 7, 1),
    )
    # Q3 is due 2024-10-10: submitted ten days late, approved at 60 %.
    approved_report(
        progress.report_open(task=task_a, period=q3, department=dept_a),
        liaison_a,
        supervisor,
        percent_complete=60,
        at=at(2024, 10, 20),
    )
    # Q4 (due 2025-01-10) submitted at 80 % but not approved yet: the approved figure stays 60 %.
    submitted_report(
        progress.report_open(task=task_a, period=q4, department=dept_a),
        liaison_a,
        percent_complete=80,
        at=at(2025, 1, 5),
    )
    # 2025 Q1 is open and not due on 2025-02-01.
    progress.report_open(task=task_a, period=quarter(plan, 1, year=2025), department=dept_a)

    row = department_facts(plan, dept_a, on=ON).tasks[0]
    assert row.approved_percent == 60
    assert row.approved_period.code == "2024Q3"
    assert (row.reports_due, row.reports_approved, row.reports_late) == (3, 2, 1)

    # The co-operating department is shown the same task's reports.
    cooperating = by_code(department_facts(plan, dept_b, on=ON))[task_a.code]
    assert (cooperating.approved_percent, cooperating.approved_period.code) == (60, "2024Q3")
    assert (cooperating.reports_due, cooperating.reports_approved, cooperating.reports_late) == (3, 2, 1)


def test_an_older_period_approved_last_does_not_hide_the_latest(plan, dept_a, task_a, liaison_a, supervisor):
    q2, q3 = quarter(plan, 2), quarter(plan, 3)
    report_q2 = progress.report_open(task=task_a, period=q2, department=dept_a)
    report_q3 = progress.report_open(task=task_a, period=q3, department=dept_a)
    approved_report(report_q3, liaison_a, supervisor, percent_complete=70, at=at(2024, 10, 1))
    approved_report(report_q2, liaison_a, supervisor, percent_complete=50, at=at(2024, 10, 2))

    row = department_facts(plan, dept_a, on=ON).tasks[0]
    assert (row.approved_percent, row.approved_period.code) == (70, "2024Q3")
    assert (row.reports_approved, row.reports_late) == (2, 1)  # Q2 was due 2024-07-10


# --- milestones ----------------------------------------------------------------------------


def test_milestones_met_on_time_late_and_overdue(plan, dept_a, task_a, liaison_a, supervisor):
    on_time = milestone_approved(
        task_a, liaison_a, supervisor, due=datetime.date(2023, 12, 31), completed=datetime.date(2023, 12, 1)
    )
    late = milestone_approved(
        task_a, liaison_a, supervisor, due=datetime.date(2023, 6, 30), completed=datetime.date(2023, 9, 1)
    )
    MilestoneFactory(task=task_a, due_date=datetime.date(2024, 3, 31))  # pending, overdue
    claimed = MilestoneFactory(
        task=task_a, due_date=datetime.date(2024, 6, 30)
    )  # claimed, not approved: overdue
    progress.milestone_claim_submit(
        milestone=claimed, user=liaison_a, completed_on=datetime.date(2024, 6, 1), note="待核"
    )
    MilestoneFactory(task=task_a, due_date=datetime.date(2027, 12, 31))  # not due yet
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (on_time.completed_on, late.completed_on) == (
        datetime.date(2023, 12, 1),
        datetime.date(2023, 9, 1),
    )

    row = department_facts(plan, dept_a, on=ON).tasks[0]
    assert row.milestones == 5
    assert row.milestones_approved == 2
    assert row.milestones_on_time == 1  # the late one counts as approved, not on time
    assert row.milestones_overdue == 2


# --- supervision notices -------------------------------------------------------------------


def test_notices_by_level_and_how_they_were_answered(
    plan, dept_a, dept_b, task_a, liaison_a, liaison_b, supervisor
):
    # Blue, issued 2024-06-03 and due 2024-06-11, answered only now: late.
    late = issue(task_a, dept_a, supervisor, at=ISSUED_AT, level="blue")
    responded(late, liaison_a)
    # Yellow, issued now, answered at once and closed: on time.
    prompt = issue(task_a, dept_a, supervisor, at=timezone.now(), level="yellow")
    closed(prompt, liaison_a, supervisor)
    # Red, issued 2024-06-03 and never answered: open and overdue.
    issue(task_a, dept_a, supervisor, at=ISSUED_AT, level="red")
    # A notice to the co-operating department is not dept A's.
    issue(task_a, dept_b, supervisor, at=ISSUED_AT, level="red")

    row = department_facts(plan, dept_a).tasks[0]
    assert row.notices == 3
    assert (row.notices_blue, row.notices_yellow, row.notices_red) == (1, 1, 1)
    assert row.notices_closed == 1
    assert row.notices_answered == 2
    assert (row.notices_answered_on_time, row.notices_answered_late) == (1, 1)
    assert row.notices_overdue == 1
    late.refresh_from_db()
    prompt.refresh_from_db()
    expected = (
        ((late.responded_at - late.issued_at) + (prompt.responded_at - prompt.issued_at)).total_seconds()
        / 2
        / 86400
    )
    assert row.notice_response_days == pytest.approx(expected, abs=0.001)
    assert row.notice_response_days > 300  # the late one took well over a year

    b_row = by_code(department_facts(plan, dept_b))[task_a.code]
    assert (b_row.notices, b_row.notices_red, b_row.notices_answered, b_row.notices_overdue) == (1, 1, 0, 1)
    assert b_row.notice_response_days is None


def test_a_notice_is_not_overdue_before_its_due_date(plan, dept_a, task_a, liaison_a, supervisor):
    notice = issue(task_a, dept_a, supervisor, at=ISSUED_AT)  # due 2024-06-11
    assert department_facts(plan, dept_a, on=datetime.date(2024, 6, 11)).tasks[0].notices_overdue == 0
    assert department_facts(plan, dept_a, on=datetime.date(2024, 6, 12)).tasks[0].notices_overdue == 1
    assert notice.response_due_on == datetime.date(2024, 6, 11)


# --- funding -------------------------------------------------------------------------------


def test_funding_execution_per_task(plan, dept_a, dept_b, task_a, task_b_only, supervisor):
    funded(plan, dept_a, [task_a], supervisor, allocated="100000.00", spent="25000.00")
    funded(plan, dept_b, [task_b_only], supervisor, allocated="20000.00", spent="20000.00")

    rows = by_code(department_facts(plan, dept_b, on=ON))
    assert (rows[task_a.code].allocated, rows[task_a.code].spent) == (
        Decimal("100000.00"),
        Decimal("25000.00"),
    )
    assert rows[task_a.code].execution_rate == pytest.approx(25.0)
    assert rows[task_a.code].funding_lines == 1
    assert (rows[task_b_only.code].allocated, rows[task_b_only.code].execution_rate) == (
        Decimal("20000.00"),
        pytest.approx(100.0),
    )


def test_a_line_allocated_nothing_has_no_rate(plan, dept_a, task_a, supervisor):
    funded(plan, dept_a, [task_a], supervisor, allocated=None, spent=None)
    row = department_facts(plan, dept_a, on=ON).tasks[0]
    assert (row.funding_lines, row.allocated, row.execution_rate) == (1, Decimal("0.00"), None)


# --- indicators ----------------------------------------------------------------------------


def test_the_department_s_indicators_with_their_attainment(
    plan, dept_a, dept_b, liaison_a, supervisor, english
):
    rate = make_indicator(plan, dept_a)  # ≥ 80 % in 2025, annual target 79 % in 2024
    approved_value(rate, liaison_a, supervisor, year=2023, value="72")
    approved_value(rate, liaison_a, supervisor, year=2024, value="79.5")
    lagging = make_indicator(plan, dept_a, code="2", name="精神科执业医师数增长率")
    approved_value(lagging, liaison_a, supervisor, year=2023, value="72")  # target 78 in 2023
    other = make_indicator(plan, dept_b, code="3", name="肇事肇祸案件发生率")

    facts_a = department_facts(plan, dept_a, on=ON).indicators
    assert [(f.indicator, f.value, f.year, f.status, str(f.status_label)) for f in facts_a] == [
        (rate, "79.5%", 2024, "met", "Met"),  # the latest year with a value
        (lagging, "72%", 2023, "at_risk", "At risk"),
    ]

    facts_b = department_facts(plan, dept_b, on=ON).indicators
    assert [(f.indicator, f.value, f.year, f.status, str(f.status_label)) for f in facts_b] == [
        (other, "—", None, "no_data", "No data")
    ]


# --- performance ---------------------------------------------------------------------------


def _add_tasks(plan, dept_a, dept_b, liaison_a, supervisor, count, start):
    """``count`` tasks led by dept A (dept B co-operates), each with an approved report, an approved
    milestone and a pending one, two notices (one answered) and a funding line."""
    q2 = quarter(plan, 2)
    section = PlanSectionFactory(plan=plan)
    for n in range(start, start + count):
        task = KeyTaskFactory(plan=plan, section=section, code=f"p{n}", title=f"任务{n}")
        TaskDepartmentFactory(task=task, department=dept_a, role=TaskDepartment.Role.LEAD)
        TaskDepartmentFactory(task=task, department=dept_b, role=TaskDepartment.Role.COOPERATING)
        approved_report(
            progress.report_open(task=task, period=q2, department=dept_a),
            liaison_a,
            supervisor,
            percent_complete=10 + n,
            at=at(2024, 7, 1),
        )
        milestone_approved(
            task, liaison_a, supervisor, due=datetime.date(2023, 12, 31), completed=datetime.date(2024, 1, 5)
        )
        MilestoneFactory(task=task, due_date=datetime.date(2024, 3, 31))
        responded(issue(task, dept_a, supervisor, at=ISSUED_AT, level="yellow"), liaison_a)
        issue(task, dept_a, supervisor, at=ISSUED_AT, level="red")
        funded(plan, dept_a, [task], supervisor, allocated="1000.00", spent="500.00")
        make_indicator(plan, dept_a, code=f"i{n}", annual=None)


def _queries(plan, department) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as captured:
        facts = department_facts(plan, department, on=ON)
        # What a template reads: nothing of it may query.
        for row in facts.tasks:
            str(row.task), row.task.section, row.approved_period and row.approved_period.code
        for fact in facts.indicators:
            str(fact.indicator), fact.indicator.target_display, str(fact.status_label)
    return len(captured), facts.tasks


def test_queries_do_not_grow_with_the_number_of_tasks(plan, dept_a, dept_b, liaison_a, liaison_b, supervisor):
    _add_tasks(plan, dept_a, dept_b, liaison_a, supervisor, 2, 0)
    few, rows = _queries(plan, dept_a)
    assert len(rows) == 2
    _add_tasks(plan, dept_a, dept_b, liaison_a, supervisor, 4, 2)
    many, rows = _queries(plan, dept_a)
    assert len(rows) == 6
    assert many == few <= 9
    first = rows[0]
    assert (first.approved_percent, first.approved_period.code) == (10, "2024Q2")
    assert (
        first.milestones,
        first.milestones_approved,
        first.milestones_on_time,
        first.milestones_overdue,
    ) == (2, 1, 0, 1)
    assert all(
        (r.notices, r.notices_answered_late, r.notices_overdue, r.execution_rate) == (2, 1, 1, 50.0)
        for r in rows
    )

    # Dept B co-operates on the same six tasks; it is responsible for no indicator (two queries fewer).
    cooperating, rows_b = _queries(plan, dept_b)
    assert len(rows_b) == 6 and {r.role for r in rows_b} == {"cooperating"}
    assert cooperating == few - 2
