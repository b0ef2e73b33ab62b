"""政务公开 in a browser: an administrator publishes the plan from its page (confirming), then a
citizen without an account reads it on a phone (375 px) and on a desktop, in Chinese and, through
the page's language links, in English; no session or CSRF cookie is ever set for them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import confirm, log_in
from tests.factories import make_administrator
from tests.indicators.conftest import approved, make_indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(plan, task_a, task_b_only, dept_a, liaison_a, supervisor):
    indicator = make_indicator(plan, dept_a)
    approved(indicator, liaison_a, supervisor, year=2024, value="78.6")
    return plan


def citizen(browser, live_server, width: int):
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    return context


def test_an_administrator_publishes_and_a_citizen_reads_on_phone_and_desktop(page, browser, live_server, world, region):
    make_administrator("public-admin", region=region)
    log_in(page, "public-admin")
    page.goto(f"/plans/{world.pk}/")
    page.click("#plan-publish")
    confirm(page)
    expect(page.locator("#plan-public-link")).to_be_visible()
    href = page.locator("#plan-public-link").get_attribute("href")
    assert href == f"/public/{world.pk}/"

    for width in (375, 1280):
        context = citizen(browser, live_server, width)
        phone = context.new_page()
        phone.goto("/public/")
        phone.click(f'#public-plans a[href="{href}"]')
        expect(phone.locator("h1")).to_have_text(world.title)
        expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
        expect(phone.locator("body")).to_contain_text("统筹推进精神卫生信息化建设")
        expect(phone.locator("#public-indicators")).to_contain_text("78.6%")
        # The chart is described by its data table.
        chart = phone.locator("[aria-describedby=public-lights-table]")
        expect(chart).to_be_visible()
        expect(phone.locator("#public-lights-table")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= width
        violations = Axe().run(phone).response["violations"]
        assert not violations, [(v["id"], [n["html"][:80] for n in v["nodes"]]) for v in violations]

        phone.locator("#public-language a[lang=en]").click()
        expect(phone.locator("html")).to_have_attribute("lang", "en")
        assert phone.url.endswith(href)
        expect(phone.locator("#public-open-data")).to_contain_text("CSV")
        expect(phone.locator("body")).to_contain_text("Overall completion")
        assert phone.evaluate("document.documentElement.scrollWidth") <= width
        names = {cookie["name"] for cookie in context.cookies()}
        assert names == {settings.LANGUAGE_COOKIE_NAME}, names
        phone.locator("#public-language a[lang=zh-hans]").click()
        expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
        context.close()
