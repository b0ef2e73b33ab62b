"""The header's search box, typed into at 375 px (inside the collapsed menu) and at desktop width,
reaches a result: a liaison finds their department's task and opens it."""

import os

import pytest
from playwright.sync_api import expect

from tests.factories import (
    DepartmentFactory,
    KeyTaskFactory,
    PlanFactory,
    TaskDepartmentFactory,
    make_liaison,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    plan = PlanFactory(title="示范市精神卫生“十四五”规划")
    department = DepartmentFactory(region=plan.region, name="示范市卫生健康委员会", short_name="市卫生健康委")
    task = KeyTaskFactory(plan=plan, code="3", title="推进社会心理服务体系建设")
    TaskDepartmentFactory(task=task, department=department)
    hidden = KeyTaskFactory(plan=plan, code="4", title="社会心理服务热线（他部门）")
    TaskDepartmentFactory(task=hidden, department=DepartmentFactory(region=plan.region))
    make_liaison(department, "liaison-search")
    return task


def _log_in(page):
    page.goto("/accounts/login/")
    page.fill("#id_username", "liaison-search")
    page.fill("#id_password", "demo1234")
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _search_and_open(page, task):
    box = page.locator("#header-search-q")
    expect(box).to_be_visible()
    box.fill("心理服务")
    box.press("Enter")
    group = page.locator("#search-group-tasks")
    expect(group).to_contain_text(task.title)
    expect(group).not_to_contain_text("他部门")  # another department's task: not the liaison's to find
    assert page.locator("#header-search-q").input_value() == "心理服务"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if os.environ.get("BROWSER_ARTIFACTS"):
        page.screenshot(path=os.path.join(os.environ["BROWSER_ARTIFACTS"], f"search-{page.viewport_size['width']}.png"), full_page=True)
    group.get_by_role("link", name=f"{task.code} {task.title}").click()
    expect(page.locator("h1")).to_contain_text(task.title)
    assert page.url.endswith(task.get_absolute_url())


def test_search_from_the_header_at_375px(browser, live_server, world):
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    phone = context.new_page()
    try:
        _log_in(phone)
        expect(phone.locator("#header-search-q")).to_be_hidden()  # in the collapsed menu
        phone.locator(".navbar-toggler").click()
        box = phone.locator("#header-search-q")
        expect(box).to_be_visible()
        assert box.bounding_box()["width"] > 250  # the menu's full width, less the button
        _search_and_open(phone, world)
    finally:
        context.close()


def test_search_from_the_header_at_desktop_width(page, world):
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    _log_in(page)
    _search_and_open(page, world)
    assert violations == [], violations
    # Too short: a message, not an error.
    page.locator("#header-search-q").fill("心")
    page.locator("#header-search-go").click()
    expect(page.locator("#search-problem")).to_be_visible()
