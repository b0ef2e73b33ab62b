"""Numerator and denominator of rates (issue 11, part 5): asked for, the value computed from them,
bad parts refused with a clear message and nothing changed; the indicator sheet's 分子/分母 columns."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import services
from indicators.models import Indicator, IndicatorValue
from indicators.services import indicators_import
from tests.indicators.conftest import make_indicator, snapshot
from tests.indicators.test_import import sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def managed(plan, dept_a):
    return make_indicator(plan, dept_a, numerator_label="规范管理患者数", denominator_label="在册患者数")


@pytest.fixture
def doctors(plan, dept_a):
    return make_indicator(plan, dept_a, code="4", name="每10万人口精神科医师数", unit_kind="per_100k", unit_label="名/10万人口",
                          target_value=4, baseline_value=3, annual=None)


def test_the_value_is_computed_from_numerator_and_denominator(managed, liaison_a):
    record = services.value_save(user=liaison_a, indicator=managed, year=2024,
                                 data={"numerator": "968", "denominator": "1,100", "value": "", "source": "年报"})
    assert (record.numerator, record.denominator, record.value) == (Decimal(968), Decimal(1100), Decimal("88.00"))
    record = services.value_save(user=liaison_a, record=record, data={"numerator": "2", "denominator": "3", "value": "66.67", "source": "年报"},
                                 version=record.version)
    record.refresh_from_db()
    assert record.value == Decimal("66.67")


def test_per_100k_and_ratio_values(doctors, plan, dept_a, liaison_a):
    record = services.value_save(user=liaison_a, indicator=doctors, year=2024, data={"numerator": "420", "denominator": "11000000"})
    assert record.value == Decimal("3.82")
    ratio = make_indicator(plan, dept_a, code="5", name="精防人员与患者比", unit_kind="ratio", unit_label="", target_value=100,
                           baseline_value=None, annual=None)
    record = services.value_save(user=liaison_a, indicator=ratio, year=2024, data={"numerator": "12", "denominator": "900"})
    assert record.value == Decimal(75)


def test_a_bare_value_still_works_and_clears_parts_it_contradicts(managed, liaison_a):
    record = services.value_save(user=liaison_a, indicator=managed, year=2024, data={"numerator": "9", "denominator": "10"})
    record = services.value_save(user=liaison_a, record=record, data={"value": "80"}, version=record.version)
    record.refresh_from_db()
    assert (record.value, record.numerator, record.denominator) == (Decimal(80), None, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"numerator": "120", "denominator": "100"}, "numerator", "cannot be larger than 在册患者数"),
        ({"numerator": "-1", "denominator": "100"}, "numerator", "规范管理患者数 cannot be negative"),
        ({"numerator": "1", "denominator": "-5"}, "denominator", "在册患者数 cannot be negative"),
        ({"numerator": "0", "denominator": "0"}, "denominator", "在册患者数 must be greater than zero"),
        ({"numerator": "5", "denominator": ""}, "denominator", "Enter both 规范管理患者数 and 在册患者数"),
        ({"numerator": "abc", "denominator": "10"}, "numerator", "is not a number"),
        ({"numerator": "90", "denominator": "100", "value": "70"}, "value", "does not agree with"),
    ],
)
def test_bad_parts_are_refused_and_change_nothing(managed, liaison_a, english, data, field, message):
    record = services.value_save(user=liaison_a, indicator=managed, year=2024, data={"numerator": "9", "denominator": "10", "source": "x"})
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        services.value_save(user=liaison_a, record=record, data={**data, "source": "y"}, version=record.version)
    assert field in caught.value.error_dict
    assert message in " ".join(caught.value.messages)
    assert snapshot() == before
    with pytest.raises(ValidationError):  # and a new value is not created either
        services.value_save(user=liaison_a, indicator=managed, year=2023, data=data)
    assert not IndicatorValue.objects.filter(year=2023).exists()


def test_a_zero_population_is_named_as_such(doctors, liaison_a, english):
    with pytest.raises(ValidationError) as caught:
        services.value_save(user=liaison_a, indicator=doctors, year=2024, data={"numerator": "0", "denominator": "0"})
    assert "The population must be greater than zero" in " ".join(caught.value.messages)


def test_the_form_asks_for_the_parts_by_their_labels(en_client, managed, liaison_a):
    en_client.force_login(liaison_a)
    page = en_client.get(managed.get_absolute_url()).content.decode()
    assert "规范管理患者数" in page and "在册患者数" in page and 'name="numerator"' in page
    response = en_client.post(reverse("indicators:value_new", args=[managed.pk]),
                              {"year": 2024, "numerator": "920", "denominator": "1000", "value": "", "source": "年报"})
    assert response.status_code == 302
    record = IndicatorValue.objects.get(indicator=managed)
    assert record.value == Decimal("92.00")
    page = en_client.get(record.get_absolute_url()).content.decode()
    assert 'value="920"' in page and 'value="1000"' in page
    response = en_client.post(reverse("indicators:value_edit", args=[record.pk]),
                              {"numerator": "1200", "denominator": "1000", "value": "", "source": "年报", "version": record.version})
    assert response.status_code == 400
    assert "cannot be larger than" in response.content.decode()
    record.refresh_from_db()
    assert record.numerator == Decimal(920)


def test_counts_keep_a_single_value(en_client, plan, dept_a, liaison_a):
    count = make_indicator(plan, dept_a, code="3", name="精神专科医院数", unit_kind="count", unit_label="个", target_value=20,
                           baseline_value=10, annual=None)
    en_client.force_login(liaison_a)
    page = en_client.get(count.get_absolute_url()).content.decode()
    assert 'name="value"' in page and 'name="numerator"' not in page
    record = services.value_save(user=liaison_a, indicator=count, year=2024, data={"value": "12", "numerator": "3", "denominator": "4"})
    assert (record.value, record.numerator, record.denominator) == (Decimal(12), None, None)


def test_the_sheet_reads_numerator_denominator_and_aggregation(plan, dept_a):
    header = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位", "分子", "分母", "汇总方式"]
    data = sheet(
        [1, "严重精神障碍患者规范管理率", "%", 75, 80, "约束性", "市卫生健康委", "规范管理患者数", "在册患者数", ""],
        [2, "在管患者数", "人", 1000, 1200, "预期性", "市卫生健康委", "", "", "存量"],
        header=header,
    )
    indicators_import(data=data, plan=plan)
    rate, stock = plan.indicators.order_by("position")
    assert (rate.numerator_label, rate.denominator_label, rate.aggregation_rule) == ("规范管理患者数", "在册患者数", "fraction")
    assert stock.aggregation == Indicator.Aggregation.STOCK


def test_the_sheet_refuses_an_unknown_aggregation(plan, dept_a):
    from tests.indicators.test_import import problems_of

    header = ["序号", "指标名称", "单位", "基期值", "目标值", "属性", "责任单位", "汇总方式"]
    problems = problems_of(sheet([1, "在管患者数", "人", 1000, 1200, "预期性", "市卫生健康委", "平均"], header=header), plan)
    assert any("汇总方式" in p and "平均" in p for p in problems)
