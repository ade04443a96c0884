"""Every notebook: committed clean, thin, with a parameters cell papermill can read."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from workbench.suite import discover_notebooks, notebook_parameters

ROOT = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
SUITE = discover_notebooks(ROOT / "notebooks")


def ids(paths):
    return [str(p.relative_to(ROOT / "notebooks")) for p in paths]


def test_suite_is_numbered_and_starts_with_data_checks():
    assert SUITE and SUITE[0].name == "00_data_checks.ipynb"
    assert len({p.name[:2] for p in SUITE}) == len(SUITE), "two notebooks share a number"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_committed_without_outputs_and_with_python3_kernel(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "strip outputs before committing"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_thin_no_functions_or_classes(path):
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not defs, f"move {defs[0].name} into the workbench package"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ids(ALL_NOTEBOOKS))
def test_parameters_cell_is_first_typed_documented_and_readable_by_papermill(path):
    nb = nbformat.read(str(path), as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", []), "tag the first code cell 'parameters'"
    ours = notebook_parameters(path)
    theirs = pm.inspect_notebook(str(path))
    # papermill gives up on lines with a second '=' or a union type: --help-notebook would hide them
    assert list(theirs) == list(ours), "papermill cannot parse some parameter lines (no '=' or ';' in comments)"
    for name, param in ours.items():
        assert param.annotation, f"{name}: give the parameter a type"
        assert param.help, f"{name}: document the parameter in a trailing comment"


@pytest.mark.parametrize("path", SUITE, ids=ids(SUITE))
def test_suite_notebooks_declare_output_dir(path):
    assert "output_dir" in notebook_parameters(path)
