"""The REST API tests' data and the way they ask the API: two projects in two regions with
every kind of row the API serves, the tokens that read them, and short helpers for a request
and its rows. Loaded as a pytest plugin by conftest.py for the `data` fixture."""

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from api.services import api_client_create, api_client_revoke
from reports.rollups import rollup_compute
from tests import factories
from workpackages.models import Goal

APRIL, MAY = dt.date(2022, 4, 1), dt.date(2022, 5, 1)
PDF = b"%PDF-1.4 test document\n%%EOF\n"


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


@pytest.fixture
def fresh_throttle_counts():
    """The API's request limits are counted in the cache (Redis in CI): each test starts at 0."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Data:
    """Two projects in two regions: in April every report is approved, in May project A's
    report is a draft and project B's is submitted."""

    cast: object
    metric: object          # A.1 of project A: a count by age group, of the coordinator's
    #                         subproject
    goal_metric: object     # A.2 of project A: a share, of a goal (no subproject)
    other_metric: object    # A.1 of project B
    draft: object           # project A's May report (draft)
    submitted: object       # project B's May report (submitted)
    approved: object        # project A's April report of the coordinator's subproject
    other_approved: object  # project B's April report
    kids: object
    elderly: object
    document: object
    other_document: object
    national_token: str
    region_token: str       # scoped to project A's region
    revoked_token: str


def report(sub, period, state, light="green"):
    return factories.MonthlyReportFactory(subproject=sub, period=period, state=state,
                                          light=light, situation=f"Tilanne {period:%m/%Y}")


@pytest.fixture
def data(cast, settings, tmp_path, fresh_throttle_counts) -> Data:
    settings.MEDIA_ROOT = str(tmp_path)
    a, b = cast.project, cast.other_project
    age = factories.DisaggregationFactory(code="age_group", name="Ikäryhmä", name_en="Age group")
    kids = factories.DisaggregationCategoryFactory(
        disaggregation=age, code="children", name="Lapset ja nuoret", name_sv="Barn och unga",
        name_en="Children and young people", order=0)
    elderly = factories.DisaggregationCategoryFactory(
        disaggregation=age, code="elderly", name="Ikääntyneet", name_sv="Äldre",
        name_en="Older people", order=1)
    availability = factories.BenefitGoalFactory(programme=a.programme, code="1", name="Saatavuus",
                                                name_en="Availability")
    top = factories.GoalFactory(project=a, code="1", level=Goal.Level.BENEFIT,
                                benefit_goal=availability, name="Saatavuus paranee")
    process = factories.GoalFactory(project=a, code="1.1", parent=top, name="Digitaaliset palvelut")
    cast.subproject.goals.add(process)
    cast.subproject.work_package.benefit_goals.add(availability)
    factories.GoalFactory(project=b, code="1", level=Goal.Level.BENEFIT)
    metric = factories.MetricFactory(project=a, code="A.1", name="Etäkäynnit", kind="count",
                                     unit="kpl", subproject=cast.subproject, goal=process,
                                     disaggregation=age)
    factories.MetricTargetFactory(metric=metric)
    goal_metric = factories.MetricFactory(project=a, code="A.2", name="Osuus", kind="share",
                                          unit="%", goal=process)
    other_metric = factories.MetricFactory(project=b, code="A.1", kind="count",
                                           subproject=cast.other_subproject)
    for m, period, category, value in [
        (metric, APRIL, None, 10), (metric, APRIL, kids, 4), (metric, APRIL, elderly, 6),
        (metric, MAY, None, 12), (goal_metric, APRIL, None, Decimal("55.5")),
        (goal_metric, MAY, None, 60), (other_metric, APRIL, None, 7),
        (other_metric, MAY, None, 8),
    ]:
        factories.MetricValueFactory(metric=m, period=period, category=category, value=value)
    approved = report(cast.subproject, APRIL, "approved")
    report(cast.sibling, APRIL, "approved", light="yellow")
    draft = report(cast.subproject, MAY, "draft")
    other_approved = report(cast.other_subproject, APRIL, "approved", light="red")
    submitted = report(cast.other_subproject, MAY, "submitted")
    # The goal metric A.2 is the project's own: its April report is approved, May's is not.
    factories.MonthlyReportFactory(project=a, subproject=None, period=APRIL, state="approved")
    factories.MonthlyReportFactory(project=a, subproject=None, period=MAY, state="draft")
    factories.publish_approved_values()
    rollup_compute(project=a, month=APRIL)
    rollup_compute(project=b, month=APRIL)
    factories.PhaseFactory(project=a, code="I", name="I-vaihe", start_date=dt.date(2020, 1, 1),
                           end_date=dt.date(2022, 10, 31), state_grant=Decimal("3300000"))
    factories.ActivityFactory(subproject=cast.subproject, name="Pilotointi",
                              start_month=dt.date(2022, 6, 1), end_month=dt.date(2022, 12, 1))
    factories.ActivityFactory(subproject=cast.other_subproject, name="Suunnittelu",
                              start_month=dt.date(2022, 1, 1), end_month=dt.date(2022, 3, 1))
    factories.BudgetLineFactory(subproject=cast.subproject, year=2022, amount=Decimal("1000.50"))
    factories.BudgetLineFactory(subproject=cast.other_subproject, year=2022, amount=2000)
    factories.ActualCostFactory(subproject=cast.subproject, period=APRIL, amount=Decimal("100.25"))
    factories.ActualCostFactory(subproject=cast.other_subproject, period=APRIL, amount=50)
    risk = factories.RiskFactory(project=a, severity=4)
    factories.RiskReviewFactory(risk=risk, reviewed_on=dt.date(2022, 3, 1), severity=3,
                                probability=20, note="Rekrytointi käynnissä")
    factories.RiskFactory(project=b)
    evaluation = factories.EvaluationRoundFactory(project=a, date=dt.date(2021, 5, 15),
                                                  kind="interim", title="Väliarviointi")
    factories.EvaluationNarrativeFactory(round=evaluation, goal=process, text="Etävastaanotot.")
    factories.EvaluationRoundFactory(project=b, date=dt.date(2021, 5, 15), kind="interim",
                                     title="Väliarviointi B")
    documents = []
    # An evaluation report of each project (every reader of the project may read it) and a
    # monthly status report (it prints unapproved texts: members only).
    for kind, month in [("evaluation", None), ("monthly", APRIL)]:
        for project in (a, b):
            document = factories.GeneratedDocumentFactory(
                project=project, kind=kind, month=month, status="done", pages=1,
                file_checksum=hashlib.sha256(PDF).hexdigest(), finished_at=timezone.now())
            document.file.save(f"{project.code}-{kind}.pdf", ContentFile(PDF))
            documents.append(document)
    national_token = api_client_create(name="THL", all_projects=True)[1]
    region_token = api_client_create(name="Alue A", regions=[a.region])[1]
    revoked, revoked_token = api_client_create(name="Vanha", all_projects=True)
    api_client_revoke(client=revoked)
    return Data(cast, metric, goal_metric, other_metric, draft, submitted, approved,
                other_approved, kids, elderly, documents[0], documents[1], national_token,
                region_token, revoked_token)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, path, token=None, **params):
    return client.get(path, params, **(bearer(token) if token else {}))


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    return response.json()["results"]


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def value_key(row):
    return (row["project_code"], row["metric_code"], row["period"], row["category_code"])


LISTS = ["region-list", "organisation-list", "project-list", "work-package-list", "goal-list",
         "subproject-list", "activity-list", "metric-list", "metric-value-list",
         "monthly-report-list", "rollup-list", "budget-line-list", "actual-cost-list",
         "risk-list", "evaluation-round-list", "document-list"]
