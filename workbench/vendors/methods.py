"""Multi-criteria decision methods: weighted sum, TOPSIS, AHP weights, SMAA, Krippendorff's alpha.

Every function is pure: a decision matrix (vendors as index, criteria as columns) and weights
in, a new DataFrame or a small frozen result out. Rank 1 is best; tied vendors share the
lower rank (``method="min"``). Cost criteria (lower is better) are named in ``cost_criteria``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, InsufficientDataError, Problem

#: Saaty's random consistency index by matrix size (Saaty 1980, as tabulated in Saaty 1990).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
                10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59}

CR_THRESHOLD = 0.10
_ROUND = 12  # scores are rounded before ranking so floating-point noise never breaks a tie


# ---------------------------------------------------------------------------------------
# Input checks shared by the methods
# ---------------------------------------------------------------------------------------

def _check_matrix(matrix: pd.DataFrame, *, name: str = "matrix") -> pd.DataFrame:
    if not isinstance(matrix, pd.DataFrame):
        raise ConfigError(f"{name} must be a DataFrame with vendors as index and criteria as columns; "
                          f"got {type(matrix).__name__}")
    if matrix.empty:
        raise InsufficientDataError(f"{name} is empty: at least one vendor and one criterion are needed")
    if matrix.index.has_duplicates:
        dupes = sorted(map(str, matrix.index[matrix.index.duplicated()].unique()))
        raise ConfigError(f"{name} has duplicate vendor names: {', '.join(dupes)}; give each vendor one row")
    try:
        values = matrix.astype(float)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be numeric: {exc}") from exc
    bad = values.columns[values.isna().any() | ~np.isfinite(values).all()].tolist()
    if bad:
        raise ConfigError(f"{name} has missing or infinite values in criteria: {', '.join(map(str, bad))}")
    return values


def normalize_weights(weights: Mapping[str, float] | pd.Series, criteria: Iterable[str]) -> pd.Series:
    """Check weights against the criteria and rescale them to sum to one.

    Raises :class:`ConfigError` for unknown or missing criteria, negative, non-finite or all-zero weights.
    """
    criteria = list(criteria)
    w = pd.Series(dict(weights) if not isinstance(weights, pd.Series) else weights, dtype="object")
    unknown = [str(k) for k in w.index if k not in criteria]
    missing = [c for c in criteria if c not in w.index]
    problems = []
    if unknown:
        problems.append(f"unknown criteria {', '.join(unknown)} (known: {', '.join(criteria)})")
    if missing:
        problems.append(f"no weight for {', '.join(missing)} (give 0 to ignore a criterion)")
    try:
        values = w.astype(float)
    except (TypeError, ValueError):
        problems.append(f"weights must be numbers, got {dict(w)}")
        values = None
    if values is not None:
        if not np.isfinite(values).all():
            problems.append("weights must be finite numbers")
        negative = values[values < 0]
        if len(negative):
            problems.append("negative weights for " + ", ".join(f"{k}={v:g}" for k, v in negative.items()))
        if (values >= 0).all() and np.isfinite(values).all() and values.sum() <= 0:
            problems.append("all weights are zero; give at least one criterion a positive weight")
    if problems:
        raise ConfigError("Invalid weights: " + "; ".join(problems) + ".")
    values = values.reindex(criteria)
    return values / values.sum()


def _cost_mask(columns: pd.Index, cost_criteria: Iterable[str]) -> np.ndarray:
    cost_criteria = list(cost_criteria)
    unknown = [c for c in cost_criteria if c not in columns]
    if unknown:
        raise ConfigError(f"cost_criteria {', '.join(map(str, unknown))} are not columns of the matrix "
                          f"({', '.join(map(str, columns))})")
    return np.array([c in cost_criteria for c in columns])


def _rank(scores: np.ndarray | pd.Series) -> pd.Series:
    s = pd.Series(np.round(np.asarray(scores, dtype=float), _ROUND), index=getattr(scores, "index", None))
    return s.rank(ascending=False, method="min").astype(int)


def normalize(matrix: pd.DataFrame, *, cost_criteria: Iterable[str] = (), normalization: str = "minmax") -> pd.DataFrame:
    """Turn every criterion into 'higher is better' on a common scale.

    ``minmax``: (x - min) / (max - min) for benefit criteria and (max - x) / (max - min) for cost
    criteria; a criterion on which all vendors are equal gets 1 for everyone (it cannot separate them).
    ``vector``: x / ||x|| (Euclidean norm over vendors); cost criteria become 1 - x / ||x||.
    """
    values = _check_matrix(matrix)
    cost = _cost_mask(values.columns, cost_criteria)
    x = values.to_numpy()
    if normalization == "minmax":
        lo, hi = x.min(axis=0), x.max(axis=0)
        span = hi - lo
        safe = np.where(span > 0, span, 1.0)
        out = np.where(cost, (hi - x) / safe, (x - lo) / safe)
        out = np.where(span > 0, out, 1.0)
    elif normalization == "vector":
        norm = np.sqrt((x ** 2).sum(axis=0))
        r = x / np.where(norm > 0, norm, 1.0)
        out = np.where(cost, 1.0 - r, r)
    else:
        raise ConfigError(f"normalization must be 'minmax' or 'vector'; got {normalization!r}")
    return pd.DataFrame(out, index=values.index, columns=values.columns)


# ---------------------------------------------------------------------------------------
# Weighted sum and TOPSIS
# ---------------------------------------------------------------------------------------

def weighted_contributions(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series, *,
                           cost_criteria: Iterable[str] = (), normalization: str = "minmax") -> pd.DataFrame:
    """Each criterion's share of the weighted-sum score: normalized value x weight (sums to ``score``)."""
    norm = normalize(matrix, cost_criteria=cost_criteria, normalization=normalization)
    w = normalize_weights(weights, norm.columns)
    return norm * w


def weighted_sum(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series, *,
                 cost_criteria: Iterable[str] = (), normalization: str = "minmax") -> pd.DataFrame:
    """Simple additive weighting: normalized criteria times weights (rescaled to sum to 1).

    Returns a DataFrame indexed by vendor with ``score`` (0-1 with minmax) and ``rank`` (1 = best).
    """
    contrib = weighted_contributions(matrix, weights, cost_criteria=cost_criteria, normalization=normalization)
    score = contrib.sum(axis=1)
    out = pd.DataFrame({"score": score, "rank": _rank(score)})
    out = out.rename_axis(matrix.index.name or "vendor")
    return out


def topsis(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series, *,
           cost_criteria: Iterable[str] = (), normalization: str = "vector") -> pd.DataFrame:
    """TOPSIS (Hwang & Yoon 1981): closeness to the ideal vendor relative to the anti-ideal one.

    Vector normalization (the classic form) divides each criterion by its Euclidean norm; the ideal
    takes the maximum of benefit criteria and the minimum of cost criteria. With ``minmax`` the
    criteria are first turned into 'higher is better' on [0, 1]. Returns ``closeness``
    (d_minus / (d_plus + d_minus)), ``d_plus``, ``d_minus`` and ``rank``.
    """
    values = _check_matrix(matrix)
    cost = _cost_mask(values.columns, cost_criteria)
    w = normalize_weights(weights, values.columns).to_numpy()
    x = values.to_numpy()
    if normalization == "vector":
        norm = np.sqrt((x ** 2).sum(axis=0))
        v = x / np.where(norm > 0, norm, 1.0) * w
        ideal = np.where(cost, v.min(axis=0), v.max(axis=0))
        anti = np.where(cost, v.max(axis=0), v.min(axis=0))
    elif normalization == "minmax":
        v = normalize(values, cost_criteria=list(values.columns[cost]), normalization="minmax").to_numpy() * w
        ideal, anti = v.max(axis=0), v.min(axis=0)
    else:
        raise ConfigError(f"normalization must be 'vector' or 'minmax'; got {normalization!r}")
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    total = d_plus + d_minus
    closeness = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 1.0)
    out = pd.DataFrame({"closeness": closeness, "d_plus": d_plus, "d_minus": d_minus}, index=values.index)
    out["rank"] = _rank(out["closeness"])
    out = out.rename_axis(matrix.index.name or "vendor")
    return out


def rank_vendors(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series, *, method: str = "weighted_sum",
                 cost_criteria: Iterable[str] = ()) -> pd.DataFrame:
    """Dispatch to :func:`weighted_sum` or :func:`topsis`; the output always has ``score`` and ``rank``."""
    if method == "weighted_sum":
        return weighted_sum(matrix, weights, cost_criteria=cost_criteria)
    if method == "topsis":
        out = topsis(matrix, weights, cost_criteria=cost_criteria)
        return out.rename(columns={"closeness": "score"})
    raise ConfigError(f"method must be 'weighted_sum' or 'topsis'; got {method!r}")


# ---------------------------------------------------------------------------------------
# AHP
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AhpResult:
    """Weights from a pairwise comparison matrix (Saaty's principal eigenvector) and its consistency."""

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float
    most_inconsistent: tuple[str, str, float, float] | None  # (row, column, judgement given, implied w_i/w_j)

    @property
    def acceptable(self) -> bool:
        return self.consistency_ratio <= CR_THRESHOLD

    @property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"criterion": self.weights.index, "weight": self.weights.to_numpy()})

    def warning(self) -> str:
        """Empty when CR <= 0.10; otherwise a sentence naming the most inconsistent judgement."""
        if self.acceptable or self.most_inconsistent is None:
            return ""
        row, col, given, implied = self.most_inconsistent
        return (f"Consistency ratio {self.consistency_ratio:.3f} exceeds {CR_THRESHOLD:.2f}: the judgements "
                f"contradict each other. Most inconsistent: {row} vs {col} was given {given:.3g}, while the "
                f"other judgements imply about {implied:.3g}. Revisit that comparison.")


def pairwise_issues(a: np.ndarray, names: list[str]) -> list[tuple[int, int, float, str, str]]:
    """Cells of a pairwise comparison matrix that break its rules: (row, column, value, expected, fix)."""
    out = []
    n = len(names)
    for i in range(n):
        for j in range(n):
            v = a[i, j]
            if not np.isfinite(v) or v <= 0:
                out.append((i, j, v, "a positive number (Saaty's 1/9 .. 9 scale)", "use 1-9 or a fraction such as 1/3"))
            elif i == j and abs(v - 1) > 1e-9:
                out.append((i, j, v, "1 on the diagonal (a criterion equals itself)", "set it to 1"))
            elif i < j and np.isfinite(a[j, i]) and a[j, i] > 0 and abs(v * a[j, i] - 1) > 0.02:
                out.append((i, j, v, f"the reciprocal of {names[j]} vs {names[i]} ({a[j, i]:g}), i.e. {1 / a[j, i]:.3g}",
                            "a_ji must equal 1/a_ij: fill one triangle and make the other its reciprocal"))
    return out


def ahp_weights(pairwise: pd.DataFrame) -> AhpResult:
    """Criterion weights from a reciprocal pairwise comparison matrix (Saaty 1980).

    ``pairwise.loc[i, j]`` says how many times more important i is than j (1-9 scale). Weights are
    the principal right eigenvector, normalized to sum to 1; CI = (lambda_max - n) / (n - 1) and
    CR = CI / RI with Saaty's random index. The most inconsistent judgement is the one whose
    ratio to the weights' implied ratio w_i / w_j is furthest from 1 (in logs).

    Raises :class:`InputError` if the matrix is not square, not positive, has a diagonal other
    than 1 or is not reciprocal (a_ji = 1 / a_ij, within 2%).
    """
    if not isinstance(pairwise, pd.DataFrame):
        raise ConfigError("pairwise must be a square DataFrame with the criteria as index and columns")
    problems: list[Problem] = []
    if list(pairwise.index) != list(pairwise.columns):
        problems.append(Problem("", "matrix", "criteria", f"{list(pairwise.index)} x {list(pairwise.columns)}",
                                "the same criteria, in the same order, as rows and columns"))
        raise InputError(problems, source="pairwise comparison matrix")
    try:
        a = pairwise.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError([Problem("", "matrix", "", str(exc), "numbers")], source="pairwise comparison matrix") from exc
    names = [str(c) for c in pairwise.index]
    n = len(names)
    problems += [Problem("", f"row {names[i]}, column {names[j]}", "", value, expected, fix)
                 for i, j, value, expected, fix in pairwise_issues(a, names)]
    if problems:
        raise InputError(problems, source="pairwise comparison matrix")
    eigvals, eigvecs = np.linalg.eig(a)
    k = int(np.argmax(eigvals.real))
    w = np.abs(eigvecs[:, k].real)
    w = w / w.sum()
    lam = float(eigvals[k].real)
    ci = (lam - n) / (n - 1) if n > 2 else 0.0
    ri = RANDOM_INDEX.get(n, 1.59)
    cr = max(ci / ri, 0.0) if ri > 0 else 0.0
    most = None
    if n > 2:
        dev = np.abs(np.log(a * w[None, :] / w[:, None]))
        upper = np.triu_indices(n, 1)
        pick = int(np.argmax(dev[upper]))
        i, j = int(upper[0][pick]), int(upper[1][pick])
        most = (names[i], names[j], float(a[i, j]), float(w[i] / w[j]))
    return AhpResult(weights=pd.Series(w, index=pairwise.index, name="weight"), lambda_max=lam,
                     consistency_index=float(ci), random_index=float(ri), consistency_ratio=float(cr),
                     most_inconsistent=most)


# ---------------------------------------------------------------------------------------
# SMAA
# ---------------------------------------------------------------------------------------

def _ranks_from_scores(scores: np.ndarray, tol: float = 1e-12) -> np.ndarray:
    """Rank per row (1 = highest score; scores within ``tol`` tie and share the lower rank) of an (S, m) array."""
    s, m = scores.shape
    order = np.argsort(-scores, axis=1)
    ranks = np.empty((s, m), dtype=np.int64)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, m + 1), (s, m)), axis=1)
    ordered = np.take_along_axis(scores, order, axis=1)
    tied_rows = np.flatnonzero(((ordered[:, :-1] - ordered[:, 1:]) <= tol).any(axis=1))
    if len(tied_rows):  # rare with continuous draws: rank = 1 + number of clearly higher scores
        t = scores[tied_rows]
        ranks[tied_rows] = 1 + (t[:, None, :] > t[:, :, None] + tol).sum(axis=2)
    return ranks


def smaa(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series | None = None, *,
         cost_criteria: Iterable[str] = (), n_samples: int = 10_000, seed: int | None = 0,
         concentration: float = 50.0, low: pd.DataFrame | None = None, high: pd.DataFrame | None = None,
         normalization: str = "minmax", chunk_size: int = 20_000) -> pd.DataFrame:
    """Stochastic multicriteria acceptability analysis (Lahdelma, Hokkanen & Salminen 1998) for the weighted sum.

    Weights: ``None`` draws uniformly on the simplex (Dirichlet(1, ..., 1)); given weights w draw
    Dirichlet(concentration * w) around them (mean w; larger concentration = tighter; criteria
    with weight 0 stay 0). Values: if ``low``/``high`` (same shape as ``matrix``) are given, each
    cell is drawn uniformly between them (e.g. the lowest and highest evaluator score), otherwise
    the matrix is fixed. Each sample is normalized like :func:`weighted_sum` and ranked.

    Returns a DataFrame indexed by vendor with columns ``rank_1`` .. ``rank_m`` (rank-acceptability:
    share of samples giving the vendor that rank; ``rank_1`` is the probability of being best)
    and ``expected_rank``.
    """
    values = _check_matrix(matrix)
    m, n = values.shape
    cost = _cost_mask(values.columns, cost_criteria)
    if int(n_samples) < 1:
        raise ConfigError(f"n_samples must be a positive integer; got {n_samples}")
    if concentration <= 0:
        raise ConfigError(f"concentration must be positive; got {concentration}")
    if normalization not in ("minmax", "vector"):
        raise ConfigError(f"normalization must be 'minmax' or 'vector'; got {normalization!r}")
    rng = np.random.default_rng(seed)
    if weights is None:
        alpha = np.ones(n)
    else:
        alpha = normalize_weights(weights, values.columns).to_numpy() * concentration
    active = alpha > 0
    x0 = values.to_numpy()
    lo = hi = None
    if low is not None or high is not None:
        lo = _check_matrix((low if low is not None else values).reindex(index=values.index, columns=values.columns), name="low").to_numpy()
        hi = _check_matrix((high if high is not None else values).reindex(index=values.index, columns=values.columns), name="high").to_numpy()
        if (hi < lo).any():
            raise ConfigError("high must be >= low in every cell")
    counts = np.zeros((m, m), dtype=np.int64)
    fixed_norm = None
    if lo is None:
        fixed_norm = normalize(values, cost_criteria=list(values.columns[cost]), normalization=normalization).to_numpy()
    remaining = int(n_samples)
    while remaining > 0:
        s = min(chunk_size, remaining)
        remaining -= s
        w = np.zeros((s, n))
        w[:, active] = rng.dirichlet(alpha[active], size=s)
        if fixed_norm is not None:
            scores = w @ fixed_norm.T
        else:
            # single precision halves the memory traffic of the (samples x vendors x criteria) draws
            x = rng.random((s, m, n), dtype=np.float32)
            x *= (hi - lo).astype(np.float32)[None]
            x += lo.astype(np.float32)[None]
            if normalization == "minmax":
                # ranking only needs sum_j w_j (x_ij - min_j) / span_j; the min_j terms are the same
                # for every vendor of a sample, so score with coefficients +-w_j / span_j directly
                span = x.max(axis=1) - x.min(axis=1)
                coef = np.where(span > 0, w / np.where(span > 0, span, 1.0), 0.0)
                coef = np.where(cost, -coef, coef)
            else:
                norm = np.sqrt(np.einsum("smn,smn->sn", x, x))
                coef = w / np.where(norm > 0, norm, 1.0)
                coef = np.where(cost, -coef, coef)
            scores = np.einsum("smn,sn->sm", x, coef.astype(np.float32)).astype(np.float64)
        ranks = _ranks_from_scores(scores)  # (s, m)
        flat = (np.arange(m)[None, :] * m + (ranks - 1)).ravel()
        counts += np.bincount(flat, minlength=m * m).reshape(m, m)
    acc = counts / float(n_samples)
    out = pd.DataFrame(acc, index=values.index, columns=[f"rank_{r}" for r in range(1, m + 1)])
    out["expected_rank"] = acc @ np.arange(1, m + 1)
    out = out.rename_axis(matrix.index.name or "vendor")
    return out


def smaa_exact_two_criteria(matrix: pd.DataFrame, *, cost_criteria: Iterable[str] = (), grid: int = 200_001) -> pd.Series:
    """Probability of being best under uniform weights for a 2-criterion weighted sum, by fine quadrature.

    A deterministic reference for :func:`smaa` (w1 ~ U(0, 1), w2 = 1 - w1). Ties are counted for every tied vendor.
    """
    norm = normalize(matrix, cost_criteria=cost_criteria).to_numpy()
    if norm.shape[1] != 2:
        raise ConfigError("smaa_exact_two_criteria needs exactly two criteria")
    w1 = (np.arange(grid) + 0.5) / grid
    scores = np.outer(w1, norm[:, 0]) + np.outer(1 - w1, norm[:, 1])
    best = np.round(scores, _ROUND) >= np.round(scores.max(axis=1, keepdims=True), _ROUND)
    return pd.Series(best.mean(axis=0), index=matrix.index, name="p_best")


# ---------------------------------------------------------------------------------------
# Weight stability
# ---------------------------------------------------------------------------------------

def _batch_scores(values: pd.DataFrame, weights: np.ndarray, cost: np.ndarray, method: str) -> np.ndarray:
    """Scores of every vendor for many weight vectors at once: (S, n) weights -> (S, m) scores."""
    if method == "weighted_sum":
        norm = normalize(values, cost_criteria=list(values.columns[cost]), normalization="minmax").to_numpy()
        return weights @ norm.T
    if method == "topsis":
        x = values.to_numpy()
        norm = np.sqrt((x ** 2).sum(axis=0))
        r = x / np.where(norm > 0, norm, 1.0)
        v = r[None, :, :] * weights[:, None, :]
        ideal = np.where(cost, v.min(axis=1), v.max(axis=1))[:, None, :]
        anti = np.where(cost, v.max(axis=1), v.min(axis=1))[:, None, :]
        dp = np.sqrt(((v - ideal) ** 2).sum(axis=2))
        dm = np.sqrt(((v - anti) ** 2).sum(axis=2))
        tot = dp + dm
        return np.where(tot > 0, dm / np.where(tot > 0, tot, 1.0), 1.0)
    raise ConfigError(f"method must be 'weighted_sum' or 'topsis'; got {method!r}")


def weight_stability(matrix: pd.DataFrame, weights: Mapping[str, float] | pd.Series, *,
                     cost_criteria: Iterable[str] = (), method: str = "weighted_sum", steps: int = 201) -> pd.DataFrame:
    """For each criterion, the range of its weight over which the current leader stays first.

    The criterion's weight is moved over [0, 1] on a grid of ``steps`` points while the other
    weights are rescaled proportionally to fill the rest (1 - w). Returns one row per criterion:
    ``criterion``, ``weight`` (current), ``leader``, ``stable_from``, ``stable_to`` (the
    contiguous interval around the current weight where the leader keeps rank 1, ties included,
    to the grid's resolution) and ``leader_when_below`` / ``leader_when_above`` (who leads just
    outside it).
    """
    values = _check_matrix(matrix)
    cost = _cost_mask(values.columns, cost_criteria)
    w0 = normalize_weights(weights, values.columns)
    base = rank_vendors(values, w0, method=method, cost_criteria=cost_criteria)
    leader = base["rank"].idxmin()
    li = list(values.index).index(leader)
    grid = np.linspace(0.0, 1.0, steps)
    names = np.array(values.index, dtype=object)
    rows = []
    for k, crit in enumerate(values.columns):
        others = w0.to_numpy().copy()
        others[k] = 0.0
        if others.sum() > 0:
            share = others / others.sum()
        else:
            share = np.where(np.arange(len(others)) == k, 0.0, 1.0 / max(len(others) - 1, 1))
        W = share[None, :] * (1 - grid)[:, None]
        W[:, k] = grid
        valid = W.sum(axis=1) > 0
        scores = np.round(_batch_scores(values, np.where(valid[:, None], W, 1.0), cost, method), _ROUND)
        top = scores.max(axis=1)
        leads = scores[:, li] >= top
        first = names[np.argmax(scores, axis=1)]
        leaders = np.where(leads & valid, leader, first).astype(object)
        idx = int(np.argmin(np.abs(grid - w0[crit])))
        if leaders[idx] != leader:  # current weight sits exactly on a switch point
            rows.append({"criterion": crit, "weight": float(w0[crit]), "leader": leader,
                         "stable_from": float(w0[crit]), "stable_to": float(w0[crit]),
                         "leader_when_below": leaders[idx], "leader_when_above": leaders[idx]})
            continue
        lo_i = idx
        while lo_i > 0 and leaders[lo_i - 1] == leader:
            lo_i -= 1
        hi_i = idx
        while hi_i < steps - 1 and leaders[hi_i + 1] == leader:
            hi_i += 1
        rows.append({
            "criterion": crit, "weight": float(w0[crit]), "leader": leader,
            "stable_from": float(grid[lo_i]), "stable_to": float(grid[hi_i]),
            "leader_when_below": leaders[lo_i - 1] if lo_i > 0 else None,
            "leader_when_above": leaders[hi_i + 1] if hi_i < steps - 1 else None,
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------
# Krippendorff's alpha
# ---------------------------------------------------------------------------------------

def _delta(values: np.ndarray, level: str, counts: np.ndarray) -> np.ndarray:
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            d = ((c - k) / (c + k)) ** 2
        return np.nan_to_num(d)
    if level == "ordinal":
        # (sum of n_g for g between c and k inclusive - (n_c + n_k) / 2) ^ 2, Krippendorff (2011)
        cum = np.concatenate([[0.0], np.cumsum(counts)])
        idx = np.arange(len(values))
        i, j = np.meshgrid(idx, idx, indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        return (between - (counts[i] + counts[j]) / 2.0) ** 2
    raise ConfigError(f"level must be one of nominal, ordinal, interval, ratio; got {level!r}")


def krippendorff_alpha(ratings: pd.DataFrame, *, level: str = "ordinal") -> float:
    """Krippendorff's alpha for reliability data: units as rows, coders (evaluators) as columns, NaN = missing.

    alpha = 1 - D_o / D_e computed from the coincidence matrix (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"); units with fewer than two ratings are not pairable and are
    dropped. Returns NaN when fewer than two pairable values exist or all values are identical
    (no variation: D_e = 0).
    """
    if not isinstance(ratings, pd.DataFrame):
        raise ConfigError("ratings must be a DataFrame with units as rows and coders as columns")
    data = ratings.astype(float).to_numpy()
    values = np.unique(data[~np.isnan(data)])
    if len(values) == 0:
        return float("nan")
    index = {v: i for i, v in enumerate(values)}
    o = np.zeros((len(values), len(values)))
    for row in data:
        vals = row[~np.isnan(row)]
        mu = len(vals)
        if mu < 2:
            continue
        idx = np.array([index[v] for v in vals])
        pair = np.zeros((len(values), len(values)))
        np.add.at(pair, (idx[:, None].repeat(mu, 1), idx[None, :].repeat(mu, 0)), 1.0)
        pair[np.diag_indices_from(pair)] -= np.bincount(idx, minlength=len(values))
        o += pair / (mu - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2 or (n_c > 0).sum() < 2:
        return float("nan")
    d = _delta(values, level, n_c)
    d_o = (o * d).sum()
    d_e = (np.outer(n_c, n_c) * d).sum() / (n - 1)
    if d_e == 0:
        return float("nan")
    return float(1.0 - d_o / d_e)
