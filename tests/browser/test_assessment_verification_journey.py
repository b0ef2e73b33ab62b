"""Issue 19 journey: the province samples a prefecture (抽查), records a discrepancy, the prefecture
responds once, the province computes and signs off; the ranking and the export show the verified
value, the deduction, the version and the freeze time."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from assessment import services
from assessment.models import SampledItem
from tests.assessment.conftest import build_world, indicator_scheme
from tests.browser.conftest import confirm, log_in
from tests.factories import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    page.locator("form[action$='logout/'] button").click()
    expect(page.locator("#id_username")).to_be_visible()


def test_sample_discrepancy_response_sign_off_and_export(page):
    w = build_world(2)
    wuhan, huangshi = (p.region for p in w.prefectures)
    w.value(w.prefectures[0], 90)
    w.value(w.prefectures[1], 84)
    boss = make_supervisor("province-supervisor", region=w.province)
    make_supervisor("supervisor-wuhan", region=wuhan)
    scheme = indicator_scheme(w, boss)
    services.scheme_settings(scheme=scheme, discrepancy_points="2", user=boss)
    services.compute(scheme=scheme, user=boss)

    # 1. The province draws 武汉市's sample and records a discrepancy on its reported value.
    log_in(page, "province-supervisor")
    page.goto(f"/assessments/{scheme.pk}/")
    expect(page.locator("#ranking-table tbody tr").first).to_contain_text("武汉市")
    page.goto(f"/assessments/{scheme.pk}/prefectures/{wuhan.pk}/")
    page.fill("#id_reports_each", "1")
    page.fill("#id_files_each", "0")
    page.fill("#id_seed", "2024")
    page.click("#draw-sample")
    expect(page.locator("#sample-seed")).to_contain_text("2024")
    item = page.locator("#sampled-items li[data-sampled]").first
    item.locator("select[name=status]").select_option("discrepancy")
    item.locator("input[name=corrected_value]").fill("70")
    item.locator("input[name=note]").fill("抽查患者档案，部分随访记录缺失")
    item.locator("[data-check]").click()
    expect(page.locator("#sampled-items li[data-sampled]").first).to_have_attribute("data-state", "discrepancy")
    log_out(page)

    # 2. 武汉市 sees its sample (not 黄石市's) and responds once.
    log_in(page, "supervisor-wuhan")
    page.goto("/assessments/mine/")
    page.locator("#my-assessments a").first.click()
    entry = page.locator("#sampled-items li[data-sampled]").first
    expect(entry).to_contain_text("抽查患者档案")
    entry.locator("textarea[name=response]").fill("乡镇卫生院未及时录入，已督促补录")
    entry.locator("[data-respond]").click()
    expect(page.locator("[data-response]")).to_contain_text("已督促补录")
    expect(page.locator("[data-respond]")).to_have_count(0)  # once only
    response = page.goto(f"/assessments/{scheme.pk}/prefectures/{huangshi.pk}/")
    assert response.status == 404
    log_out(page)

    # 3. The province computes again and signs off: 武汉市 drops below 黄石市.
    log_in(page, "province-supervisor")
    page.goto(f"/assessments/{scheme.pk}/")
    page.click("#compute")
    first = page.locator("#ranking-table tbody tr").first
    expect(first).to_contain_text("黄石市")
    wuhan_row = page.locator(f"#ranking-table tr[data-region='{wuhan.pk}']")
    expect(wuhan_row.locator("[data-discrepancies]")).to_have_attribute("data-discrepancies", "1")
    expect(wuhan_row).to_contain_text("85.50")  # 70 ÷ 80 × 100 = 87.50, − 2 for the discrepancy
    page.locator("#id_confirm").check()
    page.click("#sign-off")
    confirm(page)
    expect(page.locator("#signed-off")).to_be_visible()

    # 4. The export carries it, with the version and the freeze time.
    with page.expect_download() as download:
        page.click("#download")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    ranking = list(book.worksheets[0].iter_rows(values_only=True))
    assert [row[1] for row in ranking[1:]] == ["黄石市", "武汉市"]
    assert Decimal(str(ranking[2][2])) == Decimal("85.5") and ranking[2][6] == 2  # total, verification deduction
    assert ranking[2][-2] == 1 and ranking[2][-1] != ""
    breakdown = list(book.worksheets[1].iter_rows(values_only=True))
    wuhan_line = next(row for row in breakdown if row[0] == "武汉市")
    assert (Decimal(str(wuhan_line[5])), Decimal(str(wuhan_line[6]))) == (Decimal(70), Decimal(90))  # verified, reported
    assert SampledItem.objects.get(status="discrepancy").responded_at is not None

    # 5. At 375 px the pages scroll their tables inside themselves, never the page sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    for url in (f"/assessments/{scheme.pk}/", f"/assessments/{scheme.pk}/prefectures/{wuhan.pk}/", f"/assessments/{scheme.pk}/edit/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, url
