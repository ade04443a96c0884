"""The dashboard's widget logic without a browser: sliders re-rank, filters, escaping, zero weights."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.vendors import load_evaluations, load_rubric
from workbench.vendors.dashboard import build_dashboard, dashboard_from_paths, find_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dashboard():
    rubric = load_rubric(ROOT / "templates" / "rubric.yaml")
    return build_dashboard(load_evaluations(ROOT / "vendor_evals", rubric), smaa_samples=500)


def _order(d):
    return d.ranking_table().sort_values("rank")["vendor"].tolist()


def test_slider_and_method_rerank(dashboard):
    d = dashboard
    assert _order(d)[0] == "Northstar Signals"
    assert "Northstar Signals" in d.ranking.value and "<svg" in d.contrib_svg.value and "<svg" in d.accept_svg.value
    d.sliders["failure_transparency"].value = 0.9
    assert _order(d)[0] == "Beacon Health"
    assert d.ranking.value.index("Beacon Health") < d.ranking.value.index("Northstar Signals")
    d.sliders["failure_transparency"].value = 0.3
    d.method.value = "TOPSIS"
    assert _order(d)[0] == "Beacon Health"
    d.method.value = "Weighted sum"
    d.vendor_filter.value = ("Keel Analytics", "Lumen Retain")
    assert sorted(_order(d)) == ["Keel Analytics", "Lumen Retain"]
    d.vendor_filter.value = tuple(d.vendor_filter.options)


def test_all_zero_weights_show_a_message_not_an_error(dashboard):
    d = dashboard
    old = {c: s.value for c, s in d.sliders.items()}
    for s in d.sliders.values():
        s.value = 0.0
    assert "All weights are zero" in d.status.value
    for c, v in old.items():
        d.sliders[c].value = v
    assert "Leader" in d.status.value


def test_knocked_out_vendor_listed_and_names_escaped(tmp_path):
    d = tmp_path / "evals"
    shutil.copytree(ROOT / "vendor_evals", d, ignore=shutil.ignore_patterns("weights"))
    p = d / "lumen.yaml"
    p.write_text(p.read_text().replace("  name: Lumen Retain", '  name: "Lumen <script>alert(1)</script>"'))
    rubric = load_rubric(ROOT / "templates" / "rubric.yaml")
    dash = build_dashboard(load_evaluations(d, rubric), smaa_samples=200)
    html = dash.ranking.value + dash.status.value + dash.contrib_svg.value + dash.accept_svg.value + dash.heatmap_svg.value
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Tidewater CS" in dash.knocked.value


def test_background_charts_follow_the_ranking():
    rubric = load_rubric(ROOT / "templates" / "rubric.yaml")
    d = build_dashboard(load_evaluations(ROOT / "vendor_evals", rubric), smaa_samples=300, background_charts=True)
    d.wait_for_charts()
    first = d.contrib_svg.value
    d.sliders["failure_transparency"].value = 0.9
    assert d.ranking_table().sort_values("rank")["vendor"].iloc[0] == "Beacon Health"  # answered before the charts
    d.wait_for_charts()
    assert d.contrib_svg.value != first and "<svg" in d.accept_svg.value


def test_paths_are_found_from_a_subfolder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks" / "dashboards")
    assert find_path("templates/rubric.yaml") == ROOT / "templates" / "rubric.yaml"
    widget = dashboard_from_paths(smaa_samples=200)
    assert widget.children
