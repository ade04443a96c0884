"""Altair charts for vendor scoring. Each takes a tidy table and returns a chart (no rendering here).

Charts are shown as static SVG (reports and dashboard), so they carry no tooltips: every number
the reader needs is in a table next to the chart or written on it.
"""

from __future__ import annotations

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
