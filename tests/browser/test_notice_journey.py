"""Journey: a supervisor issues a supervision notice (督办单) from a task's page; the lead
department's liaison acknowledges it, uploads a file with the answer typed so far (kept as a
draft) and submits the answer; the supervisor accepts it with its file. In
Chinese. Elements are found by id and role, not by the text of strings still to be translated."""

import re

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from supervision.models import SupervisionNotice
from tasks.models import KeyTask
from tests.browser.conftest import confirm, log_in
from tests.supervision.notice_fixtures import process_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REQUIREMENTS = "请于规定时限内建立救助对象台账，报送社区康复服务覆盖情况及佐证材料。"
RESPONSE = "已建立救助对象台账，社区康复服务覆盖率达到55%，详见附件。"


def log_out(page):
    page.get_by_role("button", name="退出").click()
    expect(page.locator("#id_username")).to_be_visible()


def open_notice(page, reference: str):
    page.click("#nav-notices")
    page.locator("#notice-table").get_by_role("link", name=reference).click()
    expect(page.locator("#notice-reference")).to_have_text(reference)


def test_supervisor_issues_a_notice_liaison_acknowledges_and_responds_supervisor_accepts(page):
    summary = seed_demo()
    task = KeyTask.objects.get(plan=summary.plan, title="精神障碍患者救助与社区康复服务")
    assert task.primary_lead.name == "示范市民政局"

    # The supervisor issues a yellow notice from the task's page; the lead department is chosen.
    log_in(page, "supervisor")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    page.goto(task.get_absolute_url())
    page.click("#issue-notice")
    expect(page.locator("#id_department option:checked")).to_have_text("示范市民政局")
    page.check("#id_level_yellow")
    page.fill("#id_requirements", REQUIREMENTS)
    page.click("#issue-notice-submit")
    notice = SupervisionNotice.objects.get()
    expect(page.locator("#notice-reference")).to_have_text(notice.reference)
    assert re.fullmatch(r"督办〔\d{4}〕1号", notice.reference)
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "issued")
    expect(page.locator("#notice-level")).to_have_attribute("data-level", "yellow")
    expect(page.locator("#notice-level")).to_have_class(re.compile("text-bg-warning"))
    expect(page.locator("#notice-requirements")).to_have_text(REQUIREMENTS)
    log_out(page)

    # The liaison of 民政局 has been notified, finds the notice, acknowledges and responds with a file.
    log_in(page, "liaison-mzj")
    expect(page.locator("#unread-count")).to_have_text("1")
    open_notice(page, notice.reference)
    expect(page.locator("#notice-task")).to_contain_text(task.title)
    expect(page.locator("#respond-form")).to_have_count(0)
    page.click("#acknowledge-notice")
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "acknowledged")
    page.fill("#id_response", RESPONSE)
    page.set_input_files("#evidence-upload input[type=file]", files=[{"name": "救助台账.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("#upload-evidence")
    expect(page.locator("#evidence-table")).to_contain_text("救助台账.pdf")
    expect(page.locator("#id_response")).to_have_value(RESPONSE)  # the typed answer was saved with the upload
    page.click("#respond-notice")
    confirm(page)
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "responded")
    expect(page.locator("#notice-response")).to_have_text(RESPONSE)
    expect(page.locator("#evidence-table")).to_contain_text("救助台账.pdf")
    log_out(page)

    # The supervisor reads the response and accepts it: the notice is closed.
    log_in(page, "supervisor")
    open_notice(page, notice.reference)
    expect(page.locator("#notice-response")).to_have_text(RESPONSE)
    page.fill("#id_reason", "整改到位，同意办结。")
    page.check("#id_accept_files")  # the file is accepted with the answer
    page.click("#approve")
    expect(page.locator("#notice-status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#decision-form")).to_have_count(0)
    expect(page.locator("#timeline li")).to_have_count(4)  # issued, acknowledged, responded, accepted
    expect(page.locator("#timeline")).to_contain_text("整改到位，同意办结。")
    expect(page.locator("#timeline")).to_contain_text("王督导")  # who decided, by their Chinese name

    # The PDF is there for the record.
    with page.expect_download() as download:
        page.click("#notice-pdf")
    assert download.value.suggested_filename == f"{notice.reference}.pdf"

    notice.refresh_from_db()
    assert (notice.status, notice.acknowledged_by.username, notice.decided_by.username) == ("closed", "liaison-mzj", "supervisor")
    assert process_of(notice).status == "DONE"
