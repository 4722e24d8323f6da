"""Report build speed, three ways, measured in one run on the same machine.

(a) naive: for each notebook and language, the `papermill` command, then
    `jupyter nbconvert --to html`, one after another;
(b) `guilin-report build --force` with default jobs (the number of cores);
(c) `guilin-report build` again with nothing changed.
Targets on a 2-core machine: (b) at least 3 times faster than (a); (c) under 0.5 seconds.
Run with `make bench` (or `python benchmarks/bench_build.py`); it prints the ratios.
"""
from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from guilin_analysis.paths import NOTEBOOKS_DIR, REPO_ROOT

BIN = Path(sys.executable).parent
LANGS = ("zh", "en")


def timed(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, cwd=REPO_ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    notebooks = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        naive_dir = Path(tmp, "naive")
        naive_dir.mkdir()
        naive = []
        for lang in LANGS:
            for nb in notebooks:
                executed = naive_dir / f"{nb.stem}-{lang}.ipynb"
                naive.append([str(BIN / "papermill"), str(nb), str(executed), "-p", "lang", lang,
                              "--cwd", str(NOTEBOOKS_DIR)])
                naive.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
        out = Path(tmp, "reports")
        build = [str(BIN / "guilin-report"), "build", "--out", str(out), "--quiet"]
        a = timed(naive)
        b = timed([[*build, "--force"]])
        c = timed([build])
    runs = len(notebooks) * len(LANGS)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"(a) naive papermill + nbconvert, {runs} notebook runs: {a:6.1f} s")
    print(f"(b) guilin-report build --force:                 {b:6.1f} s   (a)/(b) = {a / b:.1f}x (target >= 3x)")
    print(f"(c) rebuild with nothing changed:                {c:6.2f} s  (target < 0.5 s)")
    ok = a / b >= 3 and c < 0.5
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
