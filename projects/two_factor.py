"""Two-factor sign-in (issue 16, part 5): a TOTP authenticator app with recovery codes
(django-otp's TOTP and static devices), offered to managers and administrators and, where
TWO_FACTOR_REQUIRED_FOR_ADMINS is on (production), required before the Django admin opens.

A person who has set up a device answers its code after the password before any page opens;
the session then carries the verified device (django_otp.login). A sign-in through the
organisation's provider whose ID token says it asked a second factor (projects/oidc.py) counts
as verified too."""

import django_otp
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from projects.models import Membership

RECOVERY_CODES = 10
SETUP_NAME = "authenticator"
VERIFIED_BY_PROVIDER = "second_factor_by_provider"  # session key set by projects/oidc.py


def is_verified(request) -> bool:
    """The session has passed the second factor: here, or at the organisation's provider."""
    return request.user.is_verified() or bool(request.session.get(VERIFIED_BY_PROVIDER))


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def may_use_two_factor(user) -> bool:
    """Managers and administrators are offered the second factor."""
    return user.is_staff or Membership.objects.current().filter(
        person__user=user, role=Membership.Role.MANAGER).exists()


def required_for_admin(user) -> bool:
    return user.is_staff and settings.TWO_FACTOR_REQUIRED_FOR_ADMINS


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: a new secret until a code from it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=SETUP_NAME).first()
    return device or TOTPDevice.objects.create(user=user, confirmed=False, name=SETUP_NAME)


@transaction.atomic
def confirm_device(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the authenticator with a code from it; the new recovery codes, or None if the
    code is wrong. Any earlier authenticator and recovery codes are replaced."""
    if not device.verify_token(token.replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    recovery.token_set.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
    django_otp.login(request, device)
    return codes


def verify(request, token: str) -> bool:
    """Signs the session's second factor in with a code of the authenticator or a recovery
    code (used up by it)."""
    device = django_otp.match_token(request.user, token.replace(" ", ""))
    if device is None:
        return False
    django_otp.login(request, device)
    return True


def remove(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class TwoFactorMiddleware:
    """After the password, a person with an authenticator answers its code before any page;
    an administrator without one, where it is required, sets it up before the admin opens."""

    OPEN = ("/accounts/two-factor/", "/accounts/logout/", "/i18n/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not is_verified(request)
                and not request.path.startswith(self.OPEN)):
            target = None
            if has_two_factor(user):
                target = "two_factor_verify"
            elif request.path.startswith("/admin/") and required_for_admin(user):
                target = "two_factor_setup"
            if target:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _(
                        "Sign in with your second factor in the portal first.")}, status=403)
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
