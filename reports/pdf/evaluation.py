"""Evaluation report in seed 003's layout: per benefit goal its process goals and metrics,
and what each evaluation round found, then each round's summary."""

import copy

from django.db.models import Prefetch

from indicators.models import Metric
from projects.formatting import format_date
from projects.models import Project
from reports.models import EvaluationNarrative, EvaluationRound
from reports.pdf.render import render_pdf
from workpackages.models import Goal


def collect(*, project: Project, month=None, phase=None) -> dict:
    # The evaluation report is read outside the project: it prints published rounds only.
    rounds = list(EvaluationRound.objects.filter(project=project, published=True).order_by("date"))
    narratives: dict[tuple[int, int], str] = {
        (n.round_id, n.goal_id): n.text
        for n in EvaluationNarrative.objects.filter(round__in=rounds)
    }
    goals = list(
        Goal.objects.filter(project=project).order_by("code_sort")
        .prefetch_related(Prefetch("metrics", queryset=Metric.objects.order_by("code_sort")))
    )
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)

    def describe(goal: Goal) -> dict:
        return {
            "code": goal.code, "name": goal.name,
            "metrics": [{"code": m.code, "name": m.name, "kind": m.kind}
                        for m in goal.metrics.all()],
            "rounds": [{"date": format_date(r.date), "title": r.title, "text": narratives[(r.pk, goal.pk)]}
                       for r in rounds if (r.pk, goal.pk) in narratives],
            "children": [describe(child) for child in children.get(goal.pk, [])],
        }

    return {
        "project": {"code": project.code, "name": project.name, "region": project.region.name,
                    "administrator": project.administrator.name},
        "rounds": [{"date": format_date(r.date), "kind": r.kind, "title": r.title,
                    "summary": r.summary} for r in rounds],
        "goals": [describe(goal) for goal in children.get(None, [])],
    }


def render(data: dict) -> bytes:
    """The kinds are named here, in the document's language (the collected data, and so its
    checksum, are the same in every language)."""
    data = copy.deepcopy(data)

    def name_kinds(goal: dict) -> None:
        for metric in goal["metrics"]:
            metric["kind"] = Metric.Kind(metric["kind"]).label
        for child in goal["children"]:
            name_kinds(child)

    for evaluation_round in data["rounds"]:
        evaluation_round["kind"] = EvaluationRound.Kind(evaluation_round["kind"]).label
    for goal in data["goals"]:
        name_kinds(goal)
    return render_pdf("reports/pdf/evaluation.html", data)
