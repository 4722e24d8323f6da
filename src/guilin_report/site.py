"""The chrome of every page of the site: one header (the site's title, a link to every page,
the language switch to the same page in the other language, and, on a scenario site, the
figures changed from the data) and one footer (build time, data version and content hash,
citation), both from the autoescaped Jinja templates in ``templates/site``. A plug-in's pages
(:mod:`.plugin`) render with the same chrome through :meth:`Chrome.render`, from templates of
their own that extend ``base.html.j2``.

The navigation names come from the notebooks themselves (:func:`nav_names`: the notebook's
``metadata["guilin_report"]["nav"]``, else its title) and from the plug-in (its own pages).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import __version__, declared, paths
from .labels import HTML_LANG, LANGUAGES, label

INDEX_PAGE = "index.html"


def nav_names(sources: dict, lang: str) -> tuple[tuple[str, str], ...]:
    """``(href, short name)`` of each notebook page, in the order of ``sources`` (stem ->
    the source notebook as JSON, or ``None`` when it cannot be read): the name the notebook's
    metadata gives for ``lang``, else its title in ``lang``, else its file name."""
    entries = []
    for stem, nb in sources.items():
        try:
            name = (declared.nav_name(nb, lang) or declared.title(nb, lang) or stem) if nb else stem
        except (AttributeError, TypeError):
            name = stem
        entries.append((f"{stem}.html", name))
    return tuple(entries)


@dataclass(frozen=True)
class Chrome:
    """What the header and footer of a language's pages show.

    ``pages`` are the notebook pages ``(href, name)`` in reading order, ``extra`` the plug-in's
    pages; ``words`` the plug-in's words for this language (over the builder's own);
    ``scenario`` the changed figures ``(name, value, transcribed value)`` of a scenario site.
    """

    lang: str
    pages: tuple[tuple[str, str], ...]
    data_version: str
    data_hash: str
    other_lang: str | None
    citation: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    words: tuple[tuple[str, str], ...] = ()
    scenario: tuple[tuple[str, str, str], ...] = ()
    notebooks: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self):
        if not self.notebooks:
            object.__setattr__(self, "notebooks", tuple(h.removesuffix(".html") for h, _ in self.pages))

    def label(self, key: str) -> str:
        return label(key, self.lang, dict(self.words))

    def about(self, href: str) -> str:
        """What a plug-in page is, in a few words (the word ``page_<stem>_about``), or ""."""
        key = f"page_{href.removesuffix('.html')}_about"
        return dict(self.words).get(key, "")

    def nav(self) -> list[tuple[str, str]]:
        return [(INDEX_PAGE, self.label("page_index")), *self.pages, *self.extra]

    def context(self, page: str, built_at: str) -> dict:
        other = self.other_lang
        return dict(lang=self.lang, html_lang=HTML_LANG[self.lang], page=page, nav=self.nav(),
                    extra_nav=list(self.extra), about=self.about, other_lang=other,
                    other_html_lang=HTML_LANG.get(other or "", ""), label=self.label, built_at=built_at,
                    data_version=self.data_version, data_hash=(self.data_hash or "")[:12],
                    version=__version__, citation=self.citation, scenario=list(self.scenario))

    def header(self, page: str, built_at: str) -> str:
        return environment(str(paths.TEMPLATES)).get_template("_header.html.j2").render(
            **self.context(page, built_at))

    def footer(self, page: str, built_at: str) -> str:
        return environment(str(paths.TEMPLATES)).get_template("_footer.html.j2").render(
            **self.context(page, built_at))

    def render(self, template_dir: Path, name: str, page: str, built_at: str, **context) -> str:
        """A plug-in's page: its template (from ``template_dir``, extending ``base.html.j2``)
        with this chrome; ``context`` adds to (or replaces) the chrome's values."""
        values = self.context(page, built_at)
        values.update(context)
        return environment(str(paths.TEMPLATES), str(template_dir)).get_template(name).render(**values)


@lru_cache(maxsize=8)
def environment(templates: str, extra: str | None = None):
    import jinja2

    folders = [str(Path(templates) / "site")] + ([extra] if extra else [])
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folders),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def other_of(lang: str) -> str:
    return next(o for o in LANGUAGES if o != lang)
