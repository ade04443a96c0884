"""Pilot inputs: schemas, criteria file, cross-table checks, sample data and the evaluation end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbench.errors import InputError
from workbench.pilot import (
    SCHEMAS,
    DerivationSettings,
    data_dictionary_markdown,
    evaluate_pilot,
    load_criteria,
    load_pilot,
)
from workbench.pilot.sample import generate_pilot

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "success_criteria.yaml"
PILOT = ROOT / "data" / "sample" / "pilot"


@pytest.fixture(scope="module")
def criteria():
    return load_criteria(TEMPLATE)


@pytest.fixture(scope="module")
def window(criteria):
    return criteria.model.window.start, criteria.model.window.end


@pytest.fixture(scope="module")
def evaluation(criteria, window):
    return evaluate_pilot(load_pilot(PILOT, window=window), criteria)


def _criteria_file(tmp_path, edit) -> Path:
    data = yaml.safe_load(TEMPLATE.read_text())
    edit(data)
    path = tmp_path / "criteria.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _pilot_copy(tmp_path, table: str, edit) -> Path:
    folder = tmp_path / "pilot"
    shutil.copytree(PILOT, folder)
    frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    frame = edit(frame)
    frame.to_csv(folder / f"{table}.csv", index=False)
    return folder


def test_generated_tables_match_schemas_and_are_deterministic():
    tables = generate_pilot(seed=20261204)
    assert list(tables) == [s.name for s in SCHEMAS]
    for schema in SCHEMAS:
        assert list(tables[schema.name].columns) == schema.names
    again = generate_pilot(seed=20261204)
    for name in tables:
        pd.testing.assert_frame_equal(tables[name], again[name])
    assert not generate_pilot(seed=1)["accounts"].equals(tables["accounts"])


def test_committed_sample_equals_generator(tmp_path):
    from workbench.sample import _write_csv

    for name, frame in generate_pilot(seed=20261204).items():
        _write_csv(frame, tmp_path / f"{name}.csv")
        assert (tmp_path / f"{name}.csv").read_bytes() == (PILOT / f"{name}.csv").read_bytes(), name


def test_template_loads_with_hash(criteria):
    assert len(criteria.sha256) == 64
    kinds = {c.kind for c in criteria.model.criteria}
    families = {c.family for c in criteria.model.criteria}
    assert kinds == {"primary", "secondary", "guardrail", "learning"}
    assert families == {"customer_health", "prevention_quality", "organisational_efficiency", "team_growth"}


def test_data_dictionary_lists_fields_and_metrics():
    text = data_dictionary_markdown()
    assert "`criteria[].margin`" in text and "`over_contact_share_difference`" in text


@pytest.mark.parametrize("edit,pattern", [
    (lambda d: d["criteria"][0].update(metric="churn_magic"), r"criteria\[0\]\.metric.*'churn_magic'.*a known metric"),
    (lambda d: d["criteria"][1].update(threshold=0.03), r"criteria\[1\]\.threshold.*a threshold <= 0.*flip the sign"),
    (lambda d: d["criteria"][0].update(threshold=1.2), r"criteria\[0\]\.threshold.*a ratio <= 1"),
    (lambda d: [c.pop("margin") for c in d["criteria"] if c["kind"] == "guardrail"],
     r"margin.*a margin \(guardrails are judged against -margin\)"),
    (lambda d: d["criteria"][0].update(thresold=0.9), r"line \d+ \(criteria\[0\]\.thresold\).*unknown keys"),
    (lambda d: d["criteria"][0].update(direction="higher"), r"direction.*'lower'"),
    (lambda d: d["multiplicity"]["family"].append("nope"), r"multiplicity\.family\[2\].*'nope'"),
    (lambda d: d["allocation"].update(pilot=0.5), r"allocation.*pilot \+ control = 1"),
])
def test_bad_criteria_are_located(tmp_path, edit, pattern):
    path = _criteria_file(tmp_path, edit)
    with pytest.raises(InputError, match=pattern):
        load_criteria(path)


def test_bad_criteria_report_every_problem_with_lines(tmp_path):
    def edit(d):
        d["criteria"][0]["metric"] = "x"
        d["criteria"][1]["threshold"] = 0.2
    with pytest.raises(InputError) as info:
        load_criteria(_criteria_file(tmp_path, edit))
    assert len(info.value.problems) == 2
    assert all(p.location.startswith("line ") for p in info.value.problems)


@pytest.mark.parametrize("table,edit,pattern", [
    ("accounts", lambda f: f.assign(arm="control"), r"accounts\.csv, file field 'arm'.*0 pilot accounts"),
    ("accounts", lambda f: pd.concat([f, f.iloc[[0]].assign(arm="control")]),
     r"accounts\.csv, row 1002 field 'arm'.*each account in one arm only"),
    ("alerts", lambda f: f.assign(outcome_label=f["outcome_label"].where(f.index != 3, "maybe")),
     r"alerts\.csv, row 5 field 'outcome_label': got 'maybe'; expected one of true_risk"),
    ("survey_responses", lambda f: f.assign(score=f["score"].where(f.index != 0, "7")),
     r"survey_responses\.csv, row 2 field 'score'.*between 1 and 5"),
    ("tickets", lambda f: f.assign(account_id=f["account_id"].where(f.index != 1, "A9999")),
     r"tickets\.csv, row 3 field 'account_id': got 'A9999'; expected an account_id listed"),
    ("contacts", lambda f: f.assign(contacted_at=f["contacted_at"].where(f.index != 0, "2026-03-01 10:00:00")),
     r"contacts\.csv, row 2 field 'contacted_at'.*on or after the account's assignment"),
    ("insights", lambda f: f.assign(logged_at=f["logged_at"].where(f.index != 0, "2027-01-05")), None),
    ("tickets", lambda f: f.assign(opened_at=f["opened_at"].where(f.index != 0, "2026-11-02 09:00:00"),
                                   first_response_at=f["first_response_at"].where(f.index != 0, "2026-11-02 10:00:00")),
     r"tickets\.csv, row 2 field 'opened_at'.*within the pilot window"),
])
def test_bad_pilot_data_names_file_and_row(tmp_path, window, table, edit, pattern):
    folder = _pilot_copy(tmp_path, table, edit)
    if pattern is None:  # insights are not windowed: loading succeeds, the count ignores later insights
        load_pilot(folder, window=window)
        return
    with pytest.raises(InputError, match=pattern):
        load_pilot(folder, window=window)


def test_missing_table_and_unknown_column_map(tmp_path, window):
    folder = tmp_path / "pilot"
    shutil.copytree(PILOT, folder)
    (folder / "alerts.csv").unlink()
    with pytest.raises(InputError, match=r"alerts\.csv, file.*the alerts table") as info:
        load_pilot(folder, window=window, column_maps={"acounts": {"Id": "account_id"}})
    assert any(p.field == "acounts" for p in info.value.problems)


def test_sample_shows_pass_fail_and_inconclusive(evaluation):
    counts = evaluation.counts()
    assert counts["pass"] >= 1 and counts["fail"] >= 1 and counts["inconclusive"] >= 1
    v = evaluation.verdicts.set_index("criterion")
    assert v.loc["retention_hazard_ratio", "verdict"] == "pass"      # true HR 0.6
    assert v.loc["faster_first_response", "verdict"] == "fail"       # no true effect
    assert v.loc["csms_find_it_useful", "verdict"] == "inconclusive"  # 4 CSMs < minimum sample 5
    assert v.loc["retention_hazard_ratio", "ci_lower"] < 0.6 < v.loc["retention_hazard_ratio", "ci_upper"]
    assert evaluation.gate.decision == "proceed" and evaluation.data_valid
    assert (evaluation.verdicts["criteria_sha256"] == evaluation.criteria_sha256).all()
    # Holm over the two primaries: one interval at 97.5%, one at 95%.
    assert sorted(v.loc[["retention_hazard_ratio", "churn_rate_lower"], "interval_level"]) == [0.95, 0.975]


def test_evaluation_leaves_inputs_unchanged(criteria, window):
    data = load_pilot(PILOT, window=window)
    before = {k: f.copy() for k, f in data.tables.items()}
    evaluate_pilot(data, criteria, settings=DerivationSettings(sla_hours=24))
    for k in before:
        pd.testing.assert_frame_equal(before[k], data.tables[k])


def test_sample_ratio_mismatch_refuses_to_judge(tmp_path, window):
    path = _criteria_file(tmp_path, lambda d: d.update(allocation={"pilot": 0.6, "control": 0.4}))
    ev = evaluate_pilot(load_pilot(PILOT, window=window), load_criteria(path))
    assert not ev.data_valid and ev.gate.decision == "fix_data"
    assert set(ev.verdicts["verdict"]) == {"not_judged"}


def test_clustered_assignment_widens_intervals(tmp_path, window):
    path = _criteria_file(tmp_path, lambda d: d.update(assignment_unit="csm", srm_alpha=1e-9))
    ev = evaluate_pilot(load_pilot(PILOT, window=window), load_criteria(path))
    assert "cluster-robust" in ev.clustering
    assert ev.validity["check"].str.startswith("design effect").any()
    hr = ev.verdicts.set_index("criterion").loc["retention_hazard_ratio", "method"]
    assert "cluster-robust by CSM" in hr


def test_charts_are_tidy_specs(evaluation):
    from workbench.pilot.charts import forest_chart, survival_chart, trend_chart
    from workbench.pilot.report import trend_table

    spec = forest_chart(evaluation.verdicts).to_dict()
    assert spec["resolve"]["scale"]["x"] == "independent"
    assert survival_chart(evaluation.survival_curves).to_dict()["layer"][1]["mark"]["type"] == "line"
    trend = pd.concat([evaluation.verdicts.assign(cycle="c1"), evaluation.verdicts.assign(cycle="c2")])
    assert trend_chart(trend).to_dict()["facet"]["field"] == "criterion"
    assert trend_table(pd.DataFrame(columns=["cycle", "criterion"]), evaluation, cycle="c3")["cycle"].eq("c3").all()
