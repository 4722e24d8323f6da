"""Builder units: parameter checks, the run and render keys, reading back an executed notebook,
composing a page from it, what outputs declare, atomic writes, progress output."""
from __future__ import annotations

import copy
import io
import json
import signal

import nbformat
import pytest

from guilin_report import declared, execute, pages, params, plan, progress, publish, run
from guilin_report.errors import UsageError
from guilin_report.paths import NOTEBOOKS_DIR


def test_coerce_follows_the_default_type():
    spec = lambda default: {"default": default, "inferred_type_name": "None"}  # noqa: E731
    assert params.coerce("n", "3", spec("1"), "nb") == 3
    assert params.coerce("x", "2.5", spec("1.0"), "nb") == 2.5
    assert params.coerce("flag", "yes", spec("False"), "nb") is True
    assert params.coerce("path", "/tmp/data", spec("None"), "nb") == "/tmp/data"
    assert params.coerce("ids", '["a"]', spec("[]"), "nb") == ["a"]
    with pytest.raises(UsageError, match="not a valid int"):
        params.coerce("n", "three", spec("1"), "nb")
    with pytest.raises(UsageError, match="not a valid list"):
        params.coerce("ids", '{"a": 1}', spec("[]"), "nb")


def test_lang_and_data_dir_have_their_own_options():
    with pytest.raises(UsageError, match="--lang"):
        params.resolve_parameters(params.discover(), [("lang", "en")])


def test_discover_by_number_or_name():
    assert params.discover(["eldercare"]) == [NOTEBOOKS_DIR / "01_eldercare.ipynb"]
    assert params.discover(["05_data_audit"]) == [NOTEBOOKS_DIR / "05_data_audit.ipynb"]


def _source():
    return json.loads((NOTEBOOKS_DIR / "01_eldercare.ipynb").read_text(encoding="utf-8"))


def _edited(nb, cell_type, text="\n# edited"):
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb["cells"] if c["cell_type"] == cell_type)
    cell["source"] = "".join(cell["source"]) + text
    return nb


def test_the_run_key_follows_code_parameters_data_code_and_tools_but_not_prose():
    base = dict(source=_source(), parameters={"lang": "zh"}, data_hash="d", analysis_hash="a", executing="x",
                tool_versions={"papermill": "1"})
    key = plan.run_key(**base)
    assert key == plan.run_key(**{**base, "source": copy.deepcopy(base["source"])})
    for change in [{"parameters": {"lang": "en"}}, {"data_hash": "e"}, {"analysis_hash": "b"},
                   {"executing": "y"}, {"tool_versions": {"papermill": "2"}},
                   {"source": _edited(base["source"], "code")}]:
        assert plan.run_key(**{**base, **change}) != key, change
    other_kernel = copy.deepcopy(base["source"])
    other_kernel["metadata"]["kernelspec"]["name"] = "other"
    assert plan.run_key(**{**base, "source": other_kernel}) != key
    # a Markdown edit, or a navigation name in the metadata, starts no kernel
    named = _edited(base["source"], "markdown")
    named["metadata"]["guilin_report"] = {"nav": {"zh": "养老", "en": "Eldercare"}}
    assert plan.run_key(**{**base, "source": named}) == key


def test_the_render_inputs_follow_prose_templates_code_and_chrome():
    base = dict(source=_source(), lang="zh", with_code=False, builder="b", plugin_code="p", chrome=("nav", 1))
    key = plan.render_inputs(**base)
    for change in [{"source": _edited(base["source"], "markdown")}, {"lang": "en"}, {"with_code": True},
                   {"builder": "c"}, {"plugin_code": "q"}, {"chrome": ("nav", 2)}]:
        assert plan.render_inputs(**{**base, **change}) != key, change
    assert plan.render_key(key, "e1") != plan.render_key(key, "e2")


def test_the_builder_hash_covers_templates_and_css(tmp_path):
    import shutil

    from guilin_report import paths

    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES, templates)
    before = plan.builder_hash(templates)
    assert before == plan.builder_hash(paths.TEMPLATES)
    (templates / "site" / "site.css").write_text("body{color:red}", encoding="utf-8")
    assert plan.builder_hash(templates) != before


def test_an_executed_notebook_is_read_back_only_as_recorded(tmp_path):
    path = tmp_path / "nb.ipynb"
    data = (NOTEBOOKS_DIR / "00_overview.ipynb").read_bytes()
    path.write_bytes(data)
    assert plan.read_executed(path, plan.sha256(data)) == data
    assert plan.read_executed(path, None) is None                      # no record: run again
    assert plan.read_executed(path, plan.sha256(b"other")) is None      # edited since
    assert plan.read_executed(tmp_path / "missing.ipynb", plan.sha256(data)) is None
    path.write_bytes(b"{ not json")
    assert plan.read_executed(path, plan.sha256(b"{ not json")) is None  # recorded, but not a notebook
    path.write_bytes(b"[1, 2]")
    assert plan.read_executed(path, plan.sha256(b"[1, 2]")) is None


def test_decide_runs_renders_or_keeps(tmp_path):
    executed = tmp_path / "nb.ipynb"
    data = (NOTEBOOKS_DIR / "00_overview.ipynb").read_bytes()
    executed.write_bytes(data)
    ok = {"status": "ok", "run_key": "r", "executed_sha256": plan.sha256(data),
          "render_key": plan.render_key("i", plan.sha256(data))}
    assert plan.decide(ok, "r", "i", executed, True, False).action == plan.KEEP
    assert plan.decide(ok, "r", "j", executed, True, False).action == plan.RENDER
    assert plan.decide(ok, "r", "i", executed, False, False).action == plan.RENDER      # page missing
    assert plan.decide(ok, "s", "i", executed, True, False).action == plan.RUN
    assert plan.decide(ok, "r", "i", executed, True, True).action == plan.RUN          # --force
    assert plan.decide({**ok, "status": "failed"}, "r", "i", executed, True, False).action == plan.RUN
    assert plan.decide({}, "r", "i", executed, True, False).action == plan.RUN
    executed.write_bytes(data + b" ")
    assert plan.decide(ok, "r", "j", executed, True, False).action == plan.RUN          # not as recorded


def _small(markdown="# Title\n\nprose"):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell('lang = "zh"')
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), p, nbformat.v4.new_code_cell("print(1)"),
                nbformat.v4.new_markdown_cell("the end")]
    return nb


def _executed(source):
    nb = copy.deepcopy(source)
    injected = nbformat.v4.new_code_cell('lang = "en"')
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(2, injected)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    return nb


def test_compose_takes_prose_from_the_source_and_outputs_from_the_run():
    source = _small()
    executed = _executed(source)
    edited = copy.deepcopy(source)
    edited.cells[0].source = "# New title\n\nnew prose"
    edited.cells.insert(3, nbformat.v4.new_markdown_cell("an added paragraph"))
    page = pages.compose(executed, edited)
    assert [c.cell_type for c in page.cells] == ["markdown", "code", "code", "code", "markdown", "markdown"]
    assert page.cells[0].source.startswith("# New title")
    assert "injected-parameters" in page.cells[2].metadata["tags"]       # after the parameters cell
    assert page.cells[3].outputs[0]["text"] == "1\n"
    assert page.cells[4].source == "an added paragraph"
    reordered = copy.deepcopy(edited)                        # matched by id, not by place
    reordered.cells[1], reordered.cells[2] = reordered.cells[2], reordered.cells[1]
    assert pages.compose(executed, reordered).cells[1].outputs[0]["text"] == "1\n"
    fewer = copy.deepcopy(source)
    del fewer.cells[2]
    with pytest.raises(ValueError, match="code cells"):
        pages.compose(executed, fewer)


def _output(meta, under_mime=False):
    out = nbformat.v4.new_output("display_data", data={"text/markdown": "x"})
    out.metadata = {"text/markdown": {declared.KEY: meta}} if under_mime else {declared.KEY: meta}
    return out


def test_declarations_are_read_from_both_places_and_the_legacy_finding():
    nb = _small()
    legacy = nbformat.v4.new_output("display_data", data={"text/markdown": "y"})
    legacy.metadata = {"text/markdown": {"guilin_analysis": {"finding": {"zh": "旧", "en": "old"}, "key": True}}}
    nb.cells[2].outputs = [
        _output({"kind": "finding", "text": {"zh": "甲", "en": "A"}, "key": True, "ids": ["a.b"]}),
        _output({"kind": "finding", "text": {"zh": "乙", "en": "B"}, "key": False, "ids": ["c"]}, under_mime=True),
        _output({"kind": "chart", "chart": "bar", "ids": ["d", 5, ""]}),
        _output({"kind": "key_figures", "ids": ["e"], "figures": [
            {"id": "e", "name": {"zh": "床位", "en": "Beds"}, "value": {"zh": "1张", "en": "1 bed"},
             "period": {"zh": "2022年", "en": "2022"}, "href": "source.html#e"},
            {"id": "f", "name": {"zh": "站", "en": "Stations"}, "value": {"zh": "2个", "en": "2"},
             "href": "javascript:alert(1)"},
            {"id": "g", "name": {"zh": "外"}, "value": {"zh": "3"}}]}),
        legacy, nbformat.v4.new_output("stream", name="stdout", text="plain")]
    assert declared.findings(nb) == [{"zh": "甲", "en": "A"}, {"zh": "旧", "en": "old"}]
    assert len(declared.findings(nb, key_only=False)) == 3
    assert declared.ids(nb) == ["a.b", "c", "d", "e"]                   # a number and "" are no ids
    assert declared.key_figures(nb, "en") == [["Beds", "1 bed", "source.html#e", "2022"], ["Stations", "2", "", ""]]
    nb.metadata[declared.KEY] = {"nav": {"zh": "养老服务", "en": "Eldercare"}}
    assert declared.nav_name(nb, "zh") == "养老服务" and declared.nav_name(_small(), "zh") is None
    assert declared.title(nb, "en") == "Title"


def test_only_links_inside_the_site_are_kept():
    for good in ["source.html#a.b", "data.html#metric-x", "figures/a.png", "01_x.html"]:
        assert declared.site_href(good) == good
    for bad in ["javascript:alert(1)", "http://x.org/", "//x.org/a", "/etc/passwd", "../other/x.html",
                "a/../../x", "\\\\host\\x", "", None, 3]:
        assert declared.site_href(bad) is None, bad


def test_a_scenario_is_numbers_by_id():
    assert params.parse_scenario(["eldercare.beds.nursing=9500", "x_y=1.5", "z=-2"]) == \
        {"eldercare.beds.nursing": 9500, "x_y": 1.5, "z": -2}
    for bad, message in [("eldercare.beds.nursing", "takes ID=VALUE"), ("=3", "takes ID=VALUE"),
                         ("a=many", "not a number"), ("a=９５", "not a number"), ("a=nan", "not a number")]:
        with pytest.raises(UsageError, match=message):
            params.parse_scenario([bad])
    with pytest.raises(UsageError, match="given twice"):
        params.parse_scenario(["a=1", "a=2"])
    with pytest.raises(UsageError, match="--set ID=VALUE"):
        params.resolve_parameters(params.discover(["eldercare"]), [("overrides", "{}")])


def test_the_build_installs_the_default_sigint_handler_and_restores_the_previous():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)       # as a background job inherits it
    try:
        with run._interrupts():
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


def test_write_atomic_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "a" / "page.html"
    publish.write_atomic(target, "one")
    publish.write_atomic(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_on_a_terminal_and_lines_otherwise():
    result = execute.Result("01_x", "zh", "ok", 1.0)
    tty = _TTY()
    reporter = progress.Reporter(2, quiet=False, stream=tty)
    assert reporter.bar is not None
    reporter.done(result)
    reporter.close()
    assert "notebook" in tty.getvalue()            # tqdm's bar with its unit

    plain = io.StringIO()
    reporter = progress.Reporter(2, quiet=False, stream=plain)
    assert reporter.bar is None
    reporter.done(result)
    assert plain.getvalue() == "[zh] 01_x: ok (1.0 s)\n"

    quiet = io.StringIO()
    reporter = progress.Reporter(2, quiet=True, stream=quiet)
    reporter.done(result)
    assert quiet.getvalue() == ""


def test_a_scenario_value_must_be_finite():
    """--set x=1e309 was read as inf: pages said "inf beds" and the manifest held Infinity."""
    import pytest

    from guilin_report.errors import UsageError
    from guilin_report.params import parse_scenario

    for value in ("1e309", "-1e400"):
        with pytest.raises(UsageError, match="not a finite number"):
            parse_scenario([f"eldercare.beds.nursing={value}"])
    assert parse_scenario(["eldercare.beds.nursing=9500"]) == {"eldercare.beds.nursing": 9500}
