"""The demo indicators: true-looking, in every flow state, and idempotent."""

from demo.indicators import seed_demo_indicators
from demo.plan import seed_demo
from indicators.attainment import indicator_status_table
from indicators.models import Indicator, IndicatorValue


def test_seed_is_idempotent(db):
    plan = seed_demo().plan
    first = seed_demo_indicators(plan)
    assert 6 <= first["indicators"] <= 8
    counts = (Indicator.objects.count(), IndicatorValue.objects.count())
    assert seed_demo_indicators(plan) == {}
    assert (Indicator.objects.count(), IndicatorValue.objects.count()) == counts
    states = set(IndicatorValue.objects.values_list("status", flat=True))
    assert states == {"approved", "submitted", "returned"}
    assert IndicatorValue.objects.filter(status="approved", year__range=(2021, 2024)).count() == 4 * first["indicators"]
    rows = indicator_status_table(plan, 2024)
    assert {r.attainment for r in rows} - {"no_data"}
    assert Indicator.objects.filter(comparison="lte").exists()
