"""Journey: a supervisor opens the final evaluation and assigns an evaluator to a department; the
evaluator scores it beside the computed facts and submits; the supervisor, as the evaluation
lead, signs off, then generates the final assessment report and downloads it. In Chinese."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from demo.plan import seed_demo
from evaluation.models import Evaluation, GeneratedReport
from tasks.models import Department
from tests.browser.conftest import confirm, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "示范市精神卫生“十四五”规划终期评估"
CONCLUSION = "民政局牵头任务总体按期完成，社区康复服务覆盖率达到目标。"


def log_out(page):
    page.get_by_role("button", name="退出").click()
    expect(page.locator("#id_username")).to_be_visible()


def test_evaluator_scores_lead_signs_off_supervisor_generates_and_downloads_the_report(page):
    summary = seed_demo()
    department = Department.objects.get(name="示范市民政局")

    # The supervisor opens the final evaluation, leading it, and assigns the evaluator to 民政局.
    log_in(page, "supervisor")
    page.click("#nav-evaluations")
    page.click("#open-evaluation")
    page.get_by_role("link", name=summary.plan.title).click()
    page.select_option("#id_kind", "final")
    page.fill("#id_title", TITLE)
    page.click("#create-evaluation")
    expect(page.locator("#evaluation-title")).to_have_text(TITLE)
    evaluation = Evaluation.objects.get(title=TITLE)
    assert evaluation.kind == Evaluation.Kind.FINAL
    page.select_option("#id_evaluator", label=str(User.objects.get(username="evaluator")))
    page.locator("#assign-form").get_by_label("示范市民政局").check()
    page.click("#assign-evaluator")
    expect(page.locator("#assignments")).to_contain_text("示范市民政局")
    expect(page.locator("#evaluation-status")).to_have_attribute("data-status", "scoring")
    # Signing off now is refused: the evaluator has not scored.
    page.click("#sign-off")
    confirm(page)
    expect(page.locator("#sign-off-blockers")).to_contain_text("示范市民政局")
    log_out(page)

    # The evaluator finds the department to score, sees the facts, scores and submits.
    log_in(page, "evaluator")
    page.click("#nav-evaluations")
    page.locator("#my-assignments").get_by_role("link", name=f"{TITLE} · 示范市民政局").click()
    expect(page.locator("#task-facts")).to_contain_text("精神障碍患者救助与社区康复服务")
    inputs = page.locator("#criterion-inputs input[type=text]")
    expect(inputs).to_have_count(4)
    inputs.nth(0).fill("120")  # outside the scale
    page.click("#submit-scores")
    confirm(page)
    expect(page.locator("#scoring-form .invalid-feedback")).to_contain_text("120")
    for index, score in enumerate(["88", "82.5", "90", "76"]):
        page.locator("#criterion-inputs input[type=text]").nth(index).fill(score)
    page.fill("#id_conclusion", CONCLUSION)
    page.click("#submit-scores")
    confirm(page)
    expect(page.locator("#scoring-status")).to_have_text("已报送")
    expect(page.locator("#conclusion")).to_have_text(CONCLUSION)
    log_out(page)

    # The supervisor (the lead) signs off: the ranking shows 民政局's weighted total.
    log_in(page, "supervisor")
    page.goto(evaluation.get_absolute_url())
    row = page.locator(f"#scorecard-table tr[data-department='{department.pk}']")
    expect(row.locator(".total")).to_have_text("84.85")  # 88×.4 + 82.5×.3 + 90×.15 + 76×.15
    page.fill("#id_conclusion", "终期评估结论：规划目标总体实现。")
    page.click("#sign-off")
    confirm(page)
    expect(page.locator("#evaluation-status")).to_have_attribute("data-status", "signed_off")
    expect(page.locator("#signed-off")).to_be_visible()
    expect(page.locator("#sign-off-form")).to_have_count(0)

    # The supervisor generates the final report, watches it finish and downloads it.
    page.click("#nav-more")
    page.click("#nav-reports")
    page.select_option("#id_plan", str(summary.plan.pk))
    page.select_option("#id_kind", "final")
    page.click("#generate-report")
    expect(page.locator("#report-status")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#report-bar")).to_have_text("100%")
    with page.expect_download() as download_info:
        page.click("#download-report")
    download = download_info.value
    assert download.suggested_filename.endswith("v1.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.path(), "rb").read())).pages)
    compact = "".join(text.split())
    assert summary.plan.title.replace(" ", "") in compact
    assert TITLE in compact and "示范市民政局" in compact and "84.85" in compact
    assert CONCLUSION in compact
    assert GeneratedReport.objects.get().status == GeneratedReport.Status.DONE
