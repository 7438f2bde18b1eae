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


def test_a_once_metric_entered_in_a_later_month_is_not_asked_again_in_an_earlier_one(client, cast):
    """A metric reported once had two values when the earlier month was filled after the
    later one; both were published, and JSON-stat (one cell per year) kept only one of them,
    so the cube no longer held the rows of the JSON and CSV."""
    metric = factories.MetricFactory(project=cast.project, subproject=cast.subproject,
                                     code="O.1", kind="count", frequency="once")
    may = dt.date(2022, 5, 1)
    report = services.monthly_report_save(
        subproject=cast.subproject, period=may, user=cast.coordinator, expected_version=None,
        data=ReportInput(fields=TEXTS, values=[
            ValueInput(metric, None, parse_metric_input(metric, "3"), "")]))
    approve(cast, report)
    client.force_login(cast.coordinator)
    page = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-04"]))
    assert page.status_code == 200
    assert f'name="metric_{metric.pk}"' not in page.content.decode()
    page = client.get(reverse("reports:edit", args=[cast.subproject.pk, "2022-05"]))
    assert f'name="metric_{metric.pk}"' in page.content.decode()  # its own month shows it


@pytest.mark.parametrize("params, headers, status", [
    ({"format": "xml"}, {}, 406),                         # an unknown format
    ({}, {"HTTP_ACCEPT": "text/html"}, 406),              # an Accept no format matches
    ({}, {"HTTP_AUTHORIZATION": "Bearer sote_nothing"}, 401),  # an unknown token
])
def test_the_schemas_errors_are_json_too(client, params, headers, status):
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}
    answer = client.get(reverse("api:schema"), params, **headers)
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json"
    assert set(answer.json()) == {"detail"} and isinstance(answer.json()["detail"], str)
    if params:
        assert "yaml" in answer.json()["detail"]  # names the formats the schema is given in


@pytest.mark.parametrize("path, query, name", [
    (VALUES, "project=NOPE&project=HANKE-A", "project"),  # the typo dropped, HANKE-A answered
    (VALUES, "page_size=abc&page_size=5", "page_size"),
    (reverse("api:project-list"), "format=csv&format=json", "format"),
    (reverse("api:project-detail", args=[1]), "format=csv&format=json", "format"),
])
def test_a_parameter_given_twice_is_refused_not_half_read(client, cast, path, query, name):
    token = api_client_create(name="THL", all_projects=True)[1]
    path = path.replace("/1/", f"/{cast.project.pk}/")
    answer = client.get(f"{path}?{query}", HTTP_AUTHORIZATION=f"Bearer {token}",
                        HTTP_ACCEPT_LANGUAGE="sv")
    assert answer.status_code == 400, answer.content[:300]
    assert answer.json() == {name: ["Ange parametern en gång; ett filter tar flera värden "
                                    "åtskilda med kommatecken."]}


@pytest.mark.parametrize("params, accept", [({}, "text/csv"), ({}, "text/html"),
                                            ({"format": "csv"}, "*/*"),
                                            ({"format": "xml"}, "*/*")])
def test_a_path_that_does_not_exist_is_a_404_whatever_format_is_asked(client, params, accept):
    token = api_client_create(name="THL", all_projects=True)[1]
    answer = client.get("/api/v1/metric-valuez/", params, HTTP_ACCEPT=accept,
                        HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 404  # was 406 "cannot answer the Accept header"
    assert answer.json() == {"detail": "Ei löydy."}


def test_the_context_cube_codes_regions_as_the_metric_values_cube_does(client, cast):
    """North Karelia, the former region 12, is wellbeing services county 14 (HVA14); the
    context cube coded it 12, which in the county classification is South Savo."""
    from decimal import Decimal

    from indicators.models import SotkanetIndicator, SotkanetValue
    from projects.models import Region

    Region.objects.filter(pk=cast.project.region_id).update(
        code="12", name="Pohjois-Karjala", name_sv="Norra Karelen", wellbeing_county="14",
        sotkanet_region_id=975)
    metric = factories.MetricFactory(project=cast.project, code="S.1", sotkanet_indicator=4123)
    factories.MetricValueFactory(metric=metric, period=APRIL, value=3, published=True)
    indicator = SotkanetIndicator.objects.create(indicator_id=4123, title="Etäasioinnit",
                                                 decimals=1)
    SotkanetValue.objects.create(indicator=indicator, region_id=975, year=2023,
                                 value=Decimal("10.5"))
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    context = client.get(reverse("api:context-list"), {"format": "jsonstat", "lang": "sv"},
                         **headers).json()["dimension"]["region"]["category"]
    values = client.get(VALUES, {"format": "jsonstat", "lang": "sv"},
                        **headers).json()["dimension"]["region"]["category"]
    assert list(context["index"]) == list(values["index"]) == ["HVA14"]
    assert context["label"] == values["label"] == {"HVA14": "Norra Karelens välfärdsområde"}


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("auth, params, status", [
    ("token", {"project": "NOPE"}, 400),
    ("token", {}, 405),          # a POST
    ("bad token", {}, 401),
    ("nobody", {}, 401),
])
@pytest.mark.parametrize("accept", ["text/html", BROWSER])
def test_no_html_under_api_for_a_reader_that_is_not_signed_in(client, cast, auth, params, status,
                                                              accept):
    """The browsable HTML pages are for a signed-in user's browser; a token client or a
    stranger whose Accept names text/html got its errors as HTML pages."""
    token = api_client_create(name="THL", all_projects=True)[1]
    headers = {"HTTP_ACCEPT": accept}
    if auth != "nobody":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token if auth == 'token' else 'sote_nothing'}"
    send = client.post if status == 405 else client.get
    answer = send(VALUES, params, **headers)
    assert answer["Content-Type"] == "application/json"
    # text/html alone is an Accept no format matches for such a reader: a 406, in JSON
    assert answer.status_code == (status if accept == BROWSER else 406)
    assert "<html" not in answer.content.decode().lower()


def test_a_signed_in_browser_still_gets_the_browsable_page(client, cast):
    client.force_login(cast.national)
    page = client.get(VALUES, HTTP_ACCEPT=BROWSER)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


def test_updated_since_on_the_context_finds_a_metric_whose_indicator_was_fetched_again(client,
                                                                                     cast):
    """An incremental reader of context/ asked updated_since its last pull and got nothing
    after the weekly fetch brought new values: only the metric's own change time counted."""
    from decimal import Decimal

    from django.utils import timezone

    from indicators.models import Metric, SotkanetIndicator, SotkanetValue
    from projects.models import Project, Region

    Region.objects.filter(pk=cast.project.region_id).update(sotkanet_region_id=975)
    metric = factories.MetricFactory(project=cast.project, code="S.1", sotkanet_indicator=4123)
    indicator = SotkanetIndicator.objects.create(indicator_id=4123, title="Etäasioinnit",
                                                 decimals=1)
    past = timezone.now() - dt.timedelta(days=7)
    for model, pk in [(Metric, metric.pk), (SotkanetIndicator, indicator.pk),
                      (Project, cast.project.pk), (Region, cast.project.region_id)]:
        model.objects.filter(pk=pk).update(updated_at=past)
    last_pull = timezone.now() - dt.timedelta(days=1)
    # the weekly fetch: a new year's value (the indicator's row is saved with it)
    SotkanetValue.objects.create(indicator=indicator, region_id=975, year=2024,
                                 value=Decimal("12.5"))
    indicator.fetched_at = timezone.now()
    indicator.save()
    token = api_client_create(name="THL", all_projects=True)[1]
    rows = client.get(reverse("api:context-list"), {"updated_since": last_pull.isoformat()},
                      HTTP_AUTHORIZATION=f"Bearer {token}").json()["results"]
    assert [(row["id"], row["values"][0]["value"]) for row in rows] == [(metric.pk, 12.5)]
