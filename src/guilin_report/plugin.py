"""The one hook through which the builder calls a project's own parts.

The builder knows no analysis. What is project-specific (checking the data, which files are
the data, the pages made from the data and their place in the navigation, the site's words, the
index's key figures, the citation, what a scenario changes, the README's findings block) comes
from a plug-in: an object with the methods of :class:`Plugin`, declared by the project as an entry
point of the group ``guilin_report.plugins`` (``pyproject.toml``)::

    [project.entry-points."guilin_report.plugins"]
    guilin = "guilin_analysis.sitepages:plugin"

With no plug-in installed the builder runs and publishes notebooks alone (:class:`NoPlugin`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

GROUP = "guilin_report.plugins"


@dataclass(frozen=True)
class SiteContext:
    """What the plug-in's pages are made from, for one language."""

    lang: str
    chrome: object                   # a .site.Chrome: header and footer of every page
    built_at: str
    data_dir: Path
    notebooks: tuple[str, ...]       # stems, in reading order
    notebooks_dir: Path = Path("notebooks")
    used_on: dict = field(default_factory=dict)   # data id -> [notebook stems whose outputs show it]
    overrides: dict = field(default_factory=dict)  # a scenario's figures: data id -> value (--set)


class Plugin(Protocol):
    def check(self, data_dir: Path, thorough: bool = False) -> list[str]:
        """Every problem of the data as one sentence; ``[]`` when the data is valid. ``thorough``
        (``guilin-report check``) may add slower, independent checks."""

    def data_files(self, data_dir: Path) -> list[Path]:
        """The files that are the data (their bytes make the data hash)."""

    def data_version(self, data_dir: Path) -> str:
        """The data's version, shown in every footer."""

    def code_paths(self) -> list[Path]:
        """Folders of code and templates whose change must re-run the notebooks."""

    def citation(self, data_version: str, lang: str) -> str:
        """How to cite the site, in every footer."""

    def key_figures(self, lang: str, data_dir: Path) -> list[list[str]]:
        """``[[name, figure, href?], …]`` for the index."""

    def site_pages(self, context: SiteContext) -> dict[str, bytes]:
        """The project's own files of one language, relative to ``<out>/<lang>/``."""

    def nav(self, lang: str) -> list[tuple[str, str]]:
        """``[(href, name), …]``: the pages of :meth:`site_pages` in the navigation, after the
        notebooks' pages."""

    def words(self) -> dict[str, dict[str, str]]:
        """``{key: {lang: text}}`` added to (or rewording) the builder's own words
        (:mod:`.labels`), e.g. ``report_title``; the plug-in's templates use them too."""

    def scenario(self, overrides: dict, data_dir: Path, lang: str) -> list[dict]:
        """What ``--set ID=VALUE`` changes: ``[{"id", "name", "value", "transcribed"}, …]`` (the
        figure's name, its value in the scenario and as transcribed, as text in ``lang``).
        Raises ``ValueError`` (one sentence) for an id the data does not have."""

    def readme(self) -> dict | None:
        """What ``make notebooks`` writes into the README, or ``None``: ``{"findings": [stems],
        "summary": [stems], "figure": {"notebook": stem, "lang": lang, "path": relative path}}``
        (the key findings of ``findings`` in English, then in Chinese, then those of ``summary``
        in English; the chart of the cell tagged ``readme-figure``)."""


class NoPlugin:
    """No project parts: every file of the data folder is data; no extra pages."""

    def check(self, data_dir, thorough=False):
        return []

    def data_files(self, data_dir):
        return sorted(p for p in Path(data_dir).rglob("*") if p.is_file())

    def data_version(self, data_dir):
        return ""

    def code_paths(self):
        return []

    def citation(self, data_version, lang):
        return ""

    def key_figures(self, lang, data_dir):
        return []

    def site_pages(self, context):
        return {}

    def nav(self, lang):
        return []

    def words(self):
        return {}

    def scenario(self, overrides, data_dir, lang):
        if overrides:
            raise ValueError("scenarios need a plug-in that knows the data's ids; none is installed")
        return []

    def readme(self):
        return None


@lru_cache(maxsize=1)
def load() -> Plugin:
    """The installed plug-in (the first entry point of :data:`GROUP`), else :class:`NoPlugin`."""
    from importlib.metadata import entry_points

    found = sorted(entry_points(group=GROUP), key=lambda e: e.name)
    if not found:
        return NoPlugin()
    return found[0].load()
