"""What a page depends on, and what is already published.

A page's key (:func:`input_hash`) changes whenever anything that can change the page changes:
the notebook's bytes, its parameters, ``--with-code``, the data package's files (those the
plug-in declares, read in chunks, special files refused), the package's code and templates, or
the tool versions. The published state is read back from each language's ``manifest.json``,
validated (:mod:`.manifest`).
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
from .paths import PACKAGE_DIR, REPO_ROOT

TOOLS = ("papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "matplotlib")
CODE_SUFFIXES = (".py", ".j2", ".json", ".css")
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


def code_hash() -> str:
    """The hash of the builder's code and templates and of the plug-in's code folders."""
    from .plugin import load

    digest = hashlib.sha256()
    for folder in [PACKAGE_DIR, *load().code_paths()]:
        digest.update(tree_hash(folder, CODE_SUFFIXES).encode())
    return digest.hexdigest()


def versions() -> dict[str, str]:
    """Versions that can change a page: Python, this package and the notebook tools."""
    found = {"python": platform.python_version(), "guilin-analysis": __version__}
    for tool in TOOLS:
        try:
            found[tool] = metadata.version(tool)
        except metadata.PackageNotFoundError:
            found[tool] = "missing"
    return found


def input_hash(notebook: Path, parameters: dict, with_code: bool, data_hash: str,
               code_hash: str, tool_versions: dict) -> str:
    """The key of one page: it changes whenever anything that can change the page changes."""
    digest = hashlib.sha256(Path(notebook).read_bytes())
    digest.update(json.dumps([parameters, with_code, data_hash, code_hash, tool_versions],
                             sort_keys=True, default=str).encode())
    return digest.hexdigest()


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
