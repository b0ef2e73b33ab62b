"""Per-region annual targets of a cascaded indicator (region × year): the grid, the sheet with its
preview, bad input refused with nothing changed, the audit trail and who may set them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from indicators import region_targets
from indicators.attainment import MET, NOT_MET
from indicators.forms import target_field_name
from indicators.models import AnnualIndicatorTarget
from indicators.rollup import rollup
from tests.factories import make_administrator, make_evaluator, make_supervisor
from tests.indicators.conftest import cascaded_indicator, make_regions, make_value
from tests.tasks.sheets import xlsx

pytestmark = pytest.mark.django_db
YEARS = range(2021, 2026)


@pytest.fixture
def province_supervisor(province):
    return make_supervisor("province-supervisor", region=province)


@pytest.fixture
def prefectures(province, province_rate):
    regions = make_regions(province, 3)
    return list(zip(regions, cascaded_indicator(province_rate, regions), strict=True))


def _grid_post(prefectures, overrides=None) -> dict:
    data = {}
    for _region, copy in prefectures:
        for year in YEARS:
            data[target_field_name(copy.pk, year)] = str(70 + year - 2021)
    data.update(overrides or {})
    return data


def _targets() -> list:
    return list(AnnualIndicatorTarget.objects.order_by("pk").values_list("indicator_id", "year", "value"))


def test_the_grid_shows_the_province_target_by_default(en_client, province_rate, prefectures, province_supervisor):
    AnnualIndicatorTarget.objects.filter(indicator=prefectures[0][1], year=2023).delete()  # not set: the province's shows
    en_client.force_login(province_supervisor)
    page = en_client.get(reverse("indicators:region_targets", args=[province_rate.pk])).content.decode()
    field = target_field_name(prefectures[0][1].pk, 2023)
    assert f'name="{field}" value="78"' in page
    assert page.count('data-region="') == 3


def test_setting_the_grid_changes_each_regions_targets_and_is_audited(client, province_rate, prefectures, province_supervisor):
    (east, east_rate), (middle, middle_rate), (west, west_rate) = prefectures
    client.force_login(province_supervisor)
    data = _grid_post(prefectures, {target_field_name(east_rate.pk, 2024): "90", target_field_name(east_rate.pk, 2025): "95"})

    response = client.post(reverse("indicators:region_targets", args=[province_rate.pk]), data)

    assert response.status_code == 302
    assert east_rate.annual_targets.get(year=2024).value == Decimal(90)
    assert west_rate.annual_targets.get(year=2022).value == Decimal(71)
    east_rate.refresh_from_db()
    assert east_rate.target_value == Decimal(95)  # the target year's target is the final target
    entry = AuditEntry.objects.for_object(province_rate).get(action="set_region_targets")
    assert entry.actor == province_supervisor
    assert entry.data["targets"][east.name]["2024"] == "90"
    # the region is now measured against its own target
    make_value(east_rate, numerator=85, denominator=100)
    make_value(west_rate, numerator=85, denominator=100)
    states = {row.region: row.state for row in rollup(province_rate, 2024).rows}
    assert states[west] == MET and states[east] != MET
    make_value(east_rate, year=2025, numerator=90, denominator=100)
    assert {row.region: row.state for row in rollup(province_rate, 2025).rows}[east] == NOT_MET  # 90 < its own 95


@pytest.mark.parametrize(("raw", "message"), [("", "target is missing"), ("-5", "cannot be negative"), ("abc", "is not a number"),
                                              ("120", "between 0 and 100")])
def test_a_bad_cell_changes_nothing(en_client, province_rate, prefectures, province_supervisor, raw, message):
    region, copy = prefectures[1]
    en_client.force_login(province_supervisor)
    before, audits = _targets(), AuditEntry.objects.count()

    response = en_client.post(reverse("indicators:region_targets", args=[province_rate.pk]),
                              _grid_post(prefectures, {target_field_name(copy.pk, 2024): raw}))

    assert response.status_code == 400
    page = response.content.decode()
    assert f"{region.name} 2024" in page and message in page
    assert _targets() == before and AuditEntry.objects.count() == audits


def test_who_may_set_targets(client, province, province_rate, prefectures):
    url = reverse("indicators:region_targets", args=[province_rate.pk])
    client.force_login(make_administrator("province-admin", region=province))  # tasks.change_annualtarget
    assert client.get(url).status_code == 200
    client.force_login(make_evaluator("province-evaluator", region=province))
    assert client.get(url).status_code == 403
    client.force_login(make_supervisor("prefecture-supervisor", region=prefectures[0][0]))
    assert client.get(url).status_code == 404  # the province plan is out of its scope
    with pytest.raises(PermissionDenied):
        region_targets.region_targets_set(indicator=province_rate, values={}, actor=make_evaluator("e2", region=province))


def test_the_service_lists_every_missing_cell(province_rate, prefectures, province_supervisor):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        region_targets.region_targets_set(indicator=province_rate, values={}, actor=province_supervisor)
    assert len(caught.value.messages) == 3 * 5


# --- the sheet ------------------------------------------------------------------------------


def _upload(client, indicator, rows):
    data = xlsx(rows)
    return client.post(reverse("indicators:region_targets_upload", args=[indicator.pk]),
                       {"file": SimpleUploadedFile("targets.xlsx", data)})


def test_a_sheet_fills_the_grid_for_checking_and_changes_nothing_until_confirmed(en_client, province_rate, prefectures, province_supervisor):
    (east, east_rate), (middle, middle_rate), _west = prefectures
    en_client.force_login(province_supervisor)
    before = _targets()
    rows = [["地区", "代码", "2024年", "2025年"], [east.name, east.code, 88, 92], ["", middle.code, 81.5, 85]]

    response = _upload(en_client, province_rate, rows)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="target-preview"' in page
    assert f'name="{target_field_name(east_rate.pk, 2024)}" value="88"' in page
    assert f'name="{target_field_name(middle_rate.pk, 2024)}" value="81.5"' in page  # matched by its code
    assert f'name="{target_field_name(east_rate.pk, 2022)}" value="77"' in page  # years left out keep theirs
    assert _targets() == before


def test_the_downloaded_grid_reads_back(client, province_rate, prefectures, province_supervisor):
    import io

    from openpyxl import load_workbook

    client.force_login(province_supervisor)
    response = client.get(reverse("indicators:region_targets_sheet", args=[province_rate.pk]))
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[0][1:] == ["代码", "2021年", "2022年", "2023年", "2024年", "2025年"]
    assert len(rows) == 4
    rows[1][5] = 99
    response = _upload(client, province_rate, rows)
    assert response.status_code == 200
    assert f'name="{target_field_name(prefectures[0][1].pk, 2024)}" value="99"' in response.content.decode()


@pytest.mark.parametrize(
    ("row", "message"),
    [(["无此市", "", 80], "is not one this indicator was assigned to"), (["市01", "", -3], "cannot be negative"),
     (["市01", "", None], "target is missing")],
)
def test_sheet_problems_are_listed_by_row_and_change_nothing(en_client, province_rate, prefectures, province_supervisor, row, message):
    en_client.force_login(province_supervisor)
    before = _targets()
    response = _upload(en_client, province_rate, [["地区", "代码", "2024年"], row])
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 2" in page and message in page
    assert 'id="target-problems"' in page
    assert _targets() == before


def test_a_sheet_without_a_header(en_client, province_rate, prefectures, province_supervisor):
    en_client.force_login(province_supervisor)
    response = _upload(en_client, province_rate, [["甲", "乙"], [1, 2]])
    assert response.status_code == 400
    assert "No header row found" in response.content.decode()
