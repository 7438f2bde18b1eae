"""Dashboard charts as plain SVG markup, drawn in the same way as reports/pdf/charts.py.

Each function takes plain data (no models, no translations: callers pass the labels in the
user's language) and returns an <svg role="img" aria-label=…> string that uses presentation
attributes only (no style attributes, scripts, fonts or URLs), so the same markup works
under the portal's Content-Security-Policy and inside a WeasyPrint PDF. Colour is never the
only carrier of information: the pages print the same data as a table next to each chart."""

import datetime as dt

from django.utils.html import escape

LIGHT_COLOURS = {
    "green": "#1e7b34", "yellow": "#f2c200", "red": "#c62828", "blue": "#1565c0",
    "grey": "#8a8a8a", "": "#ffffff",
}
INK = "#1a1a1a"
LINE = "#8a8a8a"
PLANNED = "#c9d8ec"
ACTUAL = "#003a70"
OVER = "#c62828"
RISK_FILLS = ("#e3f1e6", "#fff3c4", "#f8d0cc")  # low, medium, high


def _text(x, y, text, size=9, anchor="start", weight="normal", fill=INK) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>')


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    label = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
            f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
            f"<title>{label}</title>" + "".join(body) + "</svg>")


def _fit(text: str, width: float, size: float) -> str:
    """Cut a label to the characters that fit (about 0.55 em per character)."""
    limit = max(3, int(width / (size * 0.55)))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def status_bars_svg(*, rows: list[dict], order: list[str], width: float = 640,
                    label_width: float = 230, title: str = "") -> str:
    """Stacked bars of status lights, one per row, each as shares of the row's total.

    rows: [{"label": str, "counts": {light: n}}]; order: the lights from left to right.
    The count is written inside each segment wide enough for it and the total after the bar."""
    if not rows:
        return ""
    bar_h, gap, top = 20, 8, 4
    plot = width - label_width - 44
    body = []
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        counts = row["counts"]
        total = sum(counts.get(light, 0) for light in order)
        body.append(_text(0, y + 14, _fit(row["label"], label_width - 6, 11), 11))
        x = label_width
        if not total:
            body.append(f'<rect x="{x}" y="{y}" width="{plot:.1f}" height="{bar_h}" '
                        f'fill="#ffffff" stroke="{LINE}" stroke-dasharray="3 2"/>')
        for light in order:
            n = counts.get(light, 0)
            if not n:
                continue
            w = plot * n / total
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{LIGHT_COLOURS[light]}" stroke="#333333" stroke-width="0.6">'
                        f"<title>{escape(str(n))}</title></rect>")
            if w >= 8 + 7 * len(str(n)):
                ink = INK if light == "yellow" else "#ffffff"
                body.append(_text(x + w / 2, y + 14, str(n), 11, "middle", "bold", ink))
            x += w
        body.append(_text(width - 2, y + 14, str(total), 11, "end"))
    height = top + len(rows) * (bar_h + gap)
    return _svg(width, height, title, body)


def status_matrix_svg(*, months: list[dt.date], rows: list[dict], width: float = 1000,
                      label_width: float = 260, title: str = "") -> str:
    """Rows × months coloured by status light, as the steering group's one-screen matrix.

    rows: [{"label": str, "grey": bool, "cells": {"YYYY-MM": light}}]; an empty cell is white
    with a grey outline (no approved report)."""
    if not months or not rows:
        return ""
    cell_w = max(14.0, min(40.0, (width - label_width) / len(months)))
    cell_h, header = 20, 32
    body = []
    for j, month in enumerate(months):
        x = label_width + j * cell_w
        if j == 0 or month.month == 1:
            body.append(_text(x + 1, 12, str(month.year), 11, weight="bold"))
        body.append(_text(x + cell_w / 2, 28, str(month.month), 10, "middle"))
    for i, row in enumerate(rows):
        y = header + i * cell_h
        body.append(_text(0, y + 14, _fit(row["label"], label_width - 6, 11), 11,
                          fill="#6b6b6b" if row.get("grey") else INK))
        for j, month in enumerate(months):
            light = row["cells"].get(month.isoformat()[:7], "")
            x = label_width + j * cell_w
            stroke = "#333333" if light else "#c8c8c8"
            body.append(f'<rect x="{x + 1:.1f}" y="{y + 1}" width="{cell_w - 2:.1f}" '
                        f'height="{cell_h - 2}" fill="{LIGHT_COLOURS.get(light, "#ffffff")}" '
                        f'stroke="{stroke}" stroke-width="0.6"/>')
    height = header + len(rows) * cell_h + 2
    total_width = label_width + len(months) * cell_w + 2
    return _svg(total_width, height, title, body)


def risk_level(severity: int, band: int) -> int:
    """0 low, 1 medium, 2 high: severity 1–5 times the band's 1–5 position, as in the usual
    5 × 5 risk matrix (1–4 low, 5–12 medium, 15–25 high)."""
    score = severity * (band + 1)
    return 2 if score >= 15 else 1 if score >= 5 else 0


def risk_matrix_svg(*, counts: dict[tuple[int, int], int], bands: list[str],
                    severity_label: str, probability_label: str, title: str = "") -> str:
    """Severity 1–5 (rows, 5 on top) × probability bands (columns); each cell shows how many
    risks fall in it, on a background by risk level (low, medium, high)."""
    cell_w, cell_h, left, top = 84, 42, 56, 8
    body = []
    for s in range(5, 0, -1):
        y = top + (5 - s) * cell_h
        body.append(_text(left - 8, y + cell_h / 2 + 5, str(s), 12, "end", "bold"))
        for b in range(len(bands)):
            x = left + b * cell_w
            n = counts.get((s, b), 0)
            body.append(f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                        f'fill="{RISK_FILLS[risk_level(s, b)]}" stroke="#ffffff" '
                        f'stroke-width="2"/>')
            if n:
                body.append(f'<circle cx="{x + cell_w / 2}" cy="{y + cell_h / 2}" r="13" '
                            f'fill="{INK}"/>')
                body.append(_text(x + cell_w / 2, y + cell_h / 2 + 5, str(n), 13, "middle",
                                  "bold", "#ffffff"))
    bottom = top + 5 * cell_h
    for b, band in enumerate(bands):
        body.append(_text(left + b * cell_w + cell_w / 2, bottom + 16, band, 11, "middle"))
    width = left + len(bands) * cell_w + 4
    body.append(_text(left + len(bands) * cell_w / 2, bottom + 34, probability_label, 12,
                      "middle", "bold"))
    body.append(f'<text x="14" y="{top + 2.5 * cell_h:.1f}" font-size="12" font-weight="bold" '
                f'text-anchor="middle" fill="{INK}" transform="rotate(-90 14 '
                f'{top + 2.5 * cell_h:.1f})">{escape(severity_label)}</text>')
    return _svg(width, bottom + 42, title, body)


def budget_bars_svg(*, rows: list[dict], planned_label: str, actual_label: str,
                    width: float = 640, label_width: float = 230, title: str = "") -> str:
    """Planned money as a pale bar with the actual costs drawn over it (red where they exceed
    the plan); one row per subproject or year.

    rows: [{"label": str, "planned": float, "actual": float}]"""
    if not rows:
        return ""
    top, bar_h, gap = 24, 18, 7
    peak = max([max(r["planned"], r["actual"]) for r in rows] + [1])
    plot = width - label_width - 8
    body = [
        f'<rect x="{label_width}" y="2" width="12" height="10" fill="{PLANNED}" '
        f'stroke="{ACTUAL}" stroke-width="0.6"/>',
        _text(label_width + 16, 11, planned_label, 11),
        f'<rect x="{label_width + 150}" y="4" width="12" height="6" fill="{ACTUAL}"/>',
        _text(label_width + 166, 11, actual_label, 11),
    ]
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(0, y + 13, _fit(row["label"], label_width - 6, 11), 11))
        planned_w = plot * row["planned"] / peak
        actual_w = plot * row["actual"] / peak
        body.append(f'<rect x="{label_width}" y="{y}" width="{planned_w:.1f}" height="{bar_h}" '
                    f'fill="{PLANNED}" stroke="{ACTUAL}" stroke-width="0.6"/>')
        if actual_w:
            colour = OVER if row["actual"] > row["planned"] else ACTUAL
            body.append(f'<rect x="{label_width}" y="{y + 5}" width="{actual_w:.1f}" '
                        f'height="{bar_h - 10}" fill="{colour}"/>')
    return _svg(width, top + len(rows) * (bar_h + gap), title, body)


def value_bars_svg(*, rows: list[dict], target_label: str, width: float = 640,
                   label_width: float = 230, title: str = "") -> str:
    """One metric across projects: a bar per project for its latest value and a tick at the
    project's own target, so regions can be compared side by side.

    rows: [{"label": str, "value": float | None, "target": float | None}]"""
    if not rows:
        return ""
    top, bar_h, gap = 22, 16, 7
    numbers = [n for r in rows for n in (r["value"], r["target"]) if n is not None]
    peak = max([abs(n) for n in numbers] + [1])
    plot = width - label_width - 50
    body = [
        f'<line x1="{label_width + 2}" y1="3" x2="{label_width + 2}" y2="13" stroke="{OVER}" '
        f'stroke-width="2.5"/>',
        _text(label_width + 8, 12, target_label, 11),
    ]
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        body.append(_text(0, y + 12, _fit(row["label"], label_width - 6, 11), 11))
        if row["value"] is not None:
            w = plot * max(row["value"], 0) / peak
            body.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{LIGHT_COLOURS["blue"]}"/>')
            body.append(_text(label_width + w + 4, y + 12, f"{row['value']:g}".replace(
                ".", ","), 11))
        if row["target"] is not None:
            x = label_width + plot * max(row["target"], 0) / peak
            body.append(f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + bar_h + 2}" '
                        f'stroke="{OVER}" stroke-width="2.5"/>')
    return _svg(width, top + len(rows) * (bar_h + gap), title, body)
