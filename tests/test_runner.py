"""The suite runner: success, failing notebook, bad parameters, existing and badly named cycles,
and bad input that must leave runs/ untouched."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from workbench.cli import main
from workbench.errors import ConfigError, InputError
from workbench.suite import run_cycle
from workbench.suite.params import notebook_parameters

OK_CELLS = [
    'output_dir: str = "out"  # where results go\nn: int = 3  # how many rows\nlabel: str = "x"  # a label\nitems: list = [1, 2]  # a list',
    "from workbench.io import Results\nimport pandas as pd\nresults = Results(output_dir, notebook='00_ok')",
    "frame = pd.DataFrame({'i': range(n)})\nresults.add_table('rows', frame)\nresults.add_summary(title='OK notebook', rows=n, label=label)\nframe",
    "results.save()",
]
FAIL_CELLS = [
    'output_dir: str = "out"  # where results go',
    "from workbench.errors import ConfigError\nfrom workbench.io import Results\nresults = Results(output_dir, notebook='01_fail')",
    "raise ConfigError('deliberate failure for the test')",
    "results.save()",
]


def make_notebook(path: Path, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture()
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    make_notebook(root / "notebooks" / "00_ok.ipynb", OK_CELLS)
    make_notebook(root / "notebooks" / "01_fail.ipynb", FAIL_CELLS)
    return root


def snapshot(folder: Path) -> dict[str, float]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_parameters_are_read_from_the_parameters_cell(project):
    params = notebook_parameters(project / "notebooks" / "00_ok.ipynb")
    assert list(params) == ["output_dir", "n", "label", "items"]
    assert params["n"].annotation == "int" and params["n"].default_value() == 3
    assert params["items"].help == "a list"


@pytest.mark.notebook
def test_successful_and_failing_notebooks(project, tmp_path):
    config = tmp_path / "cycle.yaml"
    config.write_text("title: Test cycle\nnotebooks:\n  00_ok:\n    n: 5\n    items: [3, 4]\n")
    lines = []
    result = run_cycle("c1", config_path=config, root=project, runs_dir=tmp_path / "runs",
                       progress=lines.append, validate_inputs=False)
    cycle = tmp_path / "runs" / "c1"
    assert result.path == cycle and not result.ok
    runs = {r.name: r for r in result.notebooks}
    assert runs["00_ok"].status == "ok" and runs["01_fail"].status == "failed"
    # the good notebook's outputs, report and summary
    ok_dir = cycle / "00_ok"
    assert (ok_dir / "00_ok.ipynb").exists() and (ok_dir / "00_ok.html").exists()
    assert (ok_dir / "rows.csv").read_text().count("\n") == 6  # header + n=5 rows from the config
    assert json.loads((ok_dir / "summary.json").read_text())["rows"] == 5
    html = (ok_dir / "00_ok.html").read_text()
    assert "OK notebook" in html and "results.add_table" not in html  # code hidden
    # the failure: kept notebook, error with cell, type and message in manifest, index and progress
    assert (cycle / "01_fail" / "01_fail.ipynb").exists()
    assert not (cycle / "01_fail" / "summary.json").exists()
    error = runs["01_fail"].error
    assert error["ename"] == "ConfigError" and "deliberate failure" in error["evalue"] and error["cell"] == 4  # execution count in the executed notebook (papermill injects a cell)
    manifest = json.loads((cycle / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert {n["name"]: n["status"] for n in manifest["notebooks"]} == {"00_ok": "ok", "01_fail": "failed"}
    assert manifest["notebooks"][0]["parameters"]["n"] == 5
    assert "pandas" in manifest["versions"] and "commit" in manifest["git"]
    index = (cycle / "index.html").read_text()
    assert "deliberate failure" in index and "00_ok/00_ok.html" in index and "rows.csv" in index
    assert any("01_fail: FAILED in cell 4: ConfigError" in line for line in lines)
    assert "c1/index.html" in (tmp_path / "runs" / "index.html").read_text()
    assert not [p for p in (tmp_path / "runs").iterdir() if p.name.startswith(".")]  # no staging left

    # an existing cycle is not overwritten without force ...
    before = snapshot(tmp_path / "runs")
    with pytest.raises(ConfigError, match="already exists.*--force"):
        run_cycle("c1", root=project, runs_dir=tmp_path / "runs", only=["00"], validate_inputs=False)
    assert snapshot(tmp_path / "runs") == before
    # ... and is replaced with it
    again = run_cycle("c1", root=project, runs_dir=tmp_path / "runs", only=["00_ok"], force=True,
                      progress=lambda _: None, validate_inputs=False)
    assert again.ok and not (cycle / "01_fail").exists()
    assert (cycle / "00_ok" / "rows.csv").read_text().count("\n") == 4  # default n=3


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden", "x..y", "a b"])
def test_bad_cycle_names(project, tmp_path, name):
    with pytest.raises(ConfigError, match="Invalid cycle name"):
        run_cycle(name, root=project, runs_dir=tmp_path / "runs", validate_inputs=False)
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("yaml_text,message", [
    ("notebooks:\n  00_ok:\n    nn: 5\n", r"00_ok: unknown parameter 'nn'"),
    ("notebooks:\n  00_ok:\n    n: five\n", r"'n' must be int, got str 'five'"),
    ("notebooks:\n  00_ok:\n    items: '[1, 2]'\n", r"'items' must be list"),
    ("parameters:\n  colour: red\n", r"parameters.colour': no notebook declares"),
    ("notebooks:\n  02_missing: {}\n", r"notebooks.02_missing': no such notebook"),
    ("parameters:\n  output_dir: x\n", r"set by the runner"),
])
def test_bad_parameters_stop_before_any_kernel(project, tmp_path, yaml_text, message):
    config = tmp_path / "cycle.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ConfigError, match=message):
        run_cycle("c2", config_path=config, root=project, runs_dir=tmp_path / "runs", validate_inputs=False)
    assert not (tmp_path / "runs").exists()


def test_unknown_config_key_is_located(project, tmp_path):
    config = tmp_path / "cycle.yaml"
    config.write_text("title: x\nmax_paralel: 3\n")
    with pytest.raises(InputError, match=r"cycle\.yaml, line 2 \(max_paralel\).*unknown keys are not allowed"):
        run_cycle("c3", config_path=config, root=project, runs_dir=tmp_path / "runs")


def test_unknown_only_filter(project, tmp_path):
    with pytest.raises(ConfigError, match="no notebook matches '07'.*available: 00_ok, 01_fail"):
        run_cycle("c4", root=project, runs_dir=tmp_path / "runs", only=["07"], validate_inputs=False)


BLANK_OTHER_INPUTS = "  pilot_dir: ''\n  criteria_path: ''\n  rubric_path: ''\n  vendor_evals_dir: ''\n"


def test_missing_input_file_leaves_runs_untouched(repo_root, tmp_path):
    runs = tmp_path / "runs"
    (runs / "old").mkdir(parents=True)
    (runs / "old" / "manifest.json").write_text("{}")
    before = snapshot(runs)
    config = tmp_path / "cycle.yaml"
    config.write_text(f"parameters:\n  customers_path: {tmp_path / 'absent.csv'}\n" + BLANK_OTHER_INPUTS)
    code = main(["run", "--cycle", "x", "--config", str(config), "--runs-dir", str(runs), "--only", "00"])
    assert code == 2
    assert snapshot(runs) == before


def test_bad_input_data_leaves_runs_untouched(repo_root, tmp_path, capsys):
    bad = tmp_path / "customers.csv"
    bad.write_text("customer_id,start_date,churn_date\nC1,2024-01-01,\nC1,2024-02-30,\n")
    runs = tmp_path / "runs"
    config = tmp_path / "cycle.yaml"
    config.write_text(f"parameters:\n  customers_path: {bad}\n" + BLANK_OTHER_INPUTS)
    code = main(["run", "--cycle", "x", "--config", str(config), "--runs-dir", str(runs), "--only", "00"])
    err = capsys.readouterr().err
    assert code == 2
    assert "row 3 field 'customer_id'" in err and "row 3 field 'start_date'" in err and "'2024-02-30'" in err
    assert not runs.exists()


def test_cli_rejects_bad_cycle_name(tmp_path, capsys):
    assert main(["run", "--cycle", "../x", "--runs-dir", str(tmp_path / "runs")]) == 2
    assert "Invalid cycle name" in capsys.readouterr().err


def test_cli_unwritable_output_is_a_clear_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["sample-data", "--seed", "1", "--out", str(blocker / "sample")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err and str(blocker) in err
