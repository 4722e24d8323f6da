"""Shared fixtures: a private copy of the data package that a test may break."""
from __future__ import annotations

import re
import shutil

import pytest

from guilin_analysis.paths import DATA_DIR

INDICATORS_CSV = "indicators/report-indicators.csv"


@pytest.fixture
def data_copy(tmp_path):
    """A copy of data/ in a temporary folder; the repository's own data is never touched."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def rewrite(path, transform):
    """Apply ``transform`` to the text of ``path`` (UTF-8) and write it back."""
    path.write_text(transform(path.read_text(encoding="utf-8")), encoding="utf-8")


_ENCLOSED = re.compile(r'\([^()]*\)|（[^（）]*）|《[^》]*》|"[^"]*"|“[^”]*”|`[^`]*`')
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def bare_chinese(text: str) -> list[str]:
    """Chinese runs in English text that are not beside a translation, i.e. not enclosed in
    parentheses, 《》 (a cited title) or quotes."""
    previous = None
    while previous != text:
        previous, text = text, _ENCLOSED.sub("", text)
    return _CJK.findall(text)
