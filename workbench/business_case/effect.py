"""The effect of the tool on retention: a hazard ratio with its interval, measured or assumed.

Under proportional hazards the tool multiplies every account's churn hazard by ``HR``, so its
survival becomes ``S(t) ** HR``. The uncertainty is carried on the log scale, where a Cox
(Wald) interval is symmetric: ``log HR ~ Normal(log estimate, se)`` with ``se`` recovered
from the interval and its level. An assumed range is read the same way (as an interval at
``level``). An inconclusive pilot keeps its whole interval: the estimate is never used alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError

SOURCES = ("pilot", "assumed")


@dataclass(frozen=True)
class Effect:
    """A hazard ratio (tool / no tool) with an interval at ``level``; ``source`` is "pilot" or "assumed"."""

    hazard_ratio: float
    ci_lower: float
    ci_upper: float
    level: float
    source: str
    label: str = ""
    conclusive: bool = True

    @property
    def log_se(self) -> float:
        """Standard error of log HR implied by the interval (half-width on the log scale / z)."""
        z = float(stats.norm.ppf(0.5 + self.level / 2))
        return (math.log(self.ci_upper) - math.log(self.ci_lower)) / (2 * z)

    @property
    def assumed(self) -> bool:
        return self.source == "assumed"

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"source": self.source, "hazard_ratio": self.hazard_ratio, "ci_lower": self.ci_lower,
                              "ci_upper": self.ci_upper, "interval_level": self.level, "log_se": self.log_se,
                              "conclusive": self.conclusive, "label": self.label}])

    def describe(self) -> str:
        """``hazard ratio 0.45 (95% interval 0.31 to 0.64), measured in the pilot``."""
        where = "measured in the pilot" if self.source == "pilot" else "ASSUMED (no pilot measurement used)"
        return (f"hazard ratio {self.hazard_ratio:.2f} ({self.level:.0%} interval {self.ci_lower:.2f} to "
                f"{self.ci_upper:.2f}), {where}")


def make_effect(hazard_ratio: float, ci_lower: float, ci_upper: float, *, level: float = 0.95,
                source: str = "pilot", label: str = "", conclusive: bool = True) -> Effect:
    """Validate and build an :class:`Effect`.

    Raises :class:`ConfigError` for a hazard ratio <= 0 (or not a number), an interval that does
    not contain the estimate, or a level outside (0, 1).
    """
    what = "assumed hazard ratio" if source == "assumed" else "hazard ratio"
    if source not in SOURCES:
        raise ConfigError(f"effect source must be one of {', '.join(SOURCES)}; got {source!r}")
    values = {"estimate": hazard_ratio, "ci_lower": ci_lower, "ci_upper": ci_upper}
    for name, value in values.items():
        if value is None or not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value):
            raise ConfigError(f"The {what} {name} must be a finite number; got {value!r}. "
                              "Give the estimate and both interval ends (e.g. 0.8, 0.6, 1.05).")
        if value <= 0:
            raise ConfigError(f"The {what} {name} must be > 0 (a hazard ratio multiplies the churn hazard; "
                              f"1 means no effect, 0.8 a 20% lower hazard); got {value!r}.")
    if not 0 < level < 1:
        raise ConfigError(f"The interval level must be between 0 and 1 (e.g. 0.95); got {level!r}.")
    if not ci_lower <= hazard_ratio <= ci_upper or ci_lower == ci_upper:
        raise ConfigError(f"The {what} interval [{ci_lower:g}, {ci_upper:g}] does not contain its estimate "
                          f"{hazard_ratio:g} (or has zero width): give ci_lower < estimate < ci_upper.")
    return Effect(float(hazard_ratio), float(ci_lower), float(ci_upper), float(level), source, label, conclusive)


def sample_hazard_ratios(effect: Effect, *, n: int, seed: int | None) -> np.ndarray:
    """``n`` hazard ratios drawn as ``exp(Normal(log HR, se))`` with a seeded generator."""
    if n < 1:
        raise ConfigError(f"simulations must be at least 1; got {n!r}")
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(math.log(effect.hazard_ratio), effect.log_se, size=int(n)))
