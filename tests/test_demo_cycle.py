"""The README's promise, end to end: the whole suite runs on the bundled sample data, the cycle's
index links every report, and every page opens with the network blocked."""

from __future__ import annotations

import json
import re

import pytest

from workbench.suite import discover_notebooks, run_cycle


@pytest.fixture(scope="module")
def demo(repo_root, tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    result = run_cycle("demo", config_path=repo_root / "templates" / "cycle.yaml", runs_dir=runs,
                       progress=lambda _: None)
    return result, runs


@pytest.mark.notebook
def test_whole_suite_succeeds_on_the_sample(demo, repo_root):
    result, runs = demo
    failed = {r.name: r.error for r in result.notebooks if r.status != "ok"}
    assert not failed, failed
    names = [p.stem for p in discover_notebooks(repo_root / "notebooks")]
    assert [r.name for r in result.notebooks] == names
    manifest = json.loads((runs / "demo" / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert "data/sample/customers.csv" in manifest["inputs"]
    assert any(k.startswith("vendor_evals/") for k in manifest["inputs"])
    for run in result.notebooks:
        folder = runs / "demo" / run.name
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["notebook"] == run.name
        assert run.title and run.title != run.name, f"{run.name}: give the notebook a '# Title' heading"
        for table in summary["tables"]:
            assert (folder / table).stat().st_size > 0


@pytest.mark.notebook
@pytest.mark.browser
def test_cycle_index_and_every_report_open_offline(demo, offline_page, repo_root):
    result, runs = demo
    page, blocked = offline_page
    index = runs / "demo" / "index.html"
    page.goto(index.as_uri())
    page.wait_for_load_state("networkidle")
    links = page.locator("a", has_text="report")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert sorted(hrefs) == sorted(f"{r.name}/{r.name}.html" for r in result.notebooks)
    artifacts = repo_root / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "cycle_index.png"), full_page=True)
    for href in hrefs:
        page.goto((index.parent / href).as_uri())
        page.wait_for_load_state("networkidle")
        assert page.locator(".wb-banner h1").count() == 1
        assert page.locator("figure.wb-chart svg").count() >= 1, f"{href}: no chart rendered"
        html = (index.parent / href).read_text()
        assert not re.search(r"<script[^>]+src=", html), f"{href} loads a script"
        page.screenshot(path=str(artifacts / href.replace("/", "_").replace(".html", ".png")))
    page.goto((runs / "index.html").as_uri())
    assert page.locator("a", has_text="demo").count() == 1
    assert blocked == [], f"pages tried to reach the network: {blocked[:5]}"


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["00_data_checks", "02_vendor_scoring"])
def test_standalone_papermill_gives_the_runners_results(demo, run_notebook, tmp_path, name):
    """``workbench run`` is a convenience over papermill: the same notebook run by hand with the
    same parameters writes the same result tables."""
    result, runs = demo
    run = next(r for r in result.notebooks if r.name == name)
    params = {k: v for k, v in run.parameters.items() if k not in ("output_dir", "cycle", "runs_dir", "cycle_dir")}
    run_notebook(name, tmp_path, **params)
    cycle_dir = runs / "demo" / name
    tables = json.loads((cycle_dir / "summary.json").read_text())["tables"]
    assert tables
    for table in tables:
        assert (tmp_path / table).read_bytes() == (cycle_dir / table).read_bytes(), table
