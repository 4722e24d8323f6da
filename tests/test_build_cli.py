"""The builder under attack (issue 9): hostile markup, file permissions, dead workers, time
limits, locks, interrupts, crashes between pages and index, partial builds, operating-system
errors. What is the builder's own behaviour runs in this process against a fake executor that
starts no kernel (``build_helpers.FakeExecutor``); what is about real workers and kernels (a
dead worker, a time limit, an interrupt that must end a kernel, a kill) starts small real
notebooks, with limits of a few seconds (marked ``kernel``)."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import nbformat
import pytest
from filelock import FileLock

from guilin_analysis.paths import DATA_DIR, REPO_ROOT

from build_helpers import (CLI, FAKE_EXECUTOR, FakeExecutor, LiveMarkup, alive, build_in_process, echo, fail,
                           installed_plugin, notebook, run, run_patched, snapshot, template_scripts, timeout,
                           unreadable)
from conftest import no_kernel_env


def manifest(out, lang="en"):
    return json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))


def one_line_error(text):
    """The stderr of a run that failed with one sentence and no traceback."""
    lines = text.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def wait_until(predicate, limit=60.0):
    """Poll ``predicate`` until it holds (at most ``limit`` seconds, a bound, not a measure)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


@pytest.fixture
def folder(tmp_path):
    """An empty notebooks folder and an output folder beside it."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    return nbs, tmp_path / "out"


def steady(nbs):
    notebook(nbs / "01_steady.ipynb", "repeat = 1", 'print("steady", lang, repeat)')


def build(nbs, out, *args, **kwargs):
    return build_in_process("build", "--out", out, "--notebooks-dir", nbs, *args, **kwargs)


# ---------------------------------------------------------------- 1. hostile markup

HOSTILE = ('<script>alert("s")</script> <img src=x onerror="alert(1)"> '
           '<a href="javascript:alert(2)">a</a> [c](javascript:alert(3)) <svg onload=alert(4)></svg> '
           '<iframe src="javascript:alert(5)"></iframe> <style>body{display:none}</style>')


def test_markup_from_a_notebook_is_inert_in_pages_and_index(folder):
    nbs, out = folder
    notebook(nbs / "01_hostile.ipynb", "", "pass", markdown=f"# Hostile <script>alert(0)</script>\n\n{HOSTILE}")
    notebook(nbs / "02_fails.ipynb", "", "pass")
    outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "## Findings\n\n" + HOSTILE}),
               nbformat.v4.new_output("display_data", data={"text/html": "<p>table</p>" + HOSTILE}),
               nbformat.v4.new_output("stream", name="stdout", text=HOSTILE)]
    code, err, _ = build(nbs, out, "--lang", "en",
                         executor=FakeExecutor(hostile=echo(*outputs), fails=fail(HOSTILE)))
    assert code == 1, err                                         # 02 fails on purpose
    page = (out / "en" / "01_hostile.html").read_text(encoding="utf-8")
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    for text in (page, index):
        live = LiveMarkup(text)
        assert live.scripts == [] and live.handlers == [] and live.js_urls == []
    assert "<h2" in page and "Findings" in page                 # ordinary markup still renders
    assert "&lt;script&gt;" in page                             # the hostile text shows as text
    assert "&lt;script&gt;" in index and 'class="failed"' in index


@pytest.mark.kernel
def test_markup_in_every_data_field_is_inert_in_a_real_page(tmp_path):
    """A data copy with markup in the free-text fields (names, notes, sources, definitions, in
    English and in Chinese), built with the real overview (whose key figures the index shows) and
    eldercare notebooks in both languages: the pages and the index run nothing from the data."""
    import csv
    import io

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    for rel in ("indicators/report-indicators.csv", "reference/reference-figures.csv",
                "reference/guilin-counties-2022.csv", "reference/guilin-township-divisions-2022.csv"):
        path = data / rel
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        for row in rows:
            # (the division names are left alone: the notebooks count divisions by their names)
            for column in ("name_zh", "name_en", "note", "note_zh", "source", "source_zh",
                           "definition", "definition_zh"):
                if column in row:
                    row[column] = f"{row[column]} {HOSTILE}"
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", "--out", out, "--data-dir", data, "--only", "overview", "eldercare")
    assert result.returncode == 0, result.stderr             # the data gate (check) passes it
    own = template_scripts(REPO_ROOT / "src" / "guilin_report" / "templates",
                           REPO_ROOT / "src" / "guilin_analysis" / "sitepages" / "templates")
    for lang in ("en", "zh"):
        for name in ("00_overview.html", "01_eldercare.html", "index.html", "source.html", "data.html"):
            text = (out / lang / name).read_text(encoding="utf-8")
            live = LiveMarkup(text)
            # the data and source pages carry their templates' own scripts (a filter, a tooltip nudge)
            assert live.only_own_scripts(own) and live.handlers == [] and live.js_urls == [], (lang, name)
            assert "&lt;script&gt;" in text, (lang, name)      # the data's markup shows as text


# ---------------------------------------------------------------- 2. permissions

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640)])
def test_published_files_follow_the_umask(folder, umask, mode):
    nbs, out = folder
    steady(nbs)
    previous = os.umask(umask)
    try:
        code, err, _ = build(nbs, out, "--lang", "en")
    finally:
        os.umask(previous)
    assert code == 0, err
    for name in ("index.html", "manifest.json", "01_steady.html", "logs/01_steady.log",
                 "notebooks/01_steady.ipynb"):
        assert (out / "en" / name).stat().st_mode & 0o777 == mode, name


# ---------------------------------------------------------------- 3. a dead worker (real workers)

@pytest.mark.kernel
def test_a_dead_worker_takes_down_only_its_notebook(folder):
    nbs, out = folder
    marker = nbs / "died-once"
    # a warm kernel's parent is its worker's zygote: the worker is named in the environment
    kill_worker = ("import os, signal, time\nos.kill(int(os.environ.get('GUILIN_REPORT_WORKER_PID', os.getppid())), "
                   "signal.SIGKILL)\ntime.sleep(60)")
    notebook(nbs / "01_dies_once.ipynb", "", f"""
import pathlib
marker = pathlib.Path({str(marker)!r})
if not marker.exists():
    marker.touch()
    {kill_worker.replace(chr(10), chr(10) + '    ')}""")
    notebook(nbs / "02_dies_always.ipynb", "", kill_worker)
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--jobs", "2", "--timeout", "60")
    assert result.returncode == 1
    assert "BrokenProcessPool" not in result.stderr
    entries = manifest(out)["notebooks"]
    assert entries["01_dies_once"]["status"] == "ok", entries["01_dies_once"]   # retried once, then fine
    assert entries["02_dies_always"]["status"] == "failed"
    assert "worker process died twice (killed by SIGKILL)" in entries["02_dies_always"]["error"]
    log = entries["02_dies_always"]["error_log"]
    assert (out / "en" / log).is_file() and "worker process died" in (out / "en" / log).read_text()
    assert f'href="{log}"' in (out / "en" / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 4. time limits and the lock

@pytest.mark.kernel
def test_a_notebook_past_its_time_limit_is_stopped(folder):
    nbs, out = folder
    notebook(nbs / "01_hangs.ipynb", "", "import time\nfor _ in range(600):\n    time.sleep(0.1)")
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--timeout", "3")
    assert result.returncode == 1
    entry = manifest(out)["notebooks"]["01_hangs"]
    assert entry["status"] == "failed" and "timed out after 3 s" in entry["error"]
    log = out / "en" / entry["error_log"]                          # the error-log link is no 404
    assert log.is_file() and "timed out" in log.read_text()


def test_a_notebook_past_its_time_limit_fails_alone(folder):
    nbs, out = folder
    steady(nbs)
    notebook(nbs / "02_hangs.ipynb", "", "pass")
    code, err, _ = build(nbs, out, "--lang", "en", "--timeout", "3", executor=FakeExecutor(hangs=timeout()))
    assert code == 1
    entries = manifest(out)["notebooks"]
    assert entries["01_steady"]["status"] == "ok"
    assert entries["02_hangs"]["status"] == "failed" and "timed out after 3 s" in entries["02_hangs"]["error"]
    assert entries["02_hangs"]["error_log"] == "logs/02_hangs.log" and (out / "en" / "logs" / "02_hangs.log").is_file()
    assert 'href="logs/02_hangs.log"' in (out / "en" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("args,message", [
    (["--timeout", "2.5"], "--timeout takes a whole number of seconds, not '2.5'"),
    (["--timeout", "0"], "--timeout must be at least 1"),
    (["--wait", "soon"], "--wait takes a whole number of seconds"),
    (["--wait", "-1"], "--wait must be at least 0"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--lang"], "expected one argument"),
    (["--colour", "red"], "unrecognized arguments: --colour red"),
    (["--set", "x"], "--set takes ID=VALUE"),
])
def test_bad_numbers_and_options_are_one_line_usage_errors(folder, args, message):
    nbs, out = folder
    steady(nbs)
    code, err, fake = build(nbs, out, *args)
    assert code == 2 and message in one_line_error(err) and fake.ran == []
    assert not out.exists()


def test_the_default_timeout_and_wait_are_documented(capsys):
    from guilin_report.cli import main
    from guilin_report.params import DEFAULT_TIMEOUT, DEFAULT_WAIT

    with pytest.raises(SystemExit):
        main(["build", "--help"])
    help_text = capsys.readouterr().out
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for option, value in (("--timeout", DEFAULT_TIMEOUT), ("--wait", DEFAULT_WAIT)):
        assert f"default: {value}" in " ".join(help_text.split())
        assert f"`{option} {value}`" in readme or f"{option} SECONDS` (default {value}" in readme


def test_a_held_lock_ends_the_wait_with_exit_code_3(folder):
    nbs, out = folder
    steady(nbs)
    out.mkdir()
    with FileLock(str(out / ".build.lock")):
        code, err, fake = build(nbs, out, "--wait", "1", "--quiet")
    assert code == 3 and fake.ran == []
    assert "another build has held" in one_line_error(err)
    assert not (out / "en").exists()


# ---------------------------------------------------------------- 6. one transaction, repaired

class Killed(BaseException):
    """Stands for kill -9: no ``except`` of the builder catches it (its ``finally`` blocks, which
    only release what the operating system would release, still run)."""


def test_a_build_killed_between_pages_and_index_is_repaired(folder, monkeypatch):
    import datetime as dt

    import guilin_report.publish as publish
    import guilin_report.run as builder

    nbs, out = folder
    steady(nbs)
    code, err, _ = build(nbs, out, "--lang", "en")
    assert code == 0, err
    # the second build dies after its page and manifest are in place, before its index. It is
    # a later build: built_at has whole seconds, and an index that came out the same (the same
    # second, the same durations) is not written again, so nothing would be killed.
    later = (dt.datetime.fromisoformat(manifest(out)["built_at"]) + dt.timedelta(seconds=1)).isoformat()
    monkeypatch.setattr(builder, "_now", lambda: later)

    class _Os:
        def __getattr__(self, name):
            return getattr(os, name)

        def replace(self, src, dst):
            if str(dst).endswith("index.html"):
                raise Killed()
            return os.replace(src, dst)

    monkeypatch.setattr(publish, "os", _Os())
    with pytest.raises(Killed):
        build(nbs, out, "--lang", "en", "-p", "repeat", "2")
    monkeypatch.undo()
    assert manifest(out)["notebooks"]["01_steady"]["parameters"]["repeat"] == 2   # its manifest is in place
    assert list(out.glob(".staging-*"))                          # the journal of the commit
    stale_index = (out / "en" / "index.html").read_bytes()
    # the next build finishes the publication without running anything
    code, err, fake = build(nbs, out, "--lang", "en", "-p", "repeat", "2")
    assert code == 0, err
    assert fake.ran == [] and "interrupted build" in err and not list(out.glob(".staging-*"))
    index = (out / "en" / "index.html").read_bytes()
    assert index != stale_index
    assert manifest(out)["built_at"].encode() in index
    assert manifest(out)["index"]["sha256"] == hashlib.sha256(index).hexdigest()


def test_a_stale_or_missing_index_is_rewritten_without_running_anything(folder):
    nbs, out = folder
    steady(nbs)
    assert build(nbs, out, "--lang", "en")[0] == 0
    good = snapshot(out)
    (out / "en" / "index.html").write_text("an index from an older build", encoding="utf-8")
    code, err, fake = build(nbs, out, "--lang", "en")
    assert code == 0 and "rewrote en/index.html" in err and fake.ran == []
    assert snapshot(out) == good
    (out / "en" / "index.html").unlink()
    code, err, fake = build(nbs, out, "--lang", "en")
    assert code == 0 and snapshot(out) == good and fake.ran == []
    code, err, fake = build(nbs, out, "--lang", "en")
    assert "nothing changed" in err and snapshot(out) == good and fake.ran == []
    time.sleep(1.1)                     # a later second: nothing that records a time is written
    code, err, fake = build(nbs, out, "--lang", "en")
    assert "nothing changed" in err and snapshot(out) == good and fake.ran == []


# ---------------------------------------------------------------- 7. --only

def test_only_keeps_the_other_pages_with_their_own_data(folder, tmp_path):
    nbs, out = folder
    steady(nbs)
    notebook(nbs / "02_other.ipynb", "", 'print("other")')
    old_data, new_data = tmp_path / "old-data", tmp_path / "new-data"
    shutil.copytree(DATA_DIR, old_data)
    shutil.copytree(DATA_DIR, new_data)
    (new_data / "CHANGES.txt").write_text("a correction\n", encoding="utf-8")
    assert build(nbs, out, "--lang", "en", "--data-dir", old_data)[0] == 0
    before = manifest(out)
    code, err, fake = build(nbs, out, "--lang", "en", "--data-dir", new_data, "--only", "steady")
    assert code == 0, err
    assert fake.names() == ["01_steady"]
    after = manifest(out)
    assert sorted(after["notebooks"]) == ["01_steady", "02_other"]
    assert after["notebooks"]["02_other"] == before["notebooks"]["02_other"]
    assert after["notebooks"]["01_steady"]["data"] == "new-data"
    assert after["notebooks"]["01_steady"]["data_hash"] != after["notebooks"]["02_other"]["data_hash"]
    assert after["data_hash"] is None                       # no single data hash claims every page
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert 'href="01_steady.html"' in index and 'href="02_other.html"' in index
    assert "old-data" in index and "new-data" in index


# ---------------------------------------------------------------- 8. interrupts and kills

@pytest.fixture
def hanging(folder):
    """A published site (made without a kernel), then a notebook that, run with ``-p hang
    true``, records its kernel's and worker's pids and hangs."""
    nbs, out = folder
    steady(nbs)
    pids = nbs / "pids.json"
    notebook(nbs / "02_hangs.ipynb", "hang = False", f"""
import json, os, time
if hang:
    with open({str(pids)!r} + ".tmp", "w") as f:
        json.dump([os.getpid(), os.getppid()], f)
    os.replace({str(pids)!r} + ".tmp", {str(pids)!r})
    for _ in range(6000):
        time.sleep(0.1)""")
    code, err, _ = build(nbs, out, "--lang", "en", plugin=installed_plugin())   # as the command line builds
    assert code == 0, err
    return nbs, out, pids


def start_hanging_build(nbs, out, pids):
    process = subprocess.Popen([*CLI, "build", "--out", str(out), "--notebooks-dir", str(nbs), "--lang", "en",
                                "-p", "hang", "true"], cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert wait_until(pids.exists, 120), "the hanging notebook never started"
    return process, json.loads(pids.read_text())


@pytest.mark.kernel
@pytest.mark.parametrize("signum,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_publishes_nothing_and_ends_its_kernels(hanging, signum, code):
    nbs, out, pids = hanging
    before = snapshot(out)
    process, (kernel, worker) = start_hanging_build(nbs, out, pids)
    # Ctrl-C reaches the whole foreground process group; SIGTERM only the main process
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert "interrupted; nothing was published" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before and not list(out.glob(".staging-*"))
    assert wait_until(lambda: not alive(kernel) and not alive(worker))


@pytest.mark.kernel
def test_killing_the_build_ends_its_workers_and_the_next_build_cleans_up(hanging):
    nbs, out, pids = hanging
    process, (kernel, worker) = start_hanging_build(nbs, out, pids)
    process.kill()
    process.communicate(timeout=60)
    assert wait_until(lambda: not alive(kernel) and not alive(worker))
    assert list(out.glob(".staging-*"))
    code, err, _ = build(nbs, out, "--lang", "en", plugin=installed_plugin())
    assert code == 0, err
    assert "cleaned up after an interrupted build" in err
    assert not list(out.glob(".staging-*"))


def test_ctrl_c_stops_a_build_started_with_sigint_ignored(folder):
    """A build from a background job inherits SIGINT ignored; the builder installs Python's
    default handler at start, so Ctrl-C still stops it (here the notebook "runs" with a fake
    executor that hangs; no kernel)."""
    nbs, out = folder
    steady(nbs)
    marker = nbs / "running"
    code = FAKE_EXECUTOR + "\nfrom guilin_report.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "build", "--out", str(out), "--notebooks-dir", str(nbs), "--lang", "en"],
        cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, GUILIN_FAKE=json.dumps({"steady": ["hang", str(marker)]})),
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert wait_until(marker.exists, 60), "the build never started its notebook"
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert "interrupted; nothing was published" in stderr and "Traceback" not in stderr
    assert not list(out.glob(".staging-*"))


# ---------------------------------------------------------------- 5/10. one sentence, nothing touched

@pytest.mark.parametrize("hook", ["data_files", "key_figures"])
def test_an_exception_of_the_data_layer_stops_the_build_before_any_kernel(hook, folder, tmp_path, monkeypatch):
    """The project's layer raising (its data valid by the check) where the builder calls it
    before any kernel: the files that are the data (without them, no data hash), the index's
    key figures (computed again for new data)."""
    from guilin_analysis.data import DataValidationError, Problem

    nbs, out = folder
    steady(nbs)
    plugin = installed_plugin()
    assert build(nbs, out, "--lang", "en", plugin=plugin)[0] == 0
    before = snapshot(out)

    def raises(*args, **kwargs):
        raise DataValidationError([Problem("units.csv", 3, "unit", "'张' has no label")])

    monkeypatch.setattr(type(plugin), hook, raises)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "CHANGES.txt").write_text("new data: the key figures are computed again\n", encoding="utf-8")
    code, err, fake = build(nbs, out, "--lang", "en", "--data-dir", data, plugin=plugin)
    assert code == 1 and fake.ran == []
    line = one_line_error(err)
    assert "DataValidationError: units.csv, line 3, column unit: '张' has no label" in line, line
    assert line.endswith(f"nothing was built and {out} is unchanged"), line
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_a_full_disk_is_one_sentence_and_publishes_nothing(folder, monkeypatch):
    import guilin_report.publish as publish

    nbs, out = folder
    steady(nbs)
    assert build(nbs, out, "--lang", "en")[0] == 0
    before = snapshot(out)

    def write_file(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(publish, "write_file", write_file)
    code, err, _ = build(nbs, out, "--lang", "en", "--force")
    assert code == 1
    error = [line for line in err.splitlines() if "error" in line]
    assert len(error) == 1 and "Traceback" not in err
    assert "no space left on the device holding" in error[0] and "nothing was published" in error[0]
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_a_full_disk_in_a_worker_names_the_cause(folder, monkeypatch):
    """The worker's own run (execute.run_job, as a worker process calls it) when papermill cannot
    write the executed notebook: one sentence naming the cause (no kernel is reached)."""
    import papermill

    from guilin_report import execute

    nbs, out = folder
    steady(nbs)

    def execute_notebook(source, executed, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), executed)

    monkeypatch.setattr(papermill, "execute_notebook", execute_notebook)
    job = execute.Job("01_steady", nbs / "01_steady.ipynb", "en", {"lang": "en"}, "key", out / "staging")
    result = execute.run_job(job)
    assert result.status == "failed" and result.error.startswith("no space left on the device holding")
    assert list(result.files) == ["logs/01_steady.log"]


def test_an_unusable_out_is_one_sentence(folder):
    nbs, out = folder
    steady(nbs)
    a_file = nbs.parent / "a-file"           # beside the notebooks: an --out inside them is refused
    a_file.write_text("not a folder")
    code, err, _ = build(nbs, a_file)
    assert code == 2 and "is not a folder" in one_line_error(err)
    code, err, _ = build(nbs, a_file / "reports")
    assert code == 1
    assert "cannot write to the output folder" in one_line_error(err)


def test_a_malformed_notebook_with_parameters_is_one_sentence(folder):
    nbs, out = folder
    steady(nbs)
    (nbs / "02_broken.ipynb").write_text("{ this is not json", encoding="utf-8")
    code, err, fake = build(nbs, out, "-p", "repeat", "2")
    assert code == 1 and fake.ran == []
    assert "02_broken.ipynb is not a readable notebook" in one_line_error(err)
    assert not out.exists()


def test_a_malformed_notebook_fails_alone(folder):
    nbs, out = folder
    steady(nbs)
    (nbs / "02_broken.ipynb").write_text("{ this is not json", encoding="utf-8")

    code, err, fake = build(nbs, out, "--lang", "en", executor=FakeExecutor(broken=unreadable()))
    assert code == 1 and sorted(fake.names()) == ["01_steady", "02_broken"]
    entries = manifest(out)["notebooks"]
    assert entries["01_steady"]["status"] == "ok" and entries["02_broken"]["status"] == "failed"
    assert '<a href="02_broken.html">02_broken</a>' in (out / "en" / "01_steady.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 11. small ones

def test_one_language_links_to_the_other_only_once_it_exists(folder):
    nbs, out = folder
    steady(nbs)
    assert build(nbs, out, "--lang", "en")[0] == 0
    assert "../zh/index.html" not in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert build(nbs, out, "--lang", "zh")[0] == 0
    assert 'href="../en/index.html"' in (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'href="../zh/index.html"' in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_an_out_inside_the_data_dir_does_not_change_its_hash(folder, tmp_path):
    nbs, _ = folder
    steady(nbs)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = data / "site"
    assert build(nbs, out, "--lang", "en", "--data-dir", data)[0] == 0
    code, err, fake = build(nbs, out, "--lang", "en", "--data-dir", data)
    assert code == 0 and "nothing changed" in err and fake.ran == []


def test_list_into_a_closed_pipe_stops_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)                         # the reader is gone, as after `| head -1`
    try:
        result = subprocess.run([*CLI, "list"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                                cwd=REPO_ROOT, timeout=300)
    finally:
        os.close(write_end)
    assert result.stderr == "" and result.returncode == 141


# ---------------------------------------------------------------- running apart from rendering, for real

@pytest.mark.kernel
def test_a_css_template_and_markdown_edit_starts_no_kernel(folder, tmp_path):
    """A real build, then a CSS edit, a template edit and a Markdown edit, and a build in an
    environment where any kernel start fails: it publishes every change, from the executed
    notebook, and exits 0 (each edit alone is tested without kernels in test_cli.py)."""
    from guilin_report import paths

    nbs, out = folder
    steady(nbs)
    alone = ("import guilin_report.plugin as plugin, guilin_report.run as run\n"     # the builder, no plug-in
             "run.load_plugin = plugin.load = lambda: plugin.NoPlugin()\n")
    first = run_patched(alone, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--timeout", "60")
    assert first.returncode == 0, first.stderr
    executed = (out / "en" / "notebooks" / "01_steady.ipynb").read_bytes()
    templates = tmp_path / "templates"
    shutil.copytree(paths.TEMPLATES, templates)
    css = templates / "site" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.edited{color:#654321}\n", encoding="utf-8")
    footer = templates / "site" / "_footer.html.j2"
    footer.write_text(footer.read_text(encoding="utf-8").replace("</footer>", "<p>edited footer</p></footer>"),
                      encoding="utf-8")
    nb = nbformat.read(nbs / "01_steady.ipynb", as_version=4)
    nb.cells[0].source = "# Steady\n\nProse written after the run."
    nbformat.write(nb, nbs / "01_steady.ipynb")
    elsewhere = alone + (f"import guilin_report.paths as paths, pathlib\n"
                         f"paths.TEMPLATES = pathlib.Path({str(templates)!r})\n")
    result = run_patched(elsewhere, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en",
                         env=no_kernel_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "rendered again, no kernel" in result.stderr
    page = (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert ".edited{color:#654321}" in page and "edited footer" in page
    assert "Prose written after the run." in page and "steady en 1" in page      # the kernel's output stays
    assert (out / "en" / "notebooks" / "01_steady.ipynb").read_bytes() == executed
