"""Checks made before any verdict: sample-ratio mismatch and what this pilot could detect."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats


@dataclass(frozen=True)
class SRMResult:
    """Sample-ratio mismatch: observed units per arm against the planned allocation."""

    n_pilot: int
    n_control: int
    expected_pilot: float
    expected_control: float
    chi_square: float
    p_value: float
    srm_alpha: float

    @property
    def mismatch(self) -> bool:
        return self.p_value < self.srm_alpha


def sample_ratio_mismatch(n_pilot: int, n_control: int, *, planned_pilot_share: float,
                          srm_alpha: float = 0.001) -> SRMResult:
    """Pearson chi-square (1 df) of the arm counts against the planned allocation."""
    total = n_pilot + n_control
    expected = np.array([planned_pilot_share, 1 - planned_pilot_share]) * total
    observed = np.array([n_pilot, n_control], dtype=float)
    chi2 = float(np.sum((observed - expected) ** 2 / expected)) if total else 0.0
    p = float(stats.chi2.sf(chi2, 1)) if total else 1.0
    return SRMResult(int(n_pilot), int(n_control), float(expected[0]), float(expected[1]), chi2, p, srm_alpha)


def _z(q: float) -> float:
    return float(stats.norm.ppf(q))


def mde_two_proportions(p_control: float, n_pilot: float, n_control: float, *, alpha: float = 0.05,
                        power: float = 0.8, direction: str = "lower") -> float:
    """Smallest pilot-minus-control difference in proportions detectable with ``power``.

    Two-sided test at ``alpha`` on Cohen's h (arcsine) scale, as statsmodels' ``NormalIndPower``;
    returned on the proportion scale in the good ``direction`` (negative for "lower").
    """
    h = (_z(1 - alpha / 2) + _z(power)) * np.sqrt(1 / n_pilot + 1 / n_control)
    base = np.arcsin(np.sqrt(np.clip(p_control, 0, 1)))
    shifted = base - h / 2 if direction == "lower" else base + h / 2
    shifted = np.clip(shifted, 0, np.pi / 2)
    return float(np.sin(shifted) ** 2 - p_control)


def mde_hazard_ratio(n_pilot: int, n_control: int, p_event_pilot: float, p_event_control: float, *,
                     alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest hazard ratio below 1 detectable with ``power`` (lifelines' ``power_under_cph``,
    solved for the ratio). NaN when even a ratio near 0 would not reach the power."""
    from lifelines.statistics import power_under_cph

    def gap(hr: float) -> float:
        return power_under_cph(n_pilot, n_control, p_event_pilot, p_event_control, hr, alpha=alpha) - power

    try:
        if gap(0.01) < 0:
            return float("nan")
        return float(optimize.brentq(gap, 0.01, 0.999))
    except ValueError:
        return float("nan")


def mde_from_se(se: float, *, alpha: float = 0.05, power: float = 0.8) -> float:
    """Smallest effect (on the estimate's scale) a normal test with this standard error detects."""
    return float((_z(1 - alpha / 2) + _z(power)) * se)


def sample_needed(n_per_arm: float, ci_half_width: float, distance: float) -> float:
    """Sample per arm at which an interval of today's width (shrinking as 1/sqrt(n)) would exclude the
    threshold, assuming the estimate stays where it is. ``inf`` when the estimate sits on it."""
    if distance <= 0 or not np.isfinite(ci_half_width):
        return float("inf")
    return float(np.ceil(n_per_arm * (ci_half_width / distance) ** 2))
