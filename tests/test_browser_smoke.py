import pytest
from django.urls import reverse

from tests import factories
from tests.browser import assert_accessible, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_project_list_in_a_real_browser(live_server, page):
    user = factories.UserFactory(username="koordinaattori")
    factories.MembershipFactory(person__user=user, project__name="Oma hanke")
    log_in(page, live_server, "koordinaattori", "salasana-testi-123")
    assert page.url == f"{live_server.url}{reverse('reports:mine')}"  # lands on my reports
    page.get_by_role("navigation").locator(f'a[href="{reverse("home")}"]').click()
    page.wait_for_url(f"{live_server.url}{reverse('home')}")
    assert page.get_by_text("Oma hanke").is_visible()
    screenshot(page, "project-list")
    assert_accessible(page)


def test_forgotten_password_round_trip_in_a_real_browser(live_server, page, mailoutbox):
    import re

    factories.UserFactory(username="iiris", email="iiris@hyvinvointialue.fi")
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_role("link", name="Unohditko salasanasi?").click()
    assert_accessible(page)
    page.get_by_role("button", name="Lähetä linkki").click()  # nothing typed
    summary = page.get_by_role("alert")
    assert "Tarkista seuraavat" in summary.inner_text()
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.get_by_label("Sähköposti").fill("iiris@hyvinvointialue.fi")
    page.get_by_role("button", name="Lähetä linkki").click()
    assert page.get_by_role("heading", name="Tarkista sähköpostisi").is_visible()
    assert "Jos osoite kuuluu käyttäjätilille" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    link = re.search(r"http://\S+/accounts/reset/\S+", mailoutbox[0].body).group()
    page.goto(link)
    page.get_by_label(re.compile(r"^Uusi salasana\W*$")).fill("Uusi-pitkä-salasana-42")
    page.get_by_label("Uusi salasana uudelleen").fill("Uusi-pitkä-salasana-42")
    assert_accessible(page)
    page.get_by_role("button", name="Tallenna salasana").click()
    assert "Uusi salasanasi on tallennettu" in page.get_by_role("status").inner_text()
    log_in(page, live_server, "iiris", "Uusi-pitkä-salasana-42")
    assert page.url == f"{live_server.url}{reverse('reports:mine')}"
    page.get_by_role("link", name="Oma tili").click()
    page.get_by_role("link", name="Vaihda salasana").click()
    assert page.get_by_role("heading", name="Vaihda salasana").is_visible()
    assert_accessible(page)
