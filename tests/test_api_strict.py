"""Strict filters and JSON errors (issue 14): an unknown parameter, code or id, or a reversed
period range is a 400 naming the parameter; every answer under /api/ is JSON, in the
request's language, and names no model; the schema gives the coded fields as enums."""

import pytest
from django.core.cache import cache

from tests.api_support import LISTS, bearer, results, url

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def ask(client, path, token, **params):
    return client.get(path, params, **bearer(token), **EN)


def refused(response, parameter: str) -> str:
    """The reason given for the parameter of a 400."""
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert parameter in body, body
    return " ".join(body[parameter])


# --- Unknown parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_parameter_is_a_400_naming_it_and_the_known_ones(client, data, name):
    reason = refused(ask(client, url(name), data.national_token, colour="red"), "colour")
    assert reason.startswith("Unknown parameter. This endpoint takes: ")
    assert "updated_since" in reason and "format" in reason and "page_size" in reason


def test_a_detail_takes_only_its_format(client, data):
    pk = results(ask(client, url("project-list"), data.national_token))[0]["id"]
    detail = url("project-detail", pk)
    assert ask(client, detail, data.national_token, format="csv").status_code == 200
    reason = refused(ask(client, detail, data.national_token, colour="red"), "colour")
    assert reason == "Unknown parameter. This endpoint takes: dialect, format."
    assert refused(ask(client, detail, data.national_token, dialect="x"), "dialect")


def test_a_parameter_of_another_endpoint_is_unknown(client, data):
    """metrics/ takes `code`, not metric-values' `metric`: it used to answer all metrics."""
    reason = refused(ask(client, url("metric-list"), data.national_token, metric="G.6"),
                     "metric")
    assert "code" in reason.split(": ", 1)[1].split(", ")
    assert refused(ask(client, url("metric-value-export"), data.national_token, page_size="5"),
                   "page_size")
    assert refused(ask(client, url("project-list"), data.national_token, lang="en"), "lang")


@pytest.mark.parametrize("name", ["metric-value-list", "metric-value-export", "project-list"])
def test_every_parameter_of_the_schema_is_taken(client, data, name, openapi_en):
    """The schema and the API agree: each parameter the schema lists, given empty (the same
    as absent), is answered."""
    path = url(name)
    parameters = [p["name"] for p in openapi_en["paths"][path]["get"]["parameters"]
                  if p["in"] == "query"]
    assert {"format", "updated_since"} <= set(parameters)
    response = ask(client, path, data.national_token, **dict.fromkeys(parameters, ""))
    assert response.status_code == 200, response.content[:300]


@pytest.fixture
def openapi_en(client):
    return client.get("/api/schema/", {"format": "json", "lang": "en"}).json()


def test_several_errors_are_answered_together(client, data):
    response = ask(client, url("metric-value-list"), data.national_token, colour="red",
                   period_from="toukokuu", region="99")
    assert response.status_code == 400
    assert set(response.json()) == {"colour", "period_from"}  # codes once the syntax holds


# --- Unknown codes and ids -------------------------------------------------------------------


def test_unknown_codes_are_400_with_the_allowed_values(client, data):
    token, path = data.national_token, url("metric-value-list")
    region = data.cast.project.region.code
    reason = refused(ask(client, path, token, region=f"{region},99"), "region")
    assert reason.startswith("Unknown value: 99. Allowed values: ")
    assert region in reason.rsplit(": ", 1)[1].rstrip(".").split(", ")
    assert refused(ask(client, path, token, benefit_goal="9"), "benefit_goal") == (
        "Unknown value: 9. Allowed values: 1.")
    reason = refused(ask(client, path, token, category="nonexistent"), "category")
    assert reason == "Unknown value: nonexistent. Allowed values: _T, children, elderly."
    assert refused(ask(client, path, token, disaggregation="gender"), "disaggregation") == (
        "Unknown value: gender. Allowed values: age_group.")


def test_unknown_codes_of_many_rows_say_where_to_find_them(client, data):
    token = data.national_token
    assert refused(ask(client, url("metric-value-list"), token, project="NOPE"), "project") == (
        "Unknown value: NOPE. The allowed values are the “code” fields of /api/v1/projects/.")
    reason = refused(ask(client, url("metric-value-list"), token, metric="A.1,G.6"), "metric")
    assert reason.startswith("Unknown value: G.6. ") and "/api/v1/metrics/" in reason
    reason = refused(ask(client, url("monthly-report-list"), token, subproject="999999"),
                     "subproject")
    assert "“id” fields of /api/v1/subprojects/" in reason
    assert refused(ask(client, url("project-list"), token, code="NOPE"), "code")
    assert refused(ask(client, url("metric-value-list"), token, project="HANKE-A,"), "project")


def test_a_project_outside_a_tokens_scope_is_as_unknown_as_none(client, data):
    """The region token reads project A only: project B's code is refused exactly as a code
    that does not exist, so the answer tells nothing of B."""
    token, path = data.region_token, url("metric-value-list")
    other = refused(ask(client, path, token, project="HANKE-B"), "project")
    assert other == refused(ask(client, path, token, project="NOPE"), "project").replace(
        "NOPE", "HANKE-B")
    other_id = data.cast.other_project.pk
    assert refused(ask(client, path, token, project_id=str(other_id)), "project_id")
    assert results(ask(client, path, token, project="HANKE-A"))
    # Regions are public reference data: every region code is known to every reader.
    assert ask(client, path, token, region=data.cast.other_project.region.code).json()[
        "results"] == []


def test_known_codes_still_filter(client, data):
    rows = results(ask(client, url("metric-value-list"), data.national_token,
                       project="HANKE-B", category="_T", benefit_goal=""))
    assert {row["project_code"] for row in rows} == {"HANKE-B"}


def test_an_unknown_choice_names_the_choices(client, data):
    reason = refused(ask(client, url("monthly-report-list"), data.national_token,
                         state="accepted"), "state")
    assert reason == "Unknown value: accepted. Allowed values: draft, submitted, returned, approved."


# --- Ranges ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["metric-value-list", "monthly-report-list", "rollup-list",
                                  "actual-cost-list"])
def test_a_reversed_period_range_is_a_400(client, data, name):
    response = ask(client, url(name), data.national_token, period_from="2023",
                   period_to="2021")
    assert refused(response, "period_to") == (
        "The end of the range is before its start (period_from=2023).")
    # A range within one month is not reversed.
    assert ask(client, url(name), data.national_token, period_from="2022Q2",
               period_to="2022-04-30").status_code == 200


# --- The language of the answer --------------------------------------------------------------


def test_refusals_in_the_requests_language(client, data):
    """Finnish by default, Swedish on request."""
    response = client.get(url("metric-value-list"), {"region": "99"},
                          **bearer(data.national_token), HTTP_ACCEPT_LANGUAGE="fi")
    assert refused(response, "region").startswith("Tuntematon arvo: 99.")
    response = client.get(url("metric-value-list"), {"region": "99"},
                          **bearer(data.national_token), HTTP_ACCEPT_LANGUAGE="sv")
    assert refused(response, "region").startswith("Okänt värde: 99.")


# --- Every answer under /api/ is JSON --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/projects/1%0A/", "/api/v2/anything",
                                  "/api/v2/anything/", "/api/nothing", "/api/v1/projects/x/"])
def test_an_unknown_path_is_a_json_404(client, data, path):
    response = client.get(path, **bearer(data.national_token), **EN)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_path_without_a_slash_under_v1_is_redirected_to_one(client, data):
    response = client.get("/api/v1/projects", **bearer(data.national_token))
    assert response.status_code == 301 and response["Location"] == "/api/v1/projects/"


def test_a_detail_404_names_no_model(client, data):
    for name in ["project-detail", "metric-value-detail", "monthly-report-detail",
                 "document-download"]:
        response = ask(client, url(name, 2**40), data.national_token)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}, name
    response = client.get(url("project-detail", 2**40), **bearer(data.national_token),
                          HTTP_ACCEPT_LANGUAGE="sv")
    assert response.json() == {"detail": "Hittades inte."}  # DRF's own catalogue


@pytest.mark.parametrize("name", ["metric-value-list", "project-list", "project-detail",
                                  "metric-value-export", "api-root"])
def test_an_unknown_format_is_a_406_naming_the_formats(client, data, name):
    path = url(name, data.cast.project.pk) if name.endswith("detail") else url(name)
    response = ask(client, path, data.national_token, format="xml")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith("Unknown format: xml. This endpoint gives: json")
    if name == "metric-value-list":
        assert detail == "Unknown format: xml. This endpoint gives: json, csv, jsonstat."


def test_a_429_says_when_in_one_language(client, data, settings):
    settings.API_CLIENT_RATE = "1/hour"
    cache.clear()
    assert ask(client, url("region-list"), data.national_token).status_code == 200
    response = ask(client, url("region-list"), data.national_token)
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert response.json() == {"detail": f"Too many requests. Try again in {seconds} s."}
    finnish = client.get(url("region-list"), **bearer(data.national_token),
                         HTTP_ACCEPT_LANGUAGE="fi").json()["detail"]
    assert "Expected" not in finnish and "throttled" not in finnish


@pytest.mark.parametrize("header", ["Basic dGhsOnNhbGFpbmVu", "Digest username=thl", "Basic"])
def test_basic_credentials_are_told_only_bearer_is_accepted(client, data, header):
    response = client.get(url("project-list"), HTTP_AUTHORIZATION=header, **EN)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {
        "detail": "Only Bearer tokens are accepted: give 'Authorization: Bearer <token>'."}


def test_basic_credentials_do_not_fall_back_to_the_session(client, data):
    client.force_login(data.cast.manager)
    response = client.get(url("project-list"), HTTP_AUTHORIZATION="Basic eDp5", **EN)
    assert response.status_code == 401


def test_the_portal_outside_the_api_keeps_its_html_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# --- Enums in the schema ---------------------------------------------------------------------


def _enum(schema: dict, component: str, field: str) -> list:
    prop = schema["components"]["schemas"][component]["properties"][field]
    values = []
    for ref in prop.get("allOf", []) + prop.get("oneOf", []):
        values += schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["enum"]
    return values


def test_coded_response_fields_are_enums(openapi_en):
    assert _enum(openapi_en, "MonthlyReport", "state") == [
        "draft", "submitted", "returned", "approved"]
    assert _enum(openapi_en, "MonthlyReport", "light") == [
        "green", "yellow", "red", "grey", "blue", ""]
    assert "share" in _enum(openapi_en, "Metric", "kind")
    assert _enum(openapi_en, "Metric", "frequency") == _enum(
        openapi_en, "MetricValue", "frequency") == ["monthly", "quarterly", "yearly", "once"]
    for component, field in [("Organisation", "kind"), ("WorkPackage", "kind"),
                             ("Goal", "level"), ("Metric", "direction"),
                             ("Metric", "data_source"), ("WorkPackageStatus", "light"),
                             ("MetricAggregate", "method"), ("BudgetLine", "category"),
                             ("ActualCost", "category"), ("Risk", "category"),
                             ("EvaluationRound", "kind"), ("Document", "kind"),
                             ("Document", "status")]:
        assert _enum(openapi_en, component, field), (component, field)


def test_the_rows_hold_only_enum_values(client, data, openapi_en):
    rows = results(ask(client, url("monthly-report-list"), data.national_token))
    assert {row["state"] for row in rows} <= set(_enum(openapi_en, "MonthlyReport", "state"))
    assert {row["light"] for row in rows} <= set(_enum(openapi_en, "MonthlyReport", "light"))
