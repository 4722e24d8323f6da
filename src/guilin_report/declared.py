"""What an executed notebook declares about itself, read from metadata only (the display
protocol, ``PROTOCOL.md``): its outputs' ``metadata["guilin_report"]`` (findings, prose, charts,
tables, key figures, with the data ids each shows) and the notebook's own
``metadata["guilin_report"]`` (its short name in the navigation).

No regular expression over notebook source and no HTML is read for meaning here. Standard
library only: the builder reads JSON that any project's helpers may write.

IPython puts the metadata of a ``_repr_*_`` method under the mime type
(``metadata["text/markdown"]["guilin_report"]``); a ``display(..., metadata=...)`` puts it at
the top (``metadata["guilin_report"]``). Both places are read.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

#: The metadata key of the protocol, on outputs and on the notebook.
KEY = "guilin_report"
#: Until the notebooks are executed again with the display protocol's helpers, a finding
#: written by the earlier helper carries ``{"guilin_analysis": {"finding": {...}, "key": bool}}``.
#: Read as a finding; drop once every committed notebook declares ``kind: finding``.
LEGACY_FINDING_KEY = "guilin_analysis"
#: The tag of a Markdown cell written in one language (``lang-zh``, ``lang-en``).
LANG_TAG = "lang-{}"


def lang_tag(lang: str) -> str:
    return LANG_TAG.format(lang)


def _as_notebook(notebook) -> dict:
    """A notebook as a JSON dict (an ``nbformat`` node is one) from a node or a path."""
    if isinstance(notebook, (str, os.PathLike)):
        return json.loads(Path(notebook).read_text(encoding="utf-8"))
    return notebook


def of_output(output: dict) -> dict | None:
    """The protocol's declaration of one output, or ``None``: a dict with at least ``kind``.

    The legacy finding shape is read as ``{"kind": "finding", "text": …, "key": …, "ids": []}``.
    """
    meta = output.get("metadata") or {}
    places = [meta] + [v for v in meta.values() if isinstance(v, dict)]
    for place in places:
        found = place.get(KEY)
        if isinstance(found, dict) and isinstance(found.get("kind"), str):
            return found
    for place in places:
        legacy = place.get(LEGACY_FINDING_KEY)
        if isinstance(legacy, dict) and isinstance(legacy.get("finding"), dict):
            return {"kind": "finding", "text": legacy["finding"], "key": bool(legacy.get("key")), "ids": []}
    return None


def declarations(notebook) -> list[dict]:
    """Every declaration of an executed notebook's outputs, in order."""
    found = []
    for cell in _as_notebook(notebook).get("cells", []):
        for output in cell.get("outputs", []) or []:
            if isinstance(output, dict) and (declared := of_output(output)) is not None:
                found.append(declared)
    return found


def _texts(value) -> dict[str, str]:
    """``{lang: text}`` of a bilingual field, strings only (anything else is dropped)."""
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def findings(notebook, key_only: bool = True) -> list[dict[str, str]]:
    """The findings the notebook displayed, in order, as ``[{"zh": …, "en": …}]``; by default
    only its key findings (``key: true``)."""
    return [_texts(d.get("text")) for d in declarations(notebook)
            if d.get("kind") == "finding" and (d.get("key") is True or not key_only) and _texts(d.get("text"))]


def ids(notebook) -> list[str]:
    """Every data id the notebook's outputs declare they show, once each, sorted."""
    found = set()
    for declared in declarations(notebook):
        found.update(i for i in declared.get("ids") or [] if isinstance(i, str) and i)
    return sorted(found)


def site_href(href) -> str | None:
    """``href`` when it is a link inside the site (relative, no scheme, no host, not above the
    site's folder), else ``None``."""
    if not isinstance(href, str) or not href or href.startswith(("/", "\\")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or "\\" in href:
        return None
    if any(part == ".." for part in parts.path.split("/")):
        return None
    return href


def key_figures(notebook, lang: str) -> list[list[str]]:
    """The key figures a notebook declares (``kind: key_figures``), for ``lang``:
    ``[[name, value, href, period], …]`` (``href`` empty when it is not a link inside the site)."""
    rows = []
    for declared in declarations(notebook):
        if declared.get("kind") != "key_figures":
            continue
        for figure in declared.get("figures") or []:
            if not isinstance(figure, dict):
                continue
            name, value = _texts(figure.get("name")).get(lang), _texts(figure.get("value")).get(lang)
            if name is None or value is None:
                continue
            rows.append([name, value, site_href(figure.get("href")) or "",
                         _texts(figure.get("period")).get(lang, "")])
    return rows


def nav_name(notebook, lang: str) -> str | None:
    """The notebook's short name in the navigation (``metadata["guilin_report"]["nav"][lang]``)."""
    meta = (_as_notebook(notebook).get("metadata") or {}).get(KEY)
    name = _texts((meta or {}).get("nav")).get(lang) if isinstance(meta, dict) else None
    return (name.strip() or None) if name else None


def title(notebook, lang: str) -> str | None:
    """The first ``# `` heading of the notebook's Markdown cells in ``lang`` (cells tagged for
    the other language skipped), or ``None``."""
    for cell in _as_notebook(notebook).get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        tags = set((cell.get("metadata") or {}).get("tags") or [])
        if any(t.startswith("lang-") and t != lang_tag(lang) for t in tags):
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return None
