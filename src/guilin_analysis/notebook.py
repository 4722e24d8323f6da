"""What a notebook cell uses to speak in the reader's language, and what its outputs declare.

A notebook is written in both languages at once: prose in Markdown cells tagged ``lang-zh`` and
``lang-en`` (a build for one language drops the other's cells), and sentences that state a
figure as two f-strings filled from the data in a code cell::

    say(lang, zh=f"护理型床位{zh.f('eldercare.beds.nursing')}…", en=f"Nursing-type beds …")
    finding(lang, zh=…, en=…)        # the same, marked as a finding of the notebook

Both strings are computed on every run, so a change to the data changes them; the reader sees
the one in ``lang``. Every output made here declares what it shows in its metadata, by the
display protocol (:mod:`guilin_report.protocol`): a finding its two texts and whether it is a
key finding, a sentence the ids of the figures a :class:`~guilin_analysis.lookup.Voice`
formatted into it, the key figures their names, values and periods in both languages. The index
page and the README collect them from the executed notebooks (:func:`findings_of`) and never
write them a second time.

Words chosen in a cell for both languages: :func:`pick` returns the one for ``lang`` as a
:class:`Pick`, a ``str`` that also carries ``.zh`` and ``.en``, so that a chart given
``title=pick(…)`` can declare its title in both languages.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from guilin_report import protocol

from .formatting import check_lang, escape_markdown
from .labels import label

#: Tags of the Markdown cells written in one language.
LANG_TAGS = {"zh": "lang-zh", "en": "lang-en"}
#: Where an output's declaration is kept in its metadata (the display protocol's key).
FINDING_KEY = protocol.KEY


class Pick(str):
    """A word chosen for one language that remembers both (``.zh``, ``.en``)."""

    zh: str
    en: str

    def __new__(cls, text: str, zh: str, en: str):
        made = super().__new__(cls, text)
        made.zh, made.en = str(zh), str(en)
        return made

    def __reduce__(self):               # copies and pickles keep both languages
        return (Pick, (str(self), self.zh, self.en))


def pick(lang: str, *, zh, en):
    """The text for ``lang``: a title, an axis label, a word chosen in a notebook cell.

    Two strings give a :class:`Pick` (a ``str`` carrying ``.zh`` and ``.en``); anything else (a
    number, a dict of words) is returned as it is."""
    chosen = zh if check_lang(lang) == "zh" else en
    if isinstance(zh, str) and isinstance(en, str):
        return Pick(chosen, zh, en)
    return chosen


def bilingual(text, lang: str) -> dict[str, str]:
    """``{"zh": …, "en": …}`` of a :class:`Pick`; a plain string (a word chosen in ``lang``
    only) is declared as it is for both languages."""
    if isinstance(text, Pick):
        return {"zh": text.zh, "en": text.en}
    return {"zh": str(text), "en": str(text)}


def ids_shown(*extra) -> list[str]:
    """The ids a :class:`~guilin_analysis.lookup.Voice` formatted since the last output (the log
    is emptied), then ``extra`` ids; each once."""
    from .lookup import drain_formatted

    found = dict.fromkeys(drain_formatted())
    for group in extra:
        found.update(dict.fromkeys(i for i in group if i))
    return list(found)


@dataclass(frozen=True)
class Said:
    """Markdown in the reader's language (what :func:`say` and :func:`finding` return)."""

    lang: str
    zh: str
    en: str
    key: bool | None = None          # None: plain prose; False: a finding; True: a key finding
    ids: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return self.zh if self.lang == "zh" else self.en

    @property
    def meta(self) -> dict:
        if self.key is None:
            return {"kind": "prose", "ids": list(self.ids)}
        return {"kind": "finding", "text": {"zh": self.zh, "en": self.en}, "key": self.key, "ids": list(self.ids)}

    def _repr_markdown_(self):
        return self.text, {FINDING_KEY: self.meta}

    def __str__(self) -> str:
        return self.text


def say(lang: str, *, zh: str, en: str, ids: list[str] = ()) -> Said:
    """A sentence or paragraph in both languages; the cell shows the one in ``lang``. It declares
    the ids of the figures formatted into it by a Voice (and ``ids``)."""
    check_lang(lang)
    return Said(lang, str(zh), str(en), None, tuple(ids_shown(ids)))


def finding(lang: str, *, zh: str, en: str, key: bool = False, ids: list[str] = ()) -> Said:
    """A finding of the notebook, in both languages. ``key=True`` marks one of the notebook's key
    findings: the index page and the README show those, collected by :func:`findings_of`."""
    check_lang(lang)
    return Said(lang, str(zh), str(en), bool(key), tuple(ids_shown(ids)))


def findings_of(notebook, key_only: bool = True) -> list[dict[str, str]]:
    """The findings an executed notebook displayed, in order: ``[{"zh": …, "en": …}]``.

    ``notebook`` is an ``nbformat`` node or a path to an ``.ipynb`` file
    (:func:`guilin_report.protocol.findings`).
    """
    return protocol.findings(notebook, key_only)


class Declared:
    """An output that shows ``data`` (mime type -> content) and declares ``meta``."""

    def __init__(self, data: dict[str, str], meta: dict):
        self.data, self.meta = data, meta

    def _repr_mimebundle_(self, include=None, exclude=None):
        return dict(self.data), {FINDING_KEY: self.meta}


def key_figures(lang: str, facts, ids: list[str]) -> Declared:
    """The key figures (``ids``, in this order): a table in ``lang`` of name, figure as printed
    (a figure the report contradicts with the other statement beside it) and period, declared as
    ``key_figures`` in both languages, each linked to its quote on the source page. The overview
    notebook displays them once; the index shows them from there."""
    from .lookup import key_figure_entries

    check_lang(lang)
    figures, shown = key_figure_entries(facts, ids)
    shown = ids_shown(shown)
    heads = [label("name", lang), label("figure", lang), label("period", lang)]
    rows = [[f["name"][lang], f["value"][lang], f["period"][lang]] for f in figures]
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    table = ('<table class="dataframe"><thead><tr>' + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in heads)
             + f"</tr></thead><tbody>{cells}</tbody></table>")
    plain = "\n".join("  ".join(row) for row in [heads, *rows])
    return Declared({"text/html": table, "text/plain": plain},
                    {"kind": "key_figures", "figures": figures, "ids": shown})


def sources(lang: str, facts, indicators: list[str] = (), metrics: list[str] = (),
            references: list[str] = ()) -> "Markdown":
    """The "sources and method" section: each figure used with its verbatim quote (zh) or its
    name and period (en), each derived metric with its formula, each reference with its
    citation. Text from the data is escaped, so markup in a data file shows as text."""
    out = [f"## {label('sources_and_method', lang)}", ""]
    if indicators:
        out += [f"**{label('figures_used', lang)}**", ""]
        for i in indicators:
            row = facts.table.loc[i]
            cite = (f"“{escape_markdown(row['quote'])}”" if lang == "zh"
                    else f"{escape_markdown(row['name_en'])}, {facts.period(i, lang)}")
            out.append(f"- `{i}`: {cite}")
        out.append("")
    if metrics:
        out += [f"**{label('derived_metrics', lang)}**", ""]
        out += [f"- `{m}` = {escape_markdown(facts.metrics.loc[m, 'formula'])}" for m in metrics]
        out.append("")
    if references:
        out += [f"**{label('reference_used', lang)}**", ""]
        column = "source_zh" if lang == "zh" else "source"
        out += [f"- `{r}`: {escape_markdown(facts.reference.loc[r, column])}" for r in references]
    return Markdown("\n".join(out).rstrip(), ids=ids_shown(indicators, metrics, references))


class Markdown(str):
    """Markdown text that a notebook cell displays as Markdown; with ``ids`` it declares them
    (prose showing those figures)."""

    ids: tuple[str, ...] = ()

    def __new__(cls, text: str, ids=()):
        made = super().__new__(cls, text)
        made.ids = tuple(ids)
        return made

    def _repr_markdown_(self):
        if not self.ids:
            return str(self)
        return str(self), {FINDING_KEY: {"kind": "prose", "ids": list(self.ids)}}
