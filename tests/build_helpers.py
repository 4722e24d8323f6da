"""Helpers for the builder's tests: run it (in a subprocess, or in this process with a fake
executor that starts no kernel), snapshot a folder, small notebooks."""
from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from guilin_report.paths import REPO_ROOT

CLI = [sys.executable, "-m", "guilin_report.cli"]


def run(*args, env=None, timeout=600, **kwargs):
    """``guilin-report ARGS`` in a subprocess; the completed process (text output)."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=env, timeout=timeout, **kwargs)


def run_patched(patch: str, *args, env=None, timeout=600):
    """``guilin-report ARGS`` in a subprocess that first runs the Python code ``patch``
    (to simulate a full disk or a crash at a chosen point)."""
    code = textwrap.dedent(patch) + textwrap.dedent("""
        import sys
        from guilin_report.cli import main
        sys.exit(main(sys.argv[1:]))
        """)
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=REPO_ROOT, env=env, timeout=timeout)


def snapshot(folder):
    """Every file under folder with its bytes: equal snapshots mean nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".build.lock"}


def notebook(path, params: str, *cells, markdown: str | None = None) -> None:
    """A small numbered notebook: a heading, a ``parameters`` cell (``lang``, ``data_dir`` and
    ``params``), then one code cell per string in ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('lang = "zh"\ndata_dir = None\n' + params)
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown or f"# {path.stem}"), parameters,
                *(nbformat.v4.new_code_cell(body) for body in cells)]
    nbformat.write(nb, path)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie waiting for its parent counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class LiveMarkup(HTMLParser):
    """What in an HTML page a browser would run: script elements, event-handler attributes and
    ``javascript:`` URLs (text that merely shows markup is not collected)."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.js_urls = [], [], []
        self.script_texts: list[str] = []     # the code of each script element, in order
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.scripts.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.script_texts.append("")
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            squashed = "".join((value or "").split()).lower()
            if name in self.URL_ATTRIBUTES and squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.js_urls.append((tag, name, value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_texts[-1] += data

    def only_own_scripts(self, own: set[str]) -> bool:
        """Whether every script element is a bare ``<script>`` whose code is one of ``own``
        (the site templates' own scripts), so nothing that runs came from the data."""
        return (all(tag == "script" and attrs == [] for tag, attrs in self.scripts)
                and all(code in own for code in self.script_texts))


def template_scripts(*folders: Path) -> set[str]:
    """The code of every ``<script>`` the templates in ``folders`` write (fixed text, no Jinja)."""
    import re

    found = set()
    for folder in folders:
        for template in Path(folder).rglob("*.j2"):
            for code in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
                assert "{{" not in code and "{%" not in code, template      # fixed text only
                found.add(code)
    return found


# ---------------------------------------------------------------- the fake executor

def _executed_copy(job, prepared=None):
    """The notebook papermill would write, without a kernel: ``prepared`` (a notebook with
    outputs) or the job's source, with papermill's injected-parameters cell after the cell
    tagged ``parameters``."""
    nb = nbformat.read(prepared or job.source, as_version=4)
    injected = nbformat.v4.new_code_cell("# Parameters\n" + "".join(
        f"{name} = {value!r}\n" for name, value in job.parameters.items()))
    injected.metadata["tags"] = ["injected-parameters"]
    at = next((n + 1 for n, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0)
    nb.cells.insert(at, injected)
    return nb


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def echo(*extra_outputs, prepared=None):
    """A run that succeeds: every code cell of the source (or of ``prepared``) prints what it
    was run with, the last one also shows ``extra_outputs`` (nbformat output nodes)."""
    def behaviour(job):
        nb = _executed_copy(job, prepared)
        code = [c for c in nb.cells if c.cell_type == "code"]
        if prepared is None:
            shown = {k: v for k, v in job.parameters.items() if k != "data_dir"}
            for n, cell in enumerate(code, 1):
                cell.outputs = [_stream(f"{job.name} {json.dumps(shown, sort_keys=True)}\n")]
                cell.execution_count = n
        if code:
            code[-1].outputs = list(code[-1].outputs) + list(extra_outputs)
        return _finish(job, nb, "ok", "")
    return behaviour


def fail(message="made to fail"):
    """A run that raises in its last code cell, as papermill reports it (an error banner, the
    error output, the executed notebook kept as the error log)."""
    def behaviour(job):
        nb = _executed_copy(job)
        code = [c for c in nb.cells if c.cell_type == "code"]
        code[-1].outputs = [nbformat.v4.new_output("error", ename="RuntimeError", evalue=message,
                                                   traceback=[f"RuntimeError: {message}"])]
        banner = nbformat.v4.new_markdown_cell('<span style="color:red">An Exception was encountered '
                                               'at <a href="#papermill-error-cell">In [1]</a>.</span>')
        banner.metadata["tags"] = ["papermill-error-cell-tag"]
        nb.cells.insert(0, banner)
        return _finish(job, nb, "failed", f"cell {len(code)}: RuntimeError: {message}")
    return behaviour


def timeout():
    """A run stopped at its time limit, as :class:`WorkerPool` reports it (only the log)."""
    def behaviour(job):
        _log(job, f"timed out after {job.timeout} s (--timeout); its kernel was stopped")
        return _result(job, "failed", f"timed out after {job.timeout} s (--timeout); its kernel was stopped",
                       {f"logs/{job.name}.log": job.log})
    return behaviour


def unreadable(message="NotJSONError: the notebook is not valid JSON"):
    """A run that fails before any cell (the notebook cannot be read): only its log."""
    def behaviour(job):
        _log(job, message)
        return _result(job, "failed", message, {f"logs/{job.name}.log": job.log})
    return behaviour


def slow(seconds):
    """A run that succeeds (as :func:`echo`) after ``seconds``."""
    def behaviour(job):
        time.sleep(float(seconds))
        return echo()(job)
    return behaviour


def hang(marker):
    """A run that never ends (for interrupts): it writes ``marker``, then waits."""
    def behaviour(job):
        Path(marker).write_text(str(os.getpid()))
        while True:
            time.sleep(0.1)
    return behaviour


def _log(job, line):
    job.staging.mkdir(parents=True, exist_ok=True)
    with open(job.log, "a", encoding="utf-8") as log:
        log.write(f"[fake executor] {line}\n")


def _result(job, status, error, files):
    from guilin_report.execute import Result

    return Result(job.name, job.lang, status, 0.01, error, files=files)


def _finish(job, nb, status, error):
    from guilin_report.execute import finish

    _log(job, f"{job.name} {job.lang}: {status}")
    executed = job.staging / f"{job.name}.ipynb"
    nbformat.write(nb, executed)
    return finish(job, executed, status, error, time.perf_counter())


class FakeExecutor:
    """An executor that starts no kernel: each job "runs" by its behaviour (by notebook name;
    :func:`echo` by default), and goes through the builder's own :func:`execute.finish` as a
    real run does. Records what ran: ``ran`` is ``[(lang, name, parameters)]``.

    The builder takes it where it takes :class:`WorkerPool` (``build(..., executor=fake)``)."""

    def __init__(self, **behaviours):
        self.behaviours = behaviours
        self.ran: list[tuple[str, str, dict]] = []
        self.sizes: list[int] = []
        self.closed = 0

    def __call__(self, size, preload=None):      # as WorkerPool(size, preload) is called
        self.sizes.append(size)
        return self

    def run(self, jobs, done):
        for job in jobs:
            self.ran.append((job.lang, job.name, dict(job.parameters)))
            behaviour = self.behaviours.get(job.name.split("_", 1)[-1]) or self.behaviours.get(job.name) or echo()
            done(job, behaviour(job))

    def close(self):
        self.closed += 1

    def names(self, lang=None):
        return [name for code, name, _ in self.ran if lang is None or code == lang]


def installed_plugin():
    """The project's plug-in (its data check, pages and words), as ``guilin-report`` loads it."""
    from guilin_report.plugin import load

    return load()


def build_in_process(*args, executor=None, plugin=None):
    """``guilin-report ARGS`` in this process, notebooks run by ``executor`` (a
    :class:`FakeExecutor` by default): ``(exit code, stderr text, executor)``. A usage error
    exits 2 with its one line, as on the command line.

    Without ``plugin`` the builder runs alone (:class:`~guilin_report.plugin.NoPlugin`: no data
    check, no pages of the project's own): its behaviour is the core's. Give
    :func:`installed_plugin` (or a wrapper of it) to build with the project's parts."""
    from guilin_report import cli, run as run_module
    from guilin_report.plugin import NoPlugin

    executor = executor if executor is not None else FakeExecutor()
    plugin = plugin if plugin is not None else NoPlugin()
    stderr = io.StringIO()
    real_build = run_module.build

    def build(options, stream=None):
        return real_build(options, stream, executor=executor, plugin=plugin)

    from guilin_report import plugin as plugin_module

    # the one plug-in everywhere in this build (the notebook pages look it up by themselves)
    with contextlib.redirect_stderr(stderr), _patched(run_module, "build", build), \
            _patched(plugin_module, "load", lambda: plugin):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exit:               # argparse's own errors and --help
            code = exit.code
    return code, stderr.getvalue(), executor


@contextlib.contextmanager
def _patched(module, name, value):
    saved = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, saved)


#: Code for :func:`run_patched`: the build in that subprocess runs its notebooks with a
#: :class:`FakeExecutor` (behaviours from the JSON in $GUILIN_FAKE: {"name": ["hang", marker]})
#: and without a plug-in, as :func:`build_in_process` does by default.
FAKE_EXECUTOR = textwrap.dedent("""
    import json, os, sys
    sys.path.insert(0, "tests")
    import build_helpers, guilin_report.plugin, guilin_report.run
    behaviours = {name: getattr(build_helpers, spec[0])(*spec[1:])
                  for name, spec in json.loads(os.environ.get("GUILIN_FAKE", "{}")).items()}
    guilin_report.run.WorkerPool = build_helpers.FakeExecutor(**behaviours)
    guilin_report.run.load_plugin = guilin_report.plugin.load = lambda: guilin_report.plugin.NoPlugin()
    """)
