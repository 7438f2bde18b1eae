"""Two-step sign-in (issue 16, part 5): managers and administrators set up an authenticator app
(TOTP) with recovery codes; after the password the code is asked before any page; where it is
required, an administrator reaches the admin only with it."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from projects.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "salasana-testi-123"


def code(device, steps_ahead=0) -> str:
    """The code the app shows (steps_ahead: the next 30-second window's, for a second code)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def signed_in(username) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def manager(cast):
    cast.manager.person.user.set_password(PASSWORD)
    cast.manager.person.user.save()
    return cast.manager.person.user


def set_up(client, user) -> list[str]:
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "QR" in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', text).group(1)
    assert key.replace(" ", "") in device.config_url  # the key to type is the QR's
    wrong_code = "000000" if code(device) != "000000" else "111111"
    wrong = client.post(reverse("two_factor_setup"), {"code": wrong_code})
    assert wrong.status_code == 400 and "Koodi ei ole oikein" in wrong.content.decode()
    time.sleep(1.1)  # django-otp holds the next try back a second after a wrong code
    done = client.post(reverse("two_factor_setup"), {"code": code(device)})
    assert "Kaksivaiheinen kirjautuminen on käytössä" in done.content.decode()
    return re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())


def test_a_manager_sets_it_up_and_then_signs_in_with_the_code(manager):
    client = signed_in(manager.username)
    account = client.get(reverse("account")).content.decode()
    assert "Ota kaksivaiheinen kirjautuminen käyttöön" in account
    codes = set_up(client, manager)
    assert len(codes) == 10 and len(set(codes)) == 10
    # A new sign-in: the password alone opens no page.
    fresh = signed_in(manager.username)
    page = fresh.get(reverse("reports:mine"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))
    refused = fresh.post(reverse("two_factor_verify"), {"code": "12345"})
    assert refused.status_code == 400 and "Koodi ei ole oikein" in refused.content.decode()
    time.sleep(1.1)
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    answer = fresh.post(f"{reverse('two_factor_verify')}?next=/reports/mine/",
                        {"code": code(device, 1), "next": reverse("reports:mine")})
    assert answer.status_code == 302 and answer["Location"] == reverse("reports:mine")
    assert fresh.get(reverse("reports:mine")).status_code == 200
    # The same code does not open a third session.
    third = signed_in(manager.username)
    assert third.post(reverse("two_factor_verify"), {"code": code(device, 1)}).status_code == 400


def test_a_recovery_code_works_once(manager):
    codes = set_up(signed_in(manager.username), manager)
    first = signed_in(manager.username)
    assert first.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("reports:mine")).status_code == 200
    again = signed_in(manager.username)
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 400


def test_an_unverified_session_gets_no_api_data(manager):
    set_up(signed_in(manager.username), manager)
    response = signed_in(manager.username).get("/api/v1/projects/")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_a_coordinator_is_not_offered_it(cast):
    client = Client()
    client.force_login(cast.coordinator.person.user)
    assert "kaksivaiheinen" not in client.get(reverse("account")).content.decode().lower()
    assert client.get(reverse("two_factor_setup")).status_code == 403


def test_an_administrator_reaches_the_admin_only_with_it(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = True
    admin = factories.UserFactory(username="yllapito", is_staff=True, is_superuser=True)
    client = signed_in("yllapito")
    to_setup = client.get("/admin/")
    assert to_setup.status_code == 302 and to_setup["Location"].startswith(reverse("two_factor_setup"))
    set_up(client, admin)
    assert client.get("/admin/").status_code == 200
    # An administrator cannot turn it off where it is required.
    assert client.post(reverse("two_factor_remove")).status_code == 403
    fresh = signed_in("yllapito")
    assert fresh.get("/admin/").status_code == 302


def test_without_the_requirement_the_admin_opens_with_the_password(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_ADMINS = False
    factories.UserFactory(username="yllapito", is_staff=True, is_superuser=True)
    assert signed_in("yllapito").get("/admin/").status_code == 200


def test_a_manager_may_turn_it_off(manager):
    client = signed_in(manager.username)
    set_up(client, manager)
    client.post(reverse("two_factor_remove"))
    assert not TOTPDevice.objects.filter(user=manager).exists()
    assert signed_in(manager.username).get(reverse("reports:mine")).status_code == 200
    assert Membership.objects.filter(person__user=manager).exists()
