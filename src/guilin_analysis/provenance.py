"""Provenance: every figure occurs in its quote, and every quote in the report.

In: the rows of a table that declares ``x-provenance`` in ``datapackage.json`` (which fields
hold the quote, the value and the unit) and the report text. Out: ``(line, column, message)``
for each row whose quote is not verbatim or whose value is not a number its quote states.
Also the number readers used for that rule: :func:`chinese_number`, :func:`numbers_in`,
:func:`value_in_quote`. Imports nothing from the package, so :mod:`guilin_analysis.data` can
use it without a cycle.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


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

    "突破亿元" states 1 亿元 (亿 alone is 10^8 = 1 x multiplier); "千名" states 1000 人.
    """
    try:
        wanted = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        return False
    scaled = wanted * Decimal(str(multiplier))
    return any(n == wanted or n == scaled for n in numbers_in(quote))


def provenance_problems(rows, header: list[str], text: str, rule: dict, labels: dict,
                        source_path: str) -> list[tuple[int, str, str]]:
    """Check ``rows`` (``(physical line, cells)``) against the report ``text``.

    ``rule`` is the table's ``x-provenance`` (``quote_field``, and for figures ``value_field`` and
    ``unit_field``; a table of anchors has only quotes);
    ``labels`` the unit labels, whose ``multiplier`` lets 亿 state 1 亿元.
    Returns ``(line, column, message)`` for each row that breaks the rule.
    """
    found = []
    has_value = "value_field" in rule      # a table of anchors (text-gaps) has quotes and no values
    iq = header.index(rule["quote_field"])
    iv, iu = (header.index(rule[k]) for k in ("value_field", "unit_field")) if has_value else (None, None)
    for line, row in rows:
        quote = row[iq]
        if quote not in text:
            found.append((line, rule["quote_field"],
                          f"the quote {quote!r} does not occur in the report text "
                          f"({source_path}); quotes must be copied verbatim"))
        elif has_value and not value_in_quote(value := row[iv], quote,
                                              labels.get(row[iu], {}).get("multiplier", 1)):
            found.append((line, rule["value_field"],
                          f"the value {value.strip()} does not occur in its quote {quote!r}"))
    return found
