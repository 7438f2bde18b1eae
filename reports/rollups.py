"""The monthly roll-up of a project, computed from its approved reports and metric values.

Rules
- Status of a work package: the worst light of its subprojects' approved reports
  (red > yellow > green > blue > grey); the manager may override it with a reason, and the
  override survives recomputation.
- Completeness: as reports.selectors.completeness (reported = submitted or approved).
- Metric aggregates, per kind, over the disaggregation categories of the month and over the
  months of the year so far:
    count, money       month: the total row if entered, else the sum of the categories;
                       year to date: the sum of the months — but a cumulative metric is a
                       running total and is never summed over months: its latest value.
    share, days        month: the total row, else the mean of the categories;
                       year to date: the mean of the months (latest for cumulative ones).
    yes_no, phase      the latest value (share of "yes" is not meaningful for one project).
    text               not aggregated.
- Narrative draft: per work package its light and each subproject's situation text, for the
  manager to edit into the summary (the manager's own text is kept).
Running it twice gives the same rows."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators.models import Metric, MetricValue
from projects import permissions
from projects.models import Project
from projects.versioning import StaleEdit, version_of
from reports import selectors
from reports.models import (
    MetricAggregate,
    MonthlyReport,
    ProjectRollup,
    StatusLight,
    WorkPackageStatus,
)
from workpackages.models import WorkPackage

SEVERITY = {
    StatusLight.RED: 4, StatusLight.YELLOW: 3, StatusLight.GREEN: 2, StatusLight.BLUE: 1,
    StatusLight.GREY: 0,
}
SUM_KINDS = {Metric.Kind.COUNT, Metric.Kind.MONEY}
MEAN_KINDS = {Metric.Kind.SHARE, Metric.Kind.DAYS}
LATEST_KINDS = {Metric.Kind.YES_NO, Metric.Kind.PHASE}


def worst_light(lights) -> str:
    lights = [light for light in lights if light]
    return max(lights, key=lambda light: SEVERITY[light]) if lights else ""


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values) / len(values) if values else None


def aggregate_metric(metric: Metric, rows: list[tuple[dt.date, int | None, Decimal]],
                     month: dt.date) -> tuple[str, Decimal | None, Decimal | None, int]:
    """(method, month value, year-to-date value, values used) for one metric, from its
    (period, category id, value) rows of the year up to the month."""
    per_month: dict[dt.date, Decimal] = {}
    by_period: dict[dt.date, dict] = defaultdict(dict)
    for period, category_id, value in rows:
        by_period[period][category_id] = value
    for period, values in by_period.items():
        if None in values:  # a total row was entered
            per_month[period] = values[None]
        elif metric.kind in SUM_KINDS:
            per_month[period] = sum(values.values())
        else:
            per_month[period] = _mean(list(values.values()))
    month_value = per_month.get(month)
    ordered = [per_month[p] for p in sorted(per_month)]
    latest = ordered[-1] if ordered else None
    if metric.kind in LATEST_KINDS:
        return "latest", month_value, latest, len(rows)
    if metric.cumulative:
        return "latest", month_value, latest, len(rows)
    if metric.kind in SUM_KINDS:
        return "sum", month_value, sum(ordered) if ordered else None, len(rows)
    return "mean", month_value, _mean(ordered), len(rows)


def _narrative(work_packages, lights, reports_by_wp) -> str:
    parts = []
    for wp in work_packages:
        light = lights.get(wp.pk, "")
        label = StatusLight(light).label if light else _("no approved reports")
        lines = [f"{wp.code} {wp.name} – {label}"]
        for report in reports_by_wp.get(wp.pk, []):
            text = " ".join(report.situation.split())
            if text:
                lines.append(f"• {report.subproject.code} {report.subproject.name}: {text}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


@transaction.atomic
def rollup_compute(*, project: Project, month: dt.date) -> ProjectRollup:
    """Compute (or recompute) the project's roll-up for the month. What it computes is no
    one's change and is not audited; the manager's summary and light overrides are."""
    with disable_auditlog():
        return _rollup_compute(project=project, month=month)


def _rollup_compute(*, project: Project, month: dt.date) -> ProjectRollup:
    completeness = selectors.completeness([project.pk], month)[project.pk]
    rollup, _ = ProjectRollup.objects.select_for_update(of=("self",)).get_or_create(
        project=project, month=month, defaults={"computed_at": timezone.now()}
    )
    rollup.expected, rollup.reported = completeness.expected, completeness.reported
    rollup.approved, rollup.on_time = completeness.approved, completeness.on_time

    work_packages = list(WorkPackage.objects.filter(project=project).order_by("code_sort"))
    approved = list(
        MonthlyReport.objects.filter(
            subproject__project=project, period=month, state=MonthlyReport.State.APPROVED
        ).select_related("subproject").order_by("subproject__code_sort")
    )
    reports_by_wp: dict[int, list[MonthlyReport]] = defaultdict(list)
    for report in approved:
        reports_by_wp[report.subproject.work_package_id].append(report)
    lights = {
        wp.pk: worst_light(r.light for r in reports_by_wp.get(wp.pk, [])) for wp in work_packages
    }
    existing = {s.work_package_id: s for s in rollup.work_package_statuses.all()}
    for wp in work_packages:
        counts: dict[str, int] = defaultdict(int)
        for report in reports_by_wp.get(wp.pk, []):
            if report.light:
                counts[report.light] += 1
        status = existing.pop(wp.pk, None) or WorkPackageStatus(rollup=rollup, work_package=wp)
        status.computed_light, status.counts = lights[wp.pk], dict(sorted(counts.items()))
        status.save()
    for stale in existing.values():
        stale.delete()

    metrics = list(Metric.objects.filter(project=project).exclude(kind=Metric.Kind.TEXT))
    rows: dict[int, list] = defaultdict(list)
    for metric_id, period, category_id, value in MetricValue.objects.filter(
        metric__in=metrics, period__gte=month.replace(month=1), period__lte=month,
        value__isnull=False, published=True,
    ).values_list("metric_id", "period", "category_id", "value"):
        rows[metric_id].append((period, category_id, value))
    rollup.metric_aggregates.all().delete()
    MetricAggregate.objects.bulk_create([
        MetricAggregate(rollup=rollup, metric=metric, method=method, month_value=value,
                        year_to_date=ytd, value_count=count)
        for metric in metrics if rows.get(metric.pk)
        for method, value, ytd, count in [aggregate_metric(metric, rows[metric.pk], month)]
    ])
    # In the portal's working language whoever's action recomputed it (a worker, or in
    # development the approving manager's request), so a recomputation changes nothing.
    with translation.override(settings.LANGUAGE_CODE):
        rollup.narrative_draft = _narrative(work_packages, lights, reports_by_wp)
    rollup.computed_at = timezone.now()
    rollup.save()
    return rollup


@transaction.atomic
def work_package_status_override(*, status: WorkPackageStatus, user, light: str,
                                 reason: str) -> WorkPackageStatus:
    """The manager sets a work package's light for the month, with a reason."""
    if not permissions.is_manager(user, status.rollup.project_id):
        raise PermissionDenied(_("Only the project manager can set the light."))
    if light and not reason.strip():
        raise ValidationError({"override_reason": [_("Give the reason for overriding the light.")]})
    status.override_light, status.override_reason = light, reason.strip() if light else ""
    status.save(update_fields=["override_light", "override_reason"])
    return status


def rollups_compute_from(*, project: Project, month: dt.date) -> list[ProjectRollup]:
    """Recompute the month's roll-up and those of the later months of its year that have one:
    their year-to-date figures include the month (a reopening withdraws a value from them
    all)."""
    later = ProjectRollup.objects.filter(project=project, month__year=month.year,
                                         month__gt=month).values_list("month", flat=True)
    return [rollup_compute(project=project, month=each) for each in [month, *sorted(later)]]


def national_rollup(*, month: dt.date) -> int:
    """Recompute every project's roll-up for the month; returns how many."""
    count = 0
    for project in Project.objects.all():
        rollup_compute(project=project, month=month)
        count += 1
    return count


@transaction.atomic
def work_package_status_override_if_unchanged(*, status: WorkPackageStatus, user, light: str,
                                              reason: str, version: str) -> WorkPackageStatus:
    """The workspace's light override (issue 11): as work_package_status_override, refused
    (StaleEdit) if the status changed since the manager's form was read."""
    current = WorkPackageStatus.objects.select_for_update().select_related("rollup").get(
        pk=status.pk)
    if version_of(current) != version:
        raise StaleEdit
    return work_package_status_override(status=current, user=user, light=light, reason=reason)
