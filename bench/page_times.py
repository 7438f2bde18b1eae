"""The page times at one national size, in a process of its own: bench/pages.py runs

    python -m bench.page_times REGIONS      # with DATABASE_URL naming that size's database

which fills the database with REGIONS synthetic projects if it holds another number, then
prints as JSON the median server time, the median time in SQL and the query count of each
page of the same 50-subproject project (SCALE-01), read through django.test.Client by a
national viewer."""

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sote_portal.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Permission  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.data import prepare  # noqa: E402
from indicators.models import MetricValue  # noqa: E402
from projects.models import Project  # noqa: E402
from reports.models import MonthlyReport  # noqa: E402
from workpackages.models import Subproject, WorkPackage  # noqa: E402

RUNS = 10


def _viewer():
    user, created = get_user_model().objects.get_or_create(username="bench-dashboards")
    if created:
        user.set_unusable_password()
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    return user


class _SqlTimer:
    """The time spent in the database, summed over the queries run (execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _medians(client: Client, url: str) -> dict:
    """The page's median time and median time in SQL over RUNS requests, in milliseconds, and
    the number of queries it runs."""
    client.get(url)  # warm: templates compiled, translations loaded
    reset_queries()  # with DEBUG on, a full query log would hide the new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # read now: the log is cleared below
    times, sql = [], []
    for _ in range(RUNS):
        timer = _SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        sql.append(timer.seconds * 1000)
        reset_queries()
    return {"ms": statistics.median(times), "sql_ms": statistics.median(sql), "queries": count}


def pages() -> list[tuple[str, str]]:
    """(name, URL) of each page measured; the names do not depend on the size."""
    project = Project.objects.get(code="SCALE-01")
    work_package = WorkPackage.objects.filter(project=project).order_by("code_sort").first()
    subproject = Subproject.objects.filter(project=project).order_by("code_sort").first()
    month = MonthlyReport.objects.filter(subproject=subproject).aggregate(
        last=Max("period"))["last"]
    code = project.code
    return [
        ("national overview (every project)", reverse("dashboards:national")),
        (f"project {code} ({project.subprojects.count()} subprojects)",
         reverse("dashboards:project", args=[project.pk])),
        (f"project {code}, 36-month matrix",
         reverse("dashboards:project", args=[project.pk]) + "?months=36"),
        (f"work package {work_package.code} of {code}",
         reverse("dashboards:work_package", args=[work_package.pk])),
        (f"subproject {subproject.code} of {code}",
         reverse("dashboards:subproject", args=[subproject.pk])),
        (f"report of {subproject.code}, {month:%Y-%m}",
         reverse("reports:edit", args=[subproject.pk, f"{month:%Y-%m}"])),
    ]


def main() -> None:
    regions = int(sys.argv[1])
    prepare(regions=regions)
    client = Client()
    client.force_login(_viewer())
    rows = [{"page": name, **_medians(client, url)} for name, url in pages()]
    json.dump({"regions": regions, "projects": Project.objects.count(),
               "values": MetricValue.objects.count(), "pages": rows}, sys.stdout)


if __name__ == "__main__":
    main()
