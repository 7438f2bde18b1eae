"""A small client of THL's Sotkanet REST API (https://sotkanet.fi/rest/1.1/, JSON; the
endpoints and parameters as rOpenGov's `sotkanet` package uses them).

- GET {base}/indicators/{id}: one indicator's metadata, {"id": 5081, "title": {"fi": …,
  "sv": …, "en": …}, "organization": {"title": {"fi": …}}, "primaryValueType": {"title":
  {"fi": …}}, "decimals": 1, …};
- GET {base}/json?indicator={id}&years=…&genders=total&region=…: the values, a list of
  {"indicator": 5081, "region": 658, "year": 2023, "gender": "total", "value": 123.4,
  "absValue": 679123}.

Every answer is checked for that shape before anything is returned: a caller gets either
plain data or an exception (SotkanetUnavailable when Sotkanet cannot be reached or answers
with an error, SotkanetMalformed when the answer is not what the documentation describes),
never half an answer. No third-party HTTP library: urllib with the SOTKANET_TIMEOUT."""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

GENDER = "total"
LANGUAGES = ("fi", "sv", "en")
MAX_BYTES = 50 * 1024 * 1024  # a whole indicator for every region and year is a few MB


class SotkanetError(Exception):
    """Fetching from Sotkanet failed; the message says why (for the admin)."""


class SotkanetUnavailable(SotkanetError):
    """Sotkanet could not be reached, timed out or answered with an HTTP error."""


class SotkanetMalformed(SotkanetError):
    """Sotkanet answered, but not in the documented shape."""


@dataclass(frozen=True)
class IndicatorMeta:
    indicator_id: int
    titles: dict[str, str]
    organization: str
    unit: str
    decimals: int | None


@dataclass(frozen=True)
class YearValue:
    region_id: int
    year: int
    gender: str
    value: Decimal


def _get(path: str, params: list[tuple[str, object]] | None = None):
    base = settings.SOTKANET_BASE_URL.rstrip("/")
    url = f"{base}/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, headers={
        "Accept": "application/json", "User-Agent": "sote-portal (Sotkanet context)"})
    try:
        with urllib.request.urlopen(request, timeout=settings.SOTKANET_TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise SotkanetUnavailable(f"HTTP {error.code} from {url}") from error
    except (OSError, http.client.HTTPException) as error:  # URLError, timeouts, resets
        raise SotkanetUnavailable(f"{url}: {error}") from error
    if len(body) > MAX_BYTES:
        raise SotkanetMalformed(f"{url}: the answer is larger than {MAX_BYTES} bytes")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise SotkanetMalformed(f"{url}: not JSON ({error})") from error


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(value) -> str:
    """A {"fi": …} title's Finnish text, or ""."""
    if isinstance(value, dict):
        title = value.get("title", value)
        if isinstance(title, dict) and isinstance(title.get("fi"), str):
            return title["fi"]
    return ""


def indicator(indicator_id: int) -> IndicatorMeta:
    """The metadata of one indicator."""
    data = _get(f"indicators/{int(indicator_id)}")
    if not isinstance(data, dict) or data.get("id") != indicator_id:
        raise SotkanetMalformed(f"indicator {indicator_id}: no metadata of this indicator")
    titles = data.get("title")
    if not isinstance(titles, dict) or not isinstance(titles.get("fi"), str) or not titles["fi"]:
        raise SotkanetMalformed(f"indicator {indicator_id}: no Finnish title")
    decimals = data.get("decimals")
    if decimals is not None and not (_is_int(decimals) and 0 <= decimals <= 10):
        raise SotkanetMalformed(f"indicator {indicator_id}: decimals is not a small number")
    return IndicatorMeta(
        indicator_id=indicator_id,
        titles={lang: titles[lang].strip() for lang in LANGUAGES
                if isinstance(titles.get(lang), str)},
        organization=_text(data.get("organization"))[:200],
        unit=_text(data.get("primaryValueType"))[:100],
        decimals=decimals,
    )


def values(indicator_id: int, *, years: list[int], region_ids: list[int]) -> list[YearValue]:
    """The indicator's yearly values (gender total) of the given Sotkanet regions. The
    answer is filtered here as well: Sotkanet may answer for more regions than asked."""
    params: list[tuple[str, object]] = [("indicator", int(indicator_id))]
    params += [("years", year) for year in years]
    params += [("genders", GENDER)]
    params += [("region", region) for region in region_ids]
    data = _get("json", params)
    if not isinstance(data, list):
        raise SotkanetMalformed(f"indicator {indicator_id}: the values are not a list")
    wanted, year_set = set(region_ids), set(years)
    rows: list[YearValue] = []
    seen: set[tuple[int, int, str]] = set()
    for i, row in enumerate(data):
        if not isinstance(row, dict):
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} is not an object")
        for key in ("indicator", "region", "year"):
            if not _is_int(row.get(key)):
                raise SotkanetMalformed(f"indicator {indicator_id}: row {i} has no {key}")
        if row["indicator"] != indicator_id:
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} is of another indicator")
        gender, value = row.get("gender", GENDER), row.get("value")
        if not isinstance(gender, str):
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} has no gender")
        if value is None:
            continue  # a year without a value (suppressed or not yet published)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} value is not a number")
        try:
            number = Decimal(str(value)).quantize(Decimal("0.0001"))
        except InvalidOperation as error:
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} value {value}") from error
        if not number.is_finite() or abs(number) >= 10**12:
            raise SotkanetMalformed(f"indicator {indicator_id}: row {i} value out of range")
        key = (row["region"], row["year"], gender)
        if key in seen:
            raise SotkanetMalformed(f"indicator {indicator_id}: two values for {key}")
        seen.add(key)
        if row["region"] in wanted and row["year"] in year_set and gender == GENDER:
            rows.append(YearValue(row["region"], row["year"], gender, number))
    return rows
