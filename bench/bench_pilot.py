"""Pilot evaluation timings, as ratios to a baseline measured in the same run.

Run: python bench/bench_pilot.py
- loading + cross-table checks of the sample pilot vs reading the same CSVs with plain pandas;
- the whole evaluation (14 criteria, Cox, KM, RMST, Holm re-estimation) vs loading;
- the Hodges-Lehmann shift (all pairwise differences) vs scipy's Mann-Whitney test alone.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from workbench.pilot import evaluate_pilot, load_criteria, load_pilot
from workbench.pilot.metrics import hodges_lehmann

ROOT = Path(__file__).resolve().parents[1]


def best(fn, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    pilot = ROOT / "data" / "sample" / "pilot"
    criteria = load_criteria(ROOT / "templates" / "success_criteria.yaml")
    window = (criteria.model.window.start, criteria.model.window.end)
    plain = best(lambda: [pd.read_csv(p) for p in sorted(pilot.glob("*.csv"))])
    load = best(lambda: load_pilot(pilot, window=window))
    data = load_pilot(pilot, window=window)
    evaluate = best(lambda: evaluate_pilot(data, criteria))
    print(f"plain pandas read of the sample pilot: {plain:.3f} s")
    print(f"load_pilot (validation + cross-table checks): {load:.3f} s  ({load / plain:.1f}x plain read)")
    print(f"evaluate_pilot (14 criteria): {evaluate:.3f} s  ({evaluate / load:.2f}x load_pilot)")
    rng = np.random.default_rng(0)
    for n in (1000, 3000):
        x, y = rng.lognormal(1.6, 1, n), rng.lognormal(1.6, 1, n)
        mw = best(lambda: stats.mannwhitneyu(x, y, method="asymptotic"))
        hl = best(lambda: hodges_lehmann(x, y))
        print(f"Hodges-Lehmann at {n:,} per arm: {hl:.3f} s  ({hl / mw:.0f}x Mann-Whitney test alone)")


if __name__ == "__main__":
    main()
