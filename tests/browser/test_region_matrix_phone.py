"""Journey at 375 px: the province supervisor opens the matrix from the plan's dashboard, scrolls it
sideways with the task column staying in view, and drills down to a region's task."""

import os

import pytest
from playwright.sync_api import expect

from tests.dashboards.conftest import cascade_world
from tests.factories import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(locale="en-US", viewport={"width": 375, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_the_province_supervisor_reads_the_matrix_on_a_phone_and_drills_down(phone):
    world = cascade_world(17, tasks=6, quarters=3)
    make_supervisor("province-supervisor", region=world.province)
    phone.goto("/accounts/login/")
    phone.fill("#id_username", "province-supervisor")
    phone.fill("#id_password", "demo1234")
    phone.click("form button[type=submit]")
    phone.wait_for_url(lambda url: "/accounts/login/" not in url)
    phone.goto(f"/plans/{world.plan.pk}/dashboard/")
    phone.click("#region-matrix-link")
    matrix = phone.locator("#cascade-matrix")
    expect(matrix).to_contain_text("神农架林区")
    # The page itself does not scroll sideways; the matrix does, inside its own box.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    box = phone.locator(".table-responsive").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    first = phone.locator("#cascade-matrix tbody tr").first.locator("td").first
    before = first.bounding_box()["x"]
    box.evaluate("el => el.scrollLeft = 600")
    assert abs(first.bounding_box()["x"] - before) < 1  # the task column stays put
    if os.environ.get("BROWSER_ARTIFACTS"):
        box.scroll_into_view_if_needed()
        phone.screenshot(path=os.path.join(os.environ["BROWSER_ARTIFACTS"], "region-matrix-375.png"))
    child = world.child_task(world.province_tasks[0], world.prefectures[16])
    phone.locator(f'[data-cell="{world.province_tasks[0].pk}-{child.plan_id}"]').click()
    expect(phone.locator("h1")).to_contain_text(child.title)
    assert phone.url.endswith(f"/tasks/{child.pk}/")

    # Back on the matrix, a region's name opens its tasks by lead department.
    phone.go_back()
    phone.locator(f'#cascade-matrix th[data-region="{world.prefectures[16].pk}"] a').click()
    expect(phone.locator("#cascade-breadcrumb")).to_contain_text("神农架林区")
    expect(phone.locator("#region-task-table")).to_contain_text(child.title)
    lead = world.departments[world.prefectures[16].pk][0]
    phone.locator(f'#region-task-table a[data-department="{lead.pk}"]').first.click()
    expect(phone.locator("#cascade-breadcrumb")).to_contain_text(str(lead))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    if os.environ.get("BROWSER_ARTIFACTS"):
        phone.screenshot(path=os.path.join(os.environ["BROWSER_ARTIFACTS"], "region-tasks-375.png"), full_page=True)
