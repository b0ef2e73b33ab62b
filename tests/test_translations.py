"""The zh-hans catalogue is complete, keeps every placeholder, and is compiled.

No database: these tests read locale/zh_Hans/LC_MESSAGES/django.po and django.mo with polib.
After changing user-facing strings run ``make messages``, translate what is new, and compile.
"""

import re
from pathlib import Path

import polib
import pytest

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

# Named printf placeholders: %(name)s, %(count)d … (blocktranslate's {{ var }} become %(var)s in the catalogue).
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


@pytest.fixture(scope="module")
def po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def _label(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
    return f"{context}{entry.msgid!r}"


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_header_is_zh_hans_with_one_plural_form(po):
    assert po.metadata.get("Language") == "zh_Hans"
    assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert not po.metadata_is_fuzzy, "the header is marked fuzzy"


def test_catalogue_is_not_empty(po):
    assert len(_entries(po)) > 100


def test_every_entry_is_translated(po):
    untranslated = [_label(e) for e in _entries(po) if not all(s.strip() for s in _translations(e))]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"


def test_no_entry_is_fuzzy(po):
    fuzzy = [_label(e) for e in _entries(po) if "fuzzy" in e.flags]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy}"


def test_plural_entries_have_exactly_one_form(po):
    wrong = [_label(e) for e in _entries(po) if e.msgid_plural and sorted(e.msgstr_plural) != [0]]
    assert not wrong, f"zh_Hans has one plural form; these entries have another number of msgstr[n]: {wrong}"


def test_translations_keep_every_placeholder(po):
    broken = []
    for entry in _entries(po):
        expected = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for translation in _translations(entry):
            if translation and _placeholders(translation) != expected:
                broken.append(
                    f"{_label(entry)}: expected {sorted(expected)}, got {sorted(_placeholders(translation))}"
                )
    assert not broken, "placeholders dropped, added or changed:\n" + "\n".join(broken)


def _catalogue(entries) -> dict[tuple[str | None, str], tuple[str, ...]]:
    result = {}
    for entry in entries:
        if not entry.msgid or getattr(entry, "obsolete", False):
            continue  # the header
        if entry.msgid_plural:
            value = (entry.msgid_plural, *(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)))
        else:
            value = (entry.msgstr,)
        result[(entry.msgctxt or None, entry.msgid)] = value
    return result


def test_compiled_catalogue_matches_the_po_file(po):
    assert MO_PATH.exists(), "django.mo is missing: run compilemessages"
    mo = polib.mofile(str(MO_PATH))
    # msgfmt leaves fuzzy and untranslated entries out of the .mo; the tests above fail on those.
    expected = _catalogue(e for e in po if "fuzzy" not in e.flags and all(_translations(e)))
    compiled = _catalogue(mo)
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale = sorted(str(k) for k in compiled.keys() - expected.keys())
    different = sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    assert not (missing or stale or different), (
        "django.mo is out of date, run compilemessages:\n"
        f"missing from .mo: {missing}\nonly in .mo: {stale}\ntranslated differently: {different}"
    )
