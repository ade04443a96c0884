"""Charts for vendor scoring.

The altair functions (``*_chart``) take a tidy table and return a chart (no rendering here); the
report renders them to SVG. The dashboard's live bar charts are drawn by ``contributions_svg`` and
``acceptability_svg``, which return an SVG string directly (see the note above them: speed).

Charts are shown as static SVG (reports and dashboard), so they carry no interactive tooltips: every
number the reader needs is in a table next to the chart or written on it.
"""

from __future__ import annotations

import html
import math
from typing import Mapping, Sequence

import altair as alt
import pandas as pd


def contributions_chart(contributions: pd.DataFrame, *, title: str = "Weighted contributions per vendor") -> alt.Chart:
    """Stacked horizontal bars: each criterion's weighted, normalized share of the weighted-sum score."""
    order = (contributions.groupby("vendor")["contribution"].sum().sort_values(ascending=False).index.tolist())
    return (alt.Chart(contributions, title=title)
            .mark_bar()
            .encode(y=alt.Y("vendor:N", sort=order, title=None),
                    x=alt.X("sum(contribution):Q", title="weighted-sum score (0-1)"),
                    color=alt.Color("criterion:N", title="criterion"))
            .properties(width=380, height=max(60, 24 * len(order))))


def heatmap_chart(matrix: pd.DataFrame, *, title: str = "Criterion scores (0-4, mean of evaluators)") -> alt.Chart:
    """Vendor x criterion heatmap of the 0-4 criterion scores (cost excluded: it is in money)."""
    long = matrix.reset_index().melt(id_vars=matrix.index.name or "vendor", var_name="criterion", value_name="score")
    long = long.rename(columns={matrix.index.name or "vendor": "vendor"})
    base = alt.Chart(long, title=title).encode(y=alt.Y("vendor:N", title=None), x=alt.X("criterion:N", title=None,
                                                                              axis=alt.Axis(labelAngle=-25)))
    rect = base.mark_rect().encode(color=alt.Color("score:Q", scale=alt.Scale(domain=[0, 4], scheme="blues"),
                                                   title="score"))
    text = base.mark_text(fontSize=11).encode(text=alt.Text("score:Q", format=".1f"),
                                              color=alt.condition("datum.score > 2.5", alt.value("white"),
                                                                  alt.value("black")))
    return (rect + text).properties(width=90 * long["criterion"].nunique(), height=max(60, 26 * long["vendor"].nunique()))


def acceptability_chart(acceptability: pd.DataFrame, *, title: str = "Rank acceptability (SMAA)") -> alt.Chart:
    """Stacked bars per vendor: probability of each rank (rank 1 = probability of being best)."""
    rank_cols = [c for c in acceptability.columns if c.startswith("rank_")]
    long = acceptability.melt(id_vars="vendor", value_vars=rank_cols, var_name="rank", value_name="probability")
    long["rank"] = long["rank"].str.replace("rank_", "", regex=False).astype(int)
    order = acceptability.sort_values("expected_rank")["vendor"].tolist()
    return (alt.Chart(long, title=title)
            .mark_bar()
            .encode(y=alt.Y("vendor:N", sort=order, title=None),
                    x=alt.X("sum(probability):Q", title="share of samples", axis=alt.Axis(format="%")),
                    color=alt.Color("rank:O", scale=alt.Scale(scheme="viridis"), title="rank"),
                    order=alt.Order("rank:O"))
            .properties(width=380, height=max(60, 24 * len(order))))


def stability_chart(stability: pd.DataFrame, *, title: str = "Weight range keeping the leader first") -> alt.Chart:
    """Per criterion, a bar over the weight interval where the leader stays first, and a tick at the current weight."""
    base = alt.Chart(stability, title=title).encode(y=alt.Y("criterion:N", title=None))
    bars = base.mark_bar(opacity=0.5).encode(x=alt.X("stable_from:Q", scale=alt.Scale(domain=[0, 1]),
                                                      title="criterion weight"), x2="stable_to:Q")
    ticks = base.mark_tick(thickness=3, size=18, color="black").encode(x="weight:Q")
    return (bars + ticks).properties(width=380, height=max(60, 24 * len(stability)))


# -----------------------------------------------------------------------------------------------
# Hand-built SVG for the dashboard's live charts.
#
# vl-convert measures every text item (axis labels, legend labels, titles) by laying it out as an
# SVG of its own: about 1-3 ms a label, growing with its length. The two stacked-bar charts carry
# 50-70 labels for 16 vendors, so each costs 160-240 ms to draw, while their bars alone draw in
# about 5 ms. The dashboard redraws them on every slider change, so it draws them here: plain SVG
# strings built in Python (a few ms), the browser lays the text out. The static report keeps the
# altair charts above.

# vega's "tableau10", the default categorical scheme of the altair charts
CATEGORY_COLORS = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b",
                   "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac")
# viridis at 9 evenly spaced stops (0, 1/8, ..., 1); colours in between are interpolated
_VIRIDIS = ("#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725")

FONT_SIZE = 11
_ROW = 20          # px per bar row
_PLOT_WIDTH = 380  # px, as the altair charts
_GUTTER_MAX = 240  # px for the vendor labels at most; longer names are shortened (full name on hover)


def viridis(n: int) -> list[str]:
    """``n`` colours evenly spaced along viridis, dark purple (first) to yellow (last)."""
    if n <= 0:
        return []
    stops = [tuple(int(h[i:i + 2], 16) for i in (1, 3, 5)) for h in _VIRIDIS]
    out = []
    for k in range(n):
        t = k / (n - 1) if n > 1 else 0.0
        pos = t * (len(stops) - 1)
        i = min(int(pos), len(stops) - 2)
        f = pos - i
        rgb = (round(a + (b - a) * f) for a, b in zip(stops[i], stops[i + 1]))
        out.append("#" + "".join(f"{c:02x}" for c in rgb))
    return out


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Rough width in px of ``text`` in a sans-serif font (for layout only; the browser draws the text)."""
    narrow, wide = set("iljtfI.,:;|!'()[] "), set("mwMW@%")
    units = sum(0.3 if ch in narrow else 0.85 if ch in wide else 0.68 if ch.isupper() else 0.56 for ch in text)
    return units * size


def _shorten(text: str, width: float, size: float = FONT_SIZE) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _nice_ticks(top: float, count: int = 5) -> list[float]:
    """Ticks from 0 to at least ``top`` at a 1, 2 or 5 x 10^k step (about ``count`` of them)."""
    if not math.isfinite(top) or top <= 0:
        top = 1.0
    raw = top / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw - 1e-12)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 12) for i in range(n + 1)]


def stacked_bars_svg(values: pd.DataFrame, colors: Sequence[str], *, title: str, x_title: str,
                     legend_title: str, series_labels: Mapping[str, str] | None = None, percent: bool = False,
                     x_max: float | None = None, value_format: str = ".3f", totals: bool = False) -> str:
    """Horizontal stacked bars as an SVG string: one bar per row of ``values`` (top to bottom, labelled
    by the index), one segment per column (left to right, coloured by ``colors`` and named in a legend).

    Missing, zero or negative values draw no segment. Every segment carries a hover title with its row,
    series and value; with ``totals`` the row total is written after the bar. All text is escaped.
    """
    series = [str(c) for c in values.columns]
    labels = {s: str((series_labels or {}).get(s, s)) for s in series}
    rows = [str(r) for r in values.index]
    data = values.to_numpy(dtype=float)
    fmt = (lambda v: f"{v:.1%}") if percent else (lambda v: format(v, value_format))
    row_sums = [sum(v for v in row if v > 0) for row in data] if len(rows) else []
    ticks = _nice_ticks(x_max if x_max is not None else max(row_sums, default=1.0))
    x_top = ticks[-1]
    tick_fmt = (lambda v: f"{v:.0%}") if percent else (
        lambda v: f"{v:.{max(0, -math.floor(math.log10(ticks[1] - ticks[0])))}f}" if len(ticks) > 1 else f"{v:g}")

    pad, title_h = 5, 24
    gutter = min(_GUTTER_MAX, max((text_width(r) for r in rows), default=0.0)) + 8
    left = pad + gutter
    top = pad + title_h
    plot_h = max(60, _ROW * len(rows))
    band = plot_h / max(1, len(rows))
    bar_h = band * 0.8
    total_room = 44 if totals else 12
    legend_x = left + _PLOT_WIDTH + total_room + 8
    legend_w = max([text_width(legend_title, FONT_SIZE) + 4] + [16 + text_width(labels[s]) for s in series])
    width = math.ceil(legend_x + legend_w + pad)
    legend_h = 18 + 16 * len(series)
    height = math.ceil(top + max(plot_h + 44, legend_h) + pad)

    def x(v: float) -> float:
        return left + _PLOT_WIDTH * v / x_top

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="wb-chart" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}" '
           f'font-family="sans-serif" font-size="{FONT_SIZE}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="{pad + 14}" font-size="13" font-weight="bold">{_esc(title)}</text>']
    # grid, x axis, tick labels, axis title
    out.append('<g class="wb-x-axis" stroke="#ddd">')
    out += [f'<line x1="{x(t):.1f}" y1="{top}" x2="{x(t):.1f}" y2="{top + plot_h}"/>' for t in ticks]
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + _PLOT_WIDTH}" y2="{top + plot_h}" stroke="#888"/>')
    out.append('</g><g text-anchor="middle" fill="#333">')
    out += [f'<text x="{x(t):.1f}" y="{top + plot_h + 15}">{_esc(tick_fmt(t))}</text>' for t in ticks]
    out.append(f'<text x="{left + _PLOT_WIDTH / 2:.1f}" y="{top + plot_h + 34}" font-weight="bold">'
               f'{_esc(x_title)}</text></g>')
    # bars
    out.append('<g class="wb-bars">')
    for i, (row, vals) in enumerate(zip(rows, data)):
        y = top + i * band + (band - bar_h) / 2
        cum = 0.0
        for j, v in enumerate(vals):
            if not (v > 0):
                continue
            out.append(f'<rect x="{x(cum):.2f}" y="{y:.2f}" width="{x(cum + v) - x(cum):.2f}" height="{bar_h:.2f}" '
                       f'fill="{colors[j % len(colors)]}"><title>{_esc(row)} · {_esc(labels[series[j]])}: '
                       f'{_esc(fmt(v))}</title></rect>')
            cum += v
        if totals:
            out.append(f'<text x="{x(cum) + 4:.2f}" y="{y + bar_h / 2:.2f}" dy="0.35em" fill="#333">'
                       f'{_esc(fmt(cum))}</text>')
    out.append('</g><g class="wb-y-axis" text-anchor="end">')
    for i, row in enumerate(rows):
        y = top + (i + 0.5) * band
        out.append(f'<text x="{left - 6}" y="{y:.2f}" dy="0.35em"><title>{_esc(row)}</title>'
                   f'{_esc(_shorten(row, _GUTTER_MAX))}</text>')
    out.append('</g><g class="wb-legend">')
    out.append(f'<text x="{legend_x}" y="{top + 10}" font-weight="bold">{_esc(legend_title)}</text>')
    for j, s in enumerate(series):
        y = top + 18 + 16 * j
        out.append(f'<rect x="{legend_x}" y="{y}" width="10" height="10" fill="{colors[j % len(colors)]}"/>'
                   f'<text x="{legend_x + 16}" y="{y + 5}" dy="0.35em">{_esc(labels[s])}</text>')
    out.append("</g></svg>")
    return "".join(out)


def contributions_svg(contributions: pd.DataFrame, *, labels: Mapping[str, str] | None = None,
                      title: str = "Weighted contributions per vendor") -> str:
    """SVG of :func:`contributions_chart` from the wide table (vendors as index, criteria as columns).

    Vendors are sorted by their weighted-sum score (highest first), criteria keep their column order;
    the score is written after each bar.
    """
    wide = contributions.astype(float)
    order = wide.clip(lower=0).sum(axis=1).sort_values(ascending=False, kind="stable").index
    return stacked_bars_svg(wide.loc[order], CATEGORY_COLORS, title=title, x_title="weighted-sum score (0-1)",
                            legend_title="criterion", series_labels=labels, totals=True)


def acceptability_svg(acceptability: pd.DataFrame, *, title: str = "Rank acceptability (SMAA)") -> str:
    """SVG of :func:`acceptability_chart`: per vendor (best expected rank first), the share of samples
    at each rank, rank 1 leftmost. Takes the ``smaa`` table, vendors as index or in a ``vendor`` column."""
    table = acceptability.set_index("vendor") if "vendor" in acceptability.columns else acceptability
    rank_cols = sorted((c for c in table.columns if str(c).startswith("rank_")), key=lambda c: int(str(c)[5:]))
    if "expected_rank" in table.columns:
        table = table.sort_values("expected_rank", kind="stable")
    shares = table[rank_cols].rename(columns=lambda c: str(c)[5:])
    return stacked_bars_svg(shares, viridis(len(rank_cols)), title=title, x_title="share of samples",
                            legend_title="rank", percent=True, x_max=1.0)
