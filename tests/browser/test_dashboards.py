"""Journey: a supervisor opens each dashboard and sees its charts drawn (server-side SVG)."""

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo, seed_demo_activity
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_opens_each_dashboard_and_a_chart_is_drawn(page):
    plan = seed_demo().plan
    seed_demo_activity(plan)
    log_in(page, "supervisor")
    page.goto(plan.get_absolute_url())
    page.click("#plan-dashboard-link")
    chart = page.locator("#light-chart svg")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    expect(page.locator("#light-chart svg rect").first).to_be_visible()
    expect(page.locator("#completeness-table")).to_contain_text("市卫生健康委")

    page.click("#indicator-dashboard-link")
    expect(page.locator("#attainment-table")).to_contain_text("严重精神障碍患者规范管理率")
    expect(page.locator(".trend-chart svg").first).to_be_visible()
    expect(page.locator(".trend-chart svg circle").first).to_be_visible()

    page.go_back()
    page.click("#funding-dashboard-link")
    expect(page.locator("#funding-chart-source svg")).to_be_visible()
    expect(page.locator("#funding-chart-source svg rect").first).to_be_visible()
    expect(page.locator("#funding-table-year")).to_contain_text("2025")
