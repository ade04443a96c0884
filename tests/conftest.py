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
