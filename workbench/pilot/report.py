"""What the pilot report shows and stores, built from a :class:`PilotEvaluation` (no disk access)."""

from __future__ import annotations

import pandas as pd

from ..io import to_json
from .criteria import LoadedCriteria
from .evaluate import PilotEvaluation

VERDICT_COLUMNS = ["criterion", "kind", "estimate", "ci_lower", "ci_upper", "threshold", "verdict", "evidence"]
EXTRA_COLUMNS = ["metric", "unit", "family", "method", "interval_level", "n_pilot", "n_control", "p_value",
                 "min_sample", "sample_needed", "criteria_sha256"]
DECISION_TEXT = {
    "proceed": "PROCEED to the next phase",
    "extend": "EXTEND the pilot",
    "stop": "STOP",
    "review": "REVIEW: the rules do not decide",
    "fix_data": "FIX THE DATA before judging",
}


def verdict_table(evaluation: PilotEvaluation) -> pd.DataFrame:
    """``verdicts.csv``: the issue's columns first, then the supporting detail."""
    return evaluation.verdicts[VERDICT_COLUMNS + EXTRA_COLUMNS].copy()


def gate_markdown(evaluation: PilotEvaluation, criteria: LoadedCriteria) -> str:
    """The gate and its reasons, for the top of the report."""
    counts = evaluation.counts()
    lines = [f"## Gate: **{DECISION_TEXT[evaluation.gate.decision]}** (`{evaluation.gate.decision}`)", ""]
    lines += [f"- {reason}" for reason in evaluation.gate.reasons]
    lines += ["", f"Verdicts: {counts['pass']} pass, {counts['fail']} fail, {counts['inconclusive']} inconclusive. "
              f"Pilot `{criteria.model.pilot_id}`, window {criteria.model.window.start} to "
              f"{criteria.model.window.end}; criteria file sha256 `{criteria.sha256[:16]}...` "
              "(full hash in verdicts.csv and summary.json).", "", evaluation.clustering]
    return "\n".join(lines)


def notes_markdown(evaluation: PilotEvaluation) -> str:
    if not evaluation.notes:
        return "No notes: nothing was censored, dropped or adjusted beyond what the tables show."
    return "**Notes**\n\n" + "\n".join(f"- {n}" for n in evaluation.notes)


def gate_json(evaluation: PilotEvaluation, criteria: LoadedCriteria) -> str:
    """``gate.json``: decision and reasons, with what was judged."""
    return to_json({**evaluation.gate.as_dict(), "pilot_id": criteria.model.pilot_id,
                    "data_valid": evaluation.data_valid, "criteria_sha256": criteria.sha256,
                    "counts": evaluation.counts()})


def summary_figures(evaluation: PilotEvaluation, criteria: LoadedCriteria) -> dict:
    """Headline figures for ``summary.json`` (the business case reads the hazard ratio)."""
    counts = evaluation.counts()
    hr = evaluation.hazard_ratio
    return {
        "pilot_id": criteria.model.pilot_id,
        "decision": evaluation.gate.decision,
        "n_pass": counts["pass"], "n_fail": counts["fail"], "n_inconclusive": counts["inconclusive"],
        "data_valid": evaluation.data_valid,
        "hazard_ratio": None if hr is None else hr.estimate,
        "hazard_ratio_ci_lower": None if hr is None else hr.ci_lower,
        "hazard_ratio_ci_upper": None if hr is None else hr.ci_upper,
        "criteria_sha256": criteria.sha256,
    }


def trend_table(earlier: pd.DataFrame, evaluation: PilotEvaluation, *, cycle: str = "") -> pd.DataFrame:
    """Earlier cycles' verdicts plus this one's (labelled ``cycle`` or "current")."""
    current = evaluation.verdicts.assign(cycle=cycle or "current")[list(earlier.columns)]
    frames = [f for f in (earlier, current) if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else current


def trend_markdown(trend: pd.DataFrame) -> str:
    cycles = list(dict.fromkeys(trend["cycle"]))
    if len(cycles) < 2:
        return ("No earlier cycles found under the runs folder: the trend across cycles starts with the next "
                "cycle.")
    return f"Criteria across {len(cycles)} cycles: {', '.join(cycles)}."
