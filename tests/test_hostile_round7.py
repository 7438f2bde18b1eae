"""Hostile round 7 (issue 14): the national statistics API attacked from outside."""

import datetime as dt

import pytest
from django.urls import reverse

from api.services import api_client_create
from indicators.services import parse_metric_input
from reports import services
from reports.services import ReportInput, ValueInput
from tests import factories

pytestmark = pytest.mark.django_db
APRIL = dt.date(2022, 4, 1)
VALUES = reverse("api:metric-value-list")
TEXTS = {"light": "yellow", "progress": 40, "situation": "Tilanne", "next_steps": "Seuraavaksi",
         "problems": "Ei", "help_needed": "Ei", "light_reason": "Perustelu"}


def save(subproject, user, metric, raw):
    from reports.models import MonthlyReport
    existing = MonthlyReport.objects.filter(subproject=subproject, period=APRIL).first()
    return services.monthly_report_save(
        subproject=subproject, period=APRIL, user=user,
        expected_version=existing.version if existing else None,
        data=ReportInput(fields=TEXTS, values=[
            ValueInput(metric, None, parse_metric_input(metric, raw), "Kommentti" if raw else "")]))


def approve(cast, report):
    report = services.monthly_report_submit(report=report, user=cast.coordinator)
    return services.monthly_report_approve(report=report, user=cast.manager,
                                           expected_version=report.version)


def national(client, token, **params):
    return client.get(VALUES, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_value_cleared_and_typed_again_after_a_reopening_is_revised_in_jsonstat(client, cast):
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject,
                                     code="R.1", kind="count")
    token = api_client_create(name="THL", all_projects=True)[1]
    april = approve(cast, save(cast.subproject, cast.coordinator, metric, "10"))
    services.monthly_report_reopen(report=april, user=cast.manager, reason="Luku väärin")
    save(cast.subproject, cast.coordinator, metric, "")     # cleared: the row is deleted
    # while reopened, the national reader sees nothing of the month
    assert national(client, token).json()["results"] == []
    cube = national(client, token, format="jsonstat").json()
    assert cube["value"] == [None] and "status" not in cube
    report = save(cast.subproject, cast.coordinator, metric, "12")  # typed again: a new row
    approve(cast, report)
    rows = national(client, token).json()["results"]
    assert [row["value"] for row in rows] == [12.0]
    cube = national(client, token, format="jsonstat").json()
    assert cube["value"] == [12.0]
    assert cube["status"] == {"0": "r"}  # published again after a reopening: revised


def test_the_context_etag_changes_when_the_projects_region_maps_to_another_county(client, cast):
    from decimal import Decimal

    from indicators.models import SotkanetIndicator, SotkanetValue
    from projects.models import Region

    factories.MetricFactory(project=cast.project, code="S.1", sotkanet_indicator=4123)
    Region.objects.filter(pk=cast.project.region_id).update(sotkanet_region_id=975)
    indicator = SotkanetIndicator.objects.create(indicator_id=4123, title="Etäasioinnit",
                                                 decimals=1)
    for region_id, value in [(975, "10.5"), (979, "20.5")]:
        SotkanetValue.objects.create(indicator=indicator, region_id=region_id, year=2023,
                                     value=Decimal(value))
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    path = reverse("api:context-list")
    first = client.get(path, {"format": "jsonstat"}, **headers)
    assert first.json()["value"] == [10.5]
    region = Region.objects.get(pk=cast.project.region_id)
    region.sotkanet_region_id = 979  # an administrator corrects the mapping
    region.save()
    again = client.get(path, {"format": "jsonstat"}, HTTP_IF_NONE_MATCH=first["ETag"], **headers)
    assert again.status_code == 200  # not a 304 that keeps the other county's figure
    assert again.json()["value"] == [20.5]
