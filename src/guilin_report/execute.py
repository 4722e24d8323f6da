"""Kernels: each notebook runs in a fresh kernel in a worker process, with a time limit.

In: :class:`Job` objects (one notebook in one language, with its staging folder). Out: one
:class:`Result` per job, its page, executed notebook, figures and kernel log staged as files.

* Kernels talk over IPC (Unix sockets in a private folder per kernel), so concurrent start-ups
  cannot collide on TCP ports (papermill #511, jupyter_client #487) and no kernel listens on
  the network.
* Workers are long-lived processes (papermill and nbconvert are imported once per worker), each
  running one job at a time. A worker that dies (an out-of-memory kill, a segfault, a notebook
  that kills it) takes down only the job it ran: that job is retried once on a new worker, then
  marked failed with the reason; the other jobs go on.
* A job past its time limit has its worker stopped (with its kernel) and is marked failed.
* A worker exits when its parent is gone (a watch thread), taking its kernel with it; the
  parent stops every worker when it is interrupted (:meth:`WorkerPool.close`).
* Nothing is left in the temporary folder: a kernel's sockets and connection file live in one
  folder, ``$TMPDIR/guilin-kernel-<worker pid>-XXXX`` (or under ``/tmp`` when ``$TMPDIR`` is too
  long for a Unix socket's path, :func:`kernel_root`), removed when the kernel ends, when its
  worker is stopped (a time limit, SIGTERM, SIGHUP, its parent gone) and, for a worker killed
  with SIGKILL along with its build, by the next kernel start of any build, which sweeps the
  folders of processes that no longer run.
* A cell's output is capped (``Job.max_output`` bytes, ``--max-output-mb``): beyond it, the
  page and the published notebook show what fits and say what was cut; the notebook's log
  keeps the whole output (:func:`cap_outputs`).
* Error texts name no folder of the building machine (:func:`rewrite_paths`).

The builder sees only an :class:`Executor` (``run(jobs, done)``, ``close()``): the
:class:`WorkerPool` here, or in tests an in-process fake that "executes" a notebook by writing a
prepared one with outputs, then hands it to :func:`finish`, the same path a real run takes.
"""
from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Callable, Protocol

from .errors import describe_os_error
from .params import DEFAULT_MAX_OUTPUT_MB, DEFAULT_TIMEOUT

KERNEL_NAME = "python3"
KERNEL_PREFIX = "guilin-kernel-"  # + the pid of the process that started the kernel + "-"
SHORT_ROOT = "/tmp"                # the kernel folders' root when the temporary folder's path is too long
# A Unix socket's path has at most 107 bytes (Linux; 103 on macOS). A kernel's sockets are
# <root>/guilin-kernel-<pid>-XXXXXXXX/kernel-<n>: this leaves room for the folder's name (a pid
# of up to 10 digits, mkdtemp's 8 characters) and a socket number of up to 5 digits.
SOCKET_PATH_MAX = 103
_SOCKET_TAIL = len(f"/{KERNEL_PREFIX}{'9' * 10}-XXXXXXXX/kernel-99999")
_STOP_GRACE = 5.0              # seconds a stopped worker gets to end its kernel before SIGKILL


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed and not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # another user's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as info:
            return info.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):    # no /proc (macOS): it runs
        return True


def _fits(root: str) -> bool:
    return len(os.fsencode(os.path.abspath(root))) + _SOCKET_TAIL <= SOCKET_PATH_MAX


def kernel_root() -> str:
    """The folder the kernel folders go in: the temporary folder, or, when its path is too long
    for the kernels' Unix sockets (a deep ``$TMPDIR``, pytest's folders), :data:`SHORT_ROOT`."""
    root = tempfile.gettempdir()
    if _fits(root):
        return root
    if _fits(SHORT_ROOT) and os.path.isdir(SHORT_ROOT) and os.access(SHORT_ROOT, os.W_OK | os.X_OK):
        return SHORT_ROOT
    raise OSError(f"the temporary folder's path (TMPDIR) is too long for a kernel's sockets "
                  f"and {SHORT_ROOT} is not a writable folder: set TMPDIR to a shorter folder")


def _kernel_roots() -> list[str]:
    """Where kernel folders may be: the temporary folder and the short root."""
    roots = [os.path.abspath(tempfile.gettempdir())]
    if os.path.abspath(SHORT_ROOT) not in roots:
        roots.append(os.path.abspath(SHORT_ROOT))
    return roots


def _kernel_folders(pid: int | None = None) -> list[Path]:
    """This user's kernel folders (in the temporary folder or the short root), of process
    ``pid`` or of any."""
    found = []
    for root in _kernel_roots():
        with contextlib.suppress(OSError):
            for entry in os.scandir(root):
                owner, sep, _ = entry.name[len(KERNEL_PREFIX):].partition("-")
                if (entry.name.startswith(KERNEL_PREFIX) and sep and owner.isascii() and owner.isdigit()
                        and (pid is None or int(owner) == pid)
                        and entry.is_dir(follow_symlinks=False)
                        and entry.stat(follow_symlinks=False).st_uid == os.getuid()):
                    found.append(Path(entry.path))
    return found


def remove_kernel_folders(pid: int) -> None:
    """Remove the kernel folders of process ``pid`` (a stopped or dead worker)."""
    for folder in _kernel_folders(pid):
        shutil.rmtree(folder, ignore_errors=True)


def sweep_kernel_folders() -> None:
    """Remove the kernel folders of processes that no longer run (builds killed with SIGKILL)."""
    for folder in _kernel_folders():
        if not _alive(int(folder.name[len(KERNEL_PREFIX):].partition("-")[0])):
            shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def ipc_kernel_config():
    """Kernel settings for IPC transport: Unix sockets and the connection file in a private
    folder named for this process (in :func:`kernel_root`, so the sockets' paths fit), removed
    afterwards (stale ones of dead processes first).

    No TCP ports, so kernels started at the same time cannot collide (papermill #511,
    jupyter_client #487), and no kernel listens on the network.
    """
    from traitlets.config import Config

    sweep_kernel_folders()
    sockets = tempfile.mkdtemp(prefix=f"{KERNEL_PREFIX}{os.getpid()}-", dir=kernel_root())
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(sockets, "kernel")
    config.KernelManager.connection_file = os.path.join(sockets, "kernel.json")
    try:
        yield config
    finally:
        shutil.rmtree(sockets, ignore_errors=True)


@dataclass
class Job:
    """One notebook in one language."""

    name: str
    source: Path
    lang: str
    parameters: dict
    key: str
    staging: Path
    timeout: int | None = DEFAULT_TIMEOUT
    with_code: bool = False
    chrome: object = None          # a site.Chrome: the page's header and footer
    data_dir: str | None = None    # the data package the page's tables and charts link back to
    max_output: int | None = DEFAULT_MAX_OUTPUT_MB * 10**6   # bytes of output per cell on the page
    render_inputs: str = ""        # the page's render inputs besides its executed notebook (.plan)

    @property
    def log(self) -> Path:
        return self.staging / f"{self.name}.log"


@dataclass
class Result:
    name: str
    lang: str
    status: str
    duration: float
    error: str = ""
    title: str = ""
    files: dict = field(default_factory=dict)   # published path (relative to the language) -> staged file
    findings: list = field(default_factory=list)  # the notebook's key findings, in the job's language
    timings: dict = field(default_factory=dict)   # where the job's time went (see _timings)
    ids: list = field(default_factory=list)       # the data ids its outputs declare
    key_figures: list = field(default_factory=list)  # the key figures its outputs declare


class Executor(Protocol):
    """What runs the notebooks of a build: :class:`WorkerPool`, or a fake in tests."""

    def run(self, jobs: list[Job], done: Callable[[Job, Result], None]) -> None:
        """Run every job, calling ``done(job, result)`` as each one ends."""

    def close(self) -> None:
        """Stop whatever :meth:`run` started (also after an interrupt)."""


# ---------------------------------------------------------------- in the worker

def run_job(job: Job) -> Result:
    """Execute one notebook in a fresh kernel over IPC and stage its page, notebook, figures and log."""
    start = time.perf_counter()
    job.staging.mkdir(parents=True, exist_ok=True)
    executed = job.staging / f"{job.name}.ipynb"
    # The kernel inherits this worker's stdout and stderr: send both to the notebook's log.
    saved = [os.dup(1), os.dup(2)]
    with open(job.log, "ab") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
    try:
        return _run_job(job, executed, start)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, saved_fd in zip((1, 2), saved):
            os.dup2(saved_fd, fd)
            os.close(saved_fd)


def _run_job(job: Job, executed: Path, start: float) -> Result:
    import papermill
    from papermill.exceptions import PapermillExecutionError

    status, error = "ok", ""
    cpu_start, children_start = time.process_time(), _children_cpu()
    try:
        with ipc_kernel_config() as config:
            papermill.execute_notebook(
                str(job.source), str(executed), parameters=job.parameters, kernel_name=KERNEL_NAME,
                progress_bar=False, cwd=str(job.source.parent), execution_timeout=job.timeout,
                request_save_on_cell_execute=False, config=config)
    except PapermillExecutionError as err:
        status, error = "failed", f"cell {err.exec_count}: {err.ename}: {err.evalue}"
    except OSError as err:               # a full disk, an unreadable notebook
        status, error = "failed", describe_os_error(err)
    except Exception as err:             # a dead kernel, a cell timeout, an invalid notebook
        status, error = "failed", _one_line(f"{type(err).__name__}: {err}")
    ran = time.perf_counter() - start
    measured = (ran, time.process_time() - cpu_start, _children_cpu() - children_start + _warm_kernel_cpu(),
                time.process_time())
    return finish(job, executed, status, error, start, measured)


def finish(job: Job, executed: Path, status: str, error: str, start: float, measured=None) -> Result:
    """After a run (real or fake): stage the executed notebook without local paths (its outputs
    capped per cell, the log keeping what was cut), and, when it ran through, its page and
    figures (:func:`.pages.render_page`). ``measured`` is what :func:`_run_job` timed."""
    import nbformat

    from .pages import render_page

    files = {f"logs/{job.name}.log": job.log}
    title = ""
    rendered = None
    nb = None
    if executed.exists():
        try:
            nb = nbformat.read(executed, as_version=4)
        except Exception as err:  # e.g. cut short by a full disk
            if status == "ok":
                status, error = "failed", _one_line(f"the executed notebook cannot be read: "
                                                    f"{type(err).__name__}: {err}")
    if nb is not None:
        cuts = cap_outputs(nb, job.max_output) if job.max_output else []
        try:
            _log_cuts(job, cuts)
            _mark_cuts(nb, cuts, job)          # in the published notebook too, so a re-render keeps it
            nb = _without_local_paths(nb, job, executed)
        except OSError as err:
            if status == "ok":
                status, error = "failed", describe_os_error(err, "writing the executed notebook")
        files[f"notebooks/{job.name}.ipynb"] = executed
        if status == "ok":
            try:
                source = nbformat.read(job.source, as_version=4)
                rendered = render_page(nb, source, stem=job.name, lang=job.lang, with_code=job.with_code,
                                       chrome=job.chrome, built_at=_now(), data_dir=job.data_dir)
                title = rendered.title
                files.update(stage_page(job, rendered))
            except OSError as err:
                status, error = "failed", describe_os_error(err, "writing the page")
                files = {k: v for k, v in files.items() if not k.endswith(".html") and not k.startswith("figures/")}
            except ValueError as err:      # the source changed under the build
                status, error = "failed", _one_line(f"the page cannot be made: {err}")
    error = rewrite_paths(error, job)
    timings = {}
    if measured is not None:
        ran, run_cpu, kernel_cpu, cpu_mark = measured
        timings = _timings(nb, ran, time.perf_counter() - start - ran, run_cpu, kernel_cpu,
                           time.process_time() - cpu_mark)
    return Result(job.name, job.lang, status, time.perf_counter() - start, error, title, files,
                  rendered.findings if rendered else [], timings,
                  rendered.ids if rendered else [], rendered.key_figures if rendered else [])


def stage_page(job: Job, rendered) -> dict:
    """Write a rendered page and its figures (PNGs, and SVG/PDF when asked for) into the job's
    staging folder; their published paths (relative to the language) -> staged files."""
    files = {}
    page = job.staging / f"{job.name}.html"
    job.staging.mkdir(parents=True, exist_ok=True)
    page.write_text(rendered.html, encoding="utf-8")
    files[f"{job.name}.html"] = page
    for rel, content in rendered.figures.items():
        staged = job.staging / rel.rpartition("/")[2]
        staged.write_bytes(content)
        files[rel] = staged
    return files


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _warm_kernel_cpu() -> float:
    """CPU of the warm kernels this worker's zygote has reaped since last asked (0 when cold)."""
    from . import warm

    zygote = warm.current()
    return zygote.take_cpu() if zygote is not None else 0.0


def _timings(nb, ran: float, rendered: float, client_cpu: float, kernel_cpu: float, render_cpu: float) -> dict:
    """Where a job's time went, in seconds: wall time to start the kernel (papermill's start to
    the first cell's start), of the first code cell (imports and data loading, by the notebooks'
    convention), of the other cells, of the page export; CPU of the kernel, of the worker while it
    drove the kernel, and of the export."""
    import datetime as dt

    def when(text):
        try:
            return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        except ValueError:
            return None

    cells = [c for c in (nb.cells if nb is not None else []) if c.cell_type == "code"
             and "injected-parameters" not in c.metadata.get("tags", [])
             and "parameters" not in c.metadata.get("tags", [])]
    durations = [float(c.metadata.get("papermill", {}).get("duration") or 0) for c in cells]
    started = when(nb.metadata.get("papermill", {}).get("start_time")) if nb is not None else None
    first = when(cells[0].metadata.get("papermill", {}).get("start_time")) if cells else None
    kernel_start = max(0.0, (first - started).total_seconds()) if started and first else 0.0
    return {"kernel_start_s": round(kernel_start, 3), "first_cell_s": round(durations[0] if durations else 0.0, 3),
            "other_cells_s": round(sum(durations[1:]), 3), "run_s": round(ran, 3), "render_s": round(rendered, 3),
            "kernel_cpu_s": round(kernel_cpu, 3), "client_cpu_s": round(client_cpu, 3),
            "render_cpu_s": round(render_cpu, 3)}


def _local_paths(job: Job) -> list[tuple[str, str]]:
    """The building machine's folders a notebook's files and errors may name, longest first,
    each with the name a reader of the published report can follow."""
    from .paths import REPO_ROOT
    from .cache import data_label

    replace = {str(Path.home()): "~", str(job.staging): "notebooks", str(job.source.parent): "notebooks",
               str(REPO_ROOT): "."}
    if job.data_dir:
        replace[str(job.data_dir)] = data_label(Path(job.data_dir))
    return [(local, shown) for local, shown in sorted(replace.items(), key=lambda kv: -len(kv[0]))
            if len(local) > 1]


def rewrite_paths(text: str, job: Job) -> str:
    """``text`` (an error) with the building machine's folders named as :func:`_local_paths` does."""
    for local, shown in _local_paths(job):
        text = text.replace(local, shown)
    return text


def _without_local_paths(nb, job: Job, executed: Path):
    """The executed notebook without the building machine's folders: papermill records the
    input and output paths and the injected parameters (``data_dir``); tracebacks name files of
    the repository. Each becomes the name a reader of the published report can follow."""
    import json

    import nbformat

    text = nbformat.writes(nb)
    for local, shown in _local_paths(job):
        text = text.replace(json.dumps(local)[1:-1], json.dumps(shown)[1:-1])
    cleaned = nbformat.reads(text, as_version=4)
    executed.write_text(text, encoding="utf-8")
    return cleaned


@dataclass
class Cut:
    """A cell whose output was cut: its position (1 = the first cell), the bytes of output it
    made and kept, and its outputs as they were (for the log)."""

    cell: int
    size: int
    kept: int
    outputs: list = field(default_factory=list, repr=False, compare=False)


def _output_size(output) -> int:
    kind = output.get("output_type")
    if kind == "stream":
        return len(str(output.get("text", "")).encode())
    if kind == "error":
        return sum(len(str(line).encode()) for line in output.get("traceback", [])) + len(str(output.get("evalue", "")))
    return sum(len(v.encode()) if isinstance(v, str) else len(json.dumps(v).encode())
               for v in output.get("data", {}).values())


def _text_prefix(text: str, size: int) -> str:
    return text.encode()[:max(0, size)].decode("utf-8", errors="ignore")


def _megabytes(size: int) -> str:
    return f"{size / 10**6:.1f} MB"


def cap_outputs(nb, limit: int) -> list[Cut]:
    """Cut every cell's outputs to at most ``limit`` bytes (text and images alike), in place.

    Outputs are kept in order while they fit; the one that does not is cut (a stream or a
    traceback to its first bytes, a rich output to its plain text if that fits, else dropped),
    the rest dropped, and a last line says what was cut. Returns one :class:`Cut` per cell cut.
    """
    import nbformat

    cuts = []
    for number, cell in enumerate(nb.cells, 1):
        outputs = cell.get("outputs") or []
        sizes = [_output_size(o) for o in outputs]
        if sum(sizes) <= limit:
            continue
        kept, budget = [], limit
        for output, size in zip(outputs, sizes):
            if size <= budget:
                kept.append(output)
                budget -= size
                continue
            kind = output.get("output_type")
            if kind == "stream" and budget > 0:
                kept.append(nbformat.v4.new_output("stream", name=output.get("name", "stdout"),
                                                   text=_text_prefix(str(output.get("text", "")), budget)))
            elif kind == "error" and budget > 0:
                trimmed = nbformat.from_dict(dict(output))
                trimmed["traceback"] = [_text_prefix("\n".join(map(str, output.get("traceback", []))), budget)]
                kept.append(trimmed)
            elif kind in ("display_data", "execute_result"):
                plain = str(output.get("data", {}).get("text/plain", ""))
                if plain and len(plain.encode()) <= budget:
                    kept.append(nbformat.v4.new_output("display_data", data={"text/plain": plain}))
            break
        kept_size = sum(_output_size(o) for o in kept)
        kept.append(nbformat.v4.new_output("stream", name="stdout", text=(
            f"\n[guilin-report: output cut here; this cell made {_megabytes(sum(sizes))} of output, "
            f"the page keeps {_megabytes(kept_size)} (--max-output-mb); the full output is in the log]\n")))
        cell["outputs"] = kept
        cuts.append(Cut(number, sum(sizes), kept_size, outputs))
    return cuts


def _log_cuts(job: Job, cuts: list[Cut]) -> None:
    """Append the full output of every cut cell to the notebook's log (streams as text, other
    outputs as JSON), then let the originals go."""
    if not cuts:
        return
    with open(job.log, "a", encoding="utf-8") as log:
        for cut in cuts:
            log.write(f"\n[guilin-report] cell {cut.cell} made {_megabytes(cut.size)} of output; the page "
                      f"shows {_megabytes(cut.kept)}; the full output follows\n")
            for output in cut.outputs:
                if output.get("output_type") == "stream":
                    log.write(str(output.get("text", "")))
                else:
                    log.write(json.dumps(output, ensure_ascii=False) + "\n")
            log.write(f"\n[guilin-report] end of cell {cut.cell}'s output\n")
            cut.outputs = []


_CUT_NOTE = {
    "en": ("**Output cut.** {cells} made more output than a page keeps (`--max-output-mb`); "
           "the page shows the first part. The full output is in [{log}]({log})."),
    "zh": ("**输出已截断**：{cells}的输出超过了一页所能保留的上限（`--max-output-mb`），"
           "本页只显示前面部分；完整输出见[{log}]({log})。"),
}


def _mark_cuts(nb, cuts: list[Cut], job: Job) -> None:
    """Say under the page's title which cells were cut, and where their full output is."""
    if not cuts:
        return
    import nbformat

    if job.lang == "zh":
        cells = "、".join(f"第{c.cell}个单元格（{_megabytes(c.size)}，保留{_megabytes(c.kept)}）"
                         for c in cuts)
    else:
        cells = ", ".join(f"cell {c.cell} ({_megabytes(c.size)}, {_megabytes(c.kept)} kept)" for c in cuts)
        cells = cells[0].upper() + cells[1:]
    from .pages import NOTE_TAG

    note = nbformat.v4.new_markdown_cell(_CUT_NOTE.get(job.lang, _CUT_NOTE["en"]).format(
        cells=cells, log=f"logs/{job.name}.log"))
    note.metadata["tags"] = [NOTE_TAG]
    first = next((n for n, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    nb.cells.insert(first + 1, note)


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return (lines[0] if lines else "")[:500]


def _end_children_and_exit(code: int) -> None:
    """Kill this worker's kernel (and anything else it started), remove its kernel folders,
    then exit at once."""
    try:
        psutil = _psutil                           # imported by _worker_signals: no import in a handler
        if psutil is None:
            import psutil
        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
    except Exception:
        pass
    with contextlib.suppress(Exception):
        remove_kernel_folders(os.getpid())
    os._exit(code)


def _watch_parent(parent: int) -> None:
    if threading.current_thread() is not threading.main_thread():   # signals go to the main thread
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
    while os.getppid() == parent:
        time.sleep(0.5)
    _end_children_and_exit(1)


_psutil = None


def _worker_signals() -> None:
    """A worker ignores SIGINT (the parent decides what an interrupt ends); SIGTERM and SIGHUP
    end its kernel and its kernel folder with it. psutil (a dependency of ipykernel) is imported
    here, before any handler can run: a signal handler that imports can block on an import lock
    a thread of the forking process held (seen as a worker that never ended on SIGHUP)."""
    global _psutil
    import psutil

    _psutil = psutil
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: _end_children_and_exit(143))
    signal.signal(signal.SIGHUP, lambda *_: _end_children_and_exit(129))


def _worker_main(conn, parent: int, preload: list[str] | None = None) -> None:
    """A worker: run the jobs the parent sends, one at a time, until told to stop.

    With ``preload`` (modules), the worker first starts its warm-kernel zygote (:mod:`.warm`),
    before it has any thread, and its kernels are forked from it."""
    _worker_signals()
    if preload is not None:
        from . import warm

        warm.start(preload)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        _serve(conn)
    finally:
        if preload is not None:
            from . import warm

            warm.stop()                 # the zygote ends (and is waited for: its CPU is counted)


def _serve(conn) -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = run_job(job)
        except Exception as err:  # anything run_job did not foresee still ends as one result
            result = Result(job.name, job.lang, "failed", 0.0,
                            rewrite_paths(_one_line(f"{type(err).__name__}: {err}"), job),
                            files={f"logs/{job.name}.log": job.log} if job.log.exists() else {})
        conn.send(result)


# ---------------------------------------------------------------- in the parent

@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    job: Job | None = None
    attempt: int = 0
    started: float = 0.0


def _signal_name(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


class WorkerPool:
    """Up to ``size`` worker processes; :meth:`run` gives each job to the next free worker."""

    def __init__(self, size: int, preload: list[str] | None = None):
        self.size = max(1, size)
        self.preload = preload
        # What every worker imports, imported once here: the workers (forked) and their zygotes
        # inherit it. nbformat imports jsonschema, whose import builds a parser (about 1.4 s of
        # CPU); without this every worker and every zygote would build it again.
        import nbconvert  # noqa: F401
        import papermill  # noqa: F401
        self.workers: list[_Worker] = []
        self._context = multiprocessing.get_context()

    def _start(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child_end, os.getpid(), self.preload),
                                        name="guilin-worker", daemon=True)
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        """Stop one worker and its kernel: SIGTERM, then SIGKILL after a grace period."""
        if worker.process.is_alive():
            worker.process.terminate()
            worker.process.join(_STOP_GRACE)
            if worker.process.is_alive():
                worker.process.kill()
        worker.process.join()
        remove_kernel_folders(worker.process.pid)      # left when it was killed (SIGKILL)
        worker.conn.close()
        self.workers.remove(worker)

    def run(self, jobs: list[Job], done) -> None:
        """Run every job, calling ``done(job, result)`` in the parent as each one ends."""
        pending = deque((job, 1) for job in jobs)
        while pending or any(w.job for w in self.workers):
            while pending:
                worker = next((w for w in self.workers if w.job is None), None)
                if worker is None:
                    if len(self.workers) >= self.size:
                        break
                    worker = self._start()
                job, attempt = pending.popleft()
                try:
                    worker.conn.send(job)
                except OSError:                   # an idle worker that is gone: replace it
                    pending.appendleft((job, attempt))
                    self._stop(worker)
                    continue
                worker.job, worker.attempt, worker.started = job, attempt, time.monotonic()
            busy = [w for w in self.workers if w.job is not None]
            deadlines = [w.started + w.job.timeout for w in busy if w.job.timeout]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = wait_for([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout)
            for worker in busy:
                job = worker.job
                if worker.conn in ready or worker.process.sentinel in ready:
                    result = None
                    if worker.conn in ready:
                        with contextlib.suppress(EOFError, OSError):
                            result = worker.conn.recv()
                    if result is not None:
                        worker.job = None
                        done(job, result)
                        continue
                    worker.process.join()
                    reason = _signal_name(worker.process.exitcode)
                    self._stop(worker)
                    if worker.attempt == 1:
                        _note(job.log, f"the worker process died ({reason}); running the notebook once more")
                        pending.appendleft((job, 2))
                    else:
                        done(job, _lost(job, worker, f"its worker process died twice ({reason})"))
                elif job.timeout and time.monotonic() >= worker.started + job.timeout:
                    self._stop(worker)
                    done(job, _lost(job, worker, f"timed out after {job.timeout} s (--timeout); "
                                                 f"its kernel was stopped"))

    def close(self) -> None:
        """Stop every worker (and so its kernel); idle ones are told to exit, busy ones stopped."""
        for worker in list(self.workers):
            if worker.job is None and worker.process.is_alive():
                with contextlib.suppress(OSError):
                    worker.conn.send(None)
        for worker in list(self.workers):
            if worker.job is None:
                worker.process.join(_STOP_GRACE)
            self._stop(worker)


def _note(log: Path, line: str) -> None:
    """Append the builder's own line to a notebook's kernel log (the log exists for every job)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"\n[guilin-report] {line}\n")


def _lost(job: Job, worker: _Worker, reason: str) -> Result:
    """The result of a job whose worker was lost: failed, with its log as the error log."""
    _note(job.log, reason)
    return Result(job.name, job.lang, "failed", time.monotonic() - worker.started, reason,
                  files={f"logs/{job.name}.log": job.log})
