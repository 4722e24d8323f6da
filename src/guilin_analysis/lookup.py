"""The figures of one data package by id, formatted for a language.

In: a data package. Out: :class:`Facts`, which loads the indicators, the derived metrics and
the reference figures once and answers ``value``, ``fig`` (as printed, with its qualifier and
unit), ``name``, ``period`` and ``conflict`` by id; and :class:`Voice`, the same figures bound
to one language with short names for sentences in a notebook::

    facts = Facts(data_dir)
    zh, en = facts.voice("zh"), facts.voice("en")
    f"护理型床位{zh.f('eldercare.beds.nursing')}"      # 护理型床位8913张
    f"{en.n('eldercare.beds.nursing')} nursing beds"   # 8,913 nursing beds

Notebooks, the audit and the report pages all read figures through it, so a figure reads
the same everywhere.
"""
from __future__ import annotations

import math
import os
import re

from .data import INDICATORS, chinese_number, load_indicators, load_reference, unit_labels
from .formatting import (check_lang, format_metric, format_number, format_quantity, money, percent, period_text,
                         points, significant)
from .metrics import derived_metrics

REFERENCE = "reference-figures"
METRICS = "metric-definitions"


def format_figure(value: float, unit: str, lang: str, qualifier: str = "exact",
                  data_dir: str | os.PathLike | None = None, decimals: int | None = None,
                  with_unit: bool = True, resource: str = INDICATORS, unit_en: str = "") -> str:
    """:func:`~guilin_analysis.formatting.format_quantity` with the unit's English label and
    multiplier read from the data package (``unit_en`` overrides the label)."""
    info = unit_labels(resource, data_dir)[unit]
    return format_quantity(value, unit, lang, qualifier, unit_en=unit_en or info["en"], unit_zh=info["zh"],
                           multiplier=info["multiplier"], decimals=decimals, with_unit=with_unit)


#: Measure words the report prints where the data records another unit (名 for persons).
_PRINTED_UNIT = {"人": ("人", "名")}
_NUMERAL = re.compile("[零一二两三四五六七八九十百千万]+")


def _report_form(row, with_unit: bool) -> str | None:
    """The figure as the quote prints it, in Chinese, where the quote has a form of its own:
    60余万元, 50户以上, 突破亿元, 千名, 第十届. None when the plain form (32715张) is the report's."""
    quote, unit, qualifier = str(row.get("quote", "")), str(row["unit"]), row["qualifier"]
    number = format_number(row["value"], lang="zh")
    shown_unit = unit if with_unit else ""
    if qualifier == "more_than" and f"{number}余" in quote:
        return f"{number}余{shown_unit}"
    if qualifier == "at_least" and f"{number}{unit}以上" in quote:
        return f"{number}{shown_unit}以上"
    if qualifier == "more_than" and row["value"] == 1 and f"突破{unit}" in quote:
        return f"突破{shown_unit}" if with_unit else "突破1"
    if number not in quote:                       # written in characters: 千名, 第十届
        for match in _NUMERAL.finditer(quote):
            try:
                if chinese_number(match.group(0)) != row["value"]:
                    continue
            except (KeyError, ValueError):
                continue
            before, after = quote[max(match.start() - 1, 0):match.start()], quote[match.end():match.end() + 1]
            if unit == "届" and before == "第" and after == "届":
                return f"第{match.group(0)}届"
            if after in _PRINTED_UNIT.get(unit, (unit,)):
                return match.group(0) + (after if with_unit else "")
    return None


def figure_text(row, lang: str, data_dir: str | os.PathLike | None = None, with_unit: bool = True,
                exact: bool = False) -> str:
    """Format one indicator row (a mapping with value, unit, qualifier, unit_en and quote): the one
    place an indicator is formatted, for sentences (:meth:`Facts.fig`) and tables alike.

    Chinese keeps the report's own form where the quote has one (:func:`_report_form`: 60余万元,
    50户以上, 突破亿元, 千名, 第十届) and never a thousands separator (8913张). ``exact=True``
    leaves the qualifier out, for a sentence that states it in its own words.
    """
    qualifier = "exact" if exact else row["qualifier"]
    if lang == "zh" and not exact:
        printed = _report_form(row, with_unit)
        if printed is not None:
            return printed
    return format_figure(row["value"], row["unit"], lang, qualifier, data_dir,
                         with_unit=with_unit, unit_en=row.get("unit_en", "") or "")


def bounded(text: str, bound: str) -> str:
    """A derived value with its bound: ``≥27.2%`` for a lower bound, ``≤2500元/户`` for an upper."""
    return {"lower": "≥", "upper": "≤"}.get(bound, "") + text


class Facts:
    """Indicators, derived metrics and reference figures of one data package, by id."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.data_dir = data_dir
        self.table = load_indicators(data_dir).set_index("indicator_id")
        self.metrics = derived_metrics(data_dir, exact=True).set_index("metric_id")
        self.reference = load_reference(REFERENCE, data_dir).set_index("figure_id")
        self.units = {name: unit_labels(name, data_dir) for name in (INDICATORS, REFERENCE, METRICS)}
        self.gaps = load_reference("text-gaps", data_dir)
        # a figure with a period next to a place where text was lost has that period inferred
        # (the eldercare section lost the sentence that named its year): 2022（推定）
        near_gaps = {i for ids in self.gaps["indicator_ids"] for i in ids.split(", ") if i}
        self.inferred = {i for i in near_gaps if i in self.table.index and self.table.loc[i, "period"]}

    # ------------------------------------------------------------ values
    def has(self, *ids: str) -> bool:
        return all(i in self.table.index for i in ids)

    def value(self, indicator_id: str) -> float:
        return float(self.table.loc[indicator_id, "value"])

    def metric(self, metric_id: str) -> float:
        return float(self.metrics.loc[metric_id, "value"])

    def ref_value(self, figure_id: str) -> float:
        return float(self.reference.loc[figure_id, "value"])

    # ------------------------------------------------------------ words
    def name(self, indicator_id: str, lang: str) -> str:
        return self.table.loc[indicator_id, "name_zh" if check_lang(lang) == "zh" else "name_en"]

    def unit_en(self, indicator_id: str) -> str:
        """What one unit of the figure counts, in English (``stations`` for 78个社工站)."""
        row = self.table.loc[indicator_id]
        return row["unit_en"] or self.units[INDICATORS][row["unit"]]["en"]

    def fig(self, indicator_id: str, lang: str, with_unit: bool = True, exact: bool = False) -> str:
        """An indicator as printed, for ``lang``: ``约900户``, ``about 900 households``.

        ``with_unit=False`` leaves the unit out, for a sentence that names it; ``exact=True``
        leaves the qualifier out, for a sentence that states it in its own words.
        """
        return figure_text(self.table.loc[indicator_id], lang, self.data_dir, with_unit, exact)

    def figs(self, ids: list[str], lang: str) -> str:
        """Several indicators as printed, listed the way ``lang`` lists them."""
        return ("、" if lang == "zh" else ", ").join(self.fig(i, lang) for i in ids)

    def ref(self, figure_id: str, lang: str, with_qualifier: bool = False) -> str:
        """A reference figure: ``55%``, or with its qualifier ``不低于30%`` (the plans' own word for a
        floor) / ``at least 30%``."""
        row = self.reference.loc[figure_id]
        info = self.units[REFERENCE][row["unit"]]
        qualifier = row["qualifier"] if with_qualifier else "exact"
        if lang == "zh" and qualifier == "at_least":
            return "不低于" + format_quantity(row["value"], row["unit"], lang, unit_en=info["en"],
                                            unit_zh=info["zh"], multiplier=info["multiplier"])
        return format_quantity(row["value"], row["unit"], lang, qualifier,
                               unit_en=info["en"], unit_zh=info["zh"], multiplier=info["multiplier"])

    def bound(self, item_id: str) -> str:
        """``exact``, ``lower`` or ``upper``: a derived metric's bound, or the one a figure's
        qualifier gives it (余, 超过, 突破, 以上: lower)."""
        kind = self.kind(item_id)
        if kind == "metric":
            return str(self.metrics.loc[item_id, "bound"]) or "exact"
        frame = self.table if kind == "indicator" else self.reference
        return "lower" if frame.loc[item_id, "qualifier"] in ("more_than", "at_least") else "exact"

    def period(self, indicator_id: str, lang: str) -> str:
        """The figure's period: ``2022年以来`` / ``since 2022``, ``报道时`` / ``at the time of the
        report``; a year the analysis infers reads ``2022（推定）`` / ``2022 (inferred)``."""
        row = self.table.loc[indicator_id]
        return period_text(row["period_type"], row["period"], lang, inferred=indicator_id in self.inferred)

    def m(self, metric_id: str, decimals: int = 0, lang: str | None = None) -> str:
        """A derived metric's number, rounded for prose (``lang="zh"``: no thousands separator)."""
        return format_number(self.metric(metric_id), decimals, lang)

    # ------------------------------------------------------------ statements
    def restatement(self, indicator_id: str) -> str | None:
        """The id of the second statement of a figure, if the report states it twice."""
        second = f"{indicator_id}.restated"
        return second if second in self.table.index else None

    def conflict(self, indicator_id: str) -> str | None:
        """The id of a second statement that disagrees with this one, else None."""
        second = self.restatement(indicator_id)
        if second is None:
            return None
        first, other = self.table.loc[indicator_id], self.table.loc[second]
        same = math.isclose(first["value"], other["value"]) and first["unit"] == other["unit"]
        return None if same else second

    def fig_as_stated(self, indicator_id: str, lang: str) -> str:
        """A figure with any conflicting statement beside it: ``78个（另一处称99个）``,
        ``78 stations (elsewhere: 99)``. Never one side of a conflict alone."""
        text = self.fig(indicator_id, lang)
        other = self.conflict(indicator_id)
        if other is None:
            return text
        if lang == "zh":
            return f"{text}（另一处称{self.fig(other, lang)}）"
        return f"{text} (elsewhere: {self.fig(other, lang, with_unit=False)})"

    def statements(self) -> dict[str, int]:
        """Counts of the table's statements: rows, figures stated twice, of which in conflict."""
        twice = [i.removesuffix(".restated") for i in self.table.index if i.endswith(".restated")]
        twice = [i for i in twice if i in self.table.index]
        conflicts = [i for i in twice if self.conflict(i)]
        return {"rows": len(self.table), "sections": int(self.table["section"].nunique()),
                "twice": len(twice), "same": len(twice) - len(conflicts), "conflicts": len(conflicts)}

    def conflicting(self) -> list[str]:
        """Ids of the first statements that a later statement contradicts."""
        return [i for i in self.table.index if not i.endswith(".restated") and self.conflict(i)]

    # ------------------------------------------------------------ any id
    def kind(self, item_id: str) -> str:
        """Which table an id belongs to: "indicator", "metric" or "reference"."""
        for kind, frame in (("indicator", self.table), ("metric", self.metrics), ("reference", self.reference)):
            if item_id in frame.index:
                return kind
        raise KeyError(f"{item_id!r} is neither an indicator, a derived metric nor a reference figure "
                       f"of this data package")

    def item(self, item_id: str, lang: str, decimals: int = 1) -> tuple[str, float, str]:
        """``(name, value, text)`` of an indicator, metric or reference figure, for a chart or table."""
        kind = self.kind(item_id)
        name = "name_zh" if check_lang(lang) == "zh" else "name_en"
        if kind == "indicator":
            return self.table.loc[item_id, name], self.value(item_id), self.fig(item_id, lang)
        if kind == "metric":
            row = self.metrics.loc[item_id]
            return row[name], float(row["value"]), bounded(format_metric(row["value"], row["unit"], lang, decimals,
                                                                          labels=self.units[METRICS][row["unit"]]),
                                                            str(row["bound"]))
        return self.reference.loc[item_id, name], self.ref_value(item_id), self.ref(item_id, lang, True)

    def voice(self, lang: str) -> "Voice":
        """These figures bound to ``lang``, for writing sentences."""
        return Voice(self, lang)


class Voice:
    """The figures of a :class:`Facts` in one language, with short names for f-strings:

    ``f`` a figure as printed (约900户), ``n`` its number only (约900), ``p`` its period in words,
    ``name`` what it counts, ``pct`` a derived share (66.7%), ``m`` a derived number, ``sig`` a
    derived number to significant digits, ``money`` a derived sum in yuan, ``pts`` a difference
    of percentages (11.7个百分点), ``r`` a reference figure, ``both`` a figure with any
    conflicting statement beside it (78个（另一处称99个）).
    """

    def __init__(self, facts: Facts, lang: str):
        self.facts, self.lang = facts, check_lang(lang)

    def f(self, indicator_id: str) -> str:
        return self.facts.fig(indicator_id, self.lang)

    def n(self, indicator_id: str) -> str:
        return self.facts.fig(indicator_id, self.lang, with_unit=False)

    def p(self, indicator_id: str) -> str:
        return self.facts.period(indicator_id, self.lang)

    def name(self, item_id: str) -> str:
        return self.facts.item(item_id, self.lang)[0]

    def both(self, indicator_id: str) -> str:
        return self.facts.fig_as_stated(indicator_id, self.lang)

    def pct(self, metric_id: str, decimals: int = 1) -> str:
        return percent(self.facts.metric(metric_id), decimals)

    def m(self, metric_id: str, decimals: int = 0) -> str:
        return format_number(self.facts.metric(metric_id), decimals, self.lang)

    def sig(self, metric_id: str, digits: int = 3) -> str:
        return format_number(significant(self.facts.metric(metric_id), digits), lang=self.lang)

    def money(self, metric_id: str, digits: int = 3) -> str:
        return money(self.facts.metric(metric_id), self.lang, digits)

    def pts(self, metric_id: str, decimals: int = 1) -> str:
        return points(self.facts.metric(metric_id), self.lang, decimals)

    def r(self, figure_id: str, with_qualifier: bool = False) -> str:
        return self.facts.ref(figure_id, self.lang, with_qualifier)


#: Figures shown on the report's index page, in this order (a figure in conflict shows both statements).
KEY_FIGURES = [
    "eldercare.beds.total",
    "eldercare.beds.nursing",
    "governance.social_work.township_stations",
    "volunteering.registered_volunteers",
    "child_welfare.protection_workstations",
    "social_affairs.lottery.sales",
]


def key_figures(lang: str, data_dir: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """``[(name, formatted figure)]`` for :data:`KEY_FIGURES`, read from the data; a figure the
    report contradicts carries the other statement beside it (``78个（另一处称99个）``)."""
    facts = Facts(data_dir)
    return [(facts.name(i, lang), facts.fig_as_stated(i, lang)) for i in KEY_FIGURES if facts.has(i)]


def key_figure_rows(data_dir: str | os.PathLike | None = None) -> list[dict]:
    """The key figures with their period, in both languages (the display protocol's
    ``key_figures``): ``[{"id", "name": {"zh", "en"}, "value": {"zh", "en"}, "period": {"zh", "en"},
    "href"}]``; an inferred year reads ``2022（推定）`` / ``2022 (inferred)``."""
    facts = Facts(data_dir)
    return [{"id": i,
             "name": {lang: str(facts.name(i, lang)) for lang in ("zh", "en")},
             "value": {lang: facts.fig_as_stated(i, lang) for lang in ("zh", "en")},
             "period": {lang: facts.period(i, lang) for lang in ("zh", "en")},
             "href": f"source.html#{i}"}
            for i in KEY_FIGURES if facts.has(i)]

