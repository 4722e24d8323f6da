"""The HTML pages: one per executed notebook (nbconvert) and one index per language (Jinja).

Notebook pages use nbconvert's lab template, extended in ``templates/guilin`` to fetch nothing
from the network, and are exported with ``sanitize_html`` on: raw HTML in Markdown cells and in
HTML or Markdown outputs passes through :func:`clean_html`, which keeps the markup the notebooks
use (headings, paragraphs, lists, links, tables) and turns anything else, a ``<script>``, an
``<img onerror=...>``, into visible text; links keep only http, https, mailto and relative
targets. This is the second line of defence: data text is escaped where it is written.

A page is made from an executed notebook and the current source (:func:`compose`): the
Markdown cells are the source's, the code cells and their outputs the executed notebook's, so
prose is re-rendered without running anything. What the page shows under its title (the key
findings) and what the manifest records (ids, key figures) are read from the outputs' metadata
(:mod:`.declared`).

The index (``templates/site/index.html.j2``) is rendered by Jinja with autoescaping on, from the
language's manifest alone, so it can be rendered again without running anything. Every page
shares the header and footer of :mod:`.site`.
"""
from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import __version__, declared, paths
from .labels import HTML_LANG, LANGUAGES, label

_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
         "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
         "h6", "hr", "i", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
         "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
         "u", "ul", "var"]
_ATTRIBUTES = {"*": ["class", "id", "title", "lang", "style"], "a": ["href", "class", "id", "title"],
               "td": ["colspan", "rowspan", "class", "id", "style"],
               "th": ["colspan", "rowspan", "scope", "class", "id", "style"]}
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=1)
def _css_sanitizer():
    from bleach.css_sanitizer import CSSSanitizer

    return CSSSanitizer(allowed_css_properties=["text-align", "vertical-align", "font-weight"])


def clean_html(markup) -> str:
    """Sanitised HTML for a notebook page (nbconvert's ``clean_html`` filter, replaced).

    pandas' ``<style>`` blocks are dropped (the page's own CSS aligns the tables); tags and
    attributes outside the list are escaped into text; URLs keep only safe schemes.
    """
    import bleach

    text = markup.decode() if isinstance(markup, bytes) else str(markup)
    return bleach.clean(_STYLE_ELEMENT.sub("", text), tags=_TAGS, attributes=_ATTRIBUTES,
                        protocols=["http", "https", "mailto"], strip=False, strip_comments=True,
                        css_sanitizer=_css_sanitizer())


def _exporter(lang: str, with_code: bool):
    return _cached_exporter(lang, with_code, str(paths.TEMPLATES))


@lru_cache(maxsize=8)
def _cached_exporter(lang: str, with_code: bool, templates: str):
    """One exporter per language, code setting and template folder: its templates are compiled
    once per process, not once per page."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="guilin", extra_template_basedirs=[templates],
                        exclude_input=not with_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code=lang, sanitize_html=True,
                        filters={"clean_html": clean_html})


def for_language(nb, lang: str, words: dict | None = None):
    """The notebook as a reader of ``lang`` sees it: the other languages' Markdown cells
    (tagged ``lang-zh`` / ``lang-en``) dropped, and the notebook's key findings, declared in
    its own outputs' metadata, set under its title. Returns ``(notebook, findings in lang)``."""
    other = {declared.lang_tag(code) for code in LANGUAGES if code != lang}
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not other & set(c.metadata.get("tags", []))]
    findings = [f[lang] for f in declared.findings(nb) if lang in f]
    if findings:
        import nbformat

        block = nbformat.v4.new_markdown_cell(
            f"**{label('key_findings', lang, words)}**\n\n" + "\n".join(f"- {f}" for f in findings))
        first = next((n for n, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
        nb.cells.insert(first + 1, block)
    return nb, findings


INJECTED_TAG = "injected-parameters"      # papermill's cell of the parameters it was given


#: Tag of a cell the builder adds to an executed notebook (what was cut from a cell's output):
#: kept under the first heading when a page is composed from the current source.
NOTE_TAG = "guilin-report-note"


def compose(executed, source):
    """The notebook a page shows: the cells of the current ``source`` in its order, each
    Markdown (raw) cell as it is now, each code cell as executed (with its outputs), papermill's
    injected-parameters cell where it was; the executed notebook's metadata.

    Code cells are matched by id, else by order: the run key guarantees that the source's code
    cells are those that ran (the executed copies may differ only where the building machine's
    folders were rewritten). Raises ``ValueError`` when they do not correspond (run it again)."""
    executed = copy.deepcopy(executed)
    notes = [c for c in executed.cells if NOTE_TAG in c.metadata.get("tags", [])]   # the builder's own
    ran = [c for c in executed.cells if c.cell_type == "code" and INJECTED_TAG not in c.metadata.get("tags", [])]
    injected = [c for c in executed.cells if INJECTED_TAG in c.metadata.get("tags", [])]
    by_id = {c.get("id"): c for c in ran if c.get("id")}
    code = [c for c in source.cells if c.cell_type == "code"]
    if len(code) != len(ran):
        raise ValueError(f"the executed notebook has {len(ran)} code cells, the source {len(code)}")
    use_ids = len(by_id) == len(ran) and all(c.get("id") in by_id for c in code)
    cells, order = [], iter(ran)
    for cell in source.cells:
        if cell.cell_type != "code":
            cells.append(copy.deepcopy(cell))
            continue
        cells.append(by_id[cell.get("id")] if use_ids else next(order))
        if "parameters" in cell.metadata.get("tags", []):
            cells += injected
            injected = []
    cells += injected
    first = next((n for n, c in enumerate(cells) if c.cell_type == "markdown"), -1)
    executed.cells = cells[:first + 1] + notes + cells[first + 1:]
    return executed


def notebook_html(nb, lang: str, with_code: bool, title: str, chrome=None, built_at: str = "",
                  data_dir=None, stem: str = "") -> str:
    """A self-contained HTML page for an executed notebook (images inline, no remote scripts).

    With ``chrome`` (a :class:`.site.Chrome`) the page gets the site's header and footer. Every
    chart gets its declared alt text and the numbers behind it, every declared table the
    builder's own rendering with its links (:mod:`.render`, from the output metadata alone)."""
    from . import render

    nb.metadata["title"] = title
    nb = render.prepare(nb, lang, stem)
    css = (paths.TEMPLATES / "site" / "site.css").read_text(encoding="utf-8")
    body, _ = _exporter(lang, with_code).from_notebook_node(nb, resources={"guilin_css": css})
    body = body.replace(f'<html lang="{lang}">', f'<html lang="{HTML_LANG[lang]}">', 1)
    if chrome is not None:
        page = f"{stem}.html"
        head, sep, rest = body.partition("<main>")
        body = head + chrome.header(page, built_at) + '\n<main id="main">' + rest if sep else body
        head, sep, tail = body.rpartition("</main>")
        body = head + "</main>\n" + chrome.footer(page, built_at) + tail if sep else body
    return body


def images(nb) -> list[bytes]:
    """The PNG images a notebook displayed, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                found.append(base64.b64decode(png))
    return found


def title_of(nb, fallback: str) -> str:
    """The first Markdown heading of a notebook, written or generated, without the leading #."""
    for cell in nb.cells:
        texts = [cell.source] if cell.cell_type == "markdown" else [
            out.get("data", {}).get("text/markdown", "") for out in cell.get("outputs", [])]
        for text in texts:
            for line in text.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


@dataclass
class Rendered:
    """A notebook's page and what its outputs declare, for one language."""

    html: str
    figures: dict = field(default_factory=dict)     # figures/<stem>-<n>.png (and .svg, .pdf when asked for) -> bytes
    title: str = ""
    findings: list = field(default_factory=list)    # its key findings in the page's language
    ids: list = field(default_factory=list)         # the data ids its outputs show
    key_figures: list = field(default_factory=list)  # [[name, value, href, period], …] it declares


def render_page(executed, source, *, stem: str, lang: str, with_code: bool = False, chrome=None,
                built_at: str = "", data_dir=None) -> Rendered:
    """The page of ``stem`` in ``lang`` from an executed notebook and the current source (both
    ``nbformat`` nodes; see :func:`compose`)."""
    words = dict(chrome.words) if chrome is not None else None
    nb = compose(executed, source) if source is not None else copy.deepcopy(executed)
    ids, key_figures = declared.ids(nb), declared.key_figures(nb, lang)
    nb, findings = for_language(nb, lang, words)
    title = title_of(nb, stem)
    html = notebook_html(nb, lang, with_code, title, chrome, built_at, data_dir, stem)
    from .render import figure_files

    return Rendered(html, figure_files(nb, stem), title, findings, ids, key_figures)


def index_html(chrome, manifest: dict, notebooks: list[str], key_figures: list) -> str:
    """The index page of one language, from its manifest alone.

    ``chrome`` is the language's :class:`.site.Chrome` (its ``other_lang`` is ``None`` when
    the other language has no published index); ``notebooks`` are the stems to list (every
    notebook of the folder, built or not); ``key_figures`` ``[[name, value, href, period], …]``.
    """
    from .site import environment

    entries = manifest.get("notebooks", {})
    data_hashes = {entries[n].get("data_hash") for n in notebooks if n in entries}
    rows = []
    for name in notebooks:
        entry = entries.get(name)
        if entry is None:
            rows.append({"name": name, "status": "not_built", "findings": []})
            continue
        log = entry.get("error_log") or entry.get("executed_notebook")
        rows.append({
            "name": name,
            "title": entry.get("title") or name,
            "page": entry.get("page"),
            "status": "ok" if entry.get("status") == "ok" else "failed",
            "error": entry.get("error", ""),
            "error_log": log,
            "error_log_is_notebook": (log or "").endswith(".ipynb"),
            "last_good_at": entry.get("last_good_at") or "",
            "duration": float(entry.get("duration_s") or 0),
            "data": entry.get("data", ""),
            "data_hash": (entry.get("data_hash") or "")[:12],
            "findings": [str(f) for f in entry.get("findings", [])],
        })
    context = chrome.context("index.html", manifest.get("built_at", ""))
    context.update(
        key_figures=key_figures, rows=rows, mixed_data=len(data_hashes) > 1,
        built_at=manifest.get("built_at", ""), data=manifest.get("data", ""),
        data_hash=(manifest.get("data_hash") or "")[:12], version=__version__)
    return environment(str(paths.TEMPLATES)).get_template("index.html.j2").render(**context)
