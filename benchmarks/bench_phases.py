"""Where the CPU of a full build goes, and the build against the naive loop, in one run.

Measured, each as a whole process (wall seconds, and CPU seconds of the process and every
descendant it waited for, from the operating system's own accounting):

* the naive loop: for each notebook, ``papermill`` then ``jupyter nbconvert --to html``, one
  after another, for one language and for both;
* ``guilin-report build --force`` for one language and for both, with warm kernels (the
  default) and with cold ones (``GUILIN_REPORT_COLD_KERNELS=1``, how every build ran before);
* rebuilding after one notebook changed (one language);
* the rebuild with nothing changed.

Then, per notebook of the warm two-language build, where its time went (the manifest's
``timings``, written by the builder): kernel start, first code cell (imports and data
loading), the other cells, the page export, and the CPU of the kernel, of the worker driving
it and of the export; and the project's own pages (source, data, downloads).

Targets (issue 17): the full build at least 5x the naive loop (both languages and one); CPU per
notebook at most half of the cold build's; one changed notebook rebuilt in at most twice its own
cell time plus one page render; the no-op rebuild under 0.5 s. Run with ``make bench``.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
BIN = Path(sys.executable).parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(commands: list[list[str]], env: dict | None = None, cwd: Path = REPO) -> tuple[float, float]:
    """``(wall, cpu)`` seconds of running ``commands`` one after another."""
    wall, cpu = time.perf_counter(), _children_cpu()
    for command in commands:
        subprocess.run(command, check=True, cwd=cwd, capture_output=True, env=env)
    return time.perf_counter() - wall, _children_cpu() - cpu


def naive(notebooks: list[Path], langs: tuple[str, ...], folder: Path) -> list[list[str]]:
    commands = []
    for lang in langs:
        for nb in notebooks:
            executed = folder / f"{nb.stem}-{lang}.ipynb"
            commands.append([str(BIN / "papermill"), str(nb), str(executed), "-p", "lang", lang,
                             "--cwd", str(nb.parent)])
            commands.append([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)])
    return commands


def main() -> int:
    notebooks = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    cold = {**os.environ, "GUILIN_REPORT_COLD_KERNELS": "1"}
    rows, ok = [], True
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "naive").mkdir()
        out = tmp / "reports"
        build = [str(BIN / "guilin-report"), "build", "--quiet", "--out"]
        runs = {
            "naive, one language (en)": measure(naive(notebooks, ("en",), tmp / "naive")),
            "naive, both languages": measure(naive(notebooks, ("zh", "en"), tmp / "naive")),
            "build --force, en, cold kernels": measure([[*build, str(tmp / "c1"), "--lang", "en", "--force"]], cold),
            "build --force, en, warm kernels": measure([[*build, str(tmp / "w1"), "--lang", "en", "--force"]]),
            "build --force, both, cold kernels": measure([[*build, str(tmp / "c2"), "--force"]], cold),
            "build --force, both, warm kernels": measure([[*build, str(out), "--force"]]),
        }
        runs["rebuild, nothing changed"] = measure([[*build, str(out)]])
        # one notebook changed (a code cell, so that it must run again), one language
        copy = tmp / "notebooks"
        shutil.copytree(NOTEBOOKS, copy)
        one_out = tmp / "one"
        one = [*build, str(one_out), "--lang", "en", "--notebooks-dir", str(copy)]
        subprocess.run(one, check=True, cwd=REPO, capture_output=True)          # the site before the change
        changed = copy / "03_volunteering.ipynb"
        nb = json.loads(changed.read_text(encoding="utf-8"))
        cell = next(c for c in nb["cells"] if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", []))
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cell["source"] = "# changed for the benchmark\n" + source
        changed.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        runs["rebuild, one notebook changed (en)"] = measure([one])
        manifest = json.loads((one_out / "en" / "manifest.json").read_text(encoding="utf-8"))
        own = manifest["notebooks"]["03_volunteering"].get("timings", {})
        phases = {lang: json.loads((out / lang / "manifest.json").read_text(encoding="utf-8")) for lang in ("zh", "en")}
        cold_manifests = {lang: json.loads((tmp / "c2" / lang / "manifest.json").read_text(encoding="utf-8"))
                          for lang in ("zh", "en")}

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    print(f"\n| run | wall s | CPU s |\n|---|---:|---:|")
    for name, (wall, cpu) in runs.items():
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")

    def ratio(a: str, b: str) -> float:
        return runs[a][0] / runs[b][0]

    targets = [
        ("full build vs naive loop, both languages", ratio("naive, both languages", "build --force, both, warm kernels"), 5.0, ">="),
        ("full build vs naive loop, one language", ratio("naive, one language (en)", "build --force, en, warm kernels"), 5.0, ">="),
        ("CPU per notebook, warm / cold (both languages)",
         runs["build --force, both, warm kernels"][1] / runs["build --force, both, cold kernels"][1], 0.5, "<="),
    ]
    own_cells = own.get("first_cell_s", 0) + own.get("other_cells_s", 0)
    limit = 2 * own_cells + own.get("render_s", 0)
    targets.append((f"one changed notebook: {runs['rebuild, one notebook changed (en)'][0]:.2f} s against "
                    f"2 x {own_cells:.2f} s of cells + {own.get('render_s', 0):.2f} s render = {limit:.2f} s",
                    runs["rebuild, one notebook changed (en)"][0] / limit if limit else float("inf"), 1.0, "<="))
    targets.append(("no-op rebuild, seconds", runs["rebuild, nothing changed"][0], 0.5, "<"))
    print("\n| target | measured | goal | met |\n|---|---:|---:|---|")
    for name, value, goal, op in targets:
        met = {">=": value >= goal, "<=": value <= goal, "<": value < goal}[op]
        ok &= met
        print(f"| {name} | {value:.2f} | {op} {goal} | {'yes' if met else 'NO'} |")

    keys = ["kernel_start_s", "first_cell_s", "other_cells_s", "render_s", "kernel_cpu_s", "client_cpu_s", "render_cpu_s"]
    print("\nWhere the time of the warm two-language build went, per notebook (seconds; cold build's kernel CPU beside):")
    print("| notebook | lang | kernel start | first cell (imports, data) | other cells | page export | "
          "kernel CPU | worker CPU | export CPU | cold kernel CPU |")
    print("|---|---|" + "---:|" * 8)
    totals = dict.fromkeys(keys + ["cold"], 0.0)
    for lang, manifest in phases.items():
        for name, entry in manifest["notebooks"].items():
            t = entry.get("timings", {})
            c = cold_manifests[lang]["notebooks"].get(name, {}).get("timings", {})
            for k in keys:
                totals[k] += t.get(k, 0)
            totals["cold"] += c.get("kernel_cpu_s", 0)
            print(f"| {name} | {lang} | " + " | ".join(f"{t.get(k, 0):.2f}" for k in keys)
                  + f" | {c.get('kernel_cpu_s', 0):.2f} |")
    print("| total | | " + " | ".join(f"{totals[k]:.2f}" for k in keys) + f" | {totals['cold']:.2f} |")
    for lang, manifest in phases.items():
        site = manifest.get("site", {}).get("timings", {})
        if site:
            print(f"project pages ({lang}: source, data, downloads): {site.get('wall_s', 0):.2f} s wall, "
                  f"{site.get('cpu_s', 0):.2f} s CPU")
    print("\ntargets met" if ok else "\ntargets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
