"""Journey across two levels: the province supervisor cascades (下达) a task to two prefectures;
武汉市's liaison reports on it; 武汉市's supervisor approves; the province supervisor accepts; the
province's assessment (考核), computed again, now ranks 武汉市 above 十堰市. All in Chinese."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from assessment import services as assessment
from assessment.models import SchemeItem
from tasks import progress
from tasks.models import KeyTask, ProgressReport
from tests.browser.conftest import confirm, log_in
from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    ProvinceFactory,
    RegionFactory,
    make_liaison,
    make_supervisor,
)
from workflows.models import Acceptance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_out(page):
    page.get_by_role("button", name="退出").click()
    expect(page.locator("#id_username")).to_be_visible()


def test_cascade_report_approve_accept_and_the_ranking_changes(page):
    province = ProvinceFactory()
    DepartmentFactory(region=province, name="湖北省卫生健康委员会", short_name="省卫健委", is_supervising=True)
    plan = PlanFactory(region=province, title="湖北省精神卫生“十四五”规划", cascade_acceptance=True)
    task = KeyTaskFactory(plan=plan, code="1", title="健全精神卫生服务体系", start_date=datetime.date(2021, 1, 1))
    regions = {}
    for code, name in (("420100", "武汉市"), ("420300", "十堰市")):
        regions[name] = RegionFactory(parent=province, name=name, code=code)
        commission = DepartmentFactory(region=regions[name], name=f"{name}卫生健康委员会", short_name=f"{name}卫健委", is_supervising=True)
        make_liaison(commission, f"liaison-{code}")
        make_supervisor(f"supervisor-{code}", region=regions[name])
    boss = make_supervisor("province-supervisor", region=province)

    # 1. The province supervisor cascades the task to both prefectures on the plan's page.
    log_in(page, "province-supervisor")
    page.goto(plan.get_absolute_url())
    page.click("#plan-cascade-tasks")
    page.locator("#cascade-items").get_by_label("1 健全精神卫生服务体系").check()
    page.get_by_label("武汉市").check()
    page.get_by_label("十堰市").check()
    page.locator("#cascade-form button[type=submit]").click()
    confirm(page)
    expect(page.locator(".alert-success")).to_contain_text("已下达 1 项重点任务至 2 个地区")
    expect(page.locator("#cascaded-plans")).to_contain_text("武汉市")
    log_out(page)

    # The assessment of 2024 (one item: tasks completed or on track), computed now: a tie.
    scheme = assessment.scheme_create(plan=plan, year=2024, title="2024年度市州考核", user=boss)
    assessment.item_add(scheme=scheme, kind=SchemeItem.Kind.TASK_COMPLETION, weight=Decimal(100), rule=SchemeItem.Rule.PROPORTIONAL, user=boss)
    assessment.compute(scheme=scheme, user=boss, today=datetime.date(2025, 1, 31))

    # The quarter's report is opened (the nightly job does this).
    city_task = KeyTask.objects.get(parent=task, plan__region=regions["武汉市"])
    period = progress.reporting_period(plan=city_task.plan, cadence="quarterly", year=2024, number=4)
    report = progress.report_open(task=city_task, period=period, department=city_task.primary_lead)

    # 2. 武汉市's liaison reports.
    log_in(page, "liaison-420100")
    page.goto(report.get_absolute_url())
    page.fill("#id_percent_complete", "70")
    page.fill("#id_achievements", "新建精神专科医院一所，县级综合医院精神科门诊全覆盖。")
    page.click("#submit-report")
    confirm(page)
    expect(page.locator("#report-status")).to_have_text("已报送")
    log_out(page)

    # 3. 武汉市's supervisor approves: it goes on to the province.
    log_in(page, "supervisor-420100")
    page.goto(report.get_absolute_url())
    page.click("#approve")
    expect(page.locator("#acceptance-state")).to_contain_text("待上级采纳")
    expect(page.locator("#acceptance-form")).to_have_count(0)
    log_out(page)

    # 4. The province supervisor accepts it on the report's page.
    log_in(page, "province-supervisor")
    page.goto(report.get_absolute_url())
    page.locator("#acceptance-form").get_by_role("button", name="采纳").click()
    expect(page.locator("#acceptance-state")).to_contain_text("已采纳")
    report.refresh_from_db()
    assert (report.status, report.acceptance) == (ProgressReport.Status.APPROVED, Acceptance.ACCEPTED)

    # 5. The assessment, computed again, ranks 武汉市 first and 十堰市 second.
    page.goto(f"/assessments/{scheme.pk}/")
    expect(page.locator("#ranking-table tbody tr").first.locator("td").first).to_have_text("1")
    expect(page.locator("#ranking-table tbody tr").nth(1).locator("td").first).to_have_text("1")  # the tie
    page.click("#compute")
    first = page.locator("#ranking-table tbody tr").first
    expect(first.locator("th")).to_have_text("武汉市")
    expect(page.locator("#ranking-table tbody tr").nth(1).locator("td").first).to_have_text("2")
