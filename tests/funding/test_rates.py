"""Totals and rates from the database; lagging warnings at their boundaries."""

import datetime

import pytest

from funding import selectors
from funding.selectors import elapsed_share, execution_by, lagging_lines, line_totals, plan_lines
from funding.templatetags.funding_tags import format_rate, format_wan, format_yuan
from tests.factories import KeyTaskFactory
from tests.funding.conftest import D, Kind

pytestmark = pytest.mark.django_db


def test_rates(funded):
    row = line_totals(line=funded)
    assert row.execution_rate == pytest.approx(40.0)
    assert row.disbursement_rate == pytest.approx(60.0)


def test_rates_with_fractions(line, record):
    record(line, Kind.ALLOCATION, D("3"))
    record(line, Kind.DISBURSEMENT, D("1"))
    record(line, Kind.EXPENDITURE, D("1"))
    row = line_totals(line=line)
    assert row.execution_rate == pytest.approx(100 / 3)


def test_zero_allocation_gives_no_rate_and_no_error(line, record, supervisor):
    row = line_totals(line=line)
    assert (row.allocated, row.disbursed, row.spent) == (D("0"), D("0"), D("0"))
    assert row.execution_rate is None and row.disbursement_rate is None
    assert format_rate(row.execution_rate) == "—"
    assert not row.is_lagging
    # Allocated then cut back to zero by an adjustment.
    record(line, Kind.ALLOCATION, D("10"))
    record(line, Kind.ADJUSTMENT, D("-10"))
    assert line_totals(line=line).execution_rate is None


def test_formatting():
    assert format_yuan(D("12500000")) == "12,500,000.00"
    assert format_wan(D("12500000")) == "1,250.00"
    assert format_rate(62.54) == "62.5%"


def test_execution_by_groups(plan, dept_a, dept_b, supervisor, funded, record):
    from funding import services

    other = services.line_create(plan=plan, fiscal_year=2023, source="transfer", purpose="救治救助", department=dept_b, user=supervisor)
    record(other, Kind.ALLOCATION, D("50000"), date=datetime.date(2023, 3, 1))
    record(other, Kind.DISBURSEMENT, D("50000"), date=datetime.date(2023, 3, 1))
    record(other, Kind.EXPENDITURE, D("25000"), date=datetime.date(2023, 3, 1))
    empty = services.line_create(plan=plan, fiscal_year=2023, source="transfer", purpose="空", department=dept_b, user=supervisor)
    assert empty
    by_source = {row["key"]: row for row in execution_by(user=supervisor, plan=plan, by="source")}
    assert by_source["transfer"]["lines"] == 2 and by_source["transfer"]["allocated"] == D("50000")
    assert by_source["transfer"]["execution_rate"] == pytest.approx(50.0)
    assert by_source["local_budget"]["disbursement_rate"] == pytest.approx(60.0)
    by_year = [row["key"] for row in execution_by(user=supervisor, plan=plan, by="year")]
    assert by_year == [2023, 2024]
    by_department = {row["label"]: row for row in execution_by(user=supervisor, plan=plan, by="department")}
    assert by_department["市公安局"]["spent"] == D("25000")
    with pytest.raises(ValueError):
        execution_by(user=supervisor, plan=plan, by="colour")


def test_execution_by_respects_liaison_slice(plan, dept_b, supervisor, liaison_b, funded):
    assert execution_by(user=liaison_b, plan=plan, by="source") == []


def test_elapsed_share():
    assert elapsed_share(2024, datetime.date(2023, 12, 31)) == 0
    assert elapsed_share(2024, datetime.date(2024, 12, 31)) == 100
    assert elapsed_share(2024, datetime.date(2025, 1, 1)) == 100
    assert elapsed_share(2023, datetime.date(2023, 7, 2)) == pytest.approx(183 * 100 / 365)


@pytest.fixture
def untasked(line):
    line.tasks.clear()
    return line


@pytest.mark.parametrize(
    ("spent", "on", "lagging"),
    [
        ("80.00", datetime.date(2024, 12, 31), False),  # trails by exactly the margin: no warning
        ("79.99", datetime.date(2024, 12, 31), True),  # by just more
        ("79.99", datetime.date(2025, 3, 1), True),  # after the year: 100 % elapsed
        ("0.01", datetime.date(2023, 12, 31), False),  # before the year: nothing elapsed
        ("30.00", datetime.date(2024, 6, 30), False),  # 182/366 = 49.7 % elapsed
        ("29.00", datetime.date(2024, 6, 30), True),
    ],
)
def test_lagging_against_elapsed_year(untasked, record, plan, spent, on, lagging):
    record(untasked, Kind.ALLOCATION, D("100"))
    record(untasked, Kind.DISBURSEMENT, D("100"))
    record(untasked, Kind.EXPENDITURE, D(spent))
    assert lagging_lines(plan=plan, on=on).filter(pk=untasked.pk).exists() is lagging


@pytest.mark.parametrize(("spent", "lagging"), [("60.00", False), ("59.99", True)])
def test_lagging_against_task_progress(line, record, plan, task_a, spent, lagging):
    second = KeyTaskFactory(plan=plan, progress=70)
    task_a.progress = 90
    task_a.save()
    line.tasks.add(second)  # average progress 80
    record(line, Kind.ALLOCATION, D("100"))
    record(line, Kind.DISBURSEMENT, D("100"))
    record(line, Kind.EXPENDITURE, D(spent))
    on = datetime.date(2024, 1, 10)  # hardly any of the year elapsed: only the tasks count
    row = selectors.with_figures(selectors.plan_lines(user=line.created_by, plan=plan), plan=plan, on=on).get(pk=line.pk)
    assert row.task_progress == pytest.approx(80.0)
    assert row.is_lagging is lagging
    assert lagging_lines(plan=plan, on=on).filter(pk=line.pk).exists() is lagging


def test_margin_is_per_line(untasked, record, plan):
    record(untasked, Kind.ALLOCATION, D("100"))
    record(untasked, Kind.DISBURSEMENT, D("100"))
    record(untasked, Kind.EXPENDITURE, D("70"))
    on = datetime.date(2024, 12, 31)
    assert lagging_lines(plan=plan, on=on).exists()
    type(untasked).objects.filter(pk=untasked.pk).update(execution_margin=30)
    assert not lagging_lines(plan=plan, on=on).exists()


def test_zero_allocation_never_lags(line, plan):
    assert not lagging_lines(plan=plan, on=datetime.date(2025, 6, 1)).exists()


def test_plan_lines_for_liaison(plan, funded, liaison_a, liaison_b):
    assert list(plan_lines(user=liaison_a, plan=plan)) == [funded]
    assert list(plan_lines(user=liaison_b, plan=plan)) == []
