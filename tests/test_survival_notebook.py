"""Notebook 01 end to end on the sample data, and its errors on bad parameters or input."""

import json

import pandas as pd
import papermill
import pytest

pytestmark = pytest.mark.notebook

REQUIRED = {
    "survival_at_horizons": ["segment_column", "segment", "horizon", "survival", "ci_lower", "ci_upper", "at_risk"],
    "median_lifetime": ["segment_column", "segment", "n", "events", "median", "ci_lower", "ci_upper"],
    "logrank": ["segment_column", "group_a", "group_b", "chisq", "df", "p", "p_holm", "p_bh"],
    "cox": ["covariate", "coef", "se", "hr", "ci_lower", "ci_upper", "p"],
    "ph_test": ["covariate", "chisq", "df", "p"],
    "rmst": ["segment_column", "segment", "horizon", "rmst", "se", "ci_lower", "ci_upper"],
    "risk_scores": ["id", "tenure", "churn_prob_3", "churn_prob_6", "churn_prob_12", "churn_prob_24", "tier", "arr"],
    "baseline": ["segment_column", "segment", "horizon", "survival", "cumulative_hazard", "ci_lower", "ci_upper",
                 "n", "events", "at_risk"],
}


def test_notebook_runs_on_sample(run_notebook, tmp_path):
    run_notebook("01_churn_survival", tmp_path)
    for name, columns in REQUIRED.items():
        table = pd.read_csv(tmp_path / f"{name}.csv", keep_default_na=False)
        assert set(columns) <= set(table.columns), name
    at_h = pd.read_csv(tmp_path / "survival_at_horizons.csv")
    assert ((at_h.segment_column == "all") & (at_h.segment == "all")).sum() == 4
    ph = pd.read_csv(tmp_path / "ph_test.csv").set_index("covariate")
    assert ph.loc["onboarding_cohort", "p"] < 0.05 and "GLOBAL" in ph.index
    stratified = pd.read_csv(tmp_path / "ph_test_stratified.csv").set_index("covariate")
    assert "onboarding_cohort" not in stratified.index and stratified.loc["GLOBAL", "p"] > 0.05
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["customers"] == 5000 and summary["churn_events"] > 1000
    assert "onboarding_cohort" in summary["ph_violations"]


def test_bad_parameter_is_config_error(run_notebook, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook("01_churn_survival", tmp_path, ci_type="arcsine")
    assert info.value.ename == "ConfigError"
    assert not (tmp_path / "summary.json").exists()


def test_event_values_matching_nothing_is_input_error(run_notebook, tmp_path):
    path = tmp_path / "telco.csv"
    path.write_text("id,tenure,Churn,plan\n1,3,Yes,A\n2,4,No,B\n3,5,Yes,A\n")
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook("01_churn_survival", tmp_path, customers_path=str(path), id_col="id", duration_col="tenure",
                     event_col="Churn", event_values=["churned"], start_col="", end_col="", as_of="",
                     segment_cols=["plan"], covariates=["plan"], arr_col="")
    assert info.value.ename == "InputError"
    assert "event_values" in info.value.evalue


def test_notebook_duration_style_and_capacity_tiers(run_notebook, tmp_path, sample_dir):
    sample = pd.read_csv(sample_dir / "customers.csv", parse_dates=["start_date", "churn_date"]).head(800)
    end = sample["churn_date"].fillna(pd.Timestamp("2026-10-31"))
    telco = pd.DataFrame({"customerID": sample["customer_id"],
                          "tenure": ((end - sample["start_date"]).dt.days / 30.4375).round(1),
                          "Churn": sample["churn_date"].notna().map({True: "Yes", False: "No"}),
                          "Contract": sample["plan"], "usage": sample["weekly_active_share"],
                          "MonthlyCharges": (sample["arr"] / 12).round(2)})
    path = tmp_path / "telco.parquet"
    telco.to_parquet(path)
    run_notebook("01_churn_survival", tmp_path, customers_path=str(path), id_col="customerID", duration_col="tenure",
                 event_col="Churn", event_values=["Yes"], start_col="", end_col="", as_of="",
                 segment_cols=["Contract"], covariates=["Contract", "usage"], arr_col="MonthlyCharges",
                 tier_method="capacity", urgent_capacity=10, medium_capacity=30, horizons=[3, 6, 12])
    risk = pd.read_csv(tmp_path / "risk_scores.csv")
    assert (risk["tier"] == "urgent").sum() == 10 and (risk["tier"] == "medium").sum() == 30
    assert "churn_prob_12" in risk.columns
    cox = pd.read_csv(tmp_path / "cox.csv")
    assert set(cox["covariate"]) == {"Contract[Growth]", "Contract[Starter]", "usage"}


def test_params_model_rejects_inconsistent_values():
    from workbench.errors import ConfigError
    from workbench.notebook import parameters
    from workbench.survival.params import SurvivalParams

    base = dict(customers_path="x.csv", output_dir="out", horizons=[3, 6], rmst_horizon=12, alpha=0.05, cv_folds=5,
                tier_horizon=6, urgent_threshold=0.3, medium_threshold=0.1, urgent_capacity=5, medium_capacity=10,
                min_group_size=5)
    assert parameters(dict(base), SurvivalParams).tier_horizon == 6
    with pytest.raises(ConfigError, match="tier_horizon 12 must be one of horizons"):
        parameters({**base, "tier_horizon": 12}, SurvivalParams)
    with pytest.raises(ConfigError, match="Unknown parameter"):
        parameters({**base, "horizon": 3}, SurvivalParams)
