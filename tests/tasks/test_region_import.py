"""Loading regions from a sheet (代码 · 名称 · 上级): GBK CSV, .xlsx with a cover row and a two-row
header, old .xls; a preview with problems per row; nothing written until confirmed, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from tasks.models import Region
from tasks.regions import read_region_sheet, regions_import
from tests.factories import ProvinceFactory, RegionFactory, make_administrator
from tests.tasks.sheets import xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return ProvinceFactory()


@pytest.fixture
def wuhan(province):
    return RegionFactory(parent=province, name="武汉市", code="420100")


@pytest.fixture
def huangshi(province):
    return RegionFactory(parent=province, name="黄石市", code="420200")


@pytest.fixture
def wuhan_admin(wuhan):
    return make_administrator("wuhan-admin", region=wuhan)


def gbk_csv(rows: list[list[str]]) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode("gbk")


def test_a_gbk_csv_creates_counties_under_their_prefecture(wuhan_admin, wuhan):
    data = gbk_csv([["行政区划代码", "名称", "上级代码"], ["420102", "江岸区", "420100"], ["420103", "江汉区", "420100"]])
    result = regions_import(data=data, filename="regions.csv", actor=wuhan_admin)
    assert result.applied and not result.problems
    assert result.created == 2
    jiangan = Region.objects.get(code="420102")
    assert (jiangan.name, jiangan.level, jiangan.parent) == ("江岸区", Region.Level.COUNTY, wuhan)
    assert jiangan.path.startswith(wuhan.path)


def test_an_xlsx_with_a_cover_row_and_a_two_row_header(province):
    data = xlsx(
        [
            ["湖北省行政区划表（2024年）", None, None, None],
            ["行政区划", None, "上级区划", "级别"],
            ["代码", "名称", "名称", None],
            ["420500", "宜昌市", "湖北省", "市州"],
            ["420502", "西陵区", "宜昌市", None],
            ["420503", "伍家岗区", "", None],
        ],
        merges=["A1:D1", "A2:B2", "D2:D3"],
    )
    sheet = read_region_sheet(data, "regions.xlsx")
    assert sheet.title == "湖北省行政区划表（2024年）"
    assert [r.row for r in sheet.rows] == [4, 5, 6]
    result = regions_import(data=data, filename="regions.xlsx", actor=None)
    assert not result.problems, [str(p) for p in result.problems]
    yichang = Region.objects.get(code="420500")
    assert yichang.parent == province and yichang.level == Region.Level.PREFECTURE
    assert Region.objects.get(code="420502").parent == yichang
    assert Region.objects.get(code="420503").parent == yichang  # empty 上级: the region its code belongs to


def test_names_are_kept_verbatim_and_an_existing_code_is_updated(wuhan_admin, wuhan):
    county = Region.objects.create(parent=wuhan, name="江岸", code="420102", level=Region.Level.COUNTY)
    data = gbk_csv([["代码", "名称", "上级"], ["420102", "江岸区（主城区）", "武汉市"]])
    result = regions_import(data=data, filename="r.csv", actor=wuhan_admin)
    assert result.updated == 1 and result.created == 0
    county.refresh_from_db()
    assert county.name == "江岸区（主城区）"


def test_levels_come_from_the_code_pattern_without_parent_or_level_column():
    data = gbk_csv([["代码", "名称", "上级"], ["420000", "湖北省", ""], ["420100", "武汉市", ""], ["420102", "江岸区", ""]])
    result = regions_import(data=data, filename="r.csv", actor=None)
    assert not result.problems
    levels = {r.code: r.level for r in Region.objects.all()}
    assert levels == {"420000": "province", "420100": "prefecture", "420102": "county"}


def test_the_preview_lists_problems_per_row_and_applies_nothing(wuhan_admin, wuhan, huangshi):
    data = gbk_csv(
        [
            ["代码", "名称", "上级", "级别"],
            ["420102", "江岸区", "420100", "县区"],
            ["420202", "黄石港区", "420200", "县区"],  # under another prefecture
            ["420103", "江汉区", "429999", "县区"],  # unknown parent
            ["420104", "某市", "420102", "市州"],  # a prefecture under a county
            ["420102", "重复区", "420100", "县区"],  # duplicate code
            ["4201", "坏代码区", "420100", "县区"],  # bad code
        ]
    )
    before = Region.objects.count()
    with translation.override("en"):
        result = regions_import(data=data, filename="r.csv", actor=wuhan_admin, dry_run=True)
    by_row = {r.row: [str(p.message) for p in r.problems] for r in result.rows}
    assert by_row[2] == []
    assert any("outside the regions you administer" in m for m in by_row[3])
    assert any("neither in the sheet nor in the system" in m for m in by_row[4])
    assert any("cannot have a Prefecture under it" in m for m in by_row[5])
    assert any("also on row 2" in m for m in by_row[6])
    assert any("is not 6 digits" in m for m in by_row[7])
    assert not result.applied
    assert Region.objects.count() == before
    # Without the dry run: still nothing, all or nothing.
    result = regions_import(data=data, filename="r.csv", actor=wuhan_admin)
    assert not result.applied and Region.objects.count() == before


def test_the_upload_preview_and_confirm_pages(client, wuhan_admin, wuhan):
    client.force_login(wuhan_admin)
    upload = io.BytesIO(gbk_csv([["区划代码", "区划名称", "上级名称"], ["420102", "江岸区", "武汉市"], ["420102001", "大智街道", "江岸区"]]))
    upload.name = "regions.csv"
    response = client.post(reverse("tasks:region_import"), {"file": upload, "under": ""})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "江岸区" in html and "大智街道" in html and 'id="confirm-import"' in html
    assert not Region.objects.filter(code="420102").exists()  # nothing yet
    confirm_url = response["Location"] + "confirm/"
    assert client.post(confirm_url).status_code == 302
    township = Region.objects.get(code="420102001")
    assert township.level == Region.Level.TOWNSHIP and township.parent.code == "420102"
    assert client.post(confirm_url).status_code == 404  # used up


def test_the_preview_of_a_bad_sheet_offers_no_confirmation(client, wuhan_admin, wuhan, huangshi):
    client.force_login(wuhan_admin)
    upload = io.BytesIO(gbk_csv([["代码", "名称", "上级"], ["420202", "黄石港区", "420200"]]))
    upload.name = "regions.csv"
    response = client.post(reverse("tasks:region_import"), {"file": upload})
    preview = client.get(response["Location"])
    assert 'id="import-problems"' in preview.content.decode()
    assert 'id="confirm-import"' not in preview.content.decode()
    client.post(response["Location"] + "confirm/")
    assert not Region.objects.filter(code="420202").exists()


def test_another_admins_upload_is_not_found(client, wuhan_admin, wuhan):
    client.force_login(wuhan_admin)
    upload = io.BytesIO(gbk_csv([["代码", "名称", "上级"], ["420102", "江岸区", "420100"]]))
    upload.name = "regions.csv"
    location = client.post(reverse("tasks:region_import"), {"file": upload})["Location"]
    client.force_login(make_administrator("other-admin", region=wuhan))
    assert client.get(location).status_code == 404


def test_the_command_with_under_and_dry_run(tmp_path: Path, wuhan):
    path = tmp_path / "regions.csv"
    path.write_bytes(gbk_csv([["代码", "名称", "上级"], ["", "江岸区", ""], ["", "江汉区", ""]]))
    out = io.StringIO()
    call_command("import_regions", str(path), "--under", "420100", "--dry-run", stdout=out)
    assert not Region.objects.filter(name="江岸区").exists()
    call_command("import_regions", str(path), "--under", "420100", stdout=out)
    assert Region.objects.get(name="江岸区").parent == wuhan
    assert Region.objects.get(name="江汉区").level == Region.Level.COUNTY


def test_the_command_refuses_a_bad_sheet(tmp_path: Path, wuhan):
    path = tmp_path / "regions.csv"
    path.write_bytes(gbk_csv([["代码", "名称", "上级"], ["420102", "江岸区", "420999"]]))
    with pytest.raises(CommandError):
        call_command("import_regions", str(path))
    assert not Region.objects.filter(code="420102").exists()


def test_an_old_excel_file(province):
    data = (Path(__file__).parent / "fixtures" / "regions.xls").read_bytes()  # written by xlwt, numbers as floats
    result = regions_import(data=data, filename="regions.xls", actor=None)
    assert not result.problems, [str(p) for p in result.problems]
    xiangyang = Region.objects.get(code="420600")
    assert xiangyang.parent == province and xiangyang.name == "襄阳市"
    assert Region.objects.get(code="420602").parent == xiangyang
