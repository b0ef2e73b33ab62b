"""Complete the English catalogue after makemessages (``make messages``).

The msgids are English, so every English entry translates to itself: an empty msgstr becomes the
msgid (the plural forms the msgid and msgid_plural), and fuzzy guesses msgmerge made from similar
msgids are replaced the same way. The header gets the English plural rule and loses its fuzzy flag.
Run: python scripts/fill_en_catalogue.py [locale/en/LC_MESSAGES/django.po]
"""

import sys
from pathlib import Path

import polib

DEFAULT = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def fill(path: Path) -> int:
    po = polib.pofile(str(path))
    changed = 0
    for entry in po:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        if fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if entry.msgid_plural:
            if fuzzy or not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                changed += 1
        elif fuzzy or not entry.msgstr:
            entry.msgstr = entry.msgid
            changed += 1
    po.metadata_is_fuzzy = False
    po.metadata["Language"] = "en"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.save()
    return changed


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    print(f"{target}: {fill(target)} entries filled")
