"""The builder's side of issue 15: what it reads back (manifest, journal, output folder, data files,
kernel folders) is untrusted. In-process; the few tests that start a kernel use one-cell notebooks
and time limits of seconds."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock

from guilin_report import cache, cli, execute, manifest, params, publish, run
from guilin_report.errors import BuildError, UsageError
from guilin_report.paths import REPO_ROOT

from build_helpers import LiveMarkup, notebook, snapshot


def options(nbs, out, **changes) -> run.BuildOptions:
    return run.BuildOptions(**{"langs": ("en",), "out": out, "jobs": 1, "notebooks_dir": nbs, "quiet": True,
                               "timeout": 60, **changes})


def one_warning(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert "warning" in lines[0]
    return lines[0]


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    """The journal key in a folder of the test's own, never the user's."""
    monkeypatch.setenv("GUILIN_REPORT_STATE", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One published site (one small notebook, English), built once; tests work on copies."""
    root = tmp_path_factory.mktemp("site")
    nbs = root / "nbs"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    out = root / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GUILIN_REPORT_STATE", str(root / "state"))
        assert run.build(options(nbs, out)) == 0
    return nbs, out


def copy_of(site, tmp_path) -> Path:
    out = tmp_path / "site" / "out"
    shutil.copytree(site[1], out)
    return out


def read(out, lang="en") -> dict:
    return json.loads((out / lang / "manifest.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 5. the manifest is validated

def _good():
    return {"lang": "en", "data": "data", "data_hash": "a" * 64, "data_version": "1.0.0", "built_at": "t",
            "versions": {"python": "3.11"}, "key_figures": {"key": "k", "figures": [["n", "1", "source.html#a.b"]]},
            "index": {"key": "k", "sha256": "b" * 64},
            "site": {"key": "k", "built_at": "t", "files": {"data.html": "c" * 64}},
            "notebooks": {"01_steady": {"notebook": "01_steady.ipynb", "title": "t", "status": "ok", "error": "",
                                        "duration_s": 1.5, "input_hash": "h", "built_at": "t",
                                        "parameters": {"lang": "en"}, "page": "01_steady.html",
                                        "executed_notebook": "notebooks/01_steady.ipynb", "findings": ["f"],
                                        "figures": ["figures/01_steady-1.png"]}}}


def _set(path, value):
    def change(m):
        *parents, last = path
        for key in parents:
            m = m[key]
        m[last] = value
    return change


BAD_MANIFESTS = {
    "notebooks is a list": _set(["notebooks"], []),
    "site is a string": _set(["site"], "x"),
    "findings is a number": _set(["notebooks", "01_steady", "findings"], 5),
    "duration is text": _set(["notebooks", "01_steady", "duration_s"], "abc"),
    "duration is a boolean": _set(["notebooks", "01_steady", "duration_s"], True),
    "a site file outside": _set(["site", "files"], {"../../victim.txt": "c" * 64}),
    "an absolute site file": _set(["site", "files"], {"/etc/passwd": "c" * 64}),
    "a javascript page": _set(["notebooks", "01_steady", "page"], "javascript:alert(1)"),
    "a javascript error log": _set(["notebooks", "01_steady", "error_log"], "javascript:alert(1)"),
    "an encoded climb": _set(["notebooks", "01_steady", "page"], "%2e%2e/x.html"),
    "a remote executed notebook": _set(["notebooks", "01_steady", "executed_notebook"], "//evil.example/x"),
    "a backslash": _set(["notebooks", "01_steady", "page"], "..\\x.html"),
    "a figure outside": _set(["notebooks", "01_steady", "figures"], ["../index.html"]),
    "a key-figure href": _set(["key_figures", "figures"], [["n", "1", "javascript:alert(1)"]]),
    "a key-figure href with blanks": _set(["key_figures", "figures"], [["n", "1", "2022", " Java\tScript: alert(1)"]]),
    "a key-figure href to another host": _set(["key_figures", "figures"], [["n", "1", "//evil.example/"]]),
    "the manifest of another language": _set(["lang"], "zh"),
    "an unknown status": _set(["notebooks", "01_steady", "status"], "pwned"),
    "a notebook name that climbs": lambda m: m["notebooks"].update({"../x": m["notebooks"]["01_steady"]}),
    "a reserved site file": _set(["site", "files"], {"manifest.json": "c" * 64}),
}


@pytest.mark.parametrize("case", BAD_MANIFESTS)
def test_a_manifest_that_fails_validation_is_treated_as_absent_with_one_warning(case, tmp_path, capsys):
    good = _good()
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / "manifest.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert cache.read_manifest(path) == good and capsys.readouterr().err == ""
    BAD_MANIFESTS[case](good)
    path.write_text(json.dumps(good), encoding="utf-8")
    assert cache.read_manifest(path) == {}
    assert str(path) in one_warning(capsys.readouterr().err)


@pytest.mark.parametrize("text", ["not json", "[1, 2]", "[" * 100000, '{"lang": "en", "notebooks": {"01_a": '
                                  '{"duration_s": NaN}}}', "\ud800".encode("utf-8", "surrogatepass").decode("latin-1")])
def test_an_unreadable_manifest_is_one_warning_never_a_traceback(text, tmp_path, capsys):
    (tmp_path / "en").mkdir()
    path = tmp_path / "en" / "manifest.json"
    path.write_text(text, encoding="latin-1")
    assert cache.read_manifest(path) == {}
    one_warning(capsys.readouterr().err)


def test_a_manifest_that_is_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    (tmp_path / "en").mkdir()
    os.mkfifo(tmp_path / "en" / "manifest.json")
    found = []
    reader = threading.Thread(target=lambda: found.append(cache.read_manifest(tmp_path / "en" / "manifest.json")),
                              daemon=True)
    reader.start()
    reader.join(5)
    assert found == [{}]
    one_warning(capsys.readouterr().err)


def test_key_figure_rows_keep_their_prose():
    good = _good()
    good["key_figures"]["figures"] = [["Stations", "78 stations (elsewhere: 99)", "at the time of the report",
                                       "source.html#governance.social_work.township_stations"]]
    assert manifest.problems(good, "en") == []


def test_an_absent_manifest_is_quietly_absent(tmp_path, capsys):
    assert cache.read_manifest(tmp_path / "en" / "manifest.json") == {}
    assert capsys.readouterr().err == ""


@pytest.mark.kernel
def test_the_manifest_the_builder_writes_passes_the_strict_schema(site):
    assert manifest.problems(read(site[1]), "en", strict=True) == []


@pytest.mark.kernel
def test_a_forged_manifest_deletes_nothing_outside_and_links_nothing(site, tmp_path, capsys):
    out = copy_of(site, tmp_path)
    victim = out.parent / "victim.txt"
    victim.write_text("someone's file", encoding="utf-8")
    forged = read(out)
    forged["site"]["files"]["../../victim.txt"] = "0" * 64          # recorded, and not what is there
    forged["notebooks"]["01_steady"]["page"] = "javascript:alert(1)"
    (out / "en" / "manifest.json").write_text(json.dumps(forged), encoding="utf-8")
    assert run.build(options(site[0], out)) == 0
    assert victim.read_text(encoding="utf-8") == "someone's file"
    index = (out / "en" / "index.html").read_text(encoding="utf-8")
    assert not LiveMarkup(index).js_urls and 'href="01_steady.html"' in index
    assert "manifest.json" in one_warning(capsys.readouterr().err)
    assert manifest.problems(read(out), "en", strict=True) == []


# ---------------------------------------------------------------- 6. the journal is the tool's

def test_a_journal_placed_in_a_foreign_staging_folder_is_not_applied(tmp_path, capsys):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    (out / ".staging-forged").mkdir(parents=True)
    victim.write_text("kept", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    (out / ".staging-forged" / "COMMIT.json").write_text(json.dumps(
        {"deletions": ["../victim.txt"], "moves": [["../../secret.txt", "en/secret.txt"]]}), encoding="utf-8")
    assert publish.recover_staging(out) == (0, 0)
    assert victim.exists() and secret.exists() and not (out / "en").exists()
    assert (out / ".staging-forged" / "COMMIT.json").exists()          # not the tool's: left alone
    assert ".staging-forged" in one_warning(capsys.readouterr().err)


def test_a_journal_forged_inside_the_tools_own_staging_is_not_applied(tmp_path, capsys):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    out.mkdir()
    victim.write_text("kept", encoding="utf-8")
    staging = publish.Transaction(out).root
    (staging / "COMMIT.json").write_text(json.dumps({"deletions": ["../victim.txt"], "moves": []}),
                                         encoding="utf-8")
    assert publish.recover_staging(out) == (0, 1)
    assert victim.exists() and not staging.exists()
    assert "signature" in one_warning(capsys.readouterr().err)


@pytest.mark.parametrize("journal", [{"deletions": "ab", "moves": []}, {"deletions": [], "moves": [["x"]]},
                                     {"deletions": [], "moves": "x"}, {"deletions": [5], "moves": []},
                                     {"deletions": ["../../victim.txt"], "moves": []},
                                     {"deletions": [], "moves": [["../../../victim.txt", "en/x.txt"]]},
                                     {"deletions": [], "moves": [["files/a", "/tmp/elsewhere"]]},
                                     {"deletions": [], "moves": [["files/a", ".build.lock"]]}, []])
def test_a_malformed_journal_of_the_tool_is_rejected_in_one_line(journal, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("kept", encoding="utf-8")
    staging = publish.Transaction(out).root
    publish.write_journal(staging, journal)
    assert publish.recover_staging(out) == (0, 1)
    assert victim.exists() and not staging.exists() and sorted(p.name for p in out.iterdir()) == []
    assert "journal" in one_warning(capsys.readouterr().err)


def test_an_interrupted_commit_of_the_tool_is_finished(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    transaction = publish.Transaction(out)
    transaction.write("en/page.html", "page")
    transaction.write("en/index.html", "index")

    def killed(*args):
        raise SystemExit(137)                  # the journal is written, nothing is moved yet

    monkeypatch.setattr(publish, "_apply", killed)
    with pytest.raises(SystemExit):
        transaction.commit()
    monkeypatch.undo()
    monkeypatch.setenv("GUILIN_REPORT_STATE", str(tmp_path / "state"))
    assert publish.recover_staging(out) == (1, 0)
    assert (out / "en" / "index.html").read_text() == "index" and not list(out.glob(".staging-*"))


def test_a_recorded_deletion_of_a_folder_deletes_nothing(tmp_path):
    out = tmp_path / "out"
    (out / "en" / "downloads").mkdir(parents=True)
    (out / "en" / "downloads" / "theirs.csv").write_text("theirs", encoding="utf-8")
    transaction = publish.Transaction(out)
    transaction.delete("en/downloads")
    transaction.commit()
    assert (out / "en" / "downloads" / "theirs.csv").exists()


def test_a_deletion_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "en").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "x.csv").write_text("theirs", encoding="utf-8")
    (out / "en" / "downloads").symlink_to(elsewhere)
    transaction = publish.Transaction(out)
    transaction.write("en/page.html", "page")
    transaction.delete("en/downloads/x.csv")
    with pytest.raises(BuildError, match="outside"):
        transaction.commit()
    transaction.discard()
    assert (elsewhere / "x.csv").exists() and not (out / "en" / "page.html").exists()


# ---------------------------------------------------------------- 7. a user's files in --out

def _users_folder(out: Path) -> dict:
    (out / "en" / "figures").mkdir(parents=True)
    (out / ".staging-mysite").mkdir()
    (out / ".staging-mysite" / "draft.html").write_text("draft", encoding="utf-8")
    (out / "index.html").write_text("my index", encoding="utf-8")
    (out / "en" / "index.html").write_text("my English index", encoding="utf-8")
    (out / "en" / "figures" / "01_steady-1.png").write_bytes(b"my chart")
    return snapshot(out)


def test_the_first_build_into_a_folder_the_tool_did_not_make_refuses(tmp_path):
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    before = _users_folder(out)
    with pytest.raises(BuildError) as refused:
        run.build(options(nbs, out))
    assert "--allow-existing" in str(refused.value) and len(str(refused.value).splitlines()) == 1
    assert snapshot(out) == before


@pytest.mark.kernel
def test_allow_existing_deletes_none_of_the_users_files_and_says_what_it_replaces(tmp_path, capsys):
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    before = _users_folder(out)
    assert run.build(options(nbs, out, allow_existing=True)) == 0
    after = snapshot(out)
    for rel in (".staging-mysite/draft.html", "index.html", "en/figures/01_steady-1.png"):
        assert after[rel] == before[rel], rel
    assert "en/index.html" in one_warning(capsys.readouterr().err)
    # later builds delete only what their own manifest recorded
    assert run.build(options(nbs, out, force=True)) == 0
    assert snapshot(out)["en/figures/01_steady-1.png"] == b"my chart"
    assert (out / ".staging-mysite" / "draft.html").exists()


def test_a_folder_with_only_the_tools_lock_and_staging_is_not_foreign(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".build.lock").touch()
    publish.Transaction(out)                             # a first build killed before its commit
    publish.check_output_folder(out, ("zh", "en"), allow_existing=False)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(BuildError, match="notes.txt"):
        publish.check_output_folder(out, ("zh", "en"), allow_existing=False)


# ---------------------------------------------------------------- 8. data files: declared, regular, in chunks

def test_only_the_declared_files_make_the_data_hash(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("a\n1\n", encoding="utf-8")
    key = cache.data_hash(data, [data / "a.csv"])
    (data / "stray.bin").write_bytes(b"\0" * 1000)
    assert cache.data_hash(data, [data / "a.csv"]) == key
    assert cache.data_hash(data, [data / "a.csv", data / "stray.bin"]) != key


def test_hashing_reads_in_chunks(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "big.csv").write_bytes(os.urandom(1 << 20) * 24)             # 24 MiB
    tracemalloc.start()
    try:
        cache.data_hash(data, [data / "big.csv"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak


@pytest.mark.parametrize("kind", ["fifo", "symlink", "socket", "outside"])
def test_a_special_declared_file_is_refused_in_one_sentence_without_blocking(kind, tmp_path):
    import socket

    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "private.txt").write_text("private", encoding="utf-8")
    path = data / "notes.md"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        path.symlink_to(tmp_path / "private.txt")
    elif kind == "socket":
        path = data / "s"
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(path))
    else:
        path = tmp_path / "private.txt"
    errors = []

    def hash_it():
        try:
            cache.data_hash(data, [path])
        except BuildError as err:
            errors.append(str(err))

    worker = threading.Thread(target=hash_it, daemon=True)
    worker.start()
    worker.join(5)
    assert len(errors) == 1 and path.name in errors[0] and len(errors[0].splitlines()) == 1, errors


def test_a_special_data_file_is_refused_before_the_lock(tmp_path, monkeypatch):
    nbs, out, data = tmp_path / "nbs", tmp_path / "out", tmp_path / "data"
    nbs.mkdir()
    data.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    os.mkfifo(data / "pipe.csv")

    class Declares(type(run.load_plugin())):
        def check(self, data_dir, thorough=False):
            return []

        def data_files(self, data_dir):
            return [Path(data_dir) / "pipe.csv"]

    monkeypatch.setattr(run, "load_plugin", lambda: Declares())
    out.mkdir()
    with FileLock(str(out / ".build.lock")):             # another build holds the lock
        with pytest.raises(BuildError, match="pipe.csv"):
            run.build(options(nbs, out, data_dir=data, wait=0))


# ---------------------------------------------------------------- degraded: limits and signals

def test_the_timeout_is_bounded_in_one_line(tmp_path, capsys):
    with pytest.raises(UsageError, match="at most"):
        params.whole_number("--timeout", "3000000", maximum=params.MAX_TIMEOUT)
    assert params.whole_number("--timeout", str(params.MAX_TIMEOUT), maximum=params.MAX_TIMEOUT) == 604800
    code = cli.main(["build", "--timeout", "3000000", "--out", str(tmp_path / "out"),
                     "--notebooks-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "--timeout" in err and "at most" in err and len(err.strip().splitlines()) == 1


def test_sighup_is_handled_like_sigterm(tmp_path, monkeypatch, capsys):
    hung_up = []
    previous = signal.signal(signal.SIGHUP, lambda *_: hung_up.append(True))   # the guard: SIGHUP must not kill pytest
    try:
        monkeypatch.setattr(run, "_build", lambda *args: os.kill(os.getpid(), signal.SIGHUP) or 0)
        code = run.build(options(tmp_path, tmp_path / "out"))
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert not hung_up and code == 129
    assert "nothing was published" in capsys.readouterr().err


def test_sighup_is_held_back_during_a_commit():
    with publish.signals_held():
        assert signal.SIGHUP in signal.pthread_sigmask(signal.SIG_BLOCK, [])


def _kernel_folders(tmp):
    return sorted(p.name for p in Path(tmp).glob(f"{execute.KERNEL_PREFIX}*"))


def _zombie():
    """A child that has ended and that nobody has reaped yet (as a killed worker may stay)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    for _ in range(1000):
        with open(f"/proc/{child.pid}/stat") as stat:
            if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                return child
        time.sleep(0.01)
    pytest.fail("the child did not end")


def test_stale_kernel_folders_of_dead_builds_are_swept_at_the_next_start(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"{execute.KERNEL_PREFIX}{dead.pid}-abc"
    stale.mkdir()
    (stale / "kernel.json").write_text("{}")
    zombie = _zombie()
    of_zombie = tmp_path / f"{execute.KERNEL_PREFIX}{zombie.pid}-ghi"
    of_zombie.mkdir()
    live = tmp_path / f"{execute.KERNEL_PREFIX}{os.getpid()}-def"
    live.mkdir()
    other = tmp_path / "guilin-kernel-notours"
    other.mkdir()
    with execute.ipc_kernel_config() as config:
        folder = Path(config.KernelManager.ip).parent
        assert Path(config.KernelManager.connection_file).parent == folder      # not in the runtime folder
        assert folder.name.startswith(f"{execute.KERNEL_PREFIX}{os.getpid()}-")
    zombie.wait()
    assert not stale.exists() and not of_zombie.exists() and live.exists() and other.exists()
    assert not folder.exists()


@pytest.fixture
def short_root(monkeypatch):
    """A private short folder standing in for /tmp as the kernel folders' fallback root."""
    root = tempfile.mkdtemp(prefix="gk-", dir="/tmp")
    monkeypatch.setattr(execute, "SHORT_ROOT", root)
    yield Path(root)
    shutil.rmtree(root, ignore_errors=True)


def test_a_temporary_folder_too_long_for_a_socket_puts_the_kernel_folder_in_the_short_root(
        tmp_path, monkeypatch, short_root):
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr("tempfile.tempdir", str(deep))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = short_root / f"{execute.KERNEL_PREFIX}{dead.pid}-abc"      # of a build killed with SIGKILL
    stale.mkdir()
    with execute.ipc_kernel_config() as config:
        folder = Path(config.KernelManager.ip).parent
        assert folder.parent == short_root and Path(config.KernelManager.connection_file).parent == folder
        assert folder.name.startswith(f"{execute.KERNEL_PREFIX}{os.getpid()}-")
        assert len(os.fsencode(config.KernelManager.ip + "-99999")) <= 103     # sun_path: 104 on macOS
        assert execute._kernel_folders(os.getpid()) == [folder]             # found, so swept and removed
    assert not folder.exists() and not stale.exists() and list(deep.iterdir()) == []


def test_a_short_temporary_folder_keeps_the_kernel_folder(tmp_path, monkeypatch, short_root):
    short = Path(tempfile.mkdtemp(prefix="t-", dir="/tmp"))
    try:
        monkeypatch.setattr("tempfile.tempdir", str(short))
        with execute.ipc_kernel_config() as config:
            assert Path(config.KernelManager.ip).parent.parent == short
        assert list(short.iterdir()) == [] and list(short_root.iterdir()) == []
    finally:
        shutil.rmtree(short, ignore_errors=True)


def test_no_short_folder_for_the_sockets_is_refused_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / ("d" * 100)))
    monkeypatch.setattr(execute, "SHORT_ROOT", "/nonexistent-guilin-root")
    with pytest.raises(OSError, match=r"^the temporary folder's path \(TMPDIR\) is too long for a kernel's "
                                      r"sockets and /nonexistent-guilin-root is not a writable folder: "
                                      r"set TMPDIR to a shorter folder$"):
        with execute.ipc_kernel_config():
            pass


def _holds_a_kernel_folder(conn, how):
    execute._worker_signals()
    with execute.ipc_kernel_config():
        conn.send(os.getpid())
        if how == "parent gone":
            execute._watch_parent(-1)                # as when the build was killed with SIGKILL
        signal.pause()


@pytest.mark.parametrize("how,code", [("parent gone", 1), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_stopped_worker_leaves_no_kernel_folder(how, code, tmp_path, monkeypatch, short_root):
    import multiprocessing

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=_holds_a_kernel_folder, args=(child_end, how))
    child.start()
    assert parent_end.poll(10)
    pid = parent_end.recv()
    if how != "parent gone":
        assert _kernel_folders(tmp_path) + _kernel_folders(short_root)      # tmp_path is too long: short_root
        os.kill(pid, getattr(signal, how))
    child.join(10)
    assert child.exitcode == code and _kernel_folders(tmp_path) + _kernel_folders(short_root) == []


def _job(tmp_path, name, body, **changes):
    nbs = tmp_path / "nbs"
    nbs.mkdir(exist_ok=True)
    notebook(nbs / f"{name}.ipynb", "", body)
    return execute.Job(name, nbs / f"{name}.ipynb", "en", {"lang": "en"}, "key", tmp_path / "staging" / name,
                       **{"timeout": 30, **changes})


def _run(jobs, preload=None) -> list:
    results = []
    pool = execute.WorkerPool(1, preload)
    try:
        pool.run(jobs, lambda job, result: results.append(result))
    finally:
        pool.close()
    return results


@pytest.mark.parametrize("kernels", ["cold", "warm"])
@pytest.mark.kernel
def test_a_timed_out_notebook_leaves_no_kernel_folder_or_connection_file(kernels, tmp_path, monkeypatch,
                                                                        short_root):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    [result] = _run([_job(tmp_path, "01_hangs", "import time\ntime.sleep(60)", timeout=3)],
                    preload=[] if kernels == "warm" else None)
    assert result.status == "failed" and "its kernel was stopped" in result.error, result.error
    assert _kernel_folders(tmp_path) == [] and not list((tmp_path / "runtime").glob("kernel-*.json"))
    assert list(short_root.iterdir()) == []          # pytest's tmp_path is too long for a socket: used
    assert [p.name for p in tmp_path.iterdir() if not p.is_dir()] == []     # jupyter_client's tmpXXXX.json


# ---------------------------------------------------------------- degraded: --out, repair, output, paths

def test_an_interrupted_commit_is_repaired_even_when_the_data_is_now_invalid(tmp_path, data_copy, monkeypatch):
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    out.mkdir()
    transaction = publish.Transaction(out)
    transaction.write("en/manifest.json", json.dumps(_good()))
    transaction.write("en/index.html", "the index of the interrupted build")

    def killed(*args):
        raise SystemExit(137)                  # the journal is written, nothing is moved yet

    monkeypatch.setattr(publish, "_apply", killed)
    with pytest.raises(SystemExit):
        transaction.commit()
    monkeypatch.undo()
    monkeypatch.setenv("GUILIN_REPORT_STATE", str(tmp_path / "state"))
    indicators = data_copy / "indicators" / "report-indicators.csv"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace(",32715,张,", ",32715,床,", 1),
                          encoding="utf-8")
    assert run.build(options(nbs, out, data_dir=data_copy)) == 1           # the data gate refuses
    assert (out / "en" / "index.html").read_text() == "the index of the interrupted build"
    assert not list(out.glob(".staging-*"))


@pytest.mark.parametrize("where", ["the data folder", "a folder of the data", "the notebooks folder",
                                   "inside the notebooks folder"])
def test_an_out_that_overlaps_the_inputs_is_refused(where, tmp_path, data_copy):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    out = {"the data folder": data_copy, "a folder of the data": data_copy / "indicators",
           "the notebooks folder": nbs, "inside the notebooks folder": nbs / "site"}[where]
    with pytest.raises(UsageError, match="--out"):
        run.build(options(nbs, out, data_dir=data_copy))


def test_cap_outputs_cuts_text_and_images_per_cell_and_says_what():
    nb = nbformat.v4.new_notebook()
    big = nbformat.v4.new_code_cell("print(...)")
    big.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 3000),
                   nbformat.v4.new_output("display_data", data={"image/png": "A" * 2000, "text/plain": "<Figure>"})]
    small = nbformat.v4.new_code_cell("1")
    small.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)]
    nb.cells = [big, small]
    cuts = execute.cap_outputs(nb, 1000)
    assert [c.cell for c in cuts] == [1] and cuts[0].size == 5000 + len("<Figure>")
    assert len(json.dumps(big.outputs)) < 1500
    assert "cut" in big.outputs[-1]["text"] and "image/png" not in json.dumps(big.outputs)
    assert small.outputs[0]["data"] == {"text/plain": "1"}


@pytest.mark.kernel
def test_a_huge_output_is_cut_on_the_page_and_kept_whole_in_the_log(tmp_path):
    job = _job(tmp_path, "01_loud", 'print("y" * 2_500_000)', max_output=1_000_000)
    [result] = _run([job])
    assert result.status == "ok", result.error
    page = result.files["01_loud.html"].read_text(encoding="utf-8")
    assert len(page) < 1_800_000 and "cut" in page and "logs/01_loud.log" in page
    assert result.files["notebooks/01_loud.ipynb"].stat().st_size < 1_500_000
    assert "y" * 2_500_000 in result.files["logs/01_loud.log"].read_text(encoding="utf-8")


@pytest.mark.kernel
def test_an_error_text_names_no_absolute_path_of_the_building_machine(tmp_path):
    body = f"open({str(REPO_ROOT / 'no-such-file.csv')!r})"
    [result] = _run([_job(tmp_path, "01_fails", body)])
    assert result.status == "failed" and "no-such-file.csv" in result.error
    assert str(REPO_ROOT) not in result.error and str(tmp_path) not in result.error, result.error


def test_rewrite_paths_names_what_a_reader_can_follow(tmp_path):
    job = _job(tmp_path, "01_x", "1", data_dir=str(tmp_path / "mydata"))
    text = f"{tmp_path}/mydata/a.csv and {REPO_ROOT}/src/x.py and {job.staging}/01_x.ipynb and {Path.home()}/y"
    shown = execute.rewrite_paths(text, job)
    assert shown == "mydata/a.csv and ./src/x.py and notebooks/01_x.ipynb and ~/y", shown


def test_a_notebook_that_is_a_link_or_a_fifo_is_refused_in_one_sentence(tmp_path):
    """A symlinked notebook would publish the file it points at (an attacker's link to
    /etc/passwd put its first line in the index); a FIFO would block the build."""
    from guilin_report.errors import UsageError
    from guilin_report.params import discover

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0\n", encoding="utf-8")
    for make in (lambda p: p.symlink_to(secret), lambda p: os.mkfifo(p)):
        folder = tmp_path / f"nbs{len(list(tmp_path.iterdir()))}"
        folder.mkdir()
        make(folder / "00_evil.ipynb")
        with pytest.raises(UsageError, match="00_evil.ipynb is (a symbolic link|not a regular file)"):
            discover(None, folder)


def test_a_fifo_or_a_device_in_out_is_read_as_absent_never_waited_on(tmp_path):
    """The builder reads back what it published: a FIFO there must not block it, a link to
    /dev/zero must not fill memory."""
    from guilin_report.run import _raw_hash, _read

    os.mkfifo(tmp_path / "index.html")
    (tmp_path / "data.html").symlink_to("/dev/zero")
    assert _read(tmp_path / "index.html") is None and _raw_hash(tmp_path / "index.html") == ""
    assert _read(tmp_path / "data.html") is None
    (tmp_path / "ok.html").write_bytes(b"page")
    assert _read(tmp_path / "ok.html") == b"page"
