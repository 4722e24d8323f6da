"""Provenance: every figure occurs in its quote, and every quote in the report; what the quote
prints beside the number agrees with the row's unit, qualifier and period.

In: the rows of a table that declares ``x-provenance`` in ``datapackage.json`` (which fields
hold the quote, the value, the unit, the qualifier and the period; which words of a quote
name which unit, ``unit_words``; which words mark which qualifier, ``qualifier_words``) and the
report text. Out: ``(line, column, message)`` for each row that breaks a rule:

- the quote occurs verbatim in the report, and the value is a number the quote states;
- the unit is what the quote prints right after that number (名 reads as 人, 万 before a noun
  of persons as 万人: the mapping is data, ``unit_words``, never Python);
- the qualifier agrees with the words beside the number both ways (约…, …左右: approx;
  超过…, …余…: more_than; …以上, 不低于…: at_least; a bare numeral such as 千 in 千名: approx;
  no such word: exact), as ``qualifier_words`` declares them;
- the period agrees with its type: ``year`` and ``since`` name a year, ``change`` two years
  ("2022 vs 2021") and its quote says 较…年; ``since`` has its "2022年以来" or "2022年起" in the
  quote, in the report's paragraph around it, or in the note that says where the period comes
  from; ``stock`` names a year, or nothing when the quote dates the count to the time of the
  report (全市已有, 现有, 目前, 截至…: :data:`AT_REPORT_WORDS`), else the period is ``unstated``;
  ``cumulative`` and ``unstated`` name none.

Which years are inferred is read the same way (:func:`unprinted_years`): a year the period names
that neither the quote nor its paragraph of the report prints is the analysis's inference (the
eldercare section lost the sentence that named its year; the volunteering rates say only
较2021年), and the pages show it as "2022年（推定）" / "2022 (inferred)".

Numbers are read with ASCII digits only (``３２７１５`` is not a number here). Also the number
readers used by those rules: :func:`chinese_number`, :func:`numbers_in`, :func:`value_in_quote`,
:func:`readings`. Imports nothing from the package, so :mod:`guilin_analysis.data` can use it
without a cycle.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC = re.compile(r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?")      # ASCII digits only, never \d

#: The qualifier places of ``qualifier_words``: a word right before the number, between the
#: number and its unit, right after the unit, or the number itself written as a bare numeral.
QUALIFIER_PLACES = ("before", "infix", "after", "numerals")

_YEAR = re.compile(r"[0-9]{4}")
#: Words of a quote that date a count to the time of the report ("全市已有97个…"): a ``stock``
#: with an empty period needs one of them, else its period is not stated.
AT_REPORT_WORDS = ("已有", "现有", "目前", "截至", "截止", "至今", "现已")
_CHANGE = re.compile(r"([0-9]{4}) vs ([0-9]{4})")
_COMPARED = re.compile(r"较(.{1,6}?)年")


def chinese_number(run: str) -> int:
    """Value of a Chinese numeral such as 六, 十, 一百, 千, 亿 or 三千二百 (a bare unit means one)."""
    total = section = number = 0
    for ch in run:
        if ch in _CN_DIGIT:
            number = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        else:
            section = (section + number) or 1
            total += section * _CN_LARGE[ch]
            section = number = 0
    return total + section + number


def numbers_in(quote: str) -> list[Decimal]:
    """Every number a passage states: Arabic (32715, 922.52, 1,000) and Chinese (六, 千, 亿)."""
    found = [Decimal(m.replace(",", "")) for m in _ARABIC.findall(quote)]
    found += [Decimal(chinese_number(run)) for run in _CN_RUN.findall(quote)]
    return found


def value_in_quote(value: str, quote: str, multiplier: float = 1) -> bool:
    """True when ``value`` (in a unit worth ``multiplier``) is a number the quote states.

    "突破亿元" states 1 亿元 (亿 alone is 10^8 = 1 x multiplier, or 1 before the unit 亿元);
    "千名" states 1000 人. The unit rule then says whether the unit is the one printed.
    """
    try:
        wanted = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        return False
    if not wanted.is_finite():
        return False
    scaled = wanted * Decimal(str(multiplier))
    return any(r.value == wanted or r.value == scaled for r in readings(quote))


@dataclass(frozen=True)
class Reading:
    """One number a quote prints: its value, as printed, where it starts and where the text
    after it (infix, unit) starts."""

    value: Decimal
    printed: str
    start: int
    end: int


def readings(quote: str) -> list[Reading]:
    """Every number of ``quote`` with its place. A Chinese numeral ending in 万 or 亿 is also
    read without that character, which may be the unit's own (突破亿元: 1 亿元, not 10^8 元)."""
    found = [Reading(Decimal(m.group().replace(",", "")), m.group(), m.start(), m.end())
             for m in _ARABIC.finditer(quote)]
    for m in _CN_RUN.finditer(quote):
        run = m.group()
        found.append(Reading(Decimal(chinese_number(run)), run, m.start(), m.end()))
        if run[-1] in _CN_LARGE:
            head = run[:-1]
            found.append(Reading(Decimal(chinese_number(head)) if head else Decimal(1), head, m.start(), m.end() - 1))
    return found


def _longest(text: str, words) -> str | None:
    """The longest of ``words`` that ``text`` starts with."""
    best = None
    for word in words:
        if text.startswith(word) and (best is None or len(word) > len(best)):
            best = word
    return best


@dataclass(frozen=True)
class _Read:
    """What a quote prints around one number: unit word, the unit it names, qualifier markers."""

    reading: Reading
    word: str | None            # the unit word right after the number (and any infix)
    unit: str | None            # the unit that word names (unit_words), None if it names none
    markers: tuple              # ((qualifier, place, marker word), ...)
    after: str                  # the text right after the number, for a message


def _infixes(qualifier_words: dict) -> dict[str, str]:
    return {w: q for q, places in qualifier_words.items() for w in places.get("infix", [])}


def _read(quote: str, r: Reading, unit_words: dict, qualifier_words: dict, infixes: dict) -> _Read:
    markers = []
    for qualifier, places in qualifier_words.items():
        for word in places.get("before", []):
            if quote[:r.start].endswith(word):
                markers.append((qualifier, "before", word))
        if r.printed in places.get("numerals", []):
            markers.append((qualifier, "numerals", r.printed))
    pos = r.end
    infix = _longest(quote[pos:], infixes)
    if infix:
        markers.append((infixes[infix], "infix", infix))
        pos += len(infix)
    word = _longest(quote[pos:], unit_words)
    if word:
        rest = quote[pos + len(word):]
        for qualifier, places in qualifier_words.items():
            for marker in places.get("after", []):
                if rest.startswith(marker):
                    markers.append((qualifier, "after", marker))
    # a bare numeral (千名) marks a round figure only where no word says otherwise (超过千名)
    if any(place != "numerals" for _, place, _ in markers):
        markers = [m for m in markers if m[1] != "numerals"]
    return _Read(r, word, unit_words.get(word) if word else None, tuple(markers), quote[r.end:r.end + 4])


def _unit_problem(quote, value, unit, rule, multiplier, infixes) -> tuple[str | None, _Read | None]:
    """Why ``unit`` is not what the quote prints after ``value`` (None if it is), and the reading
    of the number that the qualifier rule then looks at."""
    unit_words, qualifier_words = rule.get("unit_words", {}), rule.get("qualifier_words", {})
    try:
        wanted = Decimal(value.strip())
    except InvalidOperation:
        return None, None
    scaled = wanted * Decimal(str(multiplier))
    numbers = readings(quote)
    found = [_read(quote, r, unit_words, qualifier_words, infixes) for r in numbers if r.value == wanted]
    for read in found:
        if read.unit == unit:
            return None, read
    found += [_read(quote, r, unit_words, qualifier_words, infixes) for r in numbers if r.value == scaled != wanted]
    if not found:
        return None, None                         # the value rule has already said so
    read = found[0]
    shown = read.reading.printed or read.word or ""
    if read.unit is None:
        return (f"the quote prints {read.after!r} right after {shown}, and no word of x-provenance.unit_words "
                f"in datapackage.json names a unit there, so the unit {unit!r} cannot be checked against "
                "the quote; quote the passage that prints the unit, or declare the word"), None
    return (f"the quote prints {read.word!r} right after {shown}, which is the unit {read.unit!r} "
            f"(x-provenance.unit_words in datapackage.json), not {unit!r}"), None


_MEANING = {"approx": "approx (about)", "more_than": "more_than (the number excluded)",
            "at_least": "at_least (the number included)"}


def _qualifier_problem(read: _Read, qualifier: str, qualifier_words: dict) -> str | None:
    shown = read.reading.printed or read.word or ""
    said = sorted({q for q, _, _ in read.markers})
    if len(said) > 1:
        words = ", ".join(f"{w} ({q})" for q, _, w in read.markers)
        return (f"the quote marks {shown} with words of different qualifiers ({words}), so the "
                "qualifier cannot be read from it; quote a shorter passage")
    expected = said[0] if said else "exact"
    if expected == qualifier:
        return None
    if said:
        q, place, word = read.markers[0]
        where = {"before": "before", "infix": "right after", "after": "after the unit of",
                 "numerals": "as the bare numeral of"}[place]
        return (f"the quote has {word!r} {where} {shown}, which marks the qualifier {_MEANING.get(q, q)} "
                f"(x-provenance.qualifier_words in datapackage.json), not {qualifier}")
    words = "、".join(w for places in qualifier_words.values() for p in QUALIFIER_PLACES
                     for w in places.get(p, []) if p != "numerals")
    return (f"the quote has no qualifier word beside {shown} (none of {words}), so the qualifier is "
            f"exact, not {qualifier}")


def _paragraphs_of(quote: str, text: str) -> list[str]:
    """The report's lines (paragraphs) around every occurrence of ``quote``."""
    found, start = [], text.find(quote)
    while start >= 0:
        begin = text.rfind("\n", 0, start) + 1
        end = text.find("\n", start + len(quote))
        found.append(text[begin:end if end >= 0 else len(text)])
        start = text.find(quote, start + 1)
    return found


def period_problem(period_type: str, period: str, quote: str, note: str, text: str) -> tuple[str, str] | None:
    """``(column, why)`` when ``period`` does not agree with ``period_type`` and the quote, else None."""
    period = period.strip()
    if period_type in ("year", "since") and not _YEAR.fullmatch(period):
        kind = "a calendar year" if period_type == "year" else "a total since a year"
        return "period", (f"the period type is {period_type} ({kind}), so the period must be that year "
                          f"(four digits, such as 2022), not {period!r}")
    if period_type == "change":
        years = _CHANGE.fullmatch(period)
        if not years:
            return "period", (f"the period type is change, so the period must name both years as "
                              f"\"2022 vs 2021\", not {period!r}")
        compared = _COMPARED.search(quote)
        if not compared:
            return "period_type", ("the period type is change, but the quote does not say 较…年 (compared "
                                   "with which year); quote the passage that names the earlier year")
        if _YEAR.fullmatch(compared.group(1)) and compared.group(1) != years.group(2):
            return "period", (f"the quote compares with {compared.group(0)}, but the period says "
                              f"{years.group(2)} is the earlier year")
    if period_type == "stock" and period and not _YEAR.fullmatch(period):
        return "period", (f"a stock is counted at the end of a year (four digits) or, with an empty "
                          f"period, at the time of the report; {period!r} is neither")
    if period_type == "stock" and not period and not any(word in quote for word in AT_REPORT_WORDS):
        return "period_type", (f"a stock with an empty period reads \"at the time of the report\", but the quote "
                               f"has none of {'、'.join(AT_REPORT_WORDS)} to date it so: give the year in period, "
                               "or make the period type unstated")
    if period_type in ("cumulative", "unstated") and period:
        return "period", (f"the period type is {period_type}, which names no year, so the period must "
                          f"be empty, not {period!r}")
    if period_type == "since" and period:
        marks = (f"{period}年以来", f"{period}年起")
        if not any(m in place for m in marks for place in (quote, note, *_paragraphs_of(quote, text))):
            return "period_type", (f"the period type is since, but neither the quote, its paragraph of the "
                                   f"report nor the note says {marks[0]} or {marks[1]}; a note must say "
                                   "where the period comes from")
    return None


def _years_named(period_type: str, period: str) -> list[str]:
    """The years a period names: ``2022`` for a year, a stock or a total since; both years of a
    change (``2022 vs 2021``); none for the other types."""
    period = period.strip()
    if period_type == "change":
        years = _CHANGE.fullmatch(period)
        return list(years.groups()) if years else []
    if period_type in ("year", "stock", "since") and _YEAR.fullmatch(period):
        return [period]
    return []


def _prints_year(place: str, year: str, since: bool) -> bool:
    """Whether ``place`` prints ``year`` as the kind of period it is: "2022年以来" or "2022年起"
    for a total since that year; for a year, a stock or a change "2022年" not followed by 以来 or
    起 (which print the start of a span, not the year itself)."""
    if since:
        return f"{year}年以来" in place or f"{year}年起" in place
    return re.search(rf"(?<![0-9]){year}年(?!以来|起)", place) is not None


def unprinted_years(period_type: str, period: str, quote: str, text: str) -> list[str]:
    """The years ``period`` names that neither ``quote`` nor its paragraph of the report ``text``
    prints: the years the analysis infers ("2022" for the eldercare beds, whose paragraph prints
    only 较2021年). Empty when every year named is printed, or the period names none."""
    places = [quote, *_paragraphs_of(quote, text)]
    since = period_type == "since"
    return [year for year in _years_named(period_type, period)
            if not any(_prints_year(place, year, since) for place in places)]


def provenance_problems(rows, header: list[str], text: str, rule: dict, labels: dict,
                        source_path: str) -> list[tuple[int, str, str]]:
    """Check ``rows`` (``(physical line, cells)``) against the report ``text``.

    ``rule`` is the table's ``x-provenance`` (``quote_field``; for figures ``value_field``,
    ``unit_field``, ``qualifier_field``, ``period_field``, ``period_type_field``, optionally
    ``note_field``, and the words ``unit_words`` and ``qualifier_words``; a table of anchors
    has only quotes); ``labels`` the unit labels, whose ``multiplier`` lets 亿 state 1 亿元.
    Returns ``(line, column, message)`` for each rule a row breaks, in the module's order.
    """
    found = []
    has_value = "value_field" in rule      # a table of anchors (text-gaps) has quotes and no values
    at = {key: header.index(rule[key]) for key in ("quote_field", "value_field", "unit_field", "qualifier_field",
                                                   "period_field", "period_type_field", "note_field")
          if key in rule}
    qualifier_words = rule.get("qualifier_words", {})
    infixes = _infixes(qualifier_words)
    for line, row in rows:
        quote = row[at["quote_field"]]
        if quote not in text:
            found.append((line, rule["quote_field"],
                          f"the quote {quote!r} does not occur in the report text "
                          f"({source_path}); quotes must be copied verbatim"))
            continue
        if not has_value:
            continue
        value, unit = row[at["value_field"]], row[at["unit_field"]]
        multiplier = labels.get(unit, {}).get("multiplier", 1)
        if not value_in_quote(value, quote, multiplier):
            found.append((line, rule["value_field"], f"the value {value.strip()} does not occur in its quote {quote!r}"))
            continue
        if "unit_words" in rule:
            why, read = _unit_problem(quote, value, unit, rule, multiplier, infixes)
            if why:
                found.append((line, rule["unit_field"], why))
            elif read is not None and "qualifier_field" in rule:
                why = _qualifier_problem(read, row[at["qualifier_field"]], qualifier_words)
                if why:
                    found.append((line, rule["qualifier_field"], why))
        if "period_field" in rule and "period_type_field" in rule:
            note = row[at["note_field"]] if "note_field" in at else ""
            problem = period_problem(row[at["period_type_field"]], row[at["period_field"]], quote, note, text)
            if problem:
                column, why = problem
                found.append((line, rule[f"{column}_field"], why))
    return found
