"""Language checks of the page walk: an English page speaks English, a Chinese page Chinese.

In English, no Chinese character or Chinese punctuation may appear in the interface (text,
``title``/``aria-label``/``placeholder``/``alt`` attributes, confirmation messages) outside elements
marked as Chinese data with ``lang="zh"`` (names, titles, text users typed; the ``data_lang`` filter
marks them). Punctuation and labels follow English usage: no ``a.m..``, labels start with a capital.
In Chinese, no English words in accessible names (``aria-label``, ``title``, ``placeholder``).
"""

from __future__ import annotations

# Text (and interface attributes) outside lang="zh…" elements, per element: [kind, text].
_INTERFACE_TEXT = """() => {
  const found = [];
  const isData = el => { const owner = el && el.closest('[lang]'); return !!owner && owner !== document.documentElement && (owner.getAttribute('lang') || '').toLowerCase().startsWith('zh'); };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(parent.tagName)) continue;
    // A chart's <title>/<desc> summarise data and interface in one sentence (the same numbers are
    // in the page's tables, which are checked); its visible labels are checked.
    if (parent.closest('svg') && ['title', 'desc'].includes(parent.tagName.toLowerCase())) continue;
    const text = node.textContent.trim();
    if (text && !isData(parent)) found.push(['text', text, parent.tagName.toLowerCase()]);
  }
  // (data-confirm messages quote the record they act on, and an attribute cannot mark a part of
  // itself as data: they are left out; the dialog's buttons are checked.)
  const attributes = ['title', 'aria-label', 'placeholder', 'alt', 'data-confirm-button'];
  for (const el of document.body.querySelectorAll('*')) {
    for (const name of attributes) {
      const value = el.getAttribute(name);
      if (name === 'aria-label' && el.tagName.toLowerCase() === 'svg') continue;
      if (value && value.trim() && !isData(el)) found.push([name, value.trim(), el.tagName.toLowerCase()]);
    }
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type) && el.value && !isData(el)) found.push(['value', el.value, 'input']);
  }
  const labels = [];
  for (const el of document.body.querySelectorAll('label, th, dt, legend')) {
    if (isData(el)) continue;
    const text = (el.innerText || '').trim();
    if (text) labels.push(text);
  }
  return {found, labels};
}"""

CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"


def check_language(page, visit) -> list[str]:
    import re

    measured = page.evaluate(_INTERFACE_TEXT)
    problems: list[str] = []
    seen: set[str] = set()

    def report(problem: str) -> None:
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)

    if visit.language == "en":
        for kind, text, tag in measured["found"]:
            short = " ".join(text.split())[:60]
            if re.search(CJK, text):
                report(f"Chinese in the English interface ({kind} of <{tag}>): {short!r}")
            if re.search(r"[a-z]\.\.(?!\.)", text):
                report(f"a doubled full stop ({kind} of <{tag}>): {short!r}")
        for label in measured["labels"]:
            if re.match(r"[a-z]", label):
                report(f"a label in lower case: {label[:40]!r}")
    else:
        for kind, text, tag in measured["found"]:
            if kind in ("aria-label", "title", "placeholder") and re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}|^[a-z]{4,}$", text):
                report(f"English in the Chinese interface ({kind} of <{tag}>): {text[:60]!r}")
    return problems
