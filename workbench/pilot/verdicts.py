"""Judging criteria and deciding the phase gate: the rules, usable and testable on their own.

Everything here works on the *oriented* scale, where larger is better for the pilot: a
"lower is better" difference is negated, a ratio is put on the log scale (and negated when
lower is better). A guardrail's threshold is minus its margin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..multiplicity import adjust_p_values  # noqa: F401 - part of this module's API

KINDS = ("primary", "secondary", "guardrail", "learning")
VERDICTS = ("pass", "fail", "inconclusive")
DECISIONS = ("proceed", "extend", "stop", "review", "fix_data")


def judge(estimate: float, ci: tuple[float, float], threshold: float, *, kind: str,
          min_sample_met: bool = True, fail_on_significant_harm: bool = False) -> str:
    """Verdict of one criterion on the oriented scale (larger is better).

    primary / secondary / learning: "pass" if the interval's lower bound >= threshold, "fail"
    if its upper bound < threshold, otherwise "inconclusive". guardrail (threshold = -margin):
    "pass" if non-inferior (lower bound >= -margin), "fail" if the whole interval is beyond the
    margin (upper < -margin), or, with ``fail_on_significant_harm``, if the interval lies wholly
    below 0. Below the minimum sample, or with a missing interval: "inconclusive".
    """
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    lower, upper = ci
    if not min_sample_met:
        return "inconclusive"
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in (lower, upper, threshold)):
        return "inconclusive"
    if lower > upper:
        raise ConfigError(f"ci must be (lower, upper) with lower <= upper; got {ci!r}")
    if kind == "guardrail" and fail_on_significant_harm and upper < 0:
        return "fail"
    if lower >= threshold:
        return "pass"
    if upper < threshold:
        return "fail"
    return "inconclusive"


def orient(value: float, *, scale: str, direction: str) -> float:
    """Put a raw metric value on the oriented scale (larger is better)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("nan")
    if scale == "ratio":
        value = math.log(value) if value > 0 else -math.inf
    return -value if direction == "lower" else value


def orient_interval(lower: float, upper: float, *, scale: str, direction: str) -> tuple[float, float]:
    a, b = orient(lower, scale=scale, direction=direction), orient(upper, scale=scale, direction=direction)
    return (min(a, b), max(a, b)) if not (math.isnan(a) or math.isnan(b)) else (float("nan"), float("nan"))


def interval_levels(p_values, *, alpha: float, method: str) -> np.ndarray:
    """The two-sided alpha at which each family member's interval is computed and judged.

    none: alpha. bonferroni: alpha / m (simultaneous coverage). holm: the step-down levels
    alpha / (m - rank + 1) by increasing p-value, every member after the first non-rejection
    getting that member's level (conservative intervals compatible with Holm's decisions).
    bh: the false-coverage-rate intervals of Benjamini & Yekutieli (2005), alpha * R / m for
    every member, R = number of BH rejections (at least 1).
    """
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p.copy()
    p = np.where(np.isnan(p), 1.0, p)
    if method == "none":
        return np.full(m, alpha)
    if method == "bonferroni":
        return np.full(m, alpha / m)
    if method == "holm":
        order = np.argsort(p, kind="stable")
        levels = np.empty(m)
        stopped_at = None
        for rank, idx in enumerate(order):
            level = alpha / (m - rank)
            if stopped_at is not None:
                level = stopped_at
            elif p[idx] > level:
                stopped_at = level
            levels[idx] = level
        return levels
    if method == "bh":
        rejected = int((adjust_p_values(p, method="bh") <= alpha).sum())
        return np.full(m, alpha * max(rejected, 1) / m)
    raise ConfigError(f"multiplicity method must be none, bonferroni, holm or bh; got {method!r}")


@dataclass(frozen=True)
class GateDecision:
    decision: str
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"decision": self.decision, "reasons": list(self.reasons)}


def phase_gate(verdicts: pd.DataFrame, *, data_valid: bool = True,
               guardrail_inconclusive_blocks: bool = True) -> GateDecision:
    """Decide the phase gate from a table with columns ``kind`` and ``verdict``.

    In order: invalid data -> "fix_data"; any guardrail failed -> "stop"; all primaries and
    guardrails passed -> "proceed" (an inconclusive guardrail does not block when
    ``guardrail_inconclusive_blocks`` is False); all primaries failed -> "stop"; anything
    inconclusive -> "extend"; otherwise "review". Optional columns ``criterion`` and
    ``sample_needed`` make the reasons specific.
    """
    missing = {"kind", "verdict"} - set(verdicts.columns)
    if missing:
        raise ConfigError(f"phase_gate needs columns kind and verdict; missing {', '.join(sorted(missing))}")
    if not data_valid:
        return GateDecision("fix_data", ("The data failed a validity check (see the validity table): no "
                                         "criterion is judged until the data are fixed.",))
    frame = verdicts.reset_index(drop=True)
    names = frame["criterion"] if "criterion" in frame else pd.Series([f"#{i + 1}" for i in range(len(frame))])

    def listed(mask: pd.Series) -> str:
        return ", ".join(map(str, names[mask]))

    kind, verdict = frame["kind"], frame["verdict"]
    primary, guard = kind.eq("primary"), kind.eq("guardrail")
    reasons: list[str] = []
    if (guard & verdict.eq("fail")).any():
        return GateDecision("stop", (f"Guardrail failed: {listed(guard & verdict.eq('fail'))}. The pilot harmed "
                                     "what must not be harmed.",))
    if not primary.any():
        return GateDecision("review", ("No primary criterion was declared: the gate cannot be decided by rule.",))
    guards_ok = guard & (verdict.eq("pass") | (verdict.eq("inconclusive") & (not guardrail_inconclusive_blocks)))
    if verdict[primary].eq("pass").all() and guards_ok[guard].all():
        reasons.append(f"All primary criteria passed: {listed(primary)}.")
        if guard.any():
            reasons.append(f"Guardrails {'passed' if verdict[guard].eq('pass').all() else 'not failed'}: "
                           f"{listed(guard)}.")
        other = ~primary & ~guard & ~verdict.eq("pass")
        if other.any():
            reasons.append(f"Not passed, not blocking: {listed(other)}.")
        return GateDecision("proceed", tuple(reasons))
    if verdict[primary].eq("fail").all():
        return GateDecision("stop", (f"All primary criteria failed: {listed(primary)}.",))
    inconclusive = verdict.eq("inconclusive")
    if inconclusive.any():
        for i in np.flatnonzero(inconclusive.to_numpy()):
            need = frame["sample_needed"].iloc[i] if "sample_needed" in frame else None
            text = f"{names.iloc[i]} ({kind.iloc[i]}) is inconclusive"
            if need is not None and not pd.isna(need) and np.isfinite(need):
                text += f"; about {int(need):,} per arm would decide it at the current estimate"
            elif need is not None and not pd.isna(need):
                text += "; the estimate sits on the threshold, more data alone may not decide it"
            reasons.append(text + ".")
        passed = primary & verdict.eq("pass")
        if passed.any():
            reasons.insert(0, f"Primary criteria passed so far: {listed(passed)}.")
        return GateDecision("extend", tuple(reasons))
    reasons.append(f"Primary criteria are mixed: passed {listed(primary & verdict.eq('pass')) or 'none'}; "
                   f"failed {listed(primary & verdict.eq('fail')) or 'none'}. A decision needs judgement.")
    return GateDecision("review", tuple(reasons))
