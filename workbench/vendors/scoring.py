"""From validated evaluations to decision matrices, knock-outs, ranks, agreement and robustness.

Pure functions over :class:`~workbench.vendors.loading.Evaluations`: nothing here reads files or displays.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, InsufficientDataError
from .loading import Evaluations
from .methods import krippendorff_alpha, normalize_weights, smaa, topsis, weight_stability, weighted_contributions, weighted_sum

ALPHA_RELIABLE = 0.800
ALPHA_TENTATIVE = 0.667


# ---------------------------------------------------------------------------------------
# Costs
# ---------------------------------------------------------------------------------------

def vendor_costs(evaluations: Evaluations) -> pd.DataFrame:
    """One row per vendor: currency, cost components and ``tco_3y`` = 3 x (licence + internal effort) + implementation.

    ``knocked_out`` says whether the vendor failed a must-have (see :func:`knockouts`), so that a cost
    table read on its own (e.g. by the business case) does not present it as a candidate.

    ``tco`` is the same total over the rubric's horizon (``tco_years``), the value scored as the cost criterion.
    """
    years = evaluations.rubric.cost.years
    checks = knockouts(evaluations)
    failed = set(checks.loc[~checks["passed"].astype(bool), "vendor"])
    rows = []
    for ev in evaluations.vendors:
        c = ev.cost
        yearly = c.licence_per_year + c.internal_effort_per_year
        rows.append({"vendor": ev.vendor.name, "currency": c.currency.upper(),
                     "licence_per_year": c.licence_per_year, "implementation_one_off": c.implementation_one_off,
                     "internal_effort_per_year": c.internal_effort_per_year,
                     "tco_3y": 3 * yearly + c.implementation_one_off,
                     "tco_years": years, "tco": years * yearly + c.implementation_one_off,
                     "knocked_out": ev.vendor.name in failed})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Aggregating evaluators
# ---------------------------------------------------------------------------------------

def item_scores(evaluations: Evaluations) -> pd.DataFrame:
    """Per vendor x sub-criterion: mean, median, min, max of the evaluators' ratings (capped), ``n_rated``.

    An item no evaluator could assess scores 0 (policy: no evidence means absent).
    """
    r = evaluations.ratings
    g = r.groupby(["vendor", "criterion", "sub_criterion"], sort=False)["rating"]
    out = g.agg(mean="mean", median="median", min="min", max="max", n_rated="count").reset_index()
    for col in ("mean", "median", "min", "max"):
        out[col] = out[col].fillna(0.0)
    return out


def evaluator_scores(evaluations: Evaluations) -> pd.DataFrame:
    """Per vendor x evaluator x criterion: the mean of the sub-criteria that evaluator rated."""
    r = evaluations.ratings
    out = (r.groupby(["vendor", "evaluator", "criterion"], sort=False)["rating"]
           .agg(score="mean", n_rated="count").reset_index())
    return out


def criterion_summary(evaluations: Evaluations) -> pd.DataFrame:
    """Per vendor x criterion: ``mean`` and ``median`` scores (average of item means / medians) and the
    evaluator spread (``evaluator_min``, ``evaluator_max``, ``spread`` = max - min of evaluator scores)."""
    items = item_scores(evaluations)
    agg = items.groupby(["vendor", "criterion"], sort=False).agg(mean=("mean", "mean"), median=("median", "mean"))
    ev = evaluator_scores(evaluations).dropna(subset=["score"])
    spread = ev.groupby(["vendor", "criterion"], sort=False)["score"].agg(
        evaluator_min="min", evaluator_max="max", n_evaluators="count")
    out = agg.join(spread, how="left").reset_index()
    out["evaluator_min"] = out["evaluator_min"].fillna(out["mean"])
    out["evaluator_max"] = out["evaluator_max"].fillna(out["mean"])
    out["n_evaluators"] = out["n_evaluators"].fillna(0).astype(int)
    out["spread"] = out["evaluator_max"] - out["evaluator_min"]
    return out


def decision_matrix(evaluations: Evaluations, *, aggregate: str = "mean") -> pd.DataFrame:
    """Vendors as index; the rubric's criteria (0-4 scores, ``aggregate`` = mean or median) and cost (TCO) as columns."""
    if aggregate not in ("mean", "median", "evaluator_min", "evaluator_max"):
        raise ConfigError(f"aggregate must be 'mean', 'median', 'evaluator_min' or 'evaluator_max'; got {aggregate!r}")
    rubric = evaluations.rubric
    summary = criterion_summary(evaluations)
    m = summary.pivot(index="vendor", columns="criterion", values=aggregate)
    m = m.reindex(index=evaluations.vendor_names, columns=rubric.criterion_ids)
    costs = vendor_costs(evaluations).set_index("vendor")["tco"]
    m[rubric.cost.id] = costs.reindex(m.index)
    m = m.rename_axis("vendor")
    m = m.rename_axis(None, axis=1)
    return m


def knockouts(evaluations: Evaluations) -> pd.DataFrame:
    """Must-have checks: per vendor x must-have sub-criterion, the median rating against the required level."""
    rubric = evaluations.rubric
    items = item_scores(evaluations).set_index(["vendor", "sub_criterion"])
    rows = []
    for vendor in evaluations.vendor_names:
        for crit in rubric.criteria:
            for sub in crit.sub_criteria:
                if not sub.must_have:
                    continue
                med = float(items.loc[(vendor, sub.id), "median"]) if (vendor, sub.id) in items.index else 0.0
                need = rubric.must_have_level(sub)
                rows.append({"vendor": vendor, "criterion": crit.id, "sub_criterion": sub.id, "name": sub.name,
                             "median_rating": med, "required": need, "passed": med >= need})
    return pd.DataFrame(rows, columns=["vendor", "criterion", "sub_criterion", "name", "median_rating", "required", "passed"])


def knocked_out(evaluations: Evaluations) -> pd.Series:
    """Vendor -> reason text ('' when the vendor passes every must-have)."""
    k = knockouts(evaluations)
    out = {}
    for vendor in evaluations.vendor_names:
        failed = k[(k["vendor"] == vendor) & ~k["passed"]]
        out[vendor] = "; ".join(f"{r.name}: median {r.median_rating:g} < {r.required}" for r in failed.itertuples())
    return pd.Series(out, name="knockout_reason")


# ---------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VendorScoring:
    """Result of :func:`score_vendors`. ``scores`` is the table written as scores.csv."""

    matrix: pd.DataFrame          # all vendors
    eligible: pd.DataFrame        # vendors passing every must-have
    low: pd.DataFrame             # lowest evaluator score per cell (eligible vendors; cost fixed)
    high: pd.DataFrame            # highest evaluator score per cell
    weights: pd.Series
    cost_criteria: tuple[str, ...]
    scores: pd.DataFrame
    contributions: pd.DataFrame   # tidy: vendor, criterion, contribution (weighted-sum parts)
    method_agreement: dict

    @property
    def leader(self) -> str:
        return str(self.scores.loc[self.scores["weighted_sum_rank"] == 1, "vendor"].iloc[0])


def resolve_weights(evaluations: Evaluations, weights: Mapping[str, float] | None = None,
                    ahp: pd.Series | None = None) -> pd.Series:
    """The weights to use: AHP weights if given, else ``weights`` if non-empty, else the rubric's defaults."""
    rubric = evaluations.rubric
    if ahp is not None and weights:
        raise ConfigError("Give either weights or ahp_path, not both.")
    chosen = ahp if ahp is not None else (weights or rubric.default_weights)
    return normalize_weights(chosen, rubric.all_ids)


def score_vendors(evaluations: Evaluations, weights: Mapping[str, float] | pd.Series | None = None, *,
                  aggregate: str = "mean") -> VendorScoring:
    """Weighted sum (min-max) and TOPSIS (vector) side by side for the vendors passing every must-have."""
    rubric = evaluations.rubric
    w = normalize_weights(weights if weights is not None and len(weights) else rubric.default_weights, rubric.all_ids)
    matrix = decision_matrix(evaluations, aggregate=aggregate)
    reasons = knocked_out(evaluations)
    eligible_names = [v for v in matrix.index if not reasons[v]]
    if not eligible_names:
        raise InsufficientDataError("Every vendor fails a must-have sub-criterion; nothing to rank. "
                                    "See the knock-out table.")
    eligible = matrix.loc[eligible_names]
    cost = (rubric.cost.id,)
    ws = weighted_sum(eligible, w, cost_criteria=cost)
    tp = topsis(eligible, w, cost_criteria=cost)
    table = matrix.copy()
    table = table.rename(columns={rubric.cost.id: f"{rubric.cost.id}_tco"})
    table["weighted_sum_score"] = ws["score"]
    table["weighted_sum_rank"] = ws["rank"].astype("Int64")
    table["topsis_closeness"] = tp["closeness"]
    table["topsis_rank"] = tp["rank"].astype("Int64")
    table["knocked_out"] = [bool(reasons[v]) for v in table.index]
    table["knockout_reason"] = [reasons[v] for v in table.index]
    table = table.reset_index().sort_values(["knocked_out", "weighted_sum_rank", "vendor"]).reset_index(drop=True)
    ev_summary = criterion_summary(evaluations)
    low = ev_summary.pivot(index="vendor", columns="criterion", values="evaluator_min").reindex(
        index=eligible_names, columns=rubric.criterion_ids)
    high = ev_summary.pivot(index="vendor", columns="criterion", values="evaluator_max").reindex(
        index=eligible_names, columns=rubric.criterion_ids)
    low[rubric.cost.id] = eligible[rubric.cost.id]
    high[rubric.cost.id] = eligible[rubric.cost.id]
    contrib = weighted_contributions(eligible, w, cost_criteria=cost)
    contrib_long = contrib.reset_index().melt(id_vars="vendor", var_name="criterion", value_name="contribution")
    if len(eligible) > 1:
        tau = stats.kendalltau(ws["rank"], tp["rank"]).statistic
    else:
        tau = 1.0
    agreement = {
        "same_leader": bool(ws["rank"].idxmin() == tp["rank"].idxmin()),
        "weighted_sum_leader": str(ws["rank"].idxmin()), "topsis_leader": str(tp["rank"].idxmin()),
        "kendall_tau": float(tau) if np.isfinite(tau) else 1.0,
        "identical_ranking": bool((ws["rank"] == tp["rank"]).all()),
    }
    return VendorScoring(matrix=matrix, eligible=eligible, low=low, high=high, weights=w, cost_criteria=cost,
                         scores=table, contributions=contrib_long, method_agreement=agreement)


def method_agreement_sentence(scoring: VendorScoring) -> str:
    """One sentence comparing the two methods' rankings (vendor names HTML-escaped, safe in Markdown)."""
    a = {k: html.escape(v) if isinstance(v, str) else v for k, v in scoring.method_agreement.items()}
    if a["identical_ranking"]:
        return f"Weighted sum and TOPSIS give the same ranking (Kendall's tau = {a['kendall_tau']:.2f})."
    lead = ("both put " + a["weighted_sum_leader"] + " first" if a["same_leader"] else
            f"they disagree on the leader: weighted sum puts {a['weighted_sum_leader']} first, TOPSIS "
            f"{a['topsis_leader']}")
    return f"Weighted sum and TOPSIS rankings differ (Kendall's tau = {a['kendall_tau']:.2f}); {lead}."


# ---------------------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------------------

def rank_acceptability(scoring: VendorScoring, *, n_samples: int = 20_000, concentration: float = 50.0,
                       seed: int = 0, rating_uncertainty: bool = True) -> pd.DataFrame:
    """SMAA rank acceptability (tidy-wide: vendor, rank_1..rank_m, expected_rank) for the eligible vendors.

    Weights ~ Dirichlet(concentration x chosen weights); with ``rating_uncertainty`` each criterion
    score is drawn uniformly between the lowest and highest evaluator score.
    """
    kwargs = {}
    if rating_uncertainty:
        kwargs = {"low": scoring.low, "high": scoring.high}
    out = smaa(scoring.eligible, scoring.weights, cost_criteria=scoring.cost_criteria, n_samples=n_samples,
               seed=seed, concentration=concentration, **kwargs)
    out = out.reset_index().rename(columns={"index": "vendor"})
    return out.sort_values("expected_rank").reset_index(drop=True)


def stability(scoring: VendorScoring, *, method: str = "weighted_sum", steps: int = 201) -> pd.DataFrame:
    """Per criterion, the weight range over which the current leader stays first (others rescaled)."""
    return weight_stability(scoring.eligible, scoring.weights, cost_criteria=scoring.cost_criteria,
                            method=method, steps=steps)


# ---------------------------------------------------------------------------------------
# Evaluator agreement
# ---------------------------------------------------------------------------------------

def _reading(alpha: float) -> str:
    if not np.isfinite(alpha):
        return "not computable (no variation)"
    if alpha >= ALPHA_RELIABLE:
        return "reliable"
    if alpha >= ALPHA_TENTATIVE:
        return "tentative"
    return "low: discuss before relying on it"


def agreement(evaluations: Evaluations, *, level: str = "ordinal", threshold: int = 2) -> pd.DataFrame:
    """Krippendorff's alpha per criterion (units = vendor x sub-criterion, coders = evaluators, ratings as given)."""
    r = evaluations.ratings
    rows = []
    groups = [(c, r[r["criterion"] == c]) for c in evaluations.rubric.criterion_ids] + [("all criteria", r)]
    for crit, part in groups:
        # evaluators are matched by position within each vendor file (coder identity does not enter alpha)
        part = part.assign(coder=part.groupby(["vendor", "sub_criterion"]).cumcount())
        wide = part.pivot_table(index=["vendor", "sub_criterion"], columns="coder", values="rating_given",
                                aggfunc="first")
        spread = wide.max(axis=1) - wide.min(axis=1)
        alpha = krippendorff_alpha(wide, level=level)
        rows.append({"criterion": crit, "alpha": alpha, "level": level, "n_items": len(wide),
                     "n_ratings": int(wide.notna().sum().sum()),
                     "items_to_discuss": int((spread >= threshold).sum()), "reading": _reading(alpha)})
    return pd.DataFrame(rows)


def discuss_items(evaluations: Evaluations, *, threshold: int = 2) -> pd.DataFrame:
    """Items where evaluators differ by ``threshold`` points or more, one row per item x evaluator, with evidence."""
    r = evaluations.ratings
    g = r.groupby(["vendor", "sub_criterion"], sort=False)["rating_given"]
    spread = (g.max() - g.min()).rename("difference")
    flagged = spread[spread >= threshold].reset_index()
    if flagged.empty:
        return pd.DataFrame(columns=["vendor", "criterion", "sub_criterion", "difference", "evaluator", "rating_given",
                                     "rating", "evidence_note", "evidence_link", "evidence_date"])
    out = r.merge(flagged, on=["vendor", "sub_criterion"])
    out = out[["vendor", "criterion", "sub_criterion", "difference", "evaluator", "rating_given", "rating",
               "evidence_note", "evidence_link", "evidence_date"]]
    return out.sort_values(["difference", "vendor", "sub_criterion"], ascending=[False, True, True]).reset_index(drop=True)
