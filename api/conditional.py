"""ETag and Last-Modified for API responses, and the 304 answer to a conditional GET.

The validators come from one aggregate query over the response's rows — their count and
newest `updated_at` (and those of nested rows) — before any row is read, so an unchanged
export costs one small query. The ETag also covers the request (path, parameters, format,
language, media type) and what the reader may see, so two readers never share a validator.

The ETag is strong (RFC 9110, 8.8.1): the same data asked the same way gives the same bytes
(rows in a fixed order, JSON-stat's mappings too, no time of the answer in the body), so
`If-Match` compares it strongly as the RFC says and holds until the data changes;
`If-None-Match` compares weakly and answers 304. Only the browsable pages (format=api, HTML
for people, with the reader's name and a CSRF token) get a weak one.

Last-Modified has whole seconds, and a change can still come in the second it names (or be
committed a moment after it was stamped). So a Last-Modified never names a second that may
still change: while the newest change is younger than SETTLED, the header names the second
before it, and a client's If-Modified-Since with it is answered in full next time (never a
304 that hides a change)."""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet
from django.http import JsonResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from api.access import reader_for

PRECONDITION_FAILED = _("If-Match or If-Unmodified-Since did not hold.")
# How old the newest change must be before Last-Modified names its second.
SETTLED = dt.timedelta(seconds=2)


@dataclass
class Validators:
    etag: str
    last_modified: dt.datetime | None  # the newest change, to the microsecond

    @property
    def header_seconds(self) -> int | None:
        """The Last-Modified sent: the newest change's second once no more can come in it,
        else the second before."""
        if self.last_modified is None:
            return None
        seconds = int(self.last_modified.timestamp())
        if timezone.now() - self.last_modified < SETTLED:
            seconds -= 1
        return seconds

    def apply(self, response) -> None:
        response["ETag"] = self.etag
        if self.last_modified is not None:
            response["Last-Modified"] = http_date(self.header_seconds)
        # Stored by no cache (a reader's data); the client revalidates its own copy.
        response["Cache-Control"] = "private, no-store"
        response["Vary"] = "Accept, Accept-Language, Authorization, Cookie"


def validators_for(request, queryset: QuerySet, *, nested: tuple[str, ...] = (),
                   counted: tuple[str, ...] = (), extra: str = "") -> Validators:
    """Validators of the rows of the queryset (nested: lookups of child rows with
    updated_at; counted: lookups of child rows without it, whose count is used)."""
    joined = bool(nested or counted)  # joins repeat rows: count distinct ids then
    aggregates = {"rows": Count("pk", distinct=joined), "newest": Max("updated_at")}
    for i, lookup in enumerate(nested):
        aggregates[f"n{i}"] = Max(f"{lookup}__updated_at")
    for i, lookup in enumerate(counted):
        aggregates[f"c{i}"] = Count(lookup, distinct=True)
    stamp = queryset.order_by().aggregate(**aggregates)
    dates = [value for key, value in stamp.items() if key == "newest" or key.startswith("n")
             if value is not None]
    newest = max(dates) if dates else None
    reader = reader_for(request)
    fmt = request.accepted_renderer.format
    parts = [
        request.scheme, request.get_host(),  # the page links are absolute URLs
        request.path, sorted(request.query_params.lists()), fmt,
        str(request.accepted_media_type),  # e.g. "application/json; indent=2"
        get_language(), reader.cache_key, sorted((k, str(v)) for k, v in stamp.items()), extra,
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    weak = "W/" if fmt == "api" else ""
    return Validators(etag=f'{weak}"{digest}"', last_modified=newest)


def not_modified(request, validators: Validators):
    """A 304 (or 412 for a failed If-Match or If-Unmodified-Since) response, or None to
    answer in full. A 412 carries a JSON error like every other error of the API."""
    # The newest change's whole second: after a Last-Modified that named the second before
    # (an unsettled one), the next If-Modified-Since is answered in full.
    timestamp = int(validators.last_modified.timestamp()) if validators.last_modified else None
    response = get_conditional_response(
        request._request, etag=validators.etag, last_modified=timestamp
    )
    if response is not None and response.status_code == 412:
        response = JsonResponse({"detail": str(PRECONDITION_FAILED)}, status=412)
    if response is not None:
        validators.apply(response)
    return response
