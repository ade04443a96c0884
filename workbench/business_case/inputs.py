"""The business case's inputs: from this cycle's saved results, or recomputed from the sample data.

When the suite runner gives ``cycle_dir``, the survival baseline, the pilot's hazard ratio and the
vendor costs are read from what notebooks 01, 02 and 03 saved there (one that is missing is recomputed,
with a note). Run on its own (``cycle_dir``
empty), the same inputs are recomputed from the customer table, the pilot folder and the vendor
evaluations with the same package functions and defaults those notebooks use. The active base
(accounts and ARR per segment) always comes from the customer table.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, Problem
from ..schemas import row_label
from .effect import Effect, make_effect

BASELINE_NOTEBOOK = "01_churn_survival"
VENDOR_NOTEBOOK = "02_vendor_scoring"
PILOT_NOTEBOOK = "03_pilot_evaluation"
HR_METRIC = "retention_hazard_ratio"
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class CaseInputs:
    """Inputs of the business case and where each came from (``sources``: input, source, detail)."""

    baseline: pd.DataFrame
    portfolio: pd.DataFrame
    effect: Effect
    costs: pd.DataFrame
    sources: pd.DataFrame
    notes: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------
# Pure pieces
# ---------------------------------------------------------------------------------------

def portfolio_from_customers(frame: pd.DataFrame, *, as_of: str, segment_column: str, arr_col: str = "arr",
                             missing_arr: str = "error", by_tenure: bool = False,
                             source: str = "customer table") -> tuple[pd.DataFrame, list[str]]:
    """Active accounts at ``as_of`` and their ARR per segment: (table segment, accounts, arr, mean_arr; notes).

    With ``by_tenure`` the rows are (segment, tenure_months): whole months of 30.4375 days since
    the start, so the business case can use each group's survival conditional on the tenure it
    has reached. Active: started on or before ``as_of`` and no churn date on or before it. ``missing_arr``:
    ``"error"`` (default) reports every active account with a blank ARR; ``"segment_mean"`` fills
    them with their segment's mean ARR and says how many were filled.
    """
    if missing_arr not in ("error", "segment_mean"):
        raise ConfigError(f"missing_arr must be 'error' or 'segment_mean'; got {missing_arr!r}")
    problems = [Problem(source, "header", c, None, f"a column '{c}'",
                        "add it to the customer table" + (" (annual recurring revenue per account)" if c == arr_col else
                                                          " or change segment_column"))
                for c in ("start_date", "churn_date", segment_column, arr_col) if c not in frame.columns]
    if problems:
        raise InputError(problems, source=source)
    try:
        as_of_ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"as_of must be a date like '2026-10-31'; got {as_of!r}") from exc
    start = pd.to_datetime(frame["start_date"], errors="coerce")
    churn = pd.to_datetime(frame["churn_date"], errors="coerce")
    active = (start <= as_of_ts) & (churn.isna() | (churn > as_of_ts))
    data = frame.loc[active].copy()
    arr = pd.to_numeric(data[arr_col], errors="coerce")
    segment = data[segment_column].astype("string").str.strip().fillna("unknown").replace("", "unknown")
    notes = []
    blank = arr.isna()
    if blank.any():
        if missing_arr == "error":
            rows = list(data.index[blank.to_numpy()])[:40]
            raise InputError([Problem(source, row_label(r), arr_col, None,
                                      "the account's ARR (active accounts need it for the business case)",
                                      "fill the ARR, or set missing_arr: 'segment_mean' to fill blanks with the "
                                      "segment's mean (stated in the report)") for r in rows], source=source)
        means = arr.groupby(segment).transform("mean")
        arr = arr.fillna(means)
        notes.append(f"{int(blank.sum())} active account(s) without ARR were given their segment's mean ARR "
                     "(missing_arr: segment_mean).")
        if arr.isna().any():
            raise InputError([Problem(source, "column", arr_col, None, "at least one ARR per segment",
                                      "fill the ARR of at least one account per segment")], source=source)
    if (arr < 0).any():
        negative = arr[arr < 0]
        raise InputError([Problem(source, row_label(i), arr_col, float(v), "ARR >= 0", "correct the ARR")
                          for i, v in negative.head(40).items()], source=source)
    if not active.any():
        raise InputError([Problem(source, "rows", "churn_date", None, f"active accounts at as_of {as_of}",
                                  "check as_of and the churn dates")], source=source)
    keys = ["segment", "tenure_months"] if by_tenure else ["segment"]
    tenure = np.floor((as_of_ts - start.loc[active]).dt.days.to_numpy() / DAYS_PER_MONTH).astype(int)
    table = (pd.DataFrame({"segment": segment.to_numpy(), "tenure_months": tenure, "arr": arr.to_numpy()})
             .groupby(keys, sort=True)["arr"].agg(accounts="size", arr="sum").reset_index())
    table["accounts"] = table["accounts"].astype(float)
    table["mean_arr"] = table["arr"] / table["accounts"]
    return table, notes


def segment_totals(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Accounts, ARR, mean ARR and median tenure per segment (for display), whatever the portfolio's rows."""
    out = portfolio.groupby("segment", sort=True)[["accounts", "arr"]].sum().reset_index()
    out["mean_arr"] = out["arr"] / out["accounts"]
    if "tenure_months" in portfolio:
        med = {}
        for seg, sub in portfolio.groupby("segment", sort=True):
            sub = sub.sort_values("tenure_months")
            cum = sub["accounts"].cumsum().to_numpy()
            med[seg] = float(sub["tenure_months"].to_numpy()[np.searchsorted(cum, cum[-1] / 2)])
        out["median_tenure_months"] = out["segment"].map(med)
    return out


def effect_from_result(estimate, ci_lower, ci_upper, *, level: float, verdict: str = "",
                       label: str = "pilot") -> Effect | None:
    """The pilot's hazard ratio as an :class:`Effect`; None when it was not estimable (NaN / missing).

    An inconclusive verdict (or an interval containing 1) keeps the whole interval and is flagged,
    so the business case carries it as the wide interval it is.
    """
    values = [estimate, ci_lower, ci_upper]
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values):
        return None
    conclusive = verdict != "inconclusive" and not (ci_lower <= 1 <= ci_upper)
    return make_effect(float(estimate), float(ci_lower), float(ci_upper), level=level, source="pilot",
                       label=label, conclusive=conclusive)


def assumed_effect(hazard_ratio: float, hr_range: list, *, level: float) -> Effect:
    """An assumed effect: a hazard ratio and a plausible range read as an interval at ``level``."""
    if not isinstance(hr_range, (list, tuple)) or len(hr_range) != 2:
        raise ConfigError(f"assumed_hr_range must be two numbers [low, high], e.g. [0.7, 1.0]; got {hr_range!r}")
    return make_effect(hazard_ratio, hr_range[0], hr_range[1], level=level, source="assumed",
                       label="assumed range (parameters assumed_hazard_ratio, assumed_hr_range)", conclusive=False)


# ---------------------------------------------------------------------------------------
# Reading from the cycle or recomputing
# ---------------------------------------------------------------------------------------

def _cycle_file(cycle_dir: Path, notebook: str, name: str) -> Path:
    path = cycle_dir / notebook / name
    if not path.exists():
        raise InputError([Problem(str(path), "file", "", None, f"{name} saved by {notebook}",
                                  f"run {notebook} in this cycle first (the runner does so when it is listed)")],
                         source=str(path))
    return path


def baseline_from_customers(frame: pd.DataFrame, *, as_of: str, segment_column: str, horizons: list,
                            source: str = "customer table") -> pd.DataFrame:
    """Notebook 01's baseline table (Kaplan-Meier at ``horizons``, overall and per segment) recomputed."""
    from .. import survival as sv

    data = sv.prepare_survival_data(frame, start_col="start_date", end_col="churn_date", as_of=as_of,
                                    time_unit="months", id_col="customer_id" if "customer_id" in frame else None,
                                    segment_cols=[segment_column], source=source)
    at_h = sv.survival_tables(data.frame, segment_cols=[segment_column], horizons=list(horizons))["survival_at_horizons"]
    return at_h[["segment_column", "segment", "horizon", "survival", "cumulative_hazard", "ci_lower", "ci_upper",
                 "n", "events", "at_risk"]]


def pilot_effect_from_cycle(cycle_dir: Path) -> tuple[Effect | None, str]:
    path = _cycle_file(cycle_dir, PILOT_NOTEBOOK, "summary.json")
    summary = json.loads(path.read_text(encoding="utf-8"))
    level, verdict = 0.95, ""
    verdicts_path = cycle_dir / PILOT_NOTEBOOK / "verdicts.csv"
    if verdicts_path.exists():
        v = pd.read_csv(verdicts_path)
        row = v[v.get("metric", pd.Series(dtype=str)) == HR_METRIC] if "metric" in v else v.iloc[0:0]
        if len(row):
            found = float(row["interval_level"].iloc[0]) if "interval_level" in row else float("nan")
            level = found if 0 < found < 1 else level
            verdict = str(row["verdict"].iloc[0]) if "verdict" in row else ""
    for key in ("hazard_ratio", "hazard_ratio_ci_lower", "hazard_ratio_ci_upper"):
        if key not in summary:
            raise InputError([Problem(str(path), "file", key, None, "the pilot's hazard ratio figures",
                                      "re-run 03_pilot_evaluation")], source=str(path))
    effect = effect_from_result(summary["hazard_ratio"], summary["hazard_ratio_ci_lower"],
                                summary["hazard_ratio_ci_upper"], level=level, verdict=verdict,
                                label=f"pilot {summary.get('pilot_id', '')} (verdict: {verdict or 'n/a'})")
    return effect, str(path)


def pilot_effect_recomputed(pilot_dir: str, criteria_path: str) -> tuple[Effect | None, str]:
    from .. import pilot as wp

    criteria = wp.load_criteria(criteria_path)
    data = wp.load_pilot(pilot_dir, window=(criteria.model.window.start, criteria.model.window.end))
    evaluation = wp.evaluate_pilot(data, criteria)
    hr = evaluation.hazard_ratio
    if hr is None:
        return None, f"{pilot_dir} + {criteria_path}"
    v = evaluation.verdicts
    row = v[v["metric"] == HR_METRIC] if "metric" in v else v.iloc[0:0]
    verdict = str(row["verdict"].iloc[0]) if len(row) else ""
    level = float(row["interval_level"].iloc[0]) if len(row) and "interval_level" in row else 1 - hr.alpha
    effect = effect_from_result(hr.estimate, hr.ci_lower, hr.ci_upper, level=level, verdict=verdict,
                                label=f"pilot {criteria.model.pilot_id} (verdict: {verdict or 'n/a'})")
    return effect, f"{pilot_dir} + {criteria_path} (recomputed)"


def costs_recomputed(rubric_path: str, vendor_evals_dir: str) -> pd.DataFrame:
    from .. import vendors as wv

    rubric = wv.load_rubric(rubric_path)
    return wv.vendor_costs(wv.load_evaluations(vendor_evals_dir, rubric))


def load_inputs(*, cycle_dir: str = "", customers_path: str, as_of: str, pilot_dir: str, criteria_path: str,
                rubric_path: str, vendor_evals_dir: str, segment_column: str, horizons: list,
                effect_source: str = "pilot", assumed_hazard_ratio: float = 0.85,
                assumed_hr_range: list | None = None, assumed_range_level: float = 0.9,
                missing_arr: str = "error", baseline_basis: str = "tenure") -> CaseInputs:
    """Gather the inputs from ``cycle_dir`` (results of notebooks 01-03) or recompute them.

    ``effect_source``: ``"pilot"`` uses the pilot's hazard ratio and falls back to the assumed range
    (with a note) when the pilot has none; ``"assumed"`` always uses the assumed range.
    ``baseline_basis``: ``"tenure"`` (accounts grouped by tenure, conditional survival) or ``"start"``
    (the survival from the start of the subscription applied to every active account).
    """
    from .. import survival as sv

    if baseline_basis not in ("tenure", "start"):
        raise ConfigError(f"baseline_basis must be 'tenure' or 'start'; got {baseline_basis!r}")
    if effect_source not in ("pilot", "assumed"):
        raise ConfigError(f"effect_source must be 'pilot' or 'assumed'; got {effect_source!r}")
    assumed_hr_range = [0.7, 1.0] if assumed_hr_range is None else assumed_hr_range
    notes: list[str] = []
    sources = []
    customers = sv.load_customers(customers_path, date_columns=("start_date", "churn_date"))
    portfolio, pnotes = portfolio_from_customers(customers, as_of=as_of, segment_column=segment_column,
                                                 missing_arr=missing_arr, by_tenure=baseline_basis == "tenure",
                                                 source=customers_path)
    notes += pnotes
    sources.append(("active base (accounts, ARR)", customers_path, f"active at {as_of}, by {segment_column}"))
    cycle = Path(cycle_dir) if cycle_dir else None
    if cycle is not None and not cycle.is_dir():
        raise ConfigError(f"cycle_dir {cycle_dir!r} is not a folder; leave it empty to recompute the inputs")
    def in_cycle(notebook: str, name: str) -> Path | None:
        if cycle is None:
            return None
        path = cycle / notebook / name
        if not path.exists():
            notes.append(f"This cycle has no {notebook}/{name}: that input was recomputed from the data instead.")
            return None
        return path

    path = in_cycle(BASELINE_NOTEBOOK, "baseline.csv")
    if path is not None:
        baseline = pd.read_csv(path)
        sources.append(("survival baseline", f"this cycle: {BASELINE_NOTEBOOK}/baseline.csv", "saved by 01_churn_survival"))
    else:
        baseline = baseline_from_customers(customers, as_of=as_of, segment_column=segment_column, horizons=horizons,
                                           source=customers_path)
        sources.append(("survival baseline", customers_path, f"Kaplan-Meier recomputed at horizons {list(horizons)}"))
    if segment_column not in set(baseline["segment_column"]):
        raise InputError([Problem("survival baseline", "rows", "segment_column", segment_column,
                                  f"one of {', '.join(sorted(set(baseline['segment_column'])))}",
                                  "set segment_column to a segment column notebook 01 analysed")],
                         source="survival baseline")
    effect = None
    if effect_source == "pilot":
        path = in_cycle(PILOT_NOTEBOOK, "summary.json")
        if path is not None:
            effect, _path = pilot_effect_from_cycle(cycle)
            where = f"this cycle: {PILOT_NOTEBOOK}/summary.json"
        elif pilot_dir and criteria_path:
            effect, where = pilot_effect_recomputed(pilot_dir, criteria_path)
        else:
            effect, where = None, ""
            notes.append("No pilot was given (pilot_dir or criteria_path is empty): the ASSUMED range is used.")
        if effect is None:
            if where:
                notes.append("The pilot gave no estimable hazard ratio (e.g. no churn in one arm): the ASSUMED range "
                             "is used instead.")
        else:
            sources.append(("effect on retention", where, effect.describe()))
            if not effect.conclusive:
                notes.append("The pilot's hazard ratio is inconclusive (its interval is wide or includes 1): the "
                             "whole interval is carried through, not the point estimate alone.")
    if effect is None:
        effect = assumed_effect(assumed_hazard_ratio, assumed_hr_range, level=assumed_range_level)
        sources.append(("effect on retention", "parameters", effect.describe()))
    path = in_cycle(VENDOR_NOTEBOOK, "costs.csv")
    if path is not None:
        costs = pd.read_csv(path)
        sources.append(("vendor costs", f"this cycle: {VENDOR_NOTEBOOK}/costs.csv", "saved by 02_vendor_scoring"))
    else:
        costs = costs_recomputed(rubric_path, vendor_evals_dir)
        sources.append(("vendor costs", f"{vendor_evals_dir} + {rubric_path}", "recomputed with workbench.vendors"))
    return CaseInputs(baseline, portfolio, effect, costs,
                      pd.DataFrame(sources, columns=["input", "source", "detail"]), tuple(notes))
