"""The REST API's tokens (issue 6): no token or an unknown or revoked one is refused, a token
records its last use, is throttled per client, and is made by a command or in the admin."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from api.models import ApiClient
from api.services import api_client_create
from tests import factories
from tests.api_support import get, results, url

pytestmark = pytest.mark.django_db


def test_no_credentials_get_401_with_a_bearer_challenge(client, data):
    response = client.get(url("project-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["sote_unknown-token", "not-even-the-prefix"])
def test_unknown_token_gets_401(client, data, token):
    assert get(client, url("project-list"), token).status_code == 401


def test_revoked_token_gets_401_even_with_a_valid_session(client, data):
    client.force_login(data.cast.national)
    assert get(client, url("project-list"), data.revoked_token).status_code == 401
    assert get(client, url("project-list")).status_code == 200  # the session alone works


def test_token_records_when_it_was_last_used(client, data):
    assert get(client, url("region-list"), data.national_token).status_code == 200
    assert ApiClient.objects.get(name="THL").last_used_at is not None


def test_throttling_per_client(client, data):
    _client, token = api_client_create(name="Kiireinen", all_projects=True, rate="2/minute")
    assert get(client, url("region-list"), token).status_code == 200
    assert get(client, url("region-list"), token).status_code == 200
    response = get(client, url("region-list"), token)
    assert response.status_code == 429 and "Retry-After" in response
    assert get(client, url("region-list"), data.national_token).status_code == 200


def test_create_api_token_command_prints_a_working_token(client, data, capsys):
    call_command("create_api_token", "Sotkanet", "--project", data.cast.other_project.code,
                 "--rate", "100/hour")
    token = capsys.readouterr().out.strip()
    assert token.startswith("sote_")
    rows = results(get(client, url("project-list"), token))
    assert [row["code"] for row in rows] == [data.cast.other_project.code]
    stored = ApiClient.objects.get(name="Sotkanet")
    assert token not in (stored.token_hash, stored.token_prefix) and stored.rate == "100/hour"


def test_admin_creates_a_client_shows_the_token_once_and_revokes_it(client, data):
    admin_user = factories.UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:api_apiclient_add"), {
        "name": "STM", "all_projects": "on", "rate": ""})
    assert response.status_code == 200, response.content[:2000]
    page = response.content.decode()
    token = page.split('<code class="api-token">')[1].split("</code>")[0]
    assert "no-store" in response["Cache-Control"]
    client.logout()
    assert get(client, url("project-list"), token).status_code == 200
    stm = ApiClient.objects.get(name="STM")
    client.force_login(admin_user)
    assert token not in client.get(reverse("admin:api_apiclient_change", args=[stm.pk])
                                   ).content.decode()
    client.post(reverse("admin:api_apiclient_changelist"),
                {"action": "revoke", "_selected_action": [stm.pk]})
    client.logout()
    assert get(client, url("project-list"), token).status_code == 401
