"""The Sotkanet context of metrics: fetching each named indicator's metadata and yearly
values, for the wellbeing services counties of the projects that name it and for the
whole country, into SotkanetIndicator and SotkanetValue.

The promise: what was fetched last stays until a complete, well-formed answer replaces it.
An unreachable Sotkanet or a malformed answer records the failure on the indicator (for
the admin) and changes no value and no fetch time, so the pages keep saying when the values
they show were fetched."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators import sotkanet
from indicators.models import Metric, SotkanetIndicator, SotkanetValue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchResult:
    indicator_id: int
    ok: bool
    values: int = 0
    error: str = ""


def indicator_regions() -> dict[int, set[int]]:
    """Sotkanet indicator id -> the Sotkanet regions to fetch: the counties of the projects
    whose metrics name it, and the whole country."""
    regions: dict[int, set[int]] = {}
    for indicator_id, region_id in Metric.objects.filter(
        sotkanet_indicator__isnull=False
    ).values_list("sotkanet_indicator", "project__region__sotkanet_region_id").order_by():
        wanted = regions.setdefault(indicator_id, {settings.SOTKANET_COUNTRY_REGION})
        if region_id is not None:
            wanted.add(region_id)
    return regions


def _years(today: dt.date) -> list[int]:
    return list(range(today.year - settings.SOTKANET_YEARS + 1, today.year + 1))


def sotkanet_indicator_fetch(*, indicator_id: int, region_ids: set[int]) -> FetchResult:
    """Fetch one indicator and store it in one transaction, or record why not."""
    years = _years(timezone.localdate())
    try:
        meta = sotkanet.indicator(indicator_id)
        rows = sotkanet.values(indicator_id, years=years, region_ids=sorted(region_ids))
    except sotkanet.SotkanetError as error:
        log.warning("Sotkanet indicator %s not fetched: %s", indicator_id, error)
        SotkanetIndicator.objects.update_or_create(
            indicator_id=indicator_id,
            defaults={"failed_at": timezone.now(), "failure": str(error)[:1000]})
        return FetchResult(indicator_id, ok=False, error=str(error))
    _store(meta, rows, region_ids=region_ids, years=years)
    return FetchResult(indicator_id, ok=True, values=len(rows))


@transaction.atomic
def _store(meta: sotkanet.IndicatorMeta, rows: list[sotkanet.YearValue], *,
           region_ids: set[int], years: list[int]) -> None:
    """The metadata and the values of the fetched regions and years, replaced as a whole.
    An empty answer (no values published yet for these years) deletes nothing."""
    indicator, _created = SotkanetIndicator.objects.select_for_update().get_or_create(
        indicator_id=meta.indicator_id)
    indicator.title = meta.titles.get("fi", "")
    indicator.title_sv = meta.titles.get("sv", "")
    indicator.title_en = meta.titles.get("en", "")
    indicator.organization = meta.organization
    indicator.unit = meta.unit
    indicator.decimals = meta.decimals
    indicator.fetched_at = timezone.now()
    indicator.failure = ""
    indicator.save(update_fields=["title", "title_sv", "title_en", "organization", "unit",
                                  "decimals", "fetched_at", "failure", "updated_at"])
    if not rows:
        return
    indicator.values.filter(region_id__in=region_ids, year__in=years).delete()
    SotkanetValue.objects.bulk_create([
        SotkanetValue(indicator=indicator, region_id=row.region_id, year=row.year,
                      gender=row.gender, value=row.value) for row in rows
    ])


def sotkanet_context_fetch(*, indicator_ids: set[int] | None = None) -> list[FetchResult]:
    """Fetch every indicator the metrics name (or only the given ones)."""
    results = []
    for indicator_id, region_ids in sorted(indicator_regions().items()):
        if indicator_ids is None or indicator_id in indicator_ids:
            results.append(sotkanet_indicator_fetch(indicator_id=indicator_id,
                                                    region_ids=region_ids))
    return results
