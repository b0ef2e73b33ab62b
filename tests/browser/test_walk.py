"""Every page of every role, in both languages, found by following links from the home page.

Checks are added to CHECKS (each a function ``check(page, visit) -> list[str]``, see walk.py); the walk
fails with every problem of every page at once.
"""

import os

import pytest

from tests.browser.checks_axe import ACCESSIBILITY_CHECKS
from tests.browser.checks_english import check_language
from tests.browser.checks_layout import check_fits_every_width
from tests.browser.walk import LANGUAGES, ROLES, demo_server, log_in, new_context, walk

pytestmark = pytest.mark.browser


def check_renders(page, visit) -> list[str]:
    """The page has a main landmark and a title that names it (the base template's shape)."""
    problems = []
    if page.locator("main").count() == 0:
        problems.append("no <main> landmark")
    if not page.title().strip():
        problems.append("no <title>")
    return problems


CHECKS = [
    check_renders,
    check_fits_every_width,
    check_language,
    *ACCESSIBILITY_CHECKS,  # WCAG 2.1 A/AA by axe-core, lights with words (issue 18)
]

# Pages the walk must reach for each role (a walk that stops early would pass every check).
MINIMUM_PAGES = {"liaison": 22, "supervisor": 32, "province_supervisor": 32, "evaluator": 26, "administrator": 40}


@pytest.fixture(scope="module")
def demo_base_url(tmp_path_factory):
    # Under xdist each worker's base temp is a child of the run's; the seeded demo is shared there.
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with demo_server(shared / "walk-shared", tmp_path_factory.mktemp("walk")) as base_url:
        yield base_url


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_walk_every_page(browser, demo_base_url, role, language):
    context = new_context(browser, demo_base_url, language)
    page = context.new_page()
    try:
        log_in(page, ROLES[role])
        result = walk(page, demo_base_url, role, language, CHECKS)
    finally:
        context.close()
    print(f"{role} {language}: {len(result.visits)} pages, {len(result.skipped)} skipped")
    assert len(result.visits) >= MINIMUM_PAGES[role], [v.path for v in result.visits]
    assert not result.problems, "\n".join(result.problems)
