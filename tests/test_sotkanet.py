"""The Sotkanet context: the client against a local server that answers in Sotkanet's
documented JSON shape (no test reaches the internet), the fetch that keeps the last values
when Sotkanet fails, and the context on the metric card, in the API and in the monthly PDF."""

import datetime as dt
import http.server
import io
import json
import threading
import time
import urllib.parse
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pyjstat import pyjstat
from pypdf import PdfReader

from api.services import api_client_create
from indicators import sotkanet
from indicators.models import SotkanetIndicator, SotkanetValue
from indicators.tasks import fetch_sotkanet_context
from reports.pdf import monthly
from tests import factories
from tests.browser import assert_accessible, log_in
from tests.conftest import PASSWORD
from tests.support import Worker, needs_worker, wait_for

pytestmark = pytest.mark.django_db

INDICATOR = 5081
COUNTY, COUNTRY, OTHER_COUNTY = 974, 658, 975
METADATA = {
    "id": INDICATOR,
    "title": {"fi": "Päivystyskäynnit perusterveydenhuollossa / 1 000 asukasta",
              "sv": "Jourbesök inom primärvården / 1 000 invånare",
              "en": "Emergency visits in primary health care per 1 000 inhabitants"},
    "organization": {"id": 2, "title": {"fi": "Terveyden ja hyvinvoinnin laitos (THL)"}},
    "primaryValueType": {"title": {"fi": "/ 1 000 asukasta"}},
    "decimals": 1,
    "range": {"start": 2013, "end": 2023},
}
ROWS = [
    {"indicator": INDICATOR, "region": COUNTY, "year": 2022, "gender": "total", "value": 288.4,
     "absValue": 72000},
    {"indicator": INDICATOR, "region": COUNTY, "year": 2023, "gender": "total", "value": 301.2,
     "absValue": 75000},
    {"indicator": INDICATOR, "region": COUNTRY, "year": 2023, "gender": "total", "value": 276.9,
     "absValue": 1540000},
    {"indicator": INDICATOR, "region": OTHER_COUNTY, "year": 2023, "gender": "total",
     "value": 999.9},
    {"indicator": INDICATOR, "region": COUNTY, "year": 2023, "gender": "male", "value": 310.0},
    {"indicator": INDICATOR, "region": COUNTRY, "year": 2021, "gender": "total", "value": None},
]


class FakeSotkanet:
    """Answers GET /rest/1.1/indicators/<id> and /rest/1.1/json from `answers` (path ->
    (status, body bytes, delay in seconds)); records the queries it was asked."""

    def __init__(self):
        self.answers: dict[str, tuple[int, bytes, float]] = {}
        self.queries: list[tuple[str, dict]] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                parsed = urllib.parse.urlsplit(self.path)
                fake.queries.append((parsed.path, urllib.parse.parse_qs(parsed.query)))
                status, body, delay = fake.answers.get(parsed.path, (404, b"{}", 0))
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/rest/1.1"

    def answer(self, metadata=METADATA, rows=ROWS, *, status=200, raw: bytes | None = None,
               delay: float = 0):
        self.answers[f"/rest/1.1/indicators/{INDICATOR}"] = (
            200, json.dumps(metadata).encode(), 0)
        body = raw if raw is not None else json.dumps(rows).encode()
        self.answers["/rest/1.1/json"] = (status, body, delay)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake(settings):
    server = FakeSotkanet()
    settings.SOTKANET_BASE_URL = server.base_url
    settings.SOTKANET_TIMEOUT = 0.5
    yield server
    server.stop()


@pytest.fixture
def context_metric(cast):
    """A metric of project A (whose county is Sotkanet region 974) naming indicator 5081, with
    a target so that its card is shown."""
    region = cast.project.region
    region.name, region.sotkanet_region_id = "Pohjois-Savo", COUNTY
    region.save()
    metric = factories.MetricFactory(project=cast.project, code="P.1", name="Päivystyskäynnit",
                                     unit="kpl", sotkanet_indicator=INDICATOR)
    factories.MetricTargetFactory(metric=metric)
    return metric


# --- the client ----------------------------------------------------------------------------

def test_client_reads_metadata_and_the_total_values_of_the_regions_asked(fake):
    fake.answer()
    meta = sotkanet.indicator(INDICATOR)
    assert meta.titles["sv"] == "Jourbesök inom primärvården / 1 000 invånare"
    assert (meta.organization, meta.unit, meta.decimals) == (
        "Terveyden ja hyvinvoinnin laitos (THL)", "/ 1 000 asukasta", 1)
    rows = sotkanet.values(INDICATOR, years=[2021, 2022, 2023], region_ids=[COUNTY, COUNTRY])
    assert [(r.region_id, r.year, r.value) for r in rows] == [
        (COUNTY, 2022, Decimal("288.4")), (COUNTY, 2023, Decimal("301.2")),
        (COUNTRY, 2023, Decimal("276.9"))]
    path, query = fake.queries[-1]
    assert path == "/rest/1.1/json"
    assert query["indicator"] == ["5081"] and query["genders"] == ["total"]
    assert query["years"] == ["2021", "2022", "2023"]


def test_client_reads_an_empty_answer_as_no_values(fake):
    fake.answer(rows=[])
    assert sotkanet.values(INDICATOR, years=[2023], region_ids=[COUNTY]) == []


def test_client_gives_up_after_the_timeout(fake):
    fake.answer(delay=2)
    started = time.monotonic()
    with pytest.raises(sotkanet.SotkanetUnavailable):
        sotkanet.values(INDICATOR, years=[2023], region_ids=[COUNTY])
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("raw", [
    b"[{\"indicator\": 5081, \"region\": 974, ",                        # cut off
    b"<html><body>Huoltokatko</body></html>",                           # not JSON
    b"{\"error\": \"unknown indicator\"}",                                # not a list
    b"[{\"indicator\": 5081, \"region\": \"974\", \"year\": 2023, \"value\": 1}]",  # region text
    b"[{\"indicator\": 5081, \"region\": 974, \"year\": 2023, \"gender\": \"total\", "
    b"\"value\": \"paljon\"}]",                                             # value text
    b"[{\"indicator\": 5081, \"region\": 974, \"year\": 2023, \"gender\": \"total\", "
    b"\"value\": NaN}]",                                                   # not a number
    b"[{\"indicator\": 127, \"region\": 974, \"year\": 2023, \"gender\": \"total\", "
    b"\"value\": 1}]",                                                     # another indicator
    json.dumps([ROWS[1], {**ROWS[1], "value": 1.0}]).encode(),             # a year twice
])
def test_client_refuses_a_malformed_answer(fake, raw):
    fake.answer(raw=raw)
    with pytest.raises(sotkanet.SotkanetMalformed):
        sotkanet.values(INDICATOR, years=[2023], region_ids=[COUNTY])


def test_client_reports_an_http_error_and_an_unreachable_server(fake, settings):
    fake.answer(status=503, raw=b"{}")
    with pytest.raises(sotkanet.SotkanetUnavailable, match="503"):
        sotkanet.values(INDICATOR, years=[2023], region_ids=[COUNTY])
    fake.stop()
    with pytest.raises(sotkanet.SotkanetUnavailable):
        sotkanet.indicator(INDICATOR)


# --- the task ------------------------------------------------------------------------------

def stored():
    return sorted(SotkanetValue.objects.values_list("region_id", "year", "value"))


def test_task_stores_county_and_country_and_a_failed_fetch_keeps_them(fake, context_metric):
    fake.answer()
    result = fetch_sotkanet_context.delay().get()
    assert result == {"fetched": [INDICATOR], "failed": {}}
    first = stored()
    assert first == [(COUNTRY, 2023, Decimal("276.9000")), (COUNTY, 2022, Decimal("288.4000")),
                     (COUNTY, 2023, Decimal("301.2000"))]
    indicator = SotkanetIndicator.objects.get()
    assert (indicator.source, indicator.licence) == ("THL, Sotkanet", "CC BY 4.0")
    fetched_at = indicator.fetched_at
    assert fetched_at is not None
    # The county and the whole country were asked for.
    assert set(fake.queries[-1][1]["region"]) == {str(COUNTY), str(COUNTRY)}

    for broken in ({"raw": b"[{\"indicator\": 5081"}, {"status": 500, "raw": b"{}"},
                   {"delay": 2}):
        fake.answer(**broken)
        result = fetch_sotkanet_context.delay().get()
        assert list(result["failed"]) == [INDICATOR]
        assert stored() == first
        indicator.refresh_from_db()
        assert indicator.fetched_at == fetched_at and indicator.failed_at > fetched_at
        assert indicator.failure

    fake.stop()  # Sotkanet unreachable
    assert fetch_sotkanet_context.delay().get()["fetched"] == []
    assert stored() == first


def test_an_empty_answer_keeps_the_values_and_a_new_answer_replaces_them(fake, context_metric):
    fake.answer()
    fetch_sotkanet_context.delay()
    fake.answer(rows=[])
    fetch_sotkanet_context.delay()
    assert len(stored()) == 3
    fake.answer(rows=[{**ROWS[1], "value": 305.0}])
    fetch_sotkanet_context.delay()
    assert stored() == [(COUNTY, 2023, Decimal("305.0000"))]


def test_command_fetches_on_demand_and_fails_loudly(fake, context_metric):
    fake.answer()
    out = io.StringIO()
    call_command("fetch_sotkanet", stdout=out)
    assert "5081: 3 values" in out.getvalue()
    fake.answer(raw=b"nonsense")
    with pytest.raises(Exception, match="earlier values stay"):
        call_command("fetch_sotkanet", stdout=io.StringIO(), stderr=io.StringIO())
    assert len(stored()) == 3


# --- where the context is shown ------------------------------------------------------------

def fetched_label(indicator) -> str:
    from django.utils import timezone
    return timezone.localtime(indicator.fetched_at).strftime("%-d.%-m.%Y klo %-H.%M")


def test_metric_card_shows_the_context_with_attribution_and_fetch_time(client, cast, fake,
                                                                         context_metric):
    page = reverse("dashboards:project", args=[cast.project.pk])
    client.force_login(cast.manager)
    text = client.get(page, {"month": "2022-05"}).content.decode()
    assert "Sotkanet-indikaattoria 5081 ei ole vielä haettu." in text

    fake.answer()
    fetch_sotkanet_context.delay()
    indicator = SotkanetIndicator.objects.get()
    text = client.get(page, {"month": "2022-05"}).content.decode()
    assert "Vertailutieto Sotkanetista" in text
    assert "Päivystyskäynnit perusterveydenhuollossa / 1 000 asukasta" in text
    for expected in ["Pohjois-Savo", "Koko maa", "301,2", "288,4", "276,9",
                     f"Lähde: THL, Sotkanet, indikaattori 5081 (CC BY 4.0). "
                     f"Haettu {fetched_label(indicator)}."]:
        assert expected in text, expected
    assert "999,9" not in text  # another county's value

    fake.answer(status=500, raw=b"{}")
    fetch_sotkanet_context.delay()
    text = client.get(page, {"month": "2022-05"}).content.decode()
    assert "301,2" in text and f"Haettu {fetched_label(indicator)}." in text
    assert "Sotkanetia ei voitu lukea" in text


def test_api_serves_the_context_to_national_readers_within_their_scope(client, cast, fake,
                                                                       context_metric):
    fake.answer()
    fetch_sotkanet_context.delay()
    other = factories.MetricFactory(project=cast.other_project, code="P.1",
                                    sotkanet_indicator=INDICATOR)
    national = api_client_create(name="THL", all_projects=True)[1]
    regional = api_client_create(name="Alue B", regions=[cast.other_project.region])[1]
    path = reverse("api:context-list")

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {national}")
    assert response.status_code == 200
    rows = {row["id"]: row for row in response.json()["results"]}
    assert set(rows) == {context_metric.pk, other.pk}
    row = rows[context_metric.pk]
    assert (row["source"], row["licence"], row["indicator"]) == (
        "THL, Sotkanet", "CC BY 4.0", INDICATOR)
    assert row["fetched_at"].endswith("Z")
    assert row["values"] == [
        {"year": 2022, "area": "county", "sotkanet_region": COUNTY, "value": 288.4},
        {"year": 2023, "area": "county", "sotkanet_region": COUNTY, "value": 301.2},
        {"year": 2023, "area": "country", "sotkanet_region": COUNTRY, "value": 276.9}]
    # Project B's county is not mapped: only the whole country.
    assert [v["area"] for v in rows[other.pk]["values"]] == ["country"]

    csv_text = client.get(path, {"format": "csv", "dialect": "excel-fi"},
                          HTTP_AUTHORIZATION=f"Bearer {national}")
    lines = b"".join(csv_text.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id;metric_code;project_code")
    assert any(";2023;county;974;301,2;THL, Sotkanet;CC BY 4.0;" in line for line in lines), lines
    assert len(lines) == 1 + 3 + 1  # the header, project A's three values, project B's one

    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {regional}")
    assert [row["id"] for row in response.json()["results"]] == [other.pk]
    assert client.get(reverse("api:context-detail", args=[context_metric.pk]),
                      HTTP_AUTHORIZATION=f"Bearer {regional}").status_code == 404
    assert client.get(path, {"project": "NOPE"},
                      HTTP_AUTHORIZATION=f"Bearer {national}").status_code == 400

    client.force_login(cast.coordinator)  # a member sees their own project's metric
    rows = client.get(path).json()["results"]
    assert [row["id"] for row in rows] == [context_metric.pk]
    assert rows[0]["indicator_title"].startswith("Päivystyskäynnit")


@pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")  # pyjstat
def test_api_context_as_jsonstat(client, cast, fake, context_metric):
    fake.answer()
    fetch_sotkanet_context.delay()
    token = api_client_create(name="THL", all_projects=True)[1]
    response = client.get(reverse("api:context-list"), {"format": "jsonstat", "lang": "sv"},
                          HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "2.0" and data["class"] == "dataset"
    assert data["id"] == ["metric", "region", "year"]
    assert data["role"] == {"time": ["year"], "geo": ["region"], "metric": ["metric"]}
    region = data["dimension"]["region"]["category"]
    county = f"MK{cast.project.region.code}"  # coded as in metric-values (no county code)
    assert list(region["index"]) == [county, "SSS"]
    assert region["label"]["SSS"] == "Hela landet"
    metric_key = f"{cast.project.code}:P.1"
    assert data["dimension"]["metric"]["category"]["label"][metric_key] == (
        "P.1 Jourbesök inom primärvården / 1 000 invånare")
    assert data["dimension"]["metric"]["category"]["unit"][metric_key]["decimals"] == 1
    assert data["size"] == [1, 2, 2]
    # metric × region × year: county 2022, county 2023, country 2023 (country 2022 missing)
    assert data["value"] == [288.4, 301.2, None, 276.9]
    assert "THL, Sotkanet" in data["source"] and "CC BY 4.0" in data["source"]
    frame = pyjstat.Dataset.read(response.content.decode()).write("dataframe", naming="id")
    got = {(r.metric, r.region, r.year): r.value for r in frame.itertuples()
           if r.value is not None and r.value == r.value}
    assert got == {(metric_key, county, "2022"): 288.4,
                   (metric_key, county, "2023"): 301.2,
                   (metric_key, "SSS", "2023"): 276.9}
    empty = client.get(reverse("api:context-list"), {"format": "jsonstat", "project": "HANKE-B"},
                       HTTP_AUTHORIZATION=f"Bearer {token}")
    assert empty.json()["size"] == [1, 1, 1] and empty.json()["value"] == [None]
    assert len(pyjstat.Dataset.read(empty.content.decode()).write("dataframe")) == 1
    bad = client.get(reverse("api:context-list"), {"format": "jsonstat", "lang": "de"},
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 400


def test_monthly_pdf_has_the_context_line(cast, fake, context_metric):
    fake.answer()
    fetch_sotkanet_context.delay()
    fetched = SotkanetIndicator.objects.get().fetched_at
    data = monthly.collect(project=cast.project, month=dt.date(2022, 5, 1))
    pdf = monthly.render(data)
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Vertailutieto 2023: Pohjois-Savo 301,2, koko maa 276,9" in text
    assert (f"Lähde: THL, Sotkanet, indikaattori 5081 (CC BY 4.0), haettu "
            f"{fetched.day}.{fetched.month}.{fetched.year}") in text


def test_admin_action_fetches_the_chosen_metrics_indicators(client, fake, context_metric):
    fake.answer()
    admin_user = factories.UserFactory(username="paakayttaja", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(reverse("admin:indicators_metric_changelist"), {
        "action": "fetch_sotkanet", "_selected_action": [context_metric.pk]}, follow=True)
    assert "Vertailutietojen haku Sotkanetista käynnistettiin." in response.content.decode()
    assert len(stored()) == 3


@needs_worker
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fetches_the_context(worker, tmp_path, settings):
    """The task as beat sends it: through Redis to a worker process, which reads the fake
    Sotkanet (its URL given to the worker in its environment)."""
    server = FakeSotkanet()
    try:
        server.answer()
        region = factories.RegionFactory(code="11", name="Pohjois-Savo", sotkanet_region_id=COUNTY)
        factories.MetricFactory(project__region=region, sotkanet_indicator=INDICATOR)
        process = Worker(tmp_path, SOTKANET_BASE_URL=server.base_url).start()
        try:
            fetch_sotkanet_context.delay()
            wait_for(lambda: SotkanetValue.objects.count() == 3, 60, "the worker's fetch")
        finally:
            process.stop()
    finally:
        server.stop()
    assert SotkanetIndicator.objects.get().fetched_at is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_context_on_the_card_is_accessible_in_a_browser(live_server, page, cast, context_metric):
    indicator = SotkanetIndicator.objects.create(
        indicator_id=INDICATOR, title=METADATA["title"]["fi"], unit="/ 1 000 asukasta",
        decimals=1, fetched_at=dt.datetime(2026, 11, 30, 0, 40, tzinfo=dt.UTC))
    for region_id, year, value in [(COUNTY, 2023, "301.2"), (COUNTRY, 2023, "276.9")]:
        SotkanetValue.objects.create(indicator=indicator, region_id=region_id, year=year,
                                     value=Decimal(value))
    log_in(page, live_server, "paallikko", PASSWORD)
    page.goto(f"{live_server.url}{reverse('dashboards:project', args=[cast.project.pk])}"
              "?month=2022-05")
    table = page.locator(".context-table")
    table.wait_for()
    assert "301,2" in table.inner_text() and "276,9" in table.inner_text()
    assert "Haettu 30.11.2026 klo 2.40." in page.locator(".attribution").inner_text()  # Finnish time
    assert_accessible(page)
