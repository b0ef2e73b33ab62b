"""Attainment rules for every unit and direction, including ≤ targets and missing data."""

from decimal import Decimal

import pytest

from indicators.attainment import attainment, indicator_status_table, trajectory
from indicators.models import Indicator, IndicatorValue
from tests.indicators.conftest import approved, make_indicator

GTE, LTE, EQ = Indicator.Comparison.GTE, Indicator.Comparison.LTE, Indicator.Comparison.EQ

# unit kind, comparison, baseline (2020), target (2025), annual targets 2021–2025
CASES = {
    "percent ≥": ("percent", GTE, "75", "80", (76, 77, 78, 79, 80)),
    "per mille ≥": ("per_mille", GTE, "4.0", "4.5", ("4.1", "4.2", "4.3", "4.4", "4.5")),
    "per 100k ≥": ("per_100k", GTE, "3.0", "3.8", ("3.2", "3.4", "3.5", "3.7", "3.8")),
    "count ≥": ("count", GTE, "10", "20", (12, 14, 16, 18, 20)),
    # "≥1:3000" (at least one per 3 000): the ratio compares 1/N, so N falls from 5000 to 3000
    "ratio ≥1:N": ("ratio", GTE, "5000", "3000", (4600, 4200, 3800, 3400, 3000)),
    "percent ≤": ("percent", LTE, "8", "5", ("7.5", "7", "6.5", "6", "5")),
    "percent =": ("percent", EQ, "90", "100", (92, 94, 96, 98, 100)),
    "yes/no =": ("yes_no", EQ, "0", "1", (1, 1, 1, 1, 1)),
}


@pytest.fixture
def build(plan, dept_a):
    def make(case):
        kind, comparison, base, target, annual = CASES[case]
        return make_indicator(
            plan, dept_a, unit_kind=kind, comparison=comparison, baseline_value=Decimal(base), target_value=Decimal(target), annual=annual
        )

    return make


@pytest.mark.parametrize(
    "case, year, value, expected",
    [
        # ≥: met at the annual target, on track above the line, at risk below it, not met in the target year
        ("percent ≥", 2023, "78", "met"),
        ("percent ≥", 2023, "78.0001", "met"),
        ("percent ≥", 2024, "78.6", "at_risk"),  # line 79.0, annual 79
        ("percent ≥", 2025, "80", "met"),
        ("percent ≥", 2025, "79.99", "not_met"),
        ("percent ≥", 2026, "79", "not_met"),
        ("percent ≥", 2022, "81", "met"),
        ("per mille ≥", 2022, "4.2", "met"),
        ("per mille ≥", 2022, "4.19", "at_risk"),  # the line is 4.2 in 2022 too: below both
        ("per 100k ≥", 2024, "3.7", "met"),
        ("per 100k ≥", 2024, "3.65", "on_track"),  # annual 3.7 missed, line 3.64 kept
        ("per 100k ≥", 2024, "3.5", "at_risk"),
        ("count ≥", 2023, "15", "at_risk"),
        ("count ≥", 2023, "16", "met"),
        # ≤ mirrors ≥ (and ≥1:N on the ratio is ≤ on N)
        ("ratio ≥1:N", 2022, "4200", "met"),
        ("ratio ≥1:N", 2022, "4100", "met"),
        ("ratio ≥1:N", 2022, "4300", "at_risk"),
        ("ratio ≥1:N", 2025, "3001", "not_met"),
        ("percent ≤", 2024, "5.6", "met"),  # 5.6 ≤ the annual 6
        ("percent ≤", 2024, "6.2", "at_risk"),
        ("percent ≤", 2023, "6.5", "met"),
        ("percent ≤", 2023, "6.6", "at_risk"),  # above the annual 6.5 and the line 6.2
        ("percent ≤", 2022, "7.1", "at_risk"),  # above the annual 7 and the line 6.8
        ("percent ≤", 2025, "5", "met"),
        ("percent ≤", 2025, "5.1", "not_met"),
        # = within 0.0001
        ("percent =", 2025, "100", "met"),
        ("percent =", 2025, "99.99995", "met"),
        ("percent =", 2025, "99.9", "not_met"),
        ("percent =", 2022, "96", "on_track"),  # closer to 100 than the line (94) and not the annual 94
        ("percent =", 2022, "93", "at_risk"),
        ("percent =", 2022, "94", "met"),
        ("yes/no =", 2022, "1", "met"),
        ("yes/no =", 2022, "0", "at_risk"),
        ("yes/no =", 2025, "0", "not_met"),
    ],
)
def test_attainment(build, case, year, value, expected):
    indicator = build(case)
    assert attainment(indicator, year, Decimal(value)) == expected


@pytest.mark.parametrize("case", sorted(CASES))
def test_missing_value_is_no_data(build, case):
    assert attainment(build(case), 2024, None) == "no_data"


def test_trajectory_is_the_straight_line(build):
    indicator = build("percent ≤")
    assert trajectory(indicator, 2020) == Decimal("8")
    assert trajectory(indicator, 2023) == Decimal("6.2")
    assert trajectory(indicator, 2025) == Decimal("5")


def test_without_annual_target_the_final_target_and_the_line_decide(plan, dept_a):
    indicator = make_indicator(plan, dept_a, annual=None)
    assert attainment(indicator, 2022, Decimal("80")) == "met"
    assert attainment(indicator, 2022, Decimal("77")) == "on_track"  # line 77
    assert attainment(indicator, 2022, Decimal("76.9")) == "at_risk"


def test_lte_on_track_below_the_line_before_the_annual_target(plan, dept_a):
    indicator = make_indicator(
        plan, dept_a, comparison=LTE, baseline_value=Decimal(8), target_value=Decimal(5), annual=("7.5", "6.5", "6", "5.5", "5")
    )
    assert attainment(indicator, 2022, Decimal("6.7")) == "on_track"  # annual 6.5 missed, line 6.8 kept
    assert attainment(indicator, 2022, Decimal("6.9")) == "at_risk"


def test_without_baseline_there_is_no_line(plan, dept_a):
    indicator = make_indicator(plan, dept_a, baseline_value=None, annual=None)
    assert attainment(indicator, 2022, Decimal("79")) == "at_risk"


@pytest.mark.parametrize("judgement, expected", [("met", "met"), ("not_met", "not_met"), ("", "no_data")])
def test_qualitative_follows_the_supervisors_judgement(qualitative, judgement, expected):
    value = IndicatorValue(indicator=qualitative, year=2024, text="已建立", supervisor_judgement=judgement)
    assert attainment(qualitative, 2024, value) == expected
    assert attainment(qualitative, 2024, None, judgement=judgement) == expected


def test_status_table_uses_the_latest_approved_value(plan, rate, liaison_a, supervisor):
    other = make_indicator(plan, rate.department, code="2", name="失访率", comparison=LTE, baseline_value=Decimal(8), target_value=Decimal(5), annual=None)
    approved(rate, liaison_a, supervisor, year=2024, value="79.5")
    rows = indicator_status_table(plan, 2024)
    assert [(r.indicator.pk, r.attainment) for r in rows] == [(rate.pk, "met"), (other.pk, "no_data")]
    assert rows[0].value.value == Decimal("79.5")
