"""Journey: a prefecture's administrator adds a county and a department on the region pages, is
refused a second supervising department, loads counties from a GBK CSV sheet (a bad sheet first:
problems, nothing saved), and sees them in the tree — also on a phone."""

import pytest
from playwright.sync_api import expect

from tasks.models import Region
from tests.browser.conftest import confirm, log_in
from tests.factories import ProvinceFactory, RegionFactory, make_administrator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csv_file(rows):
    return {"name": "区划.csv", "mimeType": "text/csv", "buffer": "\r\n".join(",".join(r) for r in rows).encode("gbk")}


def test_prefecture_admin_manages_regions_departments_and_loads_a_sheet(page):
    province = ProvinceFactory()
    wuhan = RegionFactory(parent=province, name="武汉市", code="420100")
    RegionFactory(parent=province, name="黄石市", code="420200")
    make_administrator("wuhan-admin", region=wuhan)

    log_in(page, "wuhan-admin")
    page.click("#nav-more")
    page.click("#nav-regions")
    expect(page.locator("#region-tree")).to_contain_text("武汉市")
    expect(page.locator("#region-tree")).not_to_contain_text("黄石市")

    # A county below the prefecture: the level follows from the parent.
    page.locator("#region-tree").get_by_role("link", name="武汉市").click()
    page.click("#add-child")
    page.fill("#id_name", "江岸区")
    page.fill("#id_code", "420102")
    page.click("#save")
    expect(page.locator("#region-name")).to_contain_text("江岸区")
    assert Region.objects.get(code="420102").level == Region.Level.COUNTY

    # Its supervising department, then a second one refused with a message.
    page.click("#add-department")
    page.fill("#id_name", "江岸区卫生健康局")
    page.fill("#id_short_name", "区卫健局")
    page.check("#id_is_supervising")
    page.click("#save")
    expect(page.locator("#department-table")).to_contain_text("江岸区卫生健康局")
    page.click("#add-department")
    page.fill("#id_name", "江岸区疾控中心")
    page.check("#id_is_supervising")
    page.click("#save")
    expect(page.locator(".invalid-feedback")).to_contain_text("江岸区卫生健康局")

    # A sheet with a row under another prefecture: problems, nothing saved.
    page.click("#nav-more")
    page.click("#nav-regions")
    page.click("#import-regions")
    page.set_input_files("#id_file", files=[csv_file([["代码", "名称", "上级"], ["420103", "江汉区", "420100"], ["420202", "黄石港区", "420200"]])])
    page.click("#check-sheet")
    expect(page.locator("#import-problems")).to_be_visible()
    expect(page.locator("#confirm-import")).to_have_count(0)
    assert not Region.objects.filter(code="420103").exists()

    # The corrected sheet: preview, then confirm.
    page.goto("/regions/import/")
    page.set_input_files("#id_file", files=[csv_file([["区划代码", "区划名称", "上级名称"], ["420103", "江汉区", "武汉市"], ["420104", "硚口区", ""]])])
    page.click("#check-sheet")
    expect(page.locator("#preview-table")).to_contain_text("硚口区")
    assert not Region.objects.filter(code="420104").exists()
    page.click("#confirm-import")
    confirm(page)
    expect(page.locator("#region-tree")).to_contain_text("江汉区")
    expect(page.locator("#region-tree")).to_contain_text("硚口区")
    assert Region.objects.get(code="420104").parent == wuhan

    # On a phone the tree fits the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
