"""Metric values as a JSON-stat 2.0 dataset (https://json-stat.org/format/), the format the
statistics institutes' tools (PxWeb clients, pyjstat, the JSON-stat Toolkit) read.

The cube: metric × region × period × disaggregation category (with `geo=project` also the
project, between the metric and the region). Every required and recommended property is
given (docs/API.md describes the cube):

- ids are stable codes: a metric is `<project code>:<metric code>`; a region the code of
  its wellbeing services county in Statistics Finland's classification with StatFin's prefix
  (`HVA12`), or a region without one as a former region (`MK10`); a period PxWeb's code
  by the metric's frequency (2022M05, 2022Q2, 2022); the total of a split metric `_T`;
- roles: metric, geo (the region) and time (the period); every metric has a `unit` with its
  label, symbol and decimals;
- labels in the language asked for (fi, sv, en) where the portal holds that language, else
  in Finnish; periods are labelled in that language (huhtikuu 2022, april 2022, April 2022);
- `status` per value: `p` provisional (its report is not approved: only a project's members
  see such values), `r` revised (published again after its report was reopened); withdrawn
  values are not in the cube (metric-value-withdrawals lists them);
- `value` is an array, or an object {cell index: value} when more than half of the cells are
  empty (a metric belongs to one project, so a cube of many projects is sparse);
- an empty selection is a cube of one empty cell, each dimension with the one category
  `_Z` (SDMX's "not applicable"), which pyjstat and the Toolkit read as any other dataset.

The bytes depend only on the data and the request: every mapping is written in a fixed
order, so the ETag of a JSON-stat answer is a strong one (api.conditional)."""

import datetime as dt
from decimal import Decimal

import orjson
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from indicators.models import DisaggregationCategory, Metric, ValueWithdrawal
from projects import wellbeing_counties
from projects.codes import natural_sort_key
from projects.models import Project, Region
from projects.months import period_code

GROUPINGS = ("region", "project")
LANGUAGES = ("fi", "sv", "en")
TOTAL = "_T"
EMPTY = "_Z"  # SDMX: not applicable; the one category of each dimension of an empty cube
PROVISIONAL, REVISED = "p", "r"
# Decimals a kind of metric is shown with at least (more when its values have more).
KIND_DECIMALS = {Metric.Kind.SHARE: 1, Metric.Kind.MONEY: 2, Metric.Kind.DAYS: 1}
MAX_DECIMALS = 4  # the values' own precision


def _localised(row: dict, lang: str) -> str:
    return row.get(f"name_{lang}") or row["name"]


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return min(MAX_DECIMALS, max(0, -exponent)) if isinstance(exponent, int) else 0


def region_key(region: dict) -> str:
    """The region's code in the cube: its county's (HVA12), else the former region's (MK10)."""
    if region["wellbeing_county"]:
        return f"HVA{region['wellbeing_county']}"
    return f"MK{region['code']}"


def region_label(region: dict, lang: str) -> str:
    if region["wellbeing_county"] in wellbeing_counties.COUNTIES:
        return wellbeing_counties.county_name(region["wellbeing_county"], lang)
    return (region["name_sv"] if lang == "sv" else "") or region["name"]


def period_label(month: dt.date, frequency: str) -> str:
    """The period in the active language: huhtikuu 2022, 2. neljännes 2022, 2022."""
    if frequency == Metric.Frequency.QUARTERLY:
        return _("Q%(quarter)s %(year)s") % {"quarter": (month.month - 1) // 3 + 1,
                                             "year": month.year}
    if frequency in (Metric.Frequency.YEARLY, Metric.Frequency.ONCE):
        return str(month.year)
    return f"{MONTHS[month.month]} {month.year}"


def period_start(month: dt.date, frequency: str) -> dt.date:
    """The first month of the period a month is in, by the metric's frequency."""
    if frequency == Metric.Frequency.QUARTERLY:
        return month.replace(month=(month.month - 1) // 3 * 3 + 1)
    if frequency in (Metric.Frequency.YEARLY, Metric.Frequency.ONCE):
        return month.replace(month=1)
    return month


def _dimension(label: str, keys: list[str], labels: dict[str, str], **extra) -> dict:
    return {"label": label, "category": {
        "index": {key: i for i, key in enumerate(keys)},
        "label": {key: labels[key] for key in keys}, **extra}}


def _status_labels() -> dict[str, str]:
    return {PROVISIONAL: _("provisional: the report is not approved yet, so the value is not "
                           "published (only the project's members see it)"),
            REVISED: _("revised: published again after its report was reopened for "
                       "corrections")}


def _notes(grouping: str) -> list[str]:
    notes = [
        _("Coordinators report the values monthly; a value is published when the project's "
          "manager approves the month's report, and national readers see published values "
          "only."),
        _("A value withdrawn because its report was reopened leaves the dataset until the "
          "report is approved again; metric-value-withdrawals lists the withdrawals."),
        _("Periods are coded as in PxWeb by the metric's frequency: 2022M05 (month), 2022Q2 "
          "(quarter), 2022 (year)."),
        _("Regions are coded by Statistics Finland's classification of wellbeing services "
          "counties 2023 with the prefix HVA (e.g. HVA12); a region without a county code by "
          "its code as a former region (maakunta) with the prefix MK."),
        _("Category _T is the total of a split metric; a metric's id is its project's code "
          "and its own code."),
    ]
    if grouping == "project":
        notes.append(_("The project dimension repeats what the metric's id says: each metric "
                       "belongs to one project, and each project to one region."))
    return notes


def _empty_dimensions(dimension_ids: list[str], titles: dict[str, str]) -> dict:
    label = {EMPTY: _("No data")}
    dimension = {name: _dimension(titles[name], [EMPTY], label) for name in dimension_ids}
    dimension["metric"]["category"]["unit"] = {EMPTY: {"decimals": 0}}
    return dimension


def dataset(queryset: QuerySet, *, geo: str = "region", lang: str = "fi",
            updated: dt.datetime | None = None) -> dict:
    """The values of the (already scoped and filtered) queryset as a JSON-stat dataset;
    `geo` is the grouping (region, or project and region), `updated` when the selection
    last changed."""
    # A value is revised when its cell (metric, period, category) was withdrawn before: the
    # same row published again, or a row typed anew after the withdrawn one was cleared.
    withdrawn_cells = ValueWithdrawal.objects.annotate(
        cell_category=Coalesce("category_id", 0)).filter(
        metric_id=OuterRef("metric_id"), period=OuterRef("period"),
        cell_category=Coalesce(OuterRef("category_id"), 0))
    rows = list(
        # By id: should two rows ever fall in one cell (a quarterly metric is due once a
        # quarter, but two months of a quarter would share its code), the cell holds the
        # later row's value every time, so the bytes stay the same.
        queryset.filter(value__isnull=False).order_by("pk").annotate(
            revised=Exists(withdrawn_cells),
            frequency=F("metric__frequency"),
        ).values_list("metric_id", "period", "category_id", "value", "published", "revised",
                      "frequency")
    )
    metrics = {
        m["pk"]: m for m in Metric.objects.filter(pk__in={r[0] for r in rows}).values(
            "pk", "code", "name", "name_sv", "name_en", "kind", "unit", "project__code",
            "project__region_id")
    }
    projects = {p["code"]: p for p in Project.objects.filter(
        code__in={m["project__code"] for m in metrics.values()}).values("code", "name")}
    regions = {r["pk"]: r for r in Region.objects.filter(
        pk__in={m["project__region_id"] for m in metrics.values()}).values(
        "pk", "code", "name", "name_sv", "wellbeing_county")}
    categories = {
        c["pk"]: c for c in DisaggregationCategory.objects.filter(
            pk__in={r[2] for r in rows if r[2]}).values(
            "pk", "code", "name", "name_sv", "name_en", "order", "disaggregation__code")
    }
    metric_key = {pk: f"{m['project__code']}:{m['code']}" for pk, m in metrics.items()}
    category_key = {pk: f"{c['disaggregation__code']}.{c['code']}" for pk, c in categories.items()}
    category_key[None] = TOTAL
    dimension_ids = ["metric", *(["project"] if geo == "project" else []), "region", "period",
                     "category"]

    illustrative = queryset.filter(illustrative=True).exists()
    with translation.override(lang):
        titles = {"metric": _("Metric"), "project": _("Project"), "region": _("Region"),
                  "period": _("Period"), "category": _("Disaggregation category")}
        result = {
            "version": "2.0",
            "class": "dataset",
            "label": _("Metric values of the sote development projects"),
            "source": _("Sote development projects' monthly reports (sote-portal)"),
            "note": _notes(geo),
            "id": dimension_ids,
            "size": [],
            "role": {"metric": ["metric"], "geo": ["region"], "time": ["period"]},
            "dimension": {},
            "value": [],
        }
        if updated is not None:
            result["updated"] = updated.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        if illustrative:
            result["note"].append(_("Illustrative data: the values are made up to show the "
                                    "portal in use (esimerkkiaineisto)."))
        if not rows:
            result["size"] = [1] * len(dimension_ids)
            result["dimension"] = _empty_dimensions(dimension_ids, titles)
            result["value"] = [None]
            result["note"].append(_("The selection holds no values: the dataset is one empty "
                                    "cell."))
            result["extension"] = {"lang": lang, "rows": 0, "status": _status_labels(),
                                   "illustrative": illustrative}
            return result

        metric_ids = sorted(metrics, key=lambda pk: (metrics[pk]["project__code"],
                                                     natural_sort_key(metrics[pk]["code"])))
        periods: dict[str, tuple[dt.date, str]] = {}
        decimals = {pk: KIND_DECIMALS.get(m["kind"], 0) for pk, m in metrics.items()}
        cells = []
        for metric_id, month, category_id, value, published, revised, frequency in rows:
            metric = metrics[metric_id]
            code = period_code(month, frequency)
            periods.setdefault(code, (period_start(month, frequency), frequency))
            decimals[metric_id] = max(decimals[metric_id], _decimals(Decimal(value)))
            status = REVISED if published and revised else "" if published else PROVISIONAL
            keys = {"metric": metric_key[metric_id], "project": metric["project__code"],
                    "region": region_key(regions[metric["project__region_id"]]),
                    "period": code, "category": category_key[category_id]}
            cells.append(([keys[name] for name in dimension_ids], float(value), status))

        region_keys = sorted({region_key(r): r for r in regions.values()}.items())
        period_keys = sorted(periods, key=lambda code: (periods[code][0], code))
        category_ids = sorted(categories, key=lambda pk: (
            categories[pk]["disaggregation__code"], categories[pk]["order"],
            categories[pk]["code"]))
        dimension = {
            "metric": _dimension(
                titles["metric"], [metric_key[pk] for pk in metric_ids],
                {metric_key[pk]: f"{metrics[pk]['code']} {_localised(metrics[pk], lang)}"
                 for pk in metric_ids},
                unit={metric_key[pk]: _unit(metrics[pk], decimals[pk]) for pk in metric_ids},
            ),
            "project": _dimension(titles["project"], sorted(projects),
                                  {code: p["name"] for code, p in projects.items()}),
            "region": _dimension(titles["region"], [key for key, _r in region_keys],
                                 {key: region_label(r, lang) for key, r in region_keys}),
            "period": _dimension(titles["period"], period_keys,
                                 {code: period_label(*periods[code]) for code in period_keys}),
            "category": _dimension(
                titles["category"], [TOTAL] + [category_key[pk] for pk in category_ids],
                {TOTAL: _("Total"), **{category_key[pk]: _localised(categories[pk], lang)
                                       for pk in category_ids}},
            ),
        }
        dimension = {name: dimension[name] for name in dimension_ids}
        size = [len(dimension[name]["category"]["index"]) for name in dimension_ids]
        positions = [dimension[name]["category"]["index"] for name in dimension_ids]
        values: dict[int, float] = {}
        statuses: dict[int, str] = {}
        for keys, number, status in cells:
            index = 0
            for dim, key in enumerate(keys):
                index = index * size[dim] + positions[dim][key]
            values[index] = number
            if status:
                statuses[index] = status
        total_cells = 1
        for length in size:
            total_cells *= length
        if 2 * len(values) >= total_cells:
            value = [values.get(i) for i in range(total_cells)]
        else:
            value = {str(i): values[i] for i in sorted(values)}
        result.update(size=size, dimension=dimension, value=value)
        if statuses:
            result["status"] = {str(i): statuses[i] for i in sorted(statuses)}
        result["extension"] = {"lang": lang, "rows": len(values), "status": _status_labels(),
                               "illustrative": illustrative}
    return result


def _unit(metric: dict, decimals: int) -> dict:
    unit = {"decimals": decimals, "label": metric["unit"] or str(Metric.Kind(metric["kind"]).label)}
    if metric["unit"]:
        unit["symbol"] = metric["unit"]
        unit["position"] = "end"
    return unit


def render(data: dict) -> bytes:
    return orjson.dumps(data)


def cube(*, label: str, dimensions: list[tuple[str, str, list[str], dict[str, str], dict]],
         cells: dict[tuple[str, ...], float], role: dict[str, list[str]], lang: str,
         source: str, updated: dt.datetime | None = None, empty_label: str = "–",
         **extension) -> dict:
    """A JSON-stat 2.0 dataset of any dimensions: (id, label, category keys in order, their
    labels, extra category properties such as `unit`) each, and the values by their keys.
    Dense `value` when at least half of the cells are filled, else sparse. A dimension
    without categories gets the one category `_Z` (empty_label), so an empty selection is a
    dataset of one null cell that readers (pyjstat) take. For datasets other than the metric
    values (the Sotkanet context, api.context_views)."""
    dimensions = [(dim_id, dim_label, dim_keys or ["_Z"],
                   labels if dim_keys else {"_Z": empty_label}, extra if dim_keys else {})
                  for dim_id, dim_label, dim_keys, labels, extra in dimensions]
    keys = [dim[2] for dim in dimensions]
    size = [len(k) for k in keys]
    positions = [{key: i for i, key in enumerate(k)} for k in keys]
    values: dict[int, float] = {}
    for cell, number in cells.items():
        index = 0
        for dim, key in enumerate(cell):
            index = index * size[dim] + positions[dim][key]
        values[index] = number
    total_cells = 1
    for n in size:
        total_cells *= n
    if total_cells <= 2 * max(len(values), 1):
        value = [values.get(i) for i in range(total_cells)]
    else:
        value = {str(i): values[i] for i in sorted(values)}
    result = {
        "version": "2.0", "class": "dataset", "label": label, "source": source,
        "id": [dim[0] for dim in dimensions], "size": size, "role": role,
        "dimension": {dim_id: _dimension(dim_label, dim_keys, labels, **extra)
                      for dim_id, dim_label, dim_keys, labels, extra in dimensions},
        "value": value,
        "extension": {"lang": lang, "rows": len(values), **extension},
    }
    if updated is not None:
        result["updated"] = updated.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return result
