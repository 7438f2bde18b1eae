"""Roll-ups equal figures computed independently; late approvals update them; reruns agree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import MetricAggregate, ProjectRollup, WorkPackageStatus
from reports.rollups import rollup_compute
from tests import factories

pytestmark = pytest.mark.django_db
MAY = dt.date(2022, 5, 1)


def approved(sub, light, period=MAY, text="Tilanne"):
    return factories.MonthlyReportFactory(subproject=sub, period=period, state="approved",
                                          light=light, situation=text)


def rows(rollup):
    return (
        list(rollup.work_package_statuses.order_by("id").values("work_package", "computed_light",
                                                                "counts")),
        list(rollup.metric_aggregates.order_by("metric").values("metric", "method",
                                                                "month_value", "year_to_date")),
        rollup.narrative_draft, rollup.expected, rollup.reported, rollup.approved,
    )


def test_work_package_light_is_the_worst_of_its_subprojects(cast):
    approved(cast.subproject, "green")
    approved(cast.sibling, "red", text="Rekrytointi viivästyi.")
    rollup = rollup_compute(project=cast.project, month=MAY)
    status = rollup.work_package_statuses.get()
    assert status.light == "red" and status.counts == {"green": 1, "red": 1}
    assert (rollup.expected, rollup.reported, rollup.approved) == (2, 2, 2)
    assert "Rekrytointi viivästyi." in rollup.narrative_draft


def test_metric_aggregates_follow_the_rule_of_each_kind(cast):
    dis = factories.DisaggregationFactory(code="age", name="Ikäryhmä")
    kids, adults = [factories.DisaggregationCategoryFactory(disaggregation=dis, code=c, name=c)
                    for c in ("kids", "adults")]
    count = factories.MetricFactory(project=cast.project, code="A.1", kind="count",
                                    disaggregation=dis)
    share = factories.MetricFactory(project=cast.project, code="A.2", kind="share")
    running = factories.MetricFactory(project=cast.project, code="A.3", kind="count",
                                      cumulative=True)
    for month, (k, a) in {1: (2, 3), 3: (4, 5), 5: (6, 7)}.items():
        period = dt.date(2022, month, 1)
        factories.MetricValueFactory(metric=count, period=period, category=kids, value=k)
        factories.MetricValueFactory(metric=count, period=period, category=adults, value=a)
        factories.MetricValueFactory(metric=share, period=period, value=10 * month)
        factories.MetricValueFactory(metric=running, period=period, value=100 * month)
    factories.MetricValueFactory(metric=count, period=dt.date(2021, 12, 1), category=kids, value=99)
    for month in (dt.date(2021, 12, 1), *(dt.date(2022, m, 1) for m in (1, 3, 5))):
        factories.MonthlyReportFactory(project=cast.project, subproject=None, period=month,
                                       state="approved")
    factories.publish_approved_values()
    rollup = rollup_compute(project=cast.project, month=MAY)
    got = {a.metric.code: (a.method, a.month_value, a.year_to_date)
           for a in MetricAggregate.objects.filter(rollup=rollup).select_related("metric")}
    assert got["A.1"] == ("sum", Decimal(13), Decimal(2 + 3 + 4 + 5 + 6 + 7))
    assert got["A.2"] == ("mean", Decimal(50), Decimal(30))
    assert got["A.3"] == ("latest", Decimal(500), Decimal(500))  # never summed over months


def test_late_approval_updates_the_rollup_and_two_runs_agree(
    client, cast, django_capture_on_commit_callbacks
):
    approved(cast.subproject, "green")
    first = rollup_compute(project=cast.project, month=MAY)
    assert first.approved == 1 and first.work_package_statuses.get().light == "green"
    late = factories.MonthlyReportFactory(subproject=cast.sibling, period=MAY,
                                          state="submitted", light="yellow")
    client.force_login(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):  # the recompute is sent on commit
        client.post(reverse("reports:approve", args=[late.pk]), factories.approve_form(late))
    rollup = ProjectRollup.objects.get(project=cast.project, month=MAY)
    assert rollup.approved == 2
    assert rollup.work_package_statuses.get().light == "yellow"
    before = rows(rollup)
    again = rollup_compute(project=cast.project, month=MAY)
    assert rows(again) == before
    assert ProjectRollup.objects.count() == 1 and WorkPackageStatus.objects.count() == 1


def test_reopening_takes_the_report_out_of_the_rollup(
    client, cast, django_capture_on_commit_callbacks
):
    report = approved(cast.subproject, "red")
    rollup_compute(project=cast.project, month=MAY)
    client.force_login(cast.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:reopen", args=[report.pk]), {"reason": "Korjataan."})
    rollup = ProjectRollup.objects.get(project=cast.project, month=MAY)
    assert rollup.approved == 0 and rollup.work_package_statuses.get().light == ""


def test_manager_override_survives_recomputation(cast):
    from reports.rollups import work_package_status_override

    approved(cast.subproject, "red")
    status = rollup_compute(project=cast.project, month=MAY).work_package_statuses.get()
    work_package_status_override(status=status, user=cast.manager, light="yellow",
                                 reason="Korjaava toimenpide sovittu.")
    status = rollup_compute(project=cast.project, month=MAY).work_package_statuses.get()
    assert status.computed_light == "red" and status.light == "yellow"
