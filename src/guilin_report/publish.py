"""Publishing as one transaction: stage every file, then put them in place together.

In: files staged under ``<out>/.staging-XXXX/`` (pages, executed notebooks, figures, logs, then
each language's manifest and index). Out: the same files under ``<out>/<lang>/``.

:meth:`Transaction.commit` first writes a journal (``COMMIT.json``, itself written under a
temporary name and renamed) listing every rename and deletion, then applies them with SIGINT,
SIGTERM and SIGHUP held back, the manifests and indexes last. A build killed during the commit
leaves the journal; the next build, holding the lock, finishes the renames before anything else
(:func:`recover_staging`), and removes staging that never reached its journal. So the
index, the manifest and the pages describe the same build.

Only the tool's own journals are applied. The output folder is writable by others (a web
server's document root, a shared folder), so a ``COMMIT.json`` found there proves nothing by
itself. The builder keeps a secret key *outside* the output folder, in its state folder
(``$GUILIN_REPORT_STATE``, else ``$XDG_STATE_HOME/guilin-report``, else
``~/.local/state/guilin-report``; the file ``journal.key``, mode 0600, made on first use), and
uses it twice (HMAC-SHA-256):

* a staging folder's name carries a tag of its random part (``.staging-<16 hex><16 hex>``), so
  the tool tells its own staging from a user's ``.staging-mysite/``, which it never touches;
* a journal carries a tag of its content and of its folder's name, so a journal written or
  edited by anyone else, or moved from another folder, is not applied.

A key rather than a checksum alone: a checksum anyone can recompute, and an unguessable name
can be read by anyone who can list the folder; the key is readable only by the user who builds.
Even a genuine journal is checked entry by entry before anything is applied: every rename and
deletion must be a plain relative path (:func:`.manifest.is_relative_path`) that stays inside
``--out`` (and its staged file inside the staging folder) once symbolic links are followed.
A journal that fails is not applied and is named in one warning line.

Before the first build into a folder, :func:`check_output_folder` refuses a non-empty folder that
holds no manifest of the tool (``--allow-existing`` builds into it anyway, deletes none of its
files and names those it replaces); :func:`check_out_location` refuses an ``--out`` that overlaps
the data or the notebooks.

Published files get the permissions of ordinary new files (``0666`` less the umask), the index
and manifest the same as the pages.
"""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from . import manifest as checks
from .errors import BuildError, LockTimeout, UsageError, describe_os_error

STAGING_PREFIX = ".staging-"
JOURNAL = "COMMIT.json"
LOCK_NAME = ".build.lock"
_LAST = ("manifest.json", "index.html")          # put in place after every page they describe
STATE_ENV = "GUILIN_REPORT_STATE"
KEY_NAME = "journal.key"
_TAG = 16                                        # hex digits of a staging name's random part and of its tag


def state_dir() -> Path:
    """Where the builder keeps its own state, outside every output folder."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "guilin-report"


def journal_key() -> bytes:
    """The secret key of this user's builds (made on first use, mode 0600)."""
    return _key(str(state_dir()))


@lru_cache(maxsize=4)
def _key(folder: str) -> bytes:
    path = Path(folder) / KEY_NAME
    try:
        Path(folder).mkdir(parents=True, exist_ok=True, mode=0o700)
        if not path.exists():
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{KEY_NAME}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(secrets.token_bytes(32))
                with contextlib.suppress(FileExistsError):     # another build made it first
                    os.link(tmp, path)
            finally:
                os.unlink(tmp)
        key = checks.read_regular(path, 4096)
    except (OSError, checks.ManifestError) as err:
        reason = describe_os_error(err) if isinstance(err, OSError) else f"{path} {err}"
        raise BuildError(f"cannot keep the journal key in {folder} ({reason}); set {STATE_ENV} to a "
                         f"folder of your own") from None
    if len(key) < 32:
        raise BuildError(f"the journal key {path} is shorter than 32 bytes; delete it and build again")
    return key


def _tag(*parts: str) -> str:
    return hmac.new(journal_key(), "\0".join(parts).encode(), hashlib.sha256).hexdigest()


def own_staging(name: str) -> bool:
    """``name`` is the name of a staging folder this tool made (with this user's key)."""
    token = name[len(STAGING_PREFIX):] if name.startswith(STAGING_PREFIX) else ""
    if len(token) != 2 * _TAG or any(c not in "0123456789abcdef" for c in token):
        return False
    return hmac.compare_digest(token[_TAG:], _tag("staging", token[:_TAG])[:_TAG])


def _new_staging(out: Path) -> Path:
    while True:
        nonce = secrets.token_hex(_TAG // 2)
        root = Path(out) / f"{STAGING_PREFIX}{nonce}{_tag('staging', nonce)[:_TAG]}"
        try:
            root.mkdir(mode=0o700)
            return root
        except FileExistsError:
            continue


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
    """Hold SIGINT, SIGTERM and SIGHUP back (in the main thread) until the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class Transaction:
    """Files staged under ``<out>/.staging-XXXX`` and published together by :meth:`commit`."""

    def __init__(self, out: Path):
        self.out = Path(out)
        self.root = _new_staging(self.out)
        self.foreign: set[str] = set()           # files under out the tool did not write (--allow-existing)
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
        """Publish every staged file and deletion, the manifests and indexes last.

        Every step is checked (inside ``out``, through symbolic links too) before the journal is
        written: a step that is not raises :class:`BuildError` and nothing is published.
        """
        order = sorted(self.moves, key=lambda rel: (Path(rel).name in _LAST and rel.count("/") == 1,
                                                     Path(rel).name == "index.html", rel))
        journal = {"deletions": sorted(self.deletions - self.foreign),
                   "moves": [[self.moves[rel].relative_to(self.root).as_posix(), rel] for rel in order]}
        try:
            steps = _steps(journal, self.root, self.out)
        except checks.ManifestError as err:
            raise BuildError(f"cannot publish into {self.out}: {err}; nothing was published") from None
        replaced = sorted(rel for rel in self.moves if rel in self.foreign)
        with signals_held():
            write_journal(self.root, journal)
            self.journaled = True
            _apply(steps)
            self.committed = True
        self.discard()
        if replaced:
            checks.warn(f"replaced {len(replaced)} file{'s' * (len(replaced) != 1)} in {self.out} that "
                        f"guilin-report did not write (--allow-existing): {_shown(replaced)}")

    def discard(self) -> None:
        """Remove the staging area (after a commit, or instead of one).

        A commit that began and failed part way (a full disk) keeps its journal and staged
        files: the next build finishes it.
        """
        if self.committed or not self.journaled:
            shutil.rmtree(self.root, ignore_errors=True)


def _shown(names: list[str], most: int = 5) -> str:
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def write_journal(root: Path, journal) -> None:
    """Write ``journal`` as ``root/COMMIT.json`` (atomically), tagged with the key and the folder's name."""
    body = json.dumps(journal, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    tmp = Path(root) / f".{JOURNAL}.tmp"
    write_file(tmp, json.dumps({"journal": journal, "tag": _tag("journal", Path(root).name, body)},
                               ensure_ascii=False))
    os.replace(tmp, Path(root) / JOURNAL)


def _read_journal(root: Path):
    """The journal of a staging folder of the tool; :class:`ManifestError` if it is not the tool's."""
    signed = checks.parse(checks.read_regular(Path(root) / JOURNAL))
    if not isinstance(signed, dict) or not isinstance(signed.get("tag"), str) or "journal" not in signed:
        raise checks.ManifestError("the journal carries no signature of this tool")
    journal = signed["journal"]
    body = json.dumps(journal, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if not hmac.compare_digest(signed["tag"], _tag("journal", Path(root).name, body)):
        raise checks.ManifestError("the journal's signature does not match this tool's key")
    return journal


def _inside(base: Path, rel) -> Path:
    """``base/rel``, if ``rel`` is a plain relative path and stays inside ``base`` with its
    symbolic links followed; else :class:`ManifestError`."""
    if not checks.is_relative_path(rel):
        raise checks.ManifestError(f"{rel!r} is not a plain relative path")
    path = Path(base) / rel
    real = path.parent.resolve() / path.name
    if not real.is_relative_to(Path(base).resolve()):
        raise checks.ManifestError(f"{rel} lies outside {base} (through a symbolic link)")
    return path


def _steps(journal, root: Path, out: Path) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The deletions and renames of ``journal``, each checked; :class:`ManifestError` for the first
    entry that is malformed or reaches outside ``out`` (or, for a staged file, outside ``root``)."""
    if not isinstance(journal, dict) or not isinstance(journal.get("deletions"), list) \
            or not isinstance(journal.get("moves"), list):
        raise checks.ManifestError("the journal is not {deletions: [paths], moves: [[staged, published]]}")
    deletions = [_inside(out, rel) for rel in journal["deletions"]]
    moves = []
    for n, move in enumerate(journal["moves"]):
        if not (isinstance(move, list) and len(move) == 2):
            raise checks.ManifestError(f"the journal's move {n} is not a pair of paths")
        moves.append((_inside(root, move[0]), _inside(out, move[1])))
    return deletions, moves


def _apply(steps) -> None:
    deletions, moves = steps
    for target in deletions:
        if target.is_symlink() or not target.is_dir():      # files only; a folder is never removed
            target.unlink(missing_ok=True)
    for staged, target in moves:
        if staged.exists():                       # already moved by an interrupted commit otherwise
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)


def recover_staging(out: Path, on_problem=checks.warn) -> tuple[int, int]:
    """Finish or remove what an interrupted build left in ``out`` (call it holding the lock).

    Only the tool's own staging folders are touched (:func:`own_staging`). One with a journal
    was interrupted while publishing: its remaining renames are applied, if the journal is the
    tool's and every entry passes (else ``on_problem`` is told, in one line, and nothing of it
    is applied). One without a journal never published anything: it is removed. A folder that
    only looks like staging is left as it is. Returns ``(finished, removed)``.
    """
    finished = removed = 0
    for folder in sorted(Path(out).glob(f"{STAGING_PREFIX}*")):
        if folder.is_symlink() or not folder.is_dir():
            continue
        journal_path = folder / JOURNAL
        has_journal = journal_path.exists() or journal_path.is_symlink()
        if not own_staging(folder.name):
            if has_journal:
                on_problem(f"{journal_path} was not written by this tool (its folder's name carries no tag "
                           f"of its key); it was not applied and the folder is left as it is")
            continue
        if has_journal:
            try:
                steps = _steps(_read_journal(folder), folder, Path(out))
            except checks.ManifestError as err:
                on_problem(f"{journal_path}: {err}; the journal was not applied and its folder was removed")
                removed += 1
            else:
                _apply(steps)
                finished += 1
        else:
            removed += 1
        shutil.rmtree(folder, ignore_errors=True)
    return finished, removed


def check_output_folder(out: Path, langs, allow_existing: bool) -> set[str]:
    """Refuse a first build into a folder that holds files the tool did not write.

    The folder is the tool's when it holds a ``<lang>/manifest.json``, or nothing but the
    tool's lock and staging folders. Otherwise raise :class:`BuildError` (one sentence), unless
    ``allow_existing``: then return the files under ``<out>/<lang>/`` (relative to ``out``), so
    that the build deletes none of them and names those it replaces.
    """
    out = Path(out)
    if not out.is_dir() or any((out / lang / "manifest.json").exists() for lang in langs):
        return set()
    entries = sorted(e.name + "/" * e.is_dir() for e in out.iterdir()
                     if e.name != LOCK_NAME and not (own_staging(e.name) and e.is_dir() and not e.is_symlink()))
    if not entries:
        return set()
    if not allow_existing:
        raise BuildError(f"{out} already holds files that guilin-report did not write ({_shown(entries, 3)}); "
                         f"build into an empty or new folder, or pass --allow-existing to build into it "
                         f"(then none of them is deleted and those it replaces are named)")
    return {p.relative_to(out).as_posix() for lang in langs if (out / lang).is_dir()
            for p in (out / lang).rglob("*") if not p.is_dir()}


def check_out_location(out: Path, data_dir: Path, notebooks_dir: Path, data_files=(), langs=()) -> None:
    """Refuse an ``--out`` that is the data folder, holds a file of the data package, or lies in
    the notebooks folder (its published copies would be read as inputs): :class:`UsageError`.

    The tool's own files in ``out`` (its lock, staging, and the ``<lang>/`` folders that hold its
    manifest) are not the package's, whatever ``data_files`` lists."""
    real = Path(out).resolve()
    if real == Path(data_dir).resolve():
        raise UsageError(f"--out {out} is the data folder (--data-dir); choose a folder outside it")

    def own(path: Path) -> bool:
        first = path.relative_to(real).parts[0]
        return (first == LOCK_NAME or first.startswith(STAGING_PREFIX)
                or (first in langs and (real / first / "manifest.json").exists()))

    inside = [Path(f) for f in data_files if Path(f).resolve().is_relative_to(real)
              and not (Path(f).resolve() != real and own(Path(f).resolve()))]
    if inside:
        raise UsageError(f"--out {out} holds files of the data package ({inside[0]}); choose a folder "
                         f"that holds none of them")
    notebooks = Path(notebooks_dir).resolve()
    if real == notebooks or real.is_relative_to(notebooks):
        raise UsageError(f"--out {out} is inside the notebooks folder {notebooks_dir}; choose a folder "
                         f"outside it")


def repair(out: Path, wait: float | None, on_wait=None, on_problem=checks.warn) -> tuple[int, int]:
    """Before anything else (the data check included): finish a commit that a killed build left,
    holding the lock; ``(0, 0)`` without taking the lock when there is none."""
    if not any(own_staging(p.name) for p in Path(out).glob(f"{STAGING_PREFIX}*")):
        return 0, 0
    with output_lock(out, wait, on_wait):
        return recover_staging(out, on_problem)


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
