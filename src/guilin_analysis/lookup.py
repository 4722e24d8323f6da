"""The figures of one data package by id, formatted for a language.

In: a data package. Out: :class:`Facts`, which loads the indicators, the derived metrics and
the reference figures once and answers ``value``, ``fig`` (as printed, with its qualifier and
unit), ``name``, ``period`` and ``conflict`` by id; and :class:`Voice`, the same figures bound
to one language with short names for sentences in a notebook::

    facts = Facts(data_dir)
    zh, en = facts.voice("zh"), facts.voice("en")
    f"护理型床位{zh.f('eldercare.beds.nursing')}"      # 护理型床位8,913张
    f"{en.n('eldercare.beds.nursing')} nursing beds"   # 8,913 nursing beds

Notebooks, the audit and the report pages all read figures through it, so a figure reads
the same everywhere.
"""
from __future__ import annotations

import math
import os

from .data import INDICATORS, load_indicators, load_reference, unit_labels
from .formatting import (check_lang, format_metric, format_number, format_quantity, money, percent, period_text,
                         points, significant)
from .metrics import derived_metrics

REFERENCE = "reference-figures"


def format_figure(value: float, unit: str, lang: str, qualifier: str = "exact",
                  data_dir: str | os.PathLike | None = None, decimals: int | None = None,
                  with_unit: bool = True, resource: str = INDICATORS, unit_en: str = "") -> str:
    """:func:`~guilin_analysis.formatting.format_quantity` with the unit's English label and
    multiplier read from the data package (``unit_en`` overrides the label)."""
    info = unit_labels(resource, data_dir)[unit]
    return format_quantity(value, unit, lang, qualifier, unit_en=unit_en or info["en"],
                           multiplier=info["multiplier"], decimals=decimals, with_unit=with_unit)


def figure_text(row, lang: str, data_dir: str | os.PathLike | None = None, with_unit: bool = True,
                exact: bool = False) -> str:
    """Format one indicator row (a mapping with value, unit, qualifier, unit_en and quote): the one
    place an indicator is formatted, for sentences (:meth:`Facts.fig`) and tables alike.

    Chinese keeps the report's own form of "more than" where the quote has it: 60余万元.
    ``exact=True`` leaves the qualifier out, for a sentence that states it in its own words.
    """
    qualifier = "exact" if exact else row["qualifier"]
    number = format_number(row["value"])
    if lang == "zh" and qualifier == "more_than" and f"{number}余" in str(row.get("quote", "")).replace(",", ""):
        return f"{number}余{row['unit'] if with_unit else ''}"
    return format_figure(row["value"], row["unit"], lang, qualifier, data_dir,
                         with_unit=with_unit, unit_en=row.get("unit_en", "") or "")


class Facts:
    """Indicators, derived metrics and reference figures of one data package, by id."""

    def __init__(self, data_dir: str | os.PathLike | None = None):
        self.data_dir = data_dir
        self.table = load_indicators(data_dir).set_index("indicator_id")
        self.metrics = derived_metrics(data_dir).set_index("metric_id")
        self.reference = load_reference(REFERENCE, data_dir).set_index("figure_id")
        self.units = {INDICATORS: unit_labels(INDICATORS, data_dir), REFERENCE: unit_labels(REFERENCE, data_dir)}

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
        """A reference figure: ``55%``, or with its qualifier ``不少于55%`` / ``at least 55%``."""
        row = self.reference.loc[figure_id]
        info = self.units[REFERENCE][row["unit"]]
        return format_quantity(row["value"], row["unit"], lang, row["qualifier"] if with_qualifier else "exact",
                               unit_en=info["en"], multiplier=info["multiplier"])

    def period(self, indicator_id: str, lang: str) -> str:
        """The figure's period: ``2022年以来`` / ``since 2022``, ``报道时`` / ``at the time of the report``."""
        row = self.table.loc[indicator_id]
        return period_text(row["period_type"], row["period"], lang)

    def m(self, metric_id: str, decimals: int = 0) -> str:
        """A derived metric's number, rounded for prose."""
        return format_number(self.metric(metric_id), decimals)

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
            return row[name], float(row["value"]), format_metric(row["value"], row["unit"], lang, decimals)
        return self.reference.loc[item_id, name], self.ref_value(item_id), self.ref(item_id, lang, True)

    def voice(self, lang: str) -> "Voice":
        """These figures bound to ``lang``, for writing sentences."""
        return Voice(self, lang)


#: The ids a :class:`Voice` formatted since the log was last drained, in order (a dict as an
#: ordered set, so that it stays as small as the data however long a kernel runs).
_formatted: dict[str, None] = {}


def drain_formatted() -> list[str]:
    """The ids :class:`Voice` objects formatted since the last call, in order; the log is emptied.
    ``say``, ``finding``, the charts and the tables drain it, so each output declares the ids
    formatted into its words (the display protocol's ``ids``)."""
    found = list(_formatted)
    _formatted.clear()
    return found


class Voice:
    """The figures of a :class:`Facts` in one language, with short names for f-strings:

    ``f`` a figure as printed (约900户), ``n`` its number only (约900), ``p`` its period in words,
    ``name`` what it counts, ``pct`` a derived share (66.7%), ``m`` a derived number, ``sig`` a
    derived number to significant digits, ``money`` a derived sum in yuan, ``pts`` a difference
    of percentages (11.7个百分点), ``r`` a reference figure, ``both`` a figure with any
    conflicting statement beside it (78个（另一处称99个）).

    Every id it formats is noted (:func:`drain_formatted`): the next output declares it.
    """

    def __init__(self, facts: Facts, lang: str):
        self.facts, self.lang = facts, check_lang(lang)

    @staticmethod
    def _note(*ids: str | None) -> None:
        for i in ids:
            if i:
                _formatted[i] = None

    def f(self, indicator_id: str) -> str:
        text = self.facts.fig(indicator_id, self.lang)
        self._note(indicator_id)
        return text

    def n(self, indicator_id: str) -> str:
        text = self.facts.fig(indicator_id, self.lang, with_unit=False)
        self._note(indicator_id)
        return text

    def p(self, indicator_id: str) -> str:
        text = self.facts.period(indicator_id, self.lang)
        self._note(indicator_id)
        return text

    def name(self, item_id: str) -> str:
        text = self.facts.item(item_id, self.lang)[0]
        self._note(item_id)
        return text

    def both(self, indicator_id: str) -> str:
        text = self.facts.fig_as_stated(indicator_id, self.lang)
        self._note(indicator_id, self.facts.conflict(indicator_id))
        return text

    def pct(self, metric_id: str, decimals: int = 1) -> str:
        text = percent(self.facts.metric(metric_id), decimals)
        self._note(metric_id)
        return text

    def m(self, metric_id: str, decimals: int = 0) -> str:
        text = format_number(self.facts.metric(metric_id), decimals)
        self._note(metric_id)
        return text

    def sig(self, metric_id: str, digits: int = 3) -> str:
        text = format_number(significant(self.facts.metric(metric_id), digits))
        self._note(metric_id)
        return text

    def money(self, metric_id: str, digits: int = 3) -> str:
        text = money(self.facts.metric(metric_id), self.lang, digits)
        self._note(metric_id)
        return text

    def pts(self, metric_id: str, decimals: int = 1) -> str:
        text = points(self.facts.metric(metric_id), self.lang, decimals)
        self._note(metric_id)
        return text

    def r(self, figure_id: str, with_qualifier: bool = False) -> str:
        text = self.facts.ref(figure_id, self.lang, with_qualifier)
        self._note(figure_id)
        return text


def key_figure_entries(facts: Facts, ids: list[str]) -> tuple[list[dict], list[str]]:
    """The key figures ``ids`` (indicators, in this order) as the display protocol declares them,
    and the ids they show: ``[{"id", "name", "value", "period", "href"}]``, each word in zh and en,
    the value as printed with any conflicting statement beside it (``78个（另一处称99个）``), the
    link to its quote on the source page. An id that is not an indicator is refused."""
    entries, shown = [], []
    for i in ids:
        if facts.kind(i) != "indicator":
            raise ValueError(f"key figure {i!r} is a {facts.kind(i)}, not a figure of the report: "
                             "a key figure links to its quote on the source page")
        entries.append({"id": i,
                        "name": {lang: str(facts.name(i, lang)) for lang in ("zh", "en")},
                        "value": {lang: facts.fig_as_stated(i, lang) for lang in ("zh", "en")},
                        "period": {lang: facts.period(i, lang) for lang in ("zh", "en")},
                        "href": f"source.html#{i}"})
        shown += [i, *([facts.conflict(i)] if facts.conflict(i) else [])]
    return entries, list(dict.fromkeys(shown))


def href(facts: Facts, item_id: str) -> str:
    """Where the site shows an id's provenance: an indicator's quote (``source.html#<id>``), a
    derived metric's row (``data.html#metric-<id>``), a reference figure's citation
    (``data.html#ref-<id>``), by the display protocol."""
    kind = facts.kind(item_id)
    return {"indicator": f"source.html#{item_id}", "metric": f"data.html#metric-{item_id}",
            "reference": f"data.html#ref-{item_id}"}[kind]
