"""Journey: a liaison reports with a file; the supervisor returns it; the liaison revises;
the supervisor approves; the task page shows the whole timeline. All in Chinese."""

import datetime

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from tasks import progress
from tasks.models import KeyTask, ProgressReport
from tests.browser.conftest import confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def log_out(page):
    page.get_by_role("button", name="退出").click()
    expect(page.locator("#id_username")).to_be_visible()


def open_from(page, nav_id: str, task_title: str):
    page.click(nav_id)
    page.locator("#work-table").get_by_role("link", name=task_title).first.click()


def test_liaison_reports_supervisor_returns_liaison_revises_supervisor_approves(page):
    summary = seed_demo()
    task = KeyTask.objects.get(plan=summary.plan, title="严重精神障碍患者信息审核与分析报告")
    period = progress.reporting_period(plan=summary.plan, cadence="quarterly", year=2025, number=4)
    progress.report_open(task=task, period=period, department=task.primary_lead)
    title = f"{task.code} {task.title}"

    # The liaison types the report, then attaches a file: what was typed is not lost by the upload.
    log_in(page, "liaison-wsjkw")
    open_from(page, "#nav-inbox", title)
    page.fill("#id_percent_complete", "60")
    page.fill("#id_achievements", "完成第四季度患者信息审核，形成分析报告。")
    page.set_input_files("#evidence-upload input[type=file]", files=[{"name": "第四季度工作报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.locator("#evidence-upload").get_by_role("button", name="上传").click()
    expect(page.locator("#evidence-table")).to_contain_text("第四季度工作报告.pdf")
    expect(page.locator("#id_percent_complete")).to_have_value("60")
    expect(page.locator("#id_achievements")).to_have_value("完成第四季度患者信息审核，形成分析报告。")
    page.get_by_role("button", name="报送审核").click()
    confirm(page)
    expect(page.locator("#report-status")).to_have_text("已报送")
    log_out(page)

    # The supervisor returns it with a reason.
    log_in(page, "supervisor")
    open_from(page, "#nav-queue", title)
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator(".alert-danger, .invalid-feedback").first).to_contain_text("退回该报告的理由")
    page.fill("#id_reason", "请补充分析报告的正式文号。")
    page.get_by_role("button", name="退回修改").click()
    expect(page.locator("#report-status")).to_have_text("已退回")
    log_out(page)

    # The liaison sees why, revises and resubmits.
    log_in(page, "liaison-wsjkw")
    open_from(page, "#nav-inbox", title)
    expect(page.locator("#return-reason")).to_contain_text("请补充分析报告的正式文号")
    page.fill("#id_achievements", "完成第四季度患者信息审核，形成分析报告（示卫〔2025〕12号）。")
    page.get_by_role("button", name="报送审核").click()
    confirm(page)
    expect(page.locator("#report-status")).to_have_text("已报送")
    log_out(page)

    # The supervisor sees what changed and approves.
    log_in(page, "supervisor")
    open_from(page, "#nav-queue", title)
    expect(page.locator("#changes")).to_contain_text("示卫〔2025〕12号")
    page.get_by_role("button", name="审核通过").click()  # refused: the file is undecided
    expect(page.locator(".alert-danger").first).to_contain_text("第四季度工作报告.pdf")
    page.locator(".evidence-decision button[value=accept]").click()
    expect(page.locator("#evidence-table [data-review=accepted]")).to_have_count(1)
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("#report-status")).to_have_text("已通过")

    # The task page shows the progress and the timeline of every step.
    page.locator(".breadcrumb").get_by_role("link", name=title).click()
    expect(page.locator("#task-facts")).to_contain_text("60%")
    timeline = page.locator("#timeline")
    for text in ["已开启", "已报送", "已退回", "请补充分析报告的正式文号", "已通过", "进度已更新"]:
        expect(timeline).to_contain_text(text)
    report = ProgressReport.objects.get(task=task, period=period)
    assert report.status == "approved" and report.round == 2
    assert report.submissions.count() == 2
    assert report.is_late == (report.submitted_at.date() > datetime.date(2026, 1, 10))  # 2025Q4 was due then


def test_leaving_a_report_with_unsaved_changes_warns(page):
    summary = seed_demo()
    task = KeyTask.objects.get(plan=summary.plan, title="严重精神障碍患者信息审核与分析报告")
    period = progress.reporting_period(plan=summary.plan, cadence="quarterly", year=2025, number=4)
    progress.report_open(task=task, period=period, department=task.primary_lead)
    log_in(page, "liaison-wsjkw")
    open_from(page, "#nav-inbox", f"{task.code} {task.title}")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))  # dismiss: stay

    page.click("#id_achievements")
    page.keyboard.type("还没保存的文字")
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and not page.is_closed()

    # Saved, it leaves without a word.
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#id_achievements")).to_have_value("还没保存的文字")
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert dialogs == ["beforeunload"]
