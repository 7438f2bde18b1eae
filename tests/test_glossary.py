"""One concept, one term: every Finnish and Swedish translation of a message that names a
glossary concept uses the glossary's term (docs/GLOSSARY.md), and the catalogues pass
msgfmt --check, plural forms included."""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
LANGUAGES = ("fi", "sv")
# Taken out of a msgid before matching: placeholders, code spans, API names (metric-values,
# updated_at, Authorization: Bearer) — they are not words a translator translates.
NOT_WORDS = re.compile(r"%\(\w+\)[sdf]|\{\{?\s*\w+\s*\}?\}|`[^`]*`|\b\w+[-_]\w+(?:[-_]\w+)*\b")


@dataclass
class Entry:
    context: str
    msgid: str
    plural: str
    strings: list[str]
    fuzzy: bool


def po_entries(language: str) -> list[Entry]:
    """The entries of a catalogue (not the header, not obsolete ones)."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            found.append(Entry(
                fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""),
                [v for k, v in fields.items() if k.startswith("msgstr")],
                "#, fuzzy" in block or ", fuzzy" in block,
            ))
    return found


@dataclass
class Concept:
    name: str
    terms: dict[str, str]
    english: re.Pattern
    must: dict[str, re.Pattern]
    exceptions: re.Pattern | None


def _cells(row: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    return [cell.strip().strip("`").replace("\\|", "|") for cell in cells]


def concepts() -> list[Concept]:
    """The concept table of docs/GLOSSARY.md (the one whose header names 'English words')."""
    rows, in_table = [], False
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("| concept |") and "English words" in line:
            in_table = True
            continue
        if in_table:
            if not line.startswith("|"):
                break
            if not line.startswith("|---"):
                rows.append(_cells(line))
    result = []
    for name, fi, sv, english, fi_must, sv_must, exceptions in rows:
        result.append(Concept(
            name, {"fi": fi, "sv": sv}, re.compile(english, re.I),
            {"fi": re.compile(fi_must, re.I), "sv": re.compile(sv_must, re.I)},
            re.compile(exceptions, re.I) if exceptions else None,
        ))
    return result


def test_the_glossary_has_its_concepts():
    names = {c.name for c in concepts()}
    assert {"subproject", "status light", "API client", "reporting period",
            "monthly status report (the PDF)", "activity (a bar of the timeline)"} <= names
    assert len(names) >= 30


def off_glossary(entries: list[Entry], language: str) -> list[str]:
    """The translations that name a glossary concept by another word than the glossary's."""
    found = []
    for concept in concepts():
        for entry in entries:
            context = f"[{entry.context}] " if entry.context else ""
            english = context + NOT_WORDS.sub(" ", f"{entry.msgid} {entry.plural}".strip())
            if not concept.english.search(english):
                continue
            if concept.exceptions and concept.exceptions.search(english):
                continue
            for string in entry.strings:
                if not concept.must[language].search(string):
                    found.append(
                        f"{concept.name} ({concept.terms[language]}): {entry.msgid!r} -> {string!r}")
                    break
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_concept_is_translated_one_way(language):
    found = off_glossary(po_entries(language), language)
    assert found == [], "\n".join(found)


def test_a_second_translation_of_a_concept_is_caught():
    """The check itself, on the slips the review found (issue 17)."""
    def entry(msgid, string, context=""):
        return Entry(context, msgid, "", [string], False)

    slips_sv = [entry("Severity", "Allvarlighet"), entry("state", "tillstånd"),
                entry("Help needed.", "Behov av hjälp."),
                entry("Baseline value.", "Utgångsläge.")]
    assert len(off_glossary(slips_sv, "sv")) == 4
    slips_fi = [entry("Period", "Ajanjakso"), entry("activity", "toimenpide"),
                entry("API client", "asiakas"), entry("Status light per work package.",
                                                       "Tilanne työpaketeittain.")]
    assert len(off_glossary(slips_fi, "fi")) == 4
    fine = [entry("Severity", "Allvarlighetsgrad"), entry("green", "grön", "status light"),
            entry("Output format; JSON unless asked.", "Svarsformat.")]
    assert off_glossary(fine, "sv") == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext's msgfmt")
@pytest.mark.parametrize("language", LANGUAGES)
def test_msgfmt_check_passes_with_plural_forms(language, tmp_path):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr
    header = po.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in header
    plurals = [e for e in po_entries(language) if e.plural]
    assert plurals, "the catalogue has plural messages"
    assert all(len(e.strings) == 2 and all(e.strings) for e in plurals), [
        e.msgid for e in plurals if len(e.strings) != 2]
