"""Final report of a phase in seed 000's layout: key figures, then a spread per work package
with its five narrative sections, outputs and the people who did the work."""

import copy
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.formatting import format_number
from projects.models import Phase, Project
from reports.pdf.render import render_pdf
from workpackages.models import Output, Subproject

# The headings of a work package's narrative sections, in the document's language.
SECTIONS = [
    ("objectives", gettext_lazy("Objectives")),
    ("why", gettext_lazy("Why is the work done?")),
    ("achieved", gettext_lazy("What was achieved?")),
    ("next_steps", gettext_lazy("What next?")),
    ("lessons", gettext_lazy("Lessons for future developers")),
]


def millions(amount: Decimal | None) -> str:
    """3300000 -> '3,3 milj. €' as the regions write it."""
    if amount is None:
        return ""
    value = (Decimal(amount) / Decimal(1_000_000)).quantize(Decimal("0.1"))
    return _("%(amount)s million €") % {"amount": format_number(value)}


def collect(*, project: Project, phase: Phase, month=None) -> dict:
    co_implementers = list(project.co_implementers.order_by("name"))
    work_packages = []
    wps = project.work_packages.order_by("code_sort").prefetch_related(
        "lead_organisations", "lead_people", "outputs", "benefit_goals",
        Prefetch("subprojects", queryset=Subproject.objects.order_by("code_sort")
                 .select_related("organisation").prefetch_related("responsible_people")),
    )
    for wp in wps:
        work_packages.append({
            "code": wp.code, "name": wp.name,
            "benefit_goals": [g.name for g in wp.benefit_goals.all()],
            "leads": [o.name for o in wp.lead_organisations.all()],
            "lead_people": [p.name for p in wp.lead_people.all()],
            "sections": [{"field": field, "text": getattr(wp, field)}
                         for field, _title in SECTIONS if getattr(wp, field)],
            "outputs": [{"name": o.name, "kind": o.kind, "url": o.url}
                        for o in wp.outputs.all()],
            "subprojects": [{
                "name": s.name,
                "organisation": s.organisation.name if s.organisation else "",
                "people": [p.name for p in s.responsible_people.all()],
                "star": s.carried_over,
            } for s in wp.subprojects.all()],
        })
    subproject_count = sum(len(wp["subprojects"]) for wp in work_packages)
    return {
        "project": {"code": project.code, "name": project.name, "region": project.region.name,
                    "administrator": project.administrator.name,
                    "description": project.description},
        "phase": {"name": phase.name, "start": phase.start_date.isoformat(),
                  "end": phase.end_date.isoformat(),
                  "years": f"{phase.start_date.year}–{phase.end_date.year}"},
        "key_figures": {
            "projects": phase.project_count or subproject_count,
            "staff": phase.staff_count,
            "co_implementers": len(co_implementers),
            "co_implementer_names": [o.short_name or o.name for o in co_implementers],
            "grant": None if phase.state_grant is None else str(phase.state_grant),
        },
        "work_packages": work_packages,
    }


def render(data: dict) -> bytes:
    """Headings and kinds are named here, in the document's language (the collected data,
    and so its checksum, are the same in every language)."""
    data = copy.deepcopy(data)
    titles = dict(SECTIONS)
    grant = data["key_figures"]["grant"]
    data["key_figures"]["grant"] = millions(Decimal(grant)) if grant is not None else ""
    for wp in data["work_packages"]:
        for section in wp["sections"]:
            section["title"] = titles[section["field"]]
        for output in wp["outputs"]:
            output["kind"] = Output.Kind(output["kind"]).label
    return render_pdf("reports/pdf/final.html", data)
