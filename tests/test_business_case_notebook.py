"""Notebook 04_business_case end to end: standalone on the sample data, from a cycle folder, bad parameters."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import papermill
import pytest

pytestmark = pytest.mark.notebook

CASE_COLUMNS = ["vendor", "tco_3y", "prevented_arr", "prevented_arr_ci_lower", "prevented_arr_ci_upper", "net_benefit",
                "roi", "prob_roi_positive", "payback_month", "break_even_hr"]


def outputs_text(path) -> str:
    nb = nbformat.read(str(path), as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/html", "") + out.get("text", ""))
    return "\n".join(parts)


def test_standalone_on_the_sample_data(run_notebook, tmp_path):
    executed = run_notebook("04_business_case", tmp_path)
    table = pd.read_csv(tmp_path / "business_case.csv")
    assert list(table.columns) == CASE_COLUMNS
    assert len(table) == 5 and table["tco_3y"].gt(0).all()
    assert (table["prevented_arr_ci_lower"] <= table["prevented_arr"]).all()
    assert (table["prevented_arr"] <= table["prevented_arr_ci_upper"]).all()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["title"].startswith("Business case:") and summary["effect_source"] == "pilot"
    assert summary["prevented_arr"] == pytest.approx(table["prevented_arr"].iloc[0], abs=1)
    text = outputs_text(executed)
    assert "Executive summary." in text and "measured in the pilot" in text
    assert text.count("<svg") >= 4  # churn curves, net benefit, payback, tornado (offline SVG)
    assert (tmp_path / "executive_summary.md").read_text().startswith("Over the next 36 months")


def test_from_a_cycle_folder_without_a_pilot_effect_says_assumed(run_notebook, tmp_path, repo_root):
    import workbench.business_case as bc
    from workbench import survival as sv

    cycle = tmp_path / "cycle"
    for name in ("01_churn_survival", "03_pilot_evaluation"):
        (cycle / name).mkdir(parents=True)
    customers = sv.load_customers(repo_root / "data/sample/customers.csv")
    bc.baseline_from_customers(customers, as_of="2026-10-31", segment_column="plan", horizons=[3, 6, 12, 24]).to_csv(
        cycle / "01_churn_survival" / "baseline.csv", index=False)
    (cycle / "03_pilot_evaluation" / "summary.json").write_text(json.dumps(
        {"hazard_ratio": None, "hazard_ratio_ci_lower": None, "hazard_ratio_ci_upper": None}))
    out = tmp_path / "out"
    executed = run_notebook("04_business_case", out, cycle_dir=str(cycle), simulations=2000)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["effect_source"] == "assumed" and summary["title"].endswith("(ASSUMED effect)")
    assert summary["hazard_ratio"] == 0.85
    text = outputs_text(executed)
    assert "ASSUMED EFFECT" in text and "ASSUMED range is used instead" in text


@pytest.mark.parametrize("params, ename, evalue", [
    ({"gross_margin": 1.5}, "ConfigError", "gross_margin must be a share between 0 and 1"),
    ({"effect_source": "assumed", "assumed_hazard_ratio": 0.85, "assumed_hr_range": [0.9, 1.0]}, "ConfigError",
     "does not contain its estimate"),
    ({"gross_margn": 0.7}, "ConfigError", "Unknown parameter"),
])
def test_bad_parameters_fail_with_the_workbench_error(run_notebook, tmp_path, params, ename, evalue):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook("04_business_case", tmp_path, **params)
    assert info.value.ename == ename
    assert evalue in info.value.evalue
    assert not (tmp_path / "summary.json").exists()
