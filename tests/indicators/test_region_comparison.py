"""The comparison of the prefectures per indicator (/indicators/<pk>/regions/): table, bar chart,
drill down, year picker, export; queries do not grow with the number of prefectures."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_supervisor
from tests.indicators.conftest import cascaded_indicator, make_regions, make_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_supervisor(province):
    return make_supervisor("province-supervisor", region=province)


def _two_prefectures(province, province_rate):
    big, small = make_regions(province, 2)
    big_rate, small_rate = cascaded_indicator(province_rate, [big, small], targets={small: {2024: 60}})
    make_value(big_rate, numerator=920, denominator=1000)
    make_value(small_rate, numerator=48, denominator=100)
    return (big, big_rate), (small, small_rate)


def test_the_table_shows_each_prefecture_and_the_province_roll_up(en_client, province, province_rate, province_supervisor):
    (big, big_rate), (small, small_rate) = _two_prefectures(province, province_rate)
    en_client.force_login(province_supervisor)

    response = en_client.get(reverse("indicators:region_comparison", args=[province_rate.pk]), {"year": 2024})

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{big_rate.get_absolute_url()}"' in page and f'href="{small_rate.get_absolute_url()}"' in page  # drill down
    assert "92%" in page and "48%" in page
    big_value = big_rate.values.get()
    assert f'<a href="{big_value.get_absolute_url()}">92%</a>' in page  # on to the value reported
    assert '<strong id="total-value">88%</strong>' in page  # 968 / 1 100, not the mean 70 %
    assert '<strong id="total-target">79%</strong>' in page
    assert "规范管理患者数" in page and "在册患者数" in page  # the parts' labels head the columns
    assert ">968<" in page and ">1100<" in page
    assert "60%" in page  # the small prefecture's own target
    assert "<svg" in page and "<script" not in page.split('id="comparison-chart"')[1].split("</div>")[0]
    assert 'option value="2023"' in page  # the year picker


def test_a_region_with_its_own_value_and_counties_shows_both(en_client, province, province_rate, province_supervisor):
    (big, big_rate), _small = _two_prefectures(province, province_rate)
    (county,) = make_regions(big, 1, prefix="县")
    (county_rate,) = cascaded_indicator(big_rate, [county])
    make_value(county_rate, numerator=6, denominator=10)
    en_client.force_login(province_supervisor)
    page = en_client.get(reverse("indicators:region_comparison", args=[province_rate.pk]), {"year": 2024}).content.decode()
    assert "Own value (the regions below roll up to 60%)" in page
    assert "differs from its regions" in page


def test_the_year_picker_and_a_year_without_values(en_client, province, province_rate, province_supervisor):
    _two_prefectures(province, province_rate)
    en_client.force_login(province_supervisor)
    page = en_client.get(reverse("indicators:region_comparison", args=[province_rate.pk]), {"year": 2023}).content.decode()
    assert "88%" not in page and "No value" in page


def test_the_detail_page_links_to_the_comparison_and_the_region_page_back(en_client, province, province_rate, province_supervisor):
    (big, big_rate), _small = _two_prefectures(province, province_rate)
    en_client.force_login(province_supervisor)
    page = en_client.get(province_rate.get_absolute_url()).content.decode()
    assert reverse("indicators:region_comparison", args=[province_rate.pk]) in page
    assert reverse("indicators:region_targets", args=[province_rate.pk]) in page
    page = en_client.get(big_rate.get_absolute_url()).content.decode()
    assert f'href="{province_rate.get_absolute_url()}" id="parent-indicator"' in page
    en_client.force_login(make_supervisor("prefecture-supervisor", region=big))
    page = en_client.get(big_rate.get_absolute_url()).content.decode()
    assert 'id="parent-indicator"' not in page  # the province's page is out of its scope


def test_a_prefecture_supervisor_cannot_see_the_province_comparison(client, province, province_rate):
    (big, _big_rate), _small = _two_prefectures(province, province_rate)
    client.force_login(make_supervisor("prefecture-supervisor", region=big))
    assert client.get(reverse("indicators:region_comparison", args=[province_rate.pk])).status_code == 404


def test_the_export_has_one_row_per_prefecture_and_the_total(client, province, province_rate, province_supervisor):
    _two_prefectures(province, province_rate)
    client.force_login(province_supervisor)
    response = client.get(reverse("indicators:region_comparison", args=[province_rate.pk]), {"year": 2024, "_export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 2 + 1
    assert rows[1][0] == "市01" and rows[1][2] == "92%"
    assert rows[3][2] == "88%"
    assert rows[3][3] == 968 and rows[3][4] == 1100


def _queries(client, indicator) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("indicators:region_comparison", args=[indicator.pk]), {"year": 2024})
    assert response.status_code == 200
    return len(captured)


def _fill(province_rate, prefectures):
    copies = cascaded_indicator(province_rate, prefectures)
    for n, copy in enumerate(copies):
        if n % 3 == 0:  # some report quarters, some the year, some nothing (rolled up from counties)
            make_value(copy, period_code="2024Q4", numerator=80 + n, denominator=100)
        elif n % 3 == 1:
            make_value(copy, numerator=70 + n, denominator=100)
        else:
            counties = make_regions(copy.plan.region, 2, prefix="县")
            for county_copy in cascaded_indicator(copy, counties):
                make_value(county_copy, numerator=50, denominator=100)


def test_queries_do_not_grow_with_the_number_of_prefectures(client, province, province_plan, province_dept, province_supervisor):
    from tests.indicators.conftest import make_indicator

    few_rate = make_indicator(province_plan, province_dept, code="1")
    many_rate = make_indicator(province_plan, province_dept, code="2", name="另一个率")
    prefectures = make_regions(province, 17)
    _fill(few_rate, prefectures[:3])
    _fill(many_rate, prefectures)
    client.force_login(province_supervisor)
    _queries(client, few_rate)  # warm up (sessions, caches)
    assert _queries(client, many_rate) == _queries(client, few_rate)


def test_a_qualitative_indicator_shows_each_regions_words_and_no_total(en_client, province, province_plan, province_dept, province_supervisor):
    from indicators.models import Indicator
    from tests.indicators.conftest import make_indicator

    meeting = make_indicator(province_plan, province_dept, code="9", name="联席会议制度", unit_kind=Indicator.UnitKind.QUALITATIVE,
                             unit_label="", baseline_value=None, target_value=None, target_text="建立", annual=None)
    a, b = make_regions(province, 2)
    a_meeting, _b_meeting = cascaded_indicator(meeting, [a, b])
    make_value(a_meeting, text="已建立并每季度召开")
    en_client.force_login(province_supervisor)
    response = en_client.get(reverse("indicators:region_comparison", args=[meeting.pk]), {"year": 2024})
    assert response.status_code == 200
    page = response.content.decode()
    assert "已建立并每季度召开" in page and "Does not aggregate" in page
    assert 'id="comparison-chart"' not in page


def test_with_the_cascade_service_targets_and_reported_parts(client, province, province_plan, province_rate, province_supervisor):
    """End to end through the services: 下达 to two prefectures, their own targets set in the grid,
    their liaisons report numerator and denominator, their supervisors approve: the province sees
    88 %, each prefecture against its own target."""
    from decimal import Decimal

    from indicators import services
    from indicators.cascade import cascade_indicators
    from indicators.forms import target_field_name
    from tests.factories import DepartmentFactory, make_liaison

    big, small = make_regions(province, 2)
    commissions = {r: DepartmentFactory(region=r, name=f"{r.name}卫生健康委员会", is_supervising=True) for r in (big, small)}
    cascade_indicators(plan=province_plan, indicators=[province_rate], regions=[big, small], actor=province_supervisor)
    copies = {copy.plan.region: copy for copy in province_rate.cascaded_indicators.select_related("plan__region")}
    client.force_login(province_supervisor)
    grid = {target_field_name(copies[r].pk, year): "80" for r in (big, small) for year in range(2021, 2026)}
    grid[target_field_name(copies[small].pk, 2024)] = "45"
    assert client.post(reverse("indicators:region_targets", args=[province_rate.pk]), grid).status_code == 302
    for region, (numerator, denominator) in ((big, (920, 1000)), (small, (48, 100))):
        liaison = make_liaison(commissions[region], f"liaison-{region.code}")
        record = services.value_save(user=liaison, indicator=copies[region], year=2024,
                                     data={"numerator": str(numerator), "denominator": str(denominator), "source": "年报"})
        record = services.value_submit(record=record, user=liaison)
        services.value_approve(record=record, user=make_supervisor(f"supervisor-{region.code}", region=region))

    page = client.get(reverse("indicators:region_comparison", args=[province_rate.pk]), {"year": 2024}).content.decode()

    assert '<strong id="total-value">88%</strong>' in page
    from indicators.rollup import rollup

    result = rollup(province_rate, 2024)
    assert result.total.value == Decimal("88.00")
    assert [(row.target, row.state) for row in result.rows] == [(Decimal(80), "met"), (Decimal(45), "met")]
