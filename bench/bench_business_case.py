"""Benchmark: the business case's Monte Carlo (grid of log HR) against exact evaluation of every draw.

A synthetic active base (segments x tenure months, as built from the customer table; the number of
accounts does not matter once they are grouped) with a three-phase roll-out over 36 months. For
each number of draws, the time of ``monthly_benefit`` on the grid path is compared with evaluating
every draw exactly (chunked, the same arithmetic) in the same run; the largest difference between
the two, relative to the largest value, is printed too. Usage:

    python bench/bench_business_case.py               # 10^3, 10^4, 10^5 draws
    python bench/bench_business_case.py 20000 200000  # other sizes
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

import workbench.business_case as bc
from workbench.business_case import model


def synthetic_scenario(segments: int = 4, max_tenure: int = 72, seed: int = 1) -> bc.Scenario:
    rng = np.random.default_rng(seed)
    horizons = [3, 6, 12, 24]
    rows = []
    for k in range(segments):
        lam, shape = 0.02 * (k + 1), 0.8
        rows += [{"segment_column": "plan", "segment": f"s{k}", "horizon": h,
                  "survival": float(np.exp(-(lam * h) ** shape))} for h in horizons]
    rows += [{"segment_column": "all", "segment": "all", "horizon": h, "survival": float(np.exp(-0.05 * h))}
             for h in horizons]
    cells = pd.DataFrame([{"segment": f"s{k}", "tenure_months": a, "accounts": float(rng.integers(1, 50)),
                           "arr": float(rng.integers(1, 50)) * 20_000.0}
                          for k in range(segments) for a in range(max_tenure + 1)])
    rollout = pd.DataFrame({"phase": ["pilot", "department", "company"], "start_month": [0, 6, 18],
                            "share": [0.1, 0.4, 1.0]})
    return bc.build_scenario(pd.DataFrame(rows), cells, rollout, segment_column="plan", horizon_months=36,
                             gross_margin=0.75, cs_hours_saved_per_month=60, cs_hourly_cost=55)


def best_of(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def exact(scenario: bc.Scenario, draws: np.ndarray) -> np.ndarray:
    step = model.GRID_POINTS  # at most GRID_POINTS draws per call: evaluated exactly
    return np.concatenate([bc.monthly_benefit(scenario, draws[i:i + step]) for i in range(0, draws.size, step)])


def main(sizes: list[int]) -> None:
    scenario = synthetic_scenario()
    effect = bc.make_effect(0.8, 0.55, 1.15)
    print(f"portfolio rows (segment x tenure): {len(scenario.portfolio)}; horizon {scenario.horizon_months} months")
    print(f"{'draws':>8} {'grid s':>9} {'exact s':>9} {'exact/grid':>11} {'max diff / scale':>17}")
    for n in sizes:
        draws = bc.sample_hazard_ratios(effect, n=n, seed=1)
        t_grid = best_of(lambda: bc.monthly_benefit(scenario, draws))
        t_exact = best_of(lambda: exact(scenario, draws), repeats=1 if n > 20_000 else 3)
        a, b = bc.monthly_benefit(scenario, draws), exact(scenario, draws)
        err = float(np.abs(a - b).max() / np.abs(b).max())
        print(f"{n:>8} {t_grid:>9.3f} {t_exact:>9.3f} {t_exact / t_grid:>11.1f} {err:>17.1e}")
    costs = pd.DataFrame({"vendor": ["A", "B"], "licence_per_year": [60_000.0, 30_000.0],
                          "implementation_one_off": [30_000.0, 10_000.0], "internal_effort_per_year": [15_000.0, 20_000.0]})
    t_case = best_of(lambda: bc.business_case(scenario, effect, costs, simulations=10_000, seed=1), repeats=2)
    print(f"business_case (2 vendors, 10,000 draws, break-even solved): {t_case:.2f} s")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
