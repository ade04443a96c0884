"""The pilot's statistical building blocks: each returns estimate, interval, method and sample sizes.

Conventions: comparisons are pilot minus control (differences) or pilot / control (ratios);
``alpha`` is the two-sided level of the interval (0.05 gives a 95% interval); ``p_value`` tests
the null of no difference (or, for single rates, the threshold when one is given). Functions
are pure and never judge: :mod:`workbench.pilot.verdicts` does that.

Interval choices follow the field notes: Newcombe's hybrid score interval for differences of
proportions (a Wald interval wrongly excludes zero when one arm has no events), Wilson for single
rates, Hodges-Lehmann with the Mann-Whitney interval for shifts in skewed times.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InsufficientDataError, ModelFitError


@dataclass(frozen=True)
class MetricResult:
    """One estimate with its interval. ``n_control`` is 0 for single-arm metrics."""

    metric: str
    estimate: float
    ci_lower: float
    ci_upper: float
    method: str
    n_pilot: int
    n_control: int = 0
    p_value: float = float("nan")
    alpha: float = 0.05
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _z(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def _check_counts(x: float, n: float, what: str) -> None:
    if n <= 0:
        raise InsufficientDataError(f"no {what} to compute a rate from (n = 0)")
    if x < 0 or x > n:
        raise InsufficientDataError(f"count {x} outside 0..{n} for {what}")


def wilson_interval(successes: float, n: float, *, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a single proportion (no continuity correction)."""
    _check_counts(successes, n, "observations")
    z = _z(alpha)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def newcombe_interval(x1: float, n1: float, x2: float, n2: float, *, alpha: float = 0.05) -> tuple[float, float]:
    """Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10)."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, alpha=alpha)
    l2, u2 = wilson_interval(x2, n2, alpha=alpha)
    d = p1 - p2
    lower = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return float(lower), float(upper)


def score_test_2prop(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided score test of p1 = p2 (the pooled z test, no continuity correction)."""
    pooled = (x1 + x2) / (n1 + n2)
    if pooled in (0.0, 1.0):
        return 1.0
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / se
    return float(2 * stats.norm.sf(abs(z)))


def proportion_difference(x_pilot: float, n_pilot: float, x_control: float, n_control: float, *,
                          alpha: float = 0.05, design_effect: float = 1.0,
                          metric: str = "proportion_difference") -> MetricResult:
    """Pilot minus control proportion: Newcombe interval and score test.

    With ``design_effect`` > 1 (clustered assignment) counts and sizes are divided by it
    (effective sample size) before the interval and test are computed.
    """
    _check_counts(x_pilot, n_pilot, "pilot units")
    _check_counts(x_control, n_control, "control units")
    de = max(1.0, float(design_effect))
    a, b, c, d = x_pilot / de, n_pilot / de, x_control / de, n_control / de
    lo, hi = newcombe_interval(a, b, c, d, alpha=alpha)
    method = "Newcombe hybrid score (method 10); score test"
    if de > 1:
        method += f"; effective n divided by design effect {de:.2f}"
    return MetricResult(metric, float(x_pilot / n_pilot - x_control / n_control), lo, hi, method,
                        int(n_pilot), int(n_control), score_test_2prop(a, b, c, d), alpha)


def relative_risk(x_pilot: int, n_pilot: int, x_control: int, n_control: int, *, alpha: float = 0.05,
                  method: str = "log", metric: str = "relative_risk") -> MetricResult:
    """Pilot / control proportion. ``log``: Katz log interval (0.5 added to every cell when a
    count is zero); ``score``: Koopman score interval (statsmodels)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    _check_counts(x_pilot, n_pilot, "pilot units")
    _check_counts(x_control, n_control, "control units")
    note = ""
    if method == "log":
        a, b, c, d = x_pilot, n_pilot, x_control, n_control
        if a == 0 or c == 0:
            a, b, c, d = a + 0.5, b + 1, c + 0.5, d + 1
            note = "a zero count: 0.5 added to each cell (Haldane) for the log interval"
        rr = (a / b) / (c / d)
        se = np.sqrt(1 / a - 1 / b + 1 / c - 1 / d)
        z = _z(alpha)
        lo, hi = rr * np.exp(-z * se), rr * np.exp(z * se)
        label = "Katz log interval"
    elif method == "score":
        lo, hi = confint_proportions_2indep(x_pilot, n_pilot, x_control, n_control, method="score",
                                            compare="ratio", alpha=alpha)
        label = "Koopman score interval"
    else:
        raise ValueError(f"unknown relative-risk interval {method!r}")
    estimate = (x_pilot / n_pilot) / (x_control / n_control) if x_control else float("inf")
    return MetricResult(metric, float(estimate), float(lo), float(hi), label + "; score test", int(n_pilot),
                        int(n_control), score_test_2prop(x_pilot, n_pilot, x_control, n_control), alpha, note)


def cox_hazard_ratio(frame: pd.DataFrame, *, alpha: float = 0.05, cluster_col: str | None = None,
                     metric: str = "hazard_ratio") -> MetricResult:
    """Cox hazard ratio of the pilot arm (Efron ties) from ``frame`` with duration, event, pilot (0/1).

    The log-rank p-value is reported alongside. ``cluster_col`` gives a cluster-robust
    (sandwich) interval. With no events in an arm the ratio is not estimable: NaN interval
    and a note, never a spurious "significant" result.
    """
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    pilot = frame["pilot"].astype(bool)
    n_p, n_c = int(pilot.sum()), int((~pilot).sum())
    e_p, e_c = int(frame.loc[pilot, "event"].sum()), int(frame.loc[~pilot, "event"].sum())
    if n_p == 0 or n_c == 0:
        raise InsufficientDataError("both arms need accounts to compare retention")
    lr = logrank_test(frame.loc[pilot, "duration"], frame.loc[~pilot, "duration"],
                      frame.loc[pilot, "event"], frame.loc[~pilot, "event"])
    p_logrank = float(lr.p_value)
    if e_p == 0 or e_c == 0:
        return MetricResult(metric, float("nan"), float("nan"), float("nan"), "Cox PH (not estimable)", n_p, n_c,
                            p_logrank, alpha, f"no churn events in the {'pilot' if e_p == 0 else 'control'} arm: "
                            "the hazard ratio is not estimable; log-rank test only")
    cols = ["duration", "event", "pilot"] + ([cluster_col] if cluster_col else [])
    data = frame[cols].astype({"pilot": float, "event": int})
    fitter = CoxPHFitter(alpha=alpha)
    try:
        fitter.fit(data, duration_col="duration", event_col="event", cluster_col=cluster_col)
    except Exception as exc:  # lifelines raises ConvergenceError and numpy errors
        raise ModelFitError(f"the Cox model of retention did not fit ({exc}); check that both arms have "
                            "churn events and varied follow-up") from exc
    row = fitter.summary.loc["pilot"]
    ci = fitter.confidence_intervals_.loc["pilot"].to_numpy()
    method = "Cox PH (Efron ties), Wald interval" + ("; cluster-robust by CSM" if cluster_col else "")
    method += f"; log-rank p = {p_logrank:.3g}"
    return MetricResult(metric, float(np.exp(row["coef"])), float(np.exp(ci[0])), float(np.exp(ci[1])), method,
                        n_p, n_c, p_logrank, alpha)


def rmst_difference(frame: pd.DataFrame, *, tau: float, alpha: float = 0.05,
                    metric: str = "rmst_difference") -> MetricResult:
    """Restricted mean survival time to ``tau``, pilot minus control, normal interval.

    Uses :func:`workbench.survival.rmst` (Greenwood-type variance of the integral, as R's survRM2).
    """
    from ..survival import rmst

    pilot = frame["pilot"].astype(bool)
    if pilot.sum() == 0 or (~pilot).sum() == 0:
        raise InsufficientDataError("both arms need accounts to compare restricted mean survival")
    a = rmst(frame.loc[pilot, "duration"], frame.loc[pilot, "event"], tau=tau, alpha=alpha)
    b = rmst(frame.loc[~pilot, "duration"], frame.loc[~pilot, "event"], tau=tau, alpha=alpha)
    diff = a.rmst - b.rmst
    se = float(np.hypot(a.se, b.se))
    z = _z(alpha)
    p = float(2 * stats.norm.sf(abs(diff) / se)) if se > 0 else float("nan")
    return MetricResult(metric, float(diff), diff - z * se, diff + z * se,
                        f"RMST to {tau:g} days, Greenwood-type variance", int(pilot.sum()), int((~pilot).sum()),
                        p, alpha)


def hodges_lehmann(x, y, *, alpha: float = 0.05, metric: str = "shift") -> MetricResult:
    """Hodges-Lehmann shift x - y (median of all pairwise differences) with the Mann-Whitney interval.

    The interval takes the order statistics of the pairwise differences at the normal
    approximation of the Mann-Whitney U distribution's critical value (as R's
    ``wilcox.test(conf.int=TRUE, exact=FALSE, correct=FALSE)`` without tie correction).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    if n1 < 2 or n2 < 2:
        raise InsufficientDataError(f"a shift needs at least 2 values per arm (got {n1} and {n2})")
    diffs = np.sort((x[:, None] - y[None, :]).ravel())
    m = diffs.size
    estimate = float(np.median(diffs))
    z = _z(alpha)
    c = int(np.floor(n1 * n2 / 2 - z * np.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)))
    c = max(c, 0)
    lower = float(diffs[c]) if c < m else float("nan")
    upper = float(diffs[m - c - 1]) if c < m else float("nan")
    p = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").pvalue)
    return MetricResult(metric, estimate, lower, upper, "Hodges-Lehmann shift, Mann-Whitney interval and test",
                        n1, n2, p, alpha)


def bootstrap_median_difference(x, y, *, alpha: float = 0.05, draws: int = 2000, seed: int = 0,
                                metric: str = "shift") -> MetricResult:
    """Median(x) - median(y) with a seeded percentile bootstrap interval; Mann-Whitney p-value."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 2 or len(y) < 2:
        raise InsufficientDataError(f"a shift needs at least 2 values per arm (got {len(x)} and {len(y)})")
    rng = np.random.default_rng(seed)
    bx = np.median(rng.choice(x, size=(draws, len(x)), replace=True), axis=1)
    by = np.median(rng.choice(y, size=(draws, len(y)), replace=True), axis=1)
    lo, hi = np.quantile(bx - by, [alpha / 2, 1 - alpha / 2])
    p = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").pvalue)
    return MetricResult(metric, float(np.median(x) - np.median(y)), float(lo), float(hi),
                        f"difference of medians, percentile bootstrap ({draws} draws, seed {seed})",
                        len(x), len(y), p, alpha)


def welch_difference(x, y, *, alpha: float = 0.05, design_effect: float = 1.0,
                     metric: str = "mean_difference") -> MetricResult:
    """Mean(x) - mean(y) with the Welch interval (variance inflated by ``design_effect``)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n1, n2 = len(x), len(y)
    if n1 < 2 or n2 < 2:
        raise InsufficientDataError(f"a mean difference needs at least 2 values per arm (got {n1} and {n2})")
    v1, v2 = x.var(ddof=1) / n1, y.var(ddof=1) / n2
    se = np.sqrt((v1 + v2) * max(1.0, design_effect))
    df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1)) if v1 + v2 > 0 else n1 + n2 - 2
    diff = float(x.mean() - y.mean())
    t = float(stats.t.ppf(1 - alpha / 2, df))
    p = float(2 * stats.t.sf(abs(diff) / se, df)) if se > 0 else float("nan")
    method = "Welch t interval" + (f"; variance x design effect {design_effect:.2f}" if design_effect > 1 else "")
    return MetricResult(metric, diff, diff - t * se, diff + t * se, method, n1, n2, p, alpha)


def single_proportion(successes: int, n: int, *, alpha: float = 0.05, null: float | None = None,
                      design_effect: float = 1.0, metric: str = "proportion") -> MetricResult:
    """A single rate with the Wilson interval; score-test p-value against ``null`` when given."""
    _check_counts(successes, n, metric)
    de = max(1.0, design_effect)
    lo, hi = wilson_interval(successes / de, n / de, alpha=alpha)
    p = float("nan")
    if null is not None and 0 < null < 1:
        z = (successes / n - null) / np.sqrt(null * (1 - null) / (n / de))
        p = float(2 * stats.norm.sf(abs(z)))
    method = "Wilson score interval" + (f"; effective n divided by design effect {de:.2f}" if de > 1 else "")
    return MetricResult(metric, successes / n, lo, hi, method, int(n), 0, p, alpha)


def poisson_count(count: int, *, alpha: float = 0.05, null: float | None = None,
                  metric: str = "count") -> MetricResult:
    """A count with the exact (Garwood) Poisson interval; exact two-sided p against ``null``."""
    lo = 0.0 if count == 0 else float(stats.chi2.ppf(alpha / 2, 2 * count) / 2)
    hi = float(stats.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    p = float("nan")
    if null is not None and null > 0:
        p = float(min(1.0, 2 * min(stats.poisson.cdf(count, null), stats.poisson.sf(count - 1, null))))
    return MetricResult(metric, float(count), lo, hi, "exact Poisson (Garwood) interval", int(count), 0, p, alpha)


def icc_anova(values, clusters) -> tuple[float, float]:
    """One-way ANOVA intraclass correlation of ``values`` by ``clusters`` and the adjusted mean
    cluster size m0 (Donner): returns (icc, m0). ICC is floored at 0."""
    frame = pd.DataFrame({"y": np.asarray(values, dtype=float), "g": np.asarray(clusters)})
    groups = frame.groupby("g")["y"]
    k = groups.ngroups
    n = len(frame)
    if k < 2 or n <= k:
        return 0.0, float(n / max(k, 1))
    sizes = groups.size().to_numpy(dtype=float)
    means = groups.mean().to_numpy()
    grand = frame["y"].mean()
    msb = np.sum(sizes * (means - grand) ** 2) / (k - 1)
    msw = float(((frame["y"] - groups.transform("mean")) ** 2).sum() / (n - k))
    m0 = (n - np.sum(sizes ** 2) / n) / (k - 1)
    denom = msb + (m0 - 1) * msw
    icc = float((msb - msw) / denom) if denom > 0 else 0.0
    return max(0.0, icc), float(m0)


def design_effect(values, clusters) -> tuple[float, float, float]:
    """Kish design effect 1 + (m0 - 1) * ICC for outcomes clustered by assignment unit:
    returns (design_effect, icc, m0)."""
    icc, m0 = icc_anova(values, clusters)
    return 1.0 + max(0.0, m0 - 1) * icc, icc, m0
