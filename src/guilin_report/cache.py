"""Hashes and what is already published.

The data's hash (:func:`tree_hash`), the tool versions that can change an executed notebook
(:func:`versions`), how the published files name a data folder (:func:`data_label`), and the
published state, read back from each language's ``manifest.json`` (:func:`read_manifest`). What
each page needs (a run, a render, nothing) is decided from these in :mod:`.plan`. Data files are those the plug-in declares, read in chunks, special files refused;
the manifest is validated when read back (:mod:`.manifest`).
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import platform
import stat
from importlib import metadata
from pathlib import Path

from . import __version__
from .errors import BuildError, describe_os_error
from .paths import REPO_ROOT

TOOLS = ("papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "matplotlib")
_SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}


CHUNK = 1 << 20                 # bytes read at a time when hashing


def _hash_file(digest, path: Path) -> None:
    """Feed the bytes of the regular file ``path`` to ``digest``, a chunk at a time.

    Opened without following a symbolic link and without blocking, then checked to be a regular
    file, so a FIFO, a device or a socket is refused (:class:`BuildError`), never waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        if err.errno == errno.ELOOP or Path(path).is_symlink():
            raise BuildError(f"{path} is a symbolic link; the data files must be regular files "
                             f"inside the data folder") from None
        raise BuildError(describe_os_error(err, f"cannot read the data file {path}")) from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                    else "a device" if stat.S_ISBLK(mode) or stat.S_ISCHR(mode) else "a folder"
                    if stat.S_ISDIR(mode) else "not a regular file")
            raise BuildError(f"{path} is {kind}, not a regular file; the data files must be regular files")
        while chunk := handle.read(CHUNK):
            digest.update(chunk)


def data_hash(data_dir: Path, files, exclude: Path | None = None) -> str:
    """SHA-256 over the data files ``files`` (names relative to ``data_dir``, and bytes).

    ``files`` are the ones the plug-in declares as the data (:meth:`.plugin.Plugin.data_files`),
    so a stray file in the folder neither changes the hash nor is read. Files under ``exclude``
    (an output folder inside the data folder) are left out. Raises :class:`BuildError`, one
    sentence naming the path, for a file that is not a regular file inside ``data_dir``; call it
    before taking the output folder's lock.
    """
    root = Path(data_dir).resolve()
    exclude = Path(exclude).resolve() if exclude is not None else None
    named = {}
    for path in files:
        path = Path(path) if Path(path).is_absolute() else root / path
        real = path.parent.resolve() / path.name
        try:
            rel = real.relative_to(root).as_posix()
        except ValueError:
            raise BuildError(f"{path} lies outside the data folder {data_dir}; the data files must be "
                             f"inside it") from None
        if exclude is not None and (real == exclude or exclude in real.parents):
            continue
        named[rel] = path
    digest = hashlib.sha256()
    for rel in sorted(named):
        digest.update(rel.encode())
        digest.update(b"\0")
        _hash_file(digest, named[rel])
        digest.update(b"\0")
    return digest.hexdigest()


def tree_hash(root: Path, suffixes: tuple[str, ...] | None = None, exclude: Path | None = None) -> str:
    """SHA-256 over every regular file under ``root`` (names and bytes), caches and checkpoints
    aside, read in chunks (the builder's and the plug-in's code).

    ``exclude`` is a folder left out.
    """
    root = Path(root)
    exclude = Path(exclude).resolve() if exclude is not None else None
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_PARTS
                             and (exclude is None or (here / d).resolve() != exclude))
        for name in sorted(filenames):
            path = here / name
            if (suffixes is not None and path.suffix not in suffixes) or not stat.S_ISREG(path.lstat().st_mode):
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            _hash_file(digest, path)
            digest.update(b"\0")
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions that can change a page: Python, this package and the notebook tools."""
    found = {"python": platform.python_version(), "guilin-report": __version__}
    for tool in TOOLS:
        try:
            found[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            found[tool] = "missing"
    return found


def data_label(data_dir: Path) -> str:
    """How the published files name a data folder: relative to the repository when inside it,
    else its folder name; never the absolute path of the building machine."""
    data_dir = Path(data_dir).resolve()
    try:
        return data_dir.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return data_dir.name


def read_manifest(path: Path, on_problem=None) -> dict:
    """A published manifest, validated (:mod:`.manifest`); ``{}`` when there is none or it fails,
    in which case ``on_problem`` (default: a warning line on stderr) is told why, once."""
    from . import manifest

    return manifest.read(Path(path), Path(path).parent.name, on_problem or manifest.warn)
