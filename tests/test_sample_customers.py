"""The synthetic customer table: schema, determinism, and recovery of its known hazard ratios."""

import numpy as np
import pandas as pd
import pytest

from workbench.sample.customers import COHORT_EARLY_HAZARD_RATIOS, TRUE_HAZARD_RATIOS, generate_customers
from workbench.schemas import CUSTOMERS, validate_table


def test_columns_schema_and_determinism(tmp_path):
    a = generate_customers(seed=7, n=800)
    b = generate_customers(seed=7, n=800)
    assert list(a.columns) == CUSTOMERS.names
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(generate_customers(seed=8, n=800))
    from workbench.sample import _write_csv

    _write_csv(a, tmp_path / "a.csv")
    _write_csv(b, tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    raw = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False, na_values=[""])
    loaded = validate_table(raw, CUSTOMERS, file="a.csv")
    assert loaded.report.blank_counts["weekly_active_share"] > 0
    assert (a.churn_date.dropna() > a.start_date[a.churn_date.notna()]).all()
    assert (a.churn_date.dropna() <= pd.Timestamp("2026-10-31")).all()


@pytest.fixture(scope="module")
def sample_fit(sample_dir):
    from workbench.survival import fit_cox, load_customers, prepare_survival_data

    frame = load_customers(sample_dir / "customers.csv")
    data = prepare_survival_data(frame, start_col="start_date", end_col="churn_date", as_of="2026-10-31",
                                 id_col="customer_id")
    covariates = ["plan", "size_band", "onboarding_cohort", "weekly_active_share", "features_adopted",
                  "support_tickets_90d", "has_exec_sponsor"]
    return fit_cox(data.frame, covariates=covariates), data


def test_sample_recovers_true_hazard_ratios(sample_fit):
    fit, _data = sample_fit
    table = fit.summary.set_index("covariate")
    for name, true_hr in TRUE_HAZARD_RATIOS.items():
        row = table.loc[name]
        assert row["ci_lower"] <= true_hr <= row["ci_upper"], (name, true_hr, row["ci_lower"], row["ci_upper"])
        assert not (row["ci_lower"] <= 1 <= row["ci_upper"]), f"{name}: CI includes 1"


def test_sample_cohort_violates_proportional_hazards(sample_fit):
    from workbench.survival import cox_zph

    fit, _ = sample_fit
    zph = cox_zph(fit).set_index("covariate")
    assert zph.loc["onboarding_cohort", "p"] < 1e-6
    assert set(COHORT_EARLY_HAZARD_RATIOS) == {"self-serve", "white-glove"}
    for numeric in ("weekly_active_share", "features_adopted", "support_tickets_90d"):
        assert zph.loc[numeric, "p"] > 0.01
