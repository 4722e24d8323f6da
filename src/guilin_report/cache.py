"""Hashes and what is already published.

The data's hash (:func:`tree_hash`), the tool versions that can change an executed notebook
(:func:`versions`), how the published files name a data folder (:func:`data_label`), and the
published state, read back from each language's ``manifest.json`` (:func:`read_manifest`). What
each page needs (a run, a render, nothing) is decided from these in :mod:`.plan`.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from . import __version__
from .paths import REPO_ROOT

TOOLS = ("papermill", "nbconvert", "nbclient", "ipykernel", "pandas", "matplotlib")
_SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}


def tree_hash(root: Path, suffixes: tuple[str, ...] | None = None, exclude: Path | None = None) -> str:
    """SHA-256 over every file under ``root`` (names and bytes), caches and checkpoints aside.

    ``exclude`` is a folder left out (the output folder, when it lies inside ``root``: its pages
    must not change the hash of the data they were built from).
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
            if suffixes is not None and path.suffix not in suffixes:
                continue
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
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


def read_manifest(path: Path) -> dict:
    """A published manifest, or ``{}`` when there is none or it cannot be read."""
    try:
        manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}
