"""The HTML pages: one per executed notebook (nbconvert) and one index per language (Jinja).

Notebook pages use nbconvert's lab template, extended in ``templates/guilin`` to fetch nothing
from the network, and are exported with ``sanitize_html`` on: raw HTML in Markdown cells and in
HTML or Markdown outputs passes through :func:`clean_html`, which keeps the markup the notebooks
use (headings, paragraphs, lists, links, tables) and turns anything else, a ``<script>``, an
``<img onerror=...>``, into visible text; links keep only http, https, mailto and relative
targets. This is the second line of defence: data text is escaped where it is written.

The index (``templates/site/index.html.j2``) is rendered by Jinja with autoescaping on, from the
language's manifest alone, so it can be rendered again without running anything. Every page
shares the header and footer of :mod:`.site`.
"""
from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

from . import __version__
from guilin_analysis.labels import label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


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
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="guilin", extra_template_basedirs=[str(TEMPLATE_DIR)],
                        exclude_input=not with_code, exclude_input_prompt=True,
                        exclude_output_prompt=True, language_code=lang, sanitize_html=True,
                        filters={"clean_html": clean_html})


def for_language(nb, lang: str):
    """The notebook as a reader of ``lang`` sees it: the other language's Markdown cells
    (tagged ``lang-zh`` / ``lang-en``) dropped, and the notebook's key findings, collected from
    its own outputs, set under its title. Returns ``(notebook, findings in lang)``."""
    import copy

    from guilin_analysis.notebook import LANG_TAGS, findings_of

    other = {tag for code, tag in LANG_TAGS.items() if code != lang}
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not other & set(c.metadata.get("tags", []))]
    findings = [f[lang] for f in findings_of(nb)]
    if findings:
        import nbformat

        block = nbformat.v4.new_markdown_cell(
            f"**{label('key_findings', lang)}**\n\n" + "\n".join(f"- {f}" for f in findings))
        first = next((n for n, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
        nb.cells.insert(first + 1, block)
    return nb, findings


def notebook_html(nb, lang: str, with_code: bool, title: str, chrome=None, built_at: str = "",
                  data_dir=None, stem: str = "") -> str:
    """A self-contained HTML page for an executed notebook (images inline, no remote scripts).

    With ``chrome`` (a :class:`.site.Chrome`) the page gets the site's header and footer. Every
    chart gets its declared alt text and the numbers behind it, every declared table the
    builder's own rendering with its links (:mod:`.render`, from the output metadata alone)."""
    from . import render

    nb.metadata["title"] = title
    nb = render.prepare(nb, lang, stem)
    css = (TEMPLATE_DIR / "site" / "site.css").read_text(encoding="utf-8")
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


def index_html(lang: str, manifest: dict, notebooks: list[str], other_lang: str | None) -> str:
    """The index page of one language, from its manifest alone.

    ``notebooks`` are the stems to list (every notebook of the folder, built or not);
    ``other_lang`` is the language to link to, or ``None`` when it has no published index.
    """
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
    from .site import Chrome, environment

    from .plugin import load

    version = str(manifest.get("data_version") or "")
    chrome = Chrome(lang, tuple(notebooks), version, manifest.get("data_hash") or "", other_lang,
                    load().citation(version, lang))
    context = chrome.context("index.html", manifest.get("built_at", ""))
    context.update(
        key_figures=manifest.get("key_figures", {}).get("figures", []),
        rows=rows, mixed_data=len(data_hashes) > 1,
        built_at=manifest.get("built_at", ""), data=manifest.get("data", ""),
        data_hash=(manifest.get("data_hash") or "")[:12], version=__version__)
    return environment().get_template("index.html.j2").render(**context)
