"""Journey: a supervisor records a joint meeting, adds a decision and turns it into a key task (at
desktop width); the meeting page then reads on a 375 px phone without sideways scrolling."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Decision, Meeting
from tests.browser.conftest import log_in
from tests.factories import DepartmentFactory, PlanFactory, RegionFactory, make_liaison, make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_records_a_meeting_and_turns_a_decision_into_a_task(page, browser, live_server):
    region = RegionFactory()
    plan = PlanFactory(region=region, title="示范市精神卫生“十四五”规划")
    health = DepartmentFactory(region=region, name="示范市卫生健康委员会", short_name="市卫生健康委", code="wsjkw")
    police = DepartmentFactory(region=region, name="示范市公安局", short_name="市公安局", code="gaj")
    make_liaison(health, "liaison-wsjkw")
    make_supervisor("city-supervisor", region=region)
    deadline = timezone.localdate() + datetime.timedelta(days=60)

    log_in(page, "city-supervisor")
    page.goto("/meetings/")
    page.click("#meeting-new")
    page.select_option("#id_plan", str(plan.pk))
    page.select_option("#id_kind", "plenary")
    page.fill("#id_title", "2024年第一次联席会议")
    page.fill("#id_held_on", timezone.localdate().isoformat())
    page.fill("#id_convenor", "副市长 张某某")
    page.check(f'#meeting-form input[name="present"][value="{health.pk}"]')
    page.check(f'#meeting-form input[name="absent"][value="{police.pk}"]')
    page.fill("#id_minutes", "会议研究部署了年度重点工作。")
    page.click("#meeting-submit")
    expect(page.locator("#meeting-title")).to_have_text("2024年第一次联席会议")
    meeting = Meeting.objects.get(title="2024年第一次联席会议")

    page.fill("#id_text", "建立严重精神障碍患者信息共享机制，按月交换患者信息。")
    page.check(f'#decision-form input[name="departments"][value="{health.pk}"]')
    page.check(f'#decision-form input[name="departments"][value="{police.pk}"]')
    page.fill("#id_deadline", deadline.isoformat())
    page.click("#decision-submit")
    decision = Decision.objects.get(meeting=meeting)
    row = page.locator(f"#decision-{decision.pk}")
    expect(row).to_have_attribute("data-state", "open")
    expect(row).to_contain_text("市公安局")

    row.locator(".decision-to-task").click()
    expect(page.locator("#id_due_date")).to_have_value(deadline.isoformat())
    expect(page.locator(f'#decision-task-form input[name="leads"][value="{health.pk}"]')).to_be_checked()
    expect(page.locator(f'#decision-task-form input[name="cooperating"][value="{police.pk}"]')).to_be_checked()
    page.select_option("#id_cadence", "monthly")
    page.click("#decision-task-submit")
    row = page.locator(f"#decision-{decision.pk}")
    expect(row).to_have_attribute("data-state", "in_progress")
    decision.refresh_from_db()
    assert decision.task is not None and decision.task.cadence == "monthly" and decision.task.plan_id == plan.pk
    row.locator(".decision-task").click()
    expect(page.locator("h1")).to_contain_text(decision.task.title)

    phone = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800}, base_url=live_server.url)
    try:
        small = phone.new_page()
        small.goto("/accounts/login/")  # the menu is collapsed at this width: log_in's wait would not see the user
        small.fill("#id_username", "city-supervisor")
        small.fill("#id_password", "demo1234")
        small.click("form button[type=submit]")
        small.wait_for_url(lambda url: "/accounts/login/" not in url)
        small.goto(meeting.get_absolute_url())
        expect(small.locator(f"#decision-{decision.pk}")).to_have_attribute("data-state", "in_progress")
        assert small.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        phone.close()
