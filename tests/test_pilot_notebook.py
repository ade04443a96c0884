"""Notebook 03_pilot_evaluation end to end on the sample pilot, and its refusals."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

pytestmark = pytest.mark.notebook


def test_pilot_notebook_runs_on_sample(run_notebook, tmp_path, repo_root):
    runs = tmp_path / "runs"
    earlier = runs / "2026-c1" / "03_pilot_evaluation"
    earlier.mkdir(parents=True)
    pd.DataFrame({  # an earlier, smaller cycle: wider intervals, nothing decided yet
        "criterion": ["retention_hazard_ratio", "churn_rate_lower", "contact_frequency"],
        "kind": ["primary", "primary", "guardrail"],
        "estimate": [0.55, -0.08, -0.03], "ci_lower": [0.3, -0.17, -0.09], "ci_upper": [1.01, 0.01, 0.03],
        "threshold": [0.9, -0.03, 0.05], "verdict": ["inconclusive"] * 3, "evidence": ["earlier cycle"] * 3,
    }).to_csv(earlier / "verdicts.csv", index=False)
    out = tmp_path / "out"
    run_notebook("03_pilot_evaluation", out, runs_dir=str(runs), cycle="2026-c2")
    verdicts = pd.read_csv(out / "verdicts.csv")
    assert list(verdicts.columns[:8]) == ["criterion", "kind", "estimate", "ci_lower", "ci_upper", "threshold",
                                          "verdict", "evidence"]
    assert {"pass", "fail", "inconclusive"} <= set(verdicts["verdict"])
    gate = json.loads((out / "gate.json").read_text())
    assert gate["decision"] == "proceed" and gate["reasons"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["hazard_ratio_ci_lower"] < summary["hazard_ratio"] < summary["hazard_ratio_ci_upper"]
    assert summary["n_pass"] + summary["n_fail"] + summary["n_inconclusive"] == len(verdicts)
    assert len(summary["criteria_sha256"]) == 64
    text = (out / "03_pilot_evaluation.executed.ipynb").read_text()
    assert "Criteria across 2 cycles: 2026-c1, 2026-c2" in text


def test_pilot_notebook_rejects_bad_parameter(run_notebook, tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as info:
        run_notebook("03_pilot_evaluation", tmp_path, sla_hours=-4)
    assert info.value.ename == "ConfigError"
    assert not (tmp_path / "summary.json").exists()


def test_pilot_notebook_refuses_bad_data(run_notebook, tmp_path, repo_root):
    import papermill as pm

    pilot = tmp_path / "pilot"
    shutil.copytree(repo_root / "data" / "sample" / "pilot", pilot)
    frame = pd.read_csv(pilot / "alerts.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "outcome_label"] = "maybe"
    frame.to_csv(pilot / "alerts.csv", index=False)
    with pytest.raises(pm.PapermillExecutionError) as info:
        run_notebook("03_pilot_evaluation", tmp_path / "out", pilot_dir=str(pilot))
    assert info.value.ename == "InputError" and "alerts.csv, row 2" in info.value.evalue
    assert not (tmp_path / "out" / "summary.json").exists()
