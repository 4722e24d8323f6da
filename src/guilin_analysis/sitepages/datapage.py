"""What the data page shows, in the page's language: every table, its columns and the downloads.

In: the tables of :mod:`.downloads`. Out: :func:`page_tables` and :func:`column_sheet`, plain
dicts for ``templates/data.html.j2``. The page shows the data as shipped, with

- headings, captions and descriptions in the page's language: on the Chinese page the
  descriptor's ``x-title-zh`` and ``x-description-zh`` (a table the code computes takes its
  chrome from :data:`.zh.COMPUTED` and the fields of the resource it is computed from);
- of a text and its twin in the other language (``note`` and ``note_zh``, declared with
  ``x-chinese-of``; ``name_en`` beside ``name_zh``), the page's own; the other is left to the
  downloads and the caption says so. The Chinese page therefore reads every note, definition and
  citation from the data's Chinese column, never from a translation kept in code;
- a code of a vocabulary in Chinese on the Chinese page (``x-enum-zh``; sections and audit
  statuses from :mod:`guilin_analysis.labels`);
- every cell in another language than the page marked with its ``lang``; ids breakable at
  their dots.

:func:`untranslated` lists whatever the Chinese page would still show in English.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from ..labels import LABELS, label
from .names import SOURCE_PAGE
from .zh import COMPUTED, TYPES

#: Columns the data writes in English (besides every ``*_en`` column and every text a field
#: declares itself the Chinese of): without a Chinese twin the Chinese page marks them English.
ENGLISH = {"note", "definition", "source"}
#: English by design: the project's translation of the report, whose Chinese is the report itself.
TRANSLATION = {"text_en"}
#: Columns of codes that have a label of their own.
CODES = {"section": "{}", "status": "audit_{}"}
#: Columns that hold ids (breakable at their dots).
ID_COLUMNS = {"indicator_id", "metric_id", "figure_id", "check_id", "gap_id", "indicator_ids", "inputs",
              "formula", "ratio", "code", "county_code"}
#: Columns of Chinese text on the English page (besides every ``*_zh`` column).
CHINESE = {"quote", "anchor", "name", "unit"}
#: Columns of long text, given room to wrap.
WIDE = {"quote", "note", "note_zh", "definition", "definition_zh", "caveat_zh", "caveat_en", "explanation_zh",
        "explanation_en", "source", "source_zh", "note_en", "description"}
#: Columns of short words: never one character per line (the audit's status, a unit, a period).
NOWRAP = {"status", "value", "unit", "type"}   # a period wraps between words: 2022 vs 2021 (inferred)
#: Columns of names, given room for a few words per line.
NAMES = {"name_zh", "name_en", "name"}
ROW_ANCHORS = {"report-indicators": "row-", "derived-metrics": "metric-", "reference-figures": "ref-"}
HTML_LANG = {"zh": "zh-CN", "en": "en"}


def table_fields(tables) -> dict[str, dict[str, dict]]:
    """Table name -> column -> its field in the descriptor. A table the code computes carries
    the fields of the resource it is computed from (:data:`.zh.COMPUTED`)."""
    fields = {t.name: {f["name"]: f for f in t.resource.get("schema", {}).get("fields", [])} for t in tables}
    for name, spec in COMPUTED.items():
        if name in fields and spec.get("fields_of") in fields:
            fields[name] = {**fields[spec["fields_of"]], **fields[name]}
    return fields


def twins(fields: dict[str, dict]) -> dict[str, str]:
    """Original column -> the column that gives it in Chinese (``x-chinese-of``)."""
    return {f["x-chinese-of"]: name for name, f in fields.items() if isinstance(f.get("x-chinese-of"), str)}


def shown_columns(columns: list[str], lang: str, chinese_of: dict[str, str] | None = None) -> list[str]:
    """The columns a page of ``lang`` shows: not the other language's twin of a bilingual
    column (``name_en`` beside ``name_zh``, ``note`` beside ``note_zh``, ``source`` beside
    ``source_zh``, ``unit_en`` beside ``unit`` on the Chinese page; ``chinese_of`` maps each
    original to its declared Chinese twin); the downloads keep every column."""
    present, chinese_of = set(columns), chinese_of or {}
    declared = {zh for original, zh in chinese_of.items() if original in present}
    if lang == "zh":
        return [c for c in columns if not (c.endswith("_en") and (c[:-3] + "_zh" in present or c[:-3] in present))
                and not (c + "_zh" in present) and chinese_of.get(c) not in present]
    return [c for c in columns if not (c.endswith("_zh") and (c[:-3] + "_en" in present or c[:-3] in present))
            and c not in declared]


def english(column: str, chinese_of: dict[str, str]) -> bool:
    """Whether the data writes ``column`` in English."""
    return column.endswith("_en") or column in ENGLISH or column in chinese_of


def breakable(text: str) -> Markup:
    """An id that may wrap after each dot (escaped)."""
    return Markup(".<wbr>").join(escape(part) for part in str(text).split("."))


def header(column: str, field: dict, computed: dict, lang: str) -> dict:
    """A column heading: its title in the page's language, and the column's own name beside it
    (``lang`` is ``"en"`` when the Chinese page has no Chinese heading for it)."""
    title = field.get("title", "")
    if lang == "zh":
        chinese = field.get("x-title-zh") or computed.get("columns", {}).get(column)
        text, heading_lang = chinese or title or column, None if chinese else "en"
    else:
        text, heading_lang = title or column, None
    return {"name": column, "text": text, "code": column if text != column else "", "lang": heading_lang}


def cell(table: str, column: str, value: str, lang: str, field: dict | None = None, computed: dict | None = None,
         chinese_of: dict[str, str] | None = None) -> dict:
    """One cell as the page shows it: ``{"text", "lang", "href"}``."""
    field, computed, chinese_of = field or {}, computed or {}, chinese_of or {}
    text, cell_lang, href = str(value), None, None
    codes = field.get("x-enum-zh") or computed.get("codes", {}).get(column)
    if column in CODES and value:
        key = CODES[column].format(value)
        if lang == "zh" and key in LABELS:
            text = label(key, lang)
    elif lang == "zh" and codes is not None and value:
        if value in codes:
            text = codes[value]
        else:
            cell_lang = "en"
    elif lang == "zh" and value and english(column, chinese_of):
        cell_lang = "en"
    elif lang == "en" and value and (column in CHINESE or column.endswith("_zh") or "x-chinese-of" in field):
        cell_lang = "zh-CN"
    if table == "report-indicators" and column == "indicator_id":
        href = f"{SOURCE_PAGE}#{value}"
    return {"text": breakable(text) if column in ID_COLUMNS else text, "lang": cell_lang, "href": href}


def page_tables(tables, lang: str, folder: str, inferred: set[str] = frozenset()) -> list[dict]:
    """Every table for the template: name, title, description, csv, columns, rows, hidden columns.

    ``inferred``: the indicators whose year the analysis infers (``Facts.inferred``); their
    period cell says so, as every other page does (the CSV keeps the bare year)."""
    out = []
    all_fields = table_fields(tables)
    for table in tables:
        columns = [str(c) for c in table.frame.columns]
        fields, computed = all_fields.get(table.name, {}), COMPUTED.get(table.name, {})
        chinese_of = twins(fields)
        shown = shown_columns(columns, lang, chinese_of)
        title, description, title_lang = table.title, table.description, None
        if lang == "zh":
            title = table.resource.get("x-title-zh") or computed.get("title") or table.title
            title_lang = "en" if title == table.title else None
            description = (table.resource.get("x-description-zh") or description) if description else ""
        anchor = ROW_ANCHORS.get(table.name)
        index = [columns.index(c) for c in shown]
        rows = []
        for values in table.frame.itertuples(index=False):
            values = ["" if v is None else str(v) for v in values]
            cells = [cell(table.name, columns[i], values[i], lang, fields.get(columns[i]), computed,
                          chinese_of) for i in index]
            if table.name == "report-indicators" and values[0] in inferred and "period" in shown:
                at = shown.index("period")
                mark = "（推定）" if lang == "zh" else " (inferred)"
                cells[at] = {**cells[at], "text": f"{cells[at]['text']}{mark}"} if isinstance(cells[at], dict) \
                    else f"{cells[at]}{mark}"
            rows.append({"id": f"{anchor}{values[0]}" if anchor else None, "cells": cells})
        out.append({
            "name": table.name, "title": title, "description": description, "title_lang": title_lang,
            "csv": f"{folder}/{table.name}.csv",
            "columns": [{**header(c, fields.get(c, {}), computed, lang),
                         "numeric": c in table.numeric,
                         "cls": " ".join(k for k, on in (("num", c in table.numeric), ("wide", c in WIDE),
                                                         ("nowrap", c in NOWRAP), ("name", c in NAMES), ("ids", c in ID_COLUMNS)) if on)}
                        for c in shown],
            "rows": rows, "hidden": [c for c in columns if c not in shown],
        })
    return out


def column_sheet(columns: list[dict], lang: str, tables=()) -> list[dict]:
    """The column descriptions (the workbook's ``columns`` sheet) for the page; on the Chinese
    page their Chinese from the fields of ``tables`` (``x-title-zh``, ``x-description-zh``)."""
    fields = table_fields(tables)
    rows = []
    for c in columns:
        title, description = c["title"], c["description"]
        if lang == "zh":
            f, computed = fields.get(c["table"], {}).get(c["column"], {}), COMPUTED.get(c["table"], {})
            title = f.get("x-title-zh") or computed.get("columns", {}).get(c["column"]) or title
            translated = f.get("x-description-zh") if description else ""
            rows.append({"table": c["table"], "column": c["column"], "type": TYPES.get(c["type"], c["type"]),
                         "title": title, "description": translated or description,
                         "lang": "en" if description and not translated else None})
        else:
            rows.append({"table": c["table"], "column": c["column"], "type": c["type"], "title": title,
                         "description": description, "lang": None})
    return rows


def untranslated(tables, columns: list[dict]) -> list[str]:
    """Every English text of the data that the Chinese page would show in English (the
    project's English translation of the report aside: :data:`TRANSLATION`)."""
    missing = []
    for table, page in zip(tables, page_tables(tables, "zh", "downloads")):
        if page["title_lang"]:
            missing.append(f"{table.name}: title {table.title!r}")
        if table.description and page["description"] == table.description:
            missing.append(f"{table.name}: description {table.description!r}")
        for n, row in enumerate(page["rows"], 1):
            for column, c in zip(page["columns"], row["cells"]):
                if c["lang"] == "en" and column["name"] not in TRANSLATION:
                    missing.append(f"{table.name} row {n}, {column['name']}: {str(c['text'])!r}")
        missing += [f"{table.name}: column {column['name']!r} has no Chinese heading"
                    for column in page["columns"] if column["lang"]]
    missing += [f"{c['table']}.{c['column']}: description {c['description']!r}"
                for c in column_sheet(columns, "zh", tables) if c["lang"] == "en"]
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
