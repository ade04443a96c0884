"""Business-case inputs: recomputed from the sample data, read from a cycle folder, and their failures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import workbench.business_case as bc
from workbench import pilot as wp
from workbench import survival as sv
from workbench import vendors as wv
from workbench.errors import ConfigError, InputError

SHARED = dict(customers_path="data/sample/customers.csv", as_of="2026-10-31", pilot_dir="data/sample/pilot",
              criteria_path="templates/success_criteria.yaml", rubric_path="templates/rubric.yaml",
              vendor_evals_dir="vendor_evals", segment_column="plan", horizons=[3, 6, 12, 24])


@pytest.fixture(scope="module")
def recomputed(repo_root):
    import os

    old = os.getcwd()
    os.chdir(repo_root)
    try:
        yield bc.load_inputs(**SHARED)
    finally:
        os.chdir(old)


@pytest.fixture()
def in_repo(repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)


def write_cycle(root, recomputed, *, hr=(0.8, 0.6, 1.1), level=0.9, verdict="inconclusive", costs=True):
    (root / "01_churn_survival").mkdir(parents=True)
    (root / "02_vendor_scoring").mkdir()
    (root / "03_pilot_evaluation").mkdir()
    recomputed.baseline.to_csv(root / "01_churn_survival" / "baseline.csv", index=False)
    summary = {"notebook": "03_pilot_evaluation", "pilot_id": "p1", "hazard_ratio": hr[0],
               "hazard_ratio_ci_lower": hr[1], "hazard_ratio_ci_upper": hr[2]}
    (root / "03_pilot_evaluation" / "summary.json").write_text(json.dumps(summary))
    pd.DataFrame({"criterion": ["retention_hazard_ratio", "other"], "metric": ["retention_hazard_ratio", "x"],
                  "verdict": [verdict, "pass"], "interval_level": [level, 0.95]}).to_csv(
        root / "03_pilot_evaluation" / "verdicts.csv", index=False)
    if costs:
        recomputed.costs.to_csv(root / "02_vendor_scoring" / "costs.csv", index=False)
    return root


def test_recomputed_inputs_match_the_capabilities(recomputed, in_repo):
    customers = sv.load_customers("data/sample/customers.csv")
    data = sv.prepare_survival_data(customers, start_col="start_date", end_col="churn_date", as_of="2026-10-31",
                                    segment_cols=["plan"])
    at_h = sv.survival_tables(data.frame, segment_cols=["plan"], horizons=[3, 6, 12, 24])["survival_at_horizons"]
    np.testing.assert_allclose(recomputed.baseline["survival"], at_h["survival"])
    active = customers[customers["churn_date"].isna() | (customers["churn_date"] > "2026-10-31")]
    assert recomputed.portfolio["accounts"].sum() == len(active)
    assert recomputed.portfolio["arr"].sum() == pytest.approx(active["arr"].sum())
    criteria = wp.load_criteria("templates/success_criteria.yaml")
    evaluation = wp.evaluate_pilot(wp.load_pilot("data/sample/pilot", window=(criteria.model.window.start,
                                                                               criteria.model.window.end)), criteria)
    assert recomputed.effect.hazard_ratio == pytest.approx(evaluation.hazard_ratio.estimate)
    assert recomputed.effect.ci_upper == pytest.approx(evaluation.hazard_ratio.ci_upper)
    assert recomputed.effect.source == "pilot" and recomputed.effect.level == pytest.approx(0.95)
    costs = wv.vendor_costs(wv.load_evaluations("vendor_evals", wv.load_rubric("templates/rubric.yaml")))
    pd.testing.assert_frame_equal(recomputed.costs, costs)
    assert list(recomputed.sources["input"]) == ["active base (accounts, ARR)", "survival baseline",
                                                 "effect on retention", "vendor costs"]


def test_inputs_read_from_the_cycle_folder(recomputed, in_repo, tmp_path):
    cycle = write_cycle(tmp_path / "cycle", recomputed)
    inputs = bc.load_inputs(cycle_dir=str(cycle), **SHARED)
    e = inputs.effect
    assert (e.hazard_ratio, e.ci_lower, e.ci_upper, e.level) == (0.8, 0.6, 1.1, 0.9)
    assert not e.conclusive  # an inconclusive pilot is carried with its whole interval
    assert any("inconclusive" in n for n in inputs.notes)
    assert "saved by 01_churn_survival" in set(inputs.sources["detail"])
    assert "saved by 02_vendor_scoring" in set(inputs.sources["detail"])
    pd.testing.assert_frame_equal(inputs.baseline, recomputed.baseline)


def test_pilot_without_estimable_hr_falls_back_to_the_assumed_range(recomputed, in_repo, tmp_path):
    cycle = write_cycle(tmp_path / "cycle", recomputed, hr=(None, None, None), costs=False)
    inputs = bc.load_inputs(cycle_dir=str(cycle), assumed_hazard_ratio=0.9, assumed_hr_range=[0.75, 1.05], **SHARED)
    assert inputs.effect.assumed and inputs.effect.hazard_ratio == 0.9
    assert any("ASSUMED range is used instead" in n for n in inputs.notes)
    assert "recomputed with workbench.vendors" in set(inputs.sources["detail"])  # no costs.csv in the cycle


def test_effect_source_assumed_ignores_the_pilot(recomputed, in_repo, tmp_path):
    cycle = write_cycle(tmp_path / "cycle", recomputed)
    inputs = bc.load_inputs(cycle_dir=str(cycle), effect_source="assumed", **SHARED)
    assert inputs.effect.assumed and inputs.effect.ci_lower == 0.7 and inputs.effect.level == 0.9


def test_cycle_folder_without_results_recomputes_and_says_so(recomputed, in_repo, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    inputs = bc.load_inputs(cycle_dir=str(empty), **SHARED)
    assert sum("This cycle has no" in n for n in inputs.notes) == 3
    pd.testing.assert_frame_equal(inputs.baseline, recomputed.baseline)
    assert inputs.effect == recomputed.effect


def test_no_pilot_given_uses_the_assumed_range(in_repo):
    inputs = bc.load_inputs(**{**SHARED, "pilot_dir": ""})
    assert inputs.effect.assumed and any("No pilot was given" in n for n in inputs.notes)


def test_cycle_folder_failures(recomputed, in_repo, tmp_path):
    with pytest.raises(ConfigError, match="cycle_dir 'nowhere' is not a folder"):
        bc.load_inputs(cycle_dir="nowhere", **SHARED)
    cycle = write_cycle(tmp_path / "cycle", recomputed, hr=(0.8, 0.85, 1.1))
    with pytest.raises(ConfigError, match=r"interval \[0.85, 1.1\] does not contain its estimate 0.8"):
        bc.load_inputs(cycle_dir=str(cycle), **SHARED)
    with pytest.raises(InputError, match="segment_column.*set segment_column to a segment column notebook 01 analysed"):
        bc.load_inputs(cycle_dir=str(cycle), **{**SHARED, "segment_column": "region"})
    with pytest.raises(ConfigError, match="effect_source must be 'pilot' or 'assumed'"):
        bc.load_inputs(effect_source="guess", **SHARED)


def test_missing_arr_column_in_the_customer_table(in_repo, tmp_path):
    frame = pd.read_csv("data/sample/customers.csv").head(200)
    frame.loc[[0, 5], "arr"] = np.nan
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    active_blank = frame.loc[[0, 5]]
    with pytest.raises(InputError, match=r"row \d+ field 'arr'; expected the account's ARR"):
        bc.load_inputs(**{**SHARED, "customers_path": str(path), "effect_source": "assumed"})
    assert active_blank["churn_date"].isna().any()



def test_knocked_out_vendor_is_carried_by_the_cost_table():
    import io

    import pandas as pd

    import workbench.vendors as wv
    from workbench.business_case.report import knocked_out_vendors

    evaluations = wv.load_evaluations("vendor_evals", wv.load_rubric("templates/rubric.yaml"))
    costs = wv.vendor_costs(evaluations)
    checks = wv.knockouts(evaluations)
    expected = sorted(set(checks.loc[~checks["passed"], "vendor"]))
    assert expected == ["Tidewater CS"]  # the sample vendor built to fail a must-have
    assert knocked_out_vendors(costs) == expected
    # costs.csv read back from a cycle folder keeps the flag
    assert knocked_out_vendors(pd.read_csv(io.StringIO(costs.to_csv(index=False)))) == expected
