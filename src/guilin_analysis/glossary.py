"""The glossary of the report's terms, in Chinese and English: load and check.

In: ``data/source/glossary.csv`` (the ``glossary`` resource of ``datapackage.json``): term_id,
term_zh, term_en, explanation_zh, explanation_en, source, source_zh. Out: :func:`load_glossary`
gives the terms in file order as :class:`Term` (with the report paragraphs where term_zh occurs,
for a page to link from the text); :func:`glossary_problems` lists every breach of the rules as a
Problem naming file, line and column.

An explanation says only what the report or a cited public source says. Rules beyond the schema:

- ``source`` is ``the report`` exactly when ``source_zh`` is ``本报道`` (the explanation rests on
  the report alone); any other citation names a date (a year, ``2021年`` in Chinese);
- a term explained from the report alone occurs in the report; a term that does not occur in it
  (特困, 低保) says so in both explanations (“报道未用此词”, “does not use the term”);
- ``explanation_zh`` follows the report's typography: no space between a numeral and Chinese;
- ``explanation_zh`` and ``source_zh`` speak of the report in the project's voice, not its own:
  the newspaper feature is a 报道, never a 报告 (报告 only inside quotation marks or a title, or in
  a name such as 政府工作报告), and the city is 桂林市, never the report's 我市 (only inside a
  quotation); ``term_zh`` is the report's own word and is not held to this;
- ``explanation_en`` and ``term_en`` leave Chinese only beside a translation (in parentheses or
  quotation marks);
- every Chinese term the English translation leaves (in parentheses) is a ``term_zh`` of the
  glossary, and that paragraph of the translation uses the glossary's ``term_en`` for it.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .data import DataValidationError, Problem, load_reference, load_report_text, read_descriptor
from .paths import data_path
from .translation import TRANSLATION, bare_chinese, read_rows, report_paragraphs, shown_path

__all__ = ["GLOSSARY", "REPORT_ONLY", "REPORT_ONLY_ZH", "Term", "load_glossary", "glossary_problems"]

GLOSSARY = "glossary"
REPORT_ONLY, REPORT_ONLY_ZH = "the report", "本报道"
NOT_USED_ZH, NOT_USED_EN = "报道未用此词", "does not use the term"
_YEAR_EN = re.compile(r"\b(19|20)\d{2}\b")
_YEAR_ZH = re.compile(r"(19|20)\d{2}年")
_TYPOGRAPHY = [
    (re.compile(r"[\d%][ \u00a0\u2009]+[\u3400-\u9fff（）、。，；：“”]"), "a space between a numeral and Chinese"),
    (re.compile(r"[\u3400-\u9fff（）、。，；：“”][ \u00a0\u2009]+\d"), "a space between Chinese and a numeral"),
]
_CJK_IN_PARENS = re.compile(r"\(([^()]*[\u3400-\u9fff][^()]*)\)")
_QUOTED_ZH = re.compile(r"“[^“”]*”|「[^「」]*」|『[^『』]*』|《[^《》]*》|‘[^‘’]*’")
_VOICE = [
    (re.compile(r"(?<!工作)报告"), "calls the newspaper feature a 报告: it is a 报道 (报告 only inside quotation marks "
                                  "or a title, or in a name such as 政府工作报告)"),
    (re.compile(r"我市"), "speaks in the report's voice, 我市: write 桂林市 (我市 only inside a quotation)"),
]


def _unquoted_zh(text: str) -> str:
    """``text`` with what stands inside Chinese quotation marks or title marks blanked, offsets kept."""
    previous = None
    while previous != text:
        previous, text = text, _QUOTED_ZH.sub(lambda m: "\u3000" * len(m.group(0)), text)
    return text


@dataclass(frozen=True)
class Term:
    """One glossary row; ``paragraphs``: the report paragraphs (numbers) where term_zh occurs."""

    term_id: str
    term_zh: str
    term_en: str
    explanation_zh: str
    explanation_en: str
    source: str
    source_zh: str
    paragraphs: tuple[int, ...]


def _path(root):
    for res in read_descriptor(root)["resources"]:
        if res["name"] == GLOSSARY:
            return root / res["path"]
    raise DataValidationError([Problem(shown_path(root / "datapackage.json"), None, None,
                                       f"the descriptor declares no resource named {GLOSSARY!r}")])


def _row_problems(file: str, line: int, row: dict, text: str) -> list[Problem]:
    found = []
    source, source_zh = row["source"].strip(), row["source_zh"].strip()
    if (source == REPORT_ONLY) != (source_zh == REPORT_ONLY_ZH):
        found.append(Problem(file, line, "source", f"source {source!r} and source_zh {source_zh!r} disagree: "
                                                   f"‘{REPORT_ONLY}’ goes with ‘{REPORT_ONLY_ZH}’, a public source with its Chinese citation"))
    elif source != REPORT_ONLY:
        if not _YEAR_EN.search(source):
            found.append(Problem(file, line, "source", "the citation names no date: cite each public source by issuer, title and date"))
        if not _YEAR_ZH.search(source_zh):
            found.append(Problem(file, line, "source_zh", "the Chinese citation names no date (such as 2021年7月11日)"))
    term = row["term_zh"]
    if term in text:
        if NOT_USED_ZH in row["explanation_zh"] or NOT_USED_EN in row["explanation_en"]:
            found.append(Problem(file, line, "term_zh", f"‘{term}’ occurs in the report, but the explanation says the report does not use it"))
    else:
        if source == REPORT_ONLY:
            found.append(Problem(file, line, "source", f"‘{term}’ does not occur in the report, so the report alone cannot explain it; "
                                                       "cite the public source the explanation rests on"))
        for column, phrase in (("explanation_zh", NOT_USED_ZH), ("explanation_en", NOT_USED_EN)):
            if phrase not in row[column]:
                found.append(Problem(file, line, column, f"‘{term}’ does not occur in the report; the explanation must say so "
                                                         f"(‘{phrase}’)"))
    for pattern, why in _TYPOGRAPHY:
        for m in pattern.finditer(row["explanation_zh"]):
            found.append(Problem(file, line, "explanation_zh", f"{why} at character {m.start() + 1} "
                                                               f"(‘{row['explanation_zh'][max(m.start() - 4, 0):m.end() + 4]}’)"))
    for column in ("explanation_zh", "source_zh"):
        for pattern, why in _VOICE:
            for m in pattern.finditer(_unquoted_zh(row[column])):
                cell = row[column]
                found.append(Problem(file, line, column, f"‘{m.group(0)}’ at character {m.start() + 1} "
                                                         f"(‘{cell[max(m.start() - 4, 0):m.end() + 4]}’) {why}"))
    for column in ("term_en", "explanation_en"):
        for run in bare_chinese(row[column]):
            found.append(Problem(file, line, column, f"‘{run}’ is Chinese left bare in the English: "
                                                     "put it in parentheses beside its translation"))
    return found


def _coverage_problems(root, terms: dict[str, dict]) -> list[Problem]:
    """Every Chinese term the translation leaves is explained, under the English it uses."""
    try:
        load_reference(TRANSLATION, root)            # the translation's schema: its rows can be read
    except DataValidationError as err:
        return [Problem(p.file, p.line, p.column, f"{p.message} (so the glossary's coverage of the translation "
                                                  "was not checked)") for p in err.problems]
    path = next(root / res["path"] for res in read_descriptor(root)["resources"] if res["name"] == TRANSLATION)
    file = shown_path(path)
    found = []
    for line, row in read_rows(path):
        text = row["text_en"]
        for m in _CJK_IN_PARENS.finditer(text):
            term = m.group(1)
            if term not in terms:
                found.append(Problem(file, line, "text_en", f"at character {m.start() + 1}: the translation leaves ‘{term}’ "
                                                            "in Chinese, and the glossary does not explain it; add a row to the glossary"))
            elif terms[term]["term_en"].lower() not in text.lower():
                found.append(Problem(file, line, "text_en", f"at character {m.start() + 1}: ‘{term}’ is {terms[term]['term_en']!r} "
                                                            "in the glossary, but this paragraph does not use those words"))
    return found


def glossary_problems(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every breach of the rules of the module docstring; empty when the glossary is sound."""
    root = data_path(data_dir)
    try:
        load_reference(GLOSSARY, root)
        text = load_report_text(root)
        path = _path(root)
    except DataValidationError as err:
        return err.problems
    file = shown_path(path)
    rows = read_rows(path)
    problems = [p for line, row in rows for p in _row_problems(file, line, row, text)]
    return problems + _coverage_problems(root, {row["term_zh"]: row for _, row in rows})


def load_glossary(data_dir: str | os.PathLike | None = None) -> list[Term]:
    """The glossary's terms in file order, checked; raises DataValidationError on any problem."""
    problems = glossary_problems(data_dir)
    if problems:
        raise DataValidationError(problems)
    root = data_path(data_dir)
    paragraphs = report_paragraphs(load_report_text(root))
    terms = []
    for _, row in read_rows(_path(root)):
        where = tuple(p.number for p in paragraphs if row["term_zh"] in p.text)
        terms.append(Term(row["term_id"], row["term_zh"], row["term_en"], row["explanation_zh"],
                          row["explanation_en"], row["source"], row["source_zh"], where))
    return terms
