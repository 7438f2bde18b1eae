"""Request limits per API client (its own rate, or the default) and per portal user.

The counts live in Django's cache: with several web processes, configure a shared cache
(Redis) so the limit holds across them. Throttling protects the service from a runaway
client; it is not a security measure."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiClient

DEFAULT_CLIENT_RATE = "20000/hour"
DEFAULT_USER_RATE = "5000/hour"


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def __init__(self):
        pass  # the rate depends on the request, so it is read in allow_request

    def allow_request(self, request, view):
        client = request.auth if isinstance(request.auth, ApiClient) else None
        if client is not None:
            self.rate = client.rate or getattr(settings, "API_CLIENT_RATE", DEFAULT_CLIENT_RATE)
        else:
            self.rate = getattr(settings, "API_USER_RATE", DEFAULT_USER_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiClient):
            ident = f"client-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
