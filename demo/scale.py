"""Synthetic projects at the national scale of DOMAIN.md, for benchmarks.

With the defaults: 20 projects × 5 work packages × 10 subprojects (1,000 subprojects),
36 months of reports (36,000) and 80 metrics per project, half of them split by age group
with a total beside the three groups (144,000 metric values). Rows are written with
bulk_create, so it takes minutes."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicators.models import (
    Disaggregation,
    DisaggregationCategory,
    Metric,
    MetricTarget,
    MetricValue,
)
from projects.codes import natural_sort_key
from projects.models import Organisation, Phase, Programme, Project, Region
from projects.months import add_months
from reports.models import MonthlyReport, StatusLight
from workpackages.models import Activity, BudgetLine, Goal, Risk, Subproject, WorkPackage

SCALE_PREFIX = "SCALE"
FIRST_MONTH = dt.date(2021, 1, 1)
LIGHTS = [StatusLight.GREEN] * 6 + [StatusLight.YELLOW] * 3 + [StatusLight.RED]


@dataclass
class ScaleResult:
    projects: int = 0
    subprojects: int = 0
    reports: int = 0
    metric_values: int = 0


def _age_groups() -> list[DisaggregationCategory]:
    dis, _ = Disaggregation.objects.get_or_create(code="age_group", defaults={"name": "Ikäryhmä"})
    for order, (code, name) in enumerate(
        [("children", "Lapset ja nuoret"), ("working_age", "Työikäiset"), ("elderly", "Ikääntyneet")]
    ):
        DisaggregationCategory.objects.get_or_create(
            disaggregation=dis, code=code, defaults={"name": name, "order": order}
        )
    return list(dis.categories.all())


@transaction.atomic
def generate_scale_data(
    *, regions: int = 20, work_packages: int = 5, subprojects: int = 10, metrics: int = 80,
    months: int = 36, seed: int = 1,
) -> ScaleResult:
    """Replace any earlier synthetic projects with a fresh set (deterministic for a seed)."""
    rng = random.Random(seed)
    Project.objects.filter(code__startswith=f"{SCALE_PREFIX}-").delete()
    programme, _ = Programme.objects.get_or_create(
        code="TSK", defaults={"name": "Tulevaisuuden sosiaali- ja terveyskeskus -ohjelma"}
    )
    benefit_goals = list(programme.benefit_goals.all())
    categories = _age_groups()
    periods = [add_months(FIRST_MONTH, i) for i in range(months)]
    now = timezone.now()
    result = ScaleResult()
    for r in range(1, regions + 1):
        region, _ = Region.objects.get_or_create(
            code=f"S{r:02d}", defaults={"name": f"Synteettinen alue {r:02d}"}
        )
        org, _ = Organisation.objects.get_or_create(
            key=f"scale-org-{r:02d}", defaults={"name": f"Synteettinen kuntayhtymä {r:02d}",
                                                "kind": Organisation.Kind.JOINT_AUTHORITY,
                                                "region": region},
        )
        project = Project.objects.create(
            programme=programme, code=f"{SCALE_PREFIX}-{r:02d}", region=region,
            name=f"Synteettinen sote-keskushanke {r:02d}", administrator=org,
        )
        Phase.objects.create(
            project=project, code="I", name="I-vaihe", start_date=periods[0],
            end_date=add_months(periods[-1], 1) - dt.timedelta(days=1),
            state_grant=Decimal(rng.randrange(2_000_000, 9_000_000, 100_000)), staff_count=25,
        )
        goals = Goal.objects.bulk_create([
            Goal(project=project, code=str(g), code_sort=natural_sort_key(str(g)),
                 name=f"Hyötytavoite {g}", level=Goal.Level.BENEFIT,
                 benefit_goal=benefit_goals[g - 1] if len(benefit_goals) >= g else None)
            for g in range(1, 6)
        ])
        wps = WorkPackage.objects.bulk_create([
            WorkPackage(project=project, code=f"TP{w}", code_sort=natural_sort_key(f"TP{w}"),
                        name=f"Työpaketti {w}")
            for w in range(1, work_packages + 1)
        ])
        for wp, goal in zip(wps, goals, strict=True):
            if goal.benefit_goal:
                wp.benefit_goals.add(goal.benefit_goal)
        subs = Subproject.objects.bulk_create([
            Subproject(project=project, work_package=wp, code=f"{w}.{s}",
                       code_sort=natural_sort_key(f"{w}.{s}"),
                       name=f"Osahanke {w}.{s}", objective="Tavoitteena on kehittää palvelua.",
                       start_month=periods[0], end_month=periods[-1])
            for w, wp in enumerate(wps, start=1) for s in range(1, subprojects + 1)
        ])
        Activity.objects.bulk_create([
            Activity(subproject=sub, name=name, start_month=start, end_month=end)
            for sub in subs
            for name, start, end in [("Suunnittelu", periods[0], periods[5]),
                                     ("Pilotointi", periods[6], periods[23]),
                                     ("Käyttöönotto", periods[24], periods[-1])]
            if months >= 30
        ])
        BudgetLine.objects.bulk_create([
            BudgetLine(subproject=sub, year=year, amount=Decimal(rng.randrange(10_000, 120_000, 500)))
            for sub in subs for year in sorted({p.year for p in periods})
        ])
        Risk.objects.bulk_create([
            Risk(project=project, category=cat, description=f"Synteettinen riski ({cat})",
                 severity=rng.randint(1, 5), probability=rng.randrange(10, 90, 10))
            for cat in Risk.Category.values
        ])
        reports = [
            MonthlyReport(
                project=project, subproject=sub, period=period, state=MonthlyReport.State.APPROVED,
                light=rng.choice(LIGHTS), progress=min(100, 3 * i),
                situation=f"Tilanne {period:%m/%Y}: työ etenee suunnitellusti.",
                next_steps="Jatketaan pilotointia.",
            )
            for sub in subs for i, period in enumerate(periods)
        ]
        MonthlyReport.objects.bulk_create(reports, batch_size=2000)
        metric_rows = Metric.objects.bulk_create([
            Metric(project=project, code=f"M.{m}", code_sort=natural_sort_key(f"M.{m}"),
                   name=f"Mittari {m}", goal=goals[m % len(goals)], subproject=subs[m % len(subs)],
                   kind=Metric.Kind.SHARE if m % 2 else Metric.Kind.COUNT,
                   unit="%" if m % 2 else "kpl",
                   disaggregation=categories[0].disaggregation if m % 2 == 0 else None)
            for m in range(1, metrics + 1)
        ])
        MetricTarget.objects.bulk_create([
            MetricTarget(metric=metric, baseline_value=Decimal(10), baseline_date=periods[0],
                         target_value=Decimal(50), target_date=periods[-1],
                         effective_from=periods[0])
            for metric in metric_rows
        ])
        values = []
        for metric in metric_rows:
            splits = [None, *categories] if metric.disaggregation_id else [None]
            for i, period in enumerate(periods):
                for category in splits:
                    values.append(MetricValue(  # the reports are approved: published
                        metric=metric, period=period, category=category,
                        value=Decimal(10 + i + rng.randint(0, 5)),
                        published=True, published_at=now,
                    ))
        MetricValue.objects.bulk_create(values, batch_size=5000)
        result.projects += 1
        result.subprojects += len(subs)
        result.reports += len(reports)
        result.metric_values += len(values)
    return result
