"""Calibration of the Cox model at horizons, parametric fits for extrapolation, risk of active customers.

* Calibration follows Austin, Harrell & van Klaveren (2020), as lifelines'
  ``survival_probability_calibration``: regress the observed outcome on the complementary
  log-log of the predicted churn probability with a restricted cubic spline (a Cox model),
  and compare; ICI is the mean absolute difference, E50/E90 its median and 90th percentile.
  A decile table (mean predicted vs Kaplan-Meier observed) is returned for the chart.
* Parametric fits (Weibull, log-normal, log-logistic; lifelines' univariate fitters, which
  are the intercept-only AFT models) are compared by AIC on aggregated counts; the mean of
  the fitted distribution is the expected lifetime beyond the observed window.
* Risk of active customers: ``1 - S(t + h | x) / S(t | x)`` with the Cox model's Breslow
  baseline (R's ``survfit.coxph`` default), for a customer at current tenure ``t``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from scipy import special, stats

from ..errors import ConfigError, InsufficientDataError, ModelFitError
from .cox import CoxResult
from .km import kaplan_meier

TIERS = ("urgent", "medium", "low")
TIER_ACTIONS = {
    "urgent": "direct contact now",
    "medium": "raise at the next scheduled meeting",
    "low": "self-service resources",
}


def cox_cumulative_hazard(result: CoxResult, X: pd.DataFrame, times) -> np.ndarray:
    """H(t | x) for each row of ``X`` at matching ``times`` (Breslow baseline, lifelines' centring)."""
    fitter = result.fitter
    base = fitter.baseline_cumulative_hazard_
    bt = base.index.to_numpy(dtype=float)
    bh = base.iloc[:, 0].to_numpy(dtype=float)
    idx = np.searchsorted(bt, np.asarray(times, dtype=float), side="right") - 1
    h0 = np.where(idx >= 0, bh[np.clip(idx, 0, None)], 0.0)
    cols = list(fitter.params_.index)
    centred = np.asarray(X[cols], dtype=float) - fitter._norm_mean.reindex(cols).to_numpy()
    return h0 * np.exp(centred @ fitter.params_.to_numpy())


def _rcs_basis(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Restricted cubic spline basis (Harrell), 3 knots -> x and one non-linear term."""
    k = knots
    def pos3(v):
        return np.clip(v, 0, None) ** 3
    scale = (k[-1] - k[0]) ** 2
    cols = [x]
    for j in range(len(k) - 2):
        term = (pos3(x - k[j]) - pos3(x - k[-2]) * (k[-1] - k[j]) / (k[-1] - k[-2])
                + pos3(x - k[-1]) * (k[-2] - k[j]) / (k[-1] - k[-2])) / scale
        cols.append(term)
    return np.column_stack(cols)


def calibration(result: CoxResult, *, horizons: list[float], bins: int = 10, max_customers: int = 50_000,
                seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary per horizon: horizon, ici, e50, e90, predicted_mean, observed_km, customers, note; decile table for charts).

    ``note`` says why ICI/E50/E90 are blank when the calibration smoother could not be fitted.

    Above ``max_customers`` modelled customers, a random subsample of that size (from ``seed``)
    is used: the calibration smoother is a Cox fit per horizon and the estimates are stable long
    before a million customers.
    """
    from lifelines import CoxPHFitter

    X = result.design.X.loc[result.design.rows_used].reset_index(drop=True)
    T, E = result.durations, result.events_mask
    if len(X) > max_customers:
        pick = np.sort(np.random.default_rng(seed).choice(len(X), size=max_customers, replace=False))
        X, T, E = X.iloc[pick].reset_index(drop=True), T[pick], E[pick]
    summary, deciles = [], []
    for h in horizons:
        pred = 1 - np.exp(-cox_cumulative_hazard(result, X, np.full(len(X), float(h))))
        pred = np.clip(pred, 1e-10, 1 - 1e-10)
        cll = np.log(-np.log(1 - pred))
        knots = np.quantile(cll, [0.1, 0.5, 0.9])
        row = {"horizon": h, "ici": np.nan, "e50": np.nan, "e90": np.nan,
               "predicted_mean": float(pred.mean()), "observed_km": np.nan, "customers": int(len(X)), "note": ""}
        if np.unique(knots).size != 3:
            row["note"] = "ICI/E50 not computed: too few distinct predicted probabilities for the smoother"
        else:
            basis = pd.DataFrame(_rcs_basis(cll, knots), columns=["s0", "s1"])
            basis["_T"], basis["_E"] = T, E.astype(int)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    cal = CoxPHFitter().fit(basis, "_T", "_E")
                observed = 1 - cal.predict_survival_function(basis[["s0", "s1"]], times=[h]).to_numpy().ravel()
                diff = np.abs(pred - observed)
                row.update(ici=float(diff.mean()), e50=float(np.median(diff)), e90=float(np.quantile(diff, 0.9)))
            except Exception as exc:  # noqa: BLE001 - calibration is descriptive: say why it is blank
                row["note"] = f"ICI/E50 not computed: the calibration smoother did not fit ({type(exc).__name__})"
        row["observed_km"] = float(1 - kaplan_meier(T, E).survival_at(h)[0])
        summary.append(row)
        groups = pd.qcut(pred, q=min(bins, len(np.unique(pred))), labels=False, duplicates="drop")
        for g in np.unique(groups):
            m = groups == g
            km = kaplan_meier(T[m], E[m])
            deciles.append({"horizon": h, "bin": int(g) + 1, "n": int(m.sum()), "predicted": float(pred[m].mean()),
                            "observed": float(1 - km.survival_at(h)[0]),
                            "observed_ci_lower": float(1 - km.table["ci_upper"].pipe(lambda c: np.interp(h, km.table["time"], c.fillna(0)))),
                            "observed_ci_upper": float(1 - km.table["ci_lower"].pipe(lambda c: np.interp(h, km.table["time"], c.fillna(0))))})
    return pd.DataFrame(summary), pd.DataFrame(deciles)


def _mean_lifetime(name: str, fitter) -> float:
    p = fitter.params_
    if name == "weibull":
        return float(p["lambda_"] * special.gamma(1 + 1 / p["rho_"]))
    if name == "log-normal":
        return float(np.exp(p["mu_"] + p["sigma_"] ** 2 / 2))
    alpha, beta = float(p["alpha_"]), float(p["beta_"])
    return float(alpha * (math.pi / beta) / math.sin(math.pi / beta)) if beta > 1 else float("inf")


def parametric_fits(frame: pd.DataFrame, *, segment_cols: list[str], duration_col: str = "duration",
                    event_col: str = "event") -> tuple[pd.DataFrame, pd.DataFrame]:
    """AIC comparison of Weibull, log-normal and log-logistic fits (whole base) and the expected
    lifetime per segment under the family with the lowest AIC. Durations must be positive."""
    from lifelines import LogLogisticFitter, LogNormalFitter, WeibullFitter

    families = {"weibull": WeibullFitter, "log-normal": LogNormalFitter, "log-logistic": LogLogisticFitter}

    def fit(name: str, sub: pd.DataFrame):
        agg = sub.groupby([duration_col, event_col]).size().reset_index(name="w")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return families[name]().fit(agg[duration_col], agg[event_col].astype(bool), weights=agg["w"])
            except Exception as exc:  # lifelines raises several types on a failed optimisation
                raise ModelFitError(f"The {name} model did not converge: {exc}") from exc

    rows = []
    for name in families:
        f = fit(name, frame)
        rows.append({"model": name, "aic": float(f.AIC_), "log_likelihood": float(f.log_likelihood_),
                     "median": float(f.median_survival_time_), "mean_lifetime": _mean_lifetime(name, f)})
    comparison = pd.DataFrame(rows).sort_values("aic").reset_index(drop=True)
    comparison["delta_aic"] = comparison["aic"] - comparison["aic"].iloc[0]
    best = comparison["model"].iloc[0]
    seg_rows = [{"segment_column": "all", "segment": "all", "model": best,
                 "median": comparison["median"].iloc[0], "mean_lifetime": comparison["mean_lifetime"].iloc[0]}]
    for col in segment_cols:
        for level, sub in frame.groupby(col, sort=True):
            if sub[event_col].sum() < 5:
                seg_rows.append({"segment_column": col, "segment": str(level), "model": best, "median": np.nan,
                                 "mean_lifetime": np.nan})
                continue
            f = fit(best, sub)
            seg_rows.append({"segment_column": col, "segment": str(level), "model": best,
                             "median": float(f.median_survival_time_), "mean_lifetime": _mean_lifetime(best, f)})
    return comparison, pd.DataFrame(seg_rows)


def active_risk(result: CoxResult, frame: pd.DataFrame, *, horizons: list[float], tier_horizon: float,
                tier_method: str = "probability", urgent_threshold: float = 0.3, medium_threshold: float = 0.15,
                urgent_capacity: int = 50, medium_capacity: int = 200, arr_col: str | None = None,
                id_col: str = "id", duration_col: str = "duration", event_col: str = "event") -> pd.DataFrame:
    """Conditional churn probability within each horizon for active customers, and their tier.

    ``frame`` is the prepared survival frame (rows as used by the Cox model). Tiers by
    ``tier_method``: "probability" (urgent if p >= urgent_threshold, medium if p >= medium_threshold)
    or "capacity" (the ``urgent_capacity`` riskiest are urgent, the next ``medium_capacity`` medium).
    """
    if tier_method not in ("probability", "capacity"):
        raise ConfigError(f"tier_method must be 'probability' or 'capacity'; got {tier_method!r}")
    if not 0 <= medium_threshold <= urgent_threshold <= 1:
        raise ConfigError(f"need 0 <= medium_threshold <= urgent_threshold <= 1; got {medium_threshold}, {urgent_threshold}")
    if tier_horizon not in horizons:
        raise ConfigError(f"tier_horizon {tier_horizon} must be one of the horizons {horizons}")
    design = result.design
    used = design.rows_used & ~frame[event_col].to_numpy(bool)
    X = design.X.loc[used]
    tenure = frame.loc[used, duration_col].to_numpy(float)
    out = pd.DataFrame({"id": frame.loc[used, id_col].astype(str).to_numpy(), "tenure": tenure})
    h_now = cox_cumulative_hazard(result, X, tenure)
    last_time = float(result.fitter.baseline_cumulative_hazard_.index.max())
    for h in horizons:
        h_later = cox_cumulative_hazard(result, X, tenure + h)
        out[f"churn_prob_{h:g}"] = 1 - np.exp(-(h_later - h_now))
    out["beyond_observed"] = tenure + max(horizons) > last_time
    score = out[f"churn_prob_{tier_horizon:g}"].to_numpy()
    if tier_method == "probability":
        tier = np.where(score >= urgent_threshold, "urgent", np.where(score >= medium_threshold, "medium", "low"))
    else:
        rank = np.argsort(np.argsort(-score, kind="stable"), kind="stable")
        tier = np.where(rank < urgent_capacity, "urgent", np.where(rank < urgent_capacity + medium_capacity, "medium", "low"))
    out["tier"] = tier
    out["action"] = out["tier"].map(TIER_ACTIONS)
    if arr_col:
        out["arr"] = pd.to_numeric(frame.loc[used, arr_col], errors="coerce").to_numpy()
    else:
        out["arr"] = np.nan
    return out.sort_values(f"churn_prob_{tier_horizon:g}", ascending=False).reset_index(drop=True)


def tier_summary(risk: pd.DataFrame, *, tier_horizon: float) -> pd.DataFrame:
    """Per tier: customers, action, mean churn probability, ARR in the tier and expected ARR lost."""
    col = f"churn_prob_{tier_horizon:g}"
    rows = []
    for tier in TIERS:
        sub = risk[risk["tier"] == tier]
        rows.append({"tier": tier, "action": TIER_ACTIONS[tier], "customers": int(len(sub)),
                     "mean_churn_prob": float(sub[col].mean()) if len(sub) else np.nan,
                     "arr": float(sub["arr"].sum(min_count=1)) if len(sub) else 0.0,
                     "expected_arr_lost": float((sub["arr"] * sub[col]).sum(min_count=1)) if len(sub) else 0.0,
                     "arr_unknown": int(sub["arr"].isna().sum())})
    return pd.DataFrame(rows)
