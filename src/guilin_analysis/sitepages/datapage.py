"""What the data page shows, in the page's language: every table, its columns and the downloads.

In: the tables of :mod:`.downloads`. Out: :func:`page_tables` and :func:`column_sheet`, plain
dicts for ``templates/data.html.j2``. The page shows the data as shipped, with

- headings, captions and descriptions in the page's language (:mod:`.zh` where the
  descriptor has only English); the other language's twin of a bilingual column (``name_en``
  beside ``name_zh``, ``source`` beside ``source_zh``) is left to the downloads and the
  caption says so;
- on the Chinese page, the notes, definitions, citations and codes that the data writes in
  English, in Chinese (:data:`TRANSLATED`); a text with no translation shows in English,
  marked ``lang="en"``;
- every cell in another language than the page marked with its ``lang``; ids breakable at
  their dots.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from ..labels import LABELS, label
from .names import SOURCE_PAGE
from .zh import HEADERS, TYPES, zh_text

#: Columns whose English the Chinese page shows in Chinese.
TRANSLATED = {"note", "definition", "source", "kind", "period_type", "qualifier"}
#: Columns of codes that have a label of their own.
CODES = {"section": "{}", "status": "audit_{}"}
#: Columns that hold ids (breakable at their dots).
ID_COLUMNS = {"indicator_id", "metric_id", "figure_id", "check_id", "gap_id", "indicator_ids", "inputs",
              "formula", "ratio", "code", "county_code"}
#: Columns of Chinese text on the English page.
CHINESE = {"name_zh", "quote", "anchor", "name", "unit", "caveat_zh", "note_zh", "explanation_zh", "source_zh"}
#: Columns of long text, given room to wrap.
WIDE = {"quote", "note", "definition", "caveat_zh", "caveat_en", "explanation_zh", "explanation_en", "source",
        "source_zh", "note_zh", "note_en", "description"}
#: Columns of short words: never one character per line (the audit's status, a unit, a period).
NOWRAP = {"status", "value", "unit", "period", "type"}
#: Columns of names, given room for a few words per line.
NAMES = {"name_zh", "name_en", "name"}
ROW_ANCHORS = {"report-indicators": "row-", "derived-metrics": "metric-", "reference-figures": "ref-"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def shown_columns(columns: list[str], lang: str) -> list[str]:
    """The columns a page of ``lang`` shows: not the other language's twin of a bilingual
    column (``name_en`` beside ``name_zh``, ``source`` beside ``source_zh``, ``unit_en`` beside
    ``unit`` on the Chinese page); the downloads keep every column."""
    present = set(columns)
    if lang == "zh":
        return [c for c in columns if not (c.endswith("_en") and (c[:-3] + "_zh" in present or c[:-3] in present))
                and not (c + "_zh" in present)]
    return [c for c in columns if not (c.endswith("_zh") and (c[:-3] + "_en" in present or c[:-3] in present))]


def breakable(text: str) -> Markup:
    """An id that may wrap after each dot (escaped)."""
    return Markup(".<wbr>").join(escape(part) for part in str(text).split("."))


def header(column: str, title: str, lang: str) -> dict:
    text = HEADERS.get(column, title or column) if lang == "zh" else (title or column)
    return {"name": column, "text": text, "code": column if text != column else ""}


def cell(table: str, column: str, value: str, lang: str) -> dict:
    """One cell as the page shows it: ``{"text", "lang", "href"}``."""
    text, cell_lang, href = str(value), None, None
    if column in CODES and value:
        key = CODES[column].format(value)
        if lang == "zh" and key in LABELS:
            text = label(key, lang)
    elif lang == "zh" and column in TRANSLATED and value:
        translated = zh_text(value)
        if translated is None:
            cell_lang = "en"
        else:
            text = translated
    elif lang == "zh" and column.endswith("_en"):
        cell_lang = "en"
    elif lang == "en" and column in CHINESE and value:
        cell_lang = "zh-CN"
    if table == "report-indicators" and column == "indicator_id":
        href = f"{SOURCE_PAGE}#{value}"
    return {"text": breakable(text) if column in ID_COLUMNS else text, "lang": cell_lang, "href": href}


def page_tables(tables, lang: str, folder: str) -> list[dict]:
    """Every table for the template: name, title, description, csv, columns, rows, hidden columns."""
    out = []
    for table in tables:
        columns = [str(c) for c in table.frame.columns]
        shown = shown_columns(columns, lang)
        fields = {f["name"]: f for f in table.resource.get("schema", {}).get("fields", [])}
        title, description = table.title, table.description
        if lang == "zh":
            title = zh_text(title) or title
            description = (zh_text(description) or description) if description else ""
        anchor = ROW_ANCHORS.get(table.name)
        index = [columns.index(c) for c in shown]
        rows = []
        for values in table.frame.itertuples(index=False):
            values = ["" if v is None else str(v) for v in values]
            rows.append({"id": f"{anchor}{values[0]}" if anchor else None,
                         "cells": [cell(table.name, columns[i], values[i], lang) for i in index]})
        out.append({
            "name": table.name, "title": title, "description": description,
            "title_lang": None if lang == "en" or title != table.title else "en",
            "csv": f"{folder}/{table.name}.csv",
            "columns": [{**header(c, fields.get(c, {}).get("title", ""), lang),
                         "numeric": c in table.numeric,
                         "cls": " ".join(k for k, on in (("num", c in table.numeric), ("wide", c in WIDE),
                                                         ("nowrap", c in NOWRAP), ("name", c in NAMES), ("ids", c in ID_COLUMNS)) if on)}
                        for c in shown],
            "rows": rows, "hidden": [c for c in columns if c not in shown],
        })
    return out


def column_sheet(columns: list[dict], lang: str) -> list[dict]:
    """The column descriptions (the workbook's ``columns`` sheet) for the page."""
    rows = []
    for c in columns:
        title, description = c["title"], c["description"]
        if lang == "zh":
            title = HEADERS.get(c["column"]) or zh_text(title) or title
            translated = zh_text(description) if description else ""
            rows.append({"table": c["table"], "column": c["column"], "type": TYPES.get(c["type"], c["type"]),
                         "title": title, "description": translated if translated is not None else description,
                         "lang": "en" if translated is None else None})
        else:
            rows.append({"table": c["table"], "column": c["column"], "type": c["type"], "title": title,
                         "description": description, "lang": None})
    return rows


def untranslated(tables, columns: list[dict]) -> list[str]:
    """Every English text of the data that the Chinese page would show in English."""
    missing = []
    for table in tables:
        page = page_tables([table], "zh", "downloads")[0]
        if page["title_lang"]:
            missing.append(f"{table.name}: title {table.title!r}")
        if table.description and zh_text(table.description) is None:
            missing.append(f"{table.name}: description {table.description!r}")
        for n, row in enumerate(page["rows"], 1):
            for column, c in zip(page["columns"], row["cells"]):
                if c["lang"] == "en" and column["name"] in TRANSLATED:
                    missing.append(f"{table.name} row {n}, {column['name']}: {c['text']!r}")
        for column in page["columns"]:
            if column["name"] not in HEADERS:
                missing.append(f"{table.name}: column {column['name']!r} has no Chinese heading")
    missing += [f"{c['table']}.{c['column']}: description {c['description']!r}"
                for c in column_sheet(columns, "zh") if c["lang"] == "en"]
    return list(dict.fromkeys(missing))


def chart_files(notebooks_dir, stems: list[str], lang: str, nav_label, request=None) -> dict:
    """The chart files of the notebook pages, for the data page: ``{"notebooks": [{"stem",
    "page", "name", "charts": [{"title", "files": [(text, href)]}]}], "formats": text}``.

    The builder writes every PNG a page shows as ``figures/<stem>-<n>.png`` (``n`` counts the
    page's PNG outputs from 1) and, for a chart the kernel was asked for them, the SVG, PDF and
    print PNG beside it (``guilin_report.protocol``). The plug-in is given the notebooks, not
    the output folder, so the files are inferred from the notebooks in ``notebooks_dir`` (the
    ones the builder runs): their PNG outputs, and the charts they declare (title in ``lang``);
    the SVG, PDF and print PNG are listed only for declared charts and only when this build asks
    the kernels for them (``request``, by default :func:`guilin_report.protocol.figure_request`).
    A notebook that cannot be read lists nothing.
    """
    import json
    from pathlib import Path

    from guilin_report import protocol

    from .names import FIGURES

    formats, dpi = request if request is not None else protocol.figure_request()
    found = []
    for stem in stems:
        try:
            nb = json.loads((Path(notebooks_dir) / f"{stem}.ipynb").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        charts, n = [], 0
        cells = nb.get("cells", []) if isinstance(nb, dict) else []
        for cell in cells if isinstance(cells, list) else []:
            outputs = (cell.get("outputs") or []) if isinstance(cell, dict) else []
            for output in outputs if isinstance(outputs, list) else []:
                if not isinstance(output, dict) or "image/png" not in (output.get("data") or {}):
                    continue
                n += 1
                meta = protocol.meta_of(output) or {}
                chart = meta.get("kind") == "chart"
                title = meta.get("title") if chart else None
                title = str(title[lang]) if isinstance(title, dict) and title.get(lang) else label("chart_n", lang).format(n=n)
                files = [("PNG", f"{FIGURES}/{stem}-{n}.png")]
                if chart:
                    files += [(fmt.upper(), f"{FIGURES}/{stem}-{n}.{fmt}") for fmt in protocol.FIGURE_FORMATS if fmt in formats]
                    if dpi:
                        files.append((label("print_png", lang).format(dpi=dpi), f"{FIGURES}/{stem}-{n}-{dpi}dpi.png"))
                charts.append({"title": title, "files": files})
        if charts:
            found.append({"stem": stem, "page": f"{stem}.html", "name": nav_label(stem, lang), "charts": charts})
    asked = [fmt.upper() for fmt in protocol.FIGURE_FORMATS if fmt in formats]
    asked += [label("print_png", lang).format(dpi=dpi)] if dpi else []
    text = label("chart_files_built", lang).format(formats=label("list_sep", lang).join(asked)) if asked else ""
    return {"notebooks": found, "formats": text}
