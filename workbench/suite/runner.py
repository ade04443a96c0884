"""Execute the notebook suite for one cycle with papermill into ``runs/<cycle>/``.

Everything that can be checked before a kernel starts is checked first (cycle name, config,
parameter names and types, input files and their contracts); any problem stops the run with
nothing under ``runs/`` changed. The cycle is built in a staging folder beside its final place
and moved there at the end, so a cycle folder is never half-written.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import nbformat

from ..config import CycleConfig, load_cycle_config, validate_cycle_name
from ..errors import ConfigError
from ..io import sha256_file, to_json
from .params import NotebookParameter, check_parameters, notebook_parameters

NOTEBOOK_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.ipynb$")
RUNNER_PARAMETERS = ("output_dir", "cycle", "runs_dir", "cycle_dir")
PACKAGES = ("churn-workbench", "pandas", "numpy", "scipy", "lifelines", "scikit-learn", "statsmodels",
            "altair", "vl-convert-python", "papermill", "nbconvert", "nbclient", "ipykernel",
            "ipywidgets", "pydantic", "pyyaml")


@dataclass
class NotebookRun:
    name: str
    status: str  # "ok", "failed", "skipped"
    seconds: float = 0.0
    error: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    title: str = ""


@dataclass
class RunResult:
    cycle: str
    path: Path
    notebooks: list[NotebookRun]

    @property
    def ok(self) -> bool:
        return all(run.status == "ok" for run in self.notebooks)


def project_root() -> Path:
    """The project folder: the one holding ``notebooks/`` (the package's parent, else the cwd)."""
    candidates = [Path(__file__).resolve().parents[2], Path.cwd()]
    for candidate in candidates:
        if (candidate / "notebooks").is_dir():
            return candidate
    raise ConfigError("Cannot find the project's notebooks/ folder: run workbench from the project folder.")


def discover_notebooks(notebooks_dir: Path) -> list[Path]:
    """The suite's notebooks: ``NN_name.ipynb`` files directly in ``notebooks/``, in order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def _select(notebooks: list[Path], only: list[str] | None) -> list[Path]:
    if not only:
        return notebooks
    chosen, unknown = [], []
    for key in only:
        matches = [p for p in notebooks if p.stem == key or p.stem.startswith(f"{key}_") or p.stem[3:] == key]
        if not matches:
            unknown.append(key)
        chosen.extend(m for m in matches if m not in chosen)
    if unknown:
        names = ", ".join(p.stem for p in notebooks)
        raise ConfigError(f"--only: no notebook matches {', '.join(map(repr, unknown))}; available: {names}")
    return sorted(chosen)


def notebook_title(path: Path) -> str:
    """The notebook's first level-1 markdown heading, else its name."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def _depends_on(path: Path) -> list[str]:
    nb = nbformat.read(str(path), as_version=4)
    return list(nb.metadata.get("workbench", {}).get("depends_on", []))


def _input_files(values: dict[str, Any], root: Path) -> dict[str, Path]:
    """Parameters naming input files or folders (``*_path``, ``*_dir``), resolved against the root."""
    found = {}
    for name, value in values.items():
        if name in RUNNER_PARAMETERS or not isinstance(value, str) or not value:
            continue
        if name.endswith(("_path", "_dir")):
            path = Path(value)
            found[name] = path if path.is_absolute() else root / path
    return found


def _fingerprint(inputs: dict[str, Path], root: Path) -> dict[str, str]:
    hashes = {}
    for path in inputs.values():
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                key = str(file.relative_to(root))
            except ValueError:
                key = str(file)
            hashes[key] = sha256_file(file)
    return dict(sorted(hashes.items()))


def _git_commit(root: Path) -> dict[str, Any]:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True,
                                timeout=10, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
        return {"commit": commit, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def plan_cycle(config: CycleConfig, declared: dict[str, dict[str, NotebookParameter]], selected: list[Path], *,
               cycle: str, runs_dir: Path, staging: Path) -> dict[str, dict[str, Any]]:
    """Parameters for each selected notebook; every name and type problem raised at once.

    ``declared`` holds every suite notebook's declared parameters, by notebook name.
    """
    problems = []
    for name in config.notebooks:
        if name not in declared:
            problems.append(f"cycle config 'notebooks.{name}': no such notebook (available: {', '.join(declared)})")
    for name in config.parameters:
        if name in RUNNER_PARAMETERS:
            problems.append(f"cycle config 'parameters.{name}': set by the runner, remove it")
        elif not any(name in params for params in declared.values()):
            problems.append(f"cycle config 'parameters.{name}': no notebook declares this parameter "
                            f"(check the spelling)")
    plan: dict[str, dict[str, Any]] = {}
    for path in selected:
        params = {k: v for k, v in config.parameters.items() if k in declared[path.stem]}
        overrides = config.notebooks.get(path.stem, {})
        for reserved in RUNNER_PARAMETERS:
            if reserved in overrides:
                problems.append(f"cycle config 'notebooks.{path.stem}.{reserved}': set by the runner, remove it")
        params.update(overrides)
        problems.extend(check_parameters(path.stem, declared[path.stem], params))
        params["output_dir"] = str(staging / path.stem)
        if "cycle" in declared[path.stem]:
            params["cycle"] = cycle
        if "runs_dir" in declared[path.stem]:
            params["runs_dir"] = str(runs_dir)
        if "cycle_dir" in declared[path.stem]:
            params["cycle_dir"] = str(staging)
        plan[path.stem] = params
    if problems:
        raise ConfigError("The cycle cannot start:\n" + "\n".join(f"  - {p}" for p in problems))
    return plan


def _execute(path: str, params: dict[str, Any], cwd: str, timeout: int, banner: dict[str, Any]) -> dict[str, Any]:
    """Worker: run one notebook, then render its report. Returns a JSON-able record."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from ..report.html import render_html
    from ..report.index import format_value

    out_dir = Path(params["output_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = Path(path).stem
    executed = out_dir / f"{stem}.ipynb"
    started = time.perf_counter()
    record: dict[str, Any] = {"name": stem, "status": "ok", "error": None}
    try:
        pm.execute_notebook(path, str(executed), parameters=params, cwd=cwd, kernel_name="python3",
                            progress_bar=False, log_output=False, execution_timeout=timeout,
                            # the kernel's own log (e.g. "running over TCP without encryption" on
                            # loopback) is noise for a cycle's progress output
                            extra_arguments=["--IPKernelApp.log_level=40"])
    except PapermillExecutionError as exc:
        record["status"] = "failed"
        record["error"] = {"cell": exc.exec_count, "cell_index": exc.cell_index, "ename": exc.ename,
                           "evalue": str(exc.evalue).strip()}
    except Exception as exc:  # kernel died, timeout, unreadable notebook: still reported, not raised
        record["status"] = "failed"
        record["error"] = {"cell": None, "cell_index": None, "ename": type(exc).__name__,
                           "evalue": str(exc).strip()}
    record["seconds"] = round(time.perf_counter() - started, 2)
    summary_file = out_dir / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() and record["status"] == "ok" else {}
    record["summary"] = summary
    record["title"] = summary.get("title") or notebook_title(Path(path))
    if executed.exists():
        headline = [(k, format_value(v)) for k, v in summary.items() if k not in ("notebook", "tables", "title")
                    and isinstance(v, (int, float, str, bool)) and v is not None][:12]
        try:
            render_html(executed, out_dir / f"{stem}.html",
                        banner={**banner, "title": record["title"],
                                "status": record["status"], "headline": headline})
        except Exception as exc:  # a report that cannot render is a failure of that notebook
            record["status"] = "failed"
            record["error"] = record["error"] or {"cell": None, "cell_index": None,
                                                  "ename": type(exc).__name__, "evalue": f"HTML report: {exc}"}
    return record


def run_cycle(
    cycle: str,
    *,
    config_path: str | Path | None = None,
    only: list[str] | None = None,
    force: bool = False,
    root: Path | None = None,
    runs_dir: Path | None = None,
    progress: Callable[[str], None] = print,
    validate_inputs: bool = True,
) -> RunResult:
    """Run the suite for ``cycle``; return what ran. Raises before any kernel starts on bad setup."""
    from ..checks import validate_inputs as check_inputs

    validate_cycle_name(cycle)
    root = (root or project_root()).resolve()
    runs_dir = (runs_dir or root / "runs").resolve()
    config = load_cycle_config(config_path)
    notebooks = discover_notebooks(root / "notebooks")
    if not notebooks:
        raise ConfigError(f"No notebooks named NN_name.ipynb in {root / 'notebooks'}")
    selected = _select(notebooks, only)
    target = runs_dir / cycle
    if target.exists() and not force:
        raise ConfigError(f"Cycle '{cycle}' already exists at {target}; choose another name or pass --force "
                          "to replace it (the old folder is kept until the new one is complete).")
    staging = runs_dir / f".staging-{cycle}-{os.getpid()}"
    declared = {p.stem: notebook_parameters(p) for p in notebooks}
    plan = plan_cycle(config, declared, selected, cycle=cycle, runs_dir=runs_dir, staging=staging)
    effective = {
        path.stem: {**{n: p.default_value() for n, p in declared[path.stem].items()}, **plan[path.stem]}
        for path in selected
    }
    all_values: dict[str, Any] = {}
    for params in effective.values():
        all_values.update({k: v for k, v in params.items() if k not in RUNNER_PARAMETERS})
    inputs = _input_files(all_values, root)
    missing = [f"  - {name} = {path}" for name, path in inputs.items() if not path.exists()]
    if missing:
        raise ConfigError("Input files not found (paths are relative to the project folder):\n" + "\n".join(missing))
    if validate_inputs:
        check_inputs(all_values, root=root)
    hashes = _fingerprint(inputs, root)
    fingerprint = hashlib.sha256("".join(f"{k}={v}\n" for k, v in hashes.items()).encode()).hexdigest()[:16]

    depends = {p.stem: [d for d in _depends_on(p) if d in plan] for p in selected}
    executed_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    banner = {"cycle": cycle, "executed_at": executed_at, "fingerprint": fingerprint,
              "index_href": "../index.html"}
    runs_dir.mkdir(parents=True, exist_ok=True)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    records: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    try:
        records = _schedule(plan, depends, root, config, banner, progress)
        runs = [NotebookRun(name=n, status=r["status"], seconds=r.get("seconds", 0.0), error=r.get("error"),
                            summary=r.get("summary", {}), parameters=effective[n],
                            title=r.get("title") or n) for n, r in records.items()]
        manifest = {
            "cycle": cycle,
            "title": config.title or cycle,
            "description": config.description,
            "created_at": executed_at,
            "status": "ok" if all(r.status == "ok" for r in runs) else "failed",
            "wall_seconds": round(time.perf_counter() - started, 2),
            "config": {"path": str(config_path) if config_path else None,
                       "sha256": sha256_file(config_path) if config_path else None},
            "fingerprint": fingerprint,
            "inputs": hashes,
            "git": _git_commit(root),
            "versions": _versions(),
            "platform": {"system": platform.system(), "machine": platform.machine()},
            "notebooks": [
                {"name": r.name, "title": r.title, "status": r.status, "seconds": r.seconds, "error": r.error,
                 "parameters": {k: (v if k not in ("output_dir", "cycle_dir") else f"runs/{cycle}/" +
                                    (r.name if k == "output_dir" else ""))
                                for k, v in r.parameters.items()},
                 "summary": r.summary}
                for r in runs
            ],
        }
        # Paths inside the staging folder become their final names in the manifest.
        (staging / "manifest.json").write_text(to_json(manifest), encoding="utf-8")
        from ..report.index import write_cycle_index, write_runs_index

        write_cycle_index(staging, manifest)
        _move_into_place(staging, target)
        write_runs_index(runs_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return RunResult(cycle=cycle, path=target, notebooks=runs)


def _schedule(plan: dict[str, dict[str, Any]], depends: dict[str, list[str]], root: Path, config: CycleConfig,
              banner: dict[str, Any], progress: Callable[[str], None]) -> dict[str, dict[str, Any]]:
    """Run notebooks in parallel (bounded), each once all it depends on has finished."""
    pending = list(plan)
    total = len(pending)
    records: dict[str, dict[str, Any]] = {}
    running: dict[cf.Future, str] = {}
    workers = max(1, min(config.max_parallel, total))
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        while pending or running:
            for name in list(pending):
                deps = depends.get(name, [])
                failed = [d for d in deps if d in records and records[d]["status"] != "ok"]
                if failed:
                    pending.remove(name)
                    records[name] = {"name": name, "status": "skipped", "seconds": 0.0,
                                     "error": {"cell": None, "cell_index": None, "ename": "Skipped",
                                               "evalue": f"depends on {', '.join(failed)}, which did not succeed"}}
                    progress(f"[{len(records)}/{total}] {name}: skipped (depends on {', '.join(failed)})")
                elif all(d in records for d in deps) and len(running) < workers:
                    pending.remove(name)
                    progress(f"[start] {name}")
                    future = pool.submit(_execute, str(root / "notebooks" / f"{name}.ipynb"), plan[name],
                                         str(root), config.cell_timeout_seconds, banner)
                    running[future] = name
            if not running:
                continue
            done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in done:
                name = running.pop(future)
                try:
                    record = future.result()
                except Exception as exc:  # the worker process itself died
                    record = {"name": name, "status": "failed", "seconds": 0.0,
                              "error": {"cell": None, "cell_index": None, "ename": type(exc).__name__,
                                        "evalue": str(exc)}}
                records[name] = record
                if record["status"] == "ok":
                    progress(f"[{len(records)}/{total}] {name}: ok ({record['seconds']:.1f} s)")
                else:
                    err = record["error"] or {}
                    cell = f" in cell {err.get('cell')}" if err.get("cell") else ""
                    progress(f"[{len(records)}/{total}] {name}: FAILED{cell}: {err.get('ename')}: "
                             f"{_first_line(err.get('evalue', ''))}")
    return {name: records[name] for name in plan}


def _first_line(text: str) -> str:
    lines = [line for line in str(text).splitlines() if line.strip()]
    return lines[0] if lines else ""


def _move_into_place(staging: Path, target: Path) -> None:
    if target.exists():
        trash = target.with_name(f".old-{target.name}-{os.getpid()}")
        os.replace(target, trash)
        os.replace(staging, target)
        shutil.rmtree(trash, ignore_errors=True)
    else:
        os.replace(staging, target)
