"""Small presentation tables and sentences for the vendor-scoring report (vendor text escaped for Markdown)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from .loading import Evaluations
from .methods import AhpResult
from .models import Rubric
from .scoring import VendorScoring


def _e(text: object) -> str:
    # Markdown passes raw HTML through: escape vendor-supplied text, and Markdown emphasis characters
    return html.escape(str(text)).replace("*", r"\*").replace("_", r"\_").replace("`", r"\`")


def input_overview(evaluations: Evaluations) -> pd.DataFrame:
    """One row per vendor: file, number of evaluators, ratings given, ratings capped, items not assessed."""
    r = evaluations.ratings
    rows = []
    for name in evaluations.vendor_names:
        part = r[r["vendor"] == name]
        rows.append({"vendor": name, "file": evaluations.files[name], "evaluators": part["evaluator"].nunique(),
                     "ratings": int(part["rating_given"].notna().sum()), "capped": int(part["capped"].sum()),
                     "not_assessed": int(part["rating_given"].isna().sum())})
    return pd.DataFrame(rows)


def notes_markdown(evaluations: Evaluations) -> str:
    notes = evaluations.notes
    if notes.empty:
        return "**Notes:** every rating of 3 or more has evidence; every item was assessed by at least one evaluator."
    lines = ["**Notes the reader must see:**", ""]
    for n in notes.itertuples():
        lines.append(f"- {_e(n.vendor)} / {_e(n.evaluator)} / {_e(n.item)}: {_e(n.note)}")
    return "\n".join(lines)


def weights_table(weights: pd.Series, rubric: Rubric) -> pd.DataFrame:
    names = rubric.names()
    return pd.DataFrame({"criterion": weights.index, "name": [names.get(c, c) for c in weights.index],
                         "weight": weights.to_numpy(),
                         "direction": ["lower is better" if c == rubric.cost.id else "higher is better"
                                       for c in weights.index]})


def ahp_table(ahp: AhpResult) -> pd.DataFrame:
    out = ahp.summary.copy()
    out["lambda_max"] = ahp.lambda_max
    out["consistency_ratio"] = ahp.consistency_ratio
    return out


def robustness_markdown(scoring: VendorScoring, acceptability: pd.DataFrame, stability: pd.DataFrame, *,
                        concentration: float, n_samples: int, rating_uncertainty: bool) -> str:
    """Headline sentence: probability of being best, and the closest weight switch point."""
    best = acceptability.sort_values("rank_1", ascending=False)
    leader = scoring.leader
    p_leader = float(acceptability.set_index("vendor").loc[leader, "rank_1"])
    runner = best[best["vendor"] != leader].head(1)
    parts = [f"**Probability of being best:** {_e(leader)} {p_leader:.0%}"]
    if len(runner):
        parts[0] += f", {_e(runner['vendor'].iloc[0])} {float(runner['rank_1'].iloc[0]):.0%}"
    parts[0] += (f" ({n_samples:,} draws; weights ~ Dirichlet(concentration {concentration:g} x chosen weights)"
                 + ("; criterion scores drawn between the lowest and highest evaluator" if rating_uncertainty else "")
                 + ").")
    switches = []
    for row in stability.itertuples():
        if row.leader_when_above is not None and isinstance(row.leader_when_above, str):
            switches.append((abs(row.stable_to - row.weight), f"{_e(row.criterion)} above {row.stable_to:.2f} "
                             f"(now {row.weight:.2f}) makes {_e(row.leader_when_above)} the leader"))
        if row.leader_when_below is not None and isinstance(row.leader_when_below, str):
            switches.append((abs(row.weight - row.stable_from), f"{_e(row.criterion)} below {row.stable_from:.2f} "
                             f"(now {row.weight:.2f}) makes {_e(row.leader_when_below)} the leader"))
    if switches:
        switches.sort()
        parts.append("**Closest switch points:** " + "; ".join(s for _, s in switches[:3]) + ".")
    else:
        parts.append(f"**Weight stability:** {_e(leader)} stays first whatever single weight is changed.")
    return "\n\n".join(parts)


def headline(scoring: VendorScoring, acceptability: pd.DataFrame, agreement: pd.DataFrame) -> dict:
    """Small JSON-able figures for summary.json."""
    acc = acceptability.set_index("vendor")
    overall = agreement.loc[agreement["criterion"] == "all criteria", "alpha"]
    per = agreement[agreement["criterion"] != "all criteria"]
    lowest = per.sort_values("alpha").iloc[0] if len(per) else None
    return {
        "leader_weighted_sum": scoring.method_agreement["weighted_sum_leader"],
        "leader_topsis": scoring.method_agreement["topsis_leader"],
        "methods_agree_on_leader": scoring.method_agreement["same_leader"],
        "p_best_leader": float(acc.loc[scoring.leader, "rank_1"]),
        "p_best": {str(v): round(float(p), 4) for v, p in acc["rank_1"].items()},
        "vendors_knocked_out": [str(v) for v in scoring.scores.loc[scoring.scores["knocked_out"], "vendor"]],
        "krippendorff_alpha_overall": float(overall.iloc[0]) if len(overall) and np.isfinite(overall.iloc[0]) else None,
        "lowest_agreement_criterion": None if lowest is None else str(lowest["criterion"]),
    }
