"""Log-rank against a direct chi-square computation and lifelines; Holm/BH against statsmodels."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from workbench.survival import benjamini_hochberg, holm, logrank_statistic, logrank_table


def test_two_group_logrank_direct_chisquare():
    t = np.array([1, 2, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    e = np.array([1, 1, 0, 1, 1, 0, 1, 1, 0, 1], dtype=bool)
    g = np.array(list("aabababbba"))
    o_minus_e, var = 0.0, 0.0
    for time in np.unique(t[e]):
        at_risk = t >= time
        n, n1 = at_risk.sum(), (at_risk & (g == "a")).sum()
        d = ((t == time) & e).sum()
        d1 = ((t == time) & e & (g == "a")).sum()
        o_minus_e += d1 - d * n1 / n
        var += d * (n1 / n) * (1 - n1 / n) * (n - d) / (n - 1) if n > 1 else 0
    chisq, df, p, _ = logrank_statistic(t, e, g)
    assert chisq == pytest.approx(o_minus_e**2 / var)
    assert df == 1


def test_multigroup_matches_lifelines():
    from lifelines.datasets import load_rossi
    from lifelines.statistics import multivariate_logrank_test

    r = load_rossi()
    g = r.prio.clip(0, 3)
    chisq, df, p, _ = logrank_statistic(r.week, r.arrest, g)
    ref = multivariate_logrank_test(r.week, g, r.arrest)
    assert chisq == pytest.approx(ref.test_statistic, rel=1e-10)
    assert p == pytest.approx(ref.p_value, rel=1e-8)
    assert df == 3


@pytest.mark.parametrize("pvals", [[0.01, 0.04, 0.03, 0.2, 0.005], [0.5, 0.5, 0.001], [0.9]])
def test_adjustments_match_statsmodels(pvals):
    np.testing.assert_allclose(holm(pvals), multipletests(pvals, method="holm")[1])
    np.testing.assert_allclose(benjamini_hochberg(pvals), multipletests(pvals, method="fdr_bh")[1])


def test_table_pairwise_and_single_level():
    from lifelines.datasets import load_rossi

    r = load_rossi().rename(columns={"week": "duration", "arrest": "event"})
    r["prio_band"] = r.prio.clip(0, 3).astype(str)
    r["one"] = "x"
    table = logrank_table(r, segment_cols=["prio_band", "one"])
    assert list(table.columns[:8]) == ["segment_column", "group_a", "group_b", "chisq", "df", "p", "p_holm", "p_bh"]
    pairs = table[(table.segment_column == "prio_band") & (table.group_a != "")]
    assert len(pairs) == 6
    np.testing.assert_allclose(pairs.p_holm, multipletests(pairs.p, method="holm")[1])
    one = table[table.segment_column == "one"].iloc[0]
    assert "only one level" in one["note"] and np.isnan(one["chisq"])


def test_many_levels_skip_pairwise():
    rng = np.random.default_rng(0)
    n = 2000
    df = pd.DataFrame({"duration": rng.integers(1, 20, n).astype(float), "event": rng.random(n) < 0.5,
                       "seg": rng.choice([f"L{i}" for i in range(40)], size=n)})
    table = logrank_table(df, segment_cols=["seg"])
    assert len(table) == 1 and "pairwise tests skipped" in table["note"].iloc[0]
    assert table["df"].iloc[0] == 39
