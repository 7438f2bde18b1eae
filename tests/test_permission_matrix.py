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
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
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


# The project workspace is its managers' (workspace.access): others of the project are refused,
# strangers do not learn that the object exists.
WORKSPACE = {"anonymous": (LOGIN, LOGIN), "coordinator": (403, 404), "other_coordinator": (404, 403),
             "manager": (200, 404), "steering": (403, 404), "national": (403, 403)}


def _version(obj):
    from projects.versioning import version_of
    obj.refresh_from_db()
    return version_of(obj)


def _status(o):
    from reports.rollups import rollup_compute
    rollup = rollup_compute(project=o["project"], month=dt.date(2022, 5, 1))
    return rollup.work_package_statuses.get(work_package=o["work_package"])


# The workspace's plan pages (issue 11): the URL's other ids are the target project's rows.
PLAN_ARGS = {
    "project": lambda o: [], "phase_new": lambda o: [], "phase": lambda o: [o["phase"].pk],
    "structure": lambda o: [], "work_package_new": lambda o: [],
    "work_package": lambda o: [o["work_package"].pk], "subproject_new": lambda o: [],
    "subproject": lambda o: [o["subproject"].pk], "subproject_close": lambda o: [o["subproject"].pk],
    "subproject_delete": lambda o: [o["empty_subproject"].pk],
    "activity_new": lambda o: [o["subproject"].pk], "goals": lambda o: [], "goal_new": lambda o: [],
    "months": lambda o: [], "month": lambda o: ["2022-05"],
    "override": lambda o: ["2022-05", o["work_package"].pk],
}
PLAN_DATA = {
    "project post": lambda o: {"code": o["project"].code, "name": "Uusi nimi",
                               "version": _version(o["project"])},
    "phase_new post": lambda o: {"code": "II", "name": "II-vaihe", "start_date": "2024-01-01",
                                 "end_date": "2024-12-31", "version": ""},
    "work_package_new post": lambda o: {"code": "TP9", "name": "Uusi", "kind": "theme",
                                        "version": ""},
    "work_package post": lambda o: {"code": o["work_package"].code, "name": "Muutettu",
                                    "kind": "theme", "version": _version(o["work_package"])},
    "subproject_new post": lambda o: {"work_package": o["work_package"].pk, "code": "9.9",
                                      "name": "Uusi", "version": ""},
    "subproject post": lambda o: {"work_package": o["work_package"].pk,
                                  "code": o["subproject"].code, "name": "Muutettu",
                                  "version": _version(o["subproject"])},
    "subproject_delete post": lambda o: {"version": _version(o["empty_subproject"])},
    "subproject_close post": lambda o: {"closed_from": "6/2022",
                                        "version": _version(o["subproject"])},
    "activity_new post": lambda o: {"name": "Uusi", "start_month": "6/2022",
                                    "end_month": "7/2022", "order": "0", "version": ""},
    "goal_new post": lambda o: {"code": "9", "level": "benefit", "name": "Uusi", "version": ""},
    "month post": lambda o: {"narrative": "Yhteenveto", "version": _version(_status(o).rollup)},
    "override post": lambda o: {f"wp{o['work_package'].pk}-override_light": "red",
                                f"wp{o['work_package'].pk}-override_reason": "Syy",
                                "version": _version(_status(o))},
}

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
    Page("national invitations", "get", lambda o: reverse("workspace:national_invitations"),
         {r: (403, 403) for r in ROLES[1:]} | {"anonymous": (LOGIN, LOGIN)}),
    Page("invitations", "get", lambda o: reverse("workspace:invitations", args=[o["project"].pk]), {
        "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404), "other_coordinator": (404, 403),
        "manager": (200, 404), "steering": (403, 404), "national": (403, 403),
    }),
    *[
        Page(f"workspace plan: {name}", method, lambda o, name=name: reverse(
            f"workspace:plan_{name}", args=[o["project"].pk, *PLAN_ARGS[name](o)]), {
            "anonymous": (LOGIN, LOGIN), "coordinator": (403, 404),
            "other_coordinator": (404, 403),
            "manager": (302 if method == "post" else 200, 404), "steering": (403, 404),
            "national": (403, 403),
        }, data=PLAN_DATA.get(f"{name} {method}", lambda o: {}))
        for name, method in [
            ("project", "get"), ("project", "post"), ("phase_new", "get"), ("phase_new", "post"),
            ("phase", "get"), ("structure", "get"), ("work_package_new", "get"),
            ("work_package_new", "post"), ("work_package", "get"), ("work_package", "post"),
            ("subproject_new", "get"), ("subproject_new", "post"), ("subproject", "get"),
            ("subproject", "post"), ("subproject_close", "get"), ("subproject_close", "post"),
            ("activity_new", "get"), ("activity_new", "post"), ("goals", "get"),
            ("goal_new", "get"), ("goal_new", "post"), ("months", "get"), ("month", "get"),
            ("month", "post"), ("override", "get"), ("override", "post"),
        ]
    ],
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
    *[
        Page(f"workspace: {name}", "get", lambda o, name=name, key=key: reverse(
            f"workspace:{name}", args=[o["project"].pk, *([o[key].pk] if key else [])]),
            WORKSPACE)
        for name, key in [
            ("metrics", None), ("metric_add", None), ("metric_edit", "metric"),
            ("target_add", "metric"), ("budget", None), ("budget_line_add", None),
            ("budget_line_edit", "budget_line"), ("cost_add", None), ("cost_edit", "cost"),
            ("cost_import", None), ("risks", None), ("risk_add", None), ("risk_edit", "risk"),
            ("risk_review", "risk"), ("evaluation", None), ("round_add", None),
            ("round_edit", "round"), ("round_narratives", "round"),
        ]
    ],
    *[
        Page(f"workspace: {name} (post)", "post", lambda o, name=name, key=key: reverse(
            f"workspace:{name}", args=[o["project"].pk, *([o[key].pk] if key else [])]),
            WORKSPACE | {"manager": (status, 404)}, data=data)
        for name, key, status, data in [
            ("risk_close", "risk", 302, lambda o: {"version": o["risk"].updated_at.isoformat()}),
            ("round_publish", "round", 302,
             lambda o: {"version": o["round"].updated_at.isoformat()}),
            ("budget_line_edit", "budget_line", 302, lambda o: {
                "subproject": o["subproject"].pk, "year": "2022", "category": "all",
                "amount": "5", "version": o["budget_line"].updated_at.isoformat()}),
            ("cost_import", None, 302, lambda o: {"file": SimpleUploadedFile(
                "kulut.csv", f"31.5.2022;{o['subproject'].code};muut;10,00".encode())}),
            ("risk_add", None, 400, lambda o: {"severity": "7"}),
        ]
    ],
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
    plan = {
        "metric": factories.MetricFactory(project=project),
        "budget_line": factories.BudgetLineFactory(subproject=subproject, year=2022),
        "cost": factories.ActualCostFactory(subproject=subproject, period=dt.date(2022, 5, 1)),
        "risk": factories.RiskFactory(project=project),
        "round": factories.EvaluationRoundFactory(project=project, published=False),
    }
    return {
        **plan,
        "project": project, "report": report, **docs, "subproject": subproject,
        "phase": factories.PhaseFactory(project=project),
        "empty_subproject": factories.SubprojectFactory(work_package=subproject.work_package),
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
    data = page.data(objs)
    audit_rows = LogEntry.objects.count()
    response = getattr(client, page.method)(page.url(objs), data)
    expected = page.expected[role][0 if target == "own" else 1]
    assert response.status_code == expected
    if response.status_code >= 400 or response.status_code == LOGIN and role == "anonymous":
        # A refused request changes nothing: not the report, nothing audited.
        assert MonthlyReport.objects.filter(pk=objs["report"].pk).values().get() == before
        assert LogEntry.objects.count() == audit_rows


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
