"""The project's own pages, the one plug-in of the report builder (``guilin_report``).

The builder calls :data:`plugin` (declared in ``pyproject.toml`` as the entry point
``guilin_report.plugins: guilin``) to check the data, to learn which files are the data, and to
make the pages that come from the data package rather than from a notebook:

* ``source.html`` shows the report verbatim with every transcribed figure highlighted under an
  anchor named by its indicator id;
* ``data.html`` shows every table and links to the downloads written beside it
  (``downloads/``: a CSV per table, the data package as a zip, one workbook), and lists the
  chart files of the notebook pages (``figures/``);
* ``glossary.html`` explains the report's terms (``data/source/glossary.csv``).

On the English site the source page sets the project's translation beside each paragraph.
The three pages are listed in the navigation after the notebooks' pages (:meth:`GuilinPlugin.nav`).

The notebook pages need nothing from here: their charts and tables declare what they show in
their outputs (the display protocol, ``guilin_report.protocol``), and so do the key figures.

Nothing here starts a kernel: these pages are rendered from the data package in the building
process, and only when their key (data, code, notebooks, languages) changes.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .. import __version__
from ..labels import LABELS, label
from .names import DATA_PAGE, DOWNLOADS, GLOSSARY_PAGE, PACKAGE_NAME, SOURCE_PAGE, period_of  # noqa: F401  (re-exported)

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: The citation, the same on every page; CITATION.cff says the same (tests/test_site.py checks).
CITATION_TITLE = "Guilin civil affairs since 2022: data and analysis"
CITATION_AUTHOR = "guilin-civil-affairs project"
CITATION_YEAR = "2026"
CITATION_AUTHOR_ZH = "guilin-civil-affairs项目"
CITATION_TITLE_ZH = "桂林市民政工作（2022年以来）：数据与分析"
_DATE = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")


def latest_date(text: str) -> tuple[int, int, int] | None:
    """The latest date the report prints (年月日), or None: the report itself is undated."""
    dates = [tuple(int(x) for x in m.groups()) for m in _DATE.finditer(text)]
    return max(dates) if dates else None


def citation(data_version: str, lang: str = "en", data_dir: Path | None = None) -> str:
    """How to cite the site, in ``lang``, with what is known of the source: its author, title,
    "本报" (the paper is not named), undated, not before the latest date it prints."""
    from ..data import load_report_text

    try:
        latest = latest_date(load_report_text(data_dir))
    except Exception:
        latest = None
    title = "市民政局：笃行实干增福祉 栉风沐雨惠民生"
    if lang == "zh":
        after = f"，不早于{latest[0]}年{latest[1]}月{latest[2]}日" if latest else ""
        return (f"{CITATION_AUTHOR_ZH}（{CITATION_YEAR}）：{CITATION_TITLE_ZH}（guilin-analysis {__version__}；"
                f"数据包{data_version}）。所据原文：张苑《{title}》，本报，未注明日期{after}。")
    after = f", not before {latest[0]}-{latest[1]:02d}-{latest[2]:02d}" if latest else ""
    return (f"{CITATION_AUTHOR} ({CITATION_YEAR}). {CITATION_TITLE} (guilin-analysis {__version__}; "
            f"data package {data_version}). Source text: Zhang Yuan (张苑), “{title}”, 本报 (the newspaper is "
            f"not named), undated{after}.")


def data_version(data_dir: Path) -> str:
    try:
        return str(json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def nav_label(stem: str, lang: str) -> str:
    """A notebook's short name: its label, else its file name."""
    key = "nb_" + re.sub(r"^\d+_", "", stem)
    return LABELS[key][lang] if key in LABELS else stem


def source_html(chrome, built_at: str, context: dict) -> str:
    return chrome.render(TEMPLATE_DIR, "source.html.j2", SOURCE_PAGE, built_at, **context)


def data_html(chrome, built_at: str, tables: list[dict], columns: list[dict], charts: dict | None = None) -> str:
    charts = charts or {"notebooks": [], "formats": ""}
    return chrome.render(TEMPLATE_DIR, "data.html.j2", DATA_PAGE, built_at, tables=tables, columns=columns,
                         zip_file=f"{DOWNLOADS}/{PACKAGE_NAME}.zip", xlsx_file=f"{DOWNLOADS}/{PACKAGE_NAME}.xlsx",
                         charts=charts)


def glossary_html(chrome, built_at: str, terms: list[dict]) -> str:
    return chrome.render(TEMPLATE_DIR, "glossary.html.j2", GLOSSARY_PAGE, built_at, terms=terms)


def nav(lang: str) -> list[tuple[str, str]]:
    """``(href, name)`` of the plug-in's pages in the navigation, after the notebooks' pages."""
    return [(SOURCE_PAGE, LABELS["page_source"][lang]), (DATA_PAGE, LABELS["page_data"][lang]),
            (GLOSSARY_PAGE, LABELS["page_glossary"][lang])]


def site_files(chrome, built_at: str, data_dir: Path, notebooks_dir: Path,
               used_on: dict[str, list[str]] | None = None, overrides: dict | None = None) -> dict[str, bytes]:
    """Every file of the source, data and glossary pages of one language, relative to ``OUT/<lang>``.

    ``used_on`` (id -> notebook stems whose outputs show it) comes from the builder; without it
    the ids the executed notebooks in ``notebooks_dir`` declare are read (:mod:`.usage`)."""
    from ..lookup import Facts
    from . import datapage, downloads, glossarypage, source, usage

    lang = chrome.lang
    files, tables = downloads.download_files(data_dir, DOWNLOADS)
    columns = downloads.column_rows(tables)
    if not used_on:
        used_on = usage.used_on(Path(notebooks_dir), list(chrome.notebooks))
    facts = Facts(data_dir)                           # one reading of the package for both pages
    inferred = set(facts.inferred)
    context = source.source_context(lang, data_dir, used_on, nav_label, overrides, facts)
    files[SOURCE_PAGE] = source_html(chrome, built_at, context).encode("utf-8")
    charts = datapage.chart_files(Path(notebooks_dir), list(chrome.notebooks), lang, nav_label)
    files[DATA_PAGE] = data_html(chrome, built_at, datapage.page_tables(tables, lang, DOWNLOADS, inferred),
                                 datapage.column_sheet(columns, lang, tables), charts).encode("utf-8")
    files[GLOSSARY_PAGE] = glossary_html(chrome, built_at, glossarypage.glossary_terms(data_dir, lang)).encode("utf-8")
    return files



class GuilinPlugin:
    """The builder's hook into this project (see ``guilin_report.plugin.Plugin``)."""

    def check(self, data_dir: Path, thorough: bool = False) -> list[str]:
        from ..data import DataValidationError, validate

        try:
            problems = [str(p) for p in validate(data_dir, frictionless=thorough)]
            if problems:
                return problems
            from ..glossary import glossary_problems
            from ..translation import translation_problems

            problems = [str(p) for p in [*translation_problems(data_dir), *glossary_problems(data_dir)]]
            if not problems:                     # every formula evaluates (an unknown id, a bound)
                from ..metrics import derived_metrics

                try:
                    derived_metrics(data_dir)
                except (KeyError, ValueError) as err:
                    problems.append(f"{Path(data_dir).name}/{err.args[0]}")
            return problems
        except DataValidationError as err:
            return [str(p) for p in err.problems]
        except Exception as err:
            return [f"{data_dir}: the data package cannot be read ({type(err).__name__}: {err})"]

    def data_files(self, data_dir: Path) -> list[Path]:
        root = Path(data_dir)
        return sorted(p for p in root.rglob("*") if p.is_file())

    def data_version(self, data_dir: Path) -> str:
        return data_version(data_dir)

    def code_paths(self) -> list[Path]:
        """The analysis the notebooks import: the package without these pages (a change to the
        pages re-renders them, it does not re-run the notebooks)."""
        package = Path(__file__).resolve().parents[1]
        return sorted(p for p in package.iterdir() if p.name != "sitepages" and p.name != "__pycache__")

    def kernel_preload(self) -> list[str]:
        """What every notebook imports first: a warm kernel has imported it already."""
        return ["numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "nbformat",
                "guilin_analysis", "guilin_analysis.charts", "guilin_analysis.tables",
                "guilin_analysis.consistency", "guilin_analysis.metrics", "guilin_analysis.lookup",
                "guilin_analysis.notebook", "guilin_analysis.style"]

    def citation(self, data_version: str, lang: str) -> str:
        return citation(data_version, lang)

    def key_figures(self, lang: str, data_dir: Path) -> list[list[str]]:
        """None from here: the overview notebook declares the key figures in its output
        (``guilin_analysis.notebook.key_figures``, read with ``guilin_report.protocol.key_figures``)."""
        return []

    def nav(self, lang: str) -> list[tuple[str, str]]:
        return nav(lang)

    def words(self) -> dict[str, dict[str, str]]:
        return {key: dict(texts) for key, texts in LABELS.items()}

    def scenario(self, overrides: dict, data_dir: Path, lang: str) -> list[dict]:
        """The indicators a scenario sets, with their names and values as set and as transcribed
        (the report's wording; a scenario's value is exact)."""
        import difflib

        from ..lookup import Facts, figure_text

        facts = Facts(data_dir)
        rows = []
        for ident, value in overrides.items():
            if not facts.has(ident):
                close = difflib.get_close_matches(ident, list(facts.table.index), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise ValueError(f"the data has no indicator {ident!r} to set{hint}")
            row = facts.table.loc[ident].copy()
            row["value"] = value
            rows.append({"id": ident, "name": str(facts.name(ident, lang)),
                         "value": figure_text(row, lang, data_dir, exact=True),
                         "transcribed": facts.fig(ident, lang)})
        return rows

    def readme(self) -> dict:
        return {"findings": ["01_eldercare", "02_governance", "03_volunteering", "04_children_and_social_affairs"],
                "summary": ["05_data_audit"],
                "figure": {"notebook": "01_eldercare", "lang": "en", "path": "docs/nursing-share.en.png"}}

    def site_pages(self, context) -> dict[str, bytes]:
        return site_files(context.chrome, context.built_at, context.data_dir, Path(context.notebooks_dir),
                          getattr(context, "used_on", None), getattr(context, "overrides", None) or None)


plugin = GuilinPlugin()
