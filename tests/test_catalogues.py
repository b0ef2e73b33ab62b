"""Both catalogues are complete after ``make messages``: no fuzzy and no untranslated entry.

The English one translates every msgid to itself (scripts/fill_en_catalogue.py, run by the
Makefile's ``messages`` target); the Chinese one is translated by people.
"""

from pathlib import Path

import polib
import pytest

from scripts.fill_en_catalogue import fill

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _problems(po: polib.POFile) -> dict[str, list[str]]:
    entries = [e for e in po if not e.obsolete]
    return {
        "fuzzy": [e.msgid for e in entries if "fuzzy" in e.flags] + (["(header)"] if po.metadata_is_fuzzy else []),
        "untranslated": [
            e.msgid
            for e in entries
            if not (all(s.strip() for s in e.msgstr_plural.values()) if e.msgid_plural else e.msgstr.strip())
        ],
    }


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_catalogue_has_no_fuzzy_or_untranslated_entries(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    problems = _problems(po)
    assert len([e for e in po if not e.obsolete]) > 100
    assert not problems["fuzzy"], f"{len(problems['fuzzy'])} fuzzy entries in {language}: {problems['fuzzy'][:20]}"
    assert not problems["untranslated"], (
        f"{len(problems['untranslated'])} untranslated entries in {language} (run `make messages`): "
        f"{problems['untranslated'][:20]}"
    )


def test_filling_the_english_catalogue_translates_each_msgid_to_itself(tmp_path):
    po = polib.POFile()
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    po.metadata_is_fuzzy = True
    po.append(polib.POEntry(msgid="Plans", msgstr=""))
    po.append(polib.POEntry(msgid="Lead", msgstr="Leader", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s item", msgid_plural="%(n)s items", msgstr_plural={0: "", 1: ""}))
    po.append(polib.POEntry(msgid="Unit", msgstr="Unit of measure"))
    path = tmp_path / "django.po"
    po.save(str(path))

    fill(path)

    filled = polib.pofile(str(path))
    assert _problems(filled) == {"fuzzy": [], "untranslated": []}
    assert filled.find("Plans").msgstr == "Plans"
    assert filled.find("Lead").msgstr == "Lead"  # a fuzzy guess is replaced
    assert filled.find("%(n)s item").msgstr_plural == {0: "%(n)s item", 1: "%(n)s items"}
    assert filled.find("Unit").msgstr == "Unit of measure"  # a deliberate English wording is kept
