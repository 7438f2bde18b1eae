"""Chart and number components of the dashboards: one tag per chart, so every page (and,
once the chart functions move next to the PDF ones, every document) draws it the same way.

The tags only format: they translate labels, write numbers and names (projects.formatting)
and hand the rows the selectors shaped to the pure SVG functions of reports/pdf/charts.py
(timeline, metric series) and dashboards/charts.py (the rest)."""

import datetime as dt
import html

from django import template
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dashboards import charts, progress
from dashboards.selectors import LIGHT_ORDER, PROBABILITY_BANDS
from indicators.models import Metric
from projects import formatting
from reports.pdf.charts import series_svg, timeline_svg

register = template.Library()


@register.filter
def light_name(light: str) -> str:
    """'green' -> 'vihreä': the short name used in tables and chart labels."""
    return formatting.light_name(light)


@register.simple_tag
def light_order() -> list[str]:
    return list(LIGHT_ORDER)


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def pct(value, decimals: int = 0) -> str:
    """0.4267 share or 42.67 percent -> '43 %' ('–' when unknown). Give shares with |share."""
    if value is None or value == "":
        return "–"
    # number_format cuts a float's decimals; round first so 26.7 reads 27.
    decimals = int(decimals)
    return f"{formats.number_format(round(float(value), decimals), decimals, use_l10n=True)}\u00a0%"


@register.filter
def share(value, decimals: int = 0) -> str:
    return "–" if value is None else pct(float(value) * 100, decimals)


@register.filter
def eur(value) -> str:
    """Money in whole euros with the language's thousands separator."""
    if value is None or value == "":
        return "–"
    number = formats.number_format(round(float(value)), 0, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0€"  # never broken from its number


def _separators() -> tuple[str, str]:
    return formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")


def _number(value, separators: tuple[str, str]) -> str:
    """Up to two decimals without trailing zeros, grouped, in the language's separators."""
    text = f"{round(float(value), 2):,.2f}".rstrip("0").rstrip(".")
    decimal, thousand = separators
    return text.replace(",", "\x00").replace(".", decimal).replace("\x00", thousand)


@register.filter
def num(value) -> str:
    """A metric value: no trailing zeros, the language's decimal separator."""
    if value is None or value == "":
        return "–"
    return _number(value, _separators())


def _metric_value(value, metric: Metric, separators: tuple[str, str]) -> str:
    if value is None or value == "":
        return "–"
    if metric.kind == Metric.Kind.YES_NO:
        return _("yes") if float(value) else _("no")
    if metric.kind == Metric.Kind.PHASE:
        return str(dict(Metric.PHASES).get(int(float(value)), _number(value, separators)))
    return f"{_number(value, separators)} {metric.unit}".strip()


@register.filter
def metric_value(value, metric: Metric) -> str:
    """A value as the metric's kind reads: yes/no, a phase name, or a number with its unit."""
    return _metric_value(value, metric, _separators())


@register.filter
def goal_name(goal) -> str:
    """A national benefit goal's name in the user's language."""
    return formatting.benefit_goal_name(goal)


VERDICTS = {
    progress.MET: ("good", lambda: _("Target met")),
    progress.ON_TRACK: ("good", lambda: _("Will reach the target at the current pace")),
    progress.OFF_TRACK: ("bad", lambda: _("Will not reach the target at the current pace")),
    progress.NOT_MET: ("bad", lambda: _("Target date passed without reaching the target")),
    progress.UNKNOWN: ("neutral", lambda: _("Too few values to project")),
    progress.NO_TARGET: ("neutral", lambda: _("No target")),
    progress.NO_DATA: ("neutral", lambda: _("No values yet")),
}


@register.filter
def verdict(status: str) -> str:
    return VERDICTS.get(status, ("neutral", lambda: status))[1]()


@register.filter
def verdict_class(status: str) -> str:
    return VERDICTS.get(status, ("neutral", None))[0]


@register.filter
def ym(month: dt.date) -> str:
    return f"{month:%Y-%m}"


@register.filter
def month_label(month: dt.date) -> str:
    return f"{month.month}/{month.year}"


def _light_summary(counts: dict) -> str:
    names = formatting.light_names()
    parts = [f"{names[light]} {counts.get(light, 0)}" for light in LIGHT_ORDER
             if counts.get(light)]
    return ", ".join(parts) or _("no approved reports")


@register.filter
def light_summary(counts: dict) -> str:
    """{'green': 3, 'red': 1} -> 'vihreä 3, punainen 1' (the text of a status bar)."""
    return _light_summary(counts or {})


@register.simple_tag
def status_bars_chart(rows, title: str, width: int = 640, label_width: int = 210):
    """rows: [{"label", "counts"}] -> stacked bars of the lights."""
    return mark_safe(charts.status_bars_svg(
        rows=rows, order=LIGHT_ORDER, width=width, label_width=label_width, title=title,
    ))


@register.simple_tag
def status_bar(counts, title: str = ""):
    """One small stacked bar (a table cell), labelled with its counts."""
    label = f"{title}: {_light_summary(counts or {})}" if title else _light_summary(counts or {})
    return mark_safe(charts.status_bars_svg(
        rows=[{"label": "", "counts": counts or {}}], order=LIGHT_ORDER, width=150,
        label_width=0, title=label,
    ))


@register.simple_tag
def status_matrix_chart(dashboard, title: str):
    return mark_safe(charts.status_matrix_svg(months=dashboard.window,
                                              rows=dashboard.matrix_rows, title=title))


def _labelled(svg: str, title: str) -> str:
    return mark_safe(svg.replace('role="img"', f'role="img" aria-label="{escape(title)}"', 1))


@register.simple_tag
def timeline_chart(dashboard, title: str):
    return _labelled(timeline_svg(months=dashboard.timeline_months, rows=dashboard.timeline_rows,
                                  marker=dashboard.month, title=title), title)


@register.simple_tag
def metric_chart(card):
    title = _("%(code)s %(name)s: values by month, baseline and target") % {
        "code": card.metric.code, "name": card.metric.name[:80]}
    return _labelled(series_svg(values=card.points, months=len(card.axis),
                                baseline=card.baseline_value, target=card.target_value,
                                title=title), title)


@register.simple_tag
def risk_chart(risks, title: str):
    bands = [f"{low}–{high} %" for low, high in PROBABILITY_BANDS]
    return mark_safe(charts.risk_matrix_svg(
        counts=risks.cells, bands=bands, severity_label=_("Severity"),
        probability_label=_("Probability"), title=title,
    ))


@register.simple_tag
def budget_chart(rows, title: str):
    """rows: [{"label", "planned", "actual"}] -> planned vs actual bars."""
    return mark_safe(charts.budget_bars_svg(
        rows=rows, planned_label=_("Planned"), actual_label=_("Actual"), title=title,
    ))


@register.simple_tag
def comparison_chart(group, title: str):
    return mark_safe(charts.value_bars_svg(rows=group.chart_rows, target_label=_("Target"),
                                           title=title))


@register.simple_tag
def series_table(card, caption: str):
    """A metric card's values as a table (the chart's text alternative), newest first.
    Built as one string: it is the page's largest repeated markup."""
    separators = _separators()
    rows = "".join(
        f'<tr><th scope="row">{month_label(p)}</th>'
        f'<td class="num">{html.escape(_metric_value(v, card.metric, separators))}</td></tr>'
        for p, v in reversed(card.series.items())
    )
    return format_html(
        '<table class="data compact"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col" class="num">{}</th></tr></thead><tbody>{}</tbody></table>',
        caption, _("Month"), _("Value"), mark_safe(rows),
    )


@register.simple_tag
def matrix_table(dashboard, caption: str):
    """The status matrix as a table: subprojects × months, each cell the light's name."""
    names = {light: html.escape(name) for light, name in formatting.light_names().items()
             if light}
    keys = [f"{m:%Y-%m}" for m in dashboard.window]
    head = "".join(f'<th scope="col">{month_label(m)}</th>' for m in dashboard.window)
    body = []
    for r in dashboard.subprojects:
        cells = "".join(
            f'<td class="cell cell-{r.cells.get(k) or "none"}">{names.get(r.cells.get(k), "–")}'
            "</td>" for k in keys)
        body.append(f'<tr><th scope="row">{html.escape(r.subproject.code)} '
                    f"{html.escape(r.subproject.name)}</th>{cells}</tr>")
    return format_html(
        '<table class="data compact matrix-table"><caption>{}</caption><thead><tr>'
        '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>',
        caption, _("Subproject"), mark_safe(head), mark_safe("".join(body)),
    )


@register.filter
def context_value(value, indicator) -> str:
    """A Sotkanet value with the indicator's decimals and the reader's decimal separator."""
    if value is None:
        return "–"
    decimals = indicator.decimals if indicator and indicator.decimals is not None else 1
    return formats.number_format(round(value, decimals), decimals, use_l10n=True)


@register.filter
def indicator_title(indicator) -> str:
    """A Sotkanet indicator's name in the reader's language (Finnish when THL gives none)."""
    return indicator.title_in((get_language() or "fi")[:2]) if indicator else ""
