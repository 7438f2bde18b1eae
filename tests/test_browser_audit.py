"""The audit page in a real browser, by accessible names only (issue 13): the manager narrows
the project's changes to one person and one field, pages forward with the filters kept, and
axe finds no violation on any page visited."""

import re

import pytest
from django.urls import reverse

from tests.browser import assert_accessible, log_in, screenshot
from tests.conftest import PASSWORD
from tests.test_audit_page import many_changes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_filters_and_pages_the_audit(live_server, page, cast):
    many_changes(cast, 75)  # the coordinator's progress, 75 times
    factory_sibling = cast.sibling
    factory_sibling.name = "Kliininen farmasia ja lääkehoito"
    factory_sibling.save()  # a change of another field, by nobody

    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(f"{live_server.url}{reverse('project-audit', args=[cast.project.pk])}")
    assert page.get_by_role("heading", level=1).inner_text() == "Muutoshistoria: HANKE-A"
    assert page.get_by_role("columnheader", name="Aika (Suomen aikaa)").is_visible()
    assert_accessible(page)

    filters = page.get_by_role("form", name="Rajaa muutoksia")
    filters.get_by_label("Henkilö").select_option(label="Koordinaattori Testinen")
    filters.get_by_label("Muutettu tieto").select_option(label="Edistyminen (%)")
    filters.get_by_role("button", name="Rajaa").click()
    page.get_by_role("status").filter(has_text="75 muutosta löytyi.").wait_for()
    table = page.get_by_role("table", name="Muutoshistoria, sivu 1/2")
    assert table.get_by_role("row").count() == 51  # the header and 50 changes
    assert table.get_by_role("cell", name="Koordinaattori Testinen").count() == 50
    assert table.get_by_text("Kliininen farmasia ja lääkehoito").count() == 0
    pages = page.get_by_role("navigation", name="Muutoshistorian sivut")
    assert pages.locator("[aria-current=page]").inner_text().split()[-1] == "1"
    screenshot(page, "audit-filtered")
    assert_accessible(page)

    pages.get_by_role("link", name="Seuraava sivu").click()
    page.wait_for_url(re.compile(r"page=2"))
    table = page.get_by_role("table", name="Muutoshistoria, sivu 2/2")
    assert table.get_by_role("row").count() == 26
    assert table.get_by_text("Edistyminen (%): 0 → 1").is_visible()  # the oldest change
    assert page.get_by_label("Henkilö").locator("option:checked").inner_text() == "Koordinaattori Testinen"
    assert page.get_by_label("Muutettu tieto").locator("option:checked").inner_text() == "Edistyminen (%)"
    pages = page.get_by_role("navigation", name="Muutoshistorian sivut")
    assert pages.get_by_role("link", name="Sivu 2").get_attribute("aria-current") == "page"
    assert pages.get_by_role("link", name="Edellinen sivu").is_visible()
    assert_accessible(page)

    # A date that is no date: said on the page, the error summary links to the field.
    page.get_by_label("Alkupäivä").fill("32.13.2022")
    page.get_by_role("button", name="Rajaa").click()
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name=re.compile("Anna päivämäärä muodossa pp.kk.vvvv")).click()
    assert page.evaluate("document.activeElement.id") == "id_start"
    assert page.get_by_label("Alkupäivä").input_value() == "32.13.2022"  # what was typed is kept
    screenshot(page, "audit-refused-date")
    assert_accessible(page)
