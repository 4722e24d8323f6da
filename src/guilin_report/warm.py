"""Warm kernels: a fresh kernel per notebook, forked from a process that has already imported
the heavy libraries, so that no kernel pays for importing them again.

A cold kernel spends most of its start-up importing: ipykernel and IPython, then, in the
notebook's first cell, pandas, matplotlib, seaborn and the project's own library. Every kernel
of a build imports the same modules, so each worker process keeps one *zygote*: a process forked
from the worker before the worker starts any thread, which imports those modules once and then
waits. For each notebook, the kernel provisioner (:class:`WarmProvisioner`, registered as
``guilin-warm`` in the entry point group ``jupyter_client.kernel_provisioners`` and chosen by
:func:`use_warm_kernels`) asks the zygote for a kernel; the zygote forks a child, which becomes the
kernel (``ipykernel``'s own start-up, with the connection file jupyter_client wrote). Pages of
memory are shared copy-on-write; nothing is shared at the Python level beyond modules that
were imported and never run, so each notebook still starts from an empty namespace in a process
of its own, exactly as with a cold kernel.

What keeps it sound:

* The zygote is forked before the worker has any thread, imports without starting threads
  (BLAS and OpenMP thread pools are pinned to one thread first) and checks that it still has
  one thread before every fork. If a module cannot be imported, it is skipped (the kernel
  imports it as usual); if the zygote cannot be started or dies, kernels start cold.
* A kernel child starts a new session (its own process group, as jupyter_client's launcher
  does), so interrupts and kills reach it and its children; its stdout and stderr go where the
  worker's go (the notebook's log). The zygote reaps its children and reports each exit status
  and CPU time; when the worker goes away, the zygote kills its kernels and exits.
* Only the kernel command of this very interpreter (``<python> -m ipykernel_launcher …``) is
  forked; any other kernel command is run with ``exec`` from the child, i.e. cold.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
from typing import Any

from jupyter_client.provisioning.local_provisioner import LocalProvisioner

PROVISIONER = "guilin-warm"
#: In a warm kernel's environment: the pid of the worker that asked for it (its parent is the zygote).
WORKER_PID = "GUILIN_REPORT_WORKER_PID"
#: Modules every kernel imports (ipykernel's own start-up).
KERNEL_MODULES = ["ipykernel.kernelapp", "ipykernel.ipkernel", "IPython", "matplotlib_inline.backend_inline"]
#: Thread pools of numerical libraries, pinned so that importing them starts no thread.
_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

_zygote: "Zygote | None" = None


def use_warm_kernels() -> None:
    """Make this process's kernels start through :class:`WarmProvisioner` (jupyter_client's
    provisioner factory is a process-wide singleton, not configured per kernel manager)."""
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    KernelProvisionerFactory.instance().default_provisioner_name = PROVISIONER


def start(modules: list[str]) -> "Zygote | None":
    """Start this process's zygote (call before starting any thread); ``None`` if it cannot start."""
    global _zygote
    if _zygote is None and hasattr(os, "fork"):
        try:
            _zygote = Zygote(modules)
        except OSError:
            _zygote = None
        else:
            use_warm_kernels()
    return _zygote


def current() -> "Zygote | None":
    return _zygote if _zygote is not None and _zygote.alive() else None


def stop() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


# ---------------------------------------------------------------- in the worker

class Zygote:
    """The worker's end of a zygote: one request at a time over a Unix socket pair."""

    def __init__(self, modules: list[str]):
        here, there = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:                                    # the zygote
            here.close()
            code = 1
            try:
                code = _zygote_main(there, modules)
            finally:
                os._exit(code)
        there.close()
        self.pid, self.sock = pid, here
        self.file = here.makefile("rwb", buffering=0)
        self.lock = threading.Lock()
        self.ready = self._ask({"op": "ready"})         # waits until the modules are imported

    def _ask(self, request: dict, fds: list[int] = ()) -> dict:
        with self.lock:
            self.file.write(json.dumps(request).encode() + b"\n")
            if fds:                                     # after the line: one byte carrying the fds
                socket.send_fds(self.sock, [b"F"], list(fds))
            line = self.file.readline()
        if not line:
            raise OSError("the warm-kernel process has gone")
        return json.loads(line)

    def alive(self) -> bool:
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def spawn(self, cmd: list[str], env: dict, cwd: str | None) -> int:
        """Fork a kernel running ``cmd``, with this process's current stdout and stderr; its pid."""
        answer = self._ask({"op": "spawn", "cmd": cmd, "env": env, "cwd": cwd}, fds=[1, 2])
        if "error" in answer:
            raise OSError(answer["error"])
        return int(answer["pid"])

    def status(self, pid: int) -> tuple[int | None, float]:
        """``(exit code or None while it runs, CPU seconds of the ended kernel)``."""
        answer = self._ask({"op": "status", "pid": pid})
        return answer.get("code"), float(answer.get("cpu", 0.0))

    def take_cpu(self) -> float:
        """CPU seconds of the kernels reaped since the last call."""
        try:
            return float(self._ask({"op": "cpu"}).get("cpu", 0.0))
        except OSError:
            return 0.0

    def close(self) -> None:
        try:
            self.file.close()               # the socket closes only once its file is closed too
            self.sock.close()
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass


class _Forked:
    """A forked kernel as jupyter_client's provisioner sees a ``Popen``."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode, _ = self.zygote.status(self.pid)
            except OSError:                      # the zygote is gone, and it took its kernels
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still runs")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching through the worker's zygote when it has one."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        zygote = current()
        if zygote is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        env[WORKER_PID] = str(os.getpid())            # the kernel's parent is the zygote; this is its worker
        cwd = kwargs.get("cwd")
        try:
            pid = zygote.spawn(list(cmd), env, None if cwd is None else str(cwd))
        except OSError as err:                        # e.g. a thread in the zygote: start it cold
            self.log.warning("warm kernel not available (%s); starting a cold kernel", err)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = _Forked(zygote, pid)
        self.pid = self.pgid = pid                    # the kernel leads its own session and group
        self.cwd = cwd or os.getcwd()
        return self.connection_info


# ---------------------------------------------------------------- in the zygote

def _zygote_main(sock: socket.socket, modules: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.update(_ONE_THREAD)
    # as ipykernel sets it for its kernels, before matplotlib reads it on import
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    imported, failed = [], []
    for name in dict.fromkeys([*KERNEL_MODULES, *modules]):
        try:
            __import__(name)
            imported.append(name)
        except Exception as err:                 # the kernel will import it as usual
            failed.append(f"{name}: {type(err).__name__}")
    kernels: dict[int, None] = {}
    ended: dict[int, tuple[int, float]] = {}
    counted = [0.0]                               # CPU already reported by "cpu"

    def reap() -> None:
        for pid in list(kernels):
            try:
                done, status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                done, status, usage = pid, 0, None
            if done:
                kernels.pop(pid)
                code = os.waitstatus_to_exitcode(status) if usage is not None else 0
                ended[pid] = (code, (usage.ru_utime + usage.ru_stime) if usage else 0.0)

    stream = sock.makefile("rwb", buffering=0)
    try:
        for line in stream:
            request = json.loads(line)
            op = request.get("op")
            if op == "ready":
                answer = {"imported": imported, "failed": failed}
            elif op == "spawn":
                _, fds, _, _ = socket.recv_fds(sock, 1, 2)
                reap()
                threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
                if threads != 1 or threading.active_count() != 1:
                    answer = {"error": f"the warm-kernel process has {threads} threads; a fork is unsafe"}
                else:
                    pid = os.fork()
                    if pid == 0:
                        stream.close()
                        sock.close()
                        _kernel_main(request["cmd"], request["env"], request.get("cwd"), fds)
                    kernels[pid] = None
                    answer = {"pid": pid}
                for fd in fds:
                    os.close(fd)
            elif op == "cpu":
                reap()
                answer = {"cpu": sum(cpu for _, cpu in ended.values()) - counted[0]}
                counted[0] += answer["cpu"]
            elif op == "status":
                reap()
                pid = int(request["pid"])
                if pid in ended:
                    code, cpu = ended[pid]
                    answer = {"code": code, "cpu": cpu}
                elif pid in kernels:
                    answer = {"code": None}
                else:
                    answer = {"code": 0}
            else:
                answer = {"error": f"unknown request {op!r}"}
            stream.write(json.dumps(answer).encode() + b"\n")
    except (OSError, ValueError):
        pass
    finally:                                      # the worker has gone: so do its kernels
        for pid in list(kernels):
            # the group (the kernel and what it started), and the kernel itself: a child forked an
            # instant ago may not lead its group yet, and would outlive a killpg alone
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return 0


def _kernel_main(cmd: list[str], env: dict, cwd: str | None, fds: list[int]) -> None:
    """In the forked child: become the kernel that ``cmd`` would have started, writing to the
    worker's stdout and stderr (``fds``). Never returns."""
    code = 1
    try:
        os.setsid()
        for target, fd in zip((1, 2), fds):
            os.dup2(fd, target)
        for fd in fds:
            os.close(fd)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        if cwd:
            os.chdir(cwd)
        env = {**env, "JPY_PARENT_PID": str(os.getppid())}   # the kernel ends when the zygote does
        os.environ.clear()
        os.environ.update(env)
        same_python = cmd[:1] and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
        if same_python and cmd[1:3] == ["-m", "ipykernel_launcher"]:
            # ipykernel read JPY_PARENT_PID when the zygote imported it: say it on the command line
            sys.argv = ["ipykernel_launcher", *cmd[3:], f"--IPKernelApp.parent_handle={os.getppid()}"]
            from ipykernel import kernelapp

            kernelapp.launch_new_instance()
            code = 0
        else:
            os.execvpe(cmd[0], cmd, env)
    except SystemExit as err:
        code = err.code if isinstance(err.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
