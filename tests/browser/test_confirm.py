"""Irreversible actions ask first: a keyboard-accessible dialog (static/js/confirm.js) that can be
cancelled (focus back on the button, nothing sent) and confirmed (the same button's submission)."""

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from tasks import progress
from tasks.models import KeyTask, Plan, ProgressReport
from tests.browser.conftest import confirm, log_in
from tests.factories import PlanFactory, RegionFactory, make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submitting_a_report_asks_first_cancel_keeps_the_draft_confirm_submits(page):
    summary = seed_demo()
    task = KeyTask.objects.get(plan=summary.plan, title="严重精神障碍患者信息审核与分析报告")
    period = progress.reporting_period(plan=summary.plan, cadence="quarterly", year=2025, number=4)
    report = progress.report_open(task=task, period=period, department=task.primary_lead)

    log_in(page, "liaison-wsjkw")
    page.goto(report.get_absolute_url())
    page.fill("#id_percent_complete", "60")
    page.fill("#id_achievements", "完成第四季度患者信息审核，形成分析报告。")
    submit = page.get_by_role("button", name="报送审核")
    submit.click()

    # The dialog says what happens, holds the focus, and Escape cancels: nothing was sent.
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-modal-message")).to_have_text(submit.get_attribute("data-confirm"))
    expect(page.locator("#confirm-ok")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#confirm-modal :focus")).to_have_count(1)  # focus stays in the dialog
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(submit).to_be_focused()
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.DRAFT

    # Asked again, confirmed from the keyboard: the report is submitted (the button's own action).
    submit.click()
    expect(page.locator("#confirm-ok")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#report-status")).to_have_text("已报送")
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED


def test_a_supervisor_puts_a_draft_plan_in_force_and_closes_it_after_confirming(page):
    region = RegionFactory()
    plan = PlanFactory(region=region, title="示范市精神卫生“十四五”规划", status=Plan.Status.DRAFT)
    make_supervisor("supervisor")
    log_in(page, "supervisor")
    page.goto(plan.get_absolute_url())
    page.click("#plan-activate")
    confirm(page)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#plan-close")).to_be_visible()
    page.click("#plan-close")
    confirm(page)
    expect(page.locator("#plan-reopen")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.CLOSED
