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

The builder sees only an :class:`Executor` (``run(jobs, done)``, ``close()``): the
:class:`WorkerPool` here, or in tests an in-process fake that "executes" a notebook by writing a
prepared one with outputs, then hands it to :func:`finish`, the same path a real run takes.
"""
from __future__ import annotations

import contextlib
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
from .params import DEFAULT_TIMEOUT

KERNEL_NAME = "python3"
_STOP_GRACE = 5.0              # seconds a stopped worker gets to end its kernel before SIGKILL


@contextlib.contextmanager
def ipc_kernel_config():
    """Kernel settings for IPC transport: Unix sockets in a private folder, removed afterwards.

    No TCP ports, so kernels started at the same time cannot collide (papermill #511,
    jupyter_client #487), and no kernel listens on the network.
    """
    from traitlets.config import Config

    sockets = tempfile.mkdtemp(prefix="guilin-kernel-")
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = os.path.join(sockets, "kernel")
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
    return finish(job, executed, status, error, start)


def finish(job: Job, executed: Path, status: str, error: str, start: float) -> Result:
    """After a run (real or fake): stage the executed notebook without local paths, and, when it
    ran through, its page and figures (:func:`.pages.render_page`)."""
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
        try:
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
                files = {k: v for k, v in files.items() if not k.endswith((".html", ".png"))}
            except ValueError as err:      # the source changed under the build
                status, error = "failed", _one_line(f"the page cannot be made: {err}")
    return Result(job.name, job.lang, status, time.perf_counter() - start, error, title, files,
                  rendered.findings if rendered else [], rendered.ids if rendered else [],
                  rendered.key_figures if rendered else [])


def stage_page(job: Job, rendered) -> dict:
    """Write a rendered page and its figures into the job's staging folder; their published
    paths (relative to the language) -> staged files."""
    files = {}
    page = job.staging / f"{job.name}.html"
    job.staging.mkdir(parents=True, exist_ok=True)
    page.write_text(rendered.html, encoding="utf-8")
    files[f"{job.name}.html"] = page
    for n, png in enumerate(rendered.images, 1):
        staged = job.staging / f"{job.name}-{n}.png"
        staged.write_bytes(png)
        files[f"figures/{job.name}-{n}.png"] = staged
    return files


def _without_local_paths(nb, job: Job, executed: Path):
    """The executed notebook without the building machine's folders: papermill records the
    input and output paths and the injected parameters (``data_dir``); tracebacks name files of
    the repository. Each becomes the name a reader of the published report can follow."""
    import json

    import nbformat

    from .paths import REPO_ROOT
    from .cache import data_label

    replace = {str(job.staging): "notebooks", str(job.source.parent): "notebooks", str(REPO_ROOT): "."}
    if job.data_dir:
        replace = {str(job.data_dir): data_label(Path(job.data_dir)), **replace}
    text = nbformat.writes(nb)
    for local, shown in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        if len(local) > 1:
            text = text.replace(json.dumps(local)[1:-1], json.dumps(shown)[1:-1])
    cleaned = nbformat.reads(text, as_version=4)
    executed.write_text(text, encoding="utf-8")
    return cleaned


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def _one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return (lines[0] if lines else "")[:500]


def _end_children_and_exit(code: int) -> None:
    """Kill this worker's kernel (and anything else it started), then exit at once."""
    try:
        import psutil   # a dependency of ipykernel

        for child in psutil.Process().children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
    except Exception:
        pass
    os._exit(code)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    _end_children_and_exit(1)


def _worker_main(conn, parent: int) -> None:
    """A worker: run the jobs the parent sends, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)           # the parent decides what an interrupt ends
    signal.signal(signal.SIGTERM, lambda *_: _end_children_and_exit(143))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
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
            result = Result(job.name, job.lang, "failed", 0.0, _one_line(f"{type(err).__name__}: {err}"),
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

    def __init__(self, size: int):
        self.size = max(1, size)
        self.workers: list[_Worker] = []
        self._context = multiprocessing.get_context()

    def _start(self) -> _Worker:
        parent_end, child_end = self._context.Pipe()
        process = self._context.Process(target=_worker_main, args=(child_end, os.getpid()),
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
