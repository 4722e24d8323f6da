"""The display protocol: what a notebook's outputs say they show (``PROTOCOL.md``).

The analysis helpers write it (``guilin_analysis.notebook``, ``.charts``, ``.tables``); the
builder reads it (:mod:`.render`, the index, the manifest). This module is the one place both
sides agree on: the names of the keys, the kinds, the bounds, the environment variables that ask
a kernel for publication figures, and the readers. Standard library only, so that the analysis
may import it (the arrow points down) and the builder needs nothing of the analysis.

Where it is kept
----------------
Every declared output (``display_data`` or ``execute_result``) carries
``output["metadata"]["guilin_report"] = {"kind": …, "ids": […], …}``. IPython puts the metadata
of a ``_repr_<mime>_`` method under the mime type (``metadata["text/markdown"]["guilin_report"]``),
that of ``_repr_mimebundle_`` at the top: :func:`meta_of` reads both places.

Per kind (every field below is required unless marked optional)
---------------------------------------------------------------
``finding``      ``{"text": {"zh", "en"}, "key": bool, "ids": [...]}``
``prose``        ``{"ids": [...]}`` (a sentence filled from the data, ``say``)
``chart``        ``{"chart": "bar" | "dot" | …, "title": {"zh", "en"}, "alt": {"zh", "en"}, "unit": str,
                 "series": [{"id": str | None, "name": {"zh", "en"}, "value": number, "unit": str,
                 "text": {"zh", "en"}, "bound": "exact" | "lower" | "upper", "href": str | None}], "ids": [...]}``:
                 exactly the series drawn, in drawing order; the alt text names the chart kind.
``table``        ``{"columns": [str], "rows": [[str]], "links": [[row, col, href]], "ids": [...]}``: the
                 cells as displayed. A link ``[row, col, href]`` links the whole cell; ``[row, col, href, part]``
                 links the first ``part`` of the cell's text not linked yet (a cell listing several ids).
``key_figures``  ``{"figures": [{"id", "name": {"zh", "en"}, "value": {"zh", "en"}, "period": {"zh", "en"},
                 "href"}], "ids": [...]}`` (displayed once, by the overview notebook).

A notebook's short name in the site navigation: ``nb.metadata["guilin_report"]["nav"] = {"zh", "en"}``.

Links (``href``) are relative links inside the site: ``source.html#<indicator id>``,
``data.html#metric-<id>``, ``data.html#ref-<id>``. :func:`safe_href` is the rule the builder
applies to them before writing one; anything else is dropped.

Publication figures
-------------------
The builder asks the kernels for figure files through the environment: :data:`FIGURE_FORMATS_ENV`
(``svg``, ``pdf`` or ``svg,pdf``) and :data:`DPI_ENV` (a PNG for print at that resolution). A
chart then adds, beside its screen PNG, the mime types of :data:`FIGURE_MIME`; without the
variables (JupyterLab, the committed notebooks) nothing is added. :func:`figure_request` reads
and checks them. The SVG and the PDF draw every glyph as a path (they open anywhere, with no
font); the print PNG's resolution is in the output's metadata under its mime type
(``{"application/vnd.guilin-report.print-png": {"dpi": 300}}``). :mod:`.render` takes them out
of the page and writes them beside the PNG: ``figures/<notebook>-<n>.svg``, ``.pdf``,
``-<dpi>dpi.png``.

nbval compares ``text/plain``, ``text/html`` and ``text/markdown`` but never an output's
``metadata`` (nor ``image/png``): a declaration never makes it fail; the text of a chart
(its alt text) and of a table (its cells) is the same from run to run.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterator, Mapping
from urllib.parse import unquote, urlsplit

#: The key of the declared metadata, in an output and in a notebook's metadata.
KEY = "guilin_report"
KINDS = ("finding", "prose", "chart", "table", "key_figures")
LANGS = ("zh", "en")
#: What a chart's value is: the value itself, at least it, at most it.
BOUNDS = ("exact", "lower", "upper")
#: Output types that carry display metadata.
DISPLAY_OUTPUTS = ("display_data", "execute_result")

#: Environment variables the builder sets for its kernels to ask for publication figures.
FIGURE_FORMATS_ENV = "GUILIN_REPORT_FIGURE_FORMATS"
DPI_ENV = "GUILIN_REPORT_DPI"
#: Formats :data:`FIGURE_FORMATS_ENV` may list.
FIGURE_FORMATS = ("svg", "pdf")
#: Where a chart's output keeps each figure file (``pdf`` and ``print_png`` base64, ``svg`` text).
#: Set only when the builder asks (:func:`figure_request`).
FIGURE_MIME = {"svg": "image/svg+xml", "pdf": "application/pdf",
               "print_png": "application/vnd.guilin-report.print-png"}
#: The resolutions a print PNG may have.
DPI_RANGE = (72, 1200)

# Findings written before this protocol (``{"guilin_analysis": {"finding": {...}, "key": bool}}``) are
# still read, so that notebooks executed before it keep their findings until they are re-executed.
_LEGACY_FINDING_KEY = "guilin_analysis"


# ---------------------------------------------------------------- reading a notebook

def _notebook(nb) -> Mapping:
    """An ``nbformat`` node or a plain dict as it is; a path is read as JSON."""
    if isinstance(nb, (str, os.PathLike)):
        with open(nb, encoding="utf-8") as handle:
            return json.load(handle)
    return nb


def meta_of(output: Mapping) -> dict | None:
    """The declared metadata of one output, or ``None`` (not declared, or not a dict)."""
    if output.get("output_type") not in DISPLAY_OUTPUTS:
        return None
    metadata = output.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        return None
    found = metadata.get(KEY)
    if found is None:                    # under a mime type (``_repr_markdown_`` and friends)
        for value in metadata.values():
            if isinstance(value, Mapping) and isinstance(value.get(KEY), Mapping):
                found = value[KEY]
                break
    if found is None:
        found = _legacy_finding(metadata)
    if not isinstance(found, Mapping) or found.get("kind") not in KINDS:
        return None
    return dict(found)


def _legacy_finding(metadata: Mapping) -> dict | None:
    for place in (metadata, *(v for v in metadata.values() if isinstance(v, Mapping))):
        old = place.get(_LEGACY_FINDING_KEY)
        if isinstance(old, Mapping) and isinstance(old.get("finding"), Mapping):
            return {"kind": "finding", "text": dict(old["finding"]), "key": bool(old.get("key")), "ids": []}
    return None


def declared(nb, kind: str | None = None) -> Iterator[tuple[int, int, dict]]:
    """``(cell index, output index, metadata)`` of every declared output, in order (of one kind)."""
    for c, cell in enumerate(_notebook(nb).get("cells", [])):
        for o, output in enumerate(cell.get("outputs", []) or []):
            meta = meta_of(output)
            if meta is not None and (kind is None or meta["kind"] == kind):
                yield c, o, meta


def findings(nb, key_only: bool = True) -> list[dict[str, str]]:
    """The findings a notebook displayed, in order: ``[{"zh": …, "en": …}]`` (only the key ones)."""
    found = []
    for _, _, meta in declared(nb, "finding"):
        text = meta.get("text")
        if isinstance(text, Mapping) and (meta.get("key") or not key_only):
            found.append({lang: str(text.get(lang, "")) for lang in LANGS})
    return found


def ids(nb) -> list[str]:
    """Every data id a notebook's outputs declare, once each, in the order first shown."""
    seen: dict[str, None] = {}
    for _, _, meta in declared(nb):
        for ident in meta.get("ids") or []:
            if isinstance(ident, str) and ident:
                seen.setdefault(ident)
    return list(seen)


def key_figures(nb) -> list[dict]:
    """The key figures a notebook declared (``[{"id", "name", "value", "period", "href"}]``)."""
    return [dict(f) for _, _, meta in declared(nb, "key_figures")
            for f in meta.get("figures") or [] if isinstance(f, Mapping)]


def charts(nb) -> list[dict]:
    """The metadata of every chart a notebook displayed, in order."""
    return [meta for _, _, meta in declared(nb, "chart")]


def tables(nb) -> list[dict]:
    """The metadata of every table a notebook displayed, in order."""
    return [meta for _, _, meta in declared(nb, "table")]


def nav(nb, lang: str) -> str | None:
    """A notebook's short name in the navigation, in ``lang``, if it declares one."""
    meta = _notebook(nb).get("metadata", {}).get(KEY) or {}
    name = meta.get("nav") if isinstance(meta, Mapping) else None
    return str(name[lang]) if isinstance(name, Mapping) and name.get(lang) else None


# ---------------------------------------------------------------- checking what is declared

def _is_text(value) -> bool:
    return isinstance(value, Mapping) and all(isinstance(value.get(lang), str) for lang in LANGS)


def problems(meta: Mapping) -> list[str]:
    """What is wrong with one output's declared metadata, one sentence each; ``[]`` when it holds."""
    kind = meta.get("kind")
    if kind not in KINDS:
        return [f"kind {kind!r} is not one of {', '.join(KINDS)}"]
    found = []
    if not isinstance(meta.get("ids", []), list) or not all(isinstance(i, str) for i in meta.get("ids", [])):
        found.append(f"a {kind}'s ids must be a list of strings")
    if kind == "finding":
        if not _is_text(meta.get("text")):
            found.append("a finding needs its text in zh and en")
        if not isinstance(meta.get("key"), bool):
            found.append("a finding's key must be true or false")
    elif kind == "chart":
        for field in ("title", "alt"):
            if not _is_text(meta.get(field)):
                found.append(f"a chart needs its {field} in zh and en")
        series = meta.get("series")
        if not isinstance(series, list) or not series:
            found.append("a chart needs the series it draws")
        else:
            for n, item in enumerate(series, 1):
                found += [f"series {n}: {p}" for p in _series_problems(item)]
    elif kind == "table":
        columns, rows = meta.get("columns"), meta.get("rows")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            found.append("a table's columns must be a list of strings")
        elif not isinstance(rows, list) or not all(
                isinstance(r, list) and len(r) == len(columns) and all(isinstance(v, str) for v in r) for r in rows):
            found.append(f"a table's rows must be lists of {len(columns)} strings")
        else:
            for link in meta.get("links") or []:
                if not link_ok(link, len(rows), len(columns)):
                    found.append(f"link {link!r} does not name a cell of the table and a link")
    elif kind == "key_figures":
        for n, item in enumerate(meta.get("figures") or [], 1):
            if not isinstance(item, Mapping) or not all(_is_text(item.get(f)) for f in ("name", "value", "period")):
                found.append(f"key figure {n} needs its name, value and period in zh and en")
    return found


def _series_problems(item) -> list[str]:
    if not isinstance(item, Mapping):
        return ["not an object"]
    found = []
    if not _is_text(item.get("name")):
        found.append("a name in zh and en is needed")
    if not _is_text(item.get("text")):
        found.append("a text in zh and en is needed")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        found.append(f"value {value!r} is not a finite number")
    if item.get("bound", "exact") not in BOUNDS:
        found.append(f"bound {item.get('bound')!r} is not one of {', '.join(BOUNDS)}")
    return found


def link_ok(link, n_rows: int, n_columns: int) -> bool:
    return (isinstance(link, list) and len(link) in (3, 4)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in link[:2])
            and 0 <= link[0] < n_rows and 0 <= link[1] < n_columns
            and all(isinstance(v, str) for v in link[2:]))


_UNSAFE_CHAR = re.compile(r"[\x00-\x20\x7f\\]")


def safe_href(href) -> str | None:
    """``href`` if it is a relative link inside the site, else ``None``.

    Refused: anything with a scheme (``javascript:``, ``https:``), a leading ``/`` (``/etc``,
    ``//host``), a ``..`` segment (also percent-encoded), a backslash, whitespace or a control
    character (browsers drop or reinterpret those)."""
    if not isinstance(href, str) or not href or _UNSAFE_CHAR.search(href):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or href.startswith("/"):
        return None
    decoded = unquote(parts.path)
    if decoded.startswith("/") or ".." in decoded.split("/") or _UNSAFE_CHAR.search(decoded):
        return None
    return href


# ---------------------------------------------------------------- publication figures

def figure_request(environ: Mapping[str, str] | None = None) -> tuple[tuple[str, ...], int | None]:
    """``(formats, dpi)`` the builder asks the charts for, from :data:`FIGURE_FORMATS_ENV` and
    :data:`DPI_ENV`; ``((), None)`` when neither is set. A value outside the protocol raises
    ``ValueError`` with one sentence naming the variable."""
    environ = os.environ if environ is None else environ
    raw = environ.get(FIGURE_FORMATS_ENV, "").strip()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in raw.split(",") if f.strip())) if raw else ()
    unknown = [f for f in formats if f not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(f"{FIGURE_FORMATS_ENV}={raw!r}: {', '.join(unknown)} is not a figure format "
                         f"(use {', '.join(FIGURE_FORMATS)}, comma-separated)")
    dpi_raw = environ.get(DPI_ENV, "").strip()
    dpi = None
    if dpi_raw:
        low, high = DPI_RANGE
        if not dpi_raw.isdigit() or not low <= int(dpi_raw) <= high:
            raise ValueError(f"{DPI_ENV}={dpi_raw!r} is not a resolution: give a whole number of dots per "
                             f"inch from {low} to {high}")
        dpi = int(dpi_raw)
    return formats, dpi
