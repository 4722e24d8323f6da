"""Report build speed, four ways, measured in one run on the same machine.

(a) naive: for each notebook and language, the `papermill` command, then
    `jupyter nbconvert --to html`, one after another;
(b) `guilin-report build --force` with default jobs (the number of cores);
(c) `guilin-report build` again with nothing changed;
(d) `guilin-report build` after an edit of the site's CSS and of a template (a copy of the
    builder's templates with one rule and one line added): every page is rendered again from
    the executed notebooks, and no kernel starts (it runs where any kernel start fails).
Targets on a 2-core machine: (b) at least 3 times faster than (a); (c) under 0.5 seconds;
(d) no kernel, and at most a quarter of (b).
Run with `make bench` (or `python benchmarks/bench_build.py`); it prints the ratios.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from guilin_report.paths import NOTEBOOKS_DIR, REPO_ROOT, TEMPLATES

BIN = Path(sys.executable).parent
LANGS = ("zh", "en")


def timed(commands: list[list[str]], env=None) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, cwd=REPO_ROOT, capture_output=True, env=env)
    return time.perf_counter() - start


def no_kernel_env(folder: Path) -> dict:
    """An environment in which any kernel start fails: "python3" is a kernel that exits at once."""
    spec = folder / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/bin/false", "{connection_file}"], "display_name": "no kernels", "language": "python"}))
    return dict(os.environ, JUPYTER_PATH=str(folder / "jupyter"))


def edited_templates(folder: Path) -> Path:
    """A copy of the builder's templates with a CSS rule and a footer line added."""
    copy = folder / "templates"
    shutil.copytree(TEMPLATES, copy)
    css = copy / "site" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.bench-edit{color:#123456}\n", encoding="utf-8")
    footer = copy / "site" / "_footer.html.j2"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>", "<p>bench</p></footer>"),
                      encoding="utf-8")
    return copy


def run_keys(out: Path) -> dict:
    return {lang: {name: entry.get("run_key") for name, entry in
                   json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))["notebooks"].items()}
            for lang in LANGS}


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
        keys = run_keys(out)
        templates = edited_templates(Path(tmp))
        elsewhere = (f"import sys, pathlib, guilin_report.paths as paths\n"
                     f"paths.TEMPLATES = pathlib.Path({str(templates)!r})\n"
                     f"from guilin_report.cli import main\nsys.exit(main(sys.argv[1:]))\n")
        d = timed([[sys.executable, "-c", elsewhere, *build[1:]]], env=no_kernel_env(Path(tmp)))
        rendered = all(".bench-edit{color:#123456}" in (out / lang / f"{nb.stem}.html").read_text(encoding="utf-8")
                       for lang in LANGS for nb in notebooks)
        unchanged = run_keys(out) == keys
    runs = len(notebooks) * len(LANGS)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"(a) naive papermill + nbconvert, {runs} notebook runs: {a:6.1f} s")
    print(f"(b) guilin-report build --force:                 {b:6.1f} s   (a)/(b) = {a / b:.1f}x (target >= 3x)")
    print(f"(c) rebuild with nothing changed:                {c:6.2f} s  (target < 0.5 s)")
    print(f"(d) CSS and template edited, pages re-rendered:  {d:6.1f} s   (b)/(d) = {b / d:.1f}x (target >= 4x), "
          f"no kernel: {'yes' if rendered and unchanged else 'NO'}")
    ok = a / b >= 3 and c < 0.5 and b / d >= 4 and rendered and unchanged
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
