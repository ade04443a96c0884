"""Prevented churn, net benefit, ROI, payback and break-even effect: the business-case arithmetic.

The model (stated in the report):

* The active base at the analysis date is split by segment (and, by default, by tenure):
  ``accounts`` and ``arr`` per row of :class:`Scenario.portfolio`. Without the tool a row's
  accounts stay with probability ``S(t)`` after ``t`` months, where ``S`` is the segment's
  survival baseline (monthly) and, when the row has ``tenure_months = a``, the conditional
  survival ``S(a + t) / S(a)`` of accounts that have already stayed ``a`` months. Under
  proportional hazards the conditional survival is raised to ``HR`` just as ``S`` is.
* Roll-out: from month ``m_k`` a further share ``dc_k`` of every segment is covered (pilot,
  department, company). Under proportional hazards an account covered from month ``m``
  stays with probability ``S(t)`` up to ``m`` and ``S(m) (S(t) / S(m)) ** HR`` after it, so
  the retention gain at month ``t`` is ``g(t) = sum_k dc_k [S(m_k) ** (1 - HR) S(t) ** HR - S(t)]``
  over the phases started before ``t`` (with one phase from month 0: ``c (S(t) ** HR - S(t))``).
* Prevented churn by the horizon ``T``: ``accounts * g(T)`` accounts, ``arr * g(T)`` ARR.
* Benefit in month ``t``: gross margin x retained revenue ``arr / 12 * g(t)``, plus the optional
  CS hours saved ``hours * hourly cost * coverage(t)``. Cost: the one-off implementation in
  month 1, then (licence + internal effort) / 12 every month (the full quote from month 1).
* Net benefit = cumulative benefit - cumulative cost at ``T``; ROI = net benefit / cost; the
  payback month is the first month the cumulative benefit reaches the cumulative cost.
* Uncertainty: log HR is drawn from its interval (:func:`.effect.sample_hazard_ratios`); the
  interval of every derived figure is the percentile interval of the draws (many draws are
  evaluated on a fine grid of log HR and interpolated: see :func:`_on_grid`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..errors import ConfigError, InputError, Problem
from .effect import Effect, sample_hazard_ratios

TOTAL = "total"
COST_COLUMNS = ("implementation_one_off", "licence_per_year", "internal_effort_per_year")
CASE_COLUMNS = ["vendor", "tco_3y", "prevented_arr", "prevented_arr_ci_lower", "prevented_arr_ci_upper",
                "net_benefit", "roi", "prob_roi_positive", "payback_month", "break_even_hr"]


def survival_with_tool(survival, hazard_ratio):
    """``S(t) ** HR``: survival under a tool that multiplies the churn hazard by ``HR`` (proportional hazards)."""
    s = np.asarray(survival, dtype=float)
    hr = np.asarray(hazard_ratio, dtype=float)
    if np.any(~np.isfinite(hr)) or np.any(hr <= 0):
        raise ConfigError(f"hazard ratio must be > 0; got {hazard_ratio!r}")
    if np.any((s < 0) | (s > 1)) or np.any(np.isnan(s)):
        raise ConfigError("survival probabilities must be between 0 and 1")
    return s ** hr


# ---------------------------------------------------------------------------------------
# Building blocks: monthly baseline, roll-out schedule
# ---------------------------------------------------------------------------------------

def monthly_survival(baseline: pd.DataFrame, *, segment_column: str, segments, months: int) -> pd.DataFrame:
    """Monthly survival ``S(0..months)`` per segment from a baseline table at a few horizons.

    ``baseline`` has ``segment_column``, ``segment``, ``horizon``, ``survival`` (notebook 01's
    ``baseline.csv``). The cumulative hazard ``-log S`` is interpolated linearly between horizons
    (constant hazard within each interval, from ``S(0) = 1``) and extended past the last horizon
    at the last interval's hazard (``extrapolated`` is True there). A segment the baseline does
    not estimate uses the whole base (``segment_column == "all"``) and says so in ``basis``.
    """
    need = {"segment_column", "segment", "horizon", "survival"}
    missing = sorted(need - set(baseline.columns))
    if missing:
        raise InputError([Problem("survival baseline", "header", c, None, "a baseline column",
                                  "use notebook 01's baseline.csv (segment_column, segment, horizon, survival)")
                          for c in missing], source="survival baseline")
    if months < 1:
        raise ConfigError(f"horizon_months must be at least 1; got {months!r}")
    rows = []
    overall = baseline[baseline["segment_column"] == "all"]
    for segment in segments:
        sub = baseline[(baseline["segment_column"] == segment_column) & (baseline["segment"].astype(str) == str(segment))]
        sub = sub[sub["survival"].notna()]
        basis = f"{segment_column}={segment}"
        if sub.empty:
            sub = overall[overall["survival"].notna()]
            basis = f"all customers ({segment_column}={segment} not estimated in the baseline)"
            if sub.empty:
                raise InputError([Problem("survival baseline", "rows", "segment", segment,
                                          f"survival for {segment_column}={segment} or for all customers",
                                          "re-run notebook 01 or check segment_column")], source="survival baseline")
        sub = sub.sort_values("horizon")
        h = sub["horizon"].to_numpy(float)
        s = np.clip(sub["survival"].to_numpy(float), 1e-12, 1.0)
        knots_t = np.concatenate([[0.0], h[h > 0]])
        knots_h = np.concatenate([[0.0], -np.log(s[h > 0])])
        knots_h = np.maximum.accumulate(knots_h)
        t = np.arange(months + 1, dtype=float)
        cum = np.interp(t, knots_t, knots_h)
        last_rate = (knots_h[-1] - knots_h[-2]) / (knots_t[-1] - knots_t[-2]) if len(knots_t) > 1 else 0.0
        beyond = t > knots_t[-1]
        cum = np.where(beyond, knots_h[-1] + last_rate * (t - knots_t[-1]), cum)
        rows.append(pd.DataFrame({"segment": str(segment), "month": t.astype(int), "survival": np.exp(-cum),
                                  "extrapolated": beyond, "basis": basis}))
    return pd.concat(rows, ignore_index=True)


def rollout_schedule(phases: pd.DataFrame, *, months: int) -> pd.DataFrame:
    """Share of accounts covered in each month ``1..months`` from phases (phase, start_month, share).

    ``share`` is the cumulative share of the base covered once the phase has started (pilot 0.1,
    department 0.4, company 1.0); a phase started at month ``m`` covers accounts from month ``m + 1``.
    """
    check_rollout(phases)
    t = np.arange(1, months + 1)
    coverage = np.zeros(months)
    phase = np.array([""] * months, dtype=object)
    for r in phases.sort_values("start_month").itertuples():
        on = t > r.start_month
        coverage = np.where(on, r.share, coverage)
        phase = np.where(on, r.phase, phase)
    return pd.DataFrame({"month": t, "phase": phase, "coverage": coverage})


def check_rollout(phases: pd.DataFrame) -> None:
    problems = []
    for c in ("phase", "start_month", "share"):
        if c not in phases.columns:
            problems.append(Problem("roll-out", "header", c, None, "columns phase, start_month, share", "add it"))
    if problems:
        raise InputError(problems, source="roll-out phases")
    ordered = phases.sort_values("start_month")
    for r in ordered.itertuples():
        if not (isinstance(r.share, (int, float, np.number)) and 0 <= r.share <= 1):
            problems.append(Problem("roll-out", f"phase {r.phase}", "share", r.share,
                                    "a share of accounts between 0 and 1", "e.g. 0.1 for a 10% pilot"))
        if not (isinstance(r.start_month, (int, float, np.number)) and r.start_month >= 0):
            problems.append(Problem("roll-out", f"phase {r.phase}", "start_month", r.start_month,
                                    "a month >= 0 (0 = go-live)", "give months after go-live"))
    if not problems and (np.diff(ordered["share"].to_numpy(float)) < 0).any():
        problems.append(Problem("roll-out", "phases", "share", list(ordered["share"]),
                                "shares that grow with each later phase (cumulative share covered)",
                                "give the share covered once each phase has started, e.g. 0.1, 0.4, 1.0"))
    if problems:
        raise InputError(problems, source="roll-out phases")


# ---------------------------------------------------------------------------------------
# The scenario and its engine
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """Everything but the effect and the vendor: baseline, base, roll-out, margin, hours saved."""

    survival: pd.DataFrame  # segment, month (0..T + longest tenure), survival
    portfolio: pd.DataFrame  # segment, accounts, arr[, tenure_months]
    rollout: pd.DataFrame  # phase, start_month, share
    horizon_months: int
    gross_margin: float
    cs_hours_saved_per_month: float = 0.0  # at full coverage
    cs_hourly_cost: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def segments(self) -> list[str]:
        """Segment names in the portfolio's order (each once)."""
        return list(dict.fromkeys(self.row_segments))

    @property
    def row_segments(self) -> list[str]:
        return [str(s) for s in self.portfolio["segment"]]

    def tenures(self) -> np.ndarray:
        if "tenure_months" not in self.portfolio:
            return np.zeros(len(self.portfolio), dtype=int)
        return self.portfolio["tenure_months"].to_numpy(int)

    def survival_matrix(self) -> np.ndarray:
        """(rows, T + 1) survival of each portfolio row over the horizon, conditional on its tenure."""
        wide = self.survival.pivot(index="segment", columns="month", values="survival")
        curves = wide.loc[self.row_segments].to_numpy(float)
        a = self.tenures()
        idx = a[:, None] + np.arange(self.horizon_months + 1)[None, :]
        window = np.take_along_axis(curves, idx, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(window[:, :1] > 0, window / window[:, :1], 0.0)

    def segment_matrix(self) -> np.ndarray:
        """(rows, segments) indicator used to add rows up to segments."""
        rows = np.array(self.row_segments, dtype=object)
        return (rows[:, None] == np.array(self.segments, dtype=object)[None, :]).astype(float)

    def coverage(self) -> np.ndarray:
        return rollout_schedule(self.rollout, months=self.horizon_months)["coverage"].to_numpy(float)


def make_scenario(survival: pd.DataFrame, portfolio: pd.DataFrame, rollout: pd.DataFrame, *, horizon_months: int,
                  gross_margin: float, cs_hours_saved_per_month: float = 0.0, cs_hourly_cost: float = 0.0,
                  notes=()) -> Scenario:
    """Validate the pieces and build a :class:`Scenario` (errors name the parameter and the fix)."""
    if not isinstance(gross_margin, (int, float, np.number)) or not 0 <= gross_margin <= 1:
        raise ConfigError(f"gross_margin must be a share between 0 and 1 (e.g. 0.75 for 75%); got {gross_margin!r}.")
    if not isinstance(horizon_months, (int, np.integer)) or horizon_months < 1:
        raise ConfigError(f"horizon_months must be a whole number of months >= 1 (36 matches the 3-year cost); "
                          f"got {horizon_months!r}.")
    for name, value in (("cs_hours_saved_per_month", cs_hours_saved_per_month), ("cs_hourly_cost", cs_hourly_cost)):
        if not math.isfinite(value) or value < 0:
            raise ConfigError(f"{name} must be >= 0 (0 leaves CS hours saved out); got {value!r}.")
    check_portfolio(portfolio)
    check_rollout(rollout)
    have = set(survival["segment"].astype(str))
    lost = [s for s in portfolio["segment"].astype(str) if s not in have]
    if lost:
        raise InputError([Problem("survival baseline", "rows", "segment", s, "a monthly survival curve for the segment",
                                  "build it with monthly_survival over the portfolio's segments") for s in lost],
                         source="survival baseline")
    longest = int(portfolio["tenure_months"].max()) if "tenure_months" in portfolio and len(portfolio) else 0
    if survival["month"].max() < horizon_months + longest:
        raise ConfigError(f"the monthly survival stops at month {survival['month'].max()}, before horizon_months "
                          f"{horizon_months} + the longest tenure {longest}: rebuild it with "
                          f"months={horizon_months + longest}")
    return Scenario(survival, portfolio.reset_index(drop=True), rollout.reset_index(drop=True), int(horizon_months),
                    float(gross_margin), float(cs_hours_saved_per_month), float(cs_hourly_cost), tuple(notes))


def build_scenario(baseline: pd.DataFrame, portfolio: pd.DataFrame, rollout: pd.DataFrame, *, segment_column: str,
                   horizon_months: int, gross_margin: float, cs_hours_saved_per_month: float = 0.0,
                   cs_hourly_cost: float = 0.0, notes=()) -> Scenario:
    """:func:`monthly_survival` long enough for the portfolio's longest tenure, then :func:`make_scenario`."""
    check_portfolio(portfolio)
    if not isinstance(horizon_months, (int, np.integer)) or horizon_months < 1:
        raise ConfigError(f"horizon_months must be a whole number of months >= 1 (36 matches the 3-year cost); "
                          f"got {horizon_months!r}.")
    longest = int(portfolio["tenure_months"].max()) if "tenure_months" in portfolio and len(portfolio) else 0
    segments = list(dict.fromkeys(portfolio["segment"].astype(str)))
    survival = monthly_survival(baseline, segment_column=segment_column, segments=segments,
                                months=int(horizon_months) + longest)
    notes = list(notes)
    for basis in survival.drop_duplicates("segment")["basis"]:
        if basis.startswith("all customers"):
            notes.append(f"Survival baseline: {basis}; the whole base's curve is used for it.")
    return make_scenario(survival, portfolio, rollout, horizon_months=horizon_months, gross_margin=gross_margin,
                         cs_hours_saved_per_month=cs_hours_saved_per_month, cs_hourly_cost=cs_hourly_cost, notes=notes)


def extrapolated_arr_share(scenario: Scenario) -> float:
    """Share of the base's ARR whose horizon reaches past the baseline's last horizon (constant hazard there)."""
    flagged = scenario.survival[scenario.survival["extrapolated"]] if "extrapolated" in scenario.survival else None
    if flagged is None or flagged.empty:
        return 0.0
    first = flagged.groupby("segment")["month"].min()
    starts = first.reindex(scenario.row_segments).to_numpy(float)
    reach = scenario.tenures() + scenario.horizon_months
    arr = scenario.portfolio["arr"].to_numpy(float)
    return float(arr[reach >= starts].sum() / arr.sum()) if arr.sum() else 0.0


def check_portfolio(portfolio: pd.DataFrame) -> None:
    problems = []
    for c in ("segment", "accounts", "arr"):
        if c not in portfolio.columns:
            problems.append(Problem("active base", "header", c, None, "columns segment, accounts, arr",
                                    "build it with portfolio_from_customers"))
    if problems:
        raise InputError(problems, source="active base")
    for r in portfolio.itertuples():
        if pd.isna(r.arr):
            problems.append(Problem("active base", f"segment {r.segment}", "arr", None, "the segment's ARR",
                                    "fill the ARR of its accounts in the customer table"))
        elif r.arr < 0:
            problems.append(Problem("active base", f"segment {r.segment}", "arr", r.arr, "ARR >= 0", "correct the ARR"))
        if pd.isna(r.accounts) or r.accounts < 0:
            problems.append(Problem("active base", f"segment {r.segment}", "accounts", r.accounts,
                                    "a number of accounts >= 0", "correct the count"))
    if problems:
        raise InputError(problems, source="active base")


def _gain(surv: np.ndarray, hr: np.ndarray, rollout: pd.DataFrame) -> np.ndarray:
    """Retention gain ``g`` with shape (draws, segments, T + 1) for hazard ratios ``hr`` (draws,)."""
    hr = np.asarray(hr, dtype=float).reshape(-1, 1, 1)
    s = surv[None, :, :]
    g = np.zeros((hr.shape[0], surv.shape[0], surv.shape[1]))
    previous = 0.0
    for r in rollout.sort_values("start_month").itertuples():
        dc = float(r.share) - previous
        previous = float(r.share)
        if dc <= 0:
            continue
        m = int(min(round(r.start_month), surv.shape[1] - 1))
        # Covered from month m: S(m) * (S(t) / S(m)) ** HR for t > m.
        sm = surv[:, m:m + 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ratio = np.where(sm > 0, np.log(np.clip(surv[:, m + 1:], 1e-300, None)) - np.log(np.clip(sm, 1e-300, None)),
                                 0.0)
        covered = np.where(sm > 0, sm * np.exp(hr * log_ratio[None, :, :]), 0.0)
        g[:, :, m + 1:] += dc * (covered - s[:, :, m + 1:])
    return g


GRID_POINTS = 1025  # many draws: exact values on this grid of log HR, linearly interpolated in between


def _on_grid(hr: np.ndarray, exact) -> np.ndarray:
    """``exact(hr)`` (shape (draws, k)) for many draws: evaluate on a log-HR grid and interpolate.

    Every output is a smooth function of log HR, so linear interpolation on ``GRID_POINTS``
    points over the draws' range is accurate to about 1e-6 of the largest value (checked in the
    tests); up to ``GRID_POINTS`` draws are evaluated exactly.
    """
    if hr.size <= GRID_POINTS:
        return exact(hr)
    log_hr = np.log(hr)
    grid = np.linspace(log_hr.min(), log_hr.max(), GRID_POINTS)
    values = exact(np.exp(grid))
    return np.column_stack([np.interp(log_hr, grid, values[:, j]) for j in range(values.shape[1])])


def _chunks(n_draws: int, rows: int, months: int, budget: int = 2_000_000):
    step = max(1, budget // max(rows * months, 1))
    for start in range(0, n_draws, step):
        yield slice(start, min(start + step, n_draws))


def prevented_by_segment(scenario: Scenario, hazard_ratios) -> dict[str, np.ndarray]:
    """Prevented accounts and ARR at the horizon, per draw: arrays (draws, segments) in ``scenario.segments`` order."""
    hr = np.atleast_1d(np.asarray(hazard_ratios, dtype=float))
    surv = scenario.survival_matrix()
    to_seg = scenario.segment_matrix()
    weights = np.concatenate([scenario.portfolio["accounts"].to_numpy(float)[:, None] * to_seg,
                              scenario.portfolio["arr"].to_numpy(float)[:, None] * to_seg], axis=1)

    def exact(h: np.ndarray) -> np.ndarray:
        out = np.empty((h.size, weights.shape[1]))
        for part in _chunks(h.size, surv.shape[0], surv.shape[1]):
            out[part] = _gain(surv, h[part], scenario.rollout)[:, :, -1] @ weights
        return out

    both = _on_grid(hr, exact)
    k = to_seg.shape[1]
    return {"accounts": both[:, :k], "arr": both[:, k:]}


def monthly_benefit(scenario: Scenario, hazard_ratios) -> np.ndarray:
    """Benefit in months 1..T per draw: margin x retained revenue + CS hours saved; shape (draws, T)."""
    hr = np.atleast_1d(np.asarray(hazard_ratios, dtype=float))
    surv = scenario.survival_matrix()
    arr = scenario.portfolio["arr"].to_numpy(float)

    def exact(h: np.ndarray) -> np.ndarray:
        out = np.empty((h.size, scenario.horizon_months))
        for part in _chunks(h.size, surv.shape[0], surv.shape[1]):
            out[part] = np.einsum("dst,s->dt", _gain(surv, h[part], scenario.rollout)[:, :, 1:], arr / 12.0)
        return out

    revenue = _on_grid(hr, exact)
    hours = scenario.cs_hours_saved_per_month * scenario.cs_hourly_cost * scenario.coverage()
    return scenario.gross_margin * revenue + hours[None, :]


# ---------------------------------------------------------------------------------------
# Expected churn with and without the tool
# ---------------------------------------------------------------------------------------

def expected_churn(scenario: Scenario, *, hazard_ratio: float) -> pd.DataFrame:
    """Expected churned accounts and ARR by the horizon without and with the tool, per segment and in total."""
    surv = scenario.survival_matrix()
    g = _gain(surv, [hazard_ratio], scenario.rollout)[0, :, -1]
    acc = scenario.portfolio["accounts"].to_numpy(float)
    arr = scenario.portfolio["arr"].to_numpy(float)
    s_t = surv[:, -1]
    rows = pd.DataFrame({
        "segment": scenario.row_segments, "accounts": acc, "arr": arr,
        "churned_accounts_without": acc * (1 - s_t), "churned_accounts_with": acc * (1 - s_t - g),
        "prevented_accounts": acc * g,
        "churned_arr_without": arr * (1 - s_t), "churned_arr_with": arr * (1 - s_t - g), "prevented_arr": arr * g,
    })
    out = rows.groupby("segment", sort=False).sum().reindex(scenario.segments).reset_index()
    total = out.drop(columns="segment").sum()
    out = pd.concat([out, pd.DataFrame([{"segment": TOTAL, **total.to_dict()}])], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out.insert(3, "survival_without", 1 - out["churned_accounts_without"] / out["accounts"])
        out.insert(4, "survival_with", 1 - out["churned_accounts_with"] / out["accounts"])
    return out.assign(horizon_months=scenario.horizon_months, hazard_ratio=float(hazard_ratio))


def churn_curves(scenario: Scenario, *, hazard_ratio: float) -> pd.DataFrame:
    """Expected active accounts of the whole base by month, without and with the tool (for the chart)."""
    surv = scenario.survival_matrix()
    g = _gain(surv, [hazard_ratio], scenario.rollout)[0]
    acc = scenario.portfolio["accounts"].to_numpy(float)
    without = acc @ surv
    with_tool = acc @ (surv + g)
    months = np.arange(surv.shape[1])
    return pd.concat([pd.DataFrame({"month": months, "scenario": "without the tool", "active_accounts": without}),
                      pd.DataFrame({"month": months, "scenario": "with the tool", "active_accounts": with_tool})],
                     ignore_index=True)


def _interval(draws: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    return np.quantile(draws, alpha / 2, axis=0), np.quantile(draws, 1 - alpha / 2, axis=0)


def prevented_churn(scenario: Scenario, effect: Effect, *, simulations: int = 10_000, seed: int | None = 0,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Prevented accounts and ARR by the horizon, per segment and in total, with Monte Carlo intervals.

    ``accounts``/``arr`` are at the effect's estimate; ``*_ci_lower``/``*_ci_upper`` the
    ``1 - alpha`` percentile interval over ``simulations`` draws of log HR (seeded).
    """
    _check_alpha(alpha)
    point = prevented_by_segment(scenario, [effect.hazard_ratio])
    draws = prevented_by_segment(scenario, sample_hazard_ratios(effect, n=simulations, seed=seed))
    rows = []
    names = scenario.segments + [TOTAL]
    stats_ = {}
    for key in ("accounts", "arr"):
        p = np.concatenate([point[key][0], [point[key][0].sum()]])
        d = np.concatenate([draws[key], draws[key].sum(axis=1, keepdims=True)], axis=1)
        lo, hi = _interval(d, alpha)
        stats_[key] = (p, lo, hi)
    for i, name in enumerate(names):
        rows.append({"segment": name,
                     "prevented_accounts": stats_["accounts"][0][i], "prevented_accounts_ci_lower": stats_["accounts"][1][i],
                     "prevented_accounts_ci_upper": stats_["accounts"][2][i],
                     "prevented_arr": stats_["arr"][0][i], "prevented_arr_ci_lower": stats_["arr"][1][i],
                     "prevented_arr_ci_upper": stats_["arr"][2][i]})
    return pd.DataFrame(rows).assign(interval_level=1 - alpha, effect_source=effect.source)


def _check_alpha(alpha: float) -> None:
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1 (e.g. 0.05 for 95% intervals); got {alpha!r}")


# ---------------------------------------------------------------------------------------
# Vendors: costs, net benefit, ROI, payback, break-even
# ---------------------------------------------------------------------------------------

def check_costs(costs: pd.DataFrame, *, source: str = "vendor costs") -> pd.DataFrame:
    """Validate the vendor cost table (vendor + the three cost components); return it with ``tco_3y``."""
    problems = []
    missing = [c for c in ("vendor", *COST_COLUMNS) if c not in costs.columns]
    if missing:
        raise InputError([Problem(source, "header", c, None, "a cost column (vendor, implementation_one_off, "
                                  "licence_per_year, internal_effort_per_year)", "use workbench.vendors.vendor_costs")
                          for c in missing], source=source)
    if costs.empty:
        raise InputError([Problem(source, "file", "", "no vendors", "one row per vendor", "check vendor_evals_dir")],
                         source=source)
    for i, r in costs.reset_index(drop=True).iterrows():
        for c in COST_COLUMNS:
            value = pd.to_numeric(pd.Series([r[c]]), errors="coerce").iloc[0]
            if pd.isna(value):
                problems.append(Problem(source, f"vendor {r['vendor']}", c, None if pd.isna(r[c]) else r[c],
                                        "a cost figure (0 if none)",
                                        "fill the vendor's cost: section; a vendor without cost cannot be compared"))
            elif value < 0:
                problems.append(Problem(source, f"vendor {r['vendor']}", c, r[c], "a cost >= 0",
                                        "enter costs as positive amounts"))
    if problems:
        raise InputError(problems, source=source)
    out = costs[["vendor", *COST_COLUMNS]].copy()
    for c in COST_COLUMNS:
        out[c] = pd.to_numeric(out[c]).astype(float)
    out["tco_3y"] = 3 * (out["licence_per_year"] + out["internal_effort_per_year"]) + out["implementation_one_off"]
    return out.reset_index(drop=True)


def monthly_cost(costs: pd.DataFrame, *, months: int) -> np.ndarray:
    """Cost in months 1..T per vendor (vendors, T): implementation in month 1, then yearly costs / 12."""
    yearly = (costs["licence_per_year"] + costs["internal_effort_per_year"]).to_numpy(float)
    out = np.repeat((yearly / 12.0)[:, None], months, axis=1)
    out[:, 0] += costs["implementation_one_off"].to_numpy(float)
    return out


def payback_month(cum_benefit: np.ndarray, cum_cost: np.ndarray) -> float:
    """First month (1-based) at which cumulative benefit reaches cumulative cost; NaN if not within the horizon."""
    hit = np.nonzero(cum_benefit >= cum_cost)[0]
    return float(hit[0] + 1) if hit.size else float("nan")


def break_even_hazard_ratio(scenario: Scenario, *, cost: float) -> float:
    """The hazard ratio at which the benefit over the horizon equals ``cost`` (net benefit 0).

    Solved with Brent's method on (1e-6, 50). NaN when even a near-zero hazard ratio does not
    pay back (the tool cannot pay for itself over this horizon and base). Above 1 when CS hours
    saved alone cover the cost.
    """
    def net(hr: float) -> float:
        return float(monthly_benefit(scenario, [hr]).sum() - cost)

    lo, hi = 1e-6, 50.0
    f_lo, f_hi = net(lo), net(hi)
    if f_lo < 0:
        return float("nan")
    if f_hi > 0:
        return float("inf")
    return float(optimize.brentq(net, lo, hi, xtol=1e-10, rtol=1e-12))


@dataclass(frozen=True)
class BusinessCase:
    """Per-vendor results. ``table`` has exactly the ``business_case.csv`` columns; ``detail`` adds the
    horizon cost, intervals of net benefit and ROI; ``cumulative`` is the monthly cumulative benefit and
    cost per vendor (for the payback chart); ``prevented`` the prevented churn per segment and in total."""

    table: pd.DataFrame
    detail: pd.DataFrame
    cumulative: pd.DataFrame
    prevented: pd.DataFrame
    effect: Effect
    horizon_months: int
    simulations: int
    seed: int | None


def business_case(scenario: Scenario, effect: Effect, costs: pd.DataFrame, *, simulations: int = 10_000,
                  seed: int | None = 0, alpha: float = 0.05) -> BusinessCase:
    """Net benefit, ROI, payback month, P(ROI > 0) and break-even hazard ratio per vendor.

    Point figures use the effect's estimate; intervals and P(ROI > 0) come from ``simulations``
    seeded draws of log HR. The cost over the horizon is the implementation plus the yearly costs
    for ``horizon_months`` months (equal to ``tco_3y`` at 36 months).
    """
    _check_alpha(alpha)
    costs = check_costs(costs)
    T = scenario.horizon_months
    hr_draws = sample_hazard_ratios(effect, n=simulations, seed=seed)
    benefit_point = monthly_benefit(scenario, [effect.hazard_ratio])[0]
    benefit_draws = monthly_benefit(scenario, hr_draws).sum(axis=1)
    prevented = prevented_churn(scenario, effect, simulations=simulations, seed=seed, alpha=alpha)
    total = prevented[prevented["segment"] == TOTAL].iloc[0]
    cost_m = monthly_cost(costs, months=T)
    rows, detail, cumulative = [], [], []
    for i, r in costs.iterrows():
        cost = float(cost_m[i].sum())
        net_point = float(benefit_point.sum() - cost)
        net_draws = benefit_draws - cost
        roi_draws = net_draws / cost if cost > 0 else np.full_like(net_draws, np.inf)
        cum_b, cum_c = np.cumsum(benefit_point), np.cumsum(cost_m[i])
        pay = payback_month(cum_b, cum_c)
        be = break_even_hazard_ratio(scenario, cost=cost)
        roi = net_point / cost if cost > 0 else float("inf")
        rows.append({"vendor": r["vendor"], "tco_3y": float(r["tco_3y"]), "prevented_arr": float(total["prevented_arr"]),
                     "prevented_arr_ci_lower": float(total["prevented_arr_ci_lower"]),
                     "prevented_arr_ci_upper": float(total["prevented_arr_ci_upper"]),
                     "net_benefit": net_point, "roi": roi, "prob_roi_positive": float(np.mean(net_draws > 0)),
                     "payback_month": pay, "break_even_hr": be})
        nlo, nhi = _interval(net_draws, alpha)
        rlo, rhi = _interval(roi_draws, alpha)
        detail.append({"vendor": r["vendor"], "cost_over_horizon": cost, "benefit": float(benefit_point.sum()),
                       "net_benefit": net_point, "net_benefit_ci_lower": float(nlo), "net_benefit_ci_upper": float(nhi),
                       "roi": roi, "roi_ci_lower": float(rlo), "roi_ci_upper": float(rhi),
                       "prob_roi_positive": float(np.mean(net_draws > 0)), "payback_month": pay,
                       "break_even_hr": be, "hr_margin": (be - effect.hazard_ratio) if np.isfinite(be) else np.nan})
        cumulative.append(pd.DataFrame({"vendor": r["vendor"], "month": np.arange(1, T + 1),
                                        "cumulative_benefit": cum_b, "cumulative_cost": cum_c}))
    return BusinessCase(pd.DataFrame(rows, columns=CASE_COLUMNS), pd.DataFrame(detail),
                        pd.concat(cumulative, ignore_index=True), prevented, effect, T, simulations, seed)


# ---------------------------------------------------------------------------------------
# Sensitivity (tornado)
# ---------------------------------------------------------------------------------------

def _net(scenario: Scenario, hr: float, cost_row: pd.DataFrame) -> float:
    cost = float(monthly_cost(cost_row, months=scenario.horizon_months).sum())
    return float(monthly_benefit(scenario, [hr]).sum() - cost)


def sensitivity(scenario: Scenario, effect: Effect, costs: pd.DataFrame, *, vendor: str,
                arr_change: float = 0.2, churn_change: float = 0.2, margin_change: float = 0.1,
                cost_change: float = 0.2, delay_months: int = 6) -> pd.DataFrame:
    """One-at-a-time sensitivity of one vendor's net benefit (the tornado chart's table).

    Each input moves to a low and a high setting while the others stay at their base value:
    hazard ratio (interval ends), baseline churn (cumulative hazard x (1 -/+ churn_change)), ARR
    (x (1 -/+ arr_change)), gross margin (-/+ margin_change), vendor cost (x (1 +/- cost_change)),
    roll-out timing (later phases ``delay_months`` later / earlier) and CS hours saved (none / x1.5).
    Rows are sorted by swing (largest first).
    """
    costs = check_costs(costs)
    row = costs[costs["vendor"] == vendor]
    if row.empty:
        raise ConfigError(f"vendor {vendor!r} is not in the cost table; vendors: {', '.join(costs['vendor'])}")
    base = _net(scenario, effect.hazard_ratio, row)

    def scaled_cost(f: float) -> pd.DataFrame:
        return row.assign(**{c: row[c] * f for c in COST_COLUMNS})

    def survival_power(p: float) -> Scenario:
        return replace(scenario, survival=scenario.survival.assign(survival=scenario.survival["survival"] ** p))

    def shift(months: int) -> Scenario:
        ro = scenario.rollout.sort_values("start_month").reset_index(drop=True).copy()
        first = ro["start_month"].iloc[0]
        ro.loc[1:, "start_month"] = (ro.loc[1:, "start_month"] + months).clip(lower=first)
        return replace(scenario, rollout=ro)

    hr = effect.hazard_ratio
    m = scenario.gross_margin
    cases = [
        ("hazard ratio", f"{effect.ci_upper:.2f} (interval end)", f"{effect.ci_lower:.2f} (interval end)",
         _net(scenario, effect.ci_upper, row), _net(scenario, effect.ci_lower, row)),
        ("baseline churn", f"-{churn_change:.0%}", f"+{churn_change:.0%}",
         _net(survival_power(1 - churn_change), hr, row), _net(survival_power(1 + churn_change), hr, row)),
        ("ARR of the base", f"-{arr_change:.0%}", f"+{arr_change:.0%}",
         _net(replace(scenario, portfolio=scenario.portfolio.assign(arr=scenario.portfolio["arr"] * (1 - arr_change))), hr, row),
         _net(replace(scenario, portfolio=scenario.portfolio.assign(arr=scenario.portfolio["arr"] * (1 + arr_change))), hr, row)),
        ("gross margin", f"{max(m - margin_change, 0):.0%}", f"{min(m + margin_change, 1):.0%}",
         _net(replace(scenario, gross_margin=max(m - margin_change, 0.0)), hr, row),
         _net(replace(scenario, gross_margin=min(m + margin_change, 1.0)), hr, row)),
        ("vendor cost", f"+{cost_change:.0%}", f"-{cost_change:.0%}",
         _net(scenario, hr, scaled_cost(1 + cost_change)), _net(scenario, hr, scaled_cost(1 - cost_change))),
        ("roll-out timing", f"{delay_months} months later", f"{delay_months} months earlier",
         _net(shift(delay_months), hr, row), _net(shift(-delay_months), hr, row)),
    ]
    if scenario.cs_hours_saved_per_month > 0 and scenario.cs_hourly_cost > 0:
        cases.append(("CS hours saved", "none", "x1.5",
                      _net(replace(scenario, cs_hours_saved_per_month=0.0), hr, row),
                      _net(replace(scenario, cs_hours_saved_per_month=scenario.cs_hours_saved_per_month * 1.5), hr, row)))
    out = pd.DataFrame(cases, columns=["input", "low_setting", "high_setting", "net_benefit_low", "net_benefit_high"])
    out["base_net_benefit"] = base
    out["swing"] = (out["net_benefit_high"] - out["net_benefit_low"]).abs()
    return out.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True).assign(vendor=vendor)


def delta_method_interval(scenario: Scenario, effect: Effect, *, alpha: float = 0.05) -> tuple[float, float]:
    """Delta-method interval of the total prevented ARR: point +/- z |d prevented / d log HR| se."""
    eps = 1e-6
    hr = effect.hazard_ratio
    f = lambda h: float(prevented_by_segment(scenario, [h])["arr"].sum())  # noqa: E731
    deriv = (f(hr * math.exp(eps)) - f(hr * math.exp(-eps))) / (2 * eps)
    z = float(stats.norm.ppf(1 - alpha / 2))
    point = f(hr)
    return point - z * abs(deriv) * effect.log_se, point + z * abs(deriv) * effect.log_se
