"""Journey (issue 12): on a phone, an administrator uploads a GBK CSV task table with a two-row
header and a cell the reader is unsure how to split, corrects the split in the preview, and imports."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tasks.models import KeyTask
from tests.browser.conftest import log_in
from tests.factories import DepartmentFactory, ProvinceFactory, RegionFactory, make_administrator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_admin_corrects_a_split_in_the_preview_and_imports(page):
    province = ProvinceFactory()
    city = RegionFactory(parent=province, name="武汉市", code="420100")
    DepartmentFactory(region=city, code="wsjkw", name="武汉市卫生健康委员会", short_name="市卫生健康委")
    DepartmentFactory(region=city, code="mzj", name="武汉市民政局", short_name="市民政局")
    DepartmentFactory(region=city, code="czj", name="武汉市财政局", short_name="市财政局")
    make_administrator("wuhan-admin", region=city)
    rows = [
        ["武汉市任务分工表", "", "", "", ""],
        ["序号", "重点任务", "责任单位", "", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "建立协调机制", "市 卫生健康委", "市民政局市财政局", "试点验收前"],
    ]
    data = "\r\n".join(",".join(r) for r in rows).encode("gbk")

    log_in(page, "wuhan-admin")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/plans/import/")
    page.set_input_files("#id_file", {"name": "分工表.csv", "mimeType": "text/csv", "buffer": data})
    page.fill("#id_title", "武汉市规划")
    page.select_option("#id_region", str(city.pk))
    page.fill("#id_start_year", "2021")
    page.fill("#id_end_year", "2025")
    page.click("#import-form button[type=submit]")

    expect(page.locator("#preview-table")).to_contain_text("市卫生健康委")
    expect(page.locator("#preview-table .deadline-undated")).to_contain_text("")
    expect(page.locator("#preview-table")).to_contain_text("试点验收前")
    cooperating = page.locator("#preview-table tbody tr td").nth(5)
    cooperating.locator("summary").click()
    cooperating.locator("textarea").fill("市民政局\n市财政局")
    cooperating.get_by_role("button").click()
    expect(page.locator("#split-corrections")).to_contain_text("市民政局 | 市财政局")
    if os.environ.get("BROWSER_ARTIFACTS"):
        Path(os.environ["BROWSER_ARTIFACTS"]).mkdir(exist_ok=True)
        page.screenshot(path=str(Path(os.environ["BROWSER_ARTIFACTS"]) / "plan-import-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
    page.click("#confirm-import")

    task = KeyTask.objects.prefetch_related("task_departments__department").get()
    assert [d.short_name for d in task.lead_departments] == ["市卫生健康委"]
    assert [d.short_name for d in task.cooperating_departments] == ["市民政局", "市财政局"]
    assert task.deadline_undated
