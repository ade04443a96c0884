"""Charts of the pilot report: forest plot of criteria vs thresholds, KM by arm, trend across cycles.

Each takes a tidy table and returns an ``altair.Chart`` (tested through ``to_dict()``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

VERDICT_COLOURS = alt.Scale(domain=["pass", "fail", "inconclusive", "not_judged"],
                            range=["#1a9850", "#d73027", "#fdae61", "#999999"])


def forest_chart(verdicts: pd.DataFrame) -> alt.FacetChart:
    """One row per criterion: estimate and interval in the metric's units, threshold as a red tick.

    Each row has its own x scale (criteria have different units).
    """
    data = verdicts[["criterion", "kind", "unit", "estimate", "ci_lower", "ci_upper", "threshold", "verdict"]].copy()
    data["label"] = data["criterion"] + " (" + data["kind"] + ")"
    base = alt.Chart().encode(y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=260)))
    interval = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_lower:Q", title=None, scale=alt.Scale(zero=False)), x2="ci_upper:Q",
        color=alt.Color("verdict:N", scale=VERDICT_COLOURS, title="verdict"))
    point = base.mark_point(filled=True, size=70, color="black").encode(
        x="estimate:Q",
        tooltip=["criterion", "unit", alt.Tooltip("estimate:Q", format=".3g"),
                 alt.Tooltip("ci_lower:Q", format=".3g"), alt.Tooltip("ci_upper:Q", format=".3g"),
                 alt.Tooltip("threshold:Q", format=".3g"), "verdict"])
    threshold = base.mark_tick(color="#b2182b", thickness=2, size=22).encode(x="threshold:Q")
    layered = alt.layer(interval, point, threshold).properties(width=420, height=26)
    return (layered.facet(row=alt.Row("label:N", title=None, header=alt.Header(labels=False),
                                      sort=list(data["label"])), data=data,
                          spacing=4)
            .resolve_scale(x="independent", y="independent")
            .properties(title="Criteria against thresholds (bar = interval judged, tick = threshold)"))


def survival_chart(curves: pd.DataFrame) -> alt.LayerChart:
    """Kaplan-Meier retention by arm with pointwise intervals (step curves)."""
    base = alt.Chart(curves).encode(
        x=alt.X("days:Q", title="days since assignment"),
        color=alt.Color("arm:N", scale=alt.Scale(domain=["pilot", "control"], range=["#2166ac", "#b2182b"])))
    band = base.mark_area(opacity=0.15, interpolate="step-after").encode(
        y=alt.Y("ci_lower:Q", title="share of accounts retained", scale=alt.Scale(zero=False)), y2="ci_upper:Q")
    line = base.mark_line(interpolate="step-after").encode(
        y="survival:Q", tooltip=["arm", "days", alt.Tooltip("survival:Q", format=".3f"), "at_risk"])
    return alt.layer(band, line).properties(width=480, height=260,
                                            title="Retention by arm (Kaplan-Meier, 95% pointwise interval)")


def trend_chart(trend: pd.DataFrame) -> alt.FacetChart:
    """Each criterion's estimate and interval across cycles, threshold dashed."""
    base = alt.Chart().encode(x=alt.X("cycle:N", title="cycle", sort=None))
    rule = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_lower:Q", title="estimate", scale=alt.Scale(zero=False)), y2="ci_upper:Q",
        color=alt.Color("verdict:N", scale=VERDICT_COLOURS))
    point = base.mark_point(filled=True, color="black").encode(y="estimate:Q")
    threshold = base.mark_line(strokeDash=[4, 3], color="#b2182b").encode(y="threshold:Q")
    return (alt.layer(rule, point, threshold).properties(width=160, height=120)
            .facet(facet=alt.Facet("criterion:N", title=None), columns=4, data=trend)
            .resolve_scale(y="independent")
            .properties(title="Criteria across cycles"))
