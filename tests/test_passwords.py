"""Password self-service (issue 16): change with the old password (the person's other sessions
end), reset by e-mail that does not reveal whether an address has an account, rate-limited."""

import re
import statistics
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "vanha-salasana-2026"
NEW = "Uusi-pitkä-salasana-42"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the rate limits count in the cache
    yield
    cache.clear()


@pytest.fixture
def person():
    user = factories.UserFactory(username="iiris", email="iiris.repo@hyvinvointialue.fi",
                                 first_name="Iiris", last_name="Repo")
    user.set_password(PASSWORD)
    user.save()
    return user


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_change_needs_the_old_password_and_ends_the_other_sessions(person):
    here, elsewhere = _signed_in(person), _signed_in(person)
    page = here.get(reverse("password_change"))
    assert "Vaihda salasana" in page.content.decode()
    wrong = here.post(reverse("password_change"), {
        "old_password": "arvaus", "new_password1": NEW, "new_password2": NEW})
    text = wrong.content.decode()
    assert wrong.status_code == 200 and "Tarkista seuraavat" in text
    assert 'href="#id_old_password"' in text  # the summary links to the field
    done = here.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Salasanasi on vaihdettu" in done.content.decode()
    assert here.get(reverse("reports:mine")).status_code == 200  # this session goes on
    assert elsewhere.get(reverse("reports:mine")).status_code == 302  # the other one ended


def test_a_weak_new_password_is_refused_in_finnish(person):
    response = _signed_in(person).post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert "liian lyhyt" in response.content.decode()


def test_reset_round_trip_sets_a_new_password_and_the_link_works_once(person):
    login = Client().get(reverse("login")).content.decode()
    assert reverse("password_reset") in login and "Unohditko salasanasi?" in login
    response = Client().post(reverse("password_reset"), {"email": "IIRIS.repo@hyvinvointialue.fi"},
                             follow=True)
    assert "Tarkista sähköpostisi" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["iiris.repo@hyvinvointialue.fi"]
    assert "Hei Iiris Repo" in message.body and "iiris" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    assert "Aseta uusi salasana" in form_page.content.decode()
    saved = visitor.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Uusi salasanasi on tallennettu" in saved.content.decode()
    assert Client().login(username="iiris", password=NEW)
    again = Client().get(link, follow=True).content.decode()
    assert "Linkki on jo käytetty tai vanhentunut" in again


def test_reset_answers_the_same_for_an_unknown_address(person):
    known = Client().post(reverse("password_reset"), {"email": "iiris.repo@hyvinvointialue.fi"})
    unknown = Client().post(reverse("password_reset"), {"email": "ei.ketaan@example.fi"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    def page(url):  # without the form's CSRF token, which differs for every visitor
        return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", Client().get(url).content.decode())

    assert page(known["Location"]) == page(unknown["Location"])


def test_reset_takes_the_same_time_for_a_known_and_an_unknown_address(person, settings):
    settings.PASSWORD_RESET_RATE = "1000/h"

    def median_ms(address):
        times = []
        for _ in range(15):
            started = time.perf_counter()
            Client().post(reverse("password_reset"), {"email": address})
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    median_ms("ei.ketaan@example.fi")  # warm up
    known, unknown = median_ms(person.email), median_ms("ei.ketaan@example.fi")
    # Within noise: the e-mail is sent by a task, not while the visitor waits.
    assert abs(known - unknown) < max(15.0, 0.5 * unknown), (known, unknown)


def test_reset_requests_for_one_address_are_limited(person):
    for _ in range(5):
        assert Client().post(reverse("password_reset"), {"email": person.email}).status_code == 302
    limited = Client().post(reverse("password_reset"), {"email": person.email.upper()})
    assert limited.status_code == 429
    assert "liian monta kertaa" in limited.content.decode()
    assert len(mail.outbox) == 5
    # Another address is not held back by it.
    assert Client().post(reverse("password_reset"), {"email": "toinen@example.fi"}).status_code == 302


def test_a_reset_ends_a_lockout_of_failed_logins(person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": "iiris", "password": "väärin"})
    def log_in(password):
        return Client().post(reverse("login"), {"username": "iiris", "password": password})

    assert log_in(PASSWORD).status_code == 429  # held back
    Client().post(reverse("password_reset"), {"email": person.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    visitor = Client()
    set_url = visitor.get(link, follow=True).redirect_chain[-1][0]
    visitor.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert log_in(NEW).status_code == 302
