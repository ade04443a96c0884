"""Scoring the bundled sample vendors: the decision is built to be non-trivial, and reports escape vendor text."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.vendors import (agreement, decision_matrix, discuss_items, knockouts, load_evaluations, load_rubric,
                               rank_acceptability, score_vendors, stability, vendor_costs, weighted_sum)
from workbench.vendors import charts, panels
from workbench.vendors.report import headline, notes_markdown, robustness_markdown

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def evaluations():
    rubric = load_rubric(ROOT / "templates" / "rubric.yaml")
    return load_evaluations(ROOT / "vendor_evals", rubric)


@pytest.fixture(scope="module")
def scoring(evaluations):
    return score_vendors(evaluations)


def test_costs_tco_closed_form(evaluations):
    costs = vendor_costs(evaluations).set_index("vendor")
    # Beacon: 3 x (60,000 + 15,000) + 30,000
    assert costs.loc["Beacon Health", "tco_3y"] == 255_000
    assert set(costs.columns) >= {"tco_3y", "licence_per_year", "implementation_one_off", "internal_effort_per_year"}


def test_criterion_scores_are_means_of_item_means(evaluations):
    m = decision_matrix(evaluations)
    r = evaluations.ratings
    part = r[(r.vendor == "Keel Analytics") & (r.criterion == "failure_transparency")]
    expected = part.groupby("sub_criterion")["rating"].mean().fillna(0).mean()
    assert m.loc["Keel Analytics", "failure_transparency"] == pytest.approx(expected)
    assert m.loc["Keel Analytics", "cost"] == 160_000


def test_one_vendor_fails_a_must_have_and_is_not_ranked(evaluations, scoring):
    k = knockouts(evaluations)
    failed = k[~k["passed"]]
    assert failed["vendor"].tolist() == ["Tidewater CS"]
    assert failed["sub_criterion"].tolist() == ["failure_rate_disclosed"]
    row = scoring.scores.set_index("vendor").loc["Tidewater CS"]
    assert row["knocked_out"] and pd.isna(row["weighted_sum_rank"]) and "median 1 < 2" in row["knockout_reason"]


def test_leader_changes_under_plausible_weights(evaluations, scoring):
    assert scoring.leader == "Northstar Signals"
    st = stability(scoring).set_index("criterion")
    ft = st.loc["failure_transparency"]
    assert ft["stable_to"] < 0.5 and ft["leader_when_above"] == "Beacon Health"
    heavier_ft = dict(evaluations.rubric.default_weights, failure_transparency=0.55)  # 0.44 after rescaling
    assert score_vendors(evaluations, heavier_ft).leader == "Beacon Health"
    # TOPSIS already prefers Beacon at the default weights: the methods disagree, and the report says so
    assert not scoring.method_agreement["same_leader"]


def test_scores_table_columns(scoring):
    cols = scoring.scores.columns
    for c in ["vendor", "failure_transparency", "cost_tco", "weighted_sum_score", "weighted_sum_rank",
              "topsis_closeness", "topsis_rank", "knocked_out"]:
        assert c in cols
    ranked = scoring.scores.dropna(subset=["weighted_sum_rank"])
    assert sorted(ranked["weighted_sum_rank"].astype(int)) == [1, 2, 3, 4]
    # scores agree with calling the method directly on the eligible matrix
    direct = weighted_sum(scoring.eligible, scoring.weights, cost_criteria=["cost"])
    got = ranked.set_index("vendor")["weighted_sum_score"]
    np.testing.assert_allclose(got.loc[direct.index], direct["score"])


def test_rank_acceptability_headline(scoring):
    acc = rank_acceptability(scoring, n_samples=5_000, seed=1)
    ranks = acc[[c for c in acc.columns if c.startswith("rank_")]]
    np.testing.assert_allclose(ranks.sum(axis=1), 1.0)
    p = acc.set_index("vendor")["rank_1"]
    assert 0.5 < p["Northstar Signals"] < 0.9 and 0.1 < p["Beacon Health"] < 0.5
    again = rank_acceptability(scoring, n_samples=5_000, seed=1)
    pd.testing.assert_frame_equal(acc, again)


def test_roadmap_criterion_has_strong_disagreement(evaluations):
    ag = agreement(evaluations).set_index("criterion")
    assert ag.loc["roadmap_transparency", "alpha"] < 0.667
    assert ag.loc["failure_transparency", "alpha"] > 0.8
    assert ag["alpha"].idxmin() == "roadmap_transparency"
    items = discuss_items(evaluations)
    assert set(items["criterion"]) == {"roadmap_transparency"}
    assert (items["difference"] >= 2).all()
    # side by side: every evaluator of a flagged item is listed with evidence
    first = items.groupby(["vendor", "sub_criterion"]).size()
    assert (first == 3).all()


def test_headline_and_markdown(evaluations, scoring):
    acc = rank_acceptability(scoring, n_samples=2_000)
    h = headline(scoring, acc, agreement(evaluations))
    assert h["leader_weighted_sum"] == "Northstar Signals" and h["vendors_knocked_out"] == ["Tidewater CS"]
    text = robustness_markdown(scoring, acc, stability(scoring), concentration=50, n_samples=2_000,
                               rating_uncertainty=True)
    assert "Probability of being best" in text and "Beacon Health" in text


def test_charts_are_specs_with_the_data(scoring):
    acc = rank_acceptability(scoring, n_samples=1_000)
    for chart in [charts.contributions_chart(scoring.contributions), charts.heatmap_chart(
            scoring.matrix.drop(columns=["cost"])), charts.acceptability_chart(acc),
            charts.stability_chart(stability(scoring))]:
        spec = chart.to_dict()
        assert "datasets" in spec and spec.get("title") or spec.get("layer")
    spec = charts.acceptability_chart(acc).to_dict()
    values = next(iter(spec["datasets"].values()))
    assert {"vendor", "rank", "probability"} <= set(values[0])


# ---------------------------------------------------------------------------------------
# Vendor-supplied text is escaped everywhere
# ---------------------------------------------------------------------------------------

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def evil_evaluations(tmp_path_factory):
    d = tmp_path_factory.mktemp("evil")
    for f in (ROOT / "vendor_evals").glob("*.yaml"):
        shutil.copy(f, d / f.name)
    path = d / "keel.yaml"
    text = path.read_text()
    text = text.replace("  name: Keel Analytics", f'  name: "Keel {EVIL}"')
    text = text.replace("note: 'Implementation outcome report:", f"note: '<img src=x onerror=alert(1)> {EVIL.replace(chr(39), chr(39) * 2)}", 1)
    text = text.replace("link: https://keel.example.com/reports/implementation-outcomes",
                        "link: javascript:alert(1)", 1)
    path.write_text(text)
    rubric = load_rubric(ROOT / "templates" / "rubric.yaml")
    return load_evaluations(d, rubric)


def test_script_in_vendor_file_renders_as_text_in_panels(evil_evaluations):
    html = panels.evidence_panel_html(evil_evaluations)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img" in html
    assert 'href="javascript' not in html and "javascript:alert(1)" in html  # shown, not linked
    items = discuss_items(evil_evaluations)
    d = panels.discuss_html(items, evil_evaluations)
    assert "<script>" not in d and "&lt;script&gt;" in d
    assert "<script>" not in notes_markdown(evil_evaluations)


def test_script_in_vendor_name_is_escaped_in_ranking_and_svg(evil_evaluations):
    s = score_vendors(evil_evaluations)
    table = s.scores.dropna(subset=["weighted_sum_rank"]).rename(
        columns={"weighted_sum_rank": "rank", "weighted_sum_score": "score"})
    html = panels.ranking_html(table)
    assert "<script>" not in html and "Keel &lt;script&gt;" in html
    from workbench.report.charts import chart_to_svg
    svg = chart_to_svg(charts.contributions_chart(s.contributions))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    # pandas tables shown in the notebook escape by default
    assert "<script>" not in s.scores.to_html()
