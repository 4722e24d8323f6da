"""The builder under attack, end to end in temporary folders: hostile markup, dead workers,
time limits, locks, interrupts, crashes between pages and index, partial builds, operating-system
errors and file permissions (issue 9). Small notebooks stand in for the real ones."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time

import pytest
from filelock import FileLock

from guilin_analysis.paths import DATA_DIR, REPO_ROOT

from build_helpers import CLI, LiveMarkup, alive, notebook, run, run_patched, snapshot
from test_cli import _no_kernel_env


def manifest(out, lang="en"):
    return json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))


def one_line_error(result):
    """The stderr of a run that failed with one sentence and no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def wait_until(predicate, limit=60.0):
    """Poll ``predicate`` until it holds (at most ``limit`` seconds, a bound, not a measure)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.fixture
def folder(tmp_path):
    """An empty notebooks folder and an output folder beside it."""
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    return nbs, tmp_path / "out"


def steady(nbs):
    notebook(nbs / "01_steady.ipynb", "repeat = 1", 'print("steady", lang, repeat)')


# ---------------------------------------------------------------- 1. hostile markup

HOSTILE = ('<script>alert("s")</script> <img src=x onerror="alert(1)"> '
           '<a href="javascript:alert(2)">a</a> [c](javascript:alert(3)) <svg onload=alert(4)></svg> '
           '<iframe src="javascript:alert(5)"></iframe> <style>body{display:none}</style>')


def test_markup_from_a_notebook_is_inert_in_pages_and_index(folder):
    nbs, out = folder
    notebook(nbs / "01_hostile.ipynb", "", f"""
from IPython.display import HTML, Markdown, display
hostile = {HOSTILE!r}
display(Markdown("## Findings\\n\\n" + hostile))
display(HTML("<p>table</p>" + hostile))
print(hostile)""", markdown=f"# Hostile <script>alert(0)</script>\n\n{HOSTILE}")
    notebook(nbs / "02_fails.ipynb", "", f'raise RuntimeError({HOSTILE!r})')
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en")
    assert result.returncode == 1, result.stderr                # 02 fails on purpose
    page = (out / "en" / "01_hostile.html").read_text(encoding="utf-8")
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    for text in (page, index):
        live = LiveMarkup(text)
        assert live.scripts == [] and live.handlers == [] and live.js_urls == []
    assert "<h2" in page and "Findings" in page                 # ordinary markup still renders
    assert "&lt;script&gt;" in page                             # the hostile text shows as text
    assert "&lt;script&gt;" in index and 'class="failed"' in index


def test_markup_in_every_data_field_is_inert_in_a_real_page(tmp_path):
    """A data copy with markup in the free-text fields (names, notes, sources), built with the
    real eldercare notebook: the page and the index run nothing from the data."""
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
            for column in ("name_zh", "name_en", "note", "source"):
                if column in row:
                    row[column] = f"{row[column]} {HOSTILE}"
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")
    assert run("check", "--data-dir", data).returncode == 0
    out = tmp_path / "out"
    result = run("build", "--out", out, "--data-dir", data, "--only", "eldercare", "--lang", "en")
    assert result.returncode == 0, result.stderr
    for name in ("01_eldercare.html", "index.html"):
        text = (out / "en" / name).read_text(encoding="utf-8")
        live = LiveMarkup(text)
        assert live.scripts == [] and live.handlers == [] and live.js_urls == [], name
        assert "&lt;script&gt;" in text, name                  # the data's markup shows as text


# ---------------------------------------------------------------- 2. permissions

@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o027, 0o640)])
def test_published_files_follow_the_umask(folder, umask, mode):
    nbs, out = folder
    steady(nbs)
    result = subprocess.run([*CLI, "build", "--out", str(out), "--notebooks-dir", str(nbs), "--lang", "en"],
                            capture_output=True, text=True, cwd=REPO_ROOT, preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "manifest.json", "01_steady.html", "logs/01_steady.log",
                 "notebooks/01_steady.ipynb"):
        assert (out / "en" / name).stat().st_mode & 0o777 == mode, name


# ---------------------------------------------------------------- 3. a dead worker

def test_a_dead_worker_takes_down_only_its_notebook(folder):
    nbs, out = folder
    steady(nbs)
    marker = nbs / "died-once"
    # a warm kernel's parent is its worker's zygote: the worker is named in the environment
    kill_worker = ("import os, signal, time\nos.kill(int(os.environ.get('GUILIN_REPORT_WORKER_PID', os.getppid())), "
                   "signal.SIGKILL)\ntime.sleep(60)")
    notebook(nbs / "02_dies_once.ipynb", "", f"""
import pathlib
marker = pathlib.Path({str(marker)!r})
if not marker.exists():
    marker.touch()
    {kill_worker.replace(chr(10), chr(10) + '    ')}""")
    notebook(nbs / "03_dies_always.ipynb", "", kill_worker)
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--jobs", "2")
    assert result.returncode == 1
    assert "BrokenProcessPool" not in result.stderr
    entries = manifest(out)["notebooks"]
    assert entries["01_steady"]["status"] == "ok"
    assert entries["02_dies_once"]["status"] == "ok"              # retried once, then fine
    assert entries["03_dies_always"]["status"] == "failed"
    assert "worker process died twice (killed by SIGKILL)" in entries["03_dies_always"]["error"]
    log = entries["03_dies_always"]["error_log"]
    assert (out / "en" / log).is_file() and "worker process died" in (out / "en" / log).read_text()
    assert f'href="{log}"' in (out / "en" / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 4. time limits and the lock

def test_a_notebook_past_its_time_limit_fails_alone(folder):
    nbs, out = folder
    steady(nbs)
    notebook(nbs / "02_hangs.ipynb", "", "import time\nfor _ in range(600):\n    time.sleep(0.1)")
    # the limit counts from the start of the kernel: generous enough for 01_steady on a busy machine
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--timeout", "30")
    assert result.returncode == 1
    entries = manifest(out)["notebooks"]
    assert entries["01_steady"]["status"] == "ok"
    assert entries["02_hangs"]["status"] == "failed" and "timed out after 30 s" in entries["02_hangs"]["error"]
    log = out / "en" / entries["02_hangs"]["error_log"]              # the error-log link is no 404
    assert log.is_file() and "timed out" in log.read_text()


@pytest.mark.parametrize("args,message", [
    (["--timeout", "2.5"], "--timeout takes a whole number of seconds, not '2.5'"),
    (["--timeout", "0"], "--timeout must be at least 1"),
    (["--wait", "soon"], "--wait takes a whole number of seconds"),
    (["--wait", "-1"], "--wait must be at least 0"),
    (["--jobs", "0"], "--jobs must be at least 1"),
    (["--lang"], "expected one argument"),
    (["--colour", "red"], "unrecognized arguments: --colour red"),
])
def test_bad_numbers_and_options_are_one_line_usage_errors(folder, args, message):
    nbs, out = folder
    steady(nbs)
    result = run("build", "--out", out, "--notebooks-dir", nbs, *args)
    assert result.returncode == 2 and message in one_line_error(result)
    assert not out.exists()


def test_the_default_timeout_and_wait_are_documented():
    from guilin_report.params import DEFAULT_TIMEOUT, DEFAULT_WAIT

    help_text = run("build", "--help").stdout
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for option, value in (("--timeout", DEFAULT_TIMEOUT), ("--wait", DEFAULT_WAIT)):
        assert f"default: {value}" in " ".join(help_text.split())
        assert f"`{option} {value}`" in readme or f"{option} SECONDS` (default {value}" in readme


def test_a_held_lock_ends_the_wait_with_exit_code_3(folder):
    nbs, out = folder
    steady(nbs)
    out.mkdir()
    with FileLock(str(out / ".build.lock")):
        result = run("build", "--out", out, "--notebooks-dir", nbs, "--wait", "1", "--quiet")
    assert result.returncode == 3
    assert "another build has held" in one_line_error(result)
    assert not (out / "en").exists()


# ---------------------------------------------------------------- 6. one transaction, repaired

def test_a_build_killed_between_pages_and_index_is_repaired(folder, tmp_path):
    nbs, out = folder
    steady(nbs)
    first = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en")
    assert first.returncode == 0, first.stderr
    # the second build dies (as kill -9 would) after its page and manifest, before its index
    crash = """
        import os
        import guilin_report.publish as publish
        class _Os:
            def __getattr__(self, name):
                return getattr(os, name)
            def replace(self, src, dst):
                if str(dst).endswith("index.html"):
                    os._exit(137)
                return os.replace(src, dst)
        publish.os = _Os()
        """
    killed = run_patched(crash, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "-p", "repeat", "2")
    assert killed.returncode == 137
    assert "steady en 2" in (out / "en" / "01_steady.html").read_text(encoding="utf-8")
    assert list(out.glob(".staging-*"))                          # the journal of the commit
    stale_index = (out / "en" / "index.html").read_bytes()
    # the next build finishes the publication without starting a kernel
    repaired = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "-p", "repeat", "2",
                   env=_no_kernel_env(tmp_path))
    assert repaired.returncode == 0, repaired.stderr
    assert "interrupted build" in repaired.stderr and not list(out.glob(".staging-*"))
    index = (out / "en" / "index.html").read_bytes()
    assert index != stale_index
    assert manifest(out)["built_at"].encode() in index
    assert manifest(out)["index"]["sha256"] == __import__("hashlib").sha256(index).hexdigest()


def test_a_stale_or_missing_index_is_rewritten_without_running_anything(folder, tmp_path):
    nbs, out = folder
    steady(nbs)
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en").returncode == 0
    good = snapshot(out)
    env = _no_kernel_env(tmp_path)
    (out / "en" / "index.html").write_text("an index from an older build", encoding="utf-8")
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", env=env)
    assert result.returncode == 0 and "rewrote en/index.html" in result.stderr
    assert snapshot(out) == good
    (out / "en" / "index.html").unlink()
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", env=env)
    assert result.returncode == 0 and snapshot(out) == good
    again = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", env=env)
    assert "nothing changed" in again.stderr and snapshot(out) == good


# ---------------------------------------------------------------- 7. --only

def test_only_keeps_the_other_pages_with_their_own_data(folder, tmp_path):
    nbs, out = folder
    steady(nbs)
    notebook(nbs / "02_other.ipynb", "", 'print("other")')
    old_data, new_data = tmp_path / "old-data", tmp_path / "new-data"
    shutil.copytree(DATA_DIR, old_data)
    shutil.copytree(DATA_DIR, new_data)
    (new_data / "CHANGES.txt").write_text("a correction\n", encoding="utf-8")
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--data-dir", old_data).returncode == 0
    before = manifest(out)
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--data-dir", new_data,
                 "--only", "steady")
    assert result.returncode == 0, result.stderr
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
    """A published build, then a notebook that records its kernel's and worker's pids and hangs."""
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
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en").returncode == 0
    return nbs, out, pids


def start_hanging_build(nbs, out, pids):
    process = subprocess.Popen([*CLI, "build", "--out", str(out), "--notebooks-dir", str(nbs), "--lang", "en",
                                "-p", "hang", "true"], cwd=REPO_ROOT, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    assert wait_until(pids.exists, 300), "the hanging notebook never started"
    return process, json.loads(pids.read_text())


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
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == code
    assert "interrupted; nothing was published" in stderr and "Traceback" not in stderr
    assert snapshot(out) == before and not list(out.glob(".staging-*"))
    assert wait_until(lambda: not alive(kernel) and not alive(worker))


def test_killing_the_build_ends_its_workers_and_the_next_build_cleans_up(hanging):
    nbs, out, pids = hanging
    process, (kernel, worker) = start_hanging_build(nbs, out, pids)
    process.kill()
    process.communicate(timeout=60)
    assert wait_until(lambda: not alive(kernel) and not alive(worker))
    assert list(out.glob(".staging-*"))
    result = run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "cleaned up after an interrupted build" in result.stderr
    assert not list(out.glob(".staging-*"))


# ---------------------------------------------------------------- 5/10. one sentence, nothing touched

def test_an_exception_of_the_data_layer_stops_the_build_before_any_kernel(folder, tmp_path):
    nbs, out = folder
    steady(nbs)
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en").returncode == 0
    before = snapshot(out)
    broken = """
        import guilin_analysis.lookup as lookup
        from guilin_analysis.data import DataValidationError, Problem
        def key_figures(lang, data_dir=None):
            raise DataValidationError([Problem("units.csv", 3, "unit", "'张' has no label")])
        lookup.key_figures = key_figures
        """
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "CHANGES.txt").write_text("new data: the key figures are computed again\n", encoding="utf-8")
    result = run_patched(broken, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en",
                         "--data-dir", data, env=_no_kernel_env(tmp_path))
    assert result.returncode == 1
    assert "units.csv, line 3, column unit" in one_line_error(result)
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_a_full_disk_is_one_sentence_and_publishes_nothing(folder):
    nbs, out = folder
    steady(nbs)
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en").returncode == 0
    before = snapshot(out)
    full = """
        import errno, os
        import guilin_report.publish as publish
        def write_file(path, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        publish.write_file = write_file
        """
    result = run_patched(full, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--force")
    assert result.returncode == 1
    error = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(error) == 1 and "Traceback" not in result.stderr
    assert "no space left on the device holding" in error[0] and "nothing was published" in error[0]
    assert snapshot(out) == before and not list(out.glob(".staging-*"))


def test_a_full_disk_in_a_worker_names_the_cause(folder):
    nbs, out = folder
    steady(nbs)
    full = """
        import errno, os
        import papermill.execute
        def write_ipynb(nb, path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        papermill.execute.write_ipynb = write_ipynb
        """
    result = run_patched(full, "build", "--out", out, "--notebooks-dir", nbs, "--lang", "en")
    assert result.returncode == 1
    error = manifest(out)["notebooks"]["01_steady"]["error"]
    assert error.startswith("no space left on the device holding") and "NotJSONError" not in result.stderr


def test_an_unusable_out_is_one_sentence(folder):
    nbs, out = folder
    steady(nbs)
    a_file = nbs.parent / "a-file"           # beside the notebooks: an --out inside them is refused
    a_file.write_text("not a folder")
    usage = run("build", "--out", a_file, "--notebooks-dir", nbs)
    assert usage.returncode == 2 and "is not a folder" in one_line_error(usage)
    below = run("build", "--out", a_file / "reports", "--notebooks-dir", nbs)
    assert below.returncode == 1
    assert "cannot write to the output folder" in one_line_error(below)


def test_a_malformed_notebook_with_parameters_is_one_sentence(folder):
    nbs, out = folder
    steady(nbs)
    (nbs / "02_broken.ipynb").write_text("{ this is not json", encoding="utf-8")
    result = run("build", "--out", out, "--notebooks-dir", nbs, "-p", "repeat", "2")
    assert result.returncode == 1
    assert "02_broken.ipynb is not a readable notebook" in one_line_error(result)
    assert not out.exists()


# ---------------------------------------------------------------- 11. small ones

def test_one_language_links_to_the_other_only_once_it_exists(folder):
    nbs, out = folder
    steady(nbs)
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "en").returncode == 0
    assert "../zh/index.html" not in (out / "en" / "index.html").read_text(encoding="utf-8")
    assert run("build", "--out", out, "--notebooks-dir", nbs, "--lang", "zh").returncode == 0
    assert 'href="../en/index.html"' in (out / "zh" / "index.html").read_text(encoding="utf-8")
    assert 'href="../zh/index.html"' in (out / "en" / "index.html").read_text(encoding="utf-8")


def test_an_out_inside_the_data_dir_does_not_change_its_hash(folder, tmp_path):
    nbs, _ = folder
    steady(nbs)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = data / "site"
    args = ["build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--data-dir", data]
    assert run(*args).returncode == 0
    again = run(*args)
    assert again.returncode == 0 and "nothing changed" in again.stderr


def test_list_into_a_closed_pipe_stops_quietly():
    read_end, write_end = os.pipe()
    os.close(read_end)                         # the reader is gone, as after `| head -1`
    try:
        result = subprocess.run([*CLI, "list"], stdout=write_end, stderr=subprocess.PIPE, text=True,
                                cwd=REPO_ROOT, timeout=300)
    finally:
        os.close(write_end)
    assert result.stderr == "" and result.returncode == 141
