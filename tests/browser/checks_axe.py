"""Accessibility of a page as axe-core sees it (WCAG 2.0/2.1 A and AA, GB/T 37668-2019 follows them).

``check_axe(page, visit)`` is a walk check (tests/browser/walk.py): one problem per element that breaks
a rule, naming the rule, the element (its selector and the start of its HTML) and, through the walk,
the page. ``axe_problems(page, where)`` runs the same rules on any state a test brings a page to (a
dialog open, a form with its errors), and ``tally`` counts the violations by rule for a report.

axe-core comes bundled with the ``axe-playwright-python`` package: nothing is fetched from a CDN.
Playwright evaluates the script through the DevTools protocol, so the page's strict CSP does not stop it.
"""

from __future__ import annotations

from collections import Counter

from axe_playwright_python.sync_playwright import Axe

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}

_axe = Axe()

# Violations by rule over everything checked in this process (for measuring, see the module docstring).
tally: Counter[str] = Counter()


def violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (a list of rules, each with its nodes)."""
    return _axe.run(page, options=OPTIONS).response["violations"]


def _snippet(html: str, limit: int = 160) -> str:
    html = " ".join(html.split())
    return html if len(html) <= limit else html[: limit - 1] + "…"


def _colours(node: dict) -> str:
    """For a contrast failure: the colours axe measured and their ratio."""
    for result in node.get("any", []):
        data = result.get("data") or {}
        if isinstance(data, dict) and data.get("contrastRatio"):
            return f" [{data.get('fgColor')} on {data.get('bgColor')}: {data['contrastRatio']}:1, needs {data.get('expectedContrastRatio')}]"
    return ""


def describe(found: list[dict]) -> list[str]:
    problems = []
    for rule in found:
        for node in rule["nodes"]:
            tally[rule["id"]] += 1
            target = " ".join(str(t) for t in node.get("target", []))
            problems.append(
                f"axe {rule['id']} ({rule.get('impact')}): {rule['help']} — {target} {_snippet(node.get('html', ''))}"
                + _colours(node)
            )
    return problems


def axe_problems(page, where: str = "") -> list[str]:
    """Every violation on the page now, each line prefixed by ``where`` (the page or state)."""
    prefix = f"{where}: " if where else ""
    return [prefix + p for p in describe(violations(page))]


def check_axe(page, visit) -> list[str]:
    """The walk check: no WCAG 2.1 A/AA violation on the page."""
    return describe(violations(page))


LIGHTS = """() => Array.from(document.querySelectorAll('[data-light]'))
  .filter(el => !el.closest('svg') && el.textContent.replace(/[●○\\s\\u00a0]/g, '') === '')
  .map(el => el.outerHTML.slice(0, 120))"""


def check_lights_have_words(page, visit) -> list[str]:
    """A traffic light is never a colour alone (colour-blind readers): a word beside every light."""
    return [f"a traffic light with no word: {html}" for html in page.evaluate(LIGHTS)]


UNNAMED_TABLES = """() => Array.from(document.querySelectorAll('main table'))
  .filter(t => t.getAttribute('role') !== 'presentation')
  .filter(t => !(t.caption && t.caption.textContent.trim()) && !t.getAttribute('aria-label')
               && !(t.getAttribute('aria-labelledby') || '').split(/\\s+/).some(id => {
                    const el = id && document.getElementById(id); return el && el.textContent.trim(); }))
  .map(t => (t.id ? '#' + t.id + ' ' : '') + t.outerHTML.slice(0, 100))"""


def check_tables_have_names(page, visit) -> list[str]:
    """Every data table is named (a caption, aria-label or aria-labelledby) for screen readers."""
    return [f"a table with no name: {html}" for html in page.evaluate(UNNAMED_TABLES)]


# What the walk runs for accessibility (registered in test_walk.CHECKS).
ACCESSIBILITY_CHECKS = [check_axe, check_lights_have_words, check_tables_have_names]
