"""Conditional risk, tiers, calibration and parametric fits; chart specs."""

import numpy as np
import pandas as pd
import pytest

from workbench.errors import ConfigError
from workbench.survival import active_risk, calibration, fit_cox, parametric_fits, tier_summary
from workbench.survival import charts


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(11)
    n = 1500
    x = rng.normal(size=n)
    seg = rng.choice(["a", "b"], size=n)
    t = rng.weibull(1.2, n) * 20 * np.exp(-0.5 * x)
    c = rng.uniform(1, 30, n)
    return pd.DataFrame({"id": [f"C{i}" for i in range(n)], "duration": np.minimum(t, c), "event": t <= c,
                         "x": x, "seg": seg, "arr": rng.integers(1000, 5000, n).astype(float)})


@pytest.fixture(scope="module")
def fit(data):
    return fit_cox(data, covariates=["x"])


def test_conditional_risk_matches_lifelines_survival(fit, data):
    risk = active_risk(fit, data, horizons=[3, 6], tier_horizon=6, arr_col="arr")
    assert len(risk) == (~data.event).sum()
    row = risk.iloc[0]
    # Breslow baseline by hand (a step function, as R's survfit.coxph; lifelines interpolates linearly)
    beta = fit.summary["coef"].iloc[0]
    T, E, x = data["duration"].to_numpy(), data["event"].to_numpy(), data["x"].to_numpy()
    risk_score = np.exp(beta * (x - x.mean()))
    death_times = np.sort(T[E])
    jumps = np.array([1 / risk_score[T >= t].sum() for t in death_times])

    def H0(t):
        return jumps[death_times <= t].sum()

    x_i = data.set_index("id").loc[row["id"], "x"]
    expected = 1 - np.exp(-(H0(row["tenure"] + 6) - H0(row["tenure"])) * np.exp(beta * (x_i - x.mean())))
    assert row["churn_prob_6"] == pytest.approx(expected, rel=1e-6)
    assert (risk["churn_prob_6"] >= risk["churn_prob_3"]).all()
    cap = active_risk(fit, data, horizons=[3, 6], tier_horizon=6, tier_method="capacity", urgent_capacity=10,
                      medium_capacity=20)
    assert (cap["tier"] == "urgent").sum() == 10 and (cap["tier"] == "medium").sum() == 20
    assert cap.loc[cap.tier == "urgent", "churn_prob_6"].min() >= cap.loc[cap.tier == "medium", "churn_prob_6"].max()
    summary = tier_summary(risk, tier_horizon=6)
    assert summary["customers"].sum() == len(risk)
    urgent = risk[risk.tier == "urgent"]
    assert summary.set_index("tier").loc["urgent", "arr"] == pytest.approx(urgent["arr"].sum())
    assert summary.set_index("tier").loc["urgent", "action"] == "direct contact now"
    with pytest.raises(ConfigError, match="tier_horizon 5 must be one of"):
        active_risk(fit, data, horizons=[3, 6], tier_horizon=5)


def test_calibration_and_parametric(fit, data):
    summary, deciles = calibration(fit, horizons=[6, 12])
    assert list(summary["horizon"]) == [6, 12]
    assert (summary["ici"] < 0.05).all()  # the model is correctly specified
    assert deciles["bin"].max() == 10
    comparison, lifetimes = parametric_fits(data, segment_cols=["seg"])
    assert comparison["model"].iloc[0] == "weibull"  # the data are Weibull
    assert comparison["delta_aic"].iloc[0] == 0
    assert set(lifetimes["segment"]) == {"all", "a", "b"}


def test_chart_specs(fit, data):
    from workbench.survival import survival_tables

    km = survival_tables(data, segment_cols=["seg"], horizons=[6])
    pts = charts.curve_points(km["curves"], segment_column="seg", n_points=50)
    assert len(pts) <= 2 * 51
    spec = charts.km_chart(pts, title="By seg").to_dict()
    assert len(spec["vconcat"]) == 2
    forest = charts.forest_chart(fit.summary).to_dict()
    assert forest["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    _summary, deciles = calibration(fit, horizons=[6])
    assert "layer" in charts.calibration_chart(deciles).to_dict()


def test_calibration_subsample_is_seeded(fit):
    a, _ = calibration(fit, horizons=[6], max_customers=500, seed=3)
    b, _ = calibration(fit, horizons=[6], max_customers=500, seed=3)
    assert a["customers"].iloc[0] == 500
    pd.testing.assert_frame_equal(a, b)


def test_curve_points_keeps_largest_segments():
    from workbench.survival import survival_tables

    rng = np.random.default_rng(2)
    n = 3000
    df = pd.DataFrame({"duration": rng.integers(1, 30, n).astype(float), "event": rng.random(n) < 0.5,
                       "many": rng.choice([f"s{i:02d}" for i in range(20)], size=n, p=np.r_[[0.3], np.full(19, 0.7 / 19)])})
    km = survival_tables(df, segment_cols=["many"], horizons=[6])
    pts = charts.curve_points(km["curves"], segment_column="many", max_segments=5)
    assert pts["segment"].nunique() == 5 and "s00" in set(pts["segment"])


def test_compute_functions_leave_inputs_unchanged(fit, data):
    from workbench.survival import cv_concordance, logrank_table, rmst_tables, survival_tables

    before = data.copy()
    survival_tables(data, segment_cols=["seg"], horizons=[6])
    logrank_table(data, segment_cols=["seg"])
    rmst_tables(data, segment_cols=["seg"], tau=12)
    fit_cox(data, covariates=["x", "seg"], quiet=True)
    cv_concordance(data, covariates=["x"], k=3, seed=0)
    active_risk(fit, data, horizons=[6], tier_horizon=6)
    parametric_fits(data, segment_cols=[])
    pd.testing.assert_frame_equal(data, before)


def test_calibration_says_why_ici_is_blank():
    import numpy as np
    import pandas as pd

    from workbench.survival import calibration, fit_cox

    rng = np.random.default_rng(5)
    n = 400
    group = rng.integers(0, 2, n)  # two distinct predictions only: the spline smoother has no room
    duration = rng.exponential(20 / np.exp(0.7 * group)) + 0.1
    frame = pd.DataFrame({"duration": duration, "event": duration < 30, "group": group.astype(float)})
    summary, _ = calibration(fit_cox(frame, covariates=["group"]), horizons=[6])
    assert np.isnan(summary.loc[0, "ici"])
    assert "too few distinct predicted probabilities" in summary.loc[0, "note"]
