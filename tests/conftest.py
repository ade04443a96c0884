"""Shared fixtures: the repository layout and a papermill runner for notebook tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


def execute_notebook(name: str, out_dir: Path, **parameters):
    """Execute ``notebooks/<name>.ipynb`` with papermill as an analyst would; return the output notebook path.

    Raises papermill's ``PapermillExecutionError`` (with ``ename``/``evalue``) on a failing cell.
    """
    import papermill as pm

    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / f"{name}.executed.ipynb"
    pm.execute_notebook(
        str(NOTEBOOKS / f"{name}.ipynb"),
        str(output),
        parameters={"output_dir": str(out_dir), **parameters},
        kernel_name="python3",
        cwd=str(ROOT),
        progress_bar=False,
        log_output=False,
    )
    return output


@pytest.fixture(scope="session")
def run_notebook():
    return execute_notebook


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture()
def offline_page():
    """A headless Chromium page on which every request that is not a local file is blocked and recorded.

    Skips when Chromium is absent, unless WORKBENCH_REQUIRE_BROWSER=1 (CI), where it fails instead.
    Yields (page, blocked_urls).
    """
    import os

    if not Path(CHROMIUM).exists():
        if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (WORKBENCH_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium) - browser check skipped")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})

        def route(r):
            if r.request.url.startswith(("file:", "data:", "about:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        try:
            yield page, blocked
        finally:
            browser.close()
