"""Cox fit against statsmodels PHReg, the cox.zph score test against R's published checks, bad input."""

import math

import numpy as np
import pandas as pd
import pytest

from workbench.errors import ConfigError, InsufficientDataError, ModelFitError
from workbench.survival import build_design, cox_zph, cv_concordance, fit_cox, zph_score_test
from workbench.survival.data import SurvivalDataWarning

ROSSI_COVARIATES = ["fin", "age", "race", "wexp", "mar", "paro", "prio"]


@pytest.fixture(scope="module")
def rossi():
    from lifelines.datasets import load_rossi

    r = load_rossi()
    r["duration"] = r["week"].astype(float)
    r["event"] = r["arrest"].astype(bool)
    return r


@pytest.fixture(scope="module")
def rossi_fit(rossi):
    return fit_cox(rossi, covariates=ROSSI_COVARIATES)


def test_cox_matches_statsmodels_phreg_efron(rossi, rossi_fit):
    from statsmodels.duration.hazard_regression import PHReg

    ref = PHReg(rossi["week"], rossi[ROSSI_COVARIATES].astype(float), status=rossi["arrest"], ties="efron").fit()
    np.testing.assert_allclose(rossi_fit.summary["coef"], ref.params, rtol=1e-5)
    np.testing.assert_allclose(rossi_fit.summary["se"], ref.bse, rtol=1e-4)
    # Published (Fox & Weisberg, R coxph): fin -0.379, age -0.0574, prio 0.0915
    assert rossi_fit.summary.set_index("covariate").loc["age", "coef"] == pytest.approx(-0.0574, abs=5e-4)


def test_zph_matches_r_closed_form_efron():
    """R survival's own check (tests/zph.R): Efron fit, transform='log', closed-form score test."""
    data = pd.DataFrame({"duration": [9, 1, 1, 6, 6, 8], "event": [True, True, False, True, True, False],
                         "x": [0.0, 1, 1, 1, 0, 0]})
    phi = math.acos((45 / 23) * math.sqrt(3 / 23))
    r = 2 * math.sqrt(23 / 3) * math.cos(phi / 3)  # MLE of exp(beta) under Efron
    fit = fit_cox(data.assign(_pad=0), covariates=["x"])
    assert fit.summary["coef"].iloc[0] == pytest.approx(math.log(r), rel=1e-5)  # lifelines stops at its tolerance
    U = np.array([1 / (r + 1), 3 / (r + 3), -r / (r + 5), 0])
    imat = np.array([r / (r + 1) ** 2, 3 * r / (r + 3) ** 2, 5 * r / (r + 5) ** 2, 0])
    g = np.log([1, 6, 6, 9])
    g = g - g.mean()
    u = np.array([U.sum(), (g * U).sum()])
    i2 = np.array([[imat.sum(), (g * imat).sum()], [(g * imat).sum(), (g**2 * imat).sum()]])
    expected = u @ np.linalg.solve(i2, u)
    got = zph_score_test(data["duration"], data["event"], data[["x"]], data["x"].to_numpy() * math.log(r),
                         transform="log")
    assert got.set_index("covariate").loc["x", "chisq"] == pytest.approx(expected, rel=1e-9)


def test_zph_equals_numerical_score_test_on_rossi(rossi, rossi_fit):
    """Score and information of the model with x * g(t) added, by finite differences of the Efron likelihood."""
    from workbench.survival.cox import _km_left

    X = rossi[ROSSI_COVARIATES].to_numpy(float)
    T, E = rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(bool)
    beta = rossi_fit.summary["coef"].to_numpy()
    g = _km_left(T, E)
    g = g - g[E].mean()
    p = len(beta)
    death_times = np.unique(T[E])
    sets = [((T >= t), (T == t) & E, g[(T == t) & E][0]) for t in death_times]

    def loglik(theta):
        b, gam = theta[:p], theta[p:]
        ll = 0.0
        for risk, dead, gt in sets:
            eta = X @ b + (X @ gam) * gt
            ll += eta[dead].sum()
            s_r, s_d, d = np.exp(eta[risk]).sum(), np.exp(eta[dead]).sum(), dead.sum()
            ll -= sum(np.log(s_r - k / d * s_d) for k in range(d))
        return ll

    theta0 = np.concatenate([beta, np.zeros(p)])
    n, h = 2 * p, 1e-4
    eye = np.eye(n) * h
    grad = np.array([(loglik(theta0 + eye[i]) - loglik(theta0 - eye[i])) / (2 * h) for i in range(n)])
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(i, n):
            hess[i, j] = hess[j, i] = (loglik(theta0 + eye[i] + eye[j]) - loglik(theta0 + eye[i] - eye[j])
                                       - loglik(theta0 - eye[i] + eye[j]) + loglik(theta0 - eye[i] - eye[j])) / (4 * h * h)
    u = np.concatenate([np.zeros(p), grad[p:]])
    ours = cox_zph(rossi_fit).set_index("covariate")
    assert ours.loc["GLOBAL", "chisq"] == pytest.approx(u @ np.linalg.solve(-hess, u), rel=1e-3)
    kk = list(range(p)) + [p + 1]
    assert ours.loc["age", "chisq"] == pytest.approx(u[kk] @ np.linalg.solve(-hess[np.ix_(kk, kk)], u[kk]), rel=1e-3)
    # Values of this implementation (R cox.zph default transform "km", Efron), kept as a regression check.
    assert ours.loc["age", "chisq"] == pytest.approx(5.974, abs=2e-3)
    assert ours.loc["GLOBAL", "df"] == 7
    assert ours.loc["GLOBAL", "chisq"] == pytest.approx(17.694, abs=2e-3)


def test_categorical_terms_pooled_and_reference_level():
    rng = np.random.default_rng(3)
    n = 600
    plan = rng.choice(["b", "a", "c"], size=n)
    hr = np.select([plan == "a", plan == "b"], [1.0, 2.0], 3.0)
    t = rng.exponential(10 / hr)
    df = pd.DataFrame({"duration": np.minimum(t, 15), "event": t < 15, "plan": plan, "x": rng.normal(size=n)})
    fit = fit_cox(df, covariates=["plan", "x"])
    assert list(fit.summary["covariate"]) == ["plan[b]", "plan[c]", "x"]
    assert set(fit.summary.loc[fit.summary.term == "plan", "reference"]) == {"a"}
    zph = cox_zph(fit).set_index("covariate")
    assert zph.loc["plan", "df"] == 2 and zph.loc["GLOBAL", "df"] == 3
    refit = fit_cox(df, covariates=["plan", "x"], reference_levels={"plan": "c"})
    assert list(refit.summary["covariate"][:2]) == ["plan[a]", "plan[b]"]
    with pytest.raises(ConfigError, match="reference level 'z'"):
        fit_cox(df, covariates=["plan"], reference_levels={"plan": "z"})
    strat = fit_cox(df, covariates=["plan", "x"], strata=["plan"])
    assert list(strat.summary["covariate"]) == ["x"]
    cv = cv_concordance(df, covariates=["plan", "x"], k=3, seed=1)
    assert len(cv) == 3 and cv["concordance"].between(0.5, 1).all()
    assert cv.equals(cv_concordance(df, covariates=["plan", "x"], k=3, seed=1))


def test_design_drops_constant_high_cardinality_and_counts_blanks():
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({"duration": rng.exponential(5, n) + 0.1, "event": rng.random(n) < 0.6,
                       "const": 1.0, "many": [f"L{i}" for i in range(n)], "x": rng.normal(size=n)})
    df.loc[:9, "x"] = np.nan
    with pytest.warns(SurvivalDataWarning):
        design = build_design(df, covariates=["const", "many", "x"])
    text = " ".join(design.notes)
    assert "'const' is constant" in text
    assert "'many' has 300 levels" in text
    assert "10 blank value(s) in 'x'" in text
    assert list(design.X.columns) == ["x"] and design.rows_used.sum() == n - 10
    with pytest.raises(InsufficientDataError, match="No usable covariate"):
        build_design(df, covariates=["const"])


def test_separation_is_flagged_or_fails_cleanly():
    rng = np.random.default_rng(5)
    n = 200
    flag = rng.random(n) < 0.5
    t = rng.exponential(5, n) + 0.1
    df = pd.DataFrame({"duration": t, "event": flag, "flag": flag.astype(float), "x": rng.normal(size=n)})
    try:
        with pytest.warns(SurvivalDataWarning):
            fit = fit_cox(df, covariates=["flag", "x"])
        assert any("separat" in n for n in fit.notes)
    except ModelFitError as exc:
        assert "perfectly" in str(exc)


def test_too_few_events():
    df = pd.DataFrame({"duration": [1.0, 2, 3, 4, 5, 6], "event": [True, False, False, False, False, False],
                       "x": [1.0, 2, 3, 4, 5, 6], "y": [0.0, 1, 0, 1, 0, 1]})
    with pytest.raises(InsufficientDataError, match="Only 1 churn events for 2 Cox coefficients"):
        fit_cox(df, covariates=["x", "y"])


def test_zph_stratified_doubles_like_r():
    """R survival tests/zph.R: the data stacked twice as two strata give twice the score test."""
    data = pd.DataFrame({"duration": [9, 1, 1, 6, 6, 8], "event": [True, True, False, True, True, False],
                         "x": [0.0, 1, 1, 1, 0, 0]})
    beta = math.log(2 * math.sqrt(23 / 3) * math.cos(math.acos((45 / 23) * math.sqrt(3 / 23)) / 3))
    single = zph_score_test(data["duration"], data["event"], data[["x"]], data["x"].to_numpy() * beta, transform="log")
    twice = pd.concat([data, data], ignore_index=True)
    double = zph_score_test(twice["duration"], twice["event"], twice[["x"]], twice["x"].to_numpy() * beta,
                            transform="log", strata=np.repeat(["a", "b"], len(data)))
    assert double["chisq"].iloc[0] == pytest.approx(2 * single["chisq"].iloc[0], rel=1e-10)


def test_cox_zph_on_stratified_fit(rossi):
    fit = fit_cox(rossi, covariates=["fin", "age", "prio", "wexp"], strata=["wexp"])
    zph = cox_zph(fit)
    assert list(zph["covariate"]) == ["fin", "age", "prio", "GLOBAL"]
