"""The project's own English translation of the report, paragraph by paragraph: load, check, segment.

The translation is the project's, not an official one (``data/source/README.md``). It lives in
``data/source/guilin-civil-affairs-report.en.csv`` (the ``report-translation`` resource of
``datapackage.json``): one row per paragraph of the report text, where a paragraph is a non-blank
line of ``guilin-civil-affairs-report.zh.txt``, numbered from 1 in order. Columns: ``paragraph``,
``anchor_zh`` (the first characters of the Chinese paragraph, verbatim), ``text_en`` and
``note_en`` (a translator's note, plain text).

Markup in ``text_en``, the only markup there is:

- ``[[eldercare.beds.total|32,715]]``: a figure transcribed in report-indicators, by id; several
  ids separated by commas when one English figure states them all;
- ``[[gap:eldercare_opening]]``: a place where text was lost (a row of text-gaps), a point in
  the text with no words of its own.

For a page: :func:`english_paragraphs` gives every paragraph, in order, with its English as a
list of segments; a renderer writes each one, escaping every piece of text itself::

    from guilin_analysis.translation import Figure, Gap, english_paragraphs

    for p in english_paragraphs(data_dir):      # p.number, p.zh, p.line, p.start, p.end, p.note
        for seg in p.segments:
            if isinstance(seg, Figure):         # seg.ids: tuple of indicator ids; seg.text: the words
                ...                             # link and highlight seg.text as the Chinese figure
            elif isinstance(seg, Gap):          # seg.gap_id: a gap_id of text-gaps (its note_en)
                ...
            else:                               # a str: plain text
                ...

``p.start`` and ``p.end`` are the paragraph's offsets in the report text, so the Chinese
highlights (which carry offsets) can be cut into the same paragraphs. The segments are text,
never markup: ``<`` in the translation is a ``<`` to escape. :func:`english_paragraphs` raises
:class:`~guilin_analysis.data.DataValidationError` if any rule below fails.

Rules (:func:`translation_problems` lists every breach as a Problem naming file, line and
column, with the character in ``text_en`` where it applies):

- the table follows its schema in ``datapackage.json``, and each anchor occurs in the report;
- there is one row per paragraph of the report, in order, and each row's anchor opens its
  paragraph (at least 8 characters, or the whole paragraph when it is shorter), so a shifted row
  is caught;
- the markup parses; every id marked is an indicator id, every gap marked a gap_id;
- every indicator is marked in paragraph N as many times as its quote occurs in Chinese
  paragraph N (each statement, restated rows too), and nowhere else; every gap is marked once,
  in the paragraph of its anchor;
- a marked figure states its value with the report's digits, in base units (``32,715`` or
  ``32715`` for 32715张, ``1.1014 million`` for 110.14万人, ``six`` for 六, ``a thousand`` for 千,
  ``tenth`` for 第十届), and no other number; a percentage carries ``%``;
- a marked figure carries the report's qualifier in its own words and no other: approx
  ``about``, ``around``, ``approximately``, ``roughly``, ``some`` (or a round number in words, as
  the report's 千名); more_than ``more than``, ``over``, ``exceeded``; at_least ``or more``,
  ``at least``; exact none;
- Chinese in the English stands only beside a translation (in parentheses or quotation marks);
  the note is plain text;
- a set phrase of the Chinese is not mis-read (:data:`SET_PHRASES`): where the Chinese paragraph
  has 完善 (improve), the English says complete or perfect no more often than the Chinese says
  完成, 建成 or 竣工; where it has 先后 (at different times), the English never says successive,
  consecutive or in a row; where it has 不平凡, or opens with the tail 凡 of a lost 不平凡 before
  极为不易, the English never says ordinary without extra (``extraordinary``, ``[extra]ordinary``,
  the brackets standing for lost characters). The words of a figure mark count; its ids do not.

:mod:`guilin_analysis.glossary` checks, in turn, that every Chinese term the translation leaves
is explained in the glossary.
"""
from __future__ import annotations

import csv
import difflib
import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, Union

from .data import (INDICATORS, DataValidationError, Problem, load_indicators, load_reference,
                   load_report_text, read_descriptor, unit_labels)
from .formatting import format_number
from .paths import data_path

__all__ = ["TRANSLATION", "Figure", "Gap", "Segment", "MarkupError", "ReportParagraph",
           "EnglishParagraph", "report_paragraphs", "parse_segments", "english_numbers",
           "bare_chinese", "SetPhrase", "SET_PHRASES", "set_phrase_faults", "translation_problems",
           "english_paragraphs", "read_rows", "shown_path"]

TRANSLATION = "report-translation"
GAPS = "text-gaps"
ANCHOR_MIN = 8          # characters of the Chinese paragraph an anchor must give, at least


class Figure(NamedTuple):
    """A marked figure: the indicator ids it states and its English words."""

    ids: tuple[str, ...]
    text: str


class Gap(NamedTuple):
    """A place where text of the report was lost: a gap_id of text-gaps."""

    gap_id: str


Segment = Union[str, Figure, Gap]


class MarkupError(ValueError):
    """The markup of a translated paragraph does not parse; ``offset`` is 0-based."""

    def __init__(self, offset: int, message: str):
        self.offset = offset
        super().__init__(message)


@dataclass(frozen=True)
class ReportParagraph:
    """A paragraph of the report text: its number, line (1-based), offsets and text."""

    number: int
    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EnglishParagraph:
    """A paragraph with its translation: ``segments`` is what a page renders (see the module)."""

    number: int
    line: int
    start: int
    end: int
    zh: str
    text_en: str
    segments: tuple
    note: str


# ---------------------------------------------------------------- reading

def shown_path(path: Path) -> str:
    """A path as a researcher would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """``(physical line, {column: cell})`` for each non-blank record of a CSV file (UTF-8).

    Read after the package loader has validated the table, for the line numbers of problems.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    records, start = [], 1
    for row in reader:
        if row and any(cell.strip() for cell in row):
            records.append((start, row))
        start = reader.line_num + 1
    if not records:
        return []
    header = [h.strip() for h in records[0][1]]
    return [(line, dict(zip(header, row))) for line, row in records[1:]]


def report_paragraphs(text: str) -> list[ReportParagraph]:
    """The paragraphs of the report text: every non-blank line, numbered from 1."""
    found, offset = [], 0
    for line_no, line in enumerate(text.split("\n"), 1):
        if line.strip():
            found.append(ReportParagraph(len(found) + 1, line_no, offset, offset + len(line), line))
        offset += len(line) + 1
    return found


def _paragraph_at(paragraphs: list[ReportParagraph], offset: int) -> ReportParagraph | None:
    for p in paragraphs:
        if p.start <= offset < p.end:
            return p
    return None


# ---------------------------------------------------------------- markup

_MARK = re.compile(r"\[\[(?P<body>.*?)\]\]", re.S)
_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
_GAP_ID = re.compile(r"[a-z][a-z0-9_]*")


def _plain(text: str, at: int) -> str:
    for token in ("[[", "]]"):
        if token in text:
            raise MarkupError(at + text.index(token), f"a stray {token!r}: a mark is [[id|text]] or [[gap:gap_id]]")
    return text


def _parse(text: str) -> list[tuple[int, Segment]]:
    """Each segment of ``text`` with the offset where it (or its mark) starts."""
    segments: list[tuple[int, Segment]] = []
    pos = 0
    for m in _MARK.finditer(text):
        if m.start() > pos:
            segments.append((pos, _plain(text[pos:m.start()], pos)))
        body, at = m.group("body"), m.start("body")
        if "[[" in body:
            raise MarkupError(at + body.index("[["), "a mark opens inside another mark; close the first with ]]")
        if body.startswith("gap:"):
            gap_id = body[4:]
            if not _GAP_ID.fullmatch(gap_id):
                raise MarkupError(at, f"{gap_id!r} is not a gap id (snake_case, as in text-gaps): write [[gap:gap_id]]")
            segments.append((m.start(), Gap(gap_id)))
        else:
            ids, sep, words = body.partition("|")
            if not sep:
                raise MarkupError(at, f"the mark [[{body}]] has no '|': a figure is [[indicator_id|English words]]")
            if "|" in words:
                raise MarkupError(at + len(ids) + 1 + words.index("|"), "a figure mark has one '|', between its ids and its words")
            if not words.strip():
                raise MarkupError(at + len(ids) + 1, "the figure mark has no words after '|'")
            names = tuple(i.strip() for i in ids.split(","))
            for name in names:
                if not _ID.fullmatch(name):
                    raise MarkupError(at, f"{name!r} is not an indicator id (dotted, as eldercare.beds.total)")
            segments.append((m.start(), Figure(names, words)))
        pos = m.end()
    if pos < len(text):
        segments.append((pos, _plain(text[pos:], pos)))
    return segments


def parse_segments(text: str) -> list[Segment]:
    """The segments of one translated paragraph, in order: ``str``, :class:`Figure` or :class:`Gap`.

    Raises :class:`MarkupError` (with the offset) when the markup does not parse.
    """
    return [seg for _, seg in _parse(text)]


# ---------------------------------------------------------------- numbers in English

_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_WORDS.update(thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80, ninety=90)
_ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
_SCALE = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_SCALES = r"(?P<scales>(?:[\s-]+(?:hundred|thousand|million|billion))*)"
_DIGITS = re.compile(r"(?<![\w.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:st|nd|rd|th)?"
                     + _SCALES + r"(?![\w])", re.I)
_SPELLED = re.compile(r"\b(?P<word>" + "|".join(sorted([*_WORDS, *_ORDINALS, "a", "an"], key=len, reverse=True))
                      + r")" + _SCALES + r"\b", re.I)


def _scaled(number: Decimal, scales: str) -> Decimal:
    for word in scales.lower().replace("-", " ").split():
        number *= _SCALE[word]
    return number


def english_numbers(text: str) -> list[tuple[Decimal, bool]]:
    """Every number an English phrase states, with whether it is spelled out:
    ``32,715`` -> 32715, ``1.1014 million`` -> 1101400, ``10th`` and ``tenth`` -> 10,
    ``a thousand`` -> 1000 (spelled), ``six`` -> 6 (spelled). ``a`` alone is no number."""
    found = [(_scaled(Decimal(m["num"].replace(",", "")), m["scales"]), False) for m in _DIGITS.finditer(text)]
    for m in _SPELLED.finditer(text):
        word = m["word"].lower()
        if word in ("a", "an") and not m["scales"]:
            continue
        value = 1 if word in ("a", "an") else _WORDS.get(word, _ORDINALS.get(word))
        found.append((_scaled(Decimal(value), m["scales"]), True))
    return found


# ---------------------------------------------------------------- qualifiers

_QUALIFIER_WORDS = {
    "approx": r"\b(?:about|around|approximately|roughly|some)\b",
    "more_than": r"\b(?:more than|over|exceed(?:ed|s|ing)?|broke through|above)\b",
    "at_least": r"\b(?:at least|or more|or above|and above|no fewer than|no less than)\b",
}
_NEVER = r"\b(?:nearly|almost|up to|under|less than|fewer than|below)\b"   # no qualifier of the report means these
_QUALIFIER_ENGLISH = {"approx": "about", "more_than": "more than", "at_least": "or more"}


def _qualifier_fault(words: str, qualifier: str, spelled: bool) -> str | None:
    """Why ``words`` do not carry ``qualifier`` (and only it), or None."""
    has = {k for k, pattern in _QUALIFIER_WORDS.items() if re.search(pattern, words, re.I)}
    if re.search(_NEVER, words, re.I):
        return "says nearly, under or up to, which no qualifier of the report means"
    others = has - {qualifier}
    if others:
        wrong = ", ".join(f"{_QUALIFIER_ENGLISH[k]!r} ({k})" for k in sorted(others))
        return (f"carries the qualifier {wrong}, but the figure's qualifier is {qualifier}"
                if qualifier != "exact" else f"carries the qualifier {wrong}, but the figure is exact")
    if qualifier in _QUALIFIER_WORDS and qualifier not in has and not (qualifier == "approx" and spelled):
        return (f"does not carry the figure's qualifier {qualifier} "
                f"(say {_QUALIFIER_ENGLISH[qualifier]!r}, as the report's own word does)")
    return None


# ---------------------------------------------------------------- Chinese in English

_ENCLOSED = re.compile(r'\([^()]*\)|（[^（）]*）|《[^》]*》|"[^"]*"|“[^”]*”|‘[^’]*’')
_CJK = re.compile(r"[\u3400-\u9fff]+")


def bare_chinese(text: str) -> list[str]:
    """Chinese runs in English text that are not beside a translation, i.e. not enclosed in
    parentheses, 《》 (a cited title) or quotation marks."""
    previous = None
    while previous != text:
        previous, text = text, _ENCLOSED.sub("", text)
    return _CJK.findall(text)


# ---------------------------------------------------------------- set phrases

class SetPhrase(NamedTuple):
    """A Chinese set phrase and the English that mis-reads it.

    Where ``zh`` occurs in a Chinese paragraph, ``en`` may occur in its English at most as often as
    ``allowed`` occurs in the Chinese (``allowed`` None: never), because the Chinese has another word
    the English may honestly render so."""

    zh: str
    en: str
    allowed: str | None
    why: str


SET_PHRASES = (
    SetPhrase("完善", r"\b(?:complet|perfect)\w*", r"完成|建成|竣工",
              "完善 means improve (make better), not complete or perfect"),
    SetPhrase("先后", r"\b(?:successive(?:ly)?|consecutive(?:ly)?|in (?:a )?row|in succession|on end)\b", None,
              "先后 means at different times, one after another, not in a row; it gives no period"),
    SetPhrase(r"不平凡|^凡、极为不易", r"(?<![A-Za-z\]])ordinar(?:y|ily)\b", None,
              "凡 here is the tail of 不平凡 (extraordinary): ‘ordinary’ without ‘extra’ reverses the sense "
              "(write extraordinary, or [extra]ordinary where the first characters are lost)"),
)


def _words_only(text: str) -> str:
    """``text`` with the ids of its marks blanked out, character for character (offsets kept)."""
    def blank(m: re.Match) -> str:
        whole, body = m.group(0), m.group("body")
        ids, sep, words = body.partition("|")
        if body.startswith("gap:") or not sep:
            return " " * len(whole)
        return " " * len("[[" + ids + "|") + words + " " * len("]]")
    return _MARK.sub(blank, text)


def set_phrase_faults(zh: str, text_en: str) -> list[tuple[int, str]]:
    """``(offset in text_en, why)`` for each mis-read set phrase of :data:`SET_PHRASES`."""
    faults = []
    words = _words_only(text_en)
    for rule in SET_PHRASES:
        if not re.search(rule.zh, zh):
            continue
        found = list(re.finditer(rule.en, words, re.I))
        allowed = len(re.findall(rule.allowed, zh)) if rule.allowed else 0
        if len(found) <= allowed:
            continue
        said = ", ".join(f"‘{m.group(0)}’" for m in found)
        limit = ""
        if rule.allowed:
            words_zh = rule.allowed.split("|")
            limit = (f"; the English may say so only as often as the Chinese says {', '.join(words_zh[:-1])} "
                     f"or {words_zh[-1]} ({allowed} time{'' if allowed == 1 else 's'} here)")
        faults.append((found[0].start(), f"the English says {said} where the Chinese has "
                                         f"{re.search(rule.zh, zh).group(0)}: {rule.why}{limit}"))
    return faults


# ---------------------------------------------------------------- checks

def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _descriptor_path(root: Path, name: str) -> Path:
    for res in read_descriptor(root)["resources"]:
        if res["name"] == name:
            return root / res["path"]
    raise DataValidationError([Problem(shown_path(root / "datapackage.json"), None, None,
                                       f"the descriptor declares no resource named {name!r}")])


class _Context:
    """What the checks compare the translation with: the report, the indicators, the gaps."""

    def __init__(self, root: Path):
        self.text = load_report_text(root)
        self.paragraphs = report_paragraphs(self.text)
        indicators = load_indicators(root)
        self.indicators = {r.indicator_id: r for r in indicators.itertuples(index=False)}
        self.multiplier = {u: label.get("multiplier", 1) for u, label in unit_labels(INDICATORS, root).items()}
        gaps = load_reference(GAPS, root)
        self.gaps = {r.gap_id: r for r in gaps.itertuples(index=False)}
        # statements per (id, paragraph): every occurrence of the quote, as the source page highlights them
        self.expected: dict[tuple[str, int], int] = {}
        for ident, row in self.indicators.items():
            for m in re.finditer(re.escape(str(row.quote)), self.text):
                p = _paragraph_at(self.paragraphs, m.start())
                if p is not None:
                    self.expected[(ident, p.number)] = self.expected.get((ident, p.number), 0) + 1
        self.gap_paragraph: dict[str, int] = {}
        for gap_id, row in self.gaps.items():
            pos = self.text.find(str(row.anchor))
            p = _paragraph_at(self.paragraphs, pos) if pos >= 0 else None
            if p is not None:
                self.gap_paragraph[gap_id] = p.number

    def paragraphs_of(self, ident: str) -> list[int]:
        return sorted(n for (i, n) in self.expected if i == ident)

    def base_value(self, ident: str) -> Decimal:
        row = self.indicators[ident]
        return Decimal(str(row.value)) * Decimal(str(self.multiplier.get(row.unit, 1)))


def _value_shown(ctx: _Context, ident: str) -> str:
    row = ctx.indicators[ident]
    value = format_number(float(row.value)).replace(",", "")
    base = ctx.base_value(ident)
    base_text = format_number(float(base))
    return f"{value}{row.unit}" + ("" if base_text.replace(",", "") == value else f" ({base_text} in base units)")


def _figure_problems(ctx: _Context, fig: Figure) -> list[str]:
    """Faults of one marked figure (unknown ids are reported apart)."""
    faults = []
    ids = [i for i in fig.ids if i in ctx.indicators]
    numbers = english_numbers(fig.text)
    values = {n for n, _ in numbers}
    wanted = {i: ctx.base_value(i) for i in ids}
    for ident in ids:
        row = ctx.indicators[ident]
        if wanted[ident] not in values:
            faults.append(f"the figure ‘{fig.text}’ marked {ident} does not state its value {_value_shown(ctx, ident)} "
                          "with the report's digits (thousands separators and million are fine, rounding is not)")
        spelled = any(s for n, s in numbers if n == wanted[ident])
        why = _qualifier_fault(fig.text, str(row.qualifier), spelled)
        if why:
            faults.append(f"the figure ‘{fig.text}’ marked {ident} {why}")
        if row.unit == "%" and not re.search(r"%|\bper ?cent\b", fig.text, re.I):
            faults.append(f"the figure ‘{fig.text}’ marked {ident} is a percentage and needs %")
    if ids:
        extra = sorted({n for n in values if n not in wanted.values()})
        for n in extra:
            faults.append(f"the figure ‘{fig.text}’ states {format_number(float(n))}, which is the value of none of "
                          f"its ids ({', '.join(ids)}); mark each figure apart, and keep other numbers out of the mark")
    return faults


def translation_problems(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Every breach of the rules of the module docstring; empty when the translation is sound."""
    root = data_path(data_dir)
    try:
        load_reference(TRANSLATION, root)          # the schema and the anchors (x-provenance)
        ctx = _Context(root)
        path = _descriptor_path(root, TRANSLATION)
    except DataValidationError as err:
        return err.problems
    file = shown_path(path)
    problems: list[Problem] = []
    total = len(ctx.paragraphs)
    rows = read_rows(path)
    seen: dict[int, int] = {}
    previous = 0
    marked: dict[tuple[str, int], int] = {}
    gap_marks: dict[str, list[int]] = {}
    where_marked: dict[tuple[str, int], tuple[int, int]] = {}
    for line, row in rows:
        number = int(row["paragraph"])
        if number > total:
            problems.append(Problem(file, line, "paragraph", f"there is no paragraph {number}: the report text has "
                                                             f"{total} paragraphs (non-blank lines)"))
            continue
        if number <= previous:
            problems.append(Problem(file, line, "paragraph", f"paragraph {number} comes after paragraph {previous}; "
                                                             "the rows must follow the report's order"))
        previous = max(previous, number)
        seen[number] = line
        para = ctx.paragraphs[number - 1]
        anchor = row["anchor_zh"]
        if not para.text.startswith(anchor):
            opens = [p.number for p in ctx.paragraphs if p.text.startswith(anchor)]
            hint = (f"it opens paragraph {opens[0]}, so the rows seem shifted" if opens else
                    f"paragraph {number} (line {para.line} of the report) opens ‘{_short(para.text)}’")
            problems.append(Problem(file, line, "anchor_zh", f"the anchor ‘{anchor}’ does not open paragraph {number}: {hint}"))
        elif len(anchor) < min(ANCHOR_MIN, len(para.text)):
            problems.append(Problem(file, line, "anchor_zh", f"the anchor ‘{anchor}’ is too short to anchor anything: "
                                                             f"give at least {ANCHOR_MIN} characters of the paragraph"))
        if "[[" in row.get("note_en", "") or "]]" in row.get("note_en", ""):
            problems.append(Problem(file, line, "note_en", "the note is plain text: marks belong in text_en"))
        text = row["text_en"]
        for run in bare_chinese(text):
            problems.append(Problem(file, line, "text_en", f"‘{run}’ at character {text.index(run) + 1} is Chinese "
                                                           "left bare in the English: put it in parentheses beside its translation"))
        for at, why in set_phrase_faults(para.text, text):
            problems.append(Problem(file, line, "text_en", f"at character {at + 1}: {why}"))
        try:
            segments = _parse(text)
        except MarkupError as err:
            problems.append(Problem(file, line, "text_en", f"at character {err.offset + 1}: {err}"))
            continue
        for at, seg in segments:
            here = f"at character {at + 1}"
            if isinstance(seg, Gap):
                if seg.gap_id not in ctx.gaps:
                    close = difflib.get_close_matches(seg.gap_id, list(ctx.gaps), n=1)
                    problems.append(Problem(file, line, "text_en", f"{here}: {seg.gap_id!r} is not a gap_id of text-gaps"
                                            + (f" (did you mean {close[0]!r}?)" if close else "")))
                else:
                    gap_marks.setdefault(seg.gap_id, []).append(number)
                continue
            if isinstance(seg, str):
                continue
            for ident in seg.ids:
                if ident not in ctx.indicators:
                    close = difflib.get_close_matches(ident, list(ctx.indicators), n=1)
                    problems.append(Problem(file, line, "text_en", f"{here}: {ident!r} is not an indicator_id of "
                                            "report-indicators" + (f" (did you mean {close[0]!r}?)" if close else "")))
                    continue
                marked[(ident, number)] = marked.get((ident, number), 0) + 1
                where_marked.setdefault((ident, number), (line, at))
            problems += [Problem(file, line, "text_en", f"{here}: {fault}")
                         for fault in _figure_problems(ctx, seg)]
    for number in range(1, total + 1):
        if number not in seen:
            para = ctx.paragraphs[number - 1]
            problems.append(Problem(file, None, "paragraph", f"paragraph {number} (line {para.line} of the report, "
                                                             f"‘{_short(para.text)}’) has no row"))
    for (ident, number), count in sorted(marked.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        expected = ctx.expected.get((ident, number), 0)
        line, at = where_marked[(ident, number)]
        if expected == 0:
            homes = ctx.paragraphs_of(ident)
            home = (f"its quote is in paragraph {', '.join(map(str, homes))}" if homes
                    else "its quote occurs in no paragraph of the report")
            problems.append(Problem(file, line, "text_en", f"at character {at + 1}: {ident} is marked in paragraph "
                                                           f"{number}, but {home}"))
        elif count != expected:
            problems.append(Problem(file, line, "text_en", f"{ident} is marked {count} times in paragraph {number}, but its "
                                                           f"quote states it {expected} time{'s' if expected > 1 else ''} "
                                                           "there; mark the figure once for each statement"))
    for (ident, number), expected in sorted(ctx.expected.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (ident, number) not in marked and number in seen:
            quote = str(ctx.indicators[ident].quote)
            problems.append(Problem(file, seen[number], "text_en",
                                    f"{ident} is not marked in paragraph {number}, where the report states it "
                                    f"(‘{quote}’); mark its figure as [[{ident}|…]]"))
    for gap_id, home in sorted(ctx.gap_paragraph.items()):
        places = gap_marks.get(gap_id, [])
        if places.count(home) != 1 or len(places) != 1:
            line = seen.get(places[0] if places else home)
            said = (f"it is marked in paragraph {', '.join(map(str, places))}" if places else "it is not marked")
            problems.append(Problem(file, line, "text_en", f"the gap {gap_id} belongs once in paragraph {home}, where its "
                                                           f"anchor is, but {said}; mark it as [[gap:{gap_id}]]"))
    return problems


def english_paragraphs(data_dir: str | os.PathLike | None = None) -> list[EnglishParagraph]:
    """Every paragraph of the report with its English segments, in order (see the module).

    Raises :class:`~guilin_analysis.data.DataValidationError` naming file, line and column
    when any rule of the module fails.
    """
    problems = translation_problems(data_dir)
    if problems:
        raise DataValidationError(problems)
    root = data_path(data_dir)
    paragraphs = report_paragraphs(load_report_text(root))
    rows = {int(row["paragraph"]): row for _, row in read_rows(_descriptor_path(root, TRANSLATION))}
    out = []
    for p in paragraphs:
        row = rows[p.number]
        out.append(EnglishParagraph(p.number, p.line, p.start, p.end, p.text, row["text_en"],
                                    tuple(parse_segments(row["text_en"])), row.get("note_en", "")))
    return out
