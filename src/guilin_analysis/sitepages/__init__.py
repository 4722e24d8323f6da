"""The project's own pages, the one plug-in of the report builder (``guilin_report``).

The builder calls :data:`plugin` (declared in ``pyproject.toml`` as the entry point
``guilin_report.plugins: guilin``) to check the data, to learn which files are the data, and to
make the pages that come from the data package rather than from a notebook:

* ``source.html`` shows the report verbatim with every transcribed figure highlighted under an
  anchor named by its indicator id;
* ``data.html`` shows every table and links to the downloads written beside it
  (``downloads/``: a CSV per table, the data package as a zip, one workbook);
* the index's key figures.

Nothing here starts a kernel: these pages are rendered from the data package in the building
process, and only when their key (data, code, notebooks, languages) changes.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from .. import __version__
from ..labels import LABELS, label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
SOURCE_PAGE, DATA_PAGE = "source.html", "data.html"
DOWNLOADS = "downloads"
PACKAGE_NAME = "guilin-civil-affairs-data"

#: The citation, the same on every page; CITATION.cff says the same (tests/test_site.py checks).
CITATION_TITLE = "Guilin civil affairs since 2022: data and analysis"
CITATION_AUTHOR = "guilin-civil-affairs project"
CITATION_YEAR = "2026"


def citation(data_version: str) -> str:
    return (f"{CITATION_AUTHOR} ({CITATION_YEAR}). {CITATION_TITLE} (guilin-analysis {__version__}; "
            f"data package {data_version}). Source text: 张苑, 市民政局：笃行实干增福祉 栉风沐雨惠民生.")


def data_version(data_dir: Path) -> str:
    try:
        return str(json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


def nav_label(stem: str, lang: str) -> str:
    """A notebook's short name: its label, else its file name."""
    key = "nb_" + re.sub(r"^\d+_", "", stem)
    return LABELS[key][lang] if key in LABELS else stem


# ---------------------------------------------------------------- the source page

def _users(notebook_texts: dict[str, str], ids) -> dict[str, list[str]]:
    """Which notebooks name each id in their cells (the pages that use the figure)."""
    return {i: [stem for stem, text in notebook_texts.items() if f'"{i}"' in text or f"'{i}'" in text]
            for i in ids}


def _notebook_texts(notebooks_dir: Path, notebooks: list[str]) -> dict[str, str]:
    texts = {}
    for stem in notebooks:
        try:
            nb = json.loads((Path(notebooks_dir) / f"{stem}.ipynb").read_text(encoding="utf-8"))
            texts[stem] = "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []))
        except (OSError, ValueError):
            texts[stem] = ""
    return texts


def highlights(text: str, quotes: dict[str, str]) -> list[dict]:
    """The highlights of the report text: every occurrence of every quote, overlapping ones
    merged into one highlight that carries all their ids. Each is
    ``{"start", "end", "ids": [(id, start)], "first": {id: bool}}``, in text order."""
    spans = []
    for ident, quote in quotes.items():
        if not quote:
            continue
        for match in re.finditer(re.escape(quote), text):
            spans.append((match.start(), match.end(), ident))
    spans.sort()
    merged: list[dict] = []
    for start, end, ident in spans:
        if merged and start < merged[-1]["end"]:
            merged[-1]["end"] = max(merged[-1]["end"], end)
            merged[-1]["ids"].append((ident, start))
        else:
            merged.append({"start": start, "end": end, "ids": [(ident, start)]})
    return merged


def source_context(lang: str, data_dir: Path, notebooks_dir: Path, notebooks: list[str]) -> dict:
    """What the source page shows: the text cut into plain runs, highlights and gap marks."""
    from ..data import load_reference, load_report_text
    from ..formatting import period_text
    from ..lookup import Facts

    text = load_report_text(data_dir)
    facts = Facts(data_dir)
    table = facts.table
    quotes = {i: str(table.loc[i, "quote"]) for i in table.index}
    users = _users(_notebook_texts(notebooks_dir, notebooks), table.index)
    conflicts = {}
    for i in table.index:
        other = facts.conflict(i)
        if other:
            conflicts[i] = other
            conflicts.setdefault(other, i)
    try:
        gaps = load_reference("text-gaps", data_dir)
    except Exception:
        gaps = None
    marks = []                  # (position, gap row) : a gap mark is set at a point of the text
    if gaps is not None:
        for _, gap in gaps.iterrows():
            pos = text.find(str(gap["anchor"]))
            if pos < 0:
                continue
            if gap["kind"] == "empty_section":
                pos += len(str(gap["anchor"]))
            marks.append((pos, {"id": f"gap-{gap['gap_id']}",
                                "note": str(gap["note_zh" if lang == "zh" else "note_en"])}))
    found = highlights(text, quotes)
    # a gap mark inside a highlight moves to the highlight's start
    for n, (pos, gap) in enumerate(marks):
        for h in found:
            if h["start"] < pos < h["end"]:
                marks[n] = (h["start"], gap)
    marks.sort(key=lambda m: m[0])

    def info(i: str) -> dict:
        row = table.loc[i]
        return {"id": i, "name": str(row["name_zh" if lang == "zh" else "name_en"]),
                "figure": facts.fig(i, lang),
                "qualifier": label(str(row["qualifier"]), lang) if str(row["qualifier"]) in LABELS else str(row["qualifier"]),
                "period": period_text(row["period_type"], row["period"], lang),
                "conflict": conflicts.get(i),
                "conflict_figure": facts.fig(conflicts[i], lang) if i in conflicts else "",
                "pages": [(f"{s}.html", nav_label(s, lang)) for s in users.get(i, [])]}

    pieces = []                 # {"kind": "text"|"gap"|"mark", ...}
    seen: set[str] = set()
    cursor = 0
    events = sorted([(h["start"], 1, h) for h in found] + [(p, 0, g) for p, g in marks],
                    key=lambda e: (e[0], e[1]))
    for pos, kind, item in events:
        if pos > cursor:
            pieces.append({"kind": "text", "text": text[cursor:pos]})
            cursor = pos
        if kind == 0:
            pieces.append({"kind": "gap", **item})
            continue
        h = item
        parts, at = [], h["start"]
        for ident, start in sorted(h["ids"], key=lambda x: x[1]):
            if start > at:
                parts.append({"text": text[at:start]})
                at = start
            anchor = ident if ident not in seen else None
            seen.add(ident)
            parts.append({"anchor": anchor})
        parts.append({"text": text[at:h["end"]]})
        ids = list(dict.fromkeys(i for i, _ in h["ids"]))
        pieces.append({"kind": "mark", "parts": parts, "ids": ids, "main": ids[0],
                       "conflict": any(i in conflicts for i in ids), "entries": [info(i) for i in ids]})
        cursor = h["end"]
    if cursor < len(text):
        pieces.append({"kind": "text", "text": text[cursor:]})
    return {"pieces": pieces, "count": len(found), "ids": len(seen)}


def source_html(chrome, built_at: str, context: dict) -> str:
    return chrome.render(TEMPLATE_DIR, "source.html.j2", SOURCE_PAGE, built_at, **context)


# ---------------------------------------------------------------- the data page and downloads

def _tables(data_dir: Path) -> list[tuple[str, str, "object"]]:
    """``(name, title, frame)`` of every tabular resource, then the derived metrics and the audit."""
    import pandas as pd

    from .. import audit, derived_metrics
    from ..data import read_descriptor

    descriptor = read_descriptor(data_dir)
    out = []
    for res in descriptor["resources"]:
        if "schema" not in res:
            continue
        frame = pd.read_csv(Path(data_dir) / res["path"], dtype=str, keep_default_na=False, encoding="utf-8")
        out.append((res["name"], res.get("title", res["name"]), frame))
    out.append(("derived-metrics", "Derived metrics (guilin_analysis.derived_metrics)", derived_metrics(data_dir)))
    out.append(("audit", "Consistency audit (guilin_analysis.audit)", audit(data_dir)))
    return out


def _columns(data_dir: Path, tables) -> list[dict]:
    from ..data import read_descriptor

    descriptor = read_descriptor(data_dir)
    fields = {res["name"]: res["schema"]["fields"] for res in descriptor["resources"] if "schema" in res}
    rows = []
    for name, _, frame in tables:
        described = {f["name"]: f for f in fields.get(name, [])}
        for column in frame.columns:
            f = described.get(column, {})
            rows.append({"table": name, "column": str(column), "type": f.get("type", str(frame[column].dtype)),
                         "title": f.get("title", ""), "description": f.get("description", "")})
    return rows


def _csv_bytes(frame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _zip_bytes(data_dir: Path) -> bytes:
    """The data package as a zip: datapackage.json, every resource and the READMEs, under one
    folder; fixed timestamps, so the same data gives the same bytes."""
    from ..data import read_descriptor

    root = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    files = ["datapackage.json", *[r["path"] for r in descriptor["resources"]]]
    files += sorted(p.relative_to(root).as_posix() for p in root.rglob("README.md"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in dict.fromkeys(files):
            info = zipfile.ZipInfo(f"{PACKAGE_NAME}/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, (root / rel).read_bytes())
    return buffer.getvalue()


def _xlsx_bytes(tables, columns: list[dict]) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, _, frame in tables:
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        pd.DataFrame(columns).to_excel(writer, sheet_name="columns", index=False)
        book = writer.book
        book.properties.created = book.properties.modified = __import__("datetime").datetime(2026, 1, 1)
    return buffer.getvalue()


def data_files(data_dir: Path) -> tuple[dict[str, bytes], list[dict], list[dict]]:
    """The downloads (``{relative path: bytes}``), the tables shown and the column sheet."""
    tables = _tables(data_dir)
    columns = _columns(data_dir, tables)
    files = {f"{DOWNLOADS}/{name}.csv": _csv_bytes(frame) for name, _, frame in tables}
    files[f"{DOWNLOADS}/{PACKAGE_NAME}.zip"] = _zip_bytes(data_dir)
    files[f"{DOWNLOADS}/{PACKAGE_NAME}.xlsx"] = _xlsx_bytes(tables, columns)
    shown = []
    for name, title, frame in tables:
        shown.append({"name": name, "title": title, "csv": f"{DOWNLOADS}/{name}.csv",
                      "columns": [str(c) for c in frame.columns],
                      "rows": [["" if _missing(v) else str(v) for v in row]
                               for row in frame.itertuples(index=False)]})
    return files, shown, columns


def _missing(value) -> bool:
    try:
        return value is None or value != value
    except Exception:
        return False


def data_html(chrome, built_at: str, tables: list[dict], columns: list[dict]) -> str:
    return chrome.render(TEMPLATE_DIR, "data.html.j2", DATA_PAGE, built_at, tables=tables, columns=columns,
        zip_file=f"{DOWNLOADS}/{PACKAGE_NAME}.zip", xlsx_file=f"{DOWNLOADS}/{PACKAGE_NAME}.xlsx")


def site_files(chrome, built_at: str, data_dir: Path, notebooks_dir: Path) -> dict[str, bytes]:
    """Every file of the source and data pages of one language, relative to ``OUT/<lang>``."""
    files, tables, columns = data_files(data_dir)
    context = source_context(chrome.lang, data_dir, notebooks_dir, list(chrome.notebooks))
    files[SOURCE_PAGE] = source_html(chrome, built_at, context).encode("utf-8")
    files[DATA_PAGE] = data_html(chrome, built_at, tables, columns).encode("utf-8")
    return files


def notebooks_hash(notebooks_dir: Path, notebooks: list[str]) -> str:
    digest = hashlib.sha256()
    for stem in notebooks:
        try:
            digest.update((Path(notebooks_dir) / f"{stem}.ipynb").read_bytes())
        except OSError:
            pass
    return digest.hexdigest()


class GuilinPlugin:
    """The builder's hook into this project (see ``guilin_report.plugin.Plugin``)."""

    def check(self, data_dir: Path, thorough: bool = False) -> list[str]:
        from ..data import DataValidationError, validate

        try:
            return [str(p) for p in validate(data_dir, frictionless=thorough)]
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

    def citation(self, data_version: str, lang: str) -> str:
        return citation(data_version)

    def key_figures(self, lang: str, data_dir: Path) -> list[list[str]]:
        from ..lookup import KEY_FIGURES, Facts, key_figures

        facts = Facts(data_dir)
        ids = [i for i in KEY_FIGURES if facts.has(i)]
        figures = key_figures(lang, data_dir)
        # each figure with the link to its quote on the source page, when the ids line up
        return [[str(name), str(value), *([f"{SOURCE_PAGE}#{ids[n]}"] if len(ids) == len(figures) else [])]
                for n, (name, value) in enumerate(figures)]

    def nav(self, lang: str) -> list[tuple[str, str]]:
        return [(SOURCE_PAGE, label("page_source", lang)), (DATA_PAGE, label("page_data", lang))]

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

    # Until the notebooks declare what their charts and tables show (the display protocol),
    # the plug-in describes them from the data.
    def decorate_notebook(self, nb, lang: str, data_dir: Path) -> None:
        from ..lookup import Facts
        from . import links

        links.describe_charts(nb, lang, Facts(data_dir))

    def decorate_page(self, html: str, lang: str, data_dir: Path) -> str:
        from ..lookup import Facts
        from . import links

        return links.link_tables(html, lang, Facts(data_dir))

    def site_pages(self, context) -> dict[str, bytes]:
        return site_files(context.chrome, context.built_at, context.data_dir, Path(context.notebooks_dir))


plugin = GuilinPlugin()
