"""Roll-ups and PDF documents (issue 5): seconds to render the monthly report of the largest
demo project and of a 50-subproject synthetic project, and the national roll-up."""

import time

from django.db.models import Count, Max

from bench.figures import Figure
from projects.models import Project
from reports.models import MonthlyReport
from reports.pdf import monthly
from reports.pdf.hyphenation import hyphenate_html, hyphenate_word
from reports.pdf.render import render_html, write_pdf
from reports.rollups import national_rollup


def _render_seconds(project: Project) -> tuple[float, int]:
    month = MonthlyReport.objects.filter(subproject__project=project).aggregate(
        last=Max("period"))["last"]
    started = time.perf_counter()
    pdf = monthly.render(monthly.collect(project=project, month=month))
    return time.perf_counter() - started, len(pdf)


def _hyphenation_share(project: Project) -> Figure:
    """The Voikko pass (cold: no word cached) beside WeasyPrint's layout of the same HTML."""
    month = MonthlyReport.objects.filter(subproject__project=project).aggregate(
        last=Max("period"))["last"]
    html = render_html("reports/pdf/monthly.html", monthly.collect(project=project, month=month))
    hyphenate_word.cache_clear()
    started = time.perf_counter()
    hyphenated = hyphenate_html(html, "fi")
    voikko = time.perf_counter() - started
    started = time.perf_counter()
    write_pdf(hyphenated)
    layout = time.perf_counter() - started
    return Figure(f"pdf: Finnish hyphenation of {project.code}'s monthly report", voikko, "s",
                  f"WeasyPrint layout {layout:.2f} s; aim < 10 %: {voikko / layout:.1%}")


def run() -> list[Figure]:
    figures = []
    demo = (Project.objects.exclude(code__startswith="SCALE-").exclude(code__startswith="LOAD-")
            .annotate(n=Count("subprojects")).order_by("-n").first())
    if demo is not None:
        seconds, size = _render_seconds(demo)
        figures.append(Figure(f"pdf: monthly report {demo.code} ({demo.n} subprojects)",
                              seconds, "s", f"{size // 1024} KiB"))
        figures.append(_hyphenation_share(demo))
    scale = Project.objects.annotate(n=Count("subprojects")).get(code="SCALE-01")
    seconds, size = _render_seconds(scale)
    figures.append(Figure(f"pdf: monthly report SCALE-01 ({scale.n} subprojects)", seconds, "s",
                          f"aim < 5 s; {seconds / 5:.2f} of the aim"))
    month = MonthlyReport.objects.filter(subproject__project=scale).aggregate(
        last=Max("period"))["last"]
    started = time.perf_counter()
    count = national_rollup(month=month)
    seconds = time.perf_counter() - started
    figures.append(Figure(f"roll-up: national, {count} projects, {month:%Y-%m}", seconds, "s",
                          f"aim < 60 s; {seconds / 60:.2f} of the aim"))
    return figures
