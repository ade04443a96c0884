"""Data checks: every input of a cycle validated with located problems; notebook 00 end to end."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import papermill as pm
import pytest

from workbench.checks import check_inputs, checks_table, problems_table, validate_inputs
from workbench.errors import InputError

SAMPLE_INPUTS = {
    "customers_path": "data/sample/customers.csv", "as_of": "2026-10-31", "pilot_dir": "data/sample/pilot",
    "criteria_path": "templates/success_criteria.yaml", "rubric_path": "templates/rubric.yaml",
    "vendor_evals_dir": "vendor_evals",
}


def test_sample_inputs_pass(repo_root):
    checks = validate_inputs(SAMPLE_INPUTS, root=repo_root)
    table = checks_table(checks)
    assert table["status"].eq("ok").all() and table["problems"].eq(0).all()
    assert set(table["input"]) == set(SAMPLE_INPUTS) - {"as_of"}
    assert table.set_index("input").loc["customers_path", "rows"] == 5000


def test_problems_in_several_inputs_are_all_reported(repo_root, tmp_path):
    pilot = tmp_path / "pilot"
    shutil.copytree(repo_root / "data" / "sample" / "pilot", pilot)
    accounts = pd.read_csv(pilot / "accounts.csv", dtype=str, keep_default_na=False)
    accounts.loc[1, "account_id"] = accounts.loc[0, "account_id"]  # duplicate id on row 3
    accounts.to_csv(pilot / "accounts.csv", index=False)
    customers = tmp_path / "customers.csv"
    customers.write_text("customer_id,start_date,churn_date\nC1,2026-12-01,\n")  # starts after as_of
    inputs = {**SAMPLE_INPUTS, "pilot_dir": str(pilot), "customers_path": str(customers)}
    with pytest.raises(InputError) as err:
        validate_inputs(inputs, root=repo_root)
    problems = problems_table(check_inputs(inputs, root=repo_root))
    assert set(problems["input"]) == {"customers_path", "pilot_dir"}
    assert "row 3" in set(problems.loc[problems["input"] == "pilot_dir", "location"])
    assert "as_of=2026-10-31" in str(err.value)


def test_duration_style_customer_table(tmp_path):
    path = tmp_path / "telco.csv"
    path.write_text("customerID,tenure,Churn\nA,5,Yes\nB,12,No\nC,0,No\n")
    ok = check_inputs({"customers_path": str(path), "id_col": "customerID", "duration_col": "tenure",
                       "event_col": "Churn", "event_values": ["Yes"]})
    assert ok[0].status == "ok" and ok[0].facts["rows"] == 3
    bad = check_inputs({"customers_path": str(path), "id_col": "customerID", "duration_col": "tenure",
                        "event_col": "Churn", "event_values": ["Churned"]})
    assert bad[0].status == "invalid" and "set event_values" in str(bad[0].problems[0])


@pytest.mark.notebook
def test_data_checks_notebook_runs_on_the_sample(run_notebook, tmp_path):
    run_notebook("00_data_checks", tmp_path)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["problems"] == 0 and summary["customers"] == 5000 and summary["inputs_ok"] == 5
    profile = pd.read_csv(tmp_path / "column_profile.csv")
    assert {"customers", "accounts", "alerts"} <= set(profile["table"])
    assert (tmp_path / "category_counts.csv").exists()


@pytest.mark.notebook
def test_data_checks_notebook_fails_with_the_problems_and_writes_nothing(run_notebook, tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text("customer_id,start_date,churn_date\nC1,2024-01-01,2023-01-01\n")
    out = tmp_path / "out"
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook("00_data_checks", out, customers_path=str(bad), pilot_dir="", criteria_path="",
                     rubric_path="", vendor_evals_dir="")
    assert err.value.ename == "InputError" and "row 2 field 'churn_date'" in err.value.evalue
    assert not (out / "summary.json").exists()


@pytest.mark.notebook
def test_data_checks_notebook_rejects_unknown_parameter(run_notebook, tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook("00_data_checks", tmp_path, customer_path="x.csv")
    assert err.value.ename == "ConfigError" and "customer_path" in err.value.evalue


def test_survival_column_names_map_the_customer_contract(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("Account,Signed,Cancelled\nA1,2024-01-05,\nA2,2024-02-01,2024-06-30\n")
    checks = check_inputs({"customers_path": str(path), "id_col": "Account", "start_col": "Signed",
                           "end_col": "Cancelled"})
    assert checks[0].status == "ok", checks[0].problems
    assert checks[0].tables["customers"]["churn_date"].notna().sum() == 1
