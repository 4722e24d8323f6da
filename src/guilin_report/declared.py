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

from . import protocol

#: The metadata key of the protocol, on outputs and on the notebook (:mod:`.protocol`).
KEY = protocol.KEY
#: The tag of a Markdown cell written in one language (``lang-zh``, ``lang-en``).
LANG_TAG = "lang-{}"


def lang_tag(lang: str) -> str:
    return LANG_TAG.format(lang)


def declarations(notebook) -> list[dict]:
    """Every declaration of an executed notebook's outputs, in order, as :mod:`.protocol` reads
    them (both places, and the legacy finding shape)."""
    return [meta for _, _, meta in protocol.declared(notebook)]


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
    """``href`` when it is a link inside the site, else ``None`` (:func:`.protocol.safe_href`)."""
    return protocol.safe_href(href)


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
    meta = (protocol._notebook(notebook).get("metadata") or {}).get(KEY)
    name = _texts((meta or {}).get("nav")).get(lang) if isinstance(meta, dict) else None
    return (name.strip() or None) if name else None


def title(notebook, lang: str) -> str | None:
    """The first ``# `` heading of the notebook's Markdown cells in ``lang`` (cells tagged for
    the other language skipped), or ``None``."""
    for cell in protocol._notebook(notebook).get("cells", []):
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
