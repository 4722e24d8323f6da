"""The glossary page: the report's terms (``data/source/glossary.csv``), in the page's language.

In: :func:`guilin_analysis.glossary.load_glossary` (checked terms, with the report paragraphs
where each occurs). Out: :func:`glossary_terms`, plain dicts for ``templates/glossary.html.j2``:
per term its anchor ``#term-<term_id>``, the heading in the page's language with the other
language's form beside it (marked with its ``lang``), the explanation and the source in the
page's language, and links to the paragraphs of the source page where the term occurs
(``source.html#p-<n>``). Every value is text; the template escapes it.
"""
from __future__ import annotations

from ..labels import label
from .names import SOURCE_PAGE

HTML_LANG = {"zh": "zh-CN", "en": "en"}


def glossary_terms(data_dir, lang: str) -> list[dict]:
    """Every term of the glossary, in file order, as the page of ``lang`` shows it."""
    from ..glossary import load_glossary

    other = "en" if lang == "zh" else "zh"
    out = []
    for term in load_glossary(data_dir):
        own, beside = (term.term_zh, term.term_en) if lang == "zh" else (term.term_en, term.term_zh)
        out.append({
            "id": f"term-{term.term_id}",
            "term": own, "beside": beside, "beside_lang": HTML_LANG[other],
            "explanation": term.explanation_zh if lang == "zh" else term.explanation_en,
            "source": term.source_zh if lang == "zh" else term.source,
            "paragraphs": [(f"{SOURCE_PAGE}#p-{n}", label("paragraph_n", lang).format(n=n)) for n in term.paragraphs],
        })
    return out
