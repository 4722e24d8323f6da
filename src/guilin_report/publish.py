"""Publishing as one transaction: stage every file, then put them in place together.

In: files staged under ``<out>/.staging-XXXX/`` (pages, executed notebooks, figures, logs, then
each language's manifest and index). Out: the same files under ``<out>/<lang>/``.

:meth:`Transaction.commit` first writes a journal (``COMMIT.json``, itself written under a
temporary name and renamed) listing every rename and deletion, then applies them with SIGINT
and SIGTERM held back, the manifests and indexes last. A build killed during the commit leaves
the journal; the next build, holding the lock, finishes the renames before anything else
(:func:`recover_staging`), and removes staging that never reached its journal. So the
index, the manifest and the pages describe the same build.

Published files get the permissions of ordinary new files (``0666`` less the umask), the index
and manifest the same as the pages.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .errors import LockTimeout

STAGING_PREFIX = ".staging-"
JOURNAL = "COMMIT.json"
LOCK_NAME = ".build.lock"
_LAST = ("manifest.json", "index.html")          # put in place after every page they describe


def file_mode() -> int:
    """The mode of an ordinary new file under the current umask (e.g. 0o644 under umask 022)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new, never half.

    The file gets the mode of an ordinary new file (``mkstemp`` alone would leave it 0600).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_file(path: Path, data: bytes | str) -> None:
    """Write a staged file (an ordinary ``open``: the umask sets its mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextlib.contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM back (in the main thread) until the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Transaction:
    """Files staged under ``<out>/.staging-XXXX`` and published together by :meth:`commit`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.root = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out))
        self.moves: dict[str, Path] = {}        # published path (relative to out) -> staged file
        self.deletions: set[str] = set()
        self.journaled = False                  # the journal is written: publication has begun
        self.committed = False

    def folder(self, *parts: str) -> Path:
        """A folder inside the staging area (for a worker to write a notebook's files into)."""
        path = self.root.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def add(self, rel: str, staged: Path) -> None:
        """Publish the staged file ``staged`` (inside the staging area) as ``<out>/<rel>``."""
        self.moves[rel] = Path(staged)
        self.deletions.discard(rel)

    def write(self, rel: str, data: bytes | str) -> None:
        """Stage ``data`` to be published as ``<out>/<rel>``."""
        staged = self.root / "files" / rel
        write_file(staged, data)
        self.add(rel, staged)

    def delete(self, rel: str) -> None:
        """Remove ``<out>/<rel>`` when the transaction commits."""
        if rel not in self.moves:
            self.deletions.add(rel)

    def __bool__(self) -> bool:
        return bool(self.moves or self.deletions)

    def commit(self) -> None:
        """Publish every staged file and deletion, the manifests and indexes last."""
        order = sorted(self.moves, key=lambda rel: (Path(rel).name in _LAST and rel.count("/") == 1,
                                                     Path(rel).name == "index.html", rel))
        journal = {"deletions": sorted(self.deletions),
                   "moves": [[self.moves[rel].relative_to(self.root).as_posix(), rel] for rel in order]}
        with signals_held():
            tmp = self.root / f".{JOURNAL}.tmp"
            write_file(tmp, json.dumps(journal, ensure_ascii=False, indent=1))
            os.replace(tmp, self.root / JOURNAL)
            self.journaled = True
            _apply(self.root, journal, self.out)
            self.committed = True
        self.discard()

    def discard(self) -> None:
        """Remove the staging area (after a commit, or instead of one).

        A commit that began and failed part way (a full disk) keeps its journal and staged
        files: the next build finishes it.
        """
        if self.committed or not self.journaled:
            shutil.rmtree(self.root, ignore_errors=True)


def _apply(root: Path, journal: dict, out: Path) -> None:
    for rel in journal.get("deletions", []):
        (out / rel).unlink(missing_ok=True)
    for staged_rel, rel in journal.get("moves", []):
        staged, target = root / staged_rel, out / rel
        if staged.exists():                       # already moved by an interrupted commit otherwise
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)


def recover_staging(out: Path) -> tuple[int, int]:
    """Finish or remove what an interrupted build left in ``out`` (call it holding the lock).

    A staging folder with a journal was interrupted while publishing: its remaining renames are
    applied. One without a journal never published anything: it is removed. Returns
    ``(finished, removed)``.
    """
    finished = removed = 0
    for folder in sorted(Path(out).glob(f"{STAGING_PREFIX}*")):
        if not folder.is_dir():
            continue
        try:
            journal = json.loads((folder / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if isinstance(journal, dict):
            _apply(folder, journal, Path(out))
            finished += 1
        else:
            removed += 1
        shutil.rmtree(folder, ignore_errors=True)
    return finished, removed


@contextlib.contextmanager
def output_lock(out: Path, wait: float | None, on_wait=None):
    """Hold ``<out>/.build.lock`` for the block: one build per output folder at a time.

    When another build holds it, call ``on_wait()`` and wait at most ``wait`` seconds (``None``:
    without limit); then raise :class:`~.errors.LockTimeout`.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(Path(out) / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait()
        try:
            lock.acquire(timeout=-1 if wait is None else wait)
        except Timeout:
            raise LockTimeout(f"another build has held {Path(out) / LOCK_NAME} for more than "
                              f"{wait:g} s (--wait); nothing was built") from None
    try:
        yield
    finally:
        lock.release()
