"""Log-rank tests on aggregated counts, multi-group and pairwise with multiplicity adjustment.

The K-group test is R's ``survdiff`` (rho = 0): observed minus expected events per group,
the hypergeometric variance matrix, chi-square on K - 1 degrees of freedom. Pairwise tests
repeat it on each pair; p-values are adjusted by Holm and by Benjamini-Hochberg
(lifelines' ``pairwise_logrank_test`` does no adjustment).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InsufficientDataError
from ..multiplicity import benjamini_hochberg, holm  # noqa: F401 - part of this module's API


def _counts(durations, events, groups, weights=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    g = pd.Categorical(np.asarray(groups, dtype=object))
    levels = list(g.categories)
    times, ti = np.unique(t, return_inverse=True)
    k, m = len(levels), times.size
    codes = g.codes
    d = np.zeros((m, k))
    c = np.zeros((m, k))
    np.add.at(d, (ti, codes), w * e)
    np.add.at(c, (ti, codes), w * ~e)
    at_risk = (d + c)[::-1].cumsum(axis=0)[::-1]
    return d, at_risk, times, levels


def logrank_statistic(durations, events, groups, *, weights=None) -> tuple[float, int, float, pd.DataFrame]:
    """(chisq, df, p, per-group table of observed/expected) for the K-group log-rank test."""
    d, n, _times, levels = _counts(durations, events, groups, weights)
    k = len(levels)
    if k < 2:
        raise InsufficientDataError("the log-rank test needs at least two groups; only one level is present")
    d_tot = d.sum(axis=1)
    n_tot = n.sum(axis=1)
    keep = (d_tot > 0) & (n_tot > 0)
    d, n, d_tot, n_tot = d[keep], n[keep], d_tot[keep], n_tot[keep]
    frac = n / n_tot[:, None]
    expected = (frac * d_tot[:, None]).sum(axis=0)
    observed = d.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(n_tot > 1, d_tot * (n_tot - d_tot) / (n_tot - 1), 0.0)
    var = np.einsum("t,tg,gh->gh", factor, frac, np.eye(k)) - np.einsum("t,tg,th->gh", factor, frac, frac)
    diff = observed - expected
    sub = slice(0, k - 1)
    chisq = float(diff[sub] @ np.linalg.pinv(var[sub, sub]) @ diff[sub])
    df = int(np.linalg.matrix_rank(var[sub, sub]))
    p = float(stats.chi2.sf(chisq, df)) if df > 0 else float("nan")
    table = pd.DataFrame({"group": levels, "observed": observed, "expected": expected})
    return chisq, df, p, table


MAX_PAIRWISE_LEVELS = 12


def logrank_table(frame: pd.DataFrame, *, segment_cols: list[str], duration_col: str = "duration",
                  event_col: str = "event", max_pairwise_levels: int = MAX_PAIRWISE_LEVELS) -> pd.DataFrame:
    """Multi-group and pairwise log-rank per segment column.

    Columns: segment_column, group_a, group_b (empty for the multi-group test), chisq, df, p,
    p_holm, p_bh (adjusted within each segment column over its pairwise tests; the multi-group
    row repeats its raw p). Columns with a single level get one row with a note and no test;
    columns with more than ``max_pairwise_levels`` levels get the multi-group test only.
    """
    rows = []
    for col in segment_cols:
        levels = sorted(frame[col].astype(str).unique())
        if len(levels) < 2:
            rows.append({"segment_column": col, "group_a": "", "group_b": "", "chisq": np.nan, "df": 0,
                         "p": np.nan, "p_holm": np.nan, "p_bh": np.nan,
                         "note": f"only one level ({levels[0]}): no comparison possible"})
            continue
        agg = frame.groupby([duration_col, event_col, col], observed=True).size().reset_index(name="w")
        chisq, df, p, _ = logrank_statistic(agg[duration_col], agg[event_col], agg[col].astype(str), weights=agg["w"])
        rows.append({"segment_column": col, "group_a": "", "group_b": "", "chisq": chisq, "df": df, "p": p,
                     "p_holm": p, "p_bh": p, "note": f"{len(levels)}-group test"})
        pair_rows = []
        if len(levels) > max_pairwise_levels:
            rows[-1]["note"] += f"; {len(levels)} levels: pairwise tests skipped (more than {max_pairwise_levels})"
            continue
        for a, b in combinations(levels, 2):
            sub = agg[agg[col].astype(str).isin([a, b])]
            if sub[event_col].astype(bool).sum() == 0 or sub["w"].sum() == 0:
                continue
            chisq, df, p, _ = logrank_statistic(sub[duration_col], sub[event_col], sub[col].astype(str), weights=sub["w"])
            pair_rows.append({"segment_column": col, "group_a": a, "group_b": b, "chisq": chisq, "df": df, "p": p,
                              "note": "pairwise"})
        if pair_rows:
            pvals = np.array([r["p"] for r in pair_rows])
            for r, ph, pb in zip(pair_rows, holm(pvals), benjamini_hochberg(pvals)):
                r["p_holm"], r["p_bh"] = ph, pb
        rows.extend(pair_rows)
    return pd.DataFrame(rows, columns=["segment_column", "group_a", "group_b", "chisq", "df", "p", "p_holm", "p_bh", "note"])
