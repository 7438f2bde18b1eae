"""The generated permission matrix (issue 7, in the style of Sentry's): every page × method ×
role × own / other project's object gives the expected status.

Roles are seen from project A: its coordinator (responsible for the subproject), the coordinator
of project B, A's manager, A's steering group member, a national viewer, and an anonymous
visitor. "own" is an object of project A, "other" the same kind of object in project B.
Each cell runs on fresh data, so a write in one cell cannot change another's answer."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from reports.models import MonthlyReport
from tests import factories
from tests.test_reporting_workflow import FILLED

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "coordinator", "other_coordinator", "manager", "steering", "national"]
LOGIN = 302  # an anonymous visitor is sent to the login page


@dataclass
class Page:
    name: str
    method: str
    url: Callable  # (objects of one project) -> url
    expected: dict  # role -> (status on own object, status on other project's object)
    state: str = MonthlyReport.State.DRAFT  # the state the reports are in
    data: Callable = lambda objs: {}


def _report_data(objs):
    return {**FILLED, "action": "save", "version": objs["report"].version}


PAGES = [
    Page("home", "get", lambda o: reverse("home"),
         {r: (200, 200) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    Page("my reports", "get", lambda o: reverse("reports:mine"),
         {r: (200, 200) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    Page("change password", "get", lambda o: reverse("password_change"),
         {r: (200, 200) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    Page("my account", "get", lambda o: reverse("account"),
         {r: (200, 200) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    Page("two-step sign-in set-up", "get", lambda o: reverse("two_factor_setup"),
         {r: (403, 403) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN), "manager": (200, 200),
                                               "other_coordinator": (403, 403)}),
    Page("project workspace", "get", lambda o: reverse("workspace:hub", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404), "other_coordinator": (404, 403),
        "manager": (200, 404), "steering": (403, 404), "national": (403, 403),
    }),
    Page("plan in Excel", "get", lambda o: reverse("workspace:plan_excel", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404), "other_coordinator": (404, 403),
        "manager": (200, 404), "steering": (403, 404), "national": (403, 403),
    }),
    Page("plan in Excel download", "get",
         lambda o: reverse("workspace:plan_excel_download", args=[o["project"].pk]), {
             "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404), "other_coordinator": (404, 403),
             "manager": (200, 404), "steering": (403, 404), "national": (403, 403),
         }),
    Page("project people", "get", lambda o: reverse("project-people", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404), "other_coordinator": (404, 200),
        "manager": (200, 404), "steering": (200, 404), "national": (403, 403),
    }),
    Page("forgotten password", "get", lambda o: reverse("password_reset"),
         {r: (200, 200) for r in ROLES}),
    Page("report form (draft)", "get", lambda o: o["edit"], {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
        "national": (404, 404),  # national viewers read approved reports only
    }),
    Page("report form (approved)", "get", lambda o: o["edit"], {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
        "national": (200, 200),
    }, state=MonthlyReport.State.APPROVED),
    Page("save report (draft)", "post", lambda o: o["edit"], {
        "anonymous": (LOGIN, LOGIN), "coordinator": (302, 404),
        "other_coordinator": (404, 302), "manager": (403, 404), "steering": (403, 404),
        "national": (404, 404),
    }, data=_report_data),
    Page("save report (approved: locked)", "post", lambda o: o["edit"], {
        "anonymous": (LOGIN, LOGIN), "coordinator": (409, 404),
        "other_coordinator": (404, 409), "manager": (403, 404), "steering": (403, 404),
        "national": (403, 403),
    }, state=MonthlyReport.State.APPROVED, data=_report_data),
    Page("return report", "post", lambda o: reverse("reports:return", args=[o["report"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (302, 404), "steering": (403, 404),
        "national": (404, 404),
    }, state=MonthlyReport.State.SUBMITTED, data=lambda o: {"comment": "Korjaa luvut."}),
    Page("approve report", "post", lambda o: reverse("reports:approve", args=[o["report"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (302, 404), "steering": (403, 404),
        "national": (404, 404),
    }, state=MonthlyReport.State.SUBMITTED, data=lambda o: {"version": o["report"].version}),
    Page("reopen report", "post", lambda o: reverse("reports:reopen", args=[o["report"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (302, 404), "steering": (403, 404),
        "national": (403, 403),
    }, state=MonthlyReport.State.APPROVED, data=lambda o: {"reason": "Korjaus"}),
    Page("review queue", "get", lambda o: reverse("reports:review", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (200, 404), "steering": (403, 404),
        "national": (403, 403),
    }),
    Page("bulk approve", "post", lambda o: reverse("reports:review", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (302, 404), "steering": (403, 404),
        "national": (403, 403),
    }, state=MonthlyReport.State.SUBMITTED,
         data=lambda o: {"report": [f"{o['report'].pk}:{o['report'].version}"], "confirm": "1"}),
    Page("excel template", "get",
         lambda o: reverse("reports:excel_template", args=[o["project"].pk, "2022-05"]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (403, 404),
        "national": (403, 403),
    }),
    Page("excel upload page", "get",
         lambda o: reverse("reports:excel_upload", args=[o["project"].pk, "2022-05"]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (403, 404),
        "national": (403, 403),
    }),
    Page("documents", "get", lambda o: reverse("reports:documents", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
        "national": (200, 200),
    }),
    Page("ask for a document", "post",
         lambda o: reverse("reports:documents", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (302, 404),
        "other_coordinator": (404, 302), "manager": (302, 404), "steering": (302, 404),
        "national": (403, 403),
    }, data=lambda o: {"kind": "evaluation"}),
    Page("monthly document", "get",
         lambda o: reverse("reports:document_status", args=[o["monthly_doc"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
        "national": (404, 404),  # it prints unapproved texts: members only
    }),
    Page("final document", "get",
         lambda o: reverse("reports:document_status", args=[o["final_doc"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
        "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
        "national": (200, 200),
    }),
    Page("national overview", "get", lambda o: reverse("dashboards:national"),
         {r: (200, 200) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    *[
        Page(f"{name} dashboard", "get", lambda o, name=name, key=key: reverse(
            f"dashboards:{name}", args=[o[key].pk]), {
            "anonymous": (LOGIN, LOGIN), "coordinator": (200, 404),
            "other_coordinator": (404, 200), "manager": (200, 404), "steering": (200, 404),
            "national": (200, 200),
        })
        for name, key in [("project", "project"), ("work_package", "work_package"),
                          ("subproject", "subproject")]
    ],
    Page("audit trail", "get", lambda o: reverse("project-audit", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
        "other_coordinator": (404, 403), "manager": (200, 404), "steering": (403, 404),
        "national": (403, 403),
    }),
]


def _objects(project, subproject, state):
    report = factories.MonthlyReportFactory(
        subproject=subproject, period=dt.date(2022, 5, 1), state=state,
        light="green", situation="Tilanne", next_steps="Seuraavaksi",
    )
    docs = {
        f"{kind}_doc": factories.GeneratedDocumentFactory(project=project, kind=kind,
                                                          month=dt.date(2022, 5, 1))
        for kind in ("monthly", "final")
    }
    return {
        "project": project, "report": report, **docs, "subproject": subproject,
        "work_package": subproject.work_package,
        "edit": reverse("reports:edit", args=[subproject.pk, "2022-05"]),
    }


CELLS = [
    pytest.param(page, role, target, id=f"{page.name}-{role}-{target}")
    for page in PAGES for role in ROLES for target in ("own", "other")
]


@pytest.mark.parametrize(("page", "role", "target"), CELLS)
def test_permission_matrix(client, cast, page, role, target):
    if target == "own":
        objs = _objects(cast.project, cast.subproject, page.state)
    else:
        objs = _objects(cast.other_project, cast.other_subproject, page.state)
    if role != "anonymous":
        client.force_login(getattr(cast, role))
    before = MonthlyReport.objects.filter(pk=objs["report"].pk).values().get()
    response = getattr(client, page.method)(page.url(objs), page.data(objs))
    expected = page.expected[role][0 if target == "own" else 1]
    assert response.status_code == expected
    if response.status_code >= 400 or response.status_code == LOGIN and role == "anonymous":
        # A refused request changes nothing.
        assert MonthlyReport.objects.filter(pk=objs["report"].pk).values().get() == before


LIST_PAGES = ["home", "reports:mine", "dashboards:national"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize("role", ["coordinator", "manager", "steering", "other_coordinator"])
def test_list_pages_never_show_another_projects_rows(client, cast, name, role):
    """ASVS 4.2.1: a member sees their own project's rows and none of another project's."""
    _objects(cast.project, cast.subproject, MonthlyReport.State.APPROVED)
    _objects(cast.other_project, cast.other_subproject, MonthlyReport.State.APPROVED)
    client.force_login(getattr(cast, role))
    page = client.get(reverse(name)).content.decode()
    own, other = ((cast.other_project, cast.project) if role == "other_coordinator"
                  else (cast.project, cast.other_project))
    assert own.code in page
    assert other.code not in page and other.name not in page
