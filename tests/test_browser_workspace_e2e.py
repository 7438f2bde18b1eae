"""Issue 11's test: the manager of a new, empty project sets the plan up through the workspace
alone (a work package, two subprojects with coordinators, a metric with a target, a budget
line, a risk), a coordinator reports the first month and the manager approves it. axe on
every workspace page visited; screenshots kept."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from projects.models import Membership
from reports.models import MonthlyReport
from reports.periods import open_last_months_periods
from tests import factories
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "salasana-testi-123"


def _user(username, project, role):
    user = factories.UserFactory(username=username, first_name=username.capitalize(),
                                 last_name="Testinen")
    person = factories.PersonFactory(user=user, name=f"{username.capitalize()} Testinen")
    factories.MembershipFactory(project=project, role=role, person=person)
    return user


def _save(page):
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status").first).to_be_visible()


def test_a_new_project_is_set_up_in_the_workspace_then_reported_and_approved(
        live_server, page, browser):
    project = factories.ProjectFactory(code="UUSI-1", name="Uusi hanke")
    _user("paallikko", project, Membership.Role.MANAGER)
    for name in ("koordinaattori", "toinen"):
        _user(name, project, Membership.Role.COORDINATOR)
    log_in(page, live_server, "paallikko", PASSWORD)
    hub = f"{live_server.url}/projects/{project.pk}/manage/"

    def section(link):
        page.goto(hub)
        page.get_by_role("link", name=link).click()
        assert_accessible(page)

    section("Hankkeen tiedot, vaiheet ja tunnusluvut")
    page.get_by_role("link", name="Lisää vaihe").click()
    page.get_by_label("Koodi").fill("I")
    page.get_by_label("Nimi").fill("I-vaihe")
    page.get_by_label("Alkamispäivä").fill("2026-01-01")
    page.get_by_label("Päättymispäivä").fill("2026-12-31")
    assert_accessible(page)
    _save(page)

    section("Työpaketit, osahankkeet ja työvaiheet")
    page.get_by_role("link", name="Lisää työpaketti").click()
    page.get_by_label("Koodi").fill("TP1")
    page.get_by_label("Nimi").fill("Palvelujen saatavuus")
    page.get_by_label(re.compile("^(Laji|Tyyppi)")).select_option(index=1)
    assert_accessible(page)
    _save(page)
    for code, name in (("1.1", "Digitiimi"), ("1.2", "Kliininen farmasia")):
        page.get_by_role("link", name="Lisää osahanke työpakettiin TP1").click()
        page.get_by_label("Koodi").fill(code)
        page.get_by_label("Nimi").fill(name)
        page.get_by_label("Suunniteltu aloituskuukausi").fill("1/2026")
        page.get_by_label("Suunniteltu päättymiskuukausi").fill("12/2026")
        _save(page)
    screenshot(page, "workspace-structure")
    for code, coordinator in (("1.1", "Koordinaattori Testinen"), ("1.2", "Toinen Testinen")):
        page.get_by_role("link", name=f"Vastuut: {code}").click()
        assert_accessible(page)
        page.get_by_role("group", name="Raportoivat koordinaattorit").get_by_label(coordinator).check()
        _save(page)

    section("Mittarit ja tavoitteet")
    page.get_by_role("link", name="Lisää mittari").click()
    page.get_by_label("Koodi").fill("1.1")
    page.get_by_label("Nimi").fill("Etävastaanottojen osuus")
    page.get_by_label(re.compile("^(Laji|Tyyppi)")).select_option(value="share")
    page.get_by_label("Raportointitiheys").select_option(value="monthly")
    page.get_by_label("Osahanke").select_option(index=1)
    assert_accessible(page)
    _save(page)
    page.get_by_role("link", name="Aseta uusi tavoite: 1.1").click()
    page.get_by_label("Lähtötason arvo").fill("10")
    page.get_by_label("Tavoitearvo").fill("40")
    page.get_by_label("Voimassa alkaen").fill("1.1.2026")
    assert_accessible(page)
    _save(page)

    section("Talousarvio ja kustannukset")
    page.get_by_role("link", name="Lisää talousarviorivi").click()
    page.get_by_label("Osahanke").select_option(index=1)
    page.get_by_label("Vuosi").fill("2026")
    page.get_by_label("Kustannuslaji").select_option(index=0)
    page.get_by_label(re.compile("Suunniteltu summa")).fill("120 000")
    _save(page)
    assert "120" in page.inner_text("main")

    section("Riskirekisteri")
    page.get_by_role("link", name="Lisää riski").click()
    page.get_by_label("Luokka").select_option(index=1)
    page.get_by_label("Kuvaus").fill("Henkilöstön vaihtuvuus")
    page.get_by_label(re.compile("Vakavuus", re.I)).fill("3")
    page.get_by_label(re.compile("Todennäköisyys", re.I)).fill("40")
    _save(page)
    screenshot(page, "workspace-risks")

    # The month opens as beat opens it; the coordinator reports, the manager approves.
    open_last_months_periods(today=dt.date(2026, 2, 1))
    coordinator = browser.new_context(locale="fi-FI").new_page()
    log_in(coordinator, live_server, "koordinaattori", PASSWORD)
    coordinator.get_by_role("link", name=re.compile("1.1 Digitiimi")).first.click()
    coordinator.get_by_role("radio", name=re.compile("vihreä", re.I)).first.check()
    coordinator.get_by_label(re.compile("^Edistyminen")).fill("10")
    coordinator.get_by_label("Tilanne / keskeiset aikaansaannokset").fill("Tiimi aloitti.")
    coordinator.get_by_label(re.compile("^Eteneminen|tulevat toimenpiteet")).first.fill("Jatketaan.")
    coordinator.get_by_label(re.compile("Etävastaanottojen osuus")).first.fill("12")
    coordinator.get_by_role("button", name=re.compile("Lähetä")).first.click()
    expect(coordinator.get_by_role("status").first).to_be_visible()
    report = MonthlyReport.objects.get(subproject__code="1.1", subproject__project=project)
    assert report.state == MonthlyReport.State.SUBMITTED

    page.goto(f"{live_server.url}/reports/projects/{project.pk}/review/?month=2026-01")
    page.get_by_role("link", name="Avaa raportti 1.1").click()
    page.get_by_role("button", name=re.compile("^Hyväksy")).first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.APPROVED
    screenshot(page, "workspace-approved")
