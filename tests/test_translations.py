"""The Finnish and Swedish catalogues are complete: every UI string has a translation, none is
fuzzy (a guess makemessages made), and the placeholders match the English."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
ENTRY = re.compile(r'^(#, [^\n]*\n)?(?:#\|[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)'
                   r'(?:msgid_plural ((?:"[^\n]*"\n)+))?((?:msgstr(?:\[\d\])? (?:"[^\n]*"\n)+)+)',
                   re.M)
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdf]|%%|\{\w*\}")


def _text(quoted: str) -> str:
    return "".join(line[1:-1] for line in quoted.strip().split("\n"))


def entries(language: str):
    source = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for match in ENTRY.finditer(source):
        flags, msgid, plural, msgstrs = match.groups()  # msgid: singular and plural joined
        if not _text(msgid):
            continue  # the header
        strings = [_text(s) for s in re.split(r"^msgstr(?:\[\d\])? ", msgstrs, flags=re.M) if s]
        yield _text(msgid) + _text(plural or ""), flags or "", strings


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_catalogue_is_complete_and_placeholders_match(language):
    found = list(entries(language))
    assert len(found) > 500
    untranslated = [msgid for msgid, _, strings in found if not all(strings)]
    fuzzy = [msgid for msgid, flags, _ in found if "fuzzy" in flags]
    assert untranslated == [] and fuzzy == []
    for msgid, _, strings in found:
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(msgid)), (
                msgid, string)
