"""Where the builder looks by default: the project's folders beside its source tree."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"
DATA_DIR = REPO_ROOT / "data"


def data_path(data_dir=None) -> Path:
    """The data folder: ``data_dir`` if given, else the project's ``data/``."""
    return DATA_DIR if data_dir is None else Path(data_dir).expanduser().resolve()

#: The builder's templates and stylesheet (read at each use, so a test may point elsewhere).
TEMPLATES = PACKAGE_DIR / "templates"
