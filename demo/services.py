"""Builds the demo data set from the YAML files in demo/data (see demo/data/SCHEMA.md).

Every row is found by its natural key and updated in place, so loading twice leaves the
same rows with the same ids."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from demo import history as demo_history
from indicators.models import (
    Disaggregation,
    DisaggregationCategory,
    Metric,
    MetricTarget,
)
from projects.codes import natural_sort_key
from projects.models import (
    BenefitGoal,
    Membership,
    Municipality,
    Organisation,
    Person,
    Phase,
    Programme,
    Project,
    Region,
)
from projects.months import add_months, parse_month
from projects.wellbeing_counties import county_for_region
from reports.models import EvaluationNarrative, EvaluationRound, MonthlyReport
from reports.periods import reporting_period_open
from workpackages.models import (
    Activity,
    BudgetLine,
    Goal,
    Output,
    Risk,
    Subproject,
    WorkPackage,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
PROJECT_FILES = ["posote20.yaml", "etela_savo.yaml", "siun_sote.yaml", "soite.yaml"]
NATIONAL_VIEWERS_GROUP = "Kansalliset katselijat"


@dataclass
class DemoUser:
    username: str
    role: str
    project: str
    user: Any = field(default=None, repr=False, compare=False)


@dataclass
class LoadResult:
    projects: list[str] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)


def _date(text: Any) -> dt.date | None:
    if not text:
        return None
    if isinstance(text, dt.date):
        return text
    return dt.date.fromisoformat(str(text))


def _month(text: Any) -> dt.date | None:
    return parse_month(str(text)) if text else None


def _read(name: str, data_dir: Path) -> dict:
    path = data_dir / name
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


@transaction.atomic
def load_demo(*, data_dir: Path = DATA_DIR, password: str, history: bool = True) -> LoadResult:
    """Create or update the four seed projects and the demo users (all with `password`);
    with `history`, add the illustrative history of the last months (demo/history.py) to
    the projects that have none yet."""
    common = _read("common.yaml", data_dir)
    programme = _load_common(common)
    files = [_read(name, data_dir) for name in PROJECT_FILES]
    files = [data for data in files if data]
    for data in [common, *files]:
        for org in data.get("organisations", []):
            _organisation(org)
    result = LoadResult()
    plans = []
    for data in files:
        project = _load_project(programme, data)
        result.projects.append(project.code)
        users = _demo_users_for(project, password)
        result.users += users
        actors = {user.role: user.user for user in users}
        plans.append(demo_history.plan_for(project, demo_history.Actors(
            manager=actors[Membership.Role.MANAGER],
            coordinator=actors[Membership.Role.COORDINATOR])))
    result.users += _national_and_admin_users(password)
    if history:
        demo_history.write_history(plans)
    return result


def _load_common(common: dict) -> Programme:
    programme, _ = Programme.objects.update_or_create(
        code=common["programme"]["code"], defaults={"name": common["programme"]["name"]}
    )
    for goal in common.get("benefit_goals", []):
        BenefitGoal.objects.update_or_create(
            programme=programme, code=goal["code"],
            defaults={"name": goal["name"], "name_sv": goal.get("name_sv", ""),
                      "name_en": goal.get("name_en", "")},
        )
    for region_data in common.get("regions", []):
        region, _ = Region.objects.update_or_create(
            code=region_data["code"],
            defaults={"name": region_data["name"], "name_sv": region_data.get("name_sv", ""),
                      "wellbeing_county": region_data.get("wellbeing_county") or county_for_region(
                          region_data["code"], region_data["name"]),
                      "population": region_data.get("population"),
                      "sotkanet_region_id": region_data.get("sotkanet_region_id")},
        )
        for muni in region_data.get("municipalities", []):
            Municipality.objects.update_or_create(
                name=muni["name"], defaults={"region": region, "name_sv": muni.get("name_sv", "")}
            )
    for dis in common.get("disaggregations", []):
        disaggregation, _ = Disaggregation.objects.update_or_create(
            code=dis["code"],
            defaults={"name": dis["name"], "name_sv": dis.get("name_sv", ""),
                      "name_en": dis.get("name_en", "")},
        )
        for order, cat in enumerate(dis.get("categories", [])):
            DisaggregationCategory.objects.update_or_create(
                disaggregation=disaggregation, code=cat["code"],
                defaults={"name": cat["name"], "name_sv": cat.get("name_sv", ""),
                          "name_en": cat.get("name_en", ""), "order": order},
            )
    return programme


def _organisation(data: dict) -> Organisation:
    region = Region.objects.filter(code=str(data["region"])).first() if data.get("region") else None
    org, _ = Organisation.objects.update_or_create(
        key=data["key"],
        defaults={"name": data["name"], "short_name": data.get("short_name", ""),
                  "kind": data.get("kind", Organisation.Kind.OTHER), "region": region},
    )
    return org


class _ProjectLoader:
    """Loads one project file; keeps lookups of the rows it made."""

    def __init__(self, programme: Programme, data: dict):
        self.programme = programme
        self.data = data
        self.orgs = {org.key: org for org in Organisation.objects.all()}
        self.benefit_goals = {g.code: g for g in programme.benefit_goals.all()}
        self.people: dict[str, Person] = {}
        self.goals: dict[str, Goal] = {}
        self.subprojects: dict[str, Subproject] = {}

    def org(self, key: str | None) -> Organisation | None:
        if not key:
            return None
        if key not in self.orgs:
            raise ValueError(f"Unknown organisation key {key!r} in {self.data['project']['code']}")
        return self.orgs[key]

    def person(self, name: str, organisation: str | None = None) -> Person:
        name = " ".join(name.split())
        if name not in self.people:
            person = Person.objects.filter(name=name).first()
            org = self.org(organisation)
            if person is None:
                person = Person.objects.create(name=name, organisation=org)
            elif org and person.organisation_id != org.pk:
                person.organisation = org
                person.save(update_fields=["organisation"])
            self.people[name] = person
        person = self.people[name]
        if organisation and person.organisation_id is None:  # a later mention names it
            person.organisation = self.org(organisation)
            person.save(update_fields=["organisation"])
        return person

    def load(self) -> Project:
        p = self.data["project"]
        project, _ = Project.objects.update_or_create(
            code=p["code"],
            defaults={
                "programme": self.programme, "name": p["name"],
                "region": Region.objects.get(code=str(p["region"])),
                "administrator": self.org(p["administrator"]),
                "description": p.get("description", ""),
                "innokyla_url": p.get("innokyla_url", ""),
            },
        )
        project.co_implementers.set([self.org(k) for k in p.get("co_implementers", [])])
        self.project = project
        for phase in self.data.get("phases", []):
            Phase.objects.update_or_create(
                project=project, code=str(phase["code"]),
                defaults={
                    "name": phase["name"], "start_date": _date(phase["start"]),
                    "end_date": _date(phase["end"]),
                    "state_grant": phase.get("state_grant"),
                    "staff_count": phase.get("staff_count"),
                    "project_count": phase.get("project_count"),
                },
            )
        for person in self.data.get("people", []):
            obj = self.person(person["name"], person.get("organisation"))
            Membership.objects.update_or_create(
                project=project, person=obj, role=person.get("role", Membership.Role.MEMBER),
                defaults={"title": person.get("title", "")},
            )
        for goal in self.data.get("goals", []):
            self.goal(goal, parent=None)
        for wp in self.data.get("work_packages", []):
            self.work_package(wp)
        for metric in self.data.get("metrics", []):
            self.metric(metric)
        for risk in self.data.get("risks", []):
            Risk.objects.update_or_create(
                project=project, category=risk["category"], description=risk["description"],
                defaults={
                    "severity": risk["severity"], "probability": risk["probability"],
                    "mitigation": risk.get("mitigation", ""), "impact": risk.get("impact", ""),
                    "owner": self.person(risk["owner"]) if risk.get("owner") else None,
                },
            )
        for round_data in self.data.get("evaluation_rounds", []):
            self.evaluation_round(round_data)
        self.open_reporting_period()
        return project

    def open_reporting_period(self) -> None:
        """Open the month after the latest demo report (or the phase's last month), so the
        demo coordinators have a month to report."""
        latest = (
            MonthlyReport.objects.filter(subproject__project=self.project, illustrative=False)
            .order_by("-period").values_list("period", flat=True).first()
        )
        if latest:
            month = add_months(latest, 1)
        else:
            phase = self.project.phases.order_by("-end_date").first()
            if phase is None:
                return
            month = phase.end_date.replace(day=1)
        reporting_period_open(project=self.project, month=month)

    def goal(self, data: dict, parent: Goal | None) -> None:
        code = str(data["code"])
        benefit = data.get("benefit_goal") or (
            parent.benefit_goal.code if parent and parent.benefit_goal else None)
        goal, _ = Goal.objects.update_or_create(
            project=self.project, code=code,
            defaults={
                "parent": parent, "name": data["name"],
                "level": data.get("level", Goal.Level.PROCESS),
                "benefit_goal": self.benefit_goals.get(str(benefit)) if benefit else None,
                "code_sort": natural_sort_key(code),
            },
        )
        self.goals[code] = goal
        for child in data.get("children", []) or []:
            self.goal(child, parent=goal)

    def work_package(self, data: dict) -> None:
        wp, _ = WorkPackage.objects.update_or_create(
            project=self.project, code=str(data["code"]),
            defaults={
                "name": data["name"], "kind": data.get("kind", WorkPackage.Kind.WORK_PACKAGE),
                "code_sort": natural_sort_key(str(data["code"])),
                **{key: data.get(key, "") or "" for key in
                   ["description", "objectives", "why", "achieved", "next_steps", "lessons"]},
            },
        )
        wp.benefit_goals.set([self.benefit_goals[str(c)] for c in data.get("benefit_goals", [])])
        wp.lead_organisations.set([self.org(k) for k in data.get("lead_organisations", [])])
        wp.lead_people.set([self.person(n) for n in data.get("lead_people", [])])
        for output in data.get("outputs", []) or []:
            Output.objects.update_or_create(
                work_package=wp, name=output["name"],
                defaults={"kind": output.get("kind", Output.Kind.OTHER),
                          "url": output.get("url", "") or "",
                          "description": output.get("description", "") or ""},
            )
        for sub in data.get("subprojects", []) or []:
            self.subproject(wp, sub)

    def subproject(self, wp: WorkPackage, data: dict) -> None:
        code = str(data["code"])
        organisation = data.get("organisation")
        sub, _ = Subproject.objects.update_or_create(
            project=self.project, code=code,
            defaults={
                "work_package": wp, "name": data["name"],
                "code_sort": natural_sort_key(code),
                "objective": data.get("objective", "") or "",
                "organisation": self.org(organisation),
                "start_month": _month(data.get("start")),
                "end_month": _month(data.get("end")),
                "starts_later": bool(data.get("starts_later")),
                "carried_over": bool(data.get("carried_over")),
                "innokyla_url": data.get("innokyla_url", "") or "",
            },
        )
        self.subprojects[code] = sub
        sub.responsible_people.set(
            [self.person(n, organisation) for n in data.get("people", []) or []]
        )
        sub.goals.set([self.goals[str(c)] for c in data.get("goals", []) or []])
        for order, activity in enumerate(data.get("activities", []) or []):
            Activity.objects.update_or_create(
                subproject=sub, name=activity["name"], start_month=_month(activity["start"]),
                defaults={"end_month": _month(activity["end"]), "order": order},
            )
        for year, amount in (data.get("budget") or {}).items():
            BudgetLine.objects.update_or_create(
                subproject=sub, year=int(year), category=BudgetLine.Category.ALL,
                defaults={"amount": Decimal(str(amount))},
            )
        for report in data.get("reports", []) or []:
            MonthlyReport.objects.update_or_create(
                subproject=sub, period=_month(report["period"]),
                defaults={
                    "state": MonthlyReport.State.APPROVED,
                    "light": report.get("light", ""),
                    "progress": report.get("progress"),
                    "situation": report.get("situation", "") or "",
                    "next_steps": report.get("next_steps", "") or "",
                    "problems": report.get("problems", "") or "",
                },
            )

    def metric(self, data: dict) -> None:
        code = str(data["code"])
        disaggregation = data.get("disaggregation")
        metric, _ = Metric.objects.update_or_create(
            project=self.project, code=code,
            defaults={
                "name": data["name"], "code_sort": natural_sort_key(code),
                "name_sv": data.get("name_sv", "") or "", "name_en": data.get("name_en", "") or "",
                "goal": self.goals.get(str(data["goal"])) if data.get("goal") else None,
                "subproject": self.subprojects.get(str(data["subproject"]))
                if data.get("subproject") else None,
                "kind": data["kind"], "unit": data.get("unit", "") or "",
                "frequency": data.get("frequency", Metric.Frequency.MONTHLY),
                "direction": data.get("direction", Metric.Direction.HIGHER),
                "cumulative": bool(data.get("cumulative")),
                "disaggregation": Disaggregation.objects.get(code=disaggregation)
                if disaggregation else None,
                "data_source": data.get("data_source", Metric.DataSource.MANUAL) or "manual",
                "source_name": data.get("source_name", "") or "",
                "external_id": str(data.get("external_id", "") or ""),
                "sotkanet_indicator": data.get("sotkanet_indicator"),
            },
        )
        baseline, target = data.get("baseline") or {}, data.get("target") or {}
        if baseline or target:
            MetricTarget.objects.update_or_create(
                metric=metric, effective_from=_date(baseline.get("date")) or dt.date(2020, 1, 1),
                defaults={
                    "baseline_value": baseline.get("value"),
                    "baseline_date": _date(baseline.get("date")),
                    "target_value": target.get("value"),
                    "target_date": _date(target.get("date")),
                    "reason": "Hankesuunnitelma",
                },
            )

    def evaluation_round(self, data: dict) -> None:
        round_obj, _ = EvaluationRound.objects.update_or_create(
            project=self.project, date=_date(data["date"]),
            defaults={"kind": data["kind"], "title": data["title"],
                      "summary": data.get("summary", "") or ""},
        )
        for code, text in (data.get("narratives") or {}).items():
            EvaluationNarrative.objects.update_or_create(
                round=round_obj, goal=self.goals[str(code)], defaults={"text": text}
            )


def _load_project(programme: Programme, data: dict) -> Project:
    return _ProjectLoader(programme, data).load()


def _user(username: str, password: str, **extra) -> Any:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults=extra)
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    return user


def _demo_users_for(project: Project, password: str) -> list[DemoUser]:
    """A manager, a coordinator and a steering group member for the project."""
    slug = project.code.lower().split("-")[0]
    users = []
    for role, label in [
        (Membership.Role.MANAGER, "Hankepäällikkö"),
        (Membership.Role.COORDINATOR, "Koordinaattori"),
        (Membership.Role.STEERING, "Ohjausryhmän jäsen"),
    ]:
        username = f"{role}.{slug}"
        user = _user(username, password, first_name=f"Demo-{label.lower()}",
                     last_name=f"({project.code})", email=f"{username}@demo.invalid")
        person, _ = Person.objects.update_or_create(
            user=user, defaults={"name": f"Demo {label} ({project.code})",
                                 "organisation": project.administrator,
                                 "email": user.email},
        )
        Membership.objects.update_or_create(
            project=project, person=person, role=role,
            defaults={"title": f"{label} (demo)"},
        )
        if role == Membership.Role.COORDINATOR:
            # The demo coordinator writes the reports of every subproject, without being one
            # of the plan's responsible people (who are the seed's own).
            person.reported_subprojects.set(project.subprojects.all())
        users.append(DemoUser(username, role, project.code, user))
    return users


def _national_and_admin_users(password: str) -> list[DemoUser]:
    group, _ = Group.objects.get_or_create(name=NATIONAL_VIEWERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="view_all_projects"))
    national = _user("national.stm", password, first_name="Demo-katselija", last_name="(STM)",
                     email="national.stm@demo.invalid")
    national.groups.add(group)
    _user("admin", password, is_staff=True, is_superuser=True, email="admin@demo.invalid")
    return [DemoUser("national.stm", "national viewer", "*"),
            DemoUser("admin", "administrator", "*")]
