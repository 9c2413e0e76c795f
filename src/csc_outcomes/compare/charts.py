"""Charts as plain SVG text: no library, no script, no font or file fetched, so a page that holds
them opens on a locked-down laptop and can be sent by email. PNG for slides is rendered from
the same SVG (resvg), never drawn twice.

Two charts per indicator and breakdown: the trend (the authority, its statistical neighbours'
mean and median, its region, England) and the distribution (every authority's latest published
value, in order, with the authority and its neighbours picked out).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

FONT = "Arial, Helvetica, 'Liberation Sans', 'DejaVu Sans', sans-serif"
# GOV.UK colours, told apart by line style and marker too (not by colour alone)
SERIES = (
    ("la_value", "authority", "#1d70b8", "", 3.0, "circle"),
    ("sn_mean", "neighbours (mean)", "#f47738", "6 4", 2.0, "square"),
    ("sn_median", "neighbours (median)", "#d4351c", "2 3", 2.0, "diamond"),
    ("region_value", "region", "#4c2c92", "8 3 2 3", 2.0, "triangle"),
    ("england_value", "England", "#0b0c0c", "", 1.5, "cross"),
)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high == low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def _fmt(value: float, dp: int) -> str:
    return f"{value:,.{max(dp, 0)}f}"


def _marker(shape: str, x: float, y: float, colour: str, hollow: bool = False) -> str:
    fill = "#ffffff" if hollow else colour
    common = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {common}/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}L{x - 5:.1f} {y:.1f}Z" {common}/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" {common}/>'
    if shape == "cross":
        return (f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x + 4:.1f} {y - 4:.1f}L{x - 4:.1f} '
                f'{y + 4:.1f}" stroke="{colour}" stroke-width="2"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {common}/>'


def trend_svg(title: str, subtitle: str, records: list[dict[str, Any]], dp: int, width: int = 720,
              height: int = 360) -> str:
    """Records of one indicator and breakdown, all periods (published and the authority's own)."""
    periods = sorted({r["time_period"] for r in records})
    published = {r["time_period"]: r for r in records if r["published"]}
    own = {r["time_period"]: r for r in records if not r["published"]}
    values = [r[key] for r in records for key, *_ in SERIES if r.get(key) is not None]
    # the legend first: it wraps onto as many rows as the width needs, and the plot starts below it
    items = [(key, label, colour, dash, stroke, shape) for key, label, colour, dash, stroke, shape in SERIES
             if any(r.get(key) is not None for r in records)]
    if own:
        items.append(("own", "not yet published", SERIES[0][2], "", 0, "hollow"))
    legend, x, row = [], 64, 0
    for item in items:
        w = 40 + 7.2 * len(item[1])
        if x + w > width - 20 and x > 64:
            x, row = 64, row + 1
        legend.append((x, 60 + 22 * row, item))
        x += w
    left, right, top, bottom = 64, 20, 86 + 22 * row, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    ticks = _nice_ticks(min(values + [0.0]) if values else 0.0, max(values) if values else 1.0)
    low, high = ticks[0], ticks[-1]

    def x_of(period: str) -> float:
        i = periods.index(period)
        return left + (plot_w * (i + 0.5) / max(len(periods), 1))

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low or 1) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-labelledby="t d" font-family="{FONT}" font-size="13">',
           f'<title id="t">{escape(title)}</title>',
           f'<desc id="d">{escape(subtitle)}: the authority against its statistical neighbours, region and England, '
           f'{escape(periods[0] if periods else "")} to {escape(periods[-1] if periods else "")}.</desc>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="22" font-size="16" font-weight="bold" fill="#0b0c0c">{escape(title[:90])}</text>',
           f'<text x="{left}" y="40" fill="#505a5f">{escape(subtitle[:110])}</text>']
    for lx, ly, (key, label, colour, dash, stroke, shape) in legend:
        if shape == "hollow":
            out.append(_marker("circle", lx + 12, ly, colour, hollow=True))
        else:
            out.append(f'<line x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" stroke="{colour}" stroke-width="{stroke}"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            out.append(_marker(shape, lx + 12, ly, colour))
        out.append(f'<text x="{lx + 30}" y="{ly + 4}" fill="#0b0c0c">{escape(label)}</text>')
    for tick in ticks:
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#505a5f">{_fmt(tick, dp if abs(high - low) < 10 else 0)}</text>')
    step = max(1, math.ceil(len(periods) / 12))
    for i, period in enumerate(periods):
        if i % step == 0 or i == len(periods) - 1:
            out.append(f'<text x="{x_of(period):.1f}" y="{height - bottom + 20}" text-anchor="middle" '
                       f'fill="#505a5f">{escape(period)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#505a5f"/>')
    for key, label, colour, dash, stroke, shape in reversed(SERIES):
        points = [(p, published[p][key]) for p in periods if p in published and published[p].get(key) is not None]
        if len(points) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{x_of(p):.1f} {y_of(v):.1f}" for i, (p, v) in enumerate(points))
            out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke}"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        for p, v in points:
            out.append(_marker(shape, x_of(p), y_of(v), colour))
    for p, r in own.items():
        if r.get("la_value") is not None:
            out.append(_marker("circle", x_of(p), y_of(r["la_value"]), SERIES[0][2], hollow=True))
    out.append("</svg>")
    return "\n".join(out)


def distribution_svg(title: str, subtitle: str, points: list[dict[str, Any]], dp: int, england: float | None = None,
                     width: int = 720, height: int = 300) -> str:
    """Every authority's value, lowest to highest: the authority and its neighbours picked out."""
    left, right, top, bottom = 64, 20, 76, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p["value"] for p in points]
    ticks = _nice_ticks(min(values + [0.0]) if values else 0.0, max(values) if values else 1.0)
    low, high = ticks[0], ticks[-1]
    n = max(len(points), 1)
    bar = plot_w / n

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) / (high - low or 1) * plot_h

    colours = {"authority": "#1d70b8", "neighbour": "#f47738", "other": "#b1b4b6"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-labelledby="t d" font-family="{FONT}" font-size="13">',
           f'<title id="t">{escape(title)}</title>',
           f'<desc id="d">{escape(subtitle)}: {len(points)} authorities from lowest to highest; the authority '
           f'and its statistical neighbours are highlighted.</desc>',
           f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
           f'<text x="{left}" y="22" font-size="16" font-weight="bold" fill="#0b0c0c">{escape(title[:90])}</text>',
           f'<text x="{left}" y="40" fill="#505a5f">{escape(subtitle[:110])}</text>']
    roles = {p["role"] for p in points}
    legend = [(role, label) for role, label in (("authority", "the authority"), ("neighbour", "statistical neighbours"),
                                                ("other", "other authorities")) if role in roles]
    x = left
    for role, label in legend:
        out.append(f'<rect x="{x}" y="52" width="12" height="12" fill="{colours[role]}"/>')
        out.append(f'<text x="{x + 18}" y="63" fill="#0b0c0c">{label}</text>')
        x += 30 + 7.2 * len(label)
    if england is not None:
        out.append(f'<line x1="{x}" y1="58" x2="{x + 24}" y2="58" stroke="#0b0c0c" stroke-dasharray="4 3"/>')
        out.append(f'<text x="{x + 30}" y="63" fill="#0b0c0c">England</text>')
    for tick in ticks:
        y = y_of(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eeeeee"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#505a5f">{_fmt(tick, dp if abs(high - low) < 10 else 0)}</text>')
    base = y_of(max(low, 0.0) if low <= 0 <= high else low)
    labelled = None
    for i, p in enumerate(sorted(points, key=lambda q: q["value"])):
        x0 = left + i * bar
        y = y_of(p["value"])
        colour = colours[p["role"]]
        out.append(f'<rect x="{x0 + bar * 0.1:.2f}" y="{min(y, base):.1f}" width="{max(bar * 0.8, 0.8):.2f}" '
                   f'height="{abs(base - y):.1f}" fill="{colour}"><title>{escape(str(p["name"]))}: '
                   f'{_fmt(p["value"], dp)}</title></rect>')
        if p["role"] == "authority":
            labelled = (x0 + bar / 2, y, p)
    if england is not None:
        y = y_of(england)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#0b0c0c" '
                   f'stroke-dasharray="4 3"/>')
    if labelled:
        x0, y, p = labelled
        anchor = "end" if x0 > width * 0.7 else "start"
        out.append(f'<text x="{x0 + (-6 if anchor == "end" else 6):.1f}" y="{max(y - 6, top + 12):.1f}" '
                   f'text-anchor="{anchor}" font-weight="bold" fill="#1d70b8">{escape(str(p["name"]))} '
                   f'{_fmt(p["value"], dp)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#505a5f"/>')
    out.append(f'<text x="{left}" y="{height - 12}" fill="#505a5f">lowest</text>')
    out.append(f'<text x="{width - right}" y="{height - 12}" text-anchor="end" fill="#505a5f">highest</text>')
    out.append("</svg>")
    return "\n".join(out)


def to_png(svg: str) -> bytes:
    """The same chart as PNG (for slides), at twice the size for a sharp projection."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=2.0, background="#ffffff"))
