"""Celery tasks of the indicators: the Sotkanet context, fetched weekly by beat and on
demand (the admin action, `manage.py fetch_sotkanet`). Thin: the service does the work, and
running it twice stores the same rows (each indicator is replaced as a whole)."""

from celery import shared_task
from django.db import OperationalError

from indicators.context import sotkanet_context_fetch


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def fetch_sotkanet_context(indicator_ids: list[int] | None = None) -> dict:
    """Fetch the named indicators (every one the metrics name when None). Sotkanet being
    down is not retried here: the values fetched before stay, and next week's run comes."""
    results = sotkanet_context_fetch(
        indicator_ids=set(indicator_ids) if indicator_ids is not None else None)
    return {"fetched": [r.indicator_id for r in results if r.ok],
            "failed": {r.indicator_id: r.error for r in results if not r.ok}}
