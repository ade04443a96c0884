"""Bundled sample data with known ground truth, regenerated bit-identically from a seed.

``write_sample(out_dir, seed)`` writes the customer table (``customers.csv``) and the pilot
tables (``pilot/*.csv``). The hazard model behind the customers and the true effects behind
the pilot are documented in :mod:`workbench.sample.customers` and :mod:`workbench.pilot.sample`.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_SEED = 20261204


def _write_csv(frame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Fixed formatting so that the same seed gives byte-identical files.
    frame.to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d", float_format="%.6g")


def write_sample(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Generate every sample table from ``seed`` and write it under ``out_dir``; return the files."""
    from ..pilot.sample import generate_pilot
    from .customers import generate_customers

    out_dir = Path(out_dir)
    written = []
    customers = generate_customers(seed=seed)
    _write_csv(customers, out_dir / "customers.csv")
    written.append(out_dir / "customers.csv")
    for name, frame in generate_pilot(seed=seed).items():
        path = out_dir / "pilot" / f"{name}.csv"
        _write_csv(frame, path)
        written.append(path)
    return written
