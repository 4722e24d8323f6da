"""The command line, end to end, in temporary folders: builds, failures, bad input, no-op, locks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from guilin_analysis.paths import REPO_ROOT

CLI = [sys.executable, "-m", "guilin_analysis.cli"]


def run(*args, cwd=None, env=None, timeout=600):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or REPO_ROOT, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build of every notebook in both languages, shared by the read-only checks."""
    out = tmp_path_factory.mktemp("reports")
    result = run("build", "--out", out)
    return out, result


def test_build_publishes_every_page(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    notebooks = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for lang, html_lang in [("zh", "zh-CN"), ("en", "en")]:
        manifest = json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))
        assert sorted(manifest["notebooks"]) == notebooks
        for name in notebooks:
            entry = manifest["notebooks"][name]
            assert entry["status"] == "ok" and entry["parameters"]["lang"] == lang
            page = (out / lang / f"{name}.html").read_text(encoding="utf-8")
            assert f'<html lang="{html_lang}">' in page
            assert (out / lang / "notebooks" / f"{name}.ipynb").exists()
        index = (out / lang / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{html_lang}">' in index
    # non-terminal output: one plain line per notebook
    assert len([l for l in result.stderr.splitlines() if ": ok (" in l]) == 2 * len(notebooks)
