"""Altair charts for the survival report. Each takes a tidy table and returns a chart.

Curves are thinned to a fixed grid of times before charting (altair embeds the data), so the
chart size does not grow with the number of customers.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd


def curve_points(curves: pd.DataFrame, *, segment_column: str, n_points: int = 120,
                 max_segments: int = 10) -> pd.DataFrame:
    """Step curves of one segment column sampled on a common grid (time, segment, survival, bands, at_risk).

    Only the ``max_segments`` largest segments are kept, so that a column with many levels
    still gives a readable chart (every segment stays in the tables).
    """
    sub = curves[curves["segment_column"] == segment_column]
    if sub["segment"].nunique() > max_segments:
        sizes = sub.groupby("segment")["at_risk"].max().sort_values(ascending=False)
        sub = sub[sub["segment"].isin(sizes.index[:max_segments])]
    if sub.empty:
        return pd.DataFrame(columns=["time", "segment", "survival", "ci_lower", "ci_upper", "at_risk"])
    grid = np.unique(np.concatenate([[0.0], np.linspace(0, float(sub["time"].max()), n_points)]))
    rows = []
    for seg, tab in sub.groupby("segment", sort=True):
        tab = tab.sort_values("time")
        t = tab["time"].to_numpy()
        idx = np.searchsorted(t, grid, side="right") - 1
        def at(col, before):
            v = tab[col].to_numpy(dtype=float)
            return np.where(idx >= 0, v[np.clip(idx, 0, None)], before)
        risk_idx = np.searchsorted(t, grid, side="left")
        at_risk = np.where(risk_idx < t.size, tab["at_risk"].to_numpy()[np.clip(risk_idx, 0, t.size - 1)], 0)
        rows.append(pd.DataFrame({"time": grid, "segment": seg, "survival": at("survival", 1.0),
                                  "ci_lower": at("ci_lower", 1.0), "ci_upper": at("ci_upper", 1.0),
                                  "at_risk": at_risk}))
    return pd.concat(rows, ignore_index=True)


def km_chart(points: pd.DataFrame, *, title: str, time_unit: str = "months",
             risk_times: list[float] | None = None) -> alt.VConcatChart:
    """Kaplan-Meier curves with confidence bands, and an at-risk table under the plot."""
    tmax = float(points["time"].max()) if len(points) else 0.0
    x_scale = alt.Scale(domain=[0, tmax], nice=False)
    color = alt.Color("segment:N", title=None, legend=alt.Legend(orient="top"))
    base = alt.Chart(points).encode(x=alt.X("time:Q", title=f"tenure ({time_unit})", scale=x_scale))
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("ci_lower:Q", title="share still a customer", scale=alt.Scale(domain=[0, 1])), y2="ci_upper:Q", color=color)
    line = base.mark_line(interpolate="step-after").encode(y="survival:Q", color=color,
                                                           tooltip=["segment", "time", "survival", "at_risk"])
    top = (band + line).properties(width=520, height=240, title=title)
    if not risk_times:
        step = next((c for c in (1, 2, 3, 6, 12, 24, 52, 100, 365, 730) if tmax / c <= 8), max(1.0, tmax / 8))
        risk_times = [float(x) for x in np.arange(0, tmax * 0.97, step)]
    rows = []
    for seg, tab in points.groupby("segment", sort=True):
        for t in risk_times:
            i = np.searchsorted(tab["time"].to_numpy(), t, side="left")
            n = int(tab["at_risk"].to_numpy()[min(i, len(tab) - 1)]) if i < len(tab) else 0
            rows.append({"segment": seg, "time": t, "at_risk": n})
    table = pd.DataFrame(rows)
    text = alt.Chart(table).mark_text(fontSize=10).encode(
        x=alt.X("time:Q", title="number at risk", scale=x_scale),
        y=alt.Y("segment:N", title=None, axis=alt.Axis(labelPadding=22, ticks=False, domain=False)),
        text="at_risk:Q", color=color,
    ).properties(width=520, height=max(20, 18 * table["segment"].nunique()))
    return alt.vconcat(top, text, spacing=4)


def forest_chart(cox_table: pd.DataFrame, *, title: str = "Hazard ratios (95% CI), log scale") -> alt.LayerChart:
    """Forest plot of hazard ratios with confidence intervals on a log axis; 1 marked."""
    data = cox_table[["covariate", "hr", "ci_lower", "ci_upper", "p"]].copy()
    order = data["covariate"].tolist()
    y = alt.Y("covariate:N", sort=order, title=None)
    x_scale = alt.Scale(type="log")
    rule = alt.Chart(data).mark_rule().encode(x=alt.X("ci_lower:Q", scale=x_scale, title="hazard ratio"), x2="ci_upper:Q", y=y)
    point = alt.Chart(data).mark_point(filled=True, size=50).encode(x=alt.X("hr:Q", scale=x_scale), y=y,
                                                                     tooltip=["covariate", "hr", "ci_lower", "ci_upper", "p"])
    one = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
    return (rule + point + one).properties(width=420, height=max(120, 22 * len(data)), title=title)


def calibration_chart(deciles: pd.DataFrame, *, title: str = "Calibration: predicted vs observed churn") -> alt.LayerChart:
    """Predicted vs Kaplan-Meier observed churn probability per risk decile, one panel colour per horizon."""
    pts = alt.Chart(deciles).mark_line(point=True).encode(
        x=alt.X("predicted:Q", title="predicted churn probability", scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("observed:Q", title="observed (Kaplan-Meier)", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("horizon:O", title="horizon"), tooltip=["horizon", "bin", "n", "predicted", "observed"])
    diag = alt.Chart(pd.DataFrame({"x": [0.0, 1.0], "y": [0.0, 1.0]})).mark_line(strokeDash=[4, 4], color="gray").encode(x="x:Q", y="y:Q")
    return (diag + pts).properties(width=320, height=320, title=title)


def tier_chart(summary: pd.DataFrame, *, title: str = "Active customers per risk tier") -> alt.Chart:
    """Bar chart of customers per tier, coloured by tier."""
    return alt.Chart(summary).mark_bar().encode(
        x=alt.X("customers:Q", title="active customers"), y=alt.Y("tier:N", sort=["urgent", "medium", "low"], title=None),
        color=alt.Color("tier:N", scale=alt.Scale(domain=["urgent", "medium", "low"], range=["#c0392b", "#e67e22", "#7f8c8d"]),
                        legend=None),
        tooltip=["tier", "action", "customers", "arr", "expected_arr_lost"],
    ).properties(width=360, height=90, title=title)
