"""The chrome of every page of the site: one header (the project title, a link to every page,
the language switch to the same page in the other language) and one footer (build time, data
version and content hash, citation), both from the autoescaped Jinja templates in
``templates/site``. A plug-in's pages (:mod:`.plugin`) render with the same chrome through
:meth:`Chrome.render`, from templates of their own that extend ``base.html.j2``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import __version__
from guilin_analysis.labels import LABELS, LANGUAGES, label

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
SOURCE_PAGE, DATA_PAGE, INDEX_PAGE = "source.html", "data.html", "index.html"

def nav_label(stem: str, lang: str) -> str:
    """A notebook's short name in the navigation: its label, else its file name."""
    key = "nb_" + re.sub(r"^\d+_", "", stem)
    return LABELS[key][lang] if key in LABELS else stem


def nav_entries(notebooks: list[str], lang: str) -> list[tuple[str, str]]:
    """``(href, text)`` of every page of a language, in reading order."""
    return ([(INDEX_PAGE, label("page_index", lang))]
            + [(f"{n}.html", nav_label(n, lang)) for n in notebooks]
            + [(SOURCE_PAGE, label("page_source", lang)), (DATA_PAGE, label("page_data", lang)), ("glossary.html", label("page_glossary", lang))])


@dataclass(frozen=True)
class Chrome:
    """What the header and footer of a language's pages show."""

    lang: str
    notebooks: tuple[str, ...]
    data_version: str
    data_hash: str
    other_lang: str | None
    citation: str = ""

    def context(self, page: str, built_at: str) -> dict:
        other = self.other_lang
        return dict(lang=self.lang, html_lang=HTML_LANG[self.lang], page=page,
                    nav=nav_entries(list(self.notebooks), self.lang), other_lang=other,
                    other_html_lang=HTML_LANG.get(other or "", ""),
                    label=lambda key: label(key, self.lang), built_at=built_at,
                    data_version=self.data_version, data_hash=(self.data_hash or "")[:12],
                    version=__version__, citation=self.citation)

    def header(self, page: str, built_at: str) -> str:
        return environment().get_template("_header.html.j2").render(**self.context(page, built_at))

    def footer(self, page: str, built_at: str) -> str:
        return environment().get_template("_footer.html.j2").render(**self.context(page, built_at))

    def render(self, template_dir: Path, name: str, page: str, built_at: str, **context) -> str:
        """A plug-in's page: its template (from ``template_dir``, extending ``base.html.j2``)
        with this chrome."""
        return environment(str(template_dir)).get_template(name).render(
            **self.context(page, built_at), **context)


@lru_cache(maxsize=4)
def environment(extra: str | None = None):
    import jinja2

    folders = [str(TEMPLATE_DIR / "site")] + ([extra] if extra else [])
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def other_of(lang: str) -> str:
    return next(o for o in LANGUAGES if o != lang)


