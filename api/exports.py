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
from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import F, Func, QuerySet

from api.renderers import DEFAULT_DIALECT, LINE_END, CSVBuffer, CSVDialect, csv_writer
from indicators.models import DisaggregationCategory, Metric
from projects.months import period_code
from projects.spreadsheets import FORMULA_STARTS, neutralise_cell

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
    number. On PostgreSQL the default dialect's lines are written by the database."""
    if connection.vendor == "postgresql" and dialect is DEFAULT_DIALECT:
        return _stream_csv_lines(queryset)
    return stream_csv_rows(queryset, dialect)


def stream_csv_rows(queryset: QuerySet, dialect: CSVDialect = DEFAULT_DIALECT) -> Iterator[bytes]:
    """The CSV written row by row by csv.writer (any database, any dialect)."""
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


# --- The CSV lines written by PostgreSQL -------------------------------------------------------
# The same bytes as csv.writer writes from Lookups.rows (tests/test_api_csv_sql.py compares
# them), made where the rows are: each row comes as one text, and Python only joins them.
# That is most of the way to the floor of `COPY … TO STDOUT` (make bench).

_FORMULA_START = "(" + ", ".join(
    {"\t": "E'\\t'", "\r": "E'\\r'"}.get(c, f"'{c}'") for c in FORMULA_STARTS) + ")"


def _csv_text(expression: str) -> str:
    """SQL of a text column as csv.writer writes neutralise_cell(text): a leading `'` before
    a formula, quoted (quotes doubled) when it holds a comma, a quote or a line break."""
    text = f"COALESCE({expression}, '')"
    cell = f"(CASE WHEN left({text}, 1) IN {_FORMULA_START} THEN '''' || {text} ELSE {text} END)"
    return (f"(CASE WHEN {cell} ~ E'[\",\\r\\n]' THEN '\"' || replace({cell}, '\"', '\"\"') "
            f"|| '\"' ELSE {cell} END)")


def _csv_number(expression: str) -> str:
    """A value as Python writes its float: a whole number with `.0`, else the shortest exact
    digits (as PostgreSQL 12 and later write a float); empty for none."""
    return (f"(CASE WHEN {expression} IS NULL THEN '' "
            f"WHEN {expression} = trunc({expression}) THEN trunc({expression})::bigint::text || '.0' "
            f"ELSE (({expression})::float8)::text END)")


def _csv_free_text(expression: str) -> str:
    """A free text of a value (mostly empty, so that costs nothing)."""
    return f"(CASE WHEN {expression} = '' THEN '' ELSE {_csv_text(expression)} END)"


# A metric's ten columns (METRIC_COLUMNS) are written once per metric, a category's two once
# per category; per value only its own columns are.
_METRIC_HEAD = ", ".join([
    _csv_text("m.code"), "m.project_id::text", _csv_text("p.code"), _csv_text("r.code"),
    _csv_text("wp.code"), _csv_text("s.code"), _csv_text("g.code"),
    _csv_text("COALESCE(bg.code, bgp.code, bgpp.code)"), _csv_text("m.frequency"),
    _csv_text("m.unit"),
])
_CSV_SQL = """
WITH heads AS MATERIALIZED (
  SELECT m.id, m.frequency, concat_ws(',', {head}) AS head
  FROM indicators_metric m
  JOIN projects_project p ON p.id = m.project_id
  JOIN projects_region r ON r.id = p.region_id
  LEFT JOIN workpackages_subproject s ON s.id = m.subproject_id
  LEFT JOIN workpackages_workpackage wp ON wp.id = s.work_package_id
  LEFT JOIN workpackages_goal g ON g.id = m.goal_id
  LEFT JOIN projects_benefitgoal bg ON bg.id = g.benefit_goal_id
  LEFT JOIN workpackages_goal gp ON gp.id = g.parent_id
  LEFT JOIN projects_benefitgoal bgp ON bgp.id = gp.benefit_goal_id
  LEFT JOIN workpackages_goal gpp ON gpp.id = gp.parent_id
  LEFT JOIN projects_benefitgoal bgpp ON bgpp.id = gpp.benefit_goal_id
), categories AS MATERIALIZED (
  SELECT c.id, concat_ws(',', {disaggregation}, {category}) AS codes
  FROM indicators_disaggregationcategory c
  JOIN indicators_disaggregation d ON d.id = c.disaggregation_id
)
SELECT concat_ws(',', mv.id::text, mv.metric_id::text, h.head,
  to_char(mv.period, 'YYYY-MM-DD'),
  CASE WHEN h.frequency = 'quarterly' THEN to_char(mv.period, 'YYYY"Q"Q')
       WHEN h.frequency IN ('yearly', 'once') THEN to_char(mv.period, 'YYYY')
       ELSE to_char(mv.period, 'YYYY"M"MM') END,
  COALESCE(cat.codes, ',_T'), {value}, {text_value}, {comment},
  to_char(mv.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  CASE WHEN mv.published THEN 'true' ELSE 'false' END) || E'\\r\\n'
FROM indicators_metricvalue mv
JOIN heads h ON h.id = mv.metric_id
LEFT JOIN categories cat ON cat.id = mv.category_id
WHERE mv.id IN ({{ids}})
ORDER BY mv.id
""".format(head=_METRIC_HEAD, disaggregation=_csv_text("d.code"),
           category=_csv_text("c.code"), value=_csv_number("mv.value"),
           text_value=_csv_free_text("mv.text_value"), comment=_csv_free_text("mv.comment"))


def _stream_csv_lines(queryset: QuerySet) -> Iterator[bytes]:
    """The CSV of the selection (the queryset says which values: the reader's scope and
    filters), its lines read from a server-side cursor in chunks."""
    yield (",".join(COLUMNS) + LINE_END).encode()
    try:
        ids, params = queryset.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # a reader who may see no project: the header alone
        return
    sql = _CSV_SQL.format(ids=ids)
    with transaction.atomic():
        connection.ensure_connection()
        with connection.connection.cursor(name="metric_value_csv") as cursor:
            cursor.itersize = CHUNK
            cursor.execute(sql, params)
            while lines := cursor.fetchmany(CHUNK):
                yield "".join(line for (line,) in lines).encode()
