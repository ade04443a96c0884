"""What the business-case report says in words: executive summary, effect banner, assumptions, headline figures.

Every number in these texts comes from the computed tables passed in (no disk access).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .effect import Effect
from .model import TOTAL, BusinessCase, Scenario, extrapolated_arr_share


def money(value: float, currency: str = "") -> str:
    """``EUR 12.3M``, ``EUR 450k``, ``EUR 950``; ``n/a`` for NaN."""
    if value is None or not np.isfinite(value):
        return "n/a"
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    text = f"{v / 1e9:.2f}B" if v >= 1e9 else f"{v / 1e6:.1f}M" if v >= 1e6 else f"{v / 1e3:.0f}k" if v >= 1e4 else f"{v:,.0f}"
    return f"{sign}{currency + ' ' if currency else ''}{text}"


def _month(value: float) -> str:
    return "not within the horizon" if not np.isfinite(value) else f"month {int(value)}"


def _hr(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not reachable (no hazard ratio pays back the cost)"
    if math.isinf(value):
        return "any hazard ratio (the hours saved alone cover the cost)"
    return f"{value:.3f}"


def effect_banner(effect: Effect) -> str:
    """A prominent statement of where the effect comes from (assumed / inconclusive / measured)."""
    if effect.assumed:
        return ("> **ASSUMED EFFECT.** No pilot measurement is used: the hazard ratio "
                f"{effect.hazard_ratio:.2f} and its range {effect.ci_lower:.2f} to {effect.ci_upper:.2f} are "
                "assumptions set in the parameters (`assumed_hazard_ratio`, `assumed_hr_range`). Every figure below "
                "inherits this assumption; replace it with a pilot's measurement before committing budget.")
    if not effect.conclusive:
        return ("> **INCONCLUSIVE PILOT.** The pilot's hazard ratio "
                f"{effect.hazard_ratio:.2f} has a wide interval ({effect.level:.0%}: {effect.ci_lower:.2f} to "
                f"{effect.ci_upper:.2f}). The whole interval is carried through every figure below; read the "
                "intervals and P(ROI > 0), not the point figures.")
    return (f"> Effect on retention: {effect.describe()} ({effect.label}). The same effect is assumed for "
            "every vendor's tool.")


def rollout_sentence(scenario: Scenario) -> str:
    parts = []
    for r in scenario.rollout.sort_values("start_month").itertuples():
        when = "from go-live" if r.start_month == 0 else f"from month {int(r.start_month)}"
        parts.append(f"{r.share:.0%} of accounts {when} ({r.phase})")
    return "; ".join(parts)


def knocked_out_vendors(costs: pd.DataFrame) -> list[str]:
    """Vendors the cost table marks as having failed a must-have in the vendor scoring."""
    if "knocked_out" not in costs:
        return []
    flags = costs["knocked_out"].map(lambda v: str(v).strip().lower() in ("true", "1", "yes"))
    return costs.loc[flags, "vendor"].astype(str).tolist()


def executive_summary(case: BusinessCase, expected: pd.DataFrame, scenario: Scenario, *,
                      tornado: pd.DataFrame | None = None, currency: str = "",
                      knocked_out: list[str] | tuple[str, ...] = ()) -> str:
    """One paragraph for the top of the report, built only from the computed tables.

    ``knocked_out`` names vendors that failed a must-have in the vendor scoring: their figures are
    computed like the others' but the summary says they are not candidates.
    """
    e = case.effect
    total = expected[expected["segment"] == TOTAL].iloc[0]
    prev = case.prevented[case.prevented["segment"] == TOTAL].iloc[0]
    level = f"{prev['interval_level']:.0%}"
    d = case.detail
    n = len(d)
    sure = int((d["prob_roi_positive"] >= 0.9).sum())
    be = d["break_even_hr"].replace([np.inf], np.nan)
    dearest = d.loc[d["cost_over_horizon"].idxmax()]
    cheapest = d.loc[d["cost_over_horizon"].idxmin()]
    source = ("an **assumed** hazard ratio (no pilot measurement)" if e.assumed else
              "the pilot's hazard ratio, **inconclusive** and carried as its whole interval" if not e.conclusive else
              "the hazard ratio measured in the pilot")
    text = (
        f"Over the next {case.horizon_months} months, with the tool rolled out to {rollout_sentence(scenario)}, "
        f"{total['churned_accounts_without']:,.0f} of today's {total['accounts']:,.0f} active accounts "
        f"({money(total['churned_arr_without'], currency)} ARR) are expected to churn without the tool and "
        f"{total['churned_accounts_with']:,.0f} ({money(total['churned_arr_with'], currency)}) with it: "
        f"**{prev['prevented_accounts']:,.0f} accounts and {money(prev['prevented_arr'], currency)} ARR of churn "
        f"prevented** ({level} interval {prev['prevented_accounts_ci_lower']:,.0f} to "
        f"{prev['prevented_accounts_ci_upper']:,.0f} accounts, {money(prev['prevented_arr_ci_lower'], currency)} to "
        f"{money(prev['prevented_arr_ci_upper'], currency)}), using {source}: {e.hazard_ratio:.2f} "
        f"({e.level:.0%} interval {e.ci_lower:.2f} to {e.ci_upper:.2f}). "
        f"At gross margin {scenario.gross_margin:.0%}, the {n} vendors' costs over the horizon "
        f"({money(cheapest['cost_over_horizon'], currency)} for {cheapest['vendor']} to "
        f"{money(dearest['cost_over_horizon'], currency)} for {dearest['vendor']}) give net benefits from "
        f"{money(d['net_benefit'].min(), currency)} to {money(d['net_benefit'].max(), currency)} and ROI from "
        f"{d['roi'].min():.1f}x to {d['roi'].max():.1f}x; {sure} of {n} vendors pay back with probability of at "
        f"least 90% (P(ROI > 0) from {d['prob_roi_positive'].min():.0%} to {d['prob_roi_positive'].max():.0%}). "
        f"The most expensive, {dearest['vendor']}, pays back in {_month(dearest['payback_month'])} at the estimate "
        f"and needs a hazard ratio below {_hr(dearest['break_even_hr'])} to break even"
        + (f" (lowest break-even among the vendors: {be.min():.3f})" if be.notna().any() else "") + ". "
    )
    if tornado is not None and len(tornado):
        top = tornado.iloc[0]
        text += (f"The figure most sensitive to its inputs is {top['vendor']}'s net benefit to the "
                 f"{top['input']} ({money(top['net_benefit_low'], currency)} at {top['low_setting']} to "
                 f"{money(top['net_benefit_high'], currency)} at {top['high_setting']}). ")
    text += ("The benefit is the same for every vendor because one effect is applied to all tools: vendors differ "
             "here only by cost, so choose among them with the vendor scoring and use this case to size the "
             "budget and the risk.")
    if knocked_out:
        names = ", ".join(knocked_out)
        text += (f" {names} failed a must-have in the vendor scoring: "
                 f"{'its figures are' if len(knocked_out) == 1 else 'their figures are'} shown for completeness, "
                 "not as a candidate.")
    return text


def assumptions_table(scenario: Scenario, effect: Effect, *, simulations: int, seed, currency: str = "") -> pd.DataFrame:
    """Every assumption the figures rest on, in words (shown in the report and saved)."""
    rows = [
        ("effect on retention", effect.describe(), "ASSUMED" if effect.assumed else "measured"),
        ("effect model", "proportional hazards: covered accounts keep S(t) ** HR; the same HR for every segment "
                         "and every vendor", "model"),
        ("uncertainty", f"log HR ~ Normal from the {effect.level:.0%} interval (se {effect.log_se:.3f}); "
                        f"{simulations:,} seeded draws (seed {seed})", "method"),
        (("baseline", "each active account's survival conditional on the tenure it has reached, "
                      "S(tenure + t) / S(tenure), from its segment's Kaplan-Meier baseline (cumulative hazard "
                      "interpolated linearly between the baseline's horizons)", "model")
         if "tenure_months" in scenario.portfolio else
         ("baseline", "the survival baseline (Kaplan-Meier from the start of the subscription, per segment) applied "
                      "to today's active accounts; cumulative hazard interpolated linearly between horizons",
          "approximation: mature accounts churn less than new ones, so this tends to overstate both churn and "
          "prevented churn")),
        ("baseline uncertainty", "the survival baseline is taken as known: only the effect's uncertainty is "
                                 "propagated (the baseline's intervals are usually far narrower than the effect's)", "method"),
        ("horizon", f"{scenario.horizon_months} months after go-live", "parameter"),
        ("roll-out", rollout_sentence(scenario), "parameter"),
        ("gross margin", f"{scenario.gross_margin:.0%} of retained revenue counts as benefit", "parameter"),
        ("revenue", "a retained account keeps paying its current ARR / 12 per month; no expansion or price change",
         "approximation"),
        ("CS hours saved", f"{scenario.cs_hours_saved_per_month:g} hours per month at full coverage x "
                           f"{money(scenario.cs_hourly_cost, currency) if scenario.cs_hourly_cost else 0} per hour, "
                           "scaled by the share covered", "parameter"),
        ("costs", "the full vendor quote from month 1 (implementation in month 1, licence and internal effort "
                  "monthly), whatever the roll-out share", "conservative"),
        ("currency", f"ARR and costs are taken to be in the same currency ({currency or 'unstated'})", "check"),
    ]
    share = extrapolated_arr_share(scenario)
    if share > 0:
        last = scenario.survival.loc[~scenario.survival["extrapolated"], "month"].max()
        rows.append(("extrapolation", f"beyond month {int(last)} of tenure the baseline's last interval's hazard is "
                                      f"carried forward (constant); {share:.0%} of the base's ARR relies on it",
                     "approximation"))
    return pd.DataFrame(rows, columns=["item", "assumption", "kind"])


def headline(case: BusinessCase, expected: pd.DataFrame, *, currency: str = "") -> dict:
    """Small JSON-able figures for ``summary.json`` (the runner shows them on the cycle index)."""
    e = case.effect
    prev = case.prevented[case.prevented["segment"] == TOTAL].iloc[0]
    total = expected[expected["segment"] == TOTAL].iloc[0]
    d = case.detail

    def num(v, digits=4):
        return None if v is None or not np.isfinite(v) else round(float(v), digits)

    return {
        "title": (f"Business case: {prev['prevented_accounts']:,.0f} accounts / {money(prev['prevented_arr'], currency)} "
                  f"ARR of churn prevented over {case.horizon_months} months"
                  + (" (ASSUMED effect)" if e.assumed else "")),
        "effect_source": e.source,
        "effect_conclusive": bool(e.conclusive),
        "hazard_ratio": num(e.hazard_ratio), "hazard_ratio_ci_lower": num(e.ci_lower),
        "hazard_ratio_ci_upper": num(e.ci_upper),
        "horizon_months": case.horizon_months,
        "churned_accounts_without": num(total["churned_accounts_without"], 1),
        "churned_accounts_with": num(total["churned_accounts_with"], 1),
        "prevented_accounts": num(prev["prevented_accounts"], 1),
        "prevented_arr": num(prev["prevented_arr"], 0),
        "prevented_arr_ci_lower": num(prev["prevented_arr_ci_lower"], 0),
        "prevented_arr_ci_upper": num(prev["prevented_arr_ci_upper"], 0),
        "vendors": int(len(d)),
        "min_prob_roi_positive": num(d["prob_roi_positive"].min()),
        "max_break_even_hr": num(d["break_even_hr"].replace([np.inf], np.nan).max()),
        "min_break_even_hr": num(d["break_even_hr"].replace([np.inf], np.nan).min()),
        "currency": currency,
        "simulations": case.simulations, "seed": case.seed,
    }


def readable(table: pd.DataFrame):
    """A display copy of a result table: amounts with thousands separators, shares as %, ratios to 3 decimals.

    Returns a pandas ``Styler`` (the saved CSVs keep full precision).
    """
    formats = {}
    for col in table.columns:
        if not pd.api.types.is_numeric_dtype(table[col]) or pd.api.types.is_bool_dtype(table[col]):
            continue
        name = str(col)
        if name.startswith("prob_") or name in ("interval_level", "coverage", "hr_margin"):
            formats[col] = "{:.1%}" if name != "hr_margin" else "{:.3f}"
        elif "hazard_ratio" in name or name.endswith("_hr") or name.startswith("survival") or name in (
                "ci_lower", "ci_upper", "log_se"):
            formats[col] = "{:.3f}"
        elif name.startswith("roi"):
            formats[col] = "{:.1f}"
        elif "accounts" in name or name in ("payback_month", "median_tenure_months", "horizon_months"):
            formats[col] = "{:,.0f}" if name in ("payback_month", "horizon_months") else "{:,.1f}"
        else:
            formats[col] = "{:,.0f}"
    return table.style.format(formats, na_rep="n/a").hide(axis="index")


def bullets(table: pd.DataFrame, *, head: str, body: str, tag: str | None = None) -> str:
    """A Markdown list from two (or three) text columns, for tables whose text would be cut off."""
    lines = []
    for r in table.itertuples(index=False):
        row = r._asdict()
        suffix = f" _({row[tag]})_" if tag else ""
        lines.append(f"- **{row[head]}**{suffix}: {row[body]}")
    return "\n".join(lines)
