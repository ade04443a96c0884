"""Synthetic customer table with known ground truth for the survival analysis.

The generating model, so that every estimate in notebook 01 can be checked against the truth:

* ``n`` accounts start uniformly over the 48 months before ``as_of`` (day precision).
* Time to churn ``T`` (months, 1 month = 30.4375 days) follows a proportional-hazards model
  with a Weibull baseline ``H0(t) = (t / BASELINE_SCALE_MONTHS) ** BASELINE_SHAPE``
  (shape < 1: the hazard falls with tenure, as it does for most subscription businesses),
  multiplied by ``exp(x'beta)`` with ``beta = log(TRUE_HAZARD_RATIOS)``.
* Reference levels (hazard ratio 1) are the first level in sorted order, the workbench's
  default: ``plan`` = ``Enterprise``, ``size_band`` = ``Large``, ``region`` = ``APAC``,
  ``onboarding_cohort`` = ``guided``, ``has_exec_sponsor`` = ``False``. Numeric hazard ratios
  are per unit: per 1.0 of ``weekly_active_share`` (0 to 1), per feature adopted, per support
  ticket in the last 90 days. ``region`` and ``seats`` have no effect (hazard ratio 1).
* ``onboarding_cohort`` violates proportional hazards on purpose: its hazard ratios
  (:data:`COHORT_EARLY_HAZARD_RATIOS`) apply during the first
  :data:`COHORT_EFFECT_MONTHS` months of tenure only, after which the three cohorts share the
  same hazard (the onboarding programme's effect fades). A ``cox.zph``-type test should flag it.
  Its Cox hazard ratio is an average over tenure and is not listed in ``TRUE_HAZARD_RATIOS``.
* Administrative censoring at ``as_of``: customers whose churn date falls after it are active
  (blank ``churn_date``). A churn always happens at least one day after the start.
* Blank cells, missing completely at random: about 3% of ``weekly_active_share``, 2% of
  ``features_adopted`` and 2% of ``support_tickets_90d``. The covariates used to draw the churn
  time are the true values; blanking happens afterwards.

The same ``seed`` gives a bit-identical table (numpy ``Generator``; dates at day precision,
floats rounded: shares to 3 decimals, ARR to whole currency units).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_MONTH = 30.4375
WINDOW_MONTHS = 48
BASELINE_SHAPE = 0.8
BASELINE_SCALE_MONTHS = 70.0

PLANS = ("Starter", "Growth", "Enterprise")
PLAN_SHARES = (0.5, 0.33, 0.17)
SIZE_BANDS = ("SMB", "Mid-Market", "Large")
REGIONS = ("NA", "EMEA", "APAC", "LATAM")
REGION_SHARES = (0.4, 0.3, 0.2, 0.1)
COHORTS = ("self-serve", "guided", "white-glove")

#: Proportional-hazards effects used to draw churn times. Keys are Cox design columns as the
#: workbench names them (``<column>[<level>]`` for categoricals against the reference level,
#: the column name for numeric and flag covariates). Reference levels: see the module docstring.
TRUE_HAZARD_RATIOS: dict[str, float] = {
    "plan[Growth]": 1.5,
    "plan[Starter]": 2.2,
    "size_band[Mid-Market]": 1.5,
    "size_band[SMB]": 1.8,
    "weekly_active_share": 0.25,
    "features_adopted": 0.92,
    "support_tickets_90d": 1.10,
    "has_exec_sponsor": 0.6,
}

#: Non-proportional effect: hazard ratios against ``guided`` during the first months only.
COHORT_EARLY_HAZARD_RATIOS: dict[str, float] = {"self-serve": 3.0, "white-glove": 0.4}
COHORT_EFFECT_MONTHS = 6.0

#: Share of blank cells per covariate (missing completely at random).
BLANK_SHARES: dict[str, float] = {"weekly_active_share": 0.03, "features_adopted": 0.02, "support_tickets_90d": 0.02}


def _draw_times(rng: np.random.Generator, lp: np.ndarray, early: np.ndarray) -> np.ndarray:
    """Invert the piecewise cumulative hazard: multiplier ``early`` before COHORT_EFFECT_MONTHS, 1 after."""
    e = rng.exponential(1.0, size=lp.size)
    scale = np.exp(lp)
    h0_cut = (COHORT_EFFECT_MONTHS / BASELINE_SCALE_MONTHS) ** BASELINE_SHAPE
    h_cut = scale * early * h0_cut
    before = e <= h_cut
    h0 = np.where(before, e / (scale * early), h0_cut + (e - h_cut) / scale)
    return BASELINE_SCALE_MONTHS * h0 ** (1.0 / BASELINE_SHAPE)


def generate_customers(*, seed: int, n: int = 5000, as_of: str = "2026-10-31") -> pd.DataFrame:
    """Draw ``n`` synthetic accounts with the columns of :data:`workbench.schemas.CUSTOMERS`.

    See the module docstring for the hazard model, the reference levels and the blank cells.
    """
    rng = np.random.default_rng(seed)
    as_of_day = np.datetime64(pd.Timestamp(as_of).date(), "D")
    window_days = int(round(WINDOW_MONTHS * DAYS_PER_MONTH))
    start = as_of_day - rng.integers(1, window_days + 1, size=n).astype("timedelta64[D]")

    plan = rng.choice(np.array(PLANS), size=n, p=PLAN_SHARES)
    size_probs = {"Starter": (0.7, 0.25, 0.05), "Growth": (0.4, 0.45, 0.15), "Enterprise": (0.1, 0.4, 0.5)}
    size_u = rng.random(n)
    size_band = np.empty(n, dtype=object)
    for p_name, probs in size_probs.items():
        cum = np.cumsum(probs)
        idx = np.searchsorted(cum, size_u, side="right").clip(0, 2)
        mask = plan == p_name
        size_band[mask] = np.array(SIZE_BANDS, dtype=object)[idx[mask]]
    region = rng.choice(np.array(REGIONS), size=n, p=REGION_SHARES)
    cohort_probs = {"Starter": (0.6, 0.35, 0.05), "Growth": (0.3, 0.5, 0.2), "Enterprise": (0.05, 0.45, 0.5)}
    cohort_u = rng.random(n)
    cohort = np.empty(n, dtype=object)
    for p_name, probs in cohort_probs.items():
        cum = np.cumsum(probs)
        idx = np.searchsorted(cum, cohort_u, side="right").clip(0, 2)
        mask = plan == p_name
        cohort[mask] = np.array(COHORTS, dtype=object)[idx[mask]]

    seat_mean = {"SMB": 12.0, "Mid-Market": 60.0, "Large": 300.0}
    seats = np.maximum(1, np.round(rng.lognormal(np.log([seat_mean[s] for s in size_band]), 0.5))).astype(np.int64)
    price = {"Starter": 300.0, "Growth": 600.0, "Enterprise": 1100.0}
    arr = np.round(seats * np.array([price[p] for p in plan]) * rng.lognormal(0.0, 0.2, size=n))
    arr = np.minimum(arr, 999_000.0)
    weekly_active_share = np.round(rng.beta(4.0, 3.0, size=n), 3)
    features_adopted = rng.binomial(12, 0.45, size=n).astype(np.int64)
    support_tickets = rng.poisson(2.0, size=n).astype(np.int64)
    sponsor_p = {"Starter": 0.15, "Growth": 0.4, "Enterprise": 0.75}
    has_exec_sponsor = rng.random(n) < np.array([sponsor_p[p] for p in plan])

    lp = np.zeros(n)
    for level in ("Growth", "Starter"):
        lp += np.log(TRUE_HAZARD_RATIOS[f"plan[{level}]"]) * (plan == level)
    for level in ("Mid-Market", "SMB"):
        lp += np.log(TRUE_HAZARD_RATIOS[f"size_band[{level}]"]) * (size_band == level)
    lp += np.log(TRUE_HAZARD_RATIOS["weekly_active_share"]) * weekly_active_share
    lp += np.log(TRUE_HAZARD_RATIOS["features_adopted"]) * features_adopted
    lp += np.log(TRUE_HAZARD_RATIOS["support_tickets_90d"]) * support_tickets
    lp += np.log(TRUE_HAZARD_RATIOS["has_exec_sponsor"]) * has_exec_sponsor
    early = np.ones(n)
    for level, hr in COHORT_EARLY_HAZARD_RATIOS.items():
        early[cohort == level] = hr

    months = _draw_times(rng, lp, early)
    days = np.maximum(1, np.ceil(months * DAYS_PER_MONTH)).astype(np.int64)
    days = np.minimum(days, 1_000_000)
    churn = start + days.astype("timedelta64[D]")
    churn_date = pd.Series(churn, dtype="datetime64[s]").where(churn <= as_of_day)

    frame = pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
        "start_date": pd.Series(start, dtype="datetime64[s]"),
        "churn_date": churn_date,
        "plan": plan,
        "size_band": size_band.astype(str),
        "region": region,
        "onboarding_cohort": cohort.astype(str),
        "arr": arr,
        "seats": seats,
        "weekly_active_share": weekly_active_share,
        "features_adopted": features_adopted,
        "support_tickets_90d": support_tickets,
        "has_exec_sponsor": has_exec_sponsor,
    })
    for column, share in BLANK_SHARES.items():
        blank = rng.random(n) < share
        values = frame[column]
        frame[column] = (values.astype("Int64") if values.dtype.kind == "i" else values).mask(blank)
    return frame
