"""The PDFs as a public body must publish them (issue 12): tagged (structure tree, MarkInfo,
title, language) and Finnish hyphenated by Voikko, with no text outside the page."""

import datetime as dt
import io

import pdfplumber
import pytest
from pypdf import PdfReader

from reports.pdf import evaluation, final, monthly
from reports.pdf.hyphenation import SOFT_HYPHEN, hyphenate_html, hyphenate_word
from reports.rollups import rollup_compute
from tests import factories

pytestmark = pytest.mark.django_db

COMPOUND = "perusterveydenhuollonvastaanottotoiminnan"
HYPHENS = "-\u2010"


def _documents(cast):
    phase = factories.PhaseFactory(project=cast.project, code="I", name="I-vaihe",
                                   start_date=dt.date(2020, 1, 1), end_date=dt.date(2022, 10, 31))
    factories.EvaluationRoundFactory(project=cast.project, date=dt.date(2021, 5, 15),
                                     kind="interim", title="Väliarviointi", summary="Yhteenveto.")
    rollup_compute(project=cast.project, month=cast.month)
    return {
        "monthly": monthly.render(monthly.collect(project=cast.project, month=cast.month)),
        "final": final.render(final.collect(project=cast.project, phase=phase)),
        "evaluation": evaluation.render(evaluation.collect(project=cast.project)),
    }


def test_every_document_is_tagged_with_a_title_and_its_language(cast):
    for kind, pdf in _documents(cast).items():
        reader = PdfReader(io.BytesIO(pdf))
        catalog = reader.trailer["/Root"]
        assert "/StructTreeRoot" in catalog, kind
        assert catalog["/MarkInfo"]["/Marked"] == True, kind  # noqa: E712 (a pypdf BooleanObject)
        assert str(catalog["/Lang"]) == "fi", kind
        assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True, kind  # noqa: E712
        assert reader.metadata.title and "Hanke A" in reader.metadata.title, kind


def test_a_long_finnish_compound_in_a_narrow_column_is_hyphenated_inside_the_page(cast):
    cast.subproject.name = f"Digitiimi ja {COMPOUND}kehittäminen"
    cast.subproject.save()
    factories.MonthlyReportFactory(
        subproject=cast.subproject, period=cast.month, state="approved", light="green",
        situation=f"Sosiaalihuoltolain mukainen {COMPOUND}uudistus eteni suunnitellusti.")
    rollup_compute(project=cast.project, month=cast.month)
    pdf = monthly.render(monthly.collect(project=cast.project, month=cast.month))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        text = "\n".join(page.extract_text() for page in doc.pages)
        for page in doc.pages:
            for word in page.extract_words():
                assert 0 <= word["x0"] and word["x1"] <= page.width, word["text"]
    # The compound is broken at a syllable with a visible hyphen at a line end.
    # WeasyPrint prints the soft hyphen at a line end as U+2010 HYPHEN.
    ends = [line.split()[-1] for line in text.splitlines() if line.endswith(tuple(HYPHENS))]
    assert [end for end in ends if end.rstrip(HYPHENS).lower() in COMPOUND + "kehittäminen"
            and end.rstrip(HYPHENS).lower() != COMPOUND], ends
    assert SOFT_HYPHEN not in text


def test_voikko_breaks_at_syllables_and_leaves_markup_alone():
    assert hyphenate_word("sosiaalihuoltolaki").replace(SOFT_HYPHEN, "-") == "sosi-aa-li-huol-to-laki"
    html = ('<title>Perusterveydenhuolto</title><p class="hyvinvointialue">'
            'Hyvinvointialueen &amp; 2022</p><svg><text>etävastaanottojen</text></svg>')
    out = hyphenate_html(html, "fi")
    assert out.startswith('<title>Perusterveydenhuolto</title><p class="hyvinvointialue">')
    assert out.endswith("&amp; 2022</p><svg><text>etävastaanottojen</text></svg>")
    assert out.count(SOFT_HYPHEN) >= 3
    assert hyphenate_html(html, "sv") == html  # Swedish keeps pyphen's hyphens: auto
