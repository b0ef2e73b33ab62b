"""Journey on a phone (375 px): a liaison finds the report in their inbox, writes it, attaches the
evidence and submits it — the whole job, without the page ever scrolling sideways."""

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from tasks import progress
from tasks.models import KeyTask
from tests.browser.conftest import confirm

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def fits(page) -> None:
    """Nothing wider than the phone: the page never scrolls sideways."""
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{page.url} is {width[0]} px wide on a {width[1]} px phone"


def beside_its_label(cell) -> None:
    """A cell of a card: every line of what it holds starts right of its label, none under it."""
    offsets = cell.evaluate("""td => {
      const left = td.getBoundingClientRect().left, lines = [];
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const box of range.getClientRects()) if (box.width > 1) lines.push(box.left - left);
      }
      return {lines, width: td.getBoundingClientRect().width};
    }""")
    assert len(offsets["lines"]) >= 2, "the value fits one line: nothing to check"
    assert min(offsets["lines"]) >= 0.3 * offsets["width"], offsets


def within_reach(page, locator) -> None:
    """The control is on the screen's width (scrolling down reaches it; nothing to the side)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["height"] >= 30, f"too small to tap: {box}"


def test_a_liaison_reports_with_evidence_on_a_phone(phone):
    page = phone
    summary = seed_demo()
    task = KeyTask.objects.get(plan=summary.plan, title="严重精神障碍患者信息审核与分析报告")
    period = progress.reporting_period(plan=summary.plan, cadence="quarterly", year=2025, number=4)
    progress.report_open(task=task, period=period, department=task.primary_lead)
    title = f"{task.code} {task.title}"

    page.goto("/accounts/login/")
    fits(page)
    page.fill("#id_username", "liaison-wsjkw")
    page.fill("#id_password", "demo1234")
    page.click("form button[type=submit]")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    fits(page)

    # The menu opens behind its button; the inbox lists the work as cards, the filters folded away.
    page.click(".navbar-toggler")
    page.click("#nav-inbox")
    expect(page.locator("#work-table")).to_be_attached()  # the inbox has loaded (measure it, not the old page)
    fits(page)
    expect(page.locator("#work-filter")).to_be_hidden()
    within_reach(page, page.locator(".filter-toggle"))
    page.click(".filter-toggle")
    expect(page.locator("#work-filter")).to_be_visible()
    fits(page)
    link = page.locator("#work-table").get_by_role("link", name=title).first
    within_reach(page, link)
    assert link.bounding_box()["width"] > 150, "the task's title is squeezed"
    beside_its_label(link.locator("xpath=ancestor::td[1]"))  # a long title wraps beside its label
    row = page.locator("#work-table tbody tr").filter(has_text=task.title).first
    expect(row.locator("[data-overdue]")).to_be_visible()  # the key columns show, each labelled
    expect(row.locator("td[data-label='截止日期']")).to_be_visible()
    link.click()
    expect(page.locator("#id_percent_complete")).to_be_visible()  # the report page has loaded
    fits(page)

    # The report form is one column; typing, attaching and submitting are all within reach.
    page.fill("#id_percent_complete", "60")
    page.fill("#id_achievements", "完成第四季度患者信息审核，形成分析报告。")
    field = page.locator("#id_achievements").bounding_box()
    assert field["width"] > PHONE["width"] * 0.7, "the form is not one column"
    page.set_input_files(
        "#evidence-upload input[type=file]",
        files=[{"name": "第四季度工作报告.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    upload = page.locator("#evidence-upload").get_by_role("button", name="上传")
    within_reach(page, upload)
    upload.click()
    expect(page.locator("#evidence-table")).to_contain_text("第四季度工作报告.pdf")
    fits(page)
    expect(page.locator("#id_achievements")).to_have_value("完成第四季度患者信息审核，形成分析报告。")
    submit = page.get_by_role("button", name="报送审核")
    within_reach(page, submit)
    submit.click()
    confirm(page)
    expect(page.locator("#report-status")).to_have_text("已报送")
    fits(page)
