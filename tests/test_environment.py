"""The set-up is one list of dependencies, and the README's commands exist."""
from __future__ import annotations

import re
import subprocess
import tomllib

from guilin_analysis.paths import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _conda_pip_list() -> list[str]:
    lines = (REPO_ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("  - pip:")
    return [line.strip()[2:] for line in lines[start + 1:] if line.startswith("      - ")]


def test_environment_yml_installs_the_same_dependencies_as_pyproject():
    conda = [d for d in _conda_pip_list() if d != "-e ."]
    assert conda == PYPROJECT["project"]["dependencies"]
    assert "-e ." in _conda_pip_list()


def test_users_requested_tools_are_dependencies():
    names = {re.split(r"[<>=!~ ]", d)[0] for d in PYPROJECT["project"]["dependencies"]}
    assert {"jupyterlab", "pandas", "matplotlib", "seaborn", "nbval", "papermill"} <= names


def _make_targets() -> set[str]:
    out = subprocess.run(["make", "-qp"], cwd=REPO_ROOT, capture_output=True, text=True).stdout
    return {m.group(1) for m in re.finditer(r"^([a-z][a-z-]*):", out, re.M)}


def test_readme_commands_are_make_targets():
    commands = set(re.findall(r"^\s*make ([a-z-]+)", README, re.M))
    assert {"report", "test"} <= commands
    assert commands <= _make_targets(), commands - _make_targets()
    assert {"install", "lab", "notebooks"} <= _make_targets()


def test_ci_runs_the_readme_test_command():
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
