"""Deployment settings, sessions and the security log (issue 7, ASVS 3.3 and 7.1)."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_production_settings_pass_the_deployment_check():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "TESTING")}
    env.update(SECRET_KEY="kG7-vQ2!mZ9@xL4#pR8^wN1&bT6*yH3(dF5)jC0_sA-uE+iO=qW7.rT2,yU8;oP4:aS6", DEBUG="0",
               ALLOWED_HOSTS="sote.example.fi")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_security_headers_are_sent(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_replayed_after_logout_is_refused(client):
    user = factories.UserFactory(username="kayttaja")
    factories.MembershipFactory(person__user=user)
    client.post(reverse("login"), {"username": "kayttaja", "password": "salasana-testi-123"})
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    client.cookies["sessionid"] = cookie  # an attacker replays the old cookie
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_session_ends_after_the_absolute_limit(client, settings):
    user = factories.UserFactory(username="pitkaistunto")
    client.force_login(user)
    session = client.session
    session["login_at"] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(reverse("home")).status_code == 302  # logged out for good


def test_idle_limit_is_thirty_minutes_renewed_on_every_request(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_logins_failures_logouts_and_refusals_leave_one_json_line_each(client, caplog, cast):
    caplog.set_level(logging.INFO, logger="security")
    client.post(reverse("login"), {"username": "koordinaattori", "password": "väärä-salasana"})
    client.post(reverse("login"), {"username": "koordinaattori", "password": "salasana-testi-123"})
    client.get(reverse("reports:review", args=[cast.project.pk]))  # 403 for a coordinator
    client.post(reverse("logout"))
    events = [json.loads(r.getMessage()) for r in caplog.records if r.name == "security"]
    assert [e["event"] for e in events] == ["login_failed", "login", "access_refused", "logout"]
    assert all(e["time"].endswith("+00:00") for e in events)
    assert events[0]["user"] == "koordinaattori" and events[2]["status"] == 403


def test_repeated_failed_logins_hold_the_account_back(client, caplog, settings):
    factories.UserFactory(username="lukittava", password="salasana-testi-123")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lukittava", "password": "väärä-salasana"})
    caplog.set_level(logging.INFO, logger="security")
    # Even the right password is refused while the account is held back.
    response = client.post(reverse("login"), {"username": "lukittava",
                                              "password": "salasana-testi-123"})
    assert response.status_code == 429
    assert "Liian monta epäonnistunutta kirjautumista" in response.content.decode()
    assert "_auth_user_id" not in client.session
    events = [json.loads(r.getMessage())["event"] for r in caplog.records if r.name == "security"]
    assert "login_locked_out" in events
    # Another account is not affected.
    factories.UserFactory(username="toinen", password="salasana-testi-123")
    response = client.post(reverse("login"), {"username": "toinen",
                                              "password": "salasana-testi-123"})
    assert response.status_code == 302
