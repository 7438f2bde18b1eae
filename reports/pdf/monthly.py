"""Monthly status report (tilannekuva) in seed 001's layout: per work package the table
Osa-alue | Status | Tavoite | Tilanne / keskeiset aikaansaannokset | Eteneminen / tulevat
toimenpiteet, then the timeline of its subprojects, then metrics against targets."""

import copy
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Metric, MetricTarget, MetricValue
from indicators.selectors import context_by_metric
from projects.formatting import format_date, format_month, format_number, light_name
from projects.models import Project
from reports.models import MonthlyReport, ProjectRollup
from reports.pdf.charts import series_svg, timeline_svg
from reports.pdf.render import render_pdf
from workpackages.models import Subproject
from workpackages.timeline import timeline_months, timeline_row, with_activities


def _num(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _light_word(light: str) -> str:
    """The light's name in the document's language (the active one while it is made)."""
    return light_name(light) if light else "–"


def collect(*, project: Project, month: dt.date, phase=None) -> dict:
    """Plain data of the project's month; the report's checksum is taken over it."""
    subprojects = list(with_activities(
        Subproject.objects.filter(project=project).select_related("work_package")
        .order_by("work_package__code_sort", "code_sort")
    ))
    reports: dict[int, MonthlyReport] = {}
    for report in MonthlyReport.objects.filter(
        subproject__project=project, period=month,
        state__in=[MonthlyReport.State.APPROVED, MonthlyReport.State.SUBMITTED],
    ):
        reports[report.subproject_id] = report
    rollup = ProjectRollup.objects.filter(project=project, month=month).prefetch_related(
        "work_package_statuses").first()
    statuses = {s.work_package_id: s for s in rollup.work_package_statuses.all()} if (
        rollup) else {}
    wp_lights = {pk: status.light for pk, status in statuses.items()}
    months = timeline_months(
        subprojects, [(p.start_date, p.end_date) for p in project.phases.all()], month)
    by_wp: dict[int, list[Subproject]] = defaultdict(list)
    for sub in subprojects:
        by_wp[sub.work_package_id].append(sub)
    work_packages = []
    for wp in project.work_packages.order_by("code_sort"):
        rows, timeline = [], []
        for sub in by_wp.get(wp.pk, []):
            report = reports.get(sub.pk)
            light = report.light if report else ("grey" if sub.starts_later else "")
            rows.append({
                "code": sub.code, "name": sub.name, "objective": sub.objective,
                "light": light,
                "situation": report.situation if report else "",
                "next_steps": report.next_steps if report else "",
                "grey": sub.starts_later, "star": sub.carried_over,
                "approved": bool(report and report.state == MonthlyReport.State.APPROVED),
            })
            timeline.append(timeline_row(sub, sub.name))
        light = wp_lights.get(wp.pk, "")
        work_packages.append({
            "code": wp.code, "name": wp.name, "description": wp.description,
            "light": light,
            "light_reason": statuses[wp.pk].override_reason if wp.pk in statuses and (
                statuses[wp.pk].override_light) else "",
            "rows": rows, "timeline": timeline,
        })
    return {
        "project": {"code": project.code, "name": project.name, "region": project.region.name,
                    "administrator": project.administrator.name},
        "month": month.isoformat(), "month_label": format_month(month),
        "summary": (rollup.narrative or rollup.narrative_draft) if rollup else "",
        "completeness": {"expected": rollup.expected, "reported": rollup.reported,
                         "approved": rollup.approved} if rollup else None,
        "months": [m.isoformat() for m in months],
        "work_packages": work_packages,
        "metrics": _metrics(project, month, months),
    }


def _metrics(project: Project, month: dt.date, months: list[dt.date]) -> list[dict]:
    metrics = list(
        Metric.objects.filter(project=project).exclude(kind=Metric.Kind.TEXT)
        .prefetch_related(Prefetch("targets", queryset=MetricTarget.objects.filter(
            effective_from__lte=month).order_by("-effective_from")))
        .order_by("code_sort")
    )
    series: dict[int, dict[dt.date, object]] = defaultdict(dict)
    for metric_id, period, value in MetricValue.objects.filter(
        metric__in=metrics, category=None, period__lte=month, value__isnull=False, published=True
    ).values_list("metric_id", "period", "value"):
        series[metric_id][period] = value
    contexts = context_by_metric([m.pk for m in metrics if m.sotkanet_indicator], last_years=1)
    rows = []
    for metric in metrics:
        target = next(iter(metric.targets.all()), None)
        values = series.get(metric.pk, {})
        if not values and target is None:
            continue
        rows.append({
            "code": metric.code, "name": metric.name, "unit": metric.unit,
            "kind": metric.kind,
            "value": _num(values.get(month)),
            "baseline": _num(target.baseline_value) if target else None,
            "baseline_date": target.baseline_date.isoformat() if target and target.baseline_date
            else None,
            "target": _num(target.target_value) if target else None,
            "target_date": target.target_date.isoformat() if target and target.target_date
            else None,
            "series": [[m.isoformat(), _num(v)] for m, v in sorted(values.items())],
            "context": _context(contexts.get(metric.pk)),
        })
    return rows


def _context(context) -> dict | None:
    """The latest year of the metric's Sotkanet context, with its attribution."""
    indicator = context.indicator if context else None
    if indicator is None or indicator.fetched_at is None or context.latest is None:
        return None
    year, county, country = context.latest
    return {"indicator": context.indicator_id, "title": indicator.title, "unit": indicator.unit,
            "year": year, "county_name": context.county_name, "county": _num(county),
            "country": _num(country), "source": indicator.source, "licence": indicator.licence,
            "fetched": timezone.localdate(indicator.fetched_at).isoformat()}


def _date_text(iso: str | None) -> str:
    return format_date(dt.date.fromisoformat(iso)) if iso else ""


def _number_text(number: str | None) -> str | None:
    return None if number is None else format_number(Decimal(number))


def render(data: dict) -> bytes:
    data = copy.deepcopy(data)  # the collected data stays as its checksum was taken
    months = [dt.date.fromisoformat(m) for m in data["months"]]
    marker = dt.date.fromisoformat(data["month"])
    index = {m.isoformat(): i for i, m in enumerate(months)}
    # Words in the document's language are added here, not collected: the data, and so its
    # checksum, are the same whatever the language of the document.
    for wp in data["work_packages"]:
        wp["light_word"] = _light_word(wp["light"])
        for row in wp["rows"]:
            row["light_word"] = _light_word(row["light"])
        wp["timeline_svg"] = timeline_svg(
            months=months, rows=wp["timeline"], marker=marker,
            title=_("Timeline: %(name)s") % {"name": wp["name"]},
        ) if wp["timeline"] else ""
    for metric in data["metrics"]:
        points = [(index[m], float(v)) for m, v in metric["series"] if m in index]
        metric["svg"] = series_svg(
            values=points, months=len(months),
            baseline=float(metric["baseline"]) if metric["baseline"] else None,
            target=float(metric["target"]) if metric["target"] else None,
            title=f"{metric['code']} {metric['name']}",
        )
        metric["kind"] = Metric.Kind(metric["kind"]).label
        metric["baseline_date_text"] = _date_text(metric["baseline_date"])
        metric["target_date_text"] = _date_text(metric["target_date"])
        if metric.get("context"):
            context = metric["context"]
            context["fetched_text"] = _date_text(context["fetched"])
            context["county"] = _number_text(context["county"])
            context["country"] = _number_text(context["country"])
        for field in ("value", "baseline", "target"):
            metric[field] = _number_text(metric[field])
    return render_pdf("reports/pdf/monthly.html", data)
