"""The organisation's sign-in (issue 16, part 4): OpenID Connect through mozilla-django-oidc,
the authorization-code flow with PKCE and a nonce.

On only where OIDC_RP_CLIENT_ID is set (settings.py adds the backend then); elsewhere the
login page shows no button and these URLs answer 404. The provider's endpoints come from the
environment, or from its discovery document (OIDC_OP_DISCOVERY_URL), fetched lazily at the
first sign-in through the organisation and kept for an hour by each web process (a provider
that is down when the portal starts does not stop it; endpoints set explicitly win).

Who gets in: no account is ever created. The e-mail claim (OIDC_EMAIL_CLAIM) must be one
active portal user's (User.email or their Person's e-mail, case-insensitive) who is a member
of a project, a national viewer or staff; an e-mail the provider says is unverified
(email_verified false) is refused. Everything else is refused with the same message on the
login page and a `login_failed` line (method "oidc", a reason) in the security log.

The ID token is checked here, not by the library: mozilla-django-oidc 5 decodes it with
PyJWT without checking the audience, and lets an expired token escape as a server error. This
backend checks the signature (the one algorithm OIDC_RP_SIGN_ALGO, the key from the
provider's JWKS), the audience (and azp), the issuer (the discovered one, or OIDC_OP_ISSUER),
exp and iat (30 seconds' leeway), and the nonce; and the userinfo's `sub` must be the ID
token's.

The second factor: the organisation's provider does its own multi-factor sign-in. A session
counts as verified by it only if the ID token's `amr` says so ("mfa" or "otp"); otherwise a
person who has set up an authenticator still answers its code (projects/two_factor.py).

django-axes' lockout counts failures per user name: an OIDC callback carries none, so the
provider's own lockout is what holds back guessing there."""

import time

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from projects import two_factor
from projects.models import Membership
from projects.permissions import is_national_viewer
from sote_portal.security import security_event

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
DISCOVERY_SECONDS = 3600
LEEWAY_SECONDS = 30
MFA_METHODS = {"mfa", "otp"}  # RFC 8176 values that say the provider asked a second factor
_discovered: dict[str, tuple[float, dict]] = {}


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def _discovery() -> dict:
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return {}
    if not url.endswith(DISCOVERY_SUFFIX):
        url = url.rstrip("/") + DISCOVERY_SUFFIX
    fetched = _discovered.get(url)
    if fetched and time.monotonic() - fetched[0] < DISCOVERY_SECONDS:
        return fetched[1]
    response = requests.get(_https(url), timeout=settings.OIDC_TIMEOUT)
    response.raise_for_status()
    document = response.json()
    if not isinstance(document, dict):
        raise ImproperlyConfigured("OIDC_OP_DISCOVERY_URL: no discovery document there")
    # OpenID Connect Discovery 4.3: the issuer is the URL the document was asked from.
    if document.get("issuer", "").rstrip("/") != url.removesuffix(DISCOVERY_SUFFIX).rstrip("/"):
        raise ImproperlyConfigured("OIDC_OP_DISCOVERY_URL: the document names another issuer")
    _discovered[url] = (time.monotonic(), document)
    return document


def _https(url: str) -> str:
    """The provider is spoken to over TLS only in production (tests run one on loopback)."""
    if settings.PRODUCTION and url and not url.startswith("https://"):
        raise ImproperlyConfigured(f"the OpenID Connect provider's URLs must be https: {url}")
    return url


def endpoint(name: str) -> str:
    """An endpoint of the provider: set in the environment, or else discovered.
    name: authorization, token, userinfo, jwks or issuer."""
    explicit = {
        "authorization": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo": settings.OIDC_OP_USER_ENDPOINT,
        "jwks": settings.OIDC_OP_JWKS_ENDPOINT,
        "issuer": settings.OIDC_OP_ISSUER,
    }[name]
    if not explicit:
        key = {"authorization": "authorization_endpoint", "token": "token_endpoint",
               "userinfo": "userinfo_endpoint", "jwks": "jwks_uri", "issuer": "issuer"}[name]
        explicit = _discovery().get(key, "")
    return explicit if name == "issuer" else _https(explicit)


def refuse(request, reason: str, email: str | None = None, **fields):
    """Stops the sign-in: Django's authenticate() logs it through the user_login_failed signal
    (sote_portal/security.py adds these fields) and the callback shows the message."""
    request.login_failure = {"method": "oidc", "reason": reason, "username": email and email[:254],
                             **fields}
    raise PermissionDenied(reason)


class OrganisationBackend(OIDCAuthenticationBackend):
    """Signs in an existing portal user by the organisation's ID token; never creates one."""

    def __init__(self, *args, **kwargs):
        # The library reads the endpoints here; they are read when used instead (discovery).
        self.UserModel = get_user_model()

    OIDC_RP_IDP_SIGN_KEY = None
    OIDC_RP_CLIENT_ID = property(lambda self: settings.OIDC_RP_CLIENT_ID)
    OIDC_RP_CLIENT_SECRET = property(lambda self: settings.OIDC_RP_CLIENT_SECRET)
    OIDC_RP_SIGN_ALGO = property(lambda self: settings.OIDC_RP_SIGN_ALGO)
    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: endpoint("token"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: endpoint("userinfo"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: endpoint("jwks"))

    def authenticate(self, request, **kwargs):
        # Only the callback view signs in this way (it passes the state's nonce and PKCE
        # verifier): a password form posted to a URL with ?code=…&state=… does not.
        if request is None or not enabled() or "code_verifier" not in kwargs or "password" in kwargs:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError, jwt.PyJWKError, requests.RequestException,
                ImproperlyConfigured, AttributeError, KeyError, TypeError, ValueError) as exc:
            refuse(request, "token_refused", detail=f"{type(exc).__name__}: {exc}"[:200])

    def verify_token(self, token, **kwargs):
        """The signature, audience, issuer, expiry and nonce of an ID token (OpenID Connect
        Core 3.1.3.7); a signed userinfo answer (no nonce asked) needs no expiry."""
        is_id_token = "nonce" in kwargs
        algorithm = self.OIDC_RP_SIGN_ALGO
        if jwt.get_unverified_header(token).get("alg") != algorithm:
            raise SuspiciousOperation("unexpected signing algorithm")
        if algorithm.startswith(("RS", "ES", "PS")):
            key = self.retrieve_matching_jwk(token)
        else:
            key = self.OIDC_RP_CLIENT_SECRET
        issuer = endpoint("issuer") or None
        required = ["exp", "iat", "aud", "sub"] + (["iss"] if issuer else [])
        payload = jwt.decode(
            token, key, algorithms=[algorithm], audience=self.OIDC_RP_CLIENT_ID, issuer=issuer,
            leeway=LEEWAY_SECONDS, options={"require": required if is_id_token else []},
        )
        audience = payload.get("aud")
        if isinstance(audience, list) and len(audience) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("the token was issued to another party")
        if is_id_token and payload.get("nonce") != kwargs["nonce"]:
            raise SuspiciousOperation("nonce mismatch")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            refuse(self.request, "userinfo_subject_mismatch")
        claims = {**payload, **userinfo}
        email = claims.get(settings.OIDC_EMAIL_CLAIM)
        if not isinstance(email, str) or "@" not in email:
            refuse(self.request, "no_email")
        if not self.verify_claims(claims):
            refuse(self.request, "email_unverified", email)
        users = list(self.filter_users_by_claims(claims)[:2])
        if len(users) != 1:
            refuse(self.request, "not_invited" if not users else "ambiguous_email", email)
        # The callback marks the session verified (projects/two_factor.py) after the login.
        self.request.oidc_mfa = bool(MFA_METHODS & set(payload.get("amr") or []))
        return users[0]

    def verify_claims(self, claims) -> bool:
        # Only a provider's explicit "false" refuses: many (Entra ID) do not send the claim.
        return str(claims.get("email_verified")).lower() != "false"

    def filter_users_by_claims(self, claims):
        """The one active user with this e-mail who may use the portal: a project member, a
        national viewer or staff. Invitations (part 1) will add the invited ones."""
        email = claims.get(settings.OIDC_EMAIL_CLAIM)
        if not email:
            return self.UserModel.objects.none()
        candidates = self.UserModel.objects.filter(
            Q(email__iexact=email) | Q(person__email__iexact=email), is_active=True).distinct()
        allowed = [u.pk for u in candidates if u.is_staff or is_national_viewer(u)
                   or Membership.objects.filter(person__user=u).exists()]
        return self.UserModel.objects.filter(pk__in=allowed)

    get_user = ModelBackend.get_user  # the library's would keep a deactivated user signed in

    def create_user(self, claims):
        raise PermissionDenied("no account is created for a stranger")


class LoginView(auth_views.LoginView):
    """The login page: the password form, and the organisation's button where configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, oidc_enabled=enabled())


class StartView(OIDCAuthenticationRequestView):
    """The button: sends the browser to the provider with state, nonce and a PKCE challenge."""

    def get(self, request):
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoint("authorization")
        except (requests.RequestException, ImproperlyConfigured, ValueError):
            self.OIDC_OP_AUTH_ENDPOINT = ""
        if not self.OIDC_OP_AUTH_ENDPOINT:
            messages.error(request, _("The organisation's sign-in is not available right now. "
                                      "Try again later or log in with your password."))
            return HttpResponseRedirect(reverse("login"))
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with the code; a refusal returns to the login
    page with its message."""

    def get(self, request):
        if not enabled():
            raise Http404
        if request.GET.get("error"):  # refused or cancelled at the provider
            self._log_failure("provider_error", error=request.GET["error"][:100])
        elif "code" in request.GET and request.GET.get("state") not in request.session.get(
                "oidc_states", {}):  # a state this browser did not start: replayed or forged
            self._log_failure("state_unknown")
            return self.login_failure()
        return super().get(request)

    def _log_failure(self, reason: str, **fields) -> None:
        self.request.login_failure = {"method": "oidc", "reason": reason}
        security_event("login_failed", self.request, method="oidc", reason=reason, **fields)

    def login_success(self):
        response = super().login_success()
        if getattr(self.request, "oidc_mfa", False):
            self.request.session[two_factor.VERIFIED_BY_PROVIDER] = True
        return response

    def login_failure(self):
        failure = getattr(self.request, "login_failure", None) or {}
        if failure.get("reason") in ("not_invited", "email_unverified", "ambiguous_email", "no_email"):
            messages.error(self.request, _("Your account has no access to the portal. Ask the "
                                           "project manager for an invitation."))
        else:
            messages.error(self.request, _("Signing in with your organisation's account did not "
                                           "succeed. Try again or log in with your password."))
        return HttpResponseRedirect(reverse("login"))
