"""Builder units: parameter checks, input hashes, atomic writes, progress output."""
from __future__ import annotations

import io

import pytest

from guilin_report import cache, execute, params, progress, publish
from guilin_report.errors import UsageError
from guilin_analysis.paths import NOTEBOOKS_DIR


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


def test_input_hash_changes_with_each_input():
    nb = NOTEBOOKS_DIR / "00_overview.ipynb"
    base = dict(notebook=nb, parameters={"lang": "zh"}, with_code=False, data_hash="d", code_hash="c",
                tool_versions={"papermill": "1"})
    key = cache.input_hash(**base)
    assert key == cache.input_hash(**base)
    for change in [{"parameters": {"lang": "en"}}, {"with_code": True}, {"data_hash": "e"},
                   {"code_hash": "x"}, {"tool_versions": {"papermill": "2"}},
                   {"notebook": NOTEBOOKS_DIR / "01_eldercare.ipynb"}]:
        assert cache.input_hash(**{**base, **change}) != key, change


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
