"""The API's documentation page: Swagger UI from our own static files, under the strict CSP, on a
phone; a signed-in supervisor's "try it out" reads the tasks through the session."""

import pytest
from playwright.sync_api import expect

from tests.factories import KeyTaskFactory, PlanFactory, RegionFactory, make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_works_at_375px_without_a_csp_violation_or_another_origin(page, live_server):
    region = RegionFactory(name="示范市")
    KeyTaskFactory(plan=PlanFactory(region=region, status="active"), code="1", title="精神卫生信息化建设")
    make_supervisor("docs-supervisor", region=region)
    page.set_viewport_size({"width": 375, "height": 800})
    problems, origins = [], set()
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "docs-supervisor")
    page.fill("input[name=password]", "demo1234")
    page.locator("form button[type=submit]").first.click()
    page.goto("/api/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 26
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Try it out: GET /api/v1/tasks/ with the browser's session.
    operation = page.locator(".opblock-get", has=page.locator("[data-path='/api/v1/tasks/']")).first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_contain_text("200")
    expect(operation.locator(".live-responses-table .highlight-code").first).to_contain_text("精神卫生信息化建设")
    assert origins == {live_server.url.split("/")[2]}, origins
    assert problems == [], problems
