"""Numbers, units, qualifiers, periods and escaping, in Chinese and English.

The bottom of the package: it imports only :mod:`~guilin_analysis.labels`, and every module
above it (metrics, audit, charts, tables, notebooks) formats through it, so one typography
holds everywhere.

Chinese follows the report's own convention: no space between a numeral and a Chinese unit
or 万, and no thousands separator (``32715张``, ``110.14万人``, ``78个``, ``约900户``, ``66%``).
English converts to base units with the label the data package declares (``32,715 beds``,
``9.2252 million yuan``, ``about 900 households``). Unit labels are never spelled here: callers
pass the labels the data package declares (``x-unit-labels``, read by
:func:`guilin_analysis.data.unit_labels`).
"""
from __future__ import annotations

import math
import re

from .labels import LANGUAGES, check_lang, label  # noqa: F401  (LANGUAGES, check_lang: re-exported)


def format_number(value: float, decimals: int | None = None, lang: str | None = None) -> str:
    """32715 -> '32,715'; 922.52 -> '922.52'; 66.654 with decimals=1 -> '66.7'.

    ``lang="zh"`` writes the number as the report prints it, with no thousands separator
    (32715, 8913, 4931137)."""
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", "") if lang == "zh" else text


def _significant_digits(value: float) -> int:
    """Significant digits of a printed figure: 110.14 -> 5, 2791 -> 4, 1 -> 1, 0.5 -> 1."""
    digits = format_number(value).replace(",", "").replace(".", "").lstrip("-").lstrip("0")
    return max(len(digits.rstrip("0")) if "." not in format_number(value) else len(digits), 1)


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """A whole number from 0 to 99 in Chinese characters, as the report writes 六城区 and 第十届."""
    n = int(n)
    if not 0 <= n < 100:
        raise ValueError(f"chinese_numeral takes 0 to 99, not {n}")
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


def significant(value: float, digits: int) -> float:
    """``value`` rounded to ``digits`` significant digits: 112502.4 -> 112500.0 (4 digits)."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - int(math.floor(math.log10(abs(value)))))


def qualify(text: str, qualifier: str, lang: str) -> str:
    """Put the qualifier's word before a formatted figure: 约900户, at least 50 households."""
    word = label(qualifier, check_lang(lang))
    if not word:
        return text
    return f"{word}{text}" if lang == "zh" else f"{word} {text}"


def format_quantity(value: float, unit: str, lang: str, qualifier: str = "exact", *,
                    unit_en: str = "", multiplier: float = 1, decimals: int | None = None,
                    with_unit: bool = True, unit_zh: str = "") -> str:
    """A figure as a reader of ``lang`` expects it.

    zh keeps the printed unit, with no space and no separator: ``32715张``, ``922.52万元``,
    ``约900户``, ``66%``. en converts to base units (``multiplier`` per printed unit) and names
    them with ``unit_en``; a figure printed in 万 or 亿 reads, from a million up, in millions with
    every printed digit (``9.2252 million yuan`` beside ``27.91 million yuan``, ``1.1014 million
    volunteers``), so that amounts read in one form, while one printed whole stays whole
    (``4,931,137 persons``); ``about 900 households``. ``with_unit=False`` leaves the unit out,
    for a sentence that names it (``about 1,000``). ``unit_zh`` is the unit's Chinese label (the
    printed unit when empty).
    """
    check_lang(lang)
    if math.isnan(value):
        return "—"
    if unit == "%":
        text = f"{format_number(value, decimals, lang)}%"
    elif unit == "届":                # an edition is an ordinal: 第10届, the 10th edition
        return f"第{format_number(value, lang=lang)}届" if lang == "zh" else f"{ordinal(value)} {unit_en.rstrip('s') or 'edition'}"
    elif lang == "zh":
        text = format_number(value, decimals, lang) + ((unit_zh or unit) if with_unit else "")
    else:
        base = value * multiplier
        if abs(base) >= 1_000_000 and multiplier != 1:   # a figure printed in 万 or 亿; 4931137人 stays whole
            millions = base / 1_000_000
            if decimals is None:      # as many significant digits as the printed figure
                whole = len(str(int(abs(millions))))
                decimals = max(0, _significant_digits(value) - whole)
            text = f"{format_number(millions, decimals).rstrip('0').rstrip('.') if decimals else format_number(millions, 0)} million"
        else:
            text = format_number(base, decimals)
        if with_unit and unit_en:
            text += f" {unit_en}"
    return qualify(text, qualifier, lang)


def format_metric(value: float, unit: str, lang: str, decimals: int = 1, *, labels: dict) -> str:
    """A derived metric with its unit: ``66.7%``, ``19343张`` / ``19,343 beds``; sums in yuan
    keep three significant digits (``118000元/站``), other numbers of 100 or more no decimals.

    ``labels`` is the unit's entry of the metric definitions' unit labels in the data package
    (``{"zh": "元/站", "en": "yuan per station", ...}``)."""
    if unit.startswith("元"):        # money: no more significant digits than the report's sums carry
        value = significant(value, 3)
    places = 0 if abs(value) >= 100 or float(value).is_integer() else decimals
    number = format_number(value, places, lang)
    if unit == "%":
        return f"{number}%"
    text = labels[check_lang(lang)]
    return f"{number}{text}" if lang == "zh" else f"{number} {text}"


def ordinal(n: float) -> str:
    """10 -> '10th', 21 -> '21st', 12 -> '12th'."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percent(value: float, decimals: int = 1) -> str:
    """66.654 -> '66.7%' (the same in both languages)."""
    return f"{format_number(value, decimals, 'zh')}%"


def points(value: float, lang: str, decimals: int = 1) -> str:
    """A difference of percentages: '11.7个百分点' or '11.7 percentage points' (absolute value)."""
    number = format_number(abs(value), decimals, lang)
    return f"{number}个百分点" if check_lang(lang) == "zh" else f"{number} percentage points"


def money(yuan: float, lang: str, digits: int = 3) -> str:
    """A derived sum in yuan to ``digits`` significant digits: '11.8万元' or '118,000 yuan';
    Chinese with no thousands separator ('2500元')."""
    rounded = significant(yuan, digits)
    if check_lang(lang) == "zh":
        if abs(rounded) >= 10_000:
            return f"{format_number(significant(rounded / 10_000, digits), lang='zh')}万元"
        return f"{format_number(rounded, lang='zh')}元"
    return f"{format_number(rounded)} yuan"


def _year(year: str, lang: str, inferred: bool) -> str:
    """A year as a period: 2022年 / 2022; a year the analysis infers: 2022年（推定） / 2022 (inferred)."""
    if inferred:
        return f"{year}年（推定）" if lang == "zh" else f"{year} (inferred)"
    return f"{year}年" if lang == "zh" else year


def _marked(year: str, inferred, main: bool) -> bool:
    """Whether ``year`` reads as inferred: ``inferred`` True marks the period's ``main`` (later)
    year, a collection of years marks the years it holds."""
    if isinstance(inferred, bool):
        return inferred and main
    return year in {str(y) for y in inferred}


def period_text(period_type: str, period: str, lang: str, inferred=False) -> str:
    """How a figure's period reads: 2022年 / in 2022, 2022年以来 / since 2022, 报道时 / at the
    time of the report, and so on (see ``period_type`` in ``datapackage.json``).

    ``inferred`` marks a year the text does not print but the analysis infers (the eldercare
    section lost the sentence that named its year): ``2022年（推定）`` / ``2022 (inferred)``,
    ``2022年（推定）较2021年`` / ``2022 (inferred) on 2021``, ``2022年以来（推定）`` / ``since 2022
    (inferred)``. ``True`` marks the period's (later) year; a collection of years, such as
    :attr:`Facts.inferred_years <guilin_analysis.lookup.Facts.inferred_years>` gives, marks each
    year it holds and no other."""
    check_lang(lang)
    period = "" if period is None or (isinstance(period, float) and math.isnan(period)) else str(period)
    if period_type == "change" and " vs " in period:
        later, earlier = period.split(" vs ")
        if lang == "zh":
            return f"{_year(later, lang, _marked(later, inferred, True))}较{_year(earlier, lang, _marked(earlier, inferred, False))}"
        return f"{_year(later, lang, _marked(later, inferred, True))} on {_year(earlier, lang, _marked(earlier, inferred, False))}"
    if period_type in ("year", "stock") and period:
        return _year(period, lang, _marked(period, inferred, True))
    if period_type == "since" and period:
        if _marked(period, inferred, True):
            return f"{period}年以来（推定）" if lang == "zh" else f"since {period} (inferred)"
        return f"{period}年以来" if lang == "zh" else f"since {period}"
    key = {"stock": "period_at_report", "cumulative": "period_cumulative"}.get(period_type, "period_unstated")
    return label(key, lang)


def quote_zh(text: str) -> str:
    """Chinese quotation marks around ``text``; quotation marks inside become single ones:
    “六一”资助 -> “‘六一’资助”."""
    return "“" + str(text).replace("“", "‘").replace("”", "’") + "”"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>$~])")


def escape_markdown(text: str) -> str:
    """Text from the data, made inert in Markdown: every character that starts markup, a
    link, raw HTML or math is backslash-escaped, so ``<script>`` shows as text."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def escape_mathtext(text: str) -> str:
    """Text from the data, made safe for matplotlib, where ``$`` starts math: ``\\$``."""
    return str(text).replace("$", r"\$")
