"""Writes of the api app: creating, revoking and using API client tokens."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from api.models import ApiClient
from projects.models import Project, Region

TOKEN_PREFIX = "sote_"
TOKEN_BYTES = 32
# last_used_at is written at most this often per client, so reading costs no write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    """SHA-256 of the token. Tokens are 256 random bits, so a fast hash is enough: there is
    nothing to guess from a leaked hash (unlike passwords, which need a slow one)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def api_client_create(
    *, name: str, all_projects: bool = False, regions: list[Region] | None = None,
    projects: list[Project] | None = None, rate: str = "", created_by=None,
) -> tuple[ApiClient, str]:
    """Create a client and its token. Returns the client and the token, which is not stored
    and cannot be shown again."""
    token = new_token()
    client = ApiClient(
        name=name, all_projects=all_projects, rate=rate, created_by=created_by,
        token_prefix=token[: len(TOKEN_PREFIX) + 4], token_hash=hash_token(token),
    )
    client.full_clean()
    client.save()
    client.regions.set(regions or [])
    client.projects.set(projects or [])
    return client, token


def api_client_assign_token(*, client: ApiClient) -> str:
    """Give an existing (new or leaked) client a fresh token; the old one stops working."""
    token = new_token()
    client.token_prefix = token[: len(TOKEN_PREFIX) + 4]
    client.token_hash = hash_token(token)
    client.save(update_fields=["token_prefix", "token_hash", "updated_at"])
    return token


def api_client_revoke(*, client: ApiClient) -> ApiClient:
    """Revoke the token for good: every later request with it gets 401."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
    return client


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding the token, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    return ApiClient.objects.active().filter(token_hash=hash_token(token)).first()


def api_client_touch(*, client: ApiClient) -> None:
    """Record that the client was used (at most once per LAST_USED_RESOLUTION)."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
