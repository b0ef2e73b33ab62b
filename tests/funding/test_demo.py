"""The demo funding lines: true-looking, through the services, idempotent."""

import datetime

import pytest

from demo.funding import seed_demo_funding
from demo.plan import seed_demo
from funding.models import FundingLine, LedgerEntry
from funding.selectors import execution_by, lagging_lines

pytestmark = pytest.mark.django_db


def test_seed_demo_funding_is_idempotent_and_plausible():
    plan = seed_demo().plan
    first = seed_demo_funding(plan)
    assert first["lines"] >= 25
    lines, entries = FundingLine.objects.count(), LedgerEntry.objects.count()
    assert seed_demo_funding(plan) == {"lines": 0, "entries": 0}
    assert (FundingLine.objects.count(), LedgerEntry.objects.count()) == (lines, entries)

    assert set(FundingLine.objects.values_list("source", flat=True)) == {"local_budget", "transfer", "special", "social"}
    assert set(FundingLine.objects.values_list("fiscal_year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    assert LedgerEntry.objects.filter(reverses__isnull=False).count() == 1
    assert LedgerEntry.objects.filter(kind="adjustment").exists()
    lagging = {line.code for line in lagging_lines(plan=plan, on=datetime.date(2025, 12, 31))}
    assert lagging == {"2025-04", "2025-06"}
    from accounts.models import User

    supervisor = User.objects.get(username="supervisor")
    for row in execution_by(user=supervisor, plan=plan, by="year"):
        assert row["spent"] <= row["disbursed"] <= row["allocated"]
        assert 30 < row["execution_rate"] <= 100
    assert FundingLine.objects.filter(tasks__isnull=False).exists()
