"""One table decides what each reader sees of each kind of data in each state, and every
channel agrees with it: the report pages, the API (JSON, CSV, JSON-stat, the export), the
roll-ups and the monthly PDF (issue 10).

Project A has five subprojects, each with a report in one state and its own metric with a
value found nowhere else; the readers are a member of A (coordinator, steering group
member), a member of another project only, a national viewer, an all-projects token and a
token of another region."""

import datetime as dt

import pytest
from django.urls import reverse

from api.services import api_client_create
from indicators.services import parse_metric_input
from reports import services
from reports.rollups import rollup_compute
from reports.services import ReportInput, ValueInput
from tests import factories

pytestmark = pytest.mark.django_db

MAY = dt.date(2022, 5, 1)
STATES = ["draft", "submitted", "returned", "approved", "reopened"]

# Who reads what: members read their project's data in every state; national readers what a
# manager approved; anybody else nothing of the project. Roll-ups are computed from approved
# data only, so they show the same to everyone who may read the project.
READER = {"coordinator": "member", "steering": "member", "other_coordinator": "outsider",
          "national": "national", "all_projects_token": "national", "other_region_token":
          "outsider"}
VISIBLE = {
    ("member", "report"): set(STATES), ("member", "value"): set(STATES),
    ("member", "rollup"): {"approved"},
    ("national", "report"): {"approved"}, ("national", "value"): {"approved"},
    ("national", "rollup"): {"approved"},
    ("outsider", "report"): set(), ("outsider", "value"): set(), ("outsider", "rollup"): set(),
}
CHANNELS = {  # channel -> the kind of data it carries
    "page": "report", "api_reports_json": "report", "api_reports_csv": "report",
    "api_values_json": "value", "api_values_csv": "value", "api_values_jsonstat": "value",
    "api_export_json": "value", "api_export_csv": "value", "api_rollups": "rollup",
}


def marker(state: str) -> str:
    return f"TILA{state.upper()}X"


def figure(index: int) -> int:
    return 73001 + index


@pytest.fixture
def matrix(cast):
    """Reports of project A in every state through the services, each with its marker and
    its figure; the roll-up of the month computed."""
    subprojects = {}
    for index, state in enumerate(STATES):
        sub = factories.SubprojectFactory(work_package=cast.subproject.work_package,
                                          code=f"9.{index}", name=f"Osahanke {state}")
        sub.responsible_people.add(cast.coordinator.person)
        metric = factories.MetricFactory(project=cast.project, subproject=sub, kind="count",
                                         code=f"M.{index}")
        report = services.monthly_report_save(
            subproject=sub, period=MAY, user=cast.coordinator, expected_version=0,
            data=ReportInput(
                fields={"light": "green", "situation": marker(state), "next_steps": "Jatko"},
                values=[ValueInput(metric, None, parse_metric_input(metric, str(figure(index))),
                                   "")]))
        if state != "draft":
            services.monthly_report_submit(report=report, user=cast.coordinator)
        if state == "returned":
            services.monthly_report_return(report=report, user=cast.manager, comment="Korjaa")
        if state in ("approved", "reopened"):
            services.monthly_report_approve(report=report, user=cast.manager, expected_version=None)
        if state == "reopened":
            services.monthly_report_reopen(report=report, user=cast.manager, reason="Tarkistus")
        subprojects[state] = sub
    rollup_compute(project=cast.project, month=MAY)
    return subprojects


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def read_channels(client, cast, matrix, reader: str) -> dict[str, str]:
    headers = {}
    if reader == "all_projects_token":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api_client_create(name='THL', all_projects=True)[1]}"}
    elif reader == "other_region_token":
        token = api_client_create(name="B", regions=[cast.other_project.region])[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    else:
        client.force_login(getattr(cast, reader))
    channels = {}
    if not headers:
        channels["page"] = "".join(
            _body(client.get(reverse("reports:edit", args=[sub.pk, "2022-05"])))
            for sub in matrix.values())

    def api(name: str, query: str = "") -> str:
        response = client.get(reverse(f"api:{name}") + query, **headers)
        assert response.status_code == 200, (name, query, response.status_code)
        return _body(response)

    channels |= {
        "api_reports_json": api("monthly-report-list"),
        "api_reports_csv": api("monthly-report-list", "?format=csv"),
        "api_values_json": api("metric-value-list"),
        "api_values_csv": api("metric-value-list", "?format=csv"),
        "api_values_jsonstat": api("metric-value-list", "?format=jsonstat"),
        "api_export_json": api("metric-value-export"),
        "api_export_csv": api("metric-value-export", "?format=csv"),
        "api_rollups": api("rollup-list"),
    }
    return channels


def seen(channel: str, text: str, index: int, state: str) -> bool:
    kind = CHANNELS[channel]
    if kind == "report":
        return marker(state) in text
    return str(figure(index)) in text  # values and roll-up aggregates carry the figure


@pytest.mark.parametrize("reader", list(READER))
def test_every_channel_agrees_with_the_table(client, cast, matrix, reader):
    channels = read_channels(client, cast, matrix, reader)
    wrong = []
    for channel, text in channels.items():
        allowed = VISIBLE[(READER[reader], CHANNELS[channel])]
        for index, state in enumerate(STATES):
            if seen(channel, text, index, state) != (state in allowed):
                wrong.append(f"{channel}: {state} {'shown' if state not in allowed else 'missing'}")
    assert wrong == []


@pytest.mark.parametrize("reader,status", [("coordinator", 200), ("steering", 200),
                                           ("other_coordinator", 404), ("national", 404)])
def test_the_monthly_pdf_is_for_members_only(client, cast, matrix, settings, tmp_path,
                                             django_capture_on_commit_callbacks, reader,
                                             status):
    from reports import documents

    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        document = documents.document_request(project=cast.project, kind="monthly",
                                              user=cast.manager, month=MAY)
    client.force_login(getattr(cast, reader))
    page = reverse("reports:document_download", args=[document.pk])
    assert client.get(page).status_code == status
    token = api_client_create(name="THL", all_projects=True)[1]
    api = reverse("api:document-download", args=[document.pk])
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 404
