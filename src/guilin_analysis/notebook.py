"""What a notebook cell uses to speak in the reader's language, and how findings are collected.

A notebook is written in both languages at once: prose in Markdown cells tagged ``lang-zh`` and
``lang-en`` (a build for one language drops the other's cells), and sentences that state a
figure as two f-strings filled from the data in a code cell::

    say(lang, zh=f"护理型床位{zh.f('eldercare.beds.nursing')}…", en=f"Nursing-type beds …")
    finding(lang, zh=…, en=…)        # the same, marked as a finding of the notebook

Both strings are computed on every run, so a change to the data changes them; the reader sees
the one in ``lang``. A finding carries both texts in its output's metadata, so the index page
and the README collect the findings from the executed notebooks themselves
(:func:`findings_of`) and never write them a second time.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import nbformat

from .formatting import check_lang, escape_markdown
from .labels import label

#: Tags of the Markdown cells written in one language.
LANG_TAGS = {"zh": "lang-zh", "en": "lang-en"}
#: Where a finding's texts are kept in its output's metadata.
FINDING_KEY = "guilin_analysis"


def pick(lang: str, *, zh: str, en: str) -> str:
    """The text for ``lang``: a title, an axis label, a word chosen in a notebook cell."""
    return zh if check_lang(lang) == "zh" else en


@dataclass(frozen=True)
class Said:
    """Markdown in the reader's language (what :func:`say` and :func:`finding` return)."""

    lang: str
    zh: str
    en: str
    key: bool | None = None          # None: plain prose; False: a finding; True: a key finding

    @property
    def text(self) -> str:
        return pick(self.lang, zh=self.zh, en=self.en)

    def _repr_markdown_(self):
        if self.key is None:
            return self.text
        return self.text, {FINDING_KEY: {"finding": {"zh": self.zh, "en": self.en}, "key": self.key}}

    def __str__(self) -> str:
        return self.text


def say(lang: str, *, zh: str, en: str) -> Said:
    """A sentence or paragraph in both languages; the cell shows the one in ``lang``."""
    check_lang(lang)
    return Said(lang, zh, en)


def finding(lang: str, *, zh: str, en: str, key: bool = False) -> Said:
    """A finding of the notebook, in both languages. ``key=True`` marks one of the notebook's key
    findings: the index page and the README show those, collected by :func:`findings_of`."""
    check_lang(lang)
    return Said(lang, zh, en, key)


def findings_of(notebook, key_only: bool = True) -> list[dict[str, str]]:
    """The findings an executed notebook displayed, in order: ``[{"zh": …, "en": …}]``.

    ``notebook`` is an ``nbformat`` node or a path to an ``.ipynb`` file.
    """
    if isinstance(notebook, (str, os.PathLike)):
        notebook = nbformat.read(notebook, as_version=4)
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("text/markdown", {}).get(FINDING_KEY) \
                or output.get("metadata", {}).get(FINDING_KEY)
            if meta and (meta.get("key") or not key_only):
                found.append(dict(meta["finding"]))
    return found


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
    return Markdown("\n".join(out).rstrip())


class Markdown(str):
    """Markdown text that a notebook cell displays as Markdown."""

    def _repr_markdown_(self):
        return str(self)
