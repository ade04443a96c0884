"""Suite wall time on the sample data against the floor of papermill running as many trivial notebooks.

Run: ``python bench/bench_suite.py`` (from the project folder). Everything is measured in this
one run, on this machine, so the ratios compare like with like:

- floor: papermill executing N trivial notebooks (N = the suite's notebook count) in a pool of
  the same size as the cycle's ``max_parallel``; kernel start-up and imports dominate it;
- runner on trivial notebooks: ``workbench run`` machinery (checks, HTML reports, manifest,
  index) over the same N trivial notebooks: the runner's own overhead;
- suite: ``workbench run`` of the real suite on the bundled sample data.
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.config import load_cycle_config  # noqa: E402
from workbench.suite import discover_notebooks, run_cycle  # noqa: E402

TRIVIAL = ['output_dir: str = "out"  # results', "x = 1 + 1"]


def trivial_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in TRIVIAL]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


def _papermill(src: str, dst: str) -> None:
    import papermill as pm

    pm.execute_notebook(src, dst, kernel_name="python3", progress_bar=False,
                        extra_arguments=["--IPKernelApp.log_level=40"])  # as the runner does


def floor_seconds(folder: Path, n: int, workers: int) -> float:
    sources = []
    for i in range(n):
        src = folder / f"{i:02d}_trivial.ipynb"
        trivial_notebook(src)
        sources.append(src)
    started = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_papermill, map(str, sources), [str(s.with_suffix(".out.ipynb")) for s in sources]))
    return time.perf_counter() - started


def main() -> None:
    config_path = ROOT / "templates" / "cycle.yaml"
    workers = load_cycle_config(config_path).max_parallel
    n = len(discover_notebooks(ROOT / "notebooks"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "floor").mkdir()
        floor = floor_seconds(tmp / "floor", n, workers)

        trivial_root = tmp / "trivial"
        (trivial_root / "notebooks").mkdir(parents=True)
        for i in range(n):
            trivial_notebook(trivial_root / "notebooks" / f"{i:02d}_trivial.ipynb")
        started = time.perf_counter()
        run_cycle("bench", root=trivial_root, runs_dir=tmp / "runs-trivial", progress=lambda _: None,
                  validate_inputs=False)
        runner_trivial = time.perf_counter() - started

        started = time.perf_counter()
        result = run_cycle("bench", config_path=config_path, runs_dir=tmp / "runs", progress=lambda _: None)
        suite = time.perf_counter() - started
        per_notebook = {r.name: r.seconds for r in result.notebooks}
        html_bytes = {p.name: p.stat().st_size for p in (tmp / "runs" / "bench").rglob("*.html")}

    figures = {
        "notebooks": n,
        "max_parallel": workers,
        "floor_papermill_trivial_s": round(floor, 2),
        "runner_trivial_s": round(runner_trivial, 2),
        "suite_sample_s": round(suite, 2),
        "runner_overhead_ratio": round(runner_trivial / floor, 2),
        "suite_vs_floor_ratio": round(suite / floor, 2),
        "suite_ok": result.ok,
        "per_notebook_s": per_notebook,
        "html_bytes": html_bytes,
    }
    print(json.dumps(figures, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "suite.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
