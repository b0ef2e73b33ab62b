"""Accessible to everyone (issue 18, WCAG 2.1 AA / GB/T 37668-2019) beyond what the page walk sees.

The walk (test_walk.py) runs axe-core on every page reached by links; here are the states links do not
reach (the login page, the 404 page, a confirmation dialog open, a form showing its errors) and what a
keyboard or screen reader user notices: the skip link, visible focus, the dialog keeping and returning
focus, errors tied to their fields and read out, charts described by their tables.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks_axe import axe_problems
from tests.browser.walk import LANGUAGES, ROLES, demo_server, log_in, new_context

pytestmark = pytest.mark.browser

SUPERVISOR = ROLES["supervisor"]
ADMINISTRATOR = ROLES["administrator"]
PLAN_WITH_CLOSE = "/plans/1/"  # the demo's plan in force: its "close" button asks first


@pytest.fixture(scope="module")
def demo_base_url(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with demo_server(shared / "walk-shared", tmp_path_factory.mktemp("a11y")) as base_url:
        yield base_url


@pytest.fixture
def open_page(browser, demo_base_url):
    """A page factory: ``open_page(language, username=None)``, logged in when a username is given."""
    contexts = []

    def make(language="zh-hans", username=None):
        context = new_context(browser, demo_base_url, language)
        contexts.append(context)
        page = context.new_page()
        if username:
            log_in(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


def _submit_empty_region_form(page):
    """The new-region form sent empty (the browser's own check switched off): the server's errors."""
    page.goto("/regions/new/")
    page.evaluate("document.getElementById('region-form').noValidate = true")
    with page.expect_navigation():
        page.click("#save")
    expect(page.locator("#id_name")).to_have_attribute("aria-invalid", "true")


def _open_confirmation(page):
    page.goto(PLAN_WITH_CLOSE)
    page.click("#plan-close")
    expect(page.locator("#confirm-modal")).to_be_visible()
    expect(page.locator("#confirm-ok")).to_be_focused()


@pytest.mark.parametrize("language", LANGUAGES)
def test_states_links_do_not_reach_have_no_axe_violation(open_page, language):
    problems = []

    anonymous = open_page(language)
    anonymous.goto("/accounts/login/")
    problems += axe_problems(anonymous, "login page")
    anonymous.fill("#id_username", SUPERVISOR)
    anonymous.fill("#id_password", "wrong password")
    with anonymous.expect_navigation():
        anonymous.locator("form button[type=submit]").click()
    problems += axe_problems(anonymous, "login page with the wrong password")

    supervisor = open_page(language, SUPERVISOR)
    response = supervisor.goto("/no-such-page/")
    assert response.status == 404
    problems += axe_problems(supervisor, "404 page")
    _open_confirmation(supervisor)
    problems += axe_problems(supervisor, f"{PLAN_WITH_CLOSE} with the confirmation dialog open")
    supervisor.keyboard.press("Escape")

    administrator = open_page(language, ADMINISTRATOR)
    _submit_empty_region_form(administrator)
    problems += axe_problems(administrator, "/regions/new/ sent empty (errors shown)")

    assert not problems, "\n".join(problems)


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(open_page):
    page = open_page("en", SUPERVISOR)
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator("#skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to content")
    box = skip.bounding_box()
    assert box and box["width"] > 20 and box["height"] > 10 and box["y"] >= 0, "the focused skip link is not shown"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the content, not back in the navigation bar.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


FOCUS_RING = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {visible: el.matches(':focus-visible') && (outline || shadow),
          what: el.outerHTML.slice(0, 120), outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


@pytest.mark.parametrize("path", ["/regions/new/", PLAN_WITH_CLOSE])
def test_every_control_shows_where_the_keyboard_is(open_page, path):
    page = open_page("en", ADMINISTRATOR if path.startswith("/regions") else SUPERVISOR)
    page.goto(path)
    unseen, kinds = [], set()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        ring = page.evaluate(FOCUS_RING)
        kinds.add(page.evaluate("document.activeElement.tagName + '.' + (document.activeElement.className || '')").split(" ")[0])
        if not ring["visible"]:
            unseen.append(ring)
    assert len(kinds) >= 4, kinds  # links, buttons, the language select, form controls were reached
    assert not unseen, unseen


def test_the_confirmation_dialog_keeps_the_focus_and_gives_it_back(open_page):
    page = open_page("en", SUPERVISOR)
    page.goto(PLAN_WITH_CLOSE)
    close = page.locator("#plan-close")
    close.focus()
    page.keyboard.press("Enter")  # opened from the keyboard
    dialog = page.locator("#confirm-modal")
    expect(dialog).to_be_visible()
    expect(page.locator("#confirm-ok")).to_be_focused()
    inside = "document.getElementById('confirm-modal').contains(document.activeElement)"
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:
        page.keyboard.press(key)
        assert page.evaluate(inside), f"{key} left the dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(close).to_be_focused()
    # Not a trap for the page: Tab moves on from the button.
    page.keyboard.press("Tab")
    expect(close).not_to_be_focused()


def _submit_empty_funding_line_form(page):
    """A form written by hand (templates/funding/line_form.html), not through includes/form_field.html."""
    page.goto("/funding/new/?plan=1")
    page.evaluate("document.querySelectorAll('main form').forEach(f => f.noValidate = true)")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


@pytest.mark.parametrize(
    "username, submit_empty",
    [(ADMINISTRATOR, _submit_empty_region_form), (SUPERVISOR, _submit_empty_funding_line_form)],
    ids=["region form (form_field include)", "funding line form (written by hand)"],
)
def test_form_errors_are_tied_to_their_fields_and_read_out(open_page, username, submit_empty):
    page = open_page("en", username)
    submit_empty(page)
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 2  # each form has at least two required fields
    for i in range(invalid.count()):
        field = invalid.nth(i)
        ids = (field.get_attribute("aria-describedby") or "").split()
        assert ids, f"{field.get_attribute('id')} has no aria-describedby"
        described = " ".join(page.locator(f"[id='{target}']").inner_text() for target in ids)
        assert "This field is required." in described, (field.get_attribute("id"), described)
    summary = page.locator("#form-error-summary")
    expect(summary).to_have_attribute("aria-live", "assertive")
    expect(summary).to_contain_text("This field is required.")
    first = invalid.first.get_attribute("id")
    label = page.locator(f"label[for={first}]").inner_text().rstrip(" *")
    expect(summary).to_contain_text(f"{label}: This field is required.")
    assert not axe_problems(page), axe_problems(page)


def test_a_page_without_errors_announces_nothing(open_page):
    page = open_page("en", ADMINISTRATOR)
    page.goto("/regions/new/")
    page.wait_for_timeout(400)
    expect(page.locator("#form-error-summary")).to_have_text("")
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)


@pytest.mark.parametrize("path", ["/plans/1/dashboard/", "/plans/1/dashboard/indicators/", "/plans/1/dashboard/funding/"])
def test_charts_are_described_by_their_data_tables(open_page, path):
    page = open_page("en", SUPERVISOR)
    page.goto(path)
    charts = page.locator("svg.chart")
    assert charts.count() >= 1
    found = page.evaluate("""() => Array.from(document.querySelectorAll('svg.chart')).map(svg => {
        const holder = svg.closest('[aria-describedby]');
        const ids = holder ? holder.getAttribute('aria-describedby').split(/\\s+/) : [];
        const tables = ids.map(id => document.getElementById(id)).filter(el => el && el.tagName === 'TABLE');
        return {chart: svg.getAttribute('aria-label'), tables: tables.length,
                rows: tables.reduce((n, t) => n + t.tBodies[0].rows.length, 0)};
    })""")
    assert all(c["tables"] == 1 and c["rows"] > 0 for c in found), found


def test_the_bell_and_the_progress_bars_have_names(open_page):
    page = open_page("en", SUPERVISOR)
    page.goto("/")
    bell = page.locator("#nav-notifications")
    expect(bell).to_have_accessible_name(re.compile(r"^Notifications"))
    page.goto("/plans/1/tasks/")
    bars = page.get_by_role("progressbar")
    assert bars.count() > 0
    for i in range(min(bars.count(), 5)):
        expect(bars.nth(i)).to_have_accessible_name("Progress")


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_open_menu_and_the_lists_have_no_axe_violation(open_page, language):
    page = open_page(language, SUPERVISOR)
    page.set_viewport_size({"width": 375, "height": 800})
    problems = []
    for path in ("/", "/plans/1/tasks/", "/plans/1/dashboard/"):
        page.goto(path)
        page.click(".navbar-toggler")
        expect(page.locator("#main-nav")).to_be_visible()
        expect(page.locator("#main-nav.collapsing")).to_have_count(0)
        problems += axe_problems(page, f"{path} at 375 px, menu open")
    assert not problems, "\n".join(problems)
