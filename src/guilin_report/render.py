"""What the builder does with the display protocol on a notebook page (:mod:`.protocol`).

In: an executed notebook (an ``nbformat`` node) and the page's language. Out, from the outputs'
declared metadata alone (no notebook source is read, no HTML scraped):

* every chart's image gets its declared alt text in ``lang`` and, under it, the numbers behind
  the chart as a table (name, figure, a link where the series declares one) under a disclosure,
  and links to its publication figures when the kernel made them;
* every declared table (and the key figures) is shown as the builder's own rendering of its
  declared columns and cells, with the declared links;
* the publication figures (SVG, PDF, print PNG) are taken out of the page and written as files
  beside the PNG: :func:`figure_files`.

Everything written is escaped here (a series named ``<script>`` shows as text); a link that is
not a relative link inside the site (:func:`.protocol.safe_href`) is dropped, its text kept.
Standard library only.
"""
from __future__ import annotations

import base64
import binascii
import copy
import re
from html import escape

from . import protocol

#: The builder's own words on a notebook page.
WORDS = {
    "numbers": {"zh": "图表所用数字", "en": "The numbers behind this chart"},
    "item": {"zh": "项目", "en": "Item"},
    "figure": {"zh": "数字", "en": "Figure"},
    "name": {"zh": "指标", "en": "Indicator"},
    "period": {"zh": "时期", "en": "Period"},
    "files": {"zh": "下载图表：", "en": "Download the chart: "},
    "print_png": {"zh": "PNG（{dpi} dpi）", "en": "PNG ({dpi} dpi)"},
    "lower": {"zh": "（下限）", "en": " (lower bound)"},
    "upper": {"zh": "（上限）", "en": " (upper bound)"},
}
#: A figure file's name beside the page's PNG ``figures/<stem>-<n>.png``, by format.
FIGURES = "figures"
_SUFFIX = {"svg": ".svg", "pdf": ".pdf", "print_png": "-{dpi}dpi.png"}
_ORDER = ("svg", "pdf", "print_png")
_ACTIVE_SVG = re.compile(r"<script|<foreignObject|javascript:|\son[a-z]+\s*=", re.IGNORECASE)


def word(key: str, lang: str, **values) -> str:
    return WORDS[key][lang].format(**values)


def _link(text: str, href) -> str:
    safe = protocol.safe_href(href)
    return f'<a href="{escape(safe)}">{escape(text)}</a>' if safe else escape(text)


# ---------------------------------------------------------------- charts

def alt(meta: dict, lang: str) -> str:
    """The image's alt text: the chart's declared alt in ``lang`` (its title if it has none)."""
    text = meta.get("alt") or meta.get("title") or {}
    return str(text.get(lang, "")) if isinstance(text, dict) else ""


def numbers_html(meta: dict, lang: str, files: dict[str, str] | None = None) -> str:
    """The numbers behind a chart (from its declared series) under a disclosure, then links to its
    figure files (``{format: relative path}``)."""
    rows = []
    for s in meta.get("series", []):
        bound = s.get("bound", "exact")
        text = str(s["text"][lang]) + (word(bound, lang) if bound in ("lower", "upper") else "")
        rows.append(f"<tr><td>{escape(str(s['name'][lang]))}</td><td>{_link(text, s.get('href'))}</td></tr>")
    out = (f'<details class="chart-data"><summary>{escape(word("numbers", lang))}</summary>'
           f'<table><thead><tr><th scope="col">{escape(word("item", lang))}</th>'
           f'<th scope="col">{escape(word("figure", lang))}</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
           f'</details>')
    if files:
        links = []
        for fmt in _ORDER:
            if fmt in files:
                path, dpi = files[fmt]
                name = word("print_png", lang, dpi=dpi) if fmt == "print_png" else fmt.upper()
                links.append(_link(name, path))
        out += f'<p class="chart-files">{escape(word("files", lang))}{" · ".join(links)}</p>'
    return out


def _extras(output) -> dict[str, tuple[bytes, int | None]]:
    """The publication figures a chart output holds, decoded and checked: ``{format: (bytes, dpi)}``.
    A file that is not what its format says (or an SVG that could run script) is left out."""
    data = output.get("data", {})
    found = {}
    for fmt, mime in protocol.FIGURE_MIME.items():
        value = data.get(mime)
        if value is None:
            continue
        if isinstance(value, list):
            value = "".join(value)
        if not isinstance(value, str):
            continue
        if fmt == "svg":
            if _ACTIVE_SVG.search(value) or "<svg" not in value[:2000]:
                continue
            found[fmt] = (value.encode("utf-8"), None)
            continue
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            continue
        if fmt == "pdf" and raw.startswith(b"%PDF-"):
            found[fmt] = (raw, None)
        elif fmt == "print_png" and raw.startswith(b"\x89PNG"):
            dpi = (output.get("metadata", {}).get(mime) or {}).get("dpi")
            if isinstance(dpi, int) and not isinstance(dpi, bool) and protocol.DPI_RANGE[0] <= dpi <= protocol.DPI_RANGE[1]:
                found[fmt] = (raw, dpi)
    return found


def _paths(stem: str, n: int, extras: dict) -> dict[str, tuple[str, int | None]]:
    return {fmt: (f"{FIGURES}/{stem}-{n}" + _SUFFIX[fmt].format(dpi=dpi), dpi) for fmt, (_, dpi) in extras.items()}


def _pngs(nb):
    """``(n, output)`` of every output holding a PNG, numbered from 1 in page order."""
    n = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            if "image/png" in (output.get("data") or {}):
                n += 1
                yield n, output


def figure_files(nb, stem: str) -> dict[str, bytes]:
    """Every figure of a page as a file, relative to the language folder: the PNG each output
    shows (``figures/<stem>-<n>.png``) and, beside it, the SVG, PDF and print PNG a chart was
    asked for (``figures/<stem>-<n>.svg``, ``.pdf``, ``-300dpi.png``). A PNG that is not valid
    base64 is left out."""
    files = {}
    for n, output in _pngs(nb):
        png = output["data"]["image/png"]
        try:
            files[f"{FIGURES}/{stem}-{n}.png"] = base64.b64decode("".join(png) if isinstance(png, list) else png)
        except (binascii.Error, ValueError, TypeError):
            continue
        extras = _extras(output)
        for fmt, (path, _) in _paths(stem, n, extras).items():
            files[path] = extras[fmt][0]
    return files


# ---------------------------------------------------------------- tables

def _cell_html(text: str, links: list[list]) -> str:
    """A cell's text, escaped, with its links: a whole-cell link, or links on parts of the text
    found in order (``a, a.restated``: each id its own link)."""
    whole = [link for link in links if len(link) == 3]
    if whole:
        return _link(text, whole[0][2])
    out, cursor = [], 0
    for link in links:
        href, part = link[2], link[3]
        at = text.find(part, cursor) if part else -1
        if at < 0:
            continue
        out += [escape(text[cursor:at]), _link(part, href)]
        cursor = at + len(part)
    out.append(escape(text[cursor:]))
    return "".join(out)


def table_html(columns: list[str], rows: list[list[str]], links: list[list]) -> str:
    """The builder's rendering of a declared table: every text escaped, the declared links kept
    when they are relative links inside the site."""
    by_cell: dict[tuple[int, int], list] = {}
    for link in links:
        if protocol.link_ok(link, len(rows), len(columns)):
            by_cell.setdefault((link[0], link[1]), []).append(link)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell_html(v, by_cell.get((r, c), []))}</td>" for c, v in enumerate(row))
                   + "</tr>" for r, row in enumerate(rows))
    return f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def key_figures_html(meta: dict, lang: str) -> str:
    """The key figures as a table: name, figure (linked to its quote), period."""
    figures = meta.get("figures", [])
    rows = [[f["name"][lang], f["value"][lang], f["period"][lang]] for f in figures]
    links = [[r, 1, f.get("href")] for r, f in enumerate(figures) if isinstance(f.get("href"), str)]
    return table_html([word("name", lang), word("figure", lang), word("period", lang)], rows, links)


# ---------------------------------------------------------------- a page

#: Output metadata the page template writes: set here only, never taken from a notebook.
PAGE_KEYS = ("guilin_alt", "guilin_details")
_DIGITS = re.compile(r"[0-9]{1,5}")


def _untrusted_page_metadata(output) -> None:
    """What a notebook wrote where the page template reads it is dropped: the builder's own
    keys (``guilin_alt``, ``guilin_details``: written raw into the page) and any image
    ``width``/``height`` that is not a plain number (nbconvert writes them unquoted)."""
    meta = output.get("metadata")
    if not isinstance(meta, dict):
        return
    for key in PAGE_KEYS:
        meta.pop(key, None)
    for value in [meta, *[v for v in meta.values() if isinstance(v, dict)]]:
        for size in ("width", "height"):
            if size in value and not (isinstance(value[size], int) or _DIGITS.fullmatch(str(value[size]))):
                value.pop(size)


def prepare(nb, lang: str, stem: str = ""):
    """A copy of an executed notebook ready for its page in ``lang``: chart images with their
    alt text and numbers (``output.metadata["guilin_alt"]``, ``["guilin_details"]``, which the
    page template writes), declared tables replaced by the builder's rendering, publication
    figures taken out of the outputs (:func:`figure_files` writes them) and linked under their
    chart. Output metadata that does not hold to the protocol is ignored: the output shows as
    it is, without a description."""
    if lang not in protocol.LANGS:
        raise ValueError(f"lang must be one of {', '.join(protocol.LANGS)}, not {lang!r}")
    nb = copy.deepcopy(nb)
    pngs = {id(output): n for n, output in _pngs(nb)}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            _untrusted_page_metadata(output)
            data = output.get("data")
            if not isinstance(data, dict):
                continue
            extras = _extras(output) if id(output) in pngs else {}
            for mime in protocol.FIGURE_MIME.values():
                data.pop(mime, None)
            meta = protocol.meta_of(output)
            if meta is None or protocol.problems(meta):
                continue
            if meta["kind"] == "chart" and "image/png" in data:
                files = _paths(stem, pngs[id(output)], extras) if stem else {}
                output.setdefault("metadata", {})
                output["metadata"]["guilin_alt"] = alt(meta, lang)
                output["metadata"]["guilin_details"] = numbers_html(meta, lang, files)
            elif meta["kind"] == "table":
                data["text/html"] = table_html(meta["columns"], meta["rows"], meta.get("links") or [])
            elif meta["kind"] == "key_figures":
                data["text/html"] = key_figures_html(meta, lang)
    return nb


# ---------------------------------------------------------------- the index and the manifest

def index_entries(nb, lang: str) -> dict:
    """What an executed notebook gives the index and the manifest, from its declarations alone:
    its key findings in ``lang``, its key figures (``{"id", "name", "value", "period", "href"}``
    in ``lang``, the link only when it is inside the site) and every id it shows."""
    figures = []
    for f in protocol.key_figures(nb):
        if all(isinstance(f.get(k), dict) and isinstance(f[k].get(lang), str) for k in ("name", "value", "period")):
            figures.append({"id": str(f.get("id") or ""), "name": f["name"][lang], "value": f["value"][lang],
                            "period": f["period"][lang], "href": protocol.safe_href(f.get("href"))})
    return {"findings": [f[lang] for f in protocol.findings(nb)], "key_figures": figures, "ids": protocol.ids(nb)}
