"""HTML reports: code hidden, charts and tables render with every network request blocked,
and the page prints."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from workbench.report.html import render_html

CELLS = [
    'output_dir: str = "out"  # results',
    "import altair as alt\nimport pandas as pd\nfrom IPython.display import display\nfrom workbench.notebook import setup\nsetup()",
    "frame = pd.DataFrame({'month': range(12), 'survival': [0.99 ** m for m in range(12)]})\ndisplay(frame.head(3))",
    "alt.Chart(frame).mark_line().encode(x='month', y='survival').properties(title='Survival curve')",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    import papermill as pm

    folder = tmp_path_factory.mktemp("report")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A report\nText for <reviewers>.")] + [
        nbformat.v4.new_code_cell(src) for src in CELLS]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    source = folder / "source.ipynb"
    nbformat.write(nb, str(source))
    executed = folder / "executed.ipynb"
    pm.execute_notebook(str(source), str(executed), kernel_name="python3", progress_bar=False)
    return render_html(executed, folder / "report.html",
                       banner={"title": "Survival <script>alert(1)</script>", "cycle": "2026-q4",
                               "executed_at": "2026-12-04", "fingerprint": "0123abcd", "status": "ok",
                               "headline": [("median_months", "31.2")]})


@pytest.mark.notebook
def test_report_has_no_code_and_no_remote_scripts(report):
    html = report.read_text()
    assert "alt.Chart(frame)" not in html and "from workbench.notebook import setup" not in html
    assert "<script" not in html.lower()  # nothing to load: charts are inline SVG
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html and "require.js" not in html
    assert "<svg" in html and "Survival curve" in html
    assert "Survival &lt;script&gt;alert(1)&lt;/script&gt;" in html  # banner text is escaped
    assert "0123abcd" in html and "median_months" in html


@pytest.mark.notebook
@pytest.mark.browser
def test_report_renders_offline_in_chromium(report, offline_page, tmp_path, repo_root):
    page, blocked = offline_page
    page.goto(report.as_uri())
    page.wait_for_load_state("networkidle")
    assert blocked == []
    chart = page.locator("figure.wb-chart svg").first
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    assert page.locator("table.dataframe").count() >= 1
    assert page.locator(".wb-banner h1").inner_text().startswith("Survival <script>")
    artifacts = repo_root / "tests" / "artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artifacts / "report_offline.png"), full_page=True)
    pdf = page.pdf(path=str(tmp_path / "report.pdf"), format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 5_000


def test_tables_for_reviewers_hide_row_numbers_and_format_numbers():
    import pandas as pd

    from workbench.notebook import format_number, table_html

    html = table_html(pd.DataFrame({"vendor": ["<script>x</script>"], "arr": [257515.4], "p": [5.068e-16],
                                    "hr": [0.72291], "n": [5000.0]}))
    assert "<th></th>" not in html and ">0<" not in html  # no 0..n-1 index column
    assert "257,515" in html and "5.068e-16" in html and "0.7229" in html and "5,000" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert format_number(float("nan")) == "" and format_number(3.0) == "3"
    indexed = table_html(pd.DataFrame({"score": [1.5]}, index=pd.Index(["Beacon"], name="vendor")))
    assert "Beacon" in indexed
