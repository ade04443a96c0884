"""Charts of the business case: tornado, net benefit per vendor with interval, cumulative payback, churn curves.

Each takes a tidy table and returns an ``altair.Chart`` (tested through ``to_dict()``).
"""

from __future__ import annotations

import altair as alt
import pandas as pd


def tornado_chart(table: pd.DataFrame, *, currency: str = "") -> alt.LayerChart:
    """One bar per input from its low to its high setting's net benefit; the rule is the base case."""
    data = table[["input", "low_setting", "high_setting", "net_benefit_low", "net_benefit_high",
                  "base_net_benefit", "swing"]].copy()
    order = list(data["input"])
    unit = f" ({currency})" if currency else ""
    lo = float(min(data["net_benefit_low"].min(), data["net_benefit_high"].min(), data["base_net_benefit"].min()))
    hi = float(max(data["net_benefit_low"].max(), data["net_benefit_high"].max(), data["base_net_benefit"].max()))
    pad = 0.3 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
    bars = alt.Chart(data).mark_bar(height=16, color="#4c78a8").encode(
        y=alt.Y("input:N", sort=order, title=None),
        x=alt.X("net_benefit_low:Q", title=f"net benefit over the horizon{unit}",
                scale=alt.Scale(domain=[lo - pad, hi + pad], nice=False), axis=alt.Axis(format="~s")),
        x2="net_benefit_high:Q",
        tooltip=["input", "low_setting", "high_setting", alt.Tooltip("net_benefit_low:Q", format=",.0f"),
                 alt.Tooltip("net_benefit_high:Q", format=",.0f")])
    low = alt.Chart(data).mark_text(align="right", dx=-4, fontSize=10).encode(
        y=alt.Y("input:N", sort=order), x="net_benefit_low:Q", text="low_setting:N")
    high = alt.Chart(data).mark_text(align="left", dx=4, fontSize=10).encode(
        y=alt.Y("input:N", sort=order), x="net_benefit_high:Q", text="high_setting:N")
    base = alt.Chart(data.head(1)).mark_rule(color="black", strokeDash=[4, 2]).encode(x="base_net_benefit:Q")
    vendor = table["vendor"].iloc[0] if "vendor" in table and len(table) else ""
    return alt.layer(bars, low, high, base).properties(
        width=460, height=max(26 * len(data), 80),
        title=f"Sensitivity of {vendor}'s net benefit (one input at a time; dashed = base case)")


def net_benefit_chart(detail: pd.DataFrame, *, currency: str = "") -> alt.LayerChart:
    """Net benefit per vendor at the estimate (dot) with its Monte Carlo interval (bar); zero marked."""
    data = detail[["vendor", "net_benefit", "net_benefit_ci_lower", "net_benefit_ci_upper", "prob_roi_positive"]]
    unit = f" ({currency})" if currency else ""
    base = alt.Chart(data).encode(y=alt.Y("vendor:N", title=None, sort="-x"))
    bar = base.mark_rule(strokeWidth=3, color="#4c78a8").encode(
        x=alt.X("net_benefit_ci_lower:Q", title=f"net benefit over the horizon{unit}", axis=alt.Axis(format="~s")),
        x2="net_benefit_ci_upper:Q")
    dot = base.mark_point(filled=True, size=70, color="black").encode(
        x="net_benefit:Q", tooltip=["vendor", alt.Tooltip("net_benefit:Q", format=",.0f"),
                                    alt.Tooltip("prob_roi_positive:Q", format=".1%")])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#b2182b").encode(x="x:Q")
    return alt.layer(bar, dot, zero).properties(width=460, height=max(28 * len(data), 80),
                                               title="Net benefit per vendor (dot = estimate, bar = interval, red = 0)")


def payback_chart(cumulative: pd.DataFrame, *, currency: str = "") -> alt.LayerChart:
    """Cumulative net benefit (benefit - cost) per vendor by month; it crosses zero at the payback month."""
    data = cumulative.assign(cumulative_net=cumulative["cumulative_benefit"] - cumulative["cumulative_cost"])
    unit = f" ({currency})" if currency else ""
    lines = alt.Chart(data).mark_line().encode(
        x=alt.X("month:Q", title="months after go-live"),
        y=alt.Y("cumulative_net:Q", title=f"cumulative net benefit{unit}", axis=alt.Axis(format="~s")),
        color=alt.Color("vendor:N", title="vendor"),
        tooltip=["vendor", "month", alt.Tooltip("cumulative_net:Q", format=",.0f")])
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#b2182b").encode(y="y:Q")
    return alt.layer(lines, zero).properties(
        width=460, height=240, title="Cumulative net benefit per vendor (payback where it crosses the red line)")


def churn_curve_chart(curves: pd.DataFrame) -> alt.Chart:
    """Expected active accounts of today's base by month, without and with the tool."""
    return alt.Chart(curves).mark_line().encode(
        x=alt.X("month:Q", title="months after go-live"),
        y=alt.Y("active_accounts:Q", title="expected active accounts", scale=alt.Scale(zero=False)),
        color=alt.Color("scenario:N", title=None),
        tooltip=["scenario", "month", alt.Tooltip("active_accounts:Q", format=",.0f")],
    ).properties(width=460, height=240, title="Expected active accounts of today's base")
