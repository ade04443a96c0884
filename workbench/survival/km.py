"""Kaplan-Meier estimation on aggregated counts: curves, horizons, medians, RMST.

Everything here works on (time, event) counts, so a million customers with integer tenures
collapse to a few hundred rows first; the estimates are exactly those of the unaggregated
data. Conventions follow R's ``survival`` package: Greenwood variance, confidence intervals
of type ``log-log`` (default, R's ``conf.type = "log-log"``), ``log`` (R's default) or
``plain``; the median is the first time the curve reaches 0.5 or below (R's
``print.survfit``; when the curve is flat at exactly 0.5, R averages the two times and so
do we) and its confidence interval is where the pointwise confidence band crosses 0.5
(Brookmeyer-Crowley, as R).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, InsufficientDataError

CIType = Literal["log-log", "log", "plain"]
CI_TYPES = ("log-log", "log", "plain")


def _z(alpha: float) -> float:
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1 (e.g. 0.05); got {alpha!r}")
    return float(stats.norm.ppf(1 - alpha / 2))


def event_table(durations, events, weights=None) -> pd.DataFrame:
    """Distinct times with ``at_risk``, ``events`` and ``censored`` counts (weights = counts per row)."""
    t = np.asarray(durations, dtype="float64")
    e = np.asarray(events).astype(bool)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype="float64")
    if t.shape != e.shape or t.shape != w.shape:
        raise ConfigError("durations, events and weights must have the same length")
    if t.size and (np.isnan(t).any() or (t < 0).any()):
        raise ConfigError("durations must be non-negative numbers without blanks; drop or fix those rows first")
    times, inverse = np.unique(t, return_inverse=True)
    d = np.bincount(inverse, weights=w * e, minlength=times.size)
    c = np.bincount(inverse, weights=w * ~e, minlength=times.size)
    total = d + c
    at_risk = total[::-1].cumsum()[::-1]
    return pd.DataFrame({"time": times, "at_risk": at_risk, "events": d, "censored": c})


@dataclass(frozen=True)
class KMCurve:
    """A Kaplan-Meier curve: ``table`` has time, at_risk, events, censored, survival, se (Greenwood SE of S), ci_lower, ci_upper."""

    table: pd.DataFrame
    ci_type: str
    alpha: float

    def survival_at(self, t) -> np.ndarray:
        return _step(self.table, "survival", np.atleast_1d(np.asarray(t, dtype=float)), 1.0)


def _step(table: pd.DataFrame, column: str, t: np.ndarray, before: float) -> np.ndarray:
    times = table["time"].to_numpy()
    idx = np.searchsorted(times, t, side="right") - 1
    values = table[column].to_numpy()
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], before)


def _ci(s: np.ndarray, var_cumhaz: np.ndarray, z: float, ci_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI of S from the Greenwood term sum d/(n(n-d)) (= var of log S)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        se_log = np.sqrt(var_cumhaz)
        if ci_type == "plain":
            se = s * se_log
            lo, hi = s - z * se, s + z * se
        elif ci_type == "log":
            lo, hi = s * np.exp(-z * se_log), s * np.exp(z * se_log)
        elif ci_type == "log-log":
            log_s = np.log(s)
            theta = z * se_log / log_s
            lo, hi = s ** np.exp(-theta), s ** np.exp(theta)
        else:
            raise ConfigError(f"ci_type must be one of {', '.join(CI_TYPES)}; got {ci_type!r}")
    lo = np.clip(np.nan_to_num(lo, nan=0.0), 0.0, 1.0)
    hi = np.clip(np.nan_to_num(hi, nan=1.0), 0.0, 1.0)
    # R: no interval where S = 0 (log and log-log undefined); keep NaN there.
    zero = s <= 0
    lo = np.where(zero, np.nan if ci_type != "plain" else lo, lo)
    hi = np.where(zero, np.nan if ci_type != "plain" else hi, hi)
    # Where the variance is undefined (everyone at risk had the event) R gives NA too.
    undefined = ~np.isfinite(var_cumhaz)
    return np.where(undefined, np.nan, lo), np.where(undefined, np.nan, hi)


def kaplan_meier(durations, events, *, weights=None, ci_type: CIType = "log-log", alpha: float = 0.05) -> KMCurve:
    """Kaplan-Meier estimate with Greenwood variance and a pointwise confidence interval."""
    z = _z(alpha)
    if ci_type not in CI_TYPES:
        raise ConfigError(f"ci_type must be one of {', '.join(CI_TYPES)}; got {ci_type!r}")
    table = event_table(durations, events, weights)
    if table.empty:
        raise InsufficientDataError("no customers left to estimate survival from")
    n, d = table["at_risk"].to_numpy(), table["events"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.cumprod(1.0 - d / n)
        term = np.where(d > 0, d / (n * (n - d)), 0.0)
    green = np.cumsum(term)
    lo, hi = _ci(s, green, z, ci_type)
    with np.errstate(invalid="ignore"):
        se = s * np.sqrt(green)
    table = table.assign(survival=s, se=se, ci_lower=lo, ci_upper=hi)
    return KMCurve(table=table, ci_type=ci_type, alpha=alpha)


def median_survival(curve: KMCurve) -> tuple[float, float, float]:
    """(median, ci_lower, ci_upper) as R's ``print.survfit``: NaN when not reached."""
    tab = curve.table[curve.table["events"] > 0]
    times = tab["time"].to_numpy()

    def first_below(values: np.ndarray) -> float:
        # R's survival:::minmin: first time the curve is <= 0.5; if exactly 0.5 (within
        # tolerance) over an interval, the midpoint of that time and the next event time.
        below = np.nonzero(values <= 0.5 + 1e-12)[0]
        if below.size == 0:
            return float("nan")
        i = below[0]
        if abs(values[i] - 0.5) < 1e-12 and i + 1 < times.size:
            return float((times[i] + times[i + 1]) / 2)
        return float(times[i])

    s = tab["survival"].to_numpy()
    lo = tab["ci_lower"].fillna(0.0).to_numpy()
    hi = tab["ci_upper"].fillna(0.0).to_numpy()
    return first_below(s), first_below(lo), first_below(hi)


def reverse_km_median_followup(durations, events, *, weights=None) -> float:
    """Median follow-up by the reverse Kaplan-Meier method (censoring treated as the event)."""
    e = ~np.asarray(events).astype(bool)
    curve = kaplan_meier(durations, e, weights=weights)
    return median_survival(curve)[0]


@dataclass(frozen=True)
class RMSTResult:
    """Restricted mean survival time to ``tau`` with its standard error (R ``survRM2::rmst2``)."""

    rmst: float
    se: float
    tau: float
    ci_lower: float
    ci_upper: float


def rmst(durations, events, *, tau: float, weights=None, alpha: float = 0.05) -> RMSTResult:
    """Restricted mean survival time ``int_0^tau S(t) dt`` under the Kaplan-Meier curve.

    The variance is the Greenwood-type variance of the integral, as in R's ``survRM2`` and
    ``print.survfit(rmean=)``: ``sum_j A_j^2 d_j / (n_j (n_j - d_j))`` over event times
    ``t_j <= tau``, with ``A_j`` the area under the curve from ``t_j`` to ``tau``. (lifelines'
    ``return_variance`` gives the variance of ``min(T, tau)`` instead.)
    """
    z = _z(alpha)
    if not np.isfinite(tau) or tau <= 0:
        raise ConfigError(f"tau (the RMST horizon) must be a positive number; got {tau!r}")
    table = event_table(durations, events, weights)
    if table.empty:
        raise InsufficientDataError("no customers left to compute the restricted mean survival time")
    table = table[table["events"] > 0]
    t = table["time"].to_numpy()
    n, d = table["at_risk"].to_numpy(), table["events"].to_numpy()
    keep = t <= tau
    t, n, d = t[keep], n[keep], d[keep]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.cumprod(1.0 - d / n)
    # Curve: 1 on [0, t_1), s_1 on [t_1, t_2), ..., s_k on [t_k, tau].
    knots = np.concatenate([[0.0], t, [tau]])
    heights = np.concatenate([[1.0], s])
    pieces = np.diff(knots) * heights
    total = float(pieces.sum())
    # A_j = area from t_j to tau = sum of pieces after knot j.
    tail = pieces[::-1].cumsum()[::-1][1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(n - d > 0, d / (n * (n - d)), 0.0)
    var = float(np.sum(tail**2 * w))
    se = float(np.sqrt(var))
    return RMSTResult(rmst=total, se=se, tau=float(tau), ci_lower=total - z * se, ci_upper=total + z * se)


# ---------------------------------------------------------------------------------------
# Tidy tables per segment
# ---------------------------------------------------------------------------------------

ALL = "all"


def _groups(frame: pd.DataFrame, segment_cols: list[str]):
    """Yield (segment_column, segment, sub-frame aggregated to (duration, event) counts)."""
    def agg(sub: pd.DataFrame) -> pd.DataFrame:
        return sub.groupby(["duration", "event"]).size().reset_index(name="w")

    yield ALL, ALL, agg(frame)
    for col in segment_cols:
        for level, sub in frame.groupby(col, sort=True, observed=True):
            yield col, str(level), agg(sub)


def survival_tables(frame: pd.DataFrame, *, segment_cols: list[str], horizons: list[float],
                    ci_type: CIType = "log-log", alpha: float = 0.05, min_group_size: int = 5) -> dict[str, pd.DataFrame]:
    """Kaplan-Meier summaries overall (segment "all") and per segment level.

    Returns ``survival_at_horizons`` (segment_column, segment, horizon, survival, ci_lower,
    ci_upper, at_risk, events_by_horizon, cumulative_hazard), ``median_lifetime`` (segment_column,
    segment, n, events, median, ci_lower, ci_upper), and ``curves`` (time, survival, bands, at_risk
    per segment, for charts). Segments smaller than ``min_group_size`` are reported with NaN
    estimates and a note instead of an unstable curve.
    """
    at_h, medians, curves = [], [], []
    for col, level, agg in _groups(frame, segment_cols):
        n = int(agg["w"].sum())
        events = int(agg.loc[agg["event"], "w"].sum())
        note = ""
        if n < min_group_size:
            note = f"only {n} customers: not estimated (fewer than {min_group_size})"
            medians.append({"segment_column": col, "segment": level, "n": n, "events": events, "median": np.nan,
                            "ci_lower": np.nan, "ci_upper": np.nan, "note": note})
            for h in horizons:
                at_h.append({"segment_column": col, "segment": level, "horizon": h, "survival": np.nan,
                             "ci_lower": np.nan, "ci_upper": np.nan, "at_risk": np.nan, "events_by_horizon": np.nan,
                             "cumulative_hazard": np.nan, "n": n, "events": events, "note": note})
            continue
        curve = kaplan_meier(agg["duration"], agg["event"], weights=agg["w"], ci_type=ci_type, alpha=alpha)
        tab = curve.table
        med, lo, hi = median_survival(curve)
        medians.append({"segment_column": col, "segment": level, "n": n, "events": events, "median": med,
                        "ci_lower": lo, "ci_upper": hi,
                        "note": "" if np.isfinite(med) else "median not reached: more than half still active"})
        na = np.cumsum(np.where(tab["at_risk"] > 0, tab["events"] / tab["at_risk"], 0.0))  # Nelson-Aalen (R, no tie smoothing)
        for h in horizons:
            hh = np.array([h], dtype=float)
            idx = np.searchsorted(tab["time"].to_numpy(), h, side="right") - 1
            beyond = h > tab["time"].max()
            later = tab["at_risk"].to_numpy()[tab["time"].to_numpy() >= h]
            at_risk = float(later[0]) if later.size else 0.0
            row = {"segment_column": col, "segment": level, "horizon": h,
                   "survival": float(_step(tab, "survival", hh, 1.0)[0]),
                   "ci_lower": float(_step(tab, "ci_lower", hh, 1.0)[0]),
                   "ci_upper": float(_step(tab, "ci_upper", hh, 1.0)[0]),
                   "at_risk": at_risk,
                   "events_by_horizon": float(tab["events"].to_numpy()[: idx + 1].sum()) if idx >= 0 else 0.0,
                   "cumulative_hazard": float(na[idx]) if idx >= 0 else 0.0,
                   "n": n, "events": events,
                   "note": "horizon beyond the longest follow-up: estimate carried forward" if beyond else ""}
            at_h.append(row)
        curves.append(tab.assign(segment_column=col, segment=level))
    return {"survival_at_horizons": pd.DataFrame(at_h), "median_lifetime": pd.DataFrame(medians),
            "curves": pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()}


def rmst_tables(frame: pd.DataFrame, *, segment_cols: list[str], tau: float, alpha: float = 0.05,
                min_group_size: int = 5, max_pairwise_levels: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RMST to ``tau`` per segment (segment_column, segment, horizon, rmst, se, ci_lower, ci_upper)
    and pairwise differences within each segment column (segment_a minus segment_b, with CI and p;
    skipped for columns with more than ``max_pairwise_levels`` estimable segments)."""
    z = _z(alpha)
    rows = []
    for col, level, agg in _groups(frame, segment_cols):
        n = int(agg["w"].sum())
        if n < min_group_size:
            rows.append({"segment_column": col, "segment": level, "horizon": tau, "rmst": np.nan, "se": np.nan,
                         "ci_lower": np.nan, "ci_upper": np.nan, "n": n})
            continue
        res = rmst(agg["duration"], agg["event"], tau=tau, weights=agg["w"], alpha=alpha)
        rows.append({"segment_column": col, "segment": level, "horizon": tau, "rmst": res.rmst, "se": res.se,
                     "ci_lower": res.ci_lower, "ci_upper": res.ci_upper, "n": n})
    table = pd.DataFrame(rows)
    diffs = []
    for col in segment_cols:
        sub = table[(table["segment_column"] == col) & table["rmst"].notna()].reset_index(drop=True)
        if len(sub) > max_pairwise_levels:
            continue  # too many pairs to read; the per-segment table still has every level
        for i in range(len(sub)):
            for j in range(i + 1, len(sub)):
                a, b = sub.iloc[i], sub.iloc[j]
                d = a["rmst"] - b["rmst"]
                se = float(np.hypot(a["se"], b["se"]))
                diffs.append({"segment_column": col, "segment_a": a["segment"], "segment_b": b["segment"],
                              "horizon": tau, "difference": d, "se": se, "ci_lower": d - z * se, "ci_upper": d + z * se,
                              "p": float(2 * stats.norm.sf(abs(d) / se)) if se > 0 else np.nan})
    return table, pd.DataFrame(diffs, columns=["segment_column", "segment_a", "segment_b", "horizon", "difference",
                                               "se", "ci_lower", "ci_upper", "p"])


def median_followup(frame: pd.DataFrame) -> float:
    """Median follow-up (reverse Kaplan-Meier) of a prepared survival frame."""
    agg = frame.groupby(["duration", "event"]).size().reset_index(name="w")
    return reverse_km_median_followup(agg["duration"], agg["event"], weights=agg["w"])
