"""Ledger rules: limits, the flagged override, reversals, append-only, bad amounts and dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from audit.models import AuditEntry
from funding import services
from funding.models import FundingLine, LedgerEntry
from funding.selectors import line_totals
from tests.funding.conftest import D, Kind

pytestmark = pytest.mark.django_db


def totals(line):
    row = line_totals(line=line)
    return row.allocated, row.disbursed, row.spent


def snapshot(line):
    return LedgerEntry.objects.filter(line=line).count(), AuditEntry.objects.count(), totals(line)


def refused(call, field="amount"):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value
    return " ".join(info.value.message_dict[field])


def test_totals_after_entries(funded):
    assert totals(funded) == (D("100000.00"), D("60000.00"), D("40000.00"))


def test_disbursement_over_allocation_refused_and_nothing_written(funded, record):
    before = snapshot(funded)
    message = refused(lambda: record(funded, Kind.DISBURSEMENT, D("40000.01")))
    assert "would exceed the allocation" in message and "100,040,000" not in message
    assert "100,000.01 yuan" in message and "100,000.00 yuan" in message
    assert snapshot(funded) == before


def test_disbursement_up_to_allocation_accepted(funded, record):
    record(funded, Kind.DISBURSEMENT, D("40000.00"))
    assert totals(funded)[1] == D("100000.00")


def test_expenditure_over_disbursement_refused(funded, record, liaison_a):
    before = snapshot(funded)
    message = refused(lambda: record(funded, Kind.EXPENDITURE, D("20000.01"), user=liaison_a))
    assert "would exceed the disbursements" in message
    assert snapshot(funded) == before
    record(funded, Kind.EXPENDITURE, D("20000.00"), user=liaison_a)


def test_negative_adjustment_below_disbursed_refused(funded, record):
    before = snapshot(funded)
    assert "would exceed the allocation" in refused(lambda: record(funded, Kind.ADJUSTMENT, D("-40000.01")))
    assert snapshot(funded) == before
    record(funded, Kind.ADJUSTMENT, D("-40000.00"))
    assert totals(funded)[0] == D("60000.00")


def test_adjustment_up_raises_allocation(funded, record):
    record(funded, Kind.ADJUSTMENT, D("5000"))
    assert totals(funded)[0] == D("105000.00")


def test_flagged_override_accepted_and_audited(funded, record):
    entry = record(funded, Kind.DISBURSEMENT, D("50000"), over_limit_reason="上级追加资金已到位，文件待下达")
    assert entry.over_limit_reason
    assert totals(funded)[1] == D("110000.00")
    audit = AuditEntry.objects.for_object(funded).filter(action="ledger_record").last()
    assert audit.data["over_limit"] is True and audit.data["entry"] == entry.pk


def test_line_already_over_still_takes_allocations(funded, record):
    record(funded, Kind.DISBURSEMENT, D("50000"), over_limit_reason="先行拨付")
    record(funded, Kind.ALLOCATION, D("10000"))  # reduces the gap: accepted without a reason
    assert "would exceed the allocation" in refused(lambda: record(funded, Kind.DISBURSEMENT, D("1")))


def test_reversal_negates_and_points_back(funded, record, supervisor):
    wrong = record(funded, Kind.EXPENDITURE, D("1000"))
    reversal = services.entry_reverse(entry=wrong, user=supervisor, reason="重复录入")
    assert (reversal.kind, reversal.amount, reversal.reverses_id) == (Kind.EXPENDITURE, D("-1000.00"), wrong.pk)
    assert totals(funded)[2] == D("40000.00")
    assert AuditEntry.objects.for_object(funded).filter(action="ledger_reverse").count() == 1


def test_entry_reversed_only_once_and_reversal_not_reversed(funded, record, supervisor):
    wrong = record(funded, Kind.EXPENDITURE, D("1000"))
    reversal = services.entry_reverse(entry=wrong, user=supervisor, reason="错误")
    with pytest.raises(ValidationError, match="already been reversed"):
        services.entry_reverse(entry=wrong, user=supervisor, reason="再次")
    with pytest.raises(ValidationError, match="cannot itself be reversed"):
        services.entry_reverse(entry=reversal, user=supervisor, reason="再次")
    assert LedgerEntry.objects.filter(line=funded).count() == 5


def test_reversal_that_would_break_a_rule_refused(funded, supervisor):
    allocation = LedgerEntry.objects.get(line=funded, kind=Kind.ALLOCATION)
    before = snapshot(funded)
    assert "would exceed the allocation" in refused(lambda: services.entry_reverse(entry=allocation, user=supervisor, reason="错误"))
    assert snapshot(funded) == before


def test_reversal_needs_a_reason(funded, supervisor):
    entry = LedgerEntry.objects.filter(line=funded).first()
    refused(lambda: services.entry_reverse(entry=entry, user=supervisor, reason="  "), field="reason")


def test_ledger_is_append_only(funded):
    entry = LedgerEntry.objects.filter(line=funded).first()
    entry.amount = D("1")
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(line=funded).update(amount=D("1"))
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(line=funded).delete()
    assert totals(funded) == (D("100000.00"), D("60000.00"), D("40000.00"))


@pytest.mark.parametrize(
    ("kind", "amount", "words"),
    [
        (Kind.ALLOCATION, D("-5"), "must be positive"),
        (Kind.DISBURSEMENT, D("0"), "must be positive"),
        (Kind.EXPENDITURE, "-0.01", "must be positive"),
        (Kind.ADJUSTMENT, D("0"), "non-zero"),
        (Kind.ALLOCATION, D("1.001"), "at most two decimals"),
        (Kind.ALLOCATION, "1000000000000.01", "implausibly large"),
        (Kind.ADJUSTMENT, D("-1000000000001"), "implausibly large"),
        (Kind.ALLOCATION, "十万", "as a number"),
        (Kind.ALLOCATION, "NaN", "as a number"),
        (Kind.ALLOCATION, "", "Enter the amount"),
    ],
)
def test_bad_amounts_refused(funded, record, kind, amount, words):
    before = snapshot(funded)
    assert words in refused(lambda: record(funded, kind, amount))
    assert snapshot(funded) == before


def test_trailing_zeros_are_fine(line, record):
    assert record(line, Kind.ALLOCATION, D("1.000")).amount == D("1.00")


@pytest.mark.parametrize("date", [datetime.date(2022, 12, 31), datetime.date(2026, 1, 1)])
def test_date_outside_fiscal_year_window_refused(line, record, date):
    before = snapshot(line)
    assert "fiscal year 2024" in refused(lambda: record(line, Kind.ALLOCATION, D("5"), date=date), field="date")
    assert snapshot(line) == before


@pytest.mark.parametrize("date", [datetime.date(2023, 1, 1), datetime.date(2025, 12, 31)])
def test_date_window_edges_accepted(line, record, date):
    record(line, Kind.ALLOCATION, D("5"), date=date)


def test_missing_fields_refused(line, supervisor):
    with translation.override("en"), pytest.raises(ValidationError) as info:
        services.entry_record(line=line, kind=Kind.ALLOCATION, amount=None, date=None, document_number=" ", user=supervisor)
    assert set(info.value.message_dict) == {"amount", "date", "document_number"}
    assert not LedgerEntry.objects.exists()


def test_liaison_records_only_expenditures_of_own_department(funded, record, liaison_a, liaison_b, evaluator):
    with pytest.raises(PermissionDenied):
        record(funded, Kind.DISBURSEMENT, D("1"), user=liaison_a)
    for user in (liaison_b, evaluator):
        with pytest.raises(PermissionDenied):
            record(funded, Kind.EXPENDITURE, D("1"), user=user)
    record(funded, Kind.EXPENDITURE, D("1"), user=liaison_a)


def test_administrator_keeps_books(funded, record, administrator):
    record(funded, Kind.DISBURSEMENT, D("1"), user=administrator)


def test_line_create_validation(plan, dept_a, supervisor, liaison_a, region):
    from tests.factories import DepartmentFactory, RegionFactory

    with pytest.raises(PermissionDenied):
        services.line_create(plan=plan, fiscal_year=2024, source="local_budget", purpose="x", department=dept_a, user=liaison_a)
    foreign = DepartmentFactory(region=RegionFactory())
    with pytest.raises(ValidationError) as info:
        services.line_create(plan=plan, fiscal_year=2030, source="nope", purpose=" ", department=foreign, user=supervisor)
    assert set(info.value.message_dict) == {"fiscal_year", "source", "purpose", "department"}
    assert not FundingLine.objects.exists()
    first = services.line_create(plan=plan, fiscal_year=2024, source="social", purpose="社会资本", department=dept_a, user=supervisor)
    assert first.code == "2024-001"
    with pytest.raises(ValidationError):
        services.line_create(plan=plan, fiscal_year=2024, source="social", purpose="重复", department=dept_a, user=supervisor, code="2024-001")
