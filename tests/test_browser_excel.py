"""The Excel round trip in a real browser, by accessible names: the coordinator follows the
link from Omat raportit, downloads the template of their subprojects, uploads it filled in,
and lands on the result; a bad file puts focus on the error summary. axe on every page."""

import re

import openpyxl
import pytest

from reports.models import MonthlyReport
from tests.browser import assert_accessible, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def focused_text(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.innerText || ''")


def test_coordinator_round_trip_in_the_browser(live_server, page, cast, tmp_path):
    log_in(page, live_server, "koordinaattori", PASSWORD)
    page.get_by_role("link", name=re.compile(
        r"^Excel-pohja ja tuonti \(HANKE-A 0?5.2022\)\s+–\s+lataa kuukauden pohja")).click()
    page.wait_for_url(re.compile(r"/excel/upload/$"))
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Lataa pohja HANKE-A 0?5.2022, omat")).click()
    path = tmp_path / "pohja.xlsx"
    download.value.save_as(path)
    workbook = openpyxl.load_workbook(path)
    assert [r[0].value for r in workbook["Raportit"].iter_rows(min_row=2)] == ["1.1"]

    workbook["Raportit"]["D2"] = "sinivihreä"  # not a light: the file is refused
    workbook.save(path)
    page.get_by_label("Täytetty pohja (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Tuo").click()
    page.get_by_role("alert").filter(has_text="Tiedostoa ei tuotu").wait_for()
    assert "Tiedostoa ei tuotu" in focused_text(page)  # focus on the error summary
    assert page.get_by_role("row", name=re.compile(r"Raportit 2 D")).count() == 1
    assert_accessible(page)

    workbook["Raportit"]["D2"] = "vihreä"
    workbook["Raportit"]["F2"] = "Selaimella tuotu tilanne."
    workbook.save(path)
    page.get_by_label("Täytetty pohja (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Tuo").click()
    page.get_by_role("status").filter(has_text="Tiedosto tuotiin").wait_for()
    assert "Tiedosto tuotiin" in focused_text(page)  # focus on the result summary
    assert_accessible(page)
    assert MonthlyReport.objects.get(subproject=cast.subproject).situation == (
        "Selaimella tuotu tilanne.")
