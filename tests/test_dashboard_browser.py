"""The vendor dashboard in a real browser: Voila serves it, chromium (no network) moves a slider.

Skipped when /usr/bin/chromium is absent, unless WORKBENCH_REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "dashboards" / "vendor_comparison.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("WORKBENCH_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing but WORKBENCH_REQUIRE_BROWSER=1: install Debian's chromium "
                    "(apt-get install -y chromium chromium-driver)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium); set WORKBENCH_REQUIRE_BROWSER=1 to fail instead")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def voila_url(tmp_path):
    _require_browser()
    port = _free_port()
    log = open(tmp_path / "voila.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", str(NOTEBOOK), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--show_tracebacks=True"],
        cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail("voila exited early:\n" + (tmp_path / "voila.log").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("voila did not start within 60 s:\n" + (tmp_path / "voila.log").read_text()[-3000:])
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _ranking(page) -> list[str]:
    return page.locator(".wb-ranking .wb-vendor").all_inner_texts()


def test_moving_a_weight_slider_reranks_the_vendors_offline(voila_url):
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_localhost(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.route("**/*", only_localhost)
            page.goto(voila_url, timeout=90_000)
            page.wait_for_selector(".wb-ranking .wb-vendor", timeout=90_000)
            before = _ranking(page)
            assert before[0] == "Northstar Signals", before
            # drag the failure-transparency weight to the right end: Beacon Health's evidence then wins
            handle = page.locator(".wb-weight-failure_transparency .noUi-handle").first
            track = page.locator(".wb-weight-failure_transparency .noUi-target").first
            hb, tb = handle.bounding_box(), track.bounding_box()
            page.mouse.move(hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2)
            page.mouse.down()
            page.mouse.move(tb["x"] + tb["width"] - 1, hb["y"] + hb["height"] / 2, steps=8)
            page.mouse.up()
            page.wait_for_function(
                "() => { const v = document.querySelector('.wb-ranking .wb-vendor');"
                " return v && v.textContent !== 'Northstar Signals'; }", timeout=30_000)
            after = _ranking(page)
            # the charts follow on a worker thread: the contributions chart (inline SVG, first) re-sorts too
            page.wait_for_function(
                "() => { const t = document.querySelector('svg.wb-chart .wb-y-axis text title');"
                " return t && t.textContent === 'Beacon Health'; }", timeout=30_000)
            n_charts = page.locator("svg.wb-chart").count()
            n_bars = page.locator("svg.wb-chart .wb-bars rect").count()
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / "vendor_dashboard.png"), full_page=True)
        finally:
            browser.close()
    assert after != before
    assert after[0] == "Beacon Health", after
    assert sorted(after) == sorted(before)
    assert n_charts == 2 and n_bars > len(after)  # contributions and rank acceptability, drawn offline
    assert all(urlparse(u).hostname not in ("127.0.0.1", "localhost") for u in blocked)
