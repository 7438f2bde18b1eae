"""Vector charts for the PDF documents: plain SVG markup, no scripts, fonts or URLs."""

import datetime as dt

from django.utils.html import escape

from projects.formatting import decimal_comma

FI_MONTHS = "tammi helmi maalis huhti touko kesä heinä elo syys loka marras joulu".split()
BAR = "#1565c0"
GREY = "#9e9e9e"


def _text(x, y, text, size=9, anchor="start", weight="normal", fill="#1a1a1a"):
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>')


def timeline_svg(*, months: list[dt.date], rows: list[dict], marker: dt.date | None,
                 width: float = 1000, label_width: float = 230, title: str = "") -> str:
    """A month-by-month timeline as in the regions' slides.

    rows: [{"label": str, "grey": bool, "bars": [{"label", "start", "end"} (ISO months)]}]"""
    if not months:
        return ""
    index = {m.isoformat()[:7]: i for i, m in enumerate(months)}
    cell = (width - label_width) / len(months)
    header, line, pad = 30, 13, 4
    parts, y = [], header
    body = []
    for row in rows:
        bars = row["bars"] or []
        height = max(1, len(bars)) * line + pad
        colour = GREY if row.get("grey") else "#1a1a1a"
        body.append(f'<line x1="0" y1="{y:.1f}" x2="{width:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        body.append(_text(2, y + 11, row["label"][:48], 9, fill=colour))
        for i, bar in enumerate(bars):
            start = index.get(bar["start"][:7])
            end = index.get(bar["end"][:7])
            if start is None and end is None:
                continue
            start = 0 if start is None else start
            end = len(months) - 1 if end is None else end
            x = label_width + start * cell
            w = max(cell * (end - start + 1) - 1, 2)
            by = y + pad / 2 + i * line
            fill = GREY if row.get("grey") else BAR
            body.append(f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{line - 2}" '
                        f'rx="2" fill="{fill}"/>')
            if bar.get("label"):
                body.append(_text(x + 3, by + 9, bar["label"][: max(4, int(w / 4.6))], 7.5,
                                  fill="#ffffff"))
        y += height
    total = y + 4
    # Year and month headers.
    for i, month in enumerate(months):
        x = label_width + i * cell
        if i == 0 or month.month == 1:
            parts.append(_text(x + 2, 11, str(month.year), 10, weight="bold"))
            parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{total:.1f}" '
                         'stroke="#8a8a8a"/>')
        parts.append(_text(x + cell / 2, 25, str(month.month), 7, anchor="middle"))
    if marker is not None and marker.isoformat()[:7] in index:
        x = label_width + (index[marker.isoformat()[:7]] + 0.5) * cell
        parts.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{total:.1f}" '
                     'stroke="#c62828" stroke-width="1.5" stroke-dasharray="4 2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
            f'height="{total:.0f}" viewBox="0 0 {width:.0f} {total:.0f}">'
            f"<title>{escape(title)}</title>" + "".join(body + parts) + "</svg>")


def series_svg(*, values: list[tuple[int, float]], months: int, baseline: float | None,
               target: float | None, width: float = 260, height: float = 80,
               title: str = "") -> str:
    """A metric's monthly series with its baseline (grey) and target (green) lines."""
    numbers = [v for _, v in values] + [n for n in (baseline, target) if n is not None]
    if not numbers or months < 1:
        return ""
    low, high = min(numbers + [0]), max(numbers)
    span = (high - low) or 1
    left, bottom = 30, height - 14

    def px(i):
        return left + (width - left - 6) * (i / max(months - 1, 1))

    def py(v):
        return bottom - (bottom - 6) * ((v - low) / span)

    parts = [f'<line x1="{left}" y1="{bottom}" x2="{width - 4}" y2="{bottom}" stroke="#8a8a8a"/>',
             _text(left - 3, py(high) + 3, decimal_comma(high), 7, anchor="end"),
             _text(left - 3, bottom, decimal_comma(low), 7, anchor="end")]
    if baseline is not None:
        parts.append(f'<line x1="{left}" y1="{py(baseline):.1f}" x2="{width - 4}" '
                     f'y2="{py(baseline):.1f}" stroke="#8a8a8a" stroke-dasharray="3 2"/>')
    if target is not None:
        parts.append(f'<line x1="{left}" y1="{py(target):.1f}" x2="{width - 4}" '
                     f'y2="{py(target):.1f}" stroke="#1e7b34" stroke-width="1.5"/>')
    if values:
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in values)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{BAR}" stroke-width="1.8"/>')
        for i, v in values:
            parts.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="1.8" fill="{BAR}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width:.0f}" '
            f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
            f"<title>{escape(title)}</title>" + "".join(parts) + "</svg>")
