"""Two disbursements on one line at the same moment, each fitting alone, together over the
allocation: the line's row lock lets exactly one through. Needs PostgreSQL (row locks)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funding import services
from funding.models import FundingLine, LedgerEntry
from funding.selectors import line_totals
from tests.concurrency import race
from tests.factories import make_supervisor
from tests.funding.conftest import D, Kind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_disbursements_at_once_cannot_exceed_the_allocation(line, record, supervisor, round_):
    other = make_supervisor(f"supervisor-{round_}-2")
    record(line, Kind.ALLOCATION, D("100000"))

    def disburse(user, number):
        def call():
            return services.entry_record(
                line=FundingLine.objects.get(pk=line.pk), kind=Kind.DISBURSEMENT, amount=D("60000"),
                date=datetime.date(2024, 5, 1), document_number=number, user=user,
            )
        return call

    outcomes = race(disburse(supervisor, "拨-1"), disburse(other, "拨-2"))
    winners = [o for o in outcomes if isinstance(o, LedgerEntry)]
    losers = [o for o in outcomes if not isinstance(o, LedgerEntry)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert isinstance(losers[0], ValidationError), losers[0]
    assert "would exceed the allocation" in " ".join(losers[0].messages)
    assert line_totals(line=line).disbursed == D("60000.00")
    assert LedgerEntry.objects.filter(line=line, kind=Kind.DISBURSEMENT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reversals_of_one_entry_at_once_leave_one(line, record, supervisor):
    other = make_supervisor("supervisor-rev")
    record(line, Kind.ALLOCATION, D("100000"))
    wrong = record(line, Kind.ALLOCATION, D("500"))

    def reverse(user):
        return lambda: services.entry_reverse(entry=LedgerEntry.objects.get(pk=wrong.pk), user=user, reason="错误")

    outcomes = race(reverse(supervisor), reverse(other))
    assert sum(isinstance(o, LedgerEntry) for o in outcomes) == 1, outcomes
    assert LedgerEntry.objects.filter(reverses=wrong).count() == 1
