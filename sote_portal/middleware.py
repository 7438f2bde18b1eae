"""Responses meant for one signed-in reader are kept out of every cache (OWASP ASVS 8.2.1)."""

NO_STORE = "private, no-store"


class NoStoreForAuthenticatedMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user or to a
    request carrying an API token (pages, PDF, Excel and CSV downloads, the API), so neither
    a shared proxy nor the browser's disk keeps a copy of what only they may read.

    A response whose view chose its own Cache-Control keeps it. Anonymous responses (the
    login page, public pages) are left as they are; static files never reach this
    middleware (WhiteNoise answers them first). ETag and Last-Modified are untouched: a
    client that keeps its own copy can still revalidate it and get a 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)  # after the view: a token's client too
        if "HTTP_AUTHORIZATION" in request.META or (user is not None and user.is_authenticated):
            response["Cache-Control"] = NO_STORE
        return response
