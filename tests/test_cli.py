"""The command line, end to end, in temporary folders: builds, failures, bad input, no-op, locks."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time

import nbformat
import pytest

from guilin_analysis.paths import DATA_DIR, REPO_ROOT

from build_helpers import CLI, notebook, run, snapshot
from conftest import INDICATORS_CSV, bare_chinese

NOTEBOOKS = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# ---------------------------------------------------------------- the real notebooks

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One real build of every notebook in both languages, shared by the read-only checks."""
    out = tmp_path_factory.mktemp("reports")
    return out, run("build", "--out", out)


def test_build_publishes_every_page(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    for lang, html_lang in [("zh", "zh-CN"), ("en", "en")]:
        manifest = json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))
        assert sorted(manifest["notebooks"]) == NOTEBOOKS
        assert manifest["data_hash"] and manifest["versions"]["papermill"]
        for name in NOTEBOOKS:
            entry = manifest["notebooks"][name]
            assert entry["status"] == "ok" and entry["parameters"]["lang"] == lang
            assert entry["duration_s"] > 0 and len(entry["input_hash"]) == 64
            page = (out / lang / f"{name}.html").read_text(encoding="utf-8")
            assert f'<html lang="{html_lang}">' in page and '<a href="index.html">' in page
            assert (out / lang / "notebooks" / f"{name}.ipynb").exists()
            assert (out / lang / "logs" / f"{name}.log").exists()
            assert list((out / lang / "figures").glob(f"{name}-*.png"))
        index = (out / lang / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{html_lang}">' in index
        assert all(f'href="{name}.html"' in index for name in NOTEBOOKS)
    # not a terminal: one plain line per notebook
    assert len([l for l in result.stderr.splitlines() if ": ok (" in l]) == 2 * len(NOTEBOOKS)


def test_pages_are_self_contained(built):
    out, _ = built
    for page in out.glob("*/*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", text), page
        assert not re.search(r"""<link[^>]+href=["']https?:""", text), page
        assert not re.search(r"""src=["']https?:""", text), page
        assert not re.search(r"@import\s+url\(\s*['\"]?https?:", text), page


def test_code_is_hidden_by_default(built):
    out, _ = built
    page = (out / "en" / "01_eldercare.html").read_text(encoding="utf-8")
    assert 'hl-ipython3' not in page and "data:image/png;base64" in page     # no code input shown


def test_pages_carry_one_language_and_their_key_findings(built):
    """Each page drops the other language's Markdown cells and sets its key findings, collected
    from the notebook's own outputs, under the title; the index lists them too."""
    out, _ = built
    zh = (out / "zh" / "01_eldercare.html").read_text(encoding="utf-8")
    en = (out / "en" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "主要发现" in zh and "Key findings" in en
    assert "Method and caveats" not in zh and "方法与注意" not in en
    assert zh.index("主要发现") < zh.index("护理型床位占比是否达到国家指标？<a")     # under the title, before the sections
    manifest = json.loads((out / "en" / "manifest.json").read_text(encoding="utf-8"))
    finding = manifest["notebooks"]["01_eldercare"]["findings"][0]
    assert finding.startswith("Nursing-type beds numbered 8,913")
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert "Nursing-type beds numbered 8,913" in index


def test_english_pages_are_english(built):
    out, _ = built
    for path in (out / "en" / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                assert output.get("name") != "stderr", (path.name, output)
                text = output.get("data", {}).get("text/markdown") or output.get("data", {}).get("text/plain", "")
                assert not bare_chinese(text), (path.name, bare_chinese(text))


def _no_kernel_env(tmp_path) -> dict:
    """An environment in which any kernel start fails: "python3" is a kernel that exits at once."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": ["/bin/false", "{connection_file}"], "display_name": "no kernels", "language": "python"}))
    return dict(os.environ, JUPYTER_PATH=str(tmp_path / "jupyter"))


def test_no_op_rebuild_starts_no_kernel(built, tmp_path):
    out, _ = built
    before = snapshot(out)
    env = _no_kernel_env(tmp_path)
    result = run("build", "--out", out, env=env)
    assert result.returncode == 0, result.stderr
    assert "nothing changed" in result.stderr
    assert snapshot(out) == before
    # the trap is real: a build that does need a kernel fails in this environment
    trapped = run("build", "--out", tmp_path / "trapped", "--only", "overview", "--lang", "en",
                  "--timeout", "30", env=env)
    assert trapped.returncode == 1 and "00_overview: failed" in trapped.stderr


def test_invalid_data_changes_nothing(built, tmp_path):
    out, _ = built
    before = snapshot(out)
    bad = tmp_path / "data"
    shutil.copytree(DATA_DIR, bad)
    path = bad / INDICATORS_CSV
    path.write_text(path.read_text(encoding="utf-8").replace(",32715,张,", ",32715,床,", 1), encoding="utf-8")
    result = run("build", "--out", out, "--data-dir", bad)
    assert result.returncode == 1
    assert "report-indicators.csv, line" in result.stderr and "column unit" in result.stderr
    assert snapshot(out) == before


def test_data_dir_copy_is_used(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for rel, old, new in [(INDICATORS_CSV, ",32715,张,", ",33715,张,"), (INDICATORS_CSV, "达到32715张", "达到33715张"),
                          ("source/guilin-civil-affairs-report.zh.txt", "达到32715张", "达到33715张")]:
        path = data / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--out", out, "--data-dir", data, "--only", "eldercare", "--with-code")
    assert result.returncode == 0, result.stderr
    page = (out / "en" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "33,715 beds" in page and "32,715 beds" not in page
    zh = (out / "zh" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "33715张" in zh and "32715张" not in zh      # Chinese prints no thousands separator
    assert 'hl-ipython3' in page and ">charts<" in page     # --with-code shows the code
    manifest = json.loads((out / "en" / "manifest.json").read_text(encoding="utf-8"))
    # the data folder is named, not located: no absolute path of the building machine
    assert manifest["notebooks"]["01_eldercare"]["parameters"]["data_dir"] == "data"
    assert manifest["data"] == "data" and len(manifest["data_hash"]) == 64
    for published in ("manifest.json", "index.html"):
        assert str(tmp_path) not in (out / "en" / published).read_text(encoding="utf-8")


# ---------------------------------------------------------------- small notebooks for failure cases

@pytest.fixture
def small(tmp_path):
    """A folder with two quick notebooks; 02_flaky raises when run with -p fail true."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    notebook(folder / "01_steady.ipynb", "repeat = 1", 'print("steady", lang, repeat)')
    notebook(folder / "02_flaky.ipynb", "fail = False", 'if fail:\n    raise RuntimeError("made to fail")\nprint("flaky", lang)')
    return folder, tmp_path / "out"


def test_a_failing_notebook_keeps_its_last_good_page(small):
    folder, out = small
    first = run("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert first.returncode == 0, first.stderr
    good_page = (out / "en" / "02_flaky.html").read_bytes()

    second = run("build", "--out", out, "--notebooks-dir", folder, "--lang", "en", "--force", "-p", "fail", "true")
    assert second.returncode == 1
    assert "[en] 02_flaky: failed" in second.stderr and "made to fail" in second.stderr
    assert "[en] 01_steady: ok" in second.stderr           # the other notebook still ran
    assert (out / "en" / "02_flaky.html").read_bytes() == good_page
    manifest = json.loads((out / "en" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks"]["02_flaky"]["status"] == "failed"
    assert manifest["notebooks"]["02_flaky"]["page"] == "02_flaky.html"
    assert manifest["notebooks"]["01_steady"]["status"] == "ok"
    log = nbformat.read(out / "en" / "notebooks" / "02_flaky.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) or "An Exception was encountered" in c.source
               for c in log.cells)
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert 'class="failed"' in index and "notebooks/02_flaky.ipynb" in index

    # the failure is not remembered as up to date: the next run without the fault repairs it
    third = run("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert third.returncode == 0, third.stderr
    assert "[en] 02_flaky: ok" in third.stderr and "01_steady" not in third.stderr


@pytest.mark.parametrize("args,message", [
    (["-p", "colour", "red"], "unknown parameter 'colour'"),
    (["-p", "repeat", "many"], "is not a valid int"),
    (["-p", "fail", "perhaps"], "is not a valid bool"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["--only", "nope"], "unknown notebook 'nope'"),
])
def test_usage_errors_exit_2_before_any_kernel(small, args, message):
    folder, out = small
    result = run("build", "--out", out, "--notebooks-dir", folder, *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_two_concurrent_builds(small):
    folder, out = small
    args = [*CLI, "build", "--out", str(out), "--notebooks-dir", str(folder), "--lang", "zh"]
    first = subprocess.Popen(args, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    time.sleep(0.2)
    second = subprocess.Popen(args, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True)
    errors = [first.communicate(timeout=300)[1], second.communicate(timeout=300)[1]]
    assert first.returncode == 0 and second.returncode == 0, errors
    # one build ran the notebooks; the other waited on the lock, then found nothing to do
    assert sum("nothing changed" in e for e in errors) == 1, errors
    assert sum(": ok (" in e for e in errors) == 1, errors
    manifest = json.loads((out / "zh" / "manifest.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in manifest["notebooks"].values()} == {"ok"}


def test_quiet_prints_only_errors(small):
    folder, out = small
    result = run("build", "--out", out, "--notebooks-dir", folder, "--lang", "zh", "--quiet")
    assert result.returncode == 0 and result.stderr == "" and result.stdout == ""
    failed = run("build", "--out", out, "--notebooks-dir", folder, "--lang", "zh", "--quiet", "-p", "fail", "1")
    assert failed.returncode == 1 and "02_flaky: failed" in failed.stderr and "01_steady" not in failed.stderr


# ---------------------------------------------------------------- check and list

def test_check_command(tmp_path):
    ok = run("check")
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "data"
    shutil.copytree(DATA_DIR, bad)
    (bad / INDICATORS_CSV).write_bytes("indicator_id\n".encode("gbk") + "名".encode("gbk"))
    result = run("check", "--data-dir", bad)
    assert result.returncode == 1 and "not UTF-8" in result.stdout


def test_list_command():
    result = run("list")
    assert result.returncode == 0
    assert all(name in result.stdout for name in NOTEBOOKS)
    assert 'lang = "zh"  (str)' in result.stdout
