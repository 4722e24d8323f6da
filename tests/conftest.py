"""Shared fixtures: a private copy of the data package that a test may break, and the one full
build of the site (both languages) that every test reading a built site shares.

Tiers: nbval's cells and every test that uses ``built_site`` are marked ``kernel``, every test
that uses the ``browser`` fixture ``browser`` (other tests that start a kernel are marked by
hand); ``make test-fast`` runs the rest with ``GUILIN_NO_KERNELS=1``, under which any kernel
start fails, so an unmarked test that needs one fails there instead of slowing the edit loop.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from guilin_analysis.paths import DATA_DIR

INDICATORS_CSV = "indicators/report-indicators.csv"


def no_kernel_env(folder: Path, base: dict | None = None) -> dict:
    """An environment in which any kernel start fails: "python3" is a kernel that exits at once."""
    spec = Path(folder) / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/bin/false", "{connection_file}"], "display_name": "no kernels", "language": "python"}))
    return dict(base if base is not None else os.environ, JUPYTER_PATH=str(Path(folder) / "jupyter"))


_TRAP: list[str] = []           # the no-kernel folder this process made (removed at the end)


def pytest_configure(config):
    if os.environ.get("GUILIN_NO_KERNELS") and not os.environ.get("GUILIN_NO_KERNELS_DIR"):
        folder = tempfile.mkdtemp(prefix="guilin-no-kernels-")
        os.environ.update(no_kernel_env(Path(folder), {}), GUILIN_NO_KERNELS_DIR=folder)
        _TRAP.append(folder)


def pytest_unconfigure(config):
    for folder in _TRAP:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(config, items):
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "built_site" in names or type(item).__name__ == "IPyNbCell":
            item.add_marker(pytest.mark.kernel)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ in a temporary folder; the repository's own data is never touched."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@dataclass(frozen=True)
class BuiltSite:
    """The shared full build: its output folder, exit code and what it printed."""

    out: Path
    returncode: int
    stderr: str


def _build_site(out: Path) -> BuiltSite:
    from guilin_analysis.paths import REPO_ROOT

    result = subprocess.run([sys.executable, "-m", "guilin_report.cli", "build", "--out", str(out)],
                            capture_output=True, text=True, cwd=REPO_ROOT, timeout=900)
    return BuiltSite(out, result.returncode, result.stderr)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """One real build of every notebook in both languages (``guilin-report build --out``),
    made once per test session and read (never changed) by every test that needs a built site.

    Under pytest-xdist each worker has its own session, so the first worker to get here builds
    under a file lock in the temporary folder the workers share, and the others wait for it and
    read the same folder (pytest-xdist's recipe for a session fixture that runs once)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return _build_site(tmp_path_factory.mktemp("built-site") / "reports")
    shared = tmp_path_factory.getbasetemp().parent
    record = shared / "built-site.json"
    with FileLock(str(shared / "built-site.lock")):
        if record.is_file():
            saved = json.loads(record.read_text(encoding="utf-8"))
            return BuiltSite(Path(saved["out"]), saved["returncode"], saved["stderr"])
        site = _build_site(shared / "built-site" / "reports")
        record.write_text(json.dumps({"out": str(site.out), "returncode": site.returncode,
                                      "stderr": site.stderr}), encoding="utf-8")
        return site


def rewrite(path, transform):
    """Apply ``transform`` to the text of ``path`` (UTF-8) and write it back."""
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


_ENCLOSED = re.compile(r'\([^()]*\)|（[^（）]*）|《[^》]*》|"[^"]*"|“[^”]*”|`[^`]*`')
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def bare_chinese(text: str) -> list[str]:
    """Chinese runs in English text that are not beside a translation, i.e. not enclosed in
    parentheses, 《》 (a cited title) or quotes."""
    previous = None
    while previous != text:
        previous, text = text, _ENCLOSED.sub("", text)
    return _CJK.findall(text)
