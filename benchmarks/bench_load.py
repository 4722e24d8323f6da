"""Loading and validating the data package: target under 50 ms after import.

Reported against a baseline measured in the same run: pandas.read_csv of the same indicator
file, with no validation at all. Run with `make bench` (or `python benchmarks/bench_load.py`).
"""
from __future__ import annotations

import statistics
import sys
import time

import pandas as pd

import guilin_analysis as ga
from guilin_analysis.paths import DATA_DIR

TARGET_MS = 50.0
REPEAT = 30


def best_ms(fn) -> float:
    fn()  # warm file caches
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    baseline = best_ms(lambda: pd.read_csv(DATA_DIR / "indicators" / "report-indicators.csv"))
    load = best_ms(ga.load_indicators)
    everything = best_ms(lambda: (ga.validate(), ga.load_indicators(),
                                  [ga.load_reference(n) for n in ("township-divisions", "counties",
                                                                  "reference-figures")]))
    print(f"pandas.read_csv, no checks (baseline): {baseline:6.2f} ms")
    print(f"load_indicators (validated):            {load:6.2f} ms  ratio {load / baseline:4.1f}x baseline")
    print(f"validate + load every table:            {everything:6.2f} ms  ratio {everything / baseline:4.1f}x baseline")
    ok = everything < TARGET_MS
    print(f"target: whole package under {TARGET_MS:.0f} ms after import: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
