"""Token authentication for API clients: `Authorization: Bearer <token>`."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api import services
from api.access import ClientPrincipal

KEYWORDS = (b"bearer", b"token")
ONLY_BEARER = _("Only Bearer tokens are accepted: give 'Authorization: Bearer <token>'.")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """A request with a token is the token's client, or refused with 401 — an unknown or
    revoked token never falls back to a session."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() not in KEYWORDS:
            # Basic, Digest …: never a session's fallback nor "no credentials given".
            raise exceptions.AuthenticationFailed(ONLY_BEARER)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header: give it as 'Authorization: Bearer <token>'.")
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token.")) from None
        client = services.api_client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        services.api_client_touch(client=client)
        return ClientPrincipal(client), client

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_(
                "An API client's token, created by an administrator: "
                "`Authorization: Bearer sote_…`."
            )),
        }
