"""Business-case arithmetic against closed forms: S ** HR, expected losses, Monte Carlo vs delta method,
break-even by re-substitution, payback, sensitivity, and the contract of the compute functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import workbench.business_case as bc
from workbench.business_case import charts
from workbench.business_case.report import assumptions_table, effect_banner, executive_summary, headline
from workbench.errors import ConfigError, InputError

LAM = {"A": 0.02, "B": 0.05}  # monthly hazards of two segments (exponential survival)
HORIZONS = [3, 6, 12, 24]


def exp_baseline(lams=LAM, horizons=HORIZONS) -> pd.DataFrame:
    rows = [{"segment_column": "plan", "segment": s, "horizon": h, "survival": math.exp(-lam * h)}
            for s, lam in lams.items() for h in horizons]
    rows += [{"segment_column": "all", "segment": "all", "horizon": h, "survival": math.exp(-0.03 * h)} for h in horizons]
    return pd.DataFrame(rows)


def portfolio() -> pd.DataFrame:
    return pd.DataFrame({"segment": ["A", "B"], "accounts": [100.0, 200.0], "arr": [1_200_000.0, 600_000.0]})


def one_phase(share=1.0, start=0) -> pd.DataFrame:
    return pd.DataFrame({"phase": ["all"], "start_month": [start], "share": [share]})


def scenario(*, months=24, share=1.0, start=0, margin=0.8, hours=0.0, rate=0.0, rollout=None) -> bc.Scenario:
    surv = bc.monthly_survival(exp_baseline(), segment_column="plan", segments=["A", "B"], months=months)
    return bc.make_scenario(surv, portfolio(), one_phase(share, start) if rollout is None else rollout,
                            horizon_months=months, gross_margin=margin, cs_hours_saved_per_month=hours,
                            cs_hourly_cost=rate)


def costs() -> pd.DataFrame:
    return pd.DataFrame({"vendor": ["Cheap", "Dear"], "currency": ["EUR", "EUR"],
                         "licence_per_year": [10_000.0, 100_000.0], "implementation_one_off": [5_000.0, 50_000.0],
                         "internal_effort_per_year": [2_000.0, 20_000.0]})


# ---------------------------------------------------------------------------------------
# S ** HR and expected churn
# ---------------------------------------------------------------------------------------

def test_survival_with_tool_is_s_to_the_hr():
    s = np.array([1.0, 0.9, 0.5, 0.1])
    np.testing.assert_allclose(bc.survival_with_tool(s, 0.7), [1.0, 0.9 ** 0.7, 0.5 ** 0.7, 0.1 ** 0.7])
    # HR = 1: no effect; the cumulative hazard scales by HR.
    np.testing.assert_allclose(bc.survival_with_tool(s, 1.0), s)
    np.testing.assert_allclose(-np.log(bc.survival_with_tool(s[1:], 0.6)), 0.6 * -np.log(s[1:]))
    with pytest.raises(ConfigError, match="hazard ratio must be > 0"):
        bc.survival_with_tool(s, 0.0)


def test_monthly_survival_is_exact_for_constant_hazard_and_flags_extrapolation():
    surv = bc.monthly_survival(exp_baseline(), segment_column="plan", segments=["A", "B", "C"], months=36)
    a = surv[surv["segment"] == "A"]
    np.testing.assert_allclose(a["survival"], np.exp(-0.02 * np.arange(37)), rtol=1e-12)
    assert a.loc[a["month"] > 24, "extrapolated"].all() and not a.loc[a["month"] <= 24, "extrapolated"].any()
    c = surv[surv["segment"] == "C"]  # not in the baseline: the whole base is used, and said so
    np.testing.assert_allclose(c["survival"], np.exp(-0.03 * np.arange(37)), rtol=1e-12)
    assert c["basis"].iloc[0].startswith("all customers")


def test_expected_churn_closed_form_full_coverage_from_go_live():
    hr, T = 0.7, 24
    out = bc.expected_churn(scenario(months=T), hazard_ratio=hr).set_index("segment")
    for seg, lam in LAM.items():
        n, arr = portfolio().set_index("segment").loc[seg]
        s, s_with = math.exp(-lam * T), math.exp(-lam * hr * T)
        assert out.loc[seg, "churned_accounts_without"] == pytest.approx(n * (1 - s), rel=1e-12)
        assert out.loc[seg, "churned_accounts_with"] == pytest.approx(n * (1 - s_with), rel=1e-12)
        assert out.loc[seg, "prevented_arr"] == pytest.approx(arr * (s_with - s), rel=1e-12)
    for col in ("churned_accounts_without", "churned_accounts_with", "prevented_accounts", "churned_arr_without",
                "churned_arr_with", "prevented_arr"):
        assert out.loc["total", col] == pytest.approx(out.loc[["A", "B"], col].sum(), rel=1e-12)


def test_partial_and_delayed_roll_out_closed_form():
    hr, T, c, m = 0.6, 24, 0.3, 6
    out = bc.expected_churn(scenario(months=T, share=c, start=m), hazard_ratio=hr).set_index("segment")
    lam = LAM["A"]
    # Covered from month m: S(m) * (S(T) / S(m)) ** HR.
    gain = c * (math.exp(-lam * m - lam * hr * (T - m)) - math.exp(-lam * T))
    assert out.loc["A", "prevented_accounts"] == pytest.approx(100 * gain, rel=1e-12)
    # Three phases = the sum of their increments.
    ro = pd.DataFrame({"phase": ["p", "d", "c"], "start_month": [0, 6, 12], "share": [0.1, 0.4, 1.0]})
    out3 = bc.expected_churn(scenario(months=T, rollout=ro), hazard_ratio=hr).set_index("segment")
    s = lambda t: math.exp(-lam * t)  # noqa: E731
    expected = sum(dc * (s(mk) ** (1 - hr) * s(T) ** hr - s(T)) for mk, dc in ((0, 0.1), (6, 0.3), (12, 0.6)))
    assert out3.loc["A", "prevented_accounts"] == pytest.approx(100 * expected, rel=1e-12)


def test_monthly_benefit_and_cost_closed_form():
    hr, T, margin, hours, rate = 0.8, 12, 0.7, 40.0, 50.0
    sc = scenario(months=T, margin=margin, hours=hours, rate=rate, share=0.5)
    t = np.arange(1, T + 1)
    retained = sum(arr / 12 * 0.5 * (np.exp(-lam * hr * t) - np.exp(-lam * t))
                   for lam, arr in ((LAM["A"], 1_200_000.0), (LAM["B"], 600_000.0)))
    expected = margin * retained + hours * rate * 0.5
    np.testing.assert_allclose(bc.monthly_benefit(sc, [hr])[0], expected, rtol=1e-12)
    cost = bc.monthly_cost(bc.check_costs(costs()), months=36)
    np.testing.assert_allclose(cost.sum(axis=1), bc.check_costs(costs())["tco_3y"], rtol=1e-12)
    assert cost[0, 0] == pytest.approx(5_000 + 12_000 / 12)


def test_payback_month():
    assert bc.payback_month(np.array([1.0, 5.0, 9.0]), np.array([4.0, 6.0, 8.0])) == 3.0
    assert math.isnan(bc.payback_month(np.array([1.0, 2.0]), np.array([4.0, 6.0])))


# ---------------------------------------------------------------------------------------
# Uncertainty: Monte Carlo against the delta method and the exact quantile map
# ---------------------------------------------------------------------------------------

def test_monte_carlo_interval_matches_delta_method_for_a_narrow_interval():
    sc = scenario(months=24, share=1.0)
    effect = bc.make_effect(0.8, 0.8 * math.exp(-0.0392), 0.8 * math.exp(0.0392), level=0.95)  # se(log HR) = 0.02
    prevented = bc.prevented_churn(sc, effect, simulations=40_000, seed=7).set_index("segment")
    # Delta method by hand: d/dlogHR [arr (S^HR - S)] = arr S^HR ln(S) HR.
    T, hr = 24, 0.8
    deriv = sum(arr * math.exp(-lam * hr * T) * (-lam * T) * hr for lam, arr in ((0.02, 1_200_000.0), (0.05, 600_000.0)))
    point = sum(arr * (math.exp(-lam * hr * T) - math.exp(-lam * T)) for lam, arr in ((0.02, 1_200_000.0), (0.05, 600_000.0)))
    z = stats.norm.ppf(0.975)
    lo, hi = point - z * abs(deriv) * effect.log_se, point + z * abs(deriv) * effect.log_se
    assert prevented.loc["total", "prevented_arr"] == pytest.approx(point, rel=1e-12)
    assert prevented.loc["total", "prevented_arr_ci_lower"] == pytest.approx(lo, rel=0.01)
    assert prevented.loc["total", "prevented_arr_ci_upper"] == pytest.approx(hi, rel=0.01)
    # The package's own delta-method helper agrees with the hand computation.
    assert bc.delta_method_interval(sc, effect) == pytest.approx((lo, hi), rel=1e-6)


def test_monte_carlo_interval_is_the_image_of_the_hr_interval_for_a_wide_interval():
    # Prevented ARR is monotone in HR, so its percentile interval is f(CI of HR) (up to Monte Carlo error).
    sc = scenario(months=24)
    effect = bc.make_effect(0.8, 0.5, 1.28, level=0.95)
    prevented = bc.prevented_churn(sc, effect, simulations=40_000, seed=3).set_index("segment")
    f = lambda h: float(bc.prevented_by_segment(sc, [h])["arr"].sum())  # noqa: E731
    assert prevented.loc["total", "prevented_arr_ci_lower"] == pytest.approx(f(1.28), rel=0.03, abs=2e3)
    assert prevented.loc["total", "prevented_arr_ci_upper"] == pytest.approx(f(0.5), rel=0.03)
    assert prevented.loc["total", "prevented_arr_ci_lower"] < 0  # an interval including HR > 1 may lose accounts


def test_sampling_is_seeded_and_lognormal():
    effect = bc.make_effect(0.7, 0.5, 0.98, level=0.95)
    a = bc.sample_hazard_ratios(effect, n=50_000, seed=11)
    np.testing.assert_array_equal(a, bc.sample_hazard_ratios(effect, n=50_000, seed=11))
    assert np.log(a).mean() == pytest.approx(math.log(0.7), abs=0.003)
    assert np.log(a).std() == pytest.approx((math.log(0.98) - math.log(0.5)) / (2 * 1.959964), rel=0.02)


# ---------------------------------------------------------------------------------------
# Vendors: break-even by re-substitution, ROI, P(ROI > 0)
# ---------------------------------------------------------------------------------------

def test_break_even_hazard_ratio_resubstituted():
    sc = scenario(months=36, margin=0.5, share=0.2)
    for cost in (20_000.0, 80_000.0, 150_000.0):
        hr = bc.break_even_hazard_ratio(sc, cost=cost)
        assert 0 < hr < 1
        assert bc.monthly_benefit(sc, [hr]).sum() == pytest.approx(cost, rel=1e-9)
    assert math.isnan(bc.break_even_hazard_ratio(sc, cost=1e12))  # not even HR -> 0 pays back
    rich = scenario(months=36, hours=100.0, rate=100.0)  # 360k of hours saved over 36 months
    assert bc.break_even_hazard_ratio(rich, cost=100_000.0) > 1  # pays back even with a slightly harmful tool
    hr = bc.break_even_hazard_ratio(rich, cost=100_000.0)
    assert bc.monthly_benefit(rich, [hr]).sum() == pytest.approx(100_000.0, rel=1e-9)


def test_business_case_table_columns_and_consistency():
    sc = scenario(months=36, margin=0.6, share=1.0)
    effect = bc.make_effect(0.85, 0.5, 1.03, level=0.95)
    case = bc.business_case(sc, effect, costs(), simulations=5_000, seed=1)
    assert list(case.table.columns) == ["vendor", "tco_3y", "prevented_arr", "prevented_arr_ci_lower",
                                        "prevented_arr_ci_upper", "net_benefit", "roi", "prob_roi_positive",
                                        "payback_month", "break_even_hr"]
    t = case.table.set_index("vendor")
    benefit = bc.monthly_benefit(sc, [0.85]).sum()
    for v, tco in (("Cheap", 5_000 + 3 * 12_000), ("Dear", 50_000 + 3 * 120_000)):
        assert t.loc[v, "tco_3y"] == tco
        assert t.loc[v, "net_benefit"] == pytest.approx(benefit - tco, rel=1e-12)
        assert t.loc[v, "roi"] == pytest.approx((benefit - tco) / tco, rel=1e-12)
        # P(ROI > 0) = P(HR < break-even) under the lognormal effect.
        be = t.loc[v, "break_even_hr"]
        assert 0 < be < 1
        p = stats.norm.cdf((math.log(be) - math.log(0.85)) / effect.log_se)
        assert t.loc[v, "prob_roi_positive"] == pytest.approx(p, abs=0.015)
    assert t.loc["Cheap", "prob_roi_positive"] >= t.loc["Dear", "prob_roi_positive"]
    assert t.loc["Cheap", "break_even_hr"] > t.loc["Dear", "break_even_hr"]


def test_compute_functions_do_not_mutate_inputs_and_repeat_with_the_seed():
    sc = scenario(months=24, share=0.5)
    c = costs()
    before = (sc.portfolio.copy(), sc.survival.copy(), sc.rollout.copy(), c.copy())
    effect = bc.make_effect(0.8, 0.6, 1.05)
    a = bc.business_case(sc, effect, c, simulations=2_000, seed=5)
    b = bc.business_case(sc, effect, c, simulations=2_000, seed=5)
    pd.testing.assert_frame_equal(a.table, b.table)
    bc.sensitivity(sc, effect, c, vendor="Dear")
    for x, y in zip(before, (sc.portfolio, sc.survival, sc.rollout, c)):
        pd.testing.assert_frame_equal(x, y)


def test_sensitivity_moves_one_input_at_a_time():
    sc = scenario(months=36, margin=0.6, share=0.5, hours=10.0, rate=50.0)
    effect = bc.make_effect(0.8, 0.6, 1.05)
    table = bc.sensitivity(sc, effect, costs(), vendor="Dear").set_index("input")
    base = bc.monthly_benefit(sc, [0.8]).sum() - bc.monthly_cost(bc.check_costs(costs()), months=36)[1].sum()
    assert table["base_net_benefit"].iloc[0] == pytest.approx(base, rel=1e-12)
    cost = bc.monthly_cost(bc.check_costs(costs()), months=36)[1].sum()
    assert table.loc["vendor cost", "net_benefit_low"] == pytest.approx(base - 0.2 * cost, rel=1e-9)
    assert table.loc["hazard ratio", "net_benefit_low"] == pytest.approx(
        bc.monthly_benefit(sc, [1.05]).sum() - cost, rel=1e-12)
    assert table.loc["gross margin", "net_benefit_high"] > base > table.loc["gross margin", "net_benefit_low"]
    assert set(table.index) >= {"baseline churn", "ARR of the base", "roll-out timing", "CS hours saved"}
    assert list(table["swing"]) == sorted(table["swing"], reverse=True)
    with pytest.raises(ConfigError, match="vendor 'Nobody' is not in the cost table"):
        bc.sensitivity(sc, effect, costs(), vendor="Nobody")


# ---------------------------------------------------------------------------------------
# Bad input: clear messages
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("hr, lo, hi, match", [
    (0.0, 0.5, 1.0, r"hazard ratio estimate must be > 0"),
    (-0.5, -0.7, 1.0, r"must be > 0"),
    (0.8, 0.85, 0.95, r"interval \[0.85, 0.95\] does not contain its estimate 0.8"),
    (0.8, 0.6, 0.7, r"does not contain its estimate"),
    (float("nan"), 0.6, 0.9, r"must be a finite number"),
])
def test_bad_effect(hr, lo, hi, match):
    with pytest.raises(ConfigError, match=match):
        bc.make_effect(hr, lo, hi)


def test_assumed_effect_is_labelled_and_checked():
    e = bc.assumed_effect(0.85, [0.7, 1.0], level=0.9)
    assert e.assumed and not e.conclusive
    assert "ASSUMED" in effect_banner(e) and "ASSUMED" in e.describe()
    with pytest.raises(ConfigError, match=r"assumed hazard ratio interval \[0.9, 1\] does not contain its estimate 0.85"):
        bc.assumed_effect(0.85, [0.9, 1.0], level=0.9)
    with pytest.raises(ConfigError, match="assumed_hr_range must be two numbers"):
        bc.assumed_effect(0.85, [0.7], level=0.9)


@pytest.mark.parametrize("margin", [-0.1, 1.2])
def test_margin_outside_unit_interval(margin):
    with pytest.raises(ConfigError, match=r"gross_margin must be a share between 0 and 1 \(e.g. 0.75 for 75%\)"):
        scenario(margin=margin)


def test_negative_cost_and_vendor_without_cost():
    bad = costs()
    bad.loc[0, "licence_per_year"] = -10.0
    bad.loc[1, "implementation_one_off"] = np.nan
    with pytest.raises(InputError) as info:
        bc.check_costs(bad)
    msg = str(info.value)
    assert "2 problems in vendor costs" in msg
    assert "vendor Cheap field 'licence_per_year': got -10.0; expected a cost >= 0" in msg
    assert "vendor Dear field 'implementation_one_off'; expected a cost figure (0 if none)" in msg
    assert "a vendor without cost cannot be compared" in msg
    with pytest.raises(InputError, match="field 'internal_effort_per_year'; expected a cost column"):
        bc.check_costs(costs().drop(columns="internal_effort_per_year"))


def test_missing_arr_in_portfolio():
    frame = pd.DataFrame({"customer_id": ["a", "b", "c"], "start_date": pd.to_datetime(["2025-01-01"] * 3),
                          "churn_date": pd.to_datetime([None, None, "2025-06-01"]), "plan": ["X", "X", "Y"],
                          "arr": [1000.0, np.nan, 500.0]})
    with pytest.raises(InputError, match=r"row 3 field 'arr'; expected the account's ARR .*set missing_arr"):
        bc.portfolio_from_customers(frame, as_of="2026-01-01", segment_column="plan")
    table, notes = bc.portfolio_from_customers(frame, as_of="2026-01-01", segment_column="plan",
                                               missing_arr="segment_mean")
    assert table.to_dict("records") == [{"segment": "X", "accounts": 2.0, "arr": 2000.0, "mean_arr": 1000.0}]
    assert "1 active account(s) without ARR" in notes[0]
    with pytest.raises(InputError, match=r"field 'arr'; expected a column 'arr'"):
        bc.portfolio_from_customers(frame.drop(columns="arr"), as_of="2026-01-01", segment_column="plan")
    with pytest.raises(InputError, match="segment B field 'arr'; expected the segment's ARR"):
        bc.make_scenario(bc.monthly_survival(exp_baseline(), segment_column="plan", segments=["A", "B"], months=12),
                         portfolio().assign(arr=[1.0, np.nan]), one_phase(), horizon_months=12, gross_margin=0.5)


def test_bad_roll_out():
    ro = pd.DataFrame({"phase": ["p", "d"], "start_month": [0, 6], "share": [0.5, 0.2]})
    with pytest.raises(InputError, match="shares that grow with each later phase"):
        scenario(rollout=ro)
    with pytest.raises(InputError, match="field 'share': got 1.5; expected a share of accounts between 0 and 1"):
        scenario(rollout=pd.DataFrame({"phase": ["p"], "start_month": [0], "share": [1.5]}))


def test_inconclusive_pilot_is_carried_as_its_interval():
    e = bc.effect_from_result(0.9, 0.6, 1.35, level=0.95, verdict="inconclusive")
    assert not e.conclusive and "INCONCLUSIVE" in effect_banner(e)
    sc = scenario(months=24)
    prevented = bc.prevented_churn(sc, e, simulations=10_000, seed=2).set_index("segment")
    lo, hi = prevented.loc["total", ["prevented_arr_ci_lower", "prevented_arr_ci_upper"]]
    assert lo < 0 < prevented.loc["total", "prevented_arr"] < hi  # the wide interval, not the point alone
    assert bc.effect_from_result(float("nan"), float("nan"), float("nan"), level=0.95) is None


# ---------------------------------------------------------------------------------------
# Report texts and charts
# ---------------------------------------------------------------------------------------

def test_summary_texts_use_the_computed_numbers():
    sc = scenario(months=36, share=0.5, hours=10.0, rate=40.0)
    effect = bc.make_effect(0.8, 0.6, 1.05)
    case = bc.business_case(sc, effect, costs(), simulations=2_000, seed=1)
    expected = bc.expected_churn(sc, hazard_ratio=0.8)
    tornado = bc.sensitivity(sc, effect, costs(), vendor="Dear")
    text = executive_summary(case, expected, sc, tornado=tornado, currency="EUR")
    prev = case.prevented.set_index("segment").loc["total"]
    assert f"**{prev['prevented_accounts']:,.0f} accounts" in text
    assert f"{expected.set_index('segment').loc['total', 'churned_accounts_without']:,.0f} of today's 300" in text
    assert "0.80 (95% interval 0.60 to 1.05)" in text and "Dear" in text
    figures = headline(case, expected, currency="EUR")
    assert figures["title"].startswith("Business case:") and figures["prevented_accounts"] == round(prev["prevented_accounts"], 1)
    assumed = bc.business_case(sc, bc.assumed_effect(0.85, [0.7, 1.0], level=0.9), costs(), simulations=500, seed=1)
    assert "assumed" in executive_summary(assumed, expected, sc)
    assert headline(assumed, expected)["title"].endswith("(ASSUMED effect)")
    table = assumptions_table(sc, effect, simulations=2_000, seed=1, currency="EUR")
    assert {"effect on retention", "baseline", "costs"} <= set(table["item"])


def test_charts_are_specs_of_the_tables():
    sc = scenario(months=12)
    effect = bc.make_effect(0.8, 0.6, 1.05)
    case = bc.business_case(sc, effect, costs(), simulations=500, seed=1)
    tornado = bc.sensitivity(sc, effect, costs(), vendor="Cheap")
    spec = charts.tornado_chart(tornado, currency="EUR").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "bar" and "EUR" in spec["layer"][0]["encoding"]["x"]["title"]
    assert len(spec["datasets"][next(iter(spec["datasets"]))]) == len(tornado)
    assert charts.net_benefit_chart(case.detail).to_dict()["layer"][1]["encoding"]["x"]["field"] == "net_benefit"
    assert charts.payback_chart(case.cumulative).to_dict()["layer"][0]["encoding"]["color"]["field"] == "vendor"
    curves = bc.churn_curves(sc, hazard_ratio=0.8)
    assert charts.churn_curve_chart(curves).to_dict()["mark"]["type"] == "line"
    assert curves.groupby("scenario")["active_accounts"].first().tolist() == [300.0, 300.0]


# ---------------------------------------------------------------------------------------
# Tenure-conditional baseline
# ---------------------------------------------------------------------------------------

def test_tenure_rows_with_a_constant_hazard_equal_the_start_basis():
    # Exponential survival is memoryless: S(a + t) / S(a) = S(t), so tenure changes nothing.
    cells = pd.DataFrame({"segment": ["A", "A", "B", "B"], "tenure_months": [0, 30, 5, 50],
                          "accounts": [40.0, 60.0, 150.0, 50.0], "arr": [500_000.0, 700_000.0, 450_000.0, 150_000.0]})
    ro = pd.DataFrame({"phase": ["p", "c"], "start_month": [0, 6], "share": [0.2, 1.0]})
    by_tenure = bc.build_scenario(exp_baseline(), cells, ro, segment_column="plan", horizon_months=24, gross_margin=0.8)
    by_start = scenario(months=24, rollout=ro)
    pd.testing.assert_frame_equal(bc.expected_churn(by_tenure, hazard_ratio=0.7),
                                  bc.expected_churn(by_start, hazard_ratio=0.7), rtol=1e-12)
    np.testing.assert_allclose(bc.monthly_benefit(by_tenure, [0.7]), bc.monthly_benefit(by_start, [0.7]), rtol=1e-12)


def test_tenure_rows_use_conditional_survival():
    # Hazard 0.05 / month for the first 12 months, 0.01 after: S(12 + t) / S(12) = exp(-0.01 t).
    base = pd.DataFrame({"segment_column": ["plan"] * 2 + ["all"] * 2, "segment": ["A", "A", "all", "all"],
                         "horizon": [12, 24] * 2, "survival": [math.exp(-0.6), math.exp(-0.72)] * 2})
    cells = pd.DataFrame({"segment": ["A", "A"], "tenure_months": [0, 12], "accounts": [10.0, 30.0],
                          "arr": [100.0, 300.0]})
    sc = bc.build_scenario(base, cells, one_phase(), segment_column="plan", horizon_months=12, gross_margin=1.0)
    out = bc.expected_churn(sc, hazard_ratio=0.5).set_index("segment")
    expected = 10 * (1 - math.exp(-0.6)) + 30 * (1 - math.exp(-0.12))
    assert out.loc["A", "churned_accounts_without"] == pytest.approx(expected, rel=1e-12)
    with_tool = 10 * (1 - math.exp(-0.3)) + 30 * (1 - math.exp(-0.06))
    assert out.loc["A", "churned_accounts_with"] == pytest.approx(with_tool, rel=1e-12)
    # 24 months of tenure + 12 of horizon reaches past the last horizon: extrapolated at the last hazard.
    cells2 = cells.assign(tenure_months=[0, 24])
    sc2 = bc.build_scenario(base, cells2, one_phase(), segment_column="plan", horizon_months=12, gross_margin=1.0)
    out2 = bc.expected_churn(sc2, hazard_ratio=1.0).set_index("segment")
    assert out2.loc["A", "churned_accounts_without"] == pytest.approx(expected, rel=1e-12)
    assert bc.extrapolated_arr_share(sc2) == pytest.approx(0.75)
    assert bc.extrapolated_arr_share(sc) == 0.0


def test_many_draws_are_evaluated_on_a_grid_within_1e_6_of_the_scale():
    from workbench.business_case import model

    sc = scenario(months=36, share=0.4, hours=5.0, rate=50.0)
    draws = bc.sample_hazard_ratios(bc.make_effect(0.7, 0.4, 1.2), n=3_000, seed=9)
    assert draws.size > model.GRID_POINTS
    exact = np.concatenate([bc.monthly_benefit(sc, draws[i:i + 1000]) for i in range(0, 3000, 1000)])
    np.testing.assert_allclose(bc.monthly_benefit(sc, draws), exact, rtol=0, atol=1e-6 * np.abs(exact).max())
    exact_arr = np.concatenate([bc.prevented_by_segment(sc, draws[i:i + 1000])["arr"] for i in range(0, 3000, 1000)])
    np.testing.assert_allclose(bc.prevented_by_segment(sc, draws)["arr"], exact_arr, rtol=0,
                               atol=1e-6 * np.abs(exact_arr).max())


def test_segment_totals_and_readable_tables():
    from workbench.business_case.report import bullets, readable

    cells = pd.DataFrame({"segment": ["A", "A", "A", "B"], "tenure_months": [1, 5, 30, 2],
                          "accounts": [1.0, 1.0, 3.0, 2.0], "arr": [10.0, 20.0, 30.0, 40.0]})
    totals = bc.segment_totals(cells)
    assert totals.to_dict("records") == [
        {"segment": "A", "accounts": 5.0, "arr": 60.0, "mean_arr": 12.0, "median_tenure_months": 30.0},
        {"segment": "B", "accounts": 2.0, "arr": 40.0, "mean_arr": 20.0, "median_tenure_months": 2.0}]
    html = readable(pd.DataFrame({"prevented_arr": [1234567.891], "prob_roi_positive": [0.987],
                                  "break_even_hr": [0.91234], "payback_month": [np.nan]})).to_html()
    assert "1,234,568" in html and "98.7%" in html and "0.912" in html and "n/a" in html
    text = bullets(pd.DataFrame({"item": ["x"], "what": ["long text"], "kind": ["model"]}), head="item", body="what",
                   tag="kind")
    assert text == "- **x** _(model)_: long text"
