"""Layout checks of the page walk: the page fits the phone, the tablet and the laptop.

At each of walk.WIDTHS the same page is resized (not reloaded) and must not scroll sideways
(``document.documentElement.scrollWidth <= window.innerWidth``); nothing may be squeezed to a
character or two per line (a button label, a table cell), and a cell holding only a date or a
reporting period stays on one line. A viewport screenshot at the phone width is
saved under tests/browser/screenshots/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.walk import WIDTHS

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SCREENSHOT_WIDTHS = (375,)

# Measures the page at the current width: how far it scrolls sideways, which elements stick out and
# which buttons and cells are squeezed (broken into lines of one character, or one and a half).
_MEASURE = """() => {
  const width = window.innerWidth;
  const describe = el => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    else if (el.classList.length) name += '.' + [...el.classList].slice(0, 2).join('.');
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    return text ? `${name} "${text}"` : name;
  };
  const visible = el => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const wide = [];
  if (document.documentElement.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1)) {
        wide.push(`${describe(el)} (right edge ${Math.round(r.right + window.scrollX)}px)`);
        if (wide.length >= 3) break;
      }
    }
  }
  const squeezed = [];
  // A cell that holds only a date (2026年1月10日, 2026-01-10, Jan. 10, 2026) or a period (2025年第4季度,
  // 2025 Q4) is read at a glance: it stays on one line.
  const DATE = /^(\\d{4}年\\d{1,2}月\\d{1,2}日|\\d{4}-\\d{2}-\\d{2}|[A-Z][a-z]+\\.?\\d{1,2},\\d{4}|\\d{4}年第\\d季度|\\d{4}Q\\d)$/;
  for (const el of document.body.querySelectorAll('.btn, td, th, .badge, .nav-link')) {
    if (!visible(el)) continue;
    // Count the characters and the lines of the text a person sees (not screen-reader-only text).
    let text = '';
    const tops = new Set();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden, .visually-hidden-focusable')) continue;
      const chars = node.textContent.replace(/\\s+/g, '');
      if (!chars) continue;
      text += chars;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 1 && r.height > 1) tops.add(Math.round(r.top));
    }
    if (text.length < 2) continue;
    // Boxes of one line differ a little in top (a badge beside text): a new line starts lower down.
    const gap = 0.6 * parseFloat(getComputedStyle(el).fontSize);
    const sorted = [...tops].sort((a, b) => a - b);
    const lines = sorted.filter((top, i) => i === 0 || top - sorted[i - 1] > gap).length;
    if (lines >= 2 && text.length / lines <= 1.5) {
      squeezed.push(`${describe(el)} (${lines} lines)`);
      if (squeezed.length >= 3) break;
    } else if (lines >= 2 && el.tagName === 'TD' && DATE.test(text)) {
      squeezed.push(`${describe(el)} (a date broken over ${lines} lines)`);
      if (squeezed.length >= 3) break;
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wide, squeezed};
}"""


def _slug(visit) -> str:
    pattern = re.sub(r"[^A-Za-z0-9]+", "-", visit.pattern).strip("-") or "home"
    return f"{visit.role}-{visit.language}-{pattern}"


def check_fits_every_width(page, visit) -> list[str]:
    """No sideways scrolling and no squeezed buttons or cells at 375, 768 and 1366 px."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        measured = page.evaluate(_MEASURE)
        if measured["scroll"] > measured["width"]:
            problems.append(
                f"scrolls sideways at {width} px ({measured['scroll']} px wide): " + "; ".join(measured["wide"])
            )
        for squeezed in measured["squeezed"]:
            problems.append(f"squeezed at {width} px: {squeezed}")
        if width in SCREENSHOT_WIDTHS:
            SCREENSHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{_slug(visit)}-{width}.png"))
    # The page's own resize handlers (a table box that scrolls takes focus) run on the next frames:
    # the checks after this one see the page as a user at this width would.
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return problems
