"""Notebook 02 end to end on the sample data, and its bad-parameter errors."""

from __future__ import annotations

import json

import pandas as pd
import papermill
import pytest

pytestmark = pytest.mark.notebook


def test_vendor_scoring_notebook_runs_on_sample_data(run_notebook, tmp_path):
    out = tmp_path / "out"
    run_notebook("02_vendor_scoring", out, smaa_samples=5000)
    for name in ["scores", "rank_acceptability", "weight_stability", "agreement", "costs"]:
        assert (out / f"{name}.csv").exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["notebook"] == "02_vendor_scoring"
    assert summary["leader_weighted_sum"] == "Northstar Signals"
    assert summary["vendors_knocked_out"] == ["Tidewater CS"]
    scores = pd.read_csv(out / "scores.csv")
    assert {"vendor", "weighted_sum_rank", "topsis_rank", "knocked_out"} <= set(scores.columns)
    costs = pd.read_csv(out / "costs.csv")
    assert {"vendor", "tco_3y"} <= set(costs.columns)
    spread = pd.read_csv(out / "criterion_scores.csv")
    assert {"vendor", "criterion", "mean", "median", "spread"} <= set(spread.columns)
    acc = pd.read_csv(out / "rank_acceptability.csv")
    assert acc.filter(like="rank_").sum(axis=1).round(6).eq(1).all()
    # the executed notebook shows the robustness headline and the knocked-out vendor
    nb = (out / "02_vendor_scoring.executed.ipynb").read_text()
    assert "Probability of being best" in nb and "Tidewater CS" in nb


def test_vendor_scoring_notebook_with_ahp_weights(run_notebook, tmp_path):
    out = tmp_path / "ahp"
    run_notebook("02_vendor_scoring", out, smaa_samples=2000, ahp_path="vendor_evals/weights/ahp_pairwise.yaml")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["leader_weighted_sum"] in {"Northstar Signals", "Beacon Health"}


@pytest.mark.parametrize("params,ename,text", [
    ({"weights": {"failure_transparency": -1}}, "ConfigError", "negative weights"),
    ({"smaa_sample": 10}, "ConfigError", "Unknown parameter"),
    ({"vendor_evals_dir": "no/such/folder"}, "InputError", "an existing folder"),
])
def test_vendor_scoring_notebook_bad_parameters(run_notebook, tmp_path, params, ename, text):
    with pytest.raises(papermill.PapermillExecutionError) as info:
        run_notebook("02_vendor_scoring", tmp_path / "bad", **params)
    assert info.value.ename == ename
    assert text in info.value.evalue
    assert not (tmp_path / "bad" / "summary.json").exists()


def test_dashboard_notebook_executes_headless(tmp_path, repo_root):
    # as Voila does, run from the notebook's own folder: the data paths are found from the project root
    folder = repo_root / "notebooks" / "dashboards"
    papermill.execute_notebook(str(folder / "vendor_comparison.ipynb"), str(tmp_path / "dash.ipynb"),
                               parameters={"smaa_samples": 300}, kernel_name="python3", cwd=str(folder),
                               progress_bar=False)
    text = (tmp_path / "dash.ipynb").read_text()
    assert "application/vnd.jupyter.widget-view+json" in text
