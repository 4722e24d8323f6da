"""Where things are. The one module that spells out paths; notebooks and tools never do.

``data_dir`` arguments everywhere default to :data:`DATA_DIR`, the repository's data package.
A researcher can copy ``data/`` elsewhere, change it, and pass the copy's path instead.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = REPO_ROOT / "data"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"
DESCRIPTOR_NAME = "datapackage.json"


def data_path(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data package folder: ``data_dir`` if given, else the repository's ``data/``."""
    return DATA_DIR if data_dir is None else Path(data_dir).expanduser().resolve()
