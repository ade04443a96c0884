"""Multiple-testing adjustment of p-values, shared by the survival and pilot analyses.

Matches R's ``p.adjust`` and statsmodels' ``multipletests`` (tests check both).
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError

METHODS = ("none", "bonferroni", "holm", "bh")


def holm(p) -> np.ndarray:
    """Holm step-down adjusted p-values (as R's ``p.adjust(method = "holm")``)."""
    return adjust_p_values(p, method="holm")


def benjamini_hochberg(p) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (as R's ``p.adjust(method = "BH")``)."""
    return adjust_p_values(p, method="bh")


def adjust_p_values(p_values, *, method: str) -> np.ndarray:
    """Adjusted p-values for ``method`` in none, bonferroni, holm, bh."""
    if method not in METHODS:
        raise ConfigError(f"multiplicity method must be none, bonferroni, holm or bh; got {method!r}")
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0 or method == "none":
        return p.copy()
    if method == "bonferroni":
        return np.minimum(1.0, p * m)
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        adj = np.maximum.accumulate((m - np.arange(m)) * ranked)
    else:
        adj = np.minimum.accumulate((m / np.arange(1, m + 1) * ranked)[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(1.0, adj)
    return out
