"""The API's metric-value export (issue 6): rows per second of a national pull in JSON and in
CSV through the real view (django.test.Client with a national token), beside the floor —
the same rows produced by PostgreSQL itself (COPY … TO STDOUT for CSV; json_agg, or psycopg2
rows through orjson, whichever is faster, for JSON) — and the export's peak Python memory at
two row counts (flat memory: the larger pull should not need more)."""

import io
import time
import tracemalloc

import orjson
from django.db import connection
from django.test import Client

from api.models import ApiClient
from api.services import api_client_create
from bench.figures import Figure

REPEATS = 3
BENCH_CLIENT = "benchmark (national)"

# The physical floor: the rows of the export as PostgreSQL makes them from a plain join of
# values, metrics and projects (same columns, same order) with no approval logic at all. The
# national data is all approved, so the export returns the same rows through its
# `published` filter.
ROWS_SQL = """
SELECT mv.id, mv.metric_id, m.code AS metric_code, m.project_id, p.code AS project_code,
       r.code AS region_code, COALESCE(wp.code, '') AS work_package_code,
       COALESCE(s.code, '') AS subproject_code, COALESCE(g.code, '') AS goal_code,
       COALESCE(bg.code, bgp.code, bgpp.code, '') AS benefit_goal_code,
       m.frequency, m.unit, mv.period,
       CASE WHEN m.frequency = 'quarterly' THEN to_char(mv.period, 'YYYY"Q"Q')
            WHEN m.frequency IN ('yearly', 'once') THEN to_char(mv.period, 'YYYY')
            ELSE to_char(mv.period, 'YYYY"M"MM') END AS period_code,
       COALESCE(d.code, '') AS disaggregation_code, COALESCE(c.code, '_T') AS category_code,
       mv.value::float8 AS value, mv.text_value, mv.comment, mv.updated_at
FROM indicators_metricvalue mv
JOIN indicators_metric m ON m.id = mv.metric_id
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
LEFT JOIN indicators_disaggregationcategory c ON c.id = mv.category_id
LEFT JOIN indicators_disaggregation d ON d.id = c.disaggregation_id
ORDER BY mv.id
"""


class _Sink(io.RawIOBase):
    """A file that counts what is written to it (COPY's output goes nowhere)."""

    def __init__(self):
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.size += len(data)
        return len(data)


def _best(function) -> tuple[float, int]:
    """The fastest of REPEATS runs: (seconds, what the function returned)."""
    best, result = float("inf"), 0
    for _ in range(REPEATS):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def _pull(client: Client, headers: dict, path: str, params: dict) -> int:
    response = client.get(path, params, **headers)
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def _copy_csv() -> int:
    sink = _Sink()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY ({ROWS_SQL}) TO STDOUT (FORMAT csv, HEADER)", sink)
    return sink.size


def _json_agg() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT json_agg(t)::text FROM ({ROWS_SQL}) t")
        return len(cursor.fetchone()[0].encode())


def _orjson_rows() -> int:
    connection.ensure_connection()
    size, names = 0, None
    with connection.connection.cursor(name="bench_floor", withhold=True) as cursor:
        cursor.itersize = 10000
        cursor.execute(ROWS_SQL)
        while rows := cursor.fetchmany(10000):
            names = names or [column.name for column in cursor.description]
            size += len(orjson.dumps([dict(zip(names, row, strict=True)) for row in rows],
                                     option=orjson.OPT_UTC_Z))
    return size


def _row_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({ROWS_SQL}) t")
        return cursor.fetchone()[0]


def _peak_kib(client: Client, headers: dict, path: str, params: dict) -> float:
    tracemalloc.start()
    try:
        _pull(client, headers, path, params)
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def run() -> list[Figure]:
    ApiClient.objects.filter(name=BENCH_CLIENT).delete()
    _client, token = api_client_create(name=BENCH_CLIENT, all_projects=True)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client = Client()
    rows = _row_count()
    export, listing = "/api/v1/metric-values/export/", "/api/v1/metric-values/"
    figures = []

    json_seconds, _size = _best(lambda: _pull(client, headers, export, {}))
    agg_seconds, _size = _best(_json_agg)
    orjson_seconds, _size = _best(_orjson_rows)
    floor_seconds = min(agg_seconds, orjson_seconds)
    floor_name = "json_agg" if agg_seconds <= orjson_seconds else "psycopg2+orjson"
    figures += [
        Figure(f"api: metric values JSON export ({rows} rows)", rows / json_seconds, "rows/s",
               f"{json_seconds:.2f} s; {json_seconds and floor_seconds / json_seconds:.2f} "
               f"of the floor (aim ≥ 0.5)"),
        Figure("api: JSON floor (PostgreSQL)", rows / floor_seconds, "rows/s",
               f"{floor_name}; json_agg {rows / agg_seconds:,.0f}/s, "
               f"psycopg2+orjson {rows / orjson_seconds:,.0f}/s"),
    ]

    csv_seconds, _size = _best(lambda: _pull(client, headers, listing, {"format": "csv"}))
    copy_seconds, _size = _best(_copy_csv)
    figures += [
        Figure(f"api: metric values CSV export ({rows} rows)", rows / csv_seconds, "rows/s",
               f"{csv_seconds:.2f} s; {copy_seconds / csv_seconds:.2f} of the floor "
               f"(aim ≥ 0.5)"),
        Figure("api: CSV floor (PostgreSQL COPY)", rows / copy_seconds, "rows/s",
               f"{copy_seconds:.2f} s"),
    ]

    # Flat memory: a third of the rows (the first year) and all of them.
    for fmt, path, params in [("JSON", export, {}), ("CSV", listing, {"format": "csv"})]:
        small = _peak_kib(client, headers, path, {**params, "period_to": "2021"})
        large = _peak_kib(client, headers, path, params)
        figures.append(Figure(f"api: {fmt} export peak memory, all rows", large, "KiB",
                              f"first year only: {small:,.0f} KiB; ratio {large / small:.2f} "
                              f"(flat ≈ 1)"))
    ApiClient.objects.filter(name=BENCH_CLIENT).delete()
    return figures
