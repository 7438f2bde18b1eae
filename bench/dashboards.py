"""Dashboards (issue 4): median server time of each dashboard page over the national-scale
synthetic data (demo/scale.py), read by a national viewer through django.test.Client, and
the number of SQL queries each page ran. Aim: under 300 ms a page."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.figures import Figure
from projects.models import Project
from workpackages.models import Subproject, WorkPackage

RUNS = 10
AIM_MS = 300


def _viewer():
    user, created = get_user_model().objects.get_or_create(username="bench-dashboards")
    if created:
        user.set_unusable_password()
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="view_all_projects"))
    return user


def _median_ms(client: Client, url: str) -> tuple[float, int]:
    client.get(url)  # warm: templates compiled, translations loaded
    reset_queries()  # with DEBUG on, a full query log would hide the new queries
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # read now: the log is cleared below
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        reset_queries()
    return statistics.median(times), count


def run() -> list[Figure]:
    project = Project.objects.get(code="SCALE-01")
    work_package = WorkPackage.objects.filter(project=project).order_by("code_sort").first()
    subproject = Subproject.objects.filter(project=project).order_by("code_sort").first()
    client = Client()
    client.force_login(_viewer())
    pages = [
        (f"national overview ({Project.objects.count()} projects)",
         reverse("dashboards:national")),
        (f"project {project.code} ({project.subprojects.count()} subprojects)",
         reverse("dashboards:project", args=[project.pk])),
        (f"project {project.code}, 36-month matrix",
         reverse("dashboards:project", args=[project.pk]) + "?months=36"),
        (f"work package {work_package.code} of {project.code}",
         reverse("dashboards:work_package", args=[work_package.pk])),
        (f"subproject {subproject.code} of {project.code}",
         reverse("dashboards:subproject", args=[subproject.pk])),
    ]
    figures = []
    for name, url in pages:
        median, queries = _median_ms(client, url)
        figures.append(Figure(f"dashboard: {name}", median, "ms",
                              f"median of {RUNS}; {queries} queries; aim < {AIM_MS} ms"))
    return figures
