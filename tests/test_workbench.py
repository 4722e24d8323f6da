"""The researcher's workbench: make lab as root, the notebooks' scenario parameter, the API at
the prompt, and the README's recipes run as written (no kernel starts here)."""
from __future__ import annotations

import ast
import doctest
import os
import re
import rlcompleter
import shutil
import subprocess

import nbformat
import papermill
import pytest
from matplotlib.figure import Figure

import guilin_analysis as ga
from guilin_analysis.paths import DATA_DIR, NOTEBOOKS_DIR, REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
EXPLORE = README.split("## Explore and extend", 1)[1].split("\n## ", 1)[0]
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


# ---------------------------------------------------------------- make lab, make report

def _make_n(tmp_path, uid: str, *args: str) -> str:
    """``make -n`` in the repository with ``id -u`` answering ``uid``."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    (fake / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (fake / "id").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    env["PATH"] = f"{fake}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _lab_line(output: str) -> str:
    return next(line for line in output.splitlines() if "jupyter lab notebooks/" in line)


def test_make_lab_adds_allow_root_only_for_root(tmp_path):
    assert _lab_line(_make_n(tmp_path, "0", "lab")).split()[-1] == "--allow-root"
    assert "--allow-root" not in _lab_line(_make_n(tmp_path, "1000", "lab"))


def test_make_lab_passes_lab_args_on(tmp_path):
    line = _lab_line(_make_n(tmp_path, "1000", "lab", "LAB_ARGS=--no-browser --ip 0.0.0.0 --port 8899"))
    assert line.endswith("--no-browser --ip 0.0.0.0 --port 8899")
    assert _lab_line(_make_n(tmp_path, "0", "lab", "LAB_ARGS=--port 8899")).endswith("--allow-root --port 8899")


def test_make_report_ends_by_saying_where_the_site_is(tmp_path):
    last = _make_n(tmp_path, "1000", "report").strip().splitlines()[-1]
    assert "reports/zh/index.html" in last and "reports/en/index.html" in last


# ---------------------------------------------------------------- the API at the prompt

def test_dir_and_tab_completion_list_the_whole_public_api():
    names = dir(ga)
    assert set(ga.__all__) <= set(names)
    for name in ("Facts", "search", "audit", "derived_metrics", "key_figures", "UnknownIdError", "charts",
                 "tables", "style", "say", "finding", "pick", "__version__"):
        assert name in names, name
    for name in ga.__all__:
        assert getattr(ga, name) is not None, name
    complete = rlcompleter.Completer({"ga": ga}).complete
    found = [complete("ga.sea", n) for n in range(3)]
    assert "ga.search(" in found


def test_an_unknown_attribute_is_still_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'serch'"):
        ga.serch


# ---------------------------------------------------------------- notebooks carry a scenario

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_takes_overrides_and_passes_them_to_facts(path):
    assert papermill.inspect_notebook(str(path))["overrides"]["default"] == "{}"
    calls = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Facts":
                calls.append([a.id for a in node.args if isinstance(a, ast.Name)])
    assert calls and all(args == ["data_dir", "overrides"] for args in calls), calls


# ---------------------------------------------------------------- the README's recipes, run

def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", EXPLORE, flags=re.S)


def test_the_readme_prompt_examples_give_what_they_show():
    blocks = _blocks("pycon")
    assert len(blocks) == 2
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # one session, as a reader runs them one after the other
    runner.run(parser.get_doctest("\n".join(blocks), {}, "README pycon blocks", "README.md", 0))
    result = runner.summarize(verbose=False)
    assert result.attempted >= 15 and result.failed == 0


def test_the_readme_chart_recipe_draws_in_the_project_style(tmp_path, monkeypatch):
    (block,) = [b for b in _blocks("python") if "chart_style" in b]
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block, "README chart recipe", "exec"), scope)
    assert isinstance(scope["bars"].figure, Figure) and isinstance(scope["line"], Figure)
    assert (tmp_path / "beds.svg").stat().st_size > 1000
    assert [t.get_text() for t in scope["bars"].figure.axes[0].texts] == ["32,715 beds", "13,372 beds", "8,913 beds"]


@pytest.fixture
def my_data(tmp_path, monkeypatch):
    """A copy of the data named as the README names it, ``my-data``, in the working folder."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(DATA_DIR, tmp_path / "my-data")
    return tmp_path / "my-data"


def _append(path, row: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + row + "\n", encoding="utf-8")


def test_the_readme_metric_recipe_adds_a_metric(my_data):
    (row,) = _blocks("csv")[:1]
    _append(my_data / "metrics" / "metric-definitions.csv", row.strip())
    assert ga.validate("my-data") == []
    value = ga.Facts("my-data").metric("eldercare.nursing_beds_per_1000_residents")
    assert value == pytest.approx(8913 / 4931137 * 1000)
    assert f"gives {value:.2f}," in " ".join(EXPLORE.split())


def _prose() -> str:
    return " ".join(EXPLORE.split())


def test_the_readme_metric_recipe_errors_are_the_real_ones(my_data):
    row = _blocks("csv")[0].strip()
    definitions = my_data / "metrics" / "metric-definitions.csv"
    original = definitions.read_text(encoding="utf-8")
    _append(definitions, row.replace(",张/千人,", ",个/千人,"))
    problem, *others = ga.validate("my-data")
    assert all("x-unit-labels" in str(p) for p in others)         # and the unit has no label either
    shown = re.search(r"`(my-data/metrics/[^`]*)`", _prose()).group(1)
    assert shown.endswith("…)") and str(problem).startswith(shown.removesuffix("…)"))
    definitions.write_text(original, encoding="utf-8")
    _append(definitions, row.replace("eldercare.beds.nursing /", "eldercare.beds.nursin /"))
    with pytest.raises(KeyError) as caught:
        ga.derived_metrics("my-data")
    head, tail = re.search(r"`(formula 'eldercare.beds.nursin / )…(' uses [^`]*)`", _prose()).groups()
    assert head in caught.value.args[0] and caught.value.args[0].endswith(tail)
    assert caught.value.args[0].startswith("metrics/metric-definitions.csv, line ")   # where, too


ROW = ("eldercare.beds.institutional,eldercare,养老机构床位数,Beds in eldercare institutions,13372,张,,2022,stock,"
       "exact,养老机构床位数13372张,,")          # 13 columns: ..., quote, note, note_zh
MISTAKES = [lambda r: r.replace(",养老机构床位数13372张,", ",养老机构床位13372张,"),
            lambda r: r.replace(",13372,", ",13327,"),
            lambda r: r.replace(",13372,", ',"13,372",'),
            lambda r: r.replace(",张,", ",床,"),
            lambda r: r.replace(",exact,", ",about,"),
            lambda r: r.replace(",stock,", ",at_report,"),
            lambda r: r.replace(",养老机构床位数13372张,,", ",养老机构床位数13372张,A note in English only.,"),
            lambda r: f"{r}\n{r.replace('养老机构床位数,', '养老机构床位数（新）,')}"]


def test_the_readme_indicator_recipe_shows_a_real_row_and_the_real_errors(my_data):
    assert ROW in _blocks("csv")[1] and ROW in (DATA_DIR / "indicators" / "report-indicators.csv").read_text("utf-8")
    csv = my_data / "indicators" / "report-indicators.csv"
    original = csv.read_text(encoding="utf-8")
    printed = []
    for mistake in MISTAKES:
        csv.write_text(original.replace(ROW, mistake(ROW)), encoding="utf-8")
        problems = ga.validate("my-data")
        assert problems, mistake
        printed += [str(p) for p in problems]
    shown = re.findall(r"`(my-data/indicators/[^`]*)`", EXPLORE)
    assert shown == printed
