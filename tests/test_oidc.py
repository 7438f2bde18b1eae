"""The organisation's sign-in (issue 16, part 4): OpenID Connect with PKCE through
mozilla-django-oidc and projects/oidc.py.

- In Chromium against a real provider, oidc-provider from npm run with node on loopback
  (tests/oidc_provider/provider.mjs): an invited person signs in through the whole
  authorization-code flow with PKCE; a stranger is refused and gets no account.
- The ID token's checks against a small provider of the test's own on loopback, which signs
  the tokens the test asks for with a test RSA key and serves its JWKS: a wrong audience, an
  expired token, another key, a wrong nonce, an unsigned token, an unverified e-mail, a
  userinfo of another subject are refused; the provider's "mfa" skips the portal's TOTP step.
- Without OIDC_RP_CLIENT_ID nothing of it is there."""

import base64
import hashlib
import json
import logging
import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from projects import oidc
from projects.models import Membership
from tests import factories
from tests.browser import assert_accessible, screenshot
from tests.support import ROOT, free_port, stop, wait_for

CLIENT_ID = "sote-portal"
CLIENT_SECRET = "test-client-secret-not-secret"
BACKEND = "projects.oidc.OrganisationBackend"
NO_ACCESS = "Tunnuksellasi ei ole pääsyä portaaliin. Pyydä hankkeen päälliköltä kutsu."
FAILED = "Kirjautuminen organisaation tunnuksilla ei onnistunut."


def configure(settings, **values) -> None:
    """Turns the organisation's sign-in on, as the environment would."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    for name, value in values.items():
        setattr(settings, name, value)
    oidc._discovered.clear()


def security_events(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]


# --- Off by default ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_without_a_client_id_there_is_no_button_and_no_oidc_urls(client):
    page = client.get(reverse("login")).content.decode()
    assert "organisaation tunnuksilla" not in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}
                      ).status_code == 404


# --- The test's own provider: tokens signed as each case needs --------------------------------

class StubProvider:
    """Discovery, JWKS, token and userinfo endpoints on loopback. The token endpoint answers
    with self.id_token and records what the portal sent (the PKCE verifier among it)."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.id_token = ""
        self.userinfo: dict = {}
        self.token_requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, body: dict):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.answer({
                        "issuer": stub.issuer, "authorization_endpoint": f"{stub.issuer}/auth",
                        "token_endpoint": f"{stub.issuer}/token",
                        "userinfo_endpoint": f"{stub.issuer}/userinfo", "jwks_uri": f"{stub.issuer}/jwks",
                    })
                elif self.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(stub.key.public_key()))
                    self.answer({"keys": [{**jwk, "kid": "test-key", "use": "sig", "alg": "RS256"}]})
                elif self.path == "/userinfo":
                    self.answer(stub.userinfo)
                else:
                    self.send_error(404)

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                stub.token_requests.append({k: v[0] for k, v in parse_qs(body).items()})
                self.answer({"access_token": "access", "token_type": "Bearer", "id_token": stub.id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def sign(self, claims: dict, key=None, algorithm="RS256") -> str:
        return jwt.encode(claims, key or self.key, algorithm=algorithm, headers={"kid": "test-key"})


@pytest.fixture(scope="module")
def stub():
    provider = StubProvider()
    yield provider
    provider.server.shutdown()


@pytest.fixture
def stub_settings(settings, stub):
    configure(settings, OIDC_OP_DISCOVERY_URL=stub.issuer)
    return settings


def start(client) -> dict:
    """The button: the portal sends the browser to the provider with state, nonce and a
    PKCE challenge."""
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    query = {k: v[0] for k, v in parse_qs(urlparse(response["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and query["response_type"] == "code"
    return query


def id_claims(stub, request: dict, email: str, **changes) -> dict:
    now = int(time.time())
    claims = {"iss": stub.issuer, "aud": CLIENT_ID, "sub": f"sub-{email}", "email": email,
              "iat": now, "exp": now + 300, "nonce": request["nonce"]}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def come_back(client, stub, request: dict, id_token: str, userinfo: dict):
    """The provider sends the browser back with a code; the portal fetches the tokens."""
    stub.id_token, stub.userinfo = id_token, userinfo
    return client.get(reverse("oidc_authentication_callback"),
                      {"code": "the-code", "state": request["state"]})


@pytest.mark.django_db
def test_a_member_signs_in_with_pkce_and_a_checked_id_token(stub, stub_settings, cast, caplog):
    caplog.set_level(logging.INFO, logger="security")
    client = Client()
    assert "Kirjaudu organisaation tunnuksilla" in client.get(reverse("login")).content.decode()
    request = start(client)
    email = "KOORDINAATTORI@example.test"  # the provider's spelling: compared case-insensitively
    response = come_back(client, stub, request, stub.sign(id_claims(stub, request, email)),
                         {"sub": f"sub-{email}", "email": email, "email_verified": True})
    assert response.status_code == 302 and response["Location"] == reverse("reports:mine")
    sent = stub.token_requests[-1]
    digest = hashlib.sha256(sent["code_verifier"].encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == request["code_challenge"]
    assert sent["redirect_uri"].endswith("/accounts/oidc/callback/")
    page = client.get(reverse("reports:mine"))
    assert page.status_code == 200 and "Omat raportit" in page.content.decode()
    assert page.context["user"] == cast.coordinator
    assert {"event": "login", "user": "koordinaattori"}.items() <= security_events(caplog)[-1].items()
    # The same state does not sign anyone in twice.
    again = come_back(Client(), stub, request, stub.sign(id_claims(stub, request, email)), stub.userinfo)
    assert again["Location"] == reverse("login")


@pytest.mark.django_db
def test_the_person_s_e_mail_links_too_and_set_endpoints_work_without_discovery(stub, settings, cast):
    configure(settings, OIDC_OP_AUTHORIZATION_ENDPOINT=f"{stub.issuer}/auth",
              OIDC_OP_TOKEN_ENDPOINT=f"{stub.issuer}/token", OIDC_OP_USER_ENDPOINT=f"{stub.issuer}/userinfo",
              OIDC_OP_JWKS_ENDPOINT=f"{stub.issuer}/jwks", OIDC_OP_ISSUER=stub.issuer)
    person = cast.manager.person
    person.email = "Paallikko.Testinen@Hyvinvointialue.fi"
    person.save()
    client = Client()
    request = start(client)
    assert client.get(reverse("oidc_authentication_init")).url.startswith(f"{stub.issuer}/auth?")
    email = "paallikko.testinen@hyvinvointialue.fi"
    response = come_back(client, stub, request, stub.sign(id_claims(stub, request, email)),
                         {"sub": f"sub-{email}", "email": email})  # no email_verified: accepted
    assert response["Location"] == reverse("reports:mine")
    assert client.get(reverse("reports:mine")).context["user"] == cast.manager


def _expired(stub, r, e):
    return id_claims(stub, r, e, iat=int(time.time()) - 3600, exp=int(time.time()) - 120)


REFUSED_TOKENS = {
    "wrong_audience": lambda stub, r, e: stub.sign(id_claims(stub, r, e, aud="another-client")),
    "audience_list_for_another_party": lambda stub, r, e: stub.sign(
        id_claims(stub, r, e, aud=[CLIENT_ID, "another-client"], azp="another-client")),
    "expired": lambda stub, r, e: stub.sign(_expired(stub, r, e)),
    "no_expiry": lambda stub, r, e: stub.sign(id_claims(stub, r, e, exp=None)),
    "another_issuer": lambda stub, r, e: stub.sign(id_claims(stub, r, e, iss="http://127.0.0.1:1")),
    "wrong_nonce": lambda stub, r, e: stub.sign(id_claims(stub, r, e, nonce="replayed")),
    "another_key": lambda stub, r, e: stub.sign(id_claims(stub, r, e), key=stub.other_key),
    "unsigned": lambda stub, r, e: jwt.encode(id_claims(stub, r, e), None, algorithm="none"),
    "hmac_with_the_client_secret": lambda stub, r, e: stub.sign(
        id_claims(stub, r, e), key=CLIENT_SECRET.encode() * 2, algorithm="HS256"),
}


@pytest.mark.parametrize("case", REFUSED_TOKENS)
@pytest.mark.django_db
def test_a_bad_id_token_is_refused(stub, stub_settings, cast, caplog, case):
    caplog.set_level(logging.INFO, logger="security")
    client = Client()
    request = start(client)
    email = "koordinaattori@example.test"
    response = come_back(client, stub, request, REFUSED_TOKENS[case](stub, request, email),
                         {"sub": f"sub-{email}", "email": email, "email_verified": True})
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert FAILED in page and NO_ACCESS not in page
    assert client.get(reverse("reports:mine")).status_code == 302  # not signed in
    failure = security_events(caplog)[-1]
    assert failure["event"] == "login_failed"
    assert failure["method"] == "oidc" and failure["reason"] == "token_refused"


REFUSED_PEOPLE = {
    # (e-mail, userinfo changes, reason)
    "stranger": ("muukalainen@example.test", {}, "not_invited"),
    "user_without_a_project": ("entinen@example.test", {}, "not_invited"),
    "deactivated_member": ("ohjaaja@example.test", {}, "not_invited"),
    "unverified_e_mail": ("koordinaattori@example.test", {"email_verified": False}, "email_unverified"),
    "unverified_e_mail_as_text": ("koordinaattori@example.test", {"email_verified": "false"},
                                  "email_unverified"),
    "userinfo_of_another_subject": ("koordinaattori@example.test", {"sub": "someone-else"},
                                    "userinfo_subject_mismatch"),
}


@pytest.mark.parametrize("case", REFUSED_PEOPLE)
@pytest.mark.django_db
def test_only_an_existing_member_with_a_verified_e_mail_gets_in(stub, stub_settings, cast, caplog, case):
    caplog.set_level(logging.INFO, logger="security")
    factories.UserFactory(username="entinen")
    cast.steering.is_active = False
    cast.steering.save()
    users = get_user_model().objects.count()
    email, changes, reason = REFUSED_PEOPLE[case]
    client = Client()
    request = start(client)
    userinfo = {"sub": f"sub-{email}", "email": email, "email_verified": True, **changes}
    response = come_back(client, stub, request, stub.sign(id_claims(stub, request, email)), userinfo)
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert (NO_ACCESS in page) == (reason != "userinfo_subject_mismatch")
    assert client.get(reverse("reports:mine")).status_code == 302
    assert get_user_model().objects.count() == users  # no account for anyone
    failure = security_events(caplog)[-1]
    assert (failure["event"], failure["method"], failure["reason"]) == ("login_failed", "oidc", reason)


@pytest.mark.django_db
def test_a_provider_answering_nonsense_is_a_refusal_not_an_error(stub, stub_settings, cast):
    client = Client()
    request = start(client)
    email = "koordinaattori@example.test"
    response = come_back(client, stub, request, stub.sign(id_claims(stub, request, email)),
                         ["not", "an", "object"])
    assert response["Location"] == reverse("login")
    assert FAILED in client.get(reverse("login")).content.decode()
    request = start(client)
    response = come_back(client, stub, request, "not-a-token", {"sub": f"sub-{email}", "email": email})
    assert response["Location"] == reverse("login")


@pytest.mark.parametrize("amr", [["pwd", "mfa"], ["pwd"], None])
@pytest.mark.django_db
def test_the_provider_s_second_factor_stands_in_for_the_portal_s(stub, stub_settings, cast, amr):
    TOTPDevice.objects.create(user=cast.manager, name="authenticator", confirmed=True)
    client = Client()
    request = start(client)
    email = "paallikko@example.test"
    come_back(client, stub, request, stub.sign(id_claims(stub, request, email, amr=amr)),
              {"sub": f"sub-{email}", "email": email})
    page = client.get(reverse("reports:mine"))
    if amr and "mfa" in amr:
        assert page.status_code == 200
    else:  # signed in, but the authenticator's code is still asked
        assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))


@pytest.mark.django_db
def test_a_provider_that_cannot_be_reached_leaves_the_password_login(settings, client):
    configure(settings, OIDC_OP_DISCOVERY_URL=f"http://127.0.0.1:{free_port()}")
    response = client.get(reverse("oidc_authentication_init"), follow=True)
    assert "Kirjautuminen organisaation tunnuksilla ei ole nyt käytettävissä" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("login")


@pytest.mark.django_db
def test_in_production_a_provider_over_plain_http_is_not_spoken_to(stub, stub_settings, client):
    stub_settings.PRODUCTION = True
    response = client.get(reverse("oidc_authentication_init"), follow=True)
    assert "Kirjautuminen organisaation tunnuksilla ei ole nyt käytettävissä" in response.content.decode()


@pytest.mark.django_db
def test_passwords_stay_and_a_password_post_with_a_code_does_not_reach_the_provider(
        stub, stub_settings, cast, client):
    requests_before = len(stub.token_requests)
    url = f"{reverse('login')}?code=stolen&state=forged"
    wrong = client.post(url, {"username": "koordinaattori", "password": "väärä"})
    assert wrong.status_code == 200 and not wrong.context["user"].is_authenticated
    right = client.post(url, {"username": "koordinaattori", "password": "salasana-testi-123"})
    assert right.status_code == 302  # local passwords stay
    assert len(stub.token_requests) == requests_before


# --- A real provider in Chromium --------------------------------------------------------------

ACCOUNTS = {
    "kutsuttu": {"email": "koordinaattori@example.test", "email_verified": True},
    "muukalainen": {"email": "muukalainen@example.test", "email_verified": True},
}


@pytest.fixture
def real_provider(live_server, tmp_path, settings):
    port = free_port()
    log = tmp_path / "oidc-provider.log"
    env = {**os.environ, "OIDC_TEST_PORT": str(port), "OIDC_TEST_ACCOUNTS": json.dumps(ACCOUNTS),
           "OIDC_TEST_CLIENT": json.dumps({
               "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
               "redirect_uri": f"{live_server.url}{reverse('oidc_authentication_callback')}"})}
    with log.open("ab") as output:
        process = subprocess.Popen(["node", "tests/oidc_provider/provider.mjs"], cwd=ROOT, env=env,
                                   stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: "ready" in log.read_text() or process.poll() is not None, 30,
                 "oidc-provider to listen")
        assert process.poll() is None, log.read_text()
        configure(settings, OIDC_OP_DISCOVERY_URL=f"http://127.0.0.1:{port}")
        yield port
    finally:
        stop(process)


def sign_in_at_the_provider(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}{reverse('login')}")
    with page.expect_request(re.compile(r"http://127\.0\.0\.1:\d+/auth\?")) as asked:
        page.get_by_role("link", name="Kirjaudu organisaation tunnuksilla").click()
    query = parse_qs(urlparse(asked.value.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["client_id"] == [CLIENT_ID]
    page.wait_for_url(re.compile(r"http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("mikä-tahansa")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]", has_text=re.compile("Continue|Authorize", re.I)).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_invited_person_signs_in_at_a_real_provider_and_a_stranger_is_refused(
        live_server, real_provider, page, browser):
    user = factories.UserFactory(username="koordinaattori")
    factories.MembershipFactory(person__user=user, project__name="Oma hanke",
                                role=Membership.Role.COORDINATOR)
    sign_in_at_the_provider(page, live_server, "kutsuttu")
    page.wait_for_url(f"{live_server.url}{reverse('reports:mine')}")
    assert page.get_by_role("heading", name="Omat raportit").is_visible()
    assert page.locator("form.logout span").inner_text() == "koordinaattori"
    screenshot(page, "oidc-signed-in")

    users = get_user_model().objects.count()
    context = browser.new_context(locale="fi-FI")
    stranger = context.new_page()
    try:
        sign_in_at_the_provider(stranger, live_server, "muukalainen")
        stranger.wait_for_url(f"{live_server.url}{reverse('login')}")
        assert NO_ACCESS in stranger.get_by_role("status").inner_text()
        assert_accessible(stranger)
        screenshot(stranger, "oidc-stranger-refused")
    finally:
        context.close()
    assert get_user_model().objects.count() == users
