"""The command line and the builder's behaviour.

First the real site, built once for the session (``built_site``, conftest): pages, findings,
languages, the no-op rebuild that starts no kernel. Then the builder's behaviour in this
process against a fake executor that starts no kernel (``build_helpers.FakeExecutor``):
failures, usage errors, running apart from rendering, the index's contents, scenarios, check and
list. A few tests start real kernels on purpose (marked ``kernel``).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from guilin_analysis.paths import DATA_DIR, REPO_ROOT

from build_helpers import (FAKE_EXECUTOR, FakeExecutor, build_in_process, echo, fail, installed_plugin,
                           notebook, run, snapshot)
from conftest import INDICATORS_CSV, bare_chinese, no_kernel_env

NOTEBOOKS = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def manifest(out, lang="en"):
    return json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))


def _no_kernel_env(tmp_path) -> dict:
    """An environment in which any kernel start fails (kept for the tests that import it)."""
    return no_kernel_env(tmp_path)


# ---------------------------------------------------------------- the real notebooks (shared build)

@pytest.fixture(scope="module")
def built(built_site):
    return built_site.out, built_site


def test_build_publishes_every_page(built):
    out, result = built
    assert result.returncode == 0, result.stderr
    for lang, html_lang in [("zh", "zh-CN"), ("en", "en")]:
        entries = manifest(out, lang)
        assert sorted(entries["notebooks"]) == NOTEBOOKS
        assert entries["data_hash"] and entries["versions"]["papermill"] and entries["scenario"] is None
        for name in NOTEBOOKS:
            entry = entries["notebooks"][name]
            assert entry["status"] == "ok" and entry["parameters"]["lang"] == lang
            assert entry["duration_s"] > 0 and len(entry["run_key"]) == 64 and len(entry["render_key"]) == 64
            executed = out / lang / "notebooks" / f"{name}.ipynb"
            assert __import__("hashlib").sha256(executed.read_bytes()).hexdigest() == entry["executed_sha256"]
            page = (out / lang / f"{name}.html").read_text(encoding="utf-8")
            assert f'<html lang="{html_lang}">' in page and '<a href="index.html">' in page
            assert (out / lang / "logs" / f"{name}.log").exists()
            assert list((out / lang / "figures").glob(f"{name}-*.png"))
        index = (out / lang / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{html_lang}">' in index
        assert all(f'href="{name}.html"' in index for name in NOTEBOOKS)
    # not a terminal: one plain line per notebook
    assert len([line for line in result.stderr.splitlines() if ": ok (" in line]) == 2 * len(NOTEBOOKS)


def test_navigation_names_come_from_the_notebooks(built):
    out, _ = built
    for lang in ("zh", "en"):
        index = (out / lang / "index.html").read_text(encoding="utf-8")
        for name in NOTEBOOKS:
            nb = json.loads((REPO_ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
            short = nb["metadata"]["guilin_report"]["nav"][lang]
            assert f'<li><a href="{name}.html">{short}</a></li>' in index, (lang, name, short)


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
    """Each page drops the other language's Markdown cells and sets its key findings, read from
    the notebook's own outputs' metadata, under the title; the index lists them too."""
    out, _ = built
    zh = (out / "zh" / "01_eldercare.html").read_text(encoding="utf-8")
    en = (out / "en" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "主要发现" in zh and "Key findings" in en
    assert "Method and caveats" not in zh and "方法与注意" not in en
    assert zh.index("主要发现") < zh.index("护理型床位占比是否达到国家指标？<a")     # under the title, before the sections
    finding = manifest(out)["notebooks"]["01_eldercare"]["findings"][0]
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


def test_no_op_rebuild_starts_no_kernel(built, tmp_path):
    out, _ = built
    before = snapshot(out)
    env = no_kernel_env(tmp_path)
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
    result = run("build", "--out", out, "--data-dir", bad, env=no_kernel_env(tmp_path))
    assert result.returncode == 1
    assert "report-indicators.csv, line" in result.stderr and "column unit" in result.stderr
    assert snapshot(out) == before


@pytest.mark.kernel
def test_data_dir_copy_is_used(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for rel, old, new in [(INDICATORS_CSV, ",32715,张,", ",33715,张,"), (INDICATORS_CSV, "达到32715张", "达到33715张"),
                          ("source/guilin-civil-affairs-report.zh.txt", "达到32715张", "达到33715张"),
                          # the project's translation marks the figure too (check refuses a mismatch)
                          ("source/guilin-civil-affairs-report.en.csv", "[[eldercare.beds.total|32,715]]",
                           "[[eldercare.beds.total|33,715]]")]:
        path = data / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)                     # the copy changes, or the test proves nothing
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--out", out, "--data-dir", data, "--only", "eldercare", "--with-code")
    assert result.returncode == 0, result.stderr
    page = (out / "en" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "33,715 beds" in page and "32,715 beds" not in page
    zh = (out / "zh" / "01_eldercare.html").read_text(encoding="utf-8")
    assert "33715张" in zh and "32715张" not in zh      # Chinese prints no thousands separator
    assert 'hl-ipython3' in page and ">charts<" in page     # --with-code shows the code
    entries = manifest(out)
    # the data folder is named, not located: no absolute path of the building machine
    assert entries["notebooks"]["01_eldercare"]["parameters"]["data_dir"] == "data"
    assert entries["data"] == "data" and len(entries["data_hash"]) == 64
    for published in ("manifest.json", "index.html"):
        assert str(tmp_path) not in (out / "en" / published).read_text(encoding="utf-8")


# ---------------------------------------------------------------- small notebooks, no kernel

@pytest.fixture
def small(tmp_path):
    """A folder with two quick notebooks and an output folder beside it."""
    folder = tmp_path / "nbs"
    folder.mkdir()
    notebook(folder / "01_steady.ipynb", "repeat = 1", 'print("steady", lang, repeat)')
    notebook(folder / "02_flaky.ipynb", "fail = False", 'if fail:\n    raise RuntimeError("made to fail")\nprint("flaky", lang)')
    return folder, tmp_path / "out"


def test_a_failing_notebook_keeps_its_last_good_page(small):
    folder, out = small
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert code == 0, err
    good_page = (out / "en" / "02_flaky.html").read_bytes()

    flaky = FakeExecutor(flaky=fail("made to fail"))
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en", "--force",
                                    "-p", "fail", "true", executor=flaky)
    assert code == 1
    assert ("en", "02_flaky", {"lang": "en", "fail": True}) in flaky.ran    # the parameter, typed
    assert "[en] 02_flaky: failed" in err and "made to fail" in err
    assert "[en] 01_steady: ok" in err                     # the other notebook still ran
    assert (out / "en" / "02_flaky.html").read_bytes() == good_page
    entries = manifest(out)["notebooks"]
    assert entries["02_flaky"]["status"] == "failed" and entries["02_flaky"]["page"] == "02_flaky.html"
    assert entries["01_steady"]["status"] == "ok"
    log = nbformat.read(out / "en" / "notebooks" / "02_flaky.ipynb", as_version=4)
    assert any("papermill-error-cell-tag" in c.metadata.get("tags", []) for c in log.cells)
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert 'class="failed"' in index and "notebooks/02_flaky.ipynb" in index

    # the failure is not remembered as up to date: the next run without the fault repairs it
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert code == 0, err
    assert fake.names() == ["02_flaky"] and "[en] 02_flaky: ok" in err and "01_steady" not in err


@pytest.mark.parametrize("args,message", [
    (["-p", "colour", "red"], "unknown parameter 'colour'"),
    (["-p", "repeat", "many"], "is not a valid int"),
    (["-p", "fail", "perhaps"], "is not a valid bool"),
    (["--lang", "fr"], "unknown language 'fr'"),
    (["--only", "nope"], "unknown notebook 'nope'"),
    (["--set", "eldercare.beds.nursing=9500"], "needs its own --out"),
])
def test_usage_errors_exit_2_before_any_kernel(small, args, message):
    folder, out = small
    out_args = [] if "--set" in args else ["--out", out]
    code, err, fake = build_in_process("build", *out_args, "--notebooks-dir", folder, *args)
    assert code == 2 and fake.ran == [] and fake.sizes == []
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_two_concurrent_builds(small):
    """Two processes into one folder: one runs, the other waits on the lock, then finds nothing
    to do (the notebooks "run" with a fake executor, one of them for a second)."""
    folder, out = small
    args = [sys.executable, "-c", FAKE_EXECUTOR + _MAIN,
            "build", "--out", str(out), "--notebooks-dir", str(folder), "--lang", "zh"]
    env = dict(__import__("os").environ, GUILIN_FAKE=json.dumps({"steady": ["slow", 1]}))
    first = subprocess.Popen(args, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True, env=env)
    second = subprocess.Popen(args, cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True, env=env)
    errors = [first.communicate(timeout=120)[1], second.communicate(timeout=120)[1]]
    assert first.returncode == 0 and second.returncode == 0, errors
    # one build ran the notebooks; the other waited on the lock, then found nothing to do
    assert sum("nothing changed" in e for e in errors) == 1, errors
    assert sum("waiting for it to finish" in e for e in errors) == 1, errors
    assert sum(": ok (" in e for e in errors) == 1, errors
    assert {e["status"] for e in manifest(out, "zh")["notebooks"].values()} == {"ok"}


_MAIN = "\nfrom guilin_report.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def test_quiet_prints_only_errors(small):
    folder, out = small
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "zh", "--quiet")
    assert code == 0 and err == ""
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "zh", "--quiet",
                                    "-p", "fail", "1", executor=FakeExecutor(flaky=fail()))
    assert code == 1 and "02_flaky: failed" in err and "01_steady" not in err


# ---------------------------------------------------------------- running apart from rendering

def _edit_cell(path, cell_type, new_source):
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == cell_type and "parameters" not in c.metadata.get("tags", []))
    cell.source = new_source
    nbformat.write(nb, path)


def _run_fields(out, lang="en"):
    keep = ("run_key", "executed_sha256", "built_at", "duration_s")
    return {n: {k: e.get(k) for k in keep} for n, e in manifest(out, lang)["notebooks"].items()}


def test_a_markdown_edit_renders_the_page_again_without_running_it(small):
    folder, out = small
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder)[0] == 0
    executed = (out / "en" / "notebooks" / "01_steady.ipynb").read_bytes()
    runs = _run_fields(out)
    _edit_cell(folder / "01_steady.ipynb", "markdown", "# Steady, reworded\n\nA paragraph written after the run.")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert code == 0, err
    assert fake.ran == [] and fake.sizes == []                # no executor was even made
    assert "[en] 01_steady: rendered again, no kernel" in err and "no notebook needed to run" in err
    page = (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert "A paragraph written after the run." in page and "Steady, reworded" in page
    assert '01_steady {"lang": "en"}' in page                  # the outputs of the run
    assert (out / "en" / "notebooks" / "01_steady.ipynb").read_bytes() == executed
    assert _run_fields(out) == runs
    assert manifest(out)["notebooks"]["01_steady"]["title"] == "Steady, reworded"
    # the navigation of every page names it anew (so 02 is rendered again too)
    assert '<a href="01_steady.html">Steady, reworded</a>' in (out / "en" / "02_flaky.html").read_text(encoding="utf-8")
    again = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert again[0] == 0 and "nothing changed" in again[1] and again[2].ran == []


def test_a_css_or_template_edit_renders_every_page_again_without_running(small, tmp_path, monkeypatch):
    from guilin_report import paths

    folder, out = small
    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES, templates)
    monkeypatch.setattr(paths, "TEMPLATES", templates)
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder)[0] == 0
    runs = _run_fields(out)
    css = templates / "site" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.edited-rule{color:#123456}\n", encoding="utf-8")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert code == 0, err and fake.ran == []
    for lang in ("zh", "en"):
        for page in ("01_steady.html", "02_flaky.html", "index.html"):
            assert ".edited-rule{color:#123456}" in (out / lang / page).read_text(encoding="utf-8"), (lang, page)
    assert _run_fields(out) == runs
    header = templates / "site" / "_header.html.j2"
    text = header.read_text(encoding="utf-8")
    header.write_text(text.replace('<header class="site-header">', '<header class="site-header edited">'),
                      encoding="utf-8")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert code == 0 and fake.ran == []
    assert '<header class="site-header edited">' in (out / "en" / "02_flaky.html").read_text(encoding="utf-8")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--with-code")
    assert code == 0 and fake.ran == []
    assert "hl-ipython3" in (out / "en" / "01_steady.html").read_text(encoding="utf-8")


def test_a_code_edit_runs_only_that_notebook_and_an_added_one_runs_alone(small):
    folder, out = small
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder)[0] == 0
    _edit_cell(folder / "02_flaky.ipynb", "code", 'print("flaky, edited")')
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert code == 0 and sorted(fake.ran) == [("en", "02_flaky", {"lang": "en"}), ("zh", "02_flaky", {"lang": "zh"})]
    notebook(folder / "03_added.ipynb", "", 'print("added")', markdown="# Added\n\nA new notebook.")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder)
    assert code == 0, err
    assert fake.names() == ["03_added", "03_added"]          # zh and en; nothing else runs
    assert "[en] 01_steady: rendered again, no kernel" in err   # its navigation names the new page
    assert '<a href="03_added.html">Added</a>' in (out / "zh" / "01_steady.html").read_text(encoding="utf-8")
    assert sorted(manifest(out)["notebooks"]) == ["01_steady", "02_flaky", "03_added"]


@pytest.mark.parametrize("damage", ["edited", "corrupt", "missing"])
def test_an_executed_notebook_that_is_not_as_recorded_runs_again(small, damage):
    folder, out = small
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")[0] == 0
    _edit_cell(folder / "01_steady.ipynb", "markdown", "# Steady\n\nnew prose")   # a render would do...
    executed = out / "en" / "notebooks" / "01_steady.ipynb"
    if damage == "edited":
        nb = nbformat.read(executed, as_version=4)
        nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="forged output\n")]
        nbformat.write(nb, executed)
    elif damage == "corrupt":
        executed.write_text("{ not a notebook", encoding="utf-8")
    else:
        executed.unlink()
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert code == 0, err
    assert "01_steady" in fake.names()                        # ...but what it would show is not trusted
    assert "forged output" not in (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    nb = nbformat.read(executed, as_version=4)                 # the executed notebook is whole again
    assert __import__("hashlib").sha256(executed.read_bytes()).hexdigest() == \
        manifest(out)["notebooks"]["01_steady"]["executed_sha256"] and nb.cells


def test_a_data_change_runs_every_notebook(small, data_copy):
    folder, out = small
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en",
                            "--data-dir", data_copy)[0] == 0
    (data_copy / "CHANGES.txt").write_text("a correction\n", encoding="utf-8")
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en",
                                       "--data-dir", data_copy)
    assert code == 0 and sorted(fake.names()) == ["01_steady", "02_flaky"]


# ---------------------------------------------------------------- the index: from declared outputs

def _declared(meta):
    out = nbformat.v4.new_output("display_data", data={"text/markdown": meta.get("shown", "x")})
    out.metadata = {"text/markdown": {"guilin_report": {k: v for k, v in meta.items() if k != "shown"}}}
    return out


class RecordingPlugin:
    """The installed plug-in, recording the context its pages are made from."""

    def __init__(self):
        self.real, self.contexts = installed_plugin(), []

    def __getattr__(self, name):
        return getattr(self.real, name)

    def site_pages(self, context):
        self.contexts.append(context)
        return self.real.site_pages(context)


def test_the_index_shows_what_the_outputs_declare(small):
    folder, out = small
    finding = _declared({"kind": "finding", "text": {"zh": "床位增加了。", "en": "Beds rose."}, "key": True,
                         "ids": ["eldercare.beds.total"], "shown": "Beds rose."})
    minor = _declared({"kind": "finding", "text": {"zh": "次要。", "en": "A minor one."}, "key": False, "ids": []})
    figures = _declared({"kind": "key_figures", "ids": ["eldercare.beds.nursing"], "figures": [
        {"id": "eldercare.beds.nursing", "name": {"zh": "护理型床位", "en": "Nursing-type beds"},
         "value": {"zh": "8913张", "en": "8,913 beds"},
         "period": {"zh": "报道时", "en": "at the time of the report"},
         "href": "source.html#eldercare.beds.nursing"}]})
    plugin = RecordingPlugin()
    fake = FakeExecutor(steady=echo(finding, minor, figures))
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, executor=fake, plugin=plugin)
    assert code == 0, err
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert "Beds rose." in index and "A minor one." not in index
    assert '<a href="source.html#eldercare.beds.nursing">8,913 beds</a>' in index
    assert "at the time of the report" in index
    zh = (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert "床位增加了。" in zh and "8913张" in zh
    page = (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert page.index("Key findings") < page.index("Beds rose.")
    entry = manifest(out)["notebooks"]["01_steady"]
    assert entry["ids"] == ["eldercare.beds.nursing", "eldercare.beds.total"]
    assert entry["findings"] == ["Beds rose."]
    used = {c.lang: c.used_on for c in plugin.contexts}
    assert used["en"] == {"eldercare.beds.nursing": ["01_steady"], "eldercare.beds.total": ["01_steady"]}
    # the plug-in's pages are in every page's navigation, through the plug-in
    for href, text in plugin.real.nav("en"):
        assert f'<a href="{href}">{text}</a>' in page


# ---------------------------------------------------------------- scenarios

@pytest.fixture
def scenario_notebooks(tmp_path):
    folder = tmp_path / "nbs"
    folder.mkdir()
    for name in ("01_beds", "02_other"):
        notebook(folder / f"{name}.ipynb", "overrides = {}", "print(lang, overrides)")
    return folder


def test_a_scenario_is_refused_without_its_own_out(scenario_notebooks, tmp_path):
    from guilin_report.paths import REPORTS_DIR

    for out_args, message in [([], "needs its own --out"),
                              (["--out", REPORTS_DIR], "never published into the default")]:
        code, err, fake = build_in_process("build", *out_args, "--notebooks-dir", scenario_notebooks,
                                           "--set", "eldercare.beds.nursing=9500", plugin=installed_plugin())
        assert code == 2 and message in err and fake.ran == [], err
    code, err, fake = build_in_process("build", "--out", tmp_path / "s", "--notebooks-dir", scenario_notebooks,
                                       "--set", "eldercare.beds.nursin=9500", plugin=installed_plugin())
    assert code == 2 and "no indicator 'eldercare.beds.nursin'" in err and "eldercare.beds.nursing" in err
    assert not (tmp_path / "s" / "en").exists()


def test_a_scenario_needs_notebooks_that_take_overrides(small):
    folder, out = small
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", folder,
                                       "--set", "eldercare.beds.nursing=9500", plugin=installed_plugin())
    assert code == 2 and "01_steady, 02_flaky do not" in err and "'overrides'" in err and fake.ran == []


def test_a_scenario_site_says_so_on_every_page(scenario_notebooks, tmp_path):
    out = tmp_path / "scenario"
    plugin = RecordingPlugin()
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", scenario_notebooks,
                                       "--set", "eldercare.beds.nursing=9500", plugin=plugin)
    assert code == 0, err
    assert {tuple(sorted(p)) for _, _, p in fake.ran} == {("lang", "overrides")}
    assert all(p["overrides"] == {"eldercare.beds.nursing": 9500} for _, _, p in fake.ran)
    record = manifest(out)["scenario"]
    assert record["overrides"] == {"eldercare.beds.nursing": 9500}
    assert record["figures"] == [{"id": "eldercare.beds.nursing", "name": "Nursing-type beds",
                                  "value": "9,500 beds", "transcribed": "8,913 beds"}]
    for lang, words in [("en", ["Scenario", "Nursing-type beds: 9,500 beds (the report: 8,913 beds)"]),
                        # Chinese prints numbers as the report does, without a thousands separator
                        ("zh", ["假设情景", "护理型床位：9500张（报道原数：8913张）"])]:
        for page in ("index.html", "01_beds.html", "02_other.html", "source.html", "data.html"):
            text = (out / lang / page).read_text(encoding="utf-8")
            assert all(w in text for w in words), (lang, page)
            assert lang == "en" or "9,500张" not in text, page
    # the source page marks the figure the scenario sets, beside the verbatim text
    assert "This scenario sets it to: 9,500 beds" in (out / "en" / "source.html").read_text(encoding="utf-8")
    assert "本情景设为：9500张" in (out / "zh" / "source.html").read_text(encoding="utf-8")
    assert {c.lang: c.overrides for c in plugin.contexts} == {"zh": {"eldercare.beds.nursing": 9500},
                                                              "en": {"eldercare.beds.nursing": 9500}}
    # another value is another scenario: every notebook runs again
    code, err, fake = build_in_process("build", "--out", out, "--notebooks-dir", scenario_notebooks,
                                       "--set", "eldercare.beds.nursing=9000", "--lang", "en", plugin=plugin)
    assert code == 0 and sorted(fake.names()) == ["01_beds", "02_other"]
    assert "9,000 beds" in (out / "en" / "01_beds.html").read_text(encoding="utf-8")


def test_a_plain_site_has_no_scenario_header(small):
    folder, out = small
    assert build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")[0] == 0
    assert 'class="scenario"' not in (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert manifest(out)["scenario"] is None


@pytest.mark.kernel
def test_a_scenario_reaches_a_real_kernel_as_a_dict(scenario_notebooks, tmp_path):
    out = tmp_path / "scenario"
    result = run("build", "--out", out, "--notebooks-dir", scenario_notebooks, "--only", "beds", "--lang", "en",
                 "--set", "eldercare.beds.nursing=9500", "--timeout", "60")
    assert result.returncode == 0, result.stderr
    assert "en {'eldercare.beds.nursing': 9500}" in (out / "en" / "01_beds.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- check and list

def test_check_command(tmp_path, capsys):
    from guilin_report.cli import main

    assert main(["check"]) == 0 and "valid" in capsys.readouterr().out
    bad = tmp_path / "data"
    shutil.copytree(DATA_DIR, bad)
    (bad / INDICATORS_CSV).write_bytes("indicator_id\n".encode("gbk") + "名".encode("gbk"))
    assert main(["check", "--data-dir", str(bad)]) == 1 and "not UTF-8" in capsys.readouterr().out


def test_list_command(capsys):
    from guilin_report.cli import main

    assert main(["list"]) == 0
    shown = capsys.readouterr().out
    assert all(name in shown for name in NOTEBOOKS)
    assert 'lang = "zh"  (str)' in shown


def test_the_header_links_only_pages_that_exist(small):
    """After an --only first build the other notebook has no page: the header does not link it;
    once it is built, every page links it."""
    folder, out = small
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en",
                                    "--only", "01_steady")
    assert code == 0, err
    page = (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert not (out / "en" / "02_flaky.html").exists() and 'href="02_flaky.html"' not in page
    code, err, _ = build_in_process("build", "--out", out, "--notebooks-dir", folder, "--lang", "en")
    assert code == 0, err
    assert 'href="02_flaky.html"' in (out / "en" / "01_steady.html").read_text(encoding="utf-8")
