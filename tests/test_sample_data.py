"""The bundled sample data is exactly what its seed generates, and the data dictionary is current."""

from __future__ import annotations

import pytest

from workbench.cli import main
from workbench.datadict import data_dictionary
from workbench.sample import DEFAULT_SEED, write_sample


def test_sample_data_regenerates_bit_identically(sample_dir, tmp_path):
    written = write_sample(tmp_path, seed=DEFAULT_SEED)
    assert written, "no sample files were generated"
    for path in written:
        committed = sample_dir / path.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is not committed: run make sample-data"
        assert path.read_bytes() == committed.read_bytes(), f"{committed} differs from seed {DEFAULT_SEED}"
    committed_files = {p.relative_to(sample_dir) for p in sample_dir.rglob("*.csv")}
    assert committed_files == {p.relative_to(tmp_path) for p in written}, "stale files in data/sample"


def test_another_seed_gives_other_data(tmp_path):
    a = write_sample(tmp_path / "a", seed=1)
    b = write_sample(tmp_path / "b", seed=2)
    assert a[0].read_bytes() != b[0].read_bytes()


def test_cli_sample_data(tmp_path, capsys):
    assert main(["sample-data", "--seed", "7", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "customers.csv").exists()
    assert "customers.csv" in capsys.readouterr().out


def test_data_dictionary_is_current(repo_root):
    committed = (repo_root / "data" / "README.md").read_text(encoding="utf-8")
    assert committed == data_dictionary(), "data/README.md is stale: run make data-dictionary"


@pytest.mark.parametrize("table", ["customers"])
def test_data_dictionary_documents_every_column(table):
    from workbench.schemas import CUSTOMERS

    text = data_dictionary()
    for column in CUSTOMERS.names:
        assert f"`{column}`" in text
