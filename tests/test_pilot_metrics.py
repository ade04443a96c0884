"""Pilot metric library against independent computations and published values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from workbench.pilot.metrics import (
    bootstrap_median_difference,
    cox_hazard_ratio,
    design_effect,
    hodges_lehmann,
    newcombe_interval,
    poisson_count,
    proportion_difference,
    relative_risk,
    single_proportion,
    welch_difference,
    wilson_interval,
)
from workbench.pilot.validity import mde_hazard_ratio, mde_two_proportions, sample_ratio_mismatch

# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score).
NEWCOMBE_TABLE_II = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize("counts,expected", NEWCOMBE_TABLE_II)
def test_newcombe_matches_published_table(counts, expected):
    lo, hi = newcombe_interval(*counts)
    assert (round(lo, 4), round(hi, 4)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("counts", [c for c, _ in NEWCOMBE_TABLE_II] + [(40, 400, 90, 600), (3, 12, 0, 30)])
def test_newcombe_matches_statsmodels(counts):
    ours = newcombe_interval(*counts, alpha=0.1)
    theirs = confint_proportions_2indep(*counts, method="newcomb", compare="diff", alpha=0.1)
    assert ours == pytest.approx(theirs, abs=1e-10)


@pytest.mark.parametrize("x,n", [(0, 10), (3, 10), (10, 10), (57, 130), (1, 1000)])
def test_wilson_matches_statsmodels(x, n):
    assert wilson_interval(x, n, alpha=0.05) == pytest.approx(proportion_confint(x, n, method="wilson"), abs=1e-12)


def test_score_test_is_the_pooled_z_test():
    r = proportion_difference(40, 400, 90, 600)
    _, p = proportions_ztest([40, 90], [400, 600])
    assert r.p_value == pytest.approx(p, rel=1e-10)
    assert r.estimate == pytest.approx(0.1 - 0.15)


def test_zero_events_in_one_arm_newcombe_keeps_zero_where_wald_would_not():
    # 0/40 vs 4/40: Wald excludes zero (0 - 0.1 +- 1.96 * 0.047 -> upper -0.007); Newcombe does not.
    wald_upper = -0.1 + 1.96 * np.sqrt(0.1 * 0.9 / 40)
    assert wald_upper < 0
    r = proportion_difference(0, 40, 4, 40)
    assert r.ci_lower < 0 < r.ci_upper


def test_relative_risk_log_and_score_match_statsmodels():
    r = relative_risk(30, 400, 60, 600, method="log")
    lo, hi = confint_proportions_2indep(30, 400, 60, 600, method="log", compare="ratio")
    assert (r.ci_lower, r.ci_upper) == pytest.approx((lo, hi), rel=1e-10)
    s = relative_risk(30, 400, 60, 600, method="score")
    assert (s.ci_lower, s.ci_upper) == pytest.approx(
        confint_proportions_2indep(30, 400, 60, 600, method="score", compare="ratio"), rel=1e-10)
    assert r.estimate == pytest.approx(0.75)
    z = relative_risk(0, 50, 5, 50)
    assert "Haldane" in z.note and z.ci_lower < 1 < z.ci_upper


def _survival_frame(seed=1, n=400, hr=0.6):
    rng = np.random.default_rng(seed)
    pilot = rng.random(n) < 0.4
    t = rng.exponential(1 / (0.002 * np.where(pilot, hr, 1.0)))
    return pd.DataFrame({"duration": np.minimum(t, 180), "event": (t < 180).astype(int), "pilot": pilot,
                         "csm_id": rng.choice(list("abcdefgh"), n)})


def test_cox_and_logrank_match_lifelines():
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    frame = _survival_frame()
    r = cox_hazard_ratio(frame)
    ref = CoxPHFitter().fit(frame[["duration", "event", "pilot"]].astype(float), "duration", "event")
    assert r.estimate == pytest.approx(float(np.exp(ref.params_["pilot"])), rel=1e-8)
    p = frame["pilot"]
    lr = logrank_test(frame.duration[p], frame.duration[~p], frame.event[p], frame.event[~p])
    assert r.p_value == pytest.approx(lr.p_value, rel=1e-10)
    robust = cox_hazard_ratio(frame, cluster_col="csm_id")
    assert robust.estimate == pytest.approx(r.estimate) and "cluster-robust" in robust.method


def test_cox_recovers_known_hazard_ratio():
    r = cox_hazard_ratio(_survival_frame(seed=3, n=4000, hr=0.6))
    assert r.ci_lower < 0.6 < r.ci_upper


def test_cox_with_no_events_in_one_arm_is_not_estimable():
    frame = _survival_frame()
    frame.loc[frame.pilot, "event"] = 0
    r = cox_hazard_ratio(frame)
    assert np.isnan(r.estimate) and np.isnan(r.ci_lower) and "not estimable" in r.note


def test_hodges_lehmann_against_brute_force_and_mann_whitney():
    rng = np.random.default_rng(7)
    x, y = rng.lognormal(1.5, 1, 60), rng.lognormal(1.2, 1, 80)
    r = hodges_lehmann(x, y)
    assert r.estimate == pytest.approx(np.median(np.subtract.outer(x, y)))
    assert r.p_value == pytest.approx(stats.mannwhitneyu(x, y, method="asymptotic").pvalue)
    # The interval inverts the Mann-Whitney test: shifting x by a bound puts the test near alpha.
    for bound in (r.ci_lower, r.ci_upper):
        p = stats.mannwhitneyu(x - bound, y, method="asymptotic", use_continuity=False).pvalue
        assert 0.03 < p < 0.07


def test_bootstrap_is_seeded():
    rng = np.random.default_rng(0)
    x, y = rng.normal(5, 2, 50), rng.normal(4, 2, 50)
    a = bootstrap_median_difference(x, y, seed=11)
    assert a == bootstrap_median_difference(x, y, seed=11)
    assert a.ci_lower < a.estimate < a.ci_upper


def test_welch_matches_scipy():
    rng = np.random.default_rng(2)
    x, y = rng.normal(3, 5, 40), rng.normal(0, 9, 70)
    r = welch_difference(x, y)
    ref = stats.ttest_ind(x, y, equal_var=False)
    ci = ref.confidence_interval()
    assert (r.ci_lower, r.ci_upper) == pytest.approx((ci.low, ci.high), rel=1e-10)
    assert r.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def test_poisson_exact_interval():
    r = poisson_count(16)
    assert (r.ci_lower, r.ci_upper) == pytest.approx((9.1454, 25.9830), abs=1e-3)  # Garwood 1936 tables
    assert poisson_count(0).ci_lower == 0


def test_single_proportion_p_value_against_threshold():
    r = single_proportion(73, 130, null=0.6)
    z = (73 / 130 - 0.6) / np.sqrt(0.6 * 0.4 / 130)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_srm_matches_scipy_chisquare_with_unequal_allocation():
    r = sample_ratio_mismatch(350, 650, planned_pilot_share=0.4)
    ref = stats.chisquare([350, 650], [400, 600])
    assert r.chi_square == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    assert r.p_value == pytest.approx(0.00125, abs=1e-5)
    assert not r.mismatch  # p = 0.00125 is above srm_alpha 0.001
    assert sample_ratio_mismatch(340, 660, planned_pilot_share=0.4).mismatch


def test_mde_two_proportions_matches_statsmodels_power():
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    mde = mde_two_proportions(0.12, 300, 900, alpha=0.05, power=0.8)
    h = proportion_effectsize(0.12, 0.12 + mde)
    achieved = NormalIndPower().power(effect_size=h, nobs1=300, ratio=3, alpha=0.05)
    assert achieved == pytest.approx(0.8, abs=1e-6)
    assert mde < 0


def test_mde_hazard_ratio_reaches_the_power():
    from lifelines.statistics import power_under_cph

    hr = mde_hazard_ratio(400, 600, 0.12, 0.2)
    assert power_under_cph(400, 600, 0.12, 0.2, hr) == pytest.approx(0.8, abs=1e-6)


def test_design_effect_from_clustered_outcome():
    rng = np.random.default_rng(5)
    clusters = np.repeat(np.arange(10), 50)
    values = rng.normal(0, 1, 500) + np.repeat(rng.normal(0, 1, 10), 50)  # ICC ~ 0.5
    de, icc, m0 = design_effect(values, clusters)
    assert 0.2 < icc < 0.8 and m0 == pytest.approx(50) and de == pytest.approx(1 + 49 * icc)
    none, icc0, _ = design_effect(rng.normal(size=500), clusters)
    assert none < 2
