"""Under the Content-Security-Policy the pages run without a single violation: every script is a
static file, the filter forms and the language switcher still work, before and after logging in."""

import pytest
from playwright.sync_api import expect

from demo.plan import seed_demo
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_violation_on_the_main_pages(page):
    seed_demo()
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    page.goto("/accounts/login/")
    page.select_option("#language-select", "en")  # the switcher works before logging in
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.select_option("#language-select", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    log_in(page, "supervisor")
    for path in ["/plans/", "/notices/", "/extensions/", "/indicators/", "/funding/", "/evaluations/", "/no-such-page/"]:
        page.goto(path)
    page.goto("/plans/")
    page.get_by_role("link", name="示范市精神卫生“十四五”规划").click()
    page.get_by_role("link", name="重点任务清单").click()
    assert "form-select" in (page.locator("form.filter-form select").first.get_attribute("class") or "")
    assert violations == [], violations
