"""Session limits and the security log (OWASP ASVS 3.3, 7.1).

- A session ends after SESSION_IDLE_SECONDS without requests (Django's cookie age, renewed on
  every request) and at the latest SESSION_ABSOLUTE_SECONDS after login (this middleware).
- Every login, logout, failed login and refused access writes one JSON line in UTC to the
  `security` logger."""

import datetime as dt
import json
import logging
import time

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect
from django.utils import timezone

log = logging.getLogger("security")
LOGIN_AT = "login_at"


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def security_event(event: str, request=None, **fields) -> None:
    """One structured line: {"time": UTC ISO, "event": ..., "user": ..., "ip": ..., ...}."""
    user = getattr(request, "user", None) if request is not None else None
    record = {
        "time": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "event": event,
        "user": fields.pop("username", None) or (
            user.get_username() if user is not None and user.is_authenticated else None),
        "ip": _client_ip(request),
        **fields,
    }
    log.info(json.dumps(record, ensure_ascii=False))


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = int(time.time())
    security_event("login", request, username=user.get_username())


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    security_event("logout", request, username=user.get_username() if user else None)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # A backend may say more: the organisation's sign-in (projects/oidc.py) gives its method,
    # the reason and the e-mail claim.
    security_event("login_failed", request, **{
        "username": credentials.get("username"), **getattr(request, "login_failure", {})})


class SessionLimitsMiddleware:
    """Ends sessions older than the absolute limit, and logs refused requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:
                request.session[LOGIN_AT] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                security_event("session_expired", request)
                logout(request)
                return redirect(f"{settings.LOGIN_URL_PATH}?next={request.path}")
        response = self.get_response(request)
        if response.status_code in (401, 403) or (
            response.status_code == 404 and user is not None and user.is_authenticated
        ):
            security_event("access_refused", request, path=request.path,
                           method=request.method, status=response.status_code)
        return response


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout for logins over HTTP. An authentication without a request
    (a management command, the test client's login helper) comes from no network client, so
    there is nothing to count: it is left to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    security_event("login_locked_out", request, username=username)
