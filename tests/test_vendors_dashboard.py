"""The dashboard's widget logic without a browser: sliders re-rank, filters, escaping, zero weights."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from workbench.vendors import charts, load_evaluations, load_rubric
from workbench.vendors.dashboard import build_dashboard, dashboard_from_paths, find_path

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


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


# --- the hand-built SVG of the live bar charts ---------------------------------------------------------

def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # well-formed XML, or this raises


def _bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"./{SVG}g[@class='wb-bars']/{SVG}rect")


def _row_labels(root: ET.Element) -> list[str]:
    return [t.find(f"{SVG}title").text for t in root.findall(f"./{SVG}g[@class='wb-y-axis']/{SVG}text")]


def test_contributions_svg_draws_each_positive_share_in_score_order():
    wide = pd.DataFrame({"quality": [0.1, 0.4, 0.0], "cost": [0.2, 0.3, 0.05]},
                        index=pd.Index(["A", "B", "C"], name="vendor"))
    svg = charts.contributions_svg(wide, labels={"quality": "Quality", "cost": "3-year cost"})
    root = _parse(svg)
    assert _row_labels(root) == ["B", "A", "C"]  # highest weighted-sum score first
    bars = _bars(root)
    assert len(bars) == 5  # C's zero share draws nothing
    assert [b.find(f"{SVG}title").text for b in bars[:2]] == ["B · Quality: 0.400", "B · 3-year cost: 0.300"]
    width = {b.find(f"{SVG}title").text.split(":")[0]: float(b.get("width")) for b in bars}
    # lengths proportional to the shares, on one scale for all bars
    assert width["B · Quality"] / width["A · Quality"] == pytest.approx(4, rel=1e-3)
    assert width["A · 3-year cost"] / width["C · 3-year cost"] == pytest.approx(4, rel=1e-3)
    # segments of one bar are adjacent, left to right in column order
    b0, b1 = bars[0], bars[1]
    assert float(b0.get("x")) + float(b0.get("width")) == pytest.approx(float(b1.get("x")), abs=0.02)
    assert b0.get("fill") != b1.get("fill")
    texts = "".join(root.itertext())
    assert "Quality" in texts and "3-year cost" in texts and "0.700" in texts  # legend and B's total
    assert "<script" not in svg


def test_acceptability_svg_orders_by_expected_rank_and_fills_each_bar():
    acc = pd.DataFrame({"rank_1": [0.2, 0.7, 0.1], "rank_2": [0.5, 0.3, 0.2], "rank_3": [0.3, 0.0, 0.7],
                        "expected_rank": [2.1, 1.3, 2.6]}, index=pd.Index(["A", "B", "C"], name="vendor"))
    root = _parse(charts.acceptability_svg(acc))
    assert _row_labels(root) == ["B", "A", "C"]
    bars = _bars(root)
    assert len(bars) == 8
    first = [b for b in bars if b.find(f"{SVG}title").text.startswith("B ·")]
    assert [b.find(f"{SVG}title").text for b in first] == ["B · 1: 70.0%", "B · 2: 30.0%"]
    assert first[0].get("fill") == charts.viridis(3)[0]  # rank 1 leftmost, darkest
    per_row = {}
    for b in bars:
        row = b.find(f"{SVG}title").text.split(" ·")[0]
        per_row[row] = per_row.get(row, 0.0) + float(b.get("width"))
    assert len(set(round(v, 1) for v in per_row.values())) == 1  # every bar spans 100 %
    # the same table with a vendor column (as for the altair chart) draws the same picture
    assert charts.acceptability_svg(acc.reset_index()) == charts.acceptability_svg(acc)


def test_svg_charts_escape_vendor_text_and_survive_degenerate_input():
    evil = 'Evil <script>alert("x")</script> & Co'
    wide = pd.DataFrame({"q<b>": [0.3, 0.0]}, index=[evil, "Zero"])
    svg = charts.contributions_svg(wide, title="T <i>")
    root = _parse(svg)
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert evil in _row_labels(root) and "T <i>" in "".join(root.itertext())
    _parse(charts.contributions_svg(pd.DataFrame({"q": [0.0, float("nan")]}, index=["A", "B"])))
    long_name = "A vendor with a remarkably long and descriptive legal name, Incorporated"
    root = _parse(charts.contributions_svg(pd.DataFrame({"q": [0.5]}, index=[long_name])))
    shown = root.find(f"./{SVG}g[@class='wb-y-axis']/{SVG}text")
    assert "".join(shown.itertext()).endswith("…") and _row_labels(root) == [long_name]
    assert charts.viridis(1) == ["#440154"] and charts.viridis(16)[-1] == "#fde725" and len(charts.viridis(16)) == 16


def test_a_slider_change_redraws_the_bar_charts_without_vl_convert(dashboard, monkeypatch):
    from workbench.vendors import dashboard as module

    calls = []
    monkeypatch.setattr(module, "chart_to_svg", lambda *a, **k: calls.append(a) or "<svg/>")
    d = dashboard
    before = d.contrib_svg.value, d.accept_svg.value
    old = d.sliders["cs_support"].value
    d.sliders["cs_support"].value = 0.05 if old > 0.5 else 0.95
    try:
        assert calls == []  # vl-convert only draws the heatmap, once per vendor selection
        assert d.contrib_svg.value != before[0] and d.accept_svg.value != before[1]
        for svg in (d.contrib_svg.value, d.accept_svg.value):
            root = _parse(svg)
            assert sorted(_row_labels(root)) == sorted(d.eligible.index)
    finally:
        d.sliders["cs_support"].value = old
