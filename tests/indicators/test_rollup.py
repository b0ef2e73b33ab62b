"""Roll-up maths (indicators.rollup): every aggregation kind, periods, own value vs roll-up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.attainment import AT_RISK, MET, NO_DATA
from indicators.models import Indicator, IndicatorValue
from indicators.rollup import Figure, across_periods, combine, rollup
from tests.indicators.conftest import cascaded_indicator, make_indicator, make_regions, make_value

pytestmark = pytest.mark.django_db


def _indicator(province_plan, province_dept, **fields):
    return make_indicator(province_plan, province_dept, code=fields.pop("code", "2"), **fields)


def test_the_case_rate_from_summed_parts_not_the_mean_of_rates(province, province_rate):
    """Two counties at 92 % (of 1 000) and 48 % (of 100) make 88 %, not 70 %."""
    big, small = make_regions(province, 2)
    big_rate, small_rate = cascaded_indicator(province_rate, [big, small])
    make_value(big_rate, numerator=920, denominator=1000)
    make_value(small_rate, numerator=48, denominator=100)

    result = rollup(province_rate, 2024)

    assert [row.figure.value for row in result.rows] == [Decimal("92.00"), Decimal("48.00")]
    assert result.total.value == Decimal("88.00")
    assert (result.total.numerator, result.total.denominator) == (Decimal(968), Decimal(1100))
    mean_of_rates = sum(row.figure.value for row in result.rows) / 2
    assert mean_of_rates == Decimal(70)
    assert result.total.value != mean_of_rates
    assert result.total_state == MET  # 88 % ≥ the 2024 target of 79 %
    assert [row.state for row in result.rows] == [MET, AT_RISK]


def test_flow_counts_sum_across_regions_and_periods(province, province_plan, province_dept):
    new = _indicator(province_plan, province_dept, name="新登记患者数", unit_kind=Indicator.UnitKind.COUNT, unit_label="人",
                     baseline_value=None, target_value=Decimal(500), annual=None)
    assert new.aggregation_rule == Indicator.Aggregation.FLOW
    a, b = make_regions(province, 2)
    a_new, b_new = cascaded_indicator(new, [a, b])
    for quarter, count in enumerate((10, 20, 30, 40), start=1):  # a reported quarters only
        make_value(a_new, period_code=f"2024Q{quarter}", value=count)
    make_value(b_new, value=250)  # b reported the year
    make_value(b_new, period_code="2024Q1", value=999)  # the annual value wins over b's quarters

    result = rollup(new, 2024)

    assert [row.figure.value for row in result.rows] == [Decimal(100), Decimal(250)]
    assert result.rows[0].figure.periods == ("2024Q1", "2024Q2", "2024Q3", "2024Q4")
    assert result.total.value == Decimal(350)
    assert result.total.regions == 2


def test_stock_counts_sum_across_regions_but_take_the_last_period(province, province_plan, province_dept):
    managed = _indicator(province_plan, province_dept, name="在管患者数", unit_kind=Indicator.UnitKind.COUNT, unit_label="人",
                         baseline_value=None, target_value=Decimal(1000), annual=None, aggregation=Indicator.Aggregation.STOCK)
    a, b = make_regions(province, 2)
    a_managed, b_managed = cascaded_indicator(managed, [a, b])
    for quarter, count in enumerate((500, 520, 530), start=1):
        make_value(a_managed, period_code=f"2024Q{quarter}", value=count)
    make_value(b_managed, period_code="2024H1", value=300)
    make_value(b_managed, period_code="2024H2", value=310)

    result = rollup(managed, 2024)

    assert [row.figure.value for row in result.rows] == [Decimal(530), Decimal(310)]
    assert result.total.value == Decimal(840)  # not 500+520+530+300+310


def test_rate_over_quarters_takes_the_latest_quarter(province, province_rate):
    (a,) = make_regions(province, 1)
    (a_rate,) = cascaded_indicator(province_rate, [a])
    make_value(a_rate, period_code="2024Q1", numerator=50, denominator=100)
    make_value(a_rate, period_code="2024Q2", numerator=90, denominator=120)

    figure = rollup(province_rate, 2024).rows[0].figure

    assert (figure.numerator, figure.denominator, figure.value) == (Decimal(90), Decimal(120), Decimal("75.00"))


def test_per_100k_from_summed_counts_and_population(province, province_plan, province_dept):
    doctors = _indicator(province_plan, province_dept, name="每10万人口精神科执业（助理）医师数", unit_kind=Indicator.UnitKind.PER_100K,
                         unit_label="名/10万人口", baseline_value=Decimal("3.0"), target_value=Decimal("3.8"), annual=None)
    a, b = make_regions(province, 2)
    a_doc, b_doc = cascaded_indicator(doctors, [a, b])
    make_value(a_doc, numerator=400, denominator=10_000_000)  # 4.00 per 100k
    make_value(b_doc, numerator=20, denominator=1_000_000)  # 2.00 per 100k

    result = rollup(doctors, 2024)

    assert result.total.value == Decimal("3.82")  # 420 / 11 000 000 × 100 000, not (4 + 2) / 2 = 3
    assert result.total.denominator == Decimal(11_000_000)


def test_one_to_n_from_summed_parts(province, province_plan, province_dept):
    ratio = _indicator(province_plan, province_dept, name="精防人员与在册患者比", unit_kind=Indicator.UnitKind.RATIO, unit_label="",
                       baseline_value=None, target_value=Decimal(100), comparison=Indicator.Comparison.GTE, annual=None)  # ≥1:100
    a, b = make_regions(province, 2)
    a_ratio, b_ratio = cascaded_indicator(ratio, [a, b])
    make_value(a_ratio, numerator=10, denominator=500)  # 1:50
    make_value(b_ratio, numerator=2, denominator=400)  # 1:200

    result = rollup(ratio, 2024)

    assert [row.figure.value for row in result.rows] == [Decimal(50), Decimal(200)]
    assert result.total.value == Decimal(75)  # 900 / 12, not (50 + 200) / 2 = 125
    assert result.total_state == MET


@pytest.mark.parametrize("kind", [Indicator.UnitKind.YES_NO, Indicator.UnitKind.QUALITATIVE])
def test_yes_no_and_qualitative_do_not_aggregate(province, province_plan, province_dept, kind):
    qualitative = kind == Indicator.UnitKind.QUALITATIVE
    item = _indicator(province_plan, province_dept, name="建立联席会议制度", unit_kind=kind, unit_label="", baseline_value=None,
                      target_value=None if qualitative else Decimal(1), comparison=Indicator.Comparison.EQ,
                      target_text="建立" if qualitative else "", annual=None)
    a, b = make_regions(province, 2)
    a_item, b_item = cascaded_indicator(item, [a, b])
    if qualitative:
        make_value(a_item, text="已建立").__class__.objects.filter(indicator=a_item).update(supervisor_judgement=IndicatorValue.Judgement.MET)
        make_value(b_item, text="未建立")
    else:
        make_value(a_item, value=1)
        make_value(b_item, value=0)

    result = rollup(item, 2024)

    assert result.total.value is None and not result.total.complete
    assert result.total_state == NO_DATA
    assert [row.own for row in result.rows] == [True, True]
    if qualitative:
        assert [row.figure.text for row in result.rows] == ["已建立", "未建立"]
        assert [row.state for row in result.rows] == [MET, NO_DATA]
    else:
        assert [row.state for row in result.rows] == [MET, AT_RISK]  # "no" before the target year


def test_a_region_without_its_own_value_is_rolled_up_from_its_counties(province, province_rate):
    reported, silent = make_regions(province, 2)
    reported_rate, silent_rate = cascaded_indicator(province_rate, [reported, silent])
    county_1, county_2 = make_regions(silent, 2, prefix="县")
    c1, c2 = cascaded_indicator(silent_rate, [county_1, county_2])
    make_value(c1, numerator=920, denominator=1000)
    make_value(c2, numerator=48, denominator=100)
    make_value(reported_rate, numerator=85, denominator=100)
    county_3, county_4 = make_regions(reported, 2, prefix="区")
    c3, _c4 = cascaded_indicator(reported_rate, [county_3, county_4])
    make_value(c3, numerator=60, denominator=100)

    result = rollup(province_rate, 2024)
    by_region = {row.region: row for row in result.rows}

    assert by_region[silent].own is False
    assert by_region[silent].figure.value == Decimal("88.00")
    assert by_region[silent].reported.is_empty
    assert by_region[reported].own is True
    assert by_region[reported].figure.value == Decimal("85.00")
    assert by_region[reported].rolled_up.value == Decimal("60.00")
    assert by_region[reported].differs
    assert not by_region[silent].differs
    # the province: 85 of 100 (its own figure wins) plus 968 of 1 100 from the silent prefecture's counties
    assert (result.total.numerator, result.total.denominator) == (Decimal(1053), Decimal(1200))
    assert result.total.value == Decimal("87.75")


def test_each_region_is_measured_against_its_own_target(province, province_rate):
    east, west = make_regions(province, 2)
    east_rate, west_rate = cascaded_indicator(province_rate, [east, west], targets={east: {2024: 78}, west: {2024: 70}})
    make_value(east_rate, numerator=77, denominator=100)
    make_value(west_rate, numerator=75, denominator=100)

    result = rollup(province_rate, 2024)

    assert [row.target for row in result.rows] == [Decimal(78), Decimal(70)]
    assert [row.state for row in result.rows] == [AT_RISK, MET]  # west's 75 % meets its own 70 %
    assert result.target == Decimal(79)
    assert result.total.value == Decimal(76)
    assert result.total_state == AT_RISK  # 76 % against the province's own 79 %


def test_values_not_approved_do_not_count_unless_asked(province, province_rate):
    (a,) = make_regions(province, 1)
    (a_rate,) = cascaded_indicator(province_rate, [a])
    make_value(a_rate, numerator=9, denominator=10, status=IndicatorValue.Status.SUBMITTED)

    assert rollup(province_rate, 2024).total.is_empty
    assert rollup(province_rate, 2024, statuses=["approved", "submitted"]).total.value == Decimal("90.00")


def test_a_fraction_part_without_numerator_makes_the_total_unknown(province, province_rate):
    a, b = make_regions(province, 2)
    a_rate, b_rate = cascaded_indicator(province_rate, [a, b])
    make_value(a_rate, numerator=9, denominator=10)
    make_value(b_rate, value=80)  # a bare rate: cannot be weighed

    result = rollup(province_rate, 2024)

    assert result.total.value is None and not result.total.complete
    assert result.total_state == NO_DATA


def test_combine_and_across_periods_directly(province_rate):
    flow = Indicator(unit_kind=Indicator.UnitKind.COUNT)
    figures = [Figure(value=Decimal(3), regions=1, periods=("2024Q1",)), Figure(value=Decimal(4), regions=1, periods=("2024Q2",))]
    assert combine(flow, figures).value == Decimal(7)
    assert across_periods(flow, figures).value == Decimal(7)
    assert across_periods(flow, figures).regions == 1
    stock = Indicator(unit_kind=Indicator.UnitKind.COUNT, aggregation=Indicator.Aggregation.STOCK)
    assert across_periods(stock, figures).value == Decimal(4)
    assert combine(stock, []).is_empty
