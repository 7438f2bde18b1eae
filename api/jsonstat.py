"""Metric values as a JSON-stat 2.0 dataset (https://json-stat.org/format/), the format the
statistics institutes' tools (PxWeb clients, pyjstat, JSON-stat Toolkit) read.

Dimensions: metric × project (or region) × period × disaggregation category. Ids are stable
codes: a metric is `<project short name>:<metric code>`, a period PxWeb's code (2022M05,
2022Q2, 2022 by the metric's frequency; its label is the ISO date), the total of a split
metric `_T`. Labels are in the language asked for (fi, sv or en) where the portal holds
that language, else in Finnish. A metric belongs to one project, so the cube is sparse and
`value` is an object {cell index: value} unless at least half of the cells are filled."""

import datetime as dt
from collections.abc import Iterable

import orjson
from django.db.models import FloatField, Max, QuerySet
from django.db.models.functions import Cast
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import DisaggregationCategory, Metric
from projects.codes import natural_sort_key
from projects.models import Project, Region
from projects.months import period_code

GEO_DIMENSIONS = ("project", "region")
LANGUAGES = ("fi", "sv", "en")
TOTAL = "_T"


def _localised(row: dict, lang: str) -> str:
    return row.get(f"name_{lang}") or row["name"]


def _dimension(label: str, keys: Iterable[str], labels: dict[str, str], **extra) -> dict:
    index = {key: i for i, key in enumerate(keys)}
    return {"label": label, "category": {"index": index,
                                         "label": {k: labels[k] for k in index}, **extra}}


def dataset(queryset: QuerySet, *, geo: str = "project", lang: str = "fi") -> dict:
    """The values of the (already scoped and filtered) queryset as a JSON-stat dataset."""
    rows = list(
        queryset.filter(value__isnull=False).annotate(number=Cast("value", FloatField()))
        .order_by().values_list("metric_id", "period", "category_id", "number")
    )
    updated = queryset.aggregate(last=Max("updated_at"))["last"]
    illustrative = queryset.filter(illustrative=True).exists()
    metrics = {
        m["pk"]: m for m in Metric.objects.filter(pk__in={r[0] for r in rows}).values(
            "pk", "code", "name", "unit", "frequency", "project__code", "project__name",
            "project__region__code")
    }
    geo_field = "project__code" if geo == "project" else "project__region__code"
    if geo == "project":
        places = {p["code"]: p for p in Project.objects.filter(
            code__in={m[geo_field] for m in metrics.values()}).values("code", "name")}
    else:
        places = {r["code"]: r for r in Region.objects.filter(
            code__in={m[geo_field] for m in metrics.values()}).values("code", "name", "name_sv")}
    categories = {
        c["pk"]: c for c in DisaggregationCategory.objects.filter(
            pk__in={r[2] for r in rows if r[2]}).values(
            "pk", "code", "name", "name_sv", "name_en", "order", "disaggregation__code")
    }
    metric_key = {pk: f"{m['project__code']}:{m['code']}" for pk, m in metrics.items()}
    category_key = {pk: f"{c['disaggregation__code']}.{c['code']}" for pk, c in categories.items()}
    category_key[None] = TOTAL

    cells = []
    for metric_id, month, category_id, number in rows:
        metric = metrics[metric_id]
        cells.append((metric_key[metric_id], metric[geo_field],
                      period_code(month, metric["frequency"]), month,
                      category_key[category_id], number))

    metric_ids = sorted(metrics, key=lambda pk: (metrics[pk]["project__code"],
                                                 natural_sort_key(metrics[pk]["code"])))
    metric_keys = [metric_key[pk] for pk in metric_ids]
    geo_keys = sorted(places)
    period_iso = {code: month.isoformat() for _m, _g, code, month, _c, _v in cells}
    period_keys = sorted(period_iso)
    category_keys = [TOTAL] + [
        category_key[pk] for pk in sorted(categories, key=lambda pk: (
            categories[pk]["disaggregation__code"], categories[pk]["order"],
            categories[pk]["code"]))
    ]
    keys = (metric_keys, geo_keys, period_keys, category_keys)
    size = [len(k) for k in keys]
    positions = [{key: i for i, key in enumerate(k)} for k in keys]

    values: dict[int, float] = {}
    for metric, place, code, _month, category, number in cells:
        index = positions[0][metric]
        for dim, key in ((1, place), (2, code), (3, category)):
            index = index * size[dim] + positions[dim][key]
        values[index] = number
    total_cells = size[0] * size[1] * size[2] * size[3] if rows else 0
    if total_cells and total_cells <= 2 * len(values):
        value = [values.get(i) for i in range(total_cells)]
    else:
        value = {str(i): values[i] for i in sorted(values)}

    with translation.override(lang):
        dimension = {
            "metric": _dimension(
                _("Metric"), metric_keys,
                {metric_key[pk]: f"{metrics[pk]['code']} {metrics[pk]['name']}"
                 for pk in metric_ids},
                unit={metric_key[pk]: {"label": metrics[pk]["unit"]} for pk in metric_ids},
            ),
            geo: _dimension(
                _("Project") if geo == "project" else _("Region"), geo_keys,
                {code: _localised(places[code], lang) for code in geo_keys},
            ),
            "period": _dimension(_("Period"), period_keys, period_iso),
            "category": _dimension(
                _("Disaggregation category"), category_keys,
                {TOTAL: _("Total"), **{category_key[pk]: _localised(c, lang)
                                       for pk, c in categories.items()}},
            ),
        }
        label = _("Metric values")
        note = [_("Illustrative data: the values are made up to show the portal in use "
                  "(esimerkkiaineisto).")] if illustrative else []
    result = {
        "version": "2.0",
        "class": "dataset",
        "label": label,
        "source": "sote-portal",
        "id": ["metric", geo, "period", "category"],
        "size": size,
        "role": {"time": ["period"], "metric": ["metric"],
                 **({"geo": ["region"]} if geo == "region" else {})},
        "dimension": dimension,
        "value": value,
        "extension": {"lang": lang, "rows": len(values), "illustrative": illustrative},
    }
    if note:
        result["note"] = note
    if updated is not None:
        result["updated"] = updated.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return result


def render(data: dict) -> bytes:
    return orjson.dumps(data)
