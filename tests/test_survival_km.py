"""Kaplan-Meier, Greenwood, medians and RMST against hand computations and lifelines."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.errors import ConfigError
from workbench.survival import kaplan_meier, median_survival, rmst, rmst_tables, survival_tables

T = [1, 2, 2, 3, 4, 5]
E = [1, 1, 0, 1, 0, 1]


def test_km_and_greenwood_by_hand():
    tab = kaplan_meier(T, E).table.set_index("time")
    assert tab.loc[1, "survival"] == pytest.approx(5 / 6)
    assert tab.loc[2, "survival"] == pytest.approx(2 / 3)
    assert tab.loc[3, "survival"] == pytest.approx(4 / 9)
    assert tab.loc[5, "survival"] == pytest.approx(0.0)
    # Greenwood at t = 3: sum d / (n (n - d)) = 1/30 + 1/20 + 1/6 = 1/4
    assert tab.loc[3, "se"] == pytest.approx(4 / 9 * math.sqrt(0.25))
    assert list(tab["at_risk"]) == [6, 5, 3, 2, 1]


def test_ci_types_by_hand():
    z = stats.norm.ppf(0.975)
    s, v = 4 / 9, 0.25
    loglog = kaplan_meier(T, E, ci_type="log-log").table.set_index("time").loc[3]
    theta = z * math.sqrt(v) / math.log(s)
    assert loglog["ci_lower"] == pytest.approx(s ** math.exp(-theta))
    assert loglog["ci_upper"] == pytest.approx(s ** math.exp(theta))
    log = kaplan_meier(T, E, ci_type="log").table.set_index("time").loc[3]
    assert log["ci_lower"] == pytest.approx(s * math.exp(-z * math.sqrt(v)))
    plain = kaplan_meier(T, E, ci_type="plain").table.set_index("time").loc[3]
    assert plain["ci_upper"] == pytest.approx(s + z * s * math.sqrt(v))
    with pytest.raises(ConfigError, match="ci_type must be one of"):
        kaplan_meier(T, E, ci_type="arcsin")


def test_km_matches_lifelines_and_aggregation_is_exact():
    from lifelines import KaplanMeierFitter
    from lifelines.datasets import load_waltons

    w = load_waltons()
    ours = kaplan_meier(w["T"], w["E"])
    ref = KaplanMeierFitter().fit(w["T"], w["E"])
    s_ref = ref.survival_function_.iloc[1:, 0].to_numpy()
    np.testing.assert_allclose(ours.table["survival"], s_ref, rtol=1e-12)
    ci = ref.confidence_interval_.iloc[1:]
    positive = ours.table["survival"].to_numpy() > 0  # where S = 0, R (and we) give no interval
    np.testing.assert_allclose(ours.table["ci_lower"][positive], ci.iloc[:, 0][positive], rtol=1e-9)  # log-log
    np.testing.assert_allclose(ours.table["ci_upper"][positive], ci.iloc[:, 1][positive], rtol=1e-9)
    agg = w.groupby(["T", "E"]).size().reset_index(name="w")
    weighted = kaplan_meier(agg["T"], agg["E"], weights=agg["w"])
    np.testing.assert_allclose(weighted.table["survival"], ours.table["survival"])
    assert median_survival(ours) == (56.0, 53.0, 58.0)  # lifelines: median 56, CI 53 to 58


def test_median_not_reached_and_flat_half():
    assert math.isnan(median_survival(kaplan_meier([1, 2, 3], [1, 0, 0]))[0])
    # S = 0.5 exactly on [2, 4): R averages the two times
    assert median_survival(kaplan_meier([2, 2, 4, 4], [1, 1, 1, 1]))[0] == 3.0


def test_rmst_closed_form():
    res = rmst(T, E, tau=4.5)
    assert res.rmst == pytest.approx(1 + 5 / 6 + 2 / 3 + 4 / 9 * 1.5)
    a1, a2, a3 = 5 / 6 + 2 / 3 + 4 / 9 * 1.5, 2 / 3 + 4 / 9 * 1.5, 4 / 9 * 1.5
    var = a1**2 / 30 + a2**2 / 20 + a3**2 / 6
    assert res.se == pytest.approx(math.sqrt(var))
    assert res.ci_lower == pytest.approx(res.rmst - stats.norm.ppf(0.975) * res.se)
    with pytest.raises(ConfigError, match="tau"):
        rmst(T, E, tau=0)


def test_rmst_point_matches_lifelines():
    from lifelines import KaplanMeierFitter
    from lifelines.datasets import load_rossi
    from lifelines.utils import restricted_mean_survival_time

    r = load_rossi()
    ref = restricted_mean_survival_time(KaplanMeierFitter().fit(r.week, r.arrest), t=40)
    assert rmst(r.week, r.arrest, tau=40).rmst == pytest.approx(ref, rel=1e-9)


def _frame():
    rng = np.random.default_rng(1)
    n = 400
    seg = rng.choice(["a", "b"], size=n)
    t = np.ceil(rng.exponential(np.where(seg == "a", 10, 20)))
    c = rng.integers(1, 30, size=n)
    return pd.DataFrame({"duration": np.minimum(t, c).astype(float), "event": t <= c, "seg": seg,
                         "tiny": np.where(np.arange(n) < 3, "x", "y")})


def test_tables_shapes_and_small_segments():
    df = _frame()
    before = df.copy()
    out = survival_tables(df, segment_cols=["seg", "tiny"], horizons=[3, 6], min_group_size=5)
    pd.testing.assert_frame_equal(df, before)
    at_h = out["survival_at_horizons"]
    assert {"segment_column", "segment", "horizon", "survival", "ci_lower", "ci_upper", "at_risk"} <= set(at_h.columns)
    assert set(at_h["segment_column"]) == {"all", "seg", "tiny"}
    tiny = at_h[(at_h["segment_column"] == "tiny") & (at_h["segment"] == "x")]
    assert tiny["survival"].isna().all() and tiny["note"].str.contains("only 3 customers").all()
    overall = at_h[(at_h.segment == "all") & (at_h.horizon == 6)].iloc[0]
    assert overall["survival"] == pytest.approx(kaplan_meier(df.duration, df.event).survival_at(6)[0])
    assert overall["at_risk"] == (df.duration >= 6).sum()
    table, diffs = rmst_tables(df, segment_cols=["seg"], tau=12)
    a = table.set_index("segment").loc["a"]
    b = table.set_index("segment").loc["b"]
    d = diffs.iloc[0]
    assert d["difference"] == pytest.approx(a["rmst"] - b["rmst"])
    assert d["se"] == pytest.approx(math.hypot(a["se"], b["se"]))
