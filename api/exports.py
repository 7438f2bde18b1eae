"""The fast path for metric values: JSON pages, CSV and JSON streams, and JSON-stat.

A national pull is a few hundred thousand rows, so no serializer runs per row. The database
returns narrow tuples (values_list, the value already a float); the codes of a value's
metric and category come from small lookup tables built once per response; rows are
written in chunks by orjson or csv.writer. Memory stays flat: rows are read with a
server-side cursor (iterator with chunk_size) and written as they come."""

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice

import orjson
from django.db import connection, models, transaction
from django.db.models import F, Func, QuerySet

from api.renderers import DEFAULT_DIALECT, CSVBuffer, CSVDialect, csv_writer
from indicators.models import DisaggregationCategory, Metric
from projects.months import period_code
from projects.spreadsheets import neutralise_cell

CHUNK = 5000
CSV_BOOLEAN = {True: "true", False: "false"}  # as api.renderers.csv_cell writes them

# Columns of a metric-value row, in the order of the CSV; the JSON objects have these keys.
METRIC_COLUMNS = (
    "metric_code", "project_id", "project_code", "region_code", "work_package_code",
    "subproject_code", "goal_code", "benefit_goal_code", "frequency", "unit",
)
COLUMNS = (
    "id", "metric_id", *METRIC_COLUMNS, "period", "period_code", "disaggregation_code",
    "category_code", "value", "text_value", "comment", "updated_at", "published",
)
_FETCHED = ("id", "metric_id", "period", "category_id", "value_number", "text_value",
            "comment", "updated_text", "published")


class _AsFetched(models.Field):
    """Output type of the expressions below: the driver already returns the right Python
    type (a float, a str), so Django adds no per-row converter (it would for FloatField)."""


def _annotated(queryset: QuerySet) -> QuerySet:
    """The value as a float and, on PostgreSQL, the change time as ISO 8601 text in UTC —
    made by the database, where it costs nothing, instead of per row in Python."""
    value = Func(F("value"), template="CAST(%(expressions)s AS double precision)",
                 output_field=_AsFetched())
    if connection.vendor == "postgresql":
        updated = Func(F("updated_at"), template=(
            "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"),
            output_field=_AsFetched())
    else:
        updated = F("updated_at")
    return queryset.annotate(value_number=value, updated_text=updated).order_by("id")


def value_tuples(queryset: QuerySet) -> QuerySet:
    """The narrow tuples the rows are made of, in id order."""
    return _annotated(queryset).values_list(*_FETCHED)


def value_dicts(queryset: QuerySet) -> QuerySet:
    """The same as dicts, for the cursor paginator (it reads the position from `id`)."""
    return _annotated(queryset).values(*_FETCHED)


def _utc_text(moment) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Lookups:
    """Codes of metrics and categories by id, read once (metrics lazily, as they appear).

    `cell` (neutralise_cell for CSV) is applied to the texts: to the codes once, as they are
    looked up, and per row only to the two free texts, so the numbers cost nothing."""

    def __init__(self, *, cell=None):
        self.cell = cell
        self.metrics: dict[int, tuple] = {}
        self.categories: dict[int | None, tuple] = {None: ("", "_T")}
        self.periods: dict[tuple, tuple[str, str]] = {}
        for pk, dis_code, code in DisaggregationCategory.objects.values_list(
            "pk", "disaggregation__code", "code"
        ):
            self.categories[pk] = (cell(dis_code), cell(code)) if cell else (dis_code, code)

    def load_metrics(self, ids: Iterable[int]) -> None:
        missing = set(ids) - self.metrics.keys()
        if not missing:
            return
        for (pk, code, project_id, project_code, region_code, wp_code, sub_code, goal_code,
             bg1, bg2, bg3, frequency, unit) in Metric.objects.filter(pk__in=missing).values_list(
            "pk", "code", "project_id", "project__code", "project__region__code",
            "subproject__work_package__code", "subproject__code", "goal__code",
            "goal__benefit_goal__code", "goal__parent__benefit_goal__code",
            "goal__parent__parent__benefit_goal__code", "frequency", "unit",
        ):
            metric = (code, project_id, project_code, region_code, wp_code or "",
                      sub_code or "", goal_code or "", bg1 or bg2 or bg3 or "", frequency, unit)
            self.metrics[pk] = tuple(map(self.cell, metric)) if self.cell else metric

    def period(self, month, frequency: str) -> tuple[str, str]:
        key = (month, frequency)
        found = self.periods.get(key)
        if found is None:
            found = self.periods[key] = (month.isoformat(), period_code(month, frequency))
        return found

    def rows(self, chunk: list[tuple]) -> list[tuple]:
        """Full rows (COLUMNS) of a chunk of fetched tuples."""
        self.load_metrics({row[1] for row in chunk})
        metrics, categories, period, cell = self.metrics, self.categories, self.period, self.cell
        out = []
        append = out.append
        as_text = _utc_text if chunk and not isinstance(chunk[0][7], str) else None
        for pk, metric_id, month, category_id, value, text, comment, updated, published in chunk:
            metric = metrics[metric_id]
            if cell is not None:
                text, comment = cell(text), cell(comment)
            append((pk, metric_id, *metric, *period(month, metric[8]),
                    *categories[category_id], value, text, comment,
                    as_text(updated) if as_text else updated,
                    published if cell is None else CSV_BOOLEAN[published]))
        return out


def _chunks(queryset: QuerySet, size: int = CHUNK) -> Iterator[list[tuple]]:
    """Chunks of rows from a server-side cursor. Inside a (read-only) transaction PostgreSQL
    streams the rows as it finds them; outside one it would first copy the whole result
    into a holdable cursor."""
    with transaction.atomic():
        rows = queryset.iterator(chunk_size=size)
        while chunk := list(islice(rows, size)):
            yield chunk


def page_rows(dicts: list[dict]) -> list[dict]:
    """The rows of a JSON page, from the paginator's dicts."""
    lookups = Lookups()
    chunk = [tuple(d[name] for name in _FETCHED) for d in dicts]
    return [dict(zip(COLUMNS, row, strict=True)) for row in lookups.rows(chunk)]


def stream_json(queryset: QuerySet) -> Iterator[bytes]:
    """The whole selection as one JSON array of row objects."""
    lookups, first = Lookups(), True
    yield b"["
    for chunk in _chunks(value_tuples(queryset)):
        body = orjson.dumps([dict(zip(COLUMNS, row, strict=True)) for row in lookups.rows(chunk)])
        yield body[1:-1] if first else b"," + body[1:-1]
        first = False
    yield b"]"


VALUE = COLUMNS.index("value")


def stream_csv(queryset: QuerySet, dialect: CSVDialect = DEFAULT_DIALECT) -> Iterator[bytes]:
    """The whole selection as CSV (UTF-8, comma-separated, a header row; or as the dialect
    says); texts a spreadsheet would run as formulas are neutralised, the value stays a
    number."""
    lookups, buffer = Lookups(cell=neutralise_cell), CSVBuffer()
    writer = csv_writer(buffer, dialect)
    writer.writerow(COLUMNS)
    yield dialect.start(buffer.take())
    for chunk in _chunks(value_tuples(queryset)):
        rows = lookups.rows(chunk)
        if dialect.decimal_comma:
            rows = [(*row[:VALUE], None if row[VALUE] is None else dialect.number(row[VALUE]),
                     *row[VALUE + 1:]) for row in rows]
        writer.writerows(rows)
        yield buffer.take()
