"""Dashboard pages: the national overview, a project, a work package, a subproject.

Each page is for one month (?month=YYYY-MM, by default the latest month with approved
reports) and keeps its filters in the query string, so a link shows the same picture to the
next reader. Views parse, fetch through the permission-checking getters, call one selector
and render; the charts are drawn by the template tags in templatetags/dashboards.py."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from dashboards import national_selectors, selectors
from projects import permissions
from projects.months import add_months, parse_typed_month
from reports import selectors as report_selectors


def _month(request: HttpRequest, project_ids) -> dt.date:
    text = request.GET.get("month", "").strip()
    if not text:
        return selectors.default_month(project_ids)
    try:  # 2022-07 from the month picker, or 7/2022 typed where the browser has none
        return parse_typed_month(text)
    except ValueError:
        raise Http404 from None


def _window(request: HttpRequest) -> int:
    try:
        window = int(request.GET.get("months", 12))
    except ValueError:
        window = 12
    return window if window in selectors.WINDOWS else 12


def _links(month: dt.date, **params) -> dict:
    """Query strings for this view's links: the same filters, and the months around."""
    kept = {k: v for k, v in params.items() if v not in ("", None)}

    def query(for_month: dt.date) -> str:
        return urlencode({"month": f"{for_month:%Y-%m}", **kept})

    return {"query": query(month), "previous_query": query(add_months(month, -1)),
            "next_query": query(add_months(month, 1)), "month_value": f"{month:%Y-%m}"}


@login_required
def national(request: HttpRequest) -> HttpResponse:
    month = _month(request, permissions.visible_projects(request.user).values("pk"))
    region, goal = request.GET.get("region", ""), request.GET.get("goal", "")
    metric = request.GET.get("metric", "")
    overview = national_selectors.national_overview(request.user, month=month, region=region,
                                                    goal=goal, metric=metric)
    return render(request, "dashboards/national.html", {
        "overview": overview, "month": month, "region": region, "goal": goal, "metric": metric,
        "child_query": urlencode({"month": f"{month:%Y-%m}"}),
        **_links(month, region=region, goal=goal, metric=metric),
    })


@login_required
def project(request: HttpRequest, project_id: int) -> HttpResponse:
    project = permissions.get_visible_project_or_404(request.user, project_id)
    month, window = _month(request, [project.pk]), _window(request)
    dashboard = selectors.project_dashboard(project, month=month, window=window)
    return render(request, "dashboards/project.html", {
        "dashboard": dashboard, "project": project, "month": month, "window": window,
        "windows": selectors.WINDOWS, **_links(month, months=window),
    })


@login_required
def work_package(request: HttpRequest, work_package_id: int) -> HttpResponse:
    work_package = selectors.get_visible_work_package_or_404(request.user, work_package_id)
    project = work_package.project
    month, window = _month(request, [project.pk]), _window(request)
    dashboard = selectors.work_package_dashboard(work_package, month=month, window=window)
    return render(request, "dashboards/work_package.html", {
        "dashboard": dashboard, "project": project, "work_package": work_package,
        "month": month, "window": window, "windows": selectors.WINDOWS,
        **_links(month, months=window),
    })


@login_required
def subproject(request: HttpRequest, subproject_id: int) -> HttpResponse:
    subproject = report_selectors.get_visible_subproject(request.user, subproject_id)
    project = subproject.project
    month, window = _month(request, [project.pk]), _window(request)
    dashboard = selectors.subproject_dashboard(subproject, month=month, window=window)
    return render(request, "dashboards/subproject.html", {
        "dashboard": dashboard, "project": project, "work_package": subproject.work_package,
        "subproject": subproject, "month": month, "window": window,
        "windows": selectors.WINDOWS, **_links(month, months=window),
    })
