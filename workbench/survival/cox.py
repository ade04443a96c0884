"""Cox proportional hazards: design matrix, fit (lifelines, Efron ties), R-style PH test.

* Categorical covariates are one-hot encoded against a stated reference level (default:
  the first level in sorted order, as R's ``factor``); columns are named ``column[level]``.
  Flags become 0/1 columns named after the covariate.
* The fit is lifelines' ``CoxPHFitter`` (Efron ties, as R's ``coxph`` default). Failures
  become :class:`~workbench.errors.ModelFitError` with a remedy.
* :func:`cox_zph` is the proportional-hazards score test of R's ``cox.zph`` (survival >= 3.0,
  Grambsch & Therneau 1994): for each term, the score test of adding ``x * g(t)`` to the
  model at the fitted coefficients, using the full 2p x 2p information matrix; multi-column
  (categorical) terms are tested jointly with df = number of columns; plus a GLOBAL test.
  ``g`` is ``1 - KM(t-)`` (transform "km", R's default), the identity, the log or the rank.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import ConfigError, InsufficientDataError, ModelFitError
from .data import warn

MAX_LEVELS = 30
MIN_EVENTS_PER_LEVEL = 1


@dataclass(frozen=True)
class Design:
    """A Cox design matrix: ``X`` (numeric, one column per coefficient), its terms and notes."""

    X: pd.DataFrame
    terms: dict[str, list[str]]
    reference_levels: dict[str, str]
    notes: tuple[str, ...]
    rows_used: np.ndarray  # boolean mask over the input rows kept (no blank covariates)


def _factorize(series: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """(codes, stripped labels with blanks as 'unknown', is_categorical), from the distinct values only."""
    from ..schemas import parse_numbers

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    raw = pd.Series(uniques, dtype="object")
    _vals, bad = parse_numbers(raw.astype("string"))
    labels = raw.astype(str).str.strip()
    labels = labels.mask(labels.eq(""), "unknown").to_numpy(dtype=object)
    return codes, labels, bool(bad.any())


def build_design(frame: pd.DataFrame, *, covariates: list[str], reference_levels: dict[str, str] | None = None,
                 max_levels: int = MAX_LEVELS, event_col: str = "event", quiet: bool = False) -> Design:
    """One-hot encode categoricals against their reference level; drop unusable covariates with a note.

    Dropped (with a note): constant covariates, categoricals with more than ``max_levels``
    levels. Rows with a blank in any numeric covariate are left out of the model and counted.
    Categorical blanks form their own level ``unknown``.
    """
    reference_levels = dict(reference_levels or {})
    unknown_refs = sorted(set(reference_levels) - set(covariates))
    if unknown_refs:
        raise ConfigError(f"reference_levels names covariate(s) not in covariates: {', '.join(unknown_refs)}")
    missing = [c for c in covariates if c not in frame.columns]
    if missing:
        raise ConfigError(f"covariate column(s) not found: {', '.join(missing)}. Columns: {', '.join(map(str, frame.columns))}")
    notes: list[str] = []
    columns: dict[str, np.ndarray] = {}
    terms: dict[str, list[str]] = {}
    refs: dict[str, str] = {}
    keep = np.ones(len(frame), dtype=bool)
    for cov in covariates:
        series = frame[cov]
        numeric_dtype = (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
                         or str(series.dtype) == "boolean")
        categorical = False
        if not numeric_dtype:
            codes, labels, categorical = _factorize(series)
        if categorical:
            labels = np.append(labels, "unknown")  # code -1 (blank) -> 'unknown'
            codes = np.where(codes < 0, labels.size - 1, codes)
            levels = sorted(set(labels[np.unique(codes)]))
            level_index = {lvl: i for i, lvl in enumerate(levels)}
            level_codes = np.array([level_index.get(lbl, -1) for lbl in labels])[codes]
            if len(levels) > max_levels:
                notes.append(f"Covariate '{cov}' has {len(levels)} levels (more than {max_levels}): left out of the Cox model. "
                             "Group rare levels into 'other' or use it as a segment instead.")
                continue
            if len(levels) < 2:
                notes.append(f"Covariate '{cov}' has a single level ({levels[0]}): left out of the Cox model (it cannot explain differences).")
                continue
            ref = reference_levels.get(cov, levels[0])
            if ref not in levels:
                raise ConfigError(f"reference level {ref!r} for '{cov}' is not one of its levels: {', '.join(levels)}")
            refs[cov] = ref
            cols = []
            for i, level in enumerate(levels):
                if level == ref:
                    continue
                name = f"{cov}[{level}]"
                columns[name] = (level_codes == i).astype(float)
                cols.append(name)
            terms[cov] = cols
        else:
            if pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
                numeric = series.astype("Float64").astype("float64")
            else:
                from ..schemas import parse_numbers

                numeric, _bad = parse_numbers(series)
            numeric = numeric.to_numpy(dtype=float)
            blank = np.isnan(numeric)
            if blank.any():
                notes.append(f"{int(blank.sum())} blank value(s) in '{cov}': those customers are left out of the Cox model.")
            present = numeric[~blank]
            if present.size == 0 or np.nanstd(present) == 0:
                notes.append(f"Covariate '{cov}' is constant: left out of the Cox model (it cannot explain differences).")
                continue
            keep &= ~blank
            columns[cov] = numeric
            terms[cov] = [cov]
    if not columns:
        raise InsufficientDataError("No usable covariate for the Cox model (all were constant, blank or had too many levels). "
                                    "Choose covariates that vary between customers.")
    X = pd.DataFrame(columns, index=frame.index)
    # Columns made constant by the dropped rows (a level only seen with blanks) are removed too.
    for name in list(X.columns):
        kept = X[name].to_numpy()[keep]
        if kept.size == 0 or kept.min() == kept.max():
            term = next(t for t, cols in terms.items() if name in cols)
            terms[term].remove(name)
            X = X.drop(columns=name)
            notes.append(f"Column '{name}' is constant among the customers modelled: left out.")
    terms = {t: c for t, c in terms.items() if c}
    for note in notes if not quiet else ():
        warn(note)
    return Design(X=X, terms=terms, reference_levels=refs, notes=tuple(notes), rows_used=keep)


@dataclass(frozen=True)
class CoxResult:
    """A fitted Cox model: ``summary`` (covariate, coef, se, hr, ci_lower, ci_upper, p) and the fitter."""

    summary: pd.DataFrame
    n: int
    events: int
    fitter: object
    design: Design
    durations: np.ndarray
    events_mask: np.ndarray
    notes: tuple[str, ...] = field(default_factory=tuple)
    strata: tuple[str, ...] = ()
    strata_values: np.ndarray | None = None  # stratum label per modelled row, None if unstratified

    @property
    def concordance(self) -> float:
        """Harrell's C in-sample (computed on first use; lifelines caches it)."""
        return float(self.fitter.concordance_index_)


def fit_cox(frame: pd.DataFrame, *, covariates: list[str], reference_levels: dict[str, str] | None = None,
            duration_col: str = "duration", event_col: str = "event", alpha: float = 0.05,
            strata: list[str] | None = None, max_levels: int = MAX_LEVELS, penalizer: float = 0.0,
            quiet: bool = False) -> CoxResult:
    """Fit a Cox model (Efron ties) on ``covariates``; optional ``strata`` columns (lifelines ``strata=``).

    Notes (dropped covariates, blanks, separation) are in ``.notes`` and also emitted as
    :class:`~workbench.survival.data.SurvivalDataWarning` unless ``quiet`` (for refits of the same data).
    """
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError, ConvergenceWarning

    strata = list(strata or [])
    design = build_design(frame, covariates=[c for c in covariates if c not in strata],
                          reference_levels={k: v for k, v in (reference_levels or {}).items() if k not in strata},
                          max_levels=max_levels, event_col=event_col, quiet=quiet)
    rows = design.rows_used
    data = design.X.loc[rows].copy()
    data["_T"] = frame.loc[rows, duration_col].to_numpy(dtype=float)
    data["_E"] = frame.loc[rows, event_col].to_numpy(dtype=bool).astype(int)
    for s in strata:
        data[s] = frame.loc[rows, s].astype(str).to_numpy()
    events = int(data["_E"].sum())
    if events < 2 * len(design.X.columns):
        raise InsufficientDataError(
            f"Only {events} churn events for {len(design.X.columns)} Cox coefficients: too few to estimate them. "
            "Use fewer covariates (or fewer categorical levels), or more history.")
    notes = list(design.notes)
    fitter = CoxPHFitter(alpha=alpha, penalizer=penalizer)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fitter.fit(data, duration_col="_T", event_col="_E", strata=strata or None)
        except (ConvergenceError, np.linalg.LinAlgError) as exc:
            raise ModelFitError(
                "The Cox model did not converge. Usual causes: a covariate that perfectly separates churners "
                "from non-churners, or strongly collinear covariates. Remove or merge the covariate named in "
                f"the data-quality notes, or set a small penalizer (e.g. 0.01). Detail: {str(exc).splitlines()[0]}") from exc
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            text = str(w.message).split("\n")[0]
            notes.append(f"Cox fit warning: {text}")
    s = fitter.summary
    z = stats.norm.ppf(1 - alpha / 2)
    summary = pd.DataFrame({
        "covariate": s.index.astype(str),
        "coef": s["coef"].to_numpy(),
        "se": s["se(coef)"].to_numpy(),
    })
    summary["hr"] = np.exp(summary["coef"])
    summary["ci_lower"] = np.exp(summary["coef"] - z * summary["se"])
    summary["ci_upper"] = np.exp(summary["coef"] + z * summary["se"])
    summary["p"] = s["p"].to_numpy()
    term_of = {c: t for t, cols in design.terms.items() for c in cols}
    summary["term"] = summary["covariate"].map(term_of)
    summary["reference"] = summary["term"].map(lambda t: design.reference_levels.get(t, ""))
    separated = summary[(summary["coef"].abs() > 8) | (summary["se"] > 50)]
    for name in separated["covariate"]:
        notes.append(f"'{name}' looks perfectly separating (huge coefficient or standard error): its hazard ratio is not "
                     "estimable. Merge that level with another or drop the covariate.")
    for note in notes[len(design.notes):] if not quiet else ():
        warn(note)
    return CoxResult(summary=summary, n=int(len(data)), events=events,
                     fitter=fitter, design=design, durations=data["_T"].to_numpy(), events_mask=data["_E"].to_numpy(bool),
                     notes=tuple(notes), strata=tuple(strata),
                     strata_values=data[strata].astype(str).agg("|".join, axis=1).to_numpy() if strata else None)


def _km_left(durations: np.ndarray, events: np.ndarray) -> np.ndarray:
    """1 - KM(t-) at each subject's own time (R ``cox.zph`` transform "km")."""
    from .km import event_table

    tab = event_table(durations, events)
    n, d = tab["at_risk"].to_numpy(), tab["events"].to_numpy()
    s = np.cumprod(1 - d / n)
    idx = np.searchsorted(tab["time"].to_numpy(), durations, side="left")  # number of times strictly before
    return 1.0 - np.concatenate([[1.0], s])[idx]


def _zph_sums(t, e, x, r, w, g) -> tuple[np.ndarray, np.ndarray]:
    """Score for the x * g(t) terms and the 2p x 2p information, one stratum (R's C routine zph1)."""
    p = x.shape[1]
    times, inv = np.unique(t, return_inverse=True)
    m = times.size

    def per_time(values: np.ndarray) -> np.ndarray:
        if values.ndim == 1:
            return np.bincount(inv, weights=values, minlength=m)
        return np.column_stack([np.bincount(inv, weights=values[:, j], minlength=m) for j in range(values.shape[1])])

    def per_time_outer(weights: np.ndarray) -> np.ndarray:
        # sum of weights * x x' per time, one column pair at a time (no n x p x p array)
        out = np.zeros((m, p, p))
        for a in range(p):
            for b in range(a, p):
                out[:, a, b] = out[:, b, a] = np.bincount(inv, weights=weights * x[:, a] * x[:, b], minlength=m)
        return out

    rx = r[:, None] * x
    de = e.astype(float)
    s0_d = per_time(r * de)
    s1_d = per_time(rx * de[:, None])
    s2_d = per_time_outer(r * de)
    ndead = per_time(de)
    deadwt = per_time(w * de)
    xw_dead = per_time(x * (w * de)[:, None])
    # Risk set at time j = subjects with time >= t_j (reverse cumulative sums).
    rs0 = per_time(r)[::-1].cumsum(0)[::-1]
    rs1 = per_time(rx)[::-1].cumsum(0)[::-1]
    rs2 = per_time_outer(r)[::-1].cumsum(0)[::-1]
    gsum = per_time(g * de)  # g is constant within a time; recover it per time with deaths
    dt = np.nonzero(ndead > 0)[0]
    gj = gsum[dt] / ndead[dt]
    u2 = (xw_dead[dt] * gj[:, None]).sum(0)
    imat = np.zeros((2 * p, 2 * p))
    for j, gtime in zip(dt, gj):
        nd = int(round(ndead[j]))
        wtave = deadwt[j] / nd
        # Efron: the tied deaths leave the risk set in nd equal steps (frac = k / nd, k = 1..nd).
        frac = np.arange(1, nd + 1) / nd
        base0, base1, base2 = rs0[j] - s0_d[j], rs1[j] - s1_d[j], rs2[j] - s2_d[j]
        d0 = base0 + frac * s0_d[j]
        means = (base1[None, :] + frac[:, None] * s1_d[j][None, :]) / d0[:, None]
        u2 -= gtime * wtave * means.sum(0)
        inv0 = 1.0 / d0
        v = wtave * (inv0.sum() * base2 + (frac * inv0).sum() * s2_d[j] - means.T @ means)
        imat[:p, :p] += v
        imat[:p, p:] += gtime * v
        imat[p:, p:] += gtime * gtime * v
    imat[p:, :p] = imat[:p, p:].T
    return u2, imat


def zph_score_test(durations, events, X, eta, *, transform: str = "km", terms: dict[str, list[str]] | None = None,
                   weights=None, strata=None) -> pd.DataFrame:
    """The ``cox.zph`` score test from its ingredients (right-censored data, Efron ties).

    ``X`` is the design (DataFrame), ``eta`` the fitted linear predictor, ``strata`` optional
    stratum labels (risk sets are within strata; the time transform uses all data, as R).
    Returns a table covariate (term name or GLOBAL), chisq, df, p.
    """
    t = np.asarray(durations, dtype=float)
    e = np.asarray(events).astype(bool)
    names = list(X.columns)
    x = np.asarray(X, dtype=float)
    x = x - x.mean(axis=0)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    p = x.shape[1]
    if transform == "km":
        g = _km_left(t, e)
    elif transform == "identity":
        g = t.copy()
    elif transform == "log":
        g = np.log(t)
    elif transform == "rank":
        g = stats.rankdata(t)
    else:
        raise ConfigError(f"transform must be km, identity, log or rank; got {transform!r}")
    g = g - g[e].mean()
    r = np.exp(np.asarray(eta, dtype=float) - np.max(eta)) * w
    strata_codes = np.zeros(t.size, dtype=int) if strata is None else pd.factorize(np.asarray(strata, dtype=object))[0]
    u2 = np.zeros(p)
    imat = np.zeros((2 * p, 2 * p))
    for code in np.unique(strata_codes):
        m = strata_codes == code
        su, si = _zph_sums(t[m], e[m], x[m], r[m], w[m], g[m])
        u2 += su
        imat += si
    u = np.concatenate([np.zeros(p), u2])
    terms = terms or {n: [n] for n in names}
    rows = []
    for term, cols in terms.items():
        jj = [names.index(c) for c in cols]
        kk = list(range(p)) + [p + j for j in jj]
        uu = u[kk]
        chisq = float(uu @ np.linalg.solve(imat[np.ix_(kk, kk)], uu))
        rows.append((term, chisq, len(jj), float(stats.chi2.sf(chisq, len(jj)))))
    chisq = float(u @ np.linalg.solve(imat, u))
    rows.append(("GLOBAL", chisq, p, float(stats.chi2.sf(chisq, p))))
    return pd.DataFrame(rows, columns=["covariate", "chisq", "df", "p"])


def cox_zph(result: CoxResult, *, transform: str = "km") -> pd.DataFrame:
    """R's ``cox.zph(fit, transform)`` for a fitted :class:`CoxResult` (stratified fits included)."""
    X = result.design.X.loc[result.design.rows_used]
    beta = result.summary.set_index("covariate")["coef"].reindex(X.columns).to_numpy()
    eta = np.asarray(X, dtype=float) @ beta
    return zph_score_test(result.durations, result.events_mask, X, eta, transform=transform, terms=result.design.terms,
                          strata=result.strata_values)


def cv_concordance(frame: pd.DataFrame, *, covariates: list[str], reference_levels: dict[str, str] | None = None,
                   k: int = 5, seed: int = 0, duration_col: str = "duration", event_col: str = "event") -> pd.DataFrame:
    """Harrell's C on held-out folds: fit on k - 1 folds, score the left-out fold. One row per fold."""
    from lifelines import CoxPHFitter
    from lifelines.utils import concordance_index

    if k < 2:
        raise ConfigError(f"cv_folds must be at least 2; got {k}")
    design = build_design(frame, covariates=covariates, reference_levels=reference_levels, quiet=True)
    X = design.X.loc[design.rows_used].reset_index(drop=True)
    T = frame.loc[design.rows_used, duration_col].to_numpy(float)
    E = frame.loc[design.rows_used, event_col].to_numpy(bool)
    rng = np.random.default_rng(seed)
    fold = rng.permutation(np.arange(len(X)) % k)
    rows = []
    for i in range(k):
        train, test = fold != i, fold == i
        data = X[train].assign(_T=T[train], _E=E[train].astype(int))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fitter = CoxPHFitter().fit(data, "_T", "_E")
            except Exception as exc:  # lifelines raises several types on a degenerate fold
                raise ModelFitError(f"Cox fit failed on cross-validation fold {i + 1}: {exc}") from exc
        cols = X.columns
        risk = X[test][cols].to_numpy() @ fitter.params_.reindex(cols).to_numpy()
        c = concordance_index(T[test], -risk, E[test])
        rows.append({"fold": i + 1, "n": int(test.sum()), "events": int(E[test].sum()), "concordance": float(c)})
    return pd.DataFrame(rows)


def ph_violations(zph: pd.DataFrame, *, alpha: float = 0.05) -> list[str]:
    """Terms (not GLOBAL) whose PH test has p < alpha."""
    rows = zph[(zph["covariate"] != "GLOBAL") & (zph["p"] < alpha)]
    return rows["covariate"].tolist()
