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

At the prompt, the same object answers where a figure comes from: :meth:`Facts.quote` (the
verbatim passage), :meth:`Facts.where` (its line and character in the report text, and the
committed notebooks whose outputs declare it), :meth:`Facts.show` (a small view for JupyterLab:
value, unit, qualifier, period and the quote in its sentence with the figure highlighted) and
:func:`search` (ids, names, quotes and notes that contain a word). An id the package does not
have raises :class:`~guilin_analysis.scenario.UnknownIdError` (a ``KeyError``) naming it and
suggesting the closest ids.

What-if scenarios: ``Facts(data_dir, overrides={"eldercare.beds.nursing": 9500})`` sets figures
to other values (each in its printed unit, see :mod:`~guilin_analysis.scenario`); the derived
metrics and ``audit(facts)`` are computed from them, quotes and the report text stay verbatim,
and ``facts.overrides`` lists each changed id with its transcribed and its scenario value.
"""
from __future__ import annotations

import functools
import html
import json
import math
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .data import INDICATORS, chinese_number, load_indicators, load_reference, load_report_text, unit_labels
from .formatting import (check_lang, format_metric, format_number, format_quantity, money, percent, period_text,
                         points, significant)
from .labels import LABELS, label
from .metrics import DIVISION_IDS, base_values, derived_metrics
from .paths import NOTEBOOKS_DIR
from .provenance import chinese_number, unprinted_years
from .scenario import UnknownIdError, unknown_id

if TYPE_CHECKING:
    import pandas as pd

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


class Override(NamedTuple):
    """One figure of a what-if scenario: its value as transcribed and as the scenario sets it,
    both in the unit the figure is printed in."""

    transcribed: float
    scenario: float


#: What each kind of id is, in a sentence, and the method that reads it.
_KINDS = {"indicator": ("an indicator", "value"), "metric": ("a derived metric", "metric"),
          "reference": ("a reference figure", "ref_value"), "count": ("a division count", "base_value")}


def _known(kind: str):
    """Check a method's first argument before the method runs: an id of ``kind`` ("indicator",
    "metric", "reference", or "any"), else :class:`UnknownIdError` naming it."""
    def wrap(method):
        @functools.wraps(method)
        def checked(self, item_id, *args, **kwargs):
            self.require(item_id, kind)
            return method(self, item_id, *args, **kwargs)
        return checked
    return wrap


class Facts:
    """Indicators, derived metrics and reference figures of one data package, by id.

    ``overrides`` (a what-if scenario, ``{id: value}``, each value in the unit the figure is
    printed in) replaces figures before anything is derived: the metrics and ``audit(facts)``
    follow it; quotes and the report text stay verbatim. See :mod:`~guilin_analysis.scenario`.
    """

    def __init__(self, data_dir: str | os.PathLike | None = None, overrides: dict | None = None):
        self.data_dir = data_dir
        self.table = load_indicators(data_dir).set_index("indicator_id")
        self.reference = load_reference(REFERENCE, data_dir).set_index("figure_id")
        self.metrics = derived_metrics(data_dir, exact=True, overrides=overrides).set_index("metric_id")  # checks them
        transcribed = base_values(data_dir)
        scenario = base_values(data_dir, overrides) if overrides else transcribed
        self.units = {name: unit_labels(name, data_dir) for name in (INDICATORS, REFERENCE, METRICS)}
        self.gaps = load_reference("text-gaps", data_dir)
        self._text = load_report_text(data_dir)
        #: ``{id: years}``: the years a figure's period names that neither its quote nor its
        #: paragraph of the report prints (provenance.unprinted_years), derived, never listed: the
        #: eldercare section lost the sentence that named its year, and the volunteering rates say
        #: only 较2021年. They read 2022年（推定） / 2022 (inferred).
        self.inferred_years = {}
        for i, row in self.table.iterrows():
            years = unprinted_years(str(row["period_type"]), str(row["period"]), str(row["quote"]), self._text)
            if years:
                self.inferred_years[i] = years
        #: The ids whose period names a year the analysis infers.
        self.inferred = set(self.inferred_years)
        #: The counts of the division table the formulas use (``divisions.townships``: 147).
        self.counts = {i: scenario[i] for i in DIVISION_IDS}
        #: ``{id: Override(transcribed, scenario)}``: what this scenario changed (empty: none).
        self.overrides: dict[str, Override] = {}
        for item_id, value in (overrides or {}).items():
            frame = self.table if item_id in self.table.index else \
                self.reference if item_id in self.reference.index else None
            before = transcribed[item_id] if frame is None else float(frame.loc[item_id, "value"])
            if frame is not None:
                frame.loc[item_id, "value"] = float(value)
            self.overrides[item_id] = Override(before, float(value))

    @property
    def scenario(self) -> dict[str, float]:
        """The scenario's values, ``{id: value}``, to pass on: ``key_figures(lang, data_dir, facts.scenario)``."""
        return {i: o.scenario for i, o in self.overrides.items()}

    def __repr__(self) -> str:
        changed = f", overrides={self.scenario!r}" if self.overrides else ""
        return (f"<Facts: {len(self.table)} indicators, {len(self.metrics)} derived metrics, "
                f"{len(self.reference)} reference figures{changed}>")

    # ------------------------------------------------------------ ids
    def ids(self, kind: str = "any") -> list[str]:
        """Every id of ``kind`` ("indicator", "metric", "reference", "count", or "any")."""
        found = {"indicator": list(self.table.index), "metric": list(self.metrics.index),
                 "reference": list(self.reference.index), "count": list(self.counts)}
        if kind == "any":
            return [i for ids in found.values() for i in ids]
        if kind not in found:
            raise ValueError(f"kind must be one of {', '.join(found)} or any, not {kind!r}")
        return found[kind]

    def require(self, item_id: str, kind: str = "any") -> None:
        """Raise :class:`UnknownIdError` unless ``item_id`` is an id of ``kind``; the message names
        the id, and either what it is instead and how to read it, or the closest ids."""
        if kind == "any":
            self.kind(item_id)
            return
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {', '.join(_KINDS)} or any, not {kind!r}")
        if isinstance(item_id, str) and item_id in self._index(kind):
            return
        actual = self._kind_of(item_id)
        if actual:
            what, method = _KINDS[actual]
            raise UnknownIdError(f"{item_id!r} is {what}, not {_KINDS[kind][0]}: read it with "
                                 f"facts.{method}({item_id!r})", str(item_id))
        raise unknown_id(item_id, self.ids(kind), _KINDS[kind][0])

    def _index(self, kind: str):
        return {"indicator": self.table.index, "metric": self.metrics.index,
                "reference": self.reference.index, "count": self.counts}[kind]

    def _kind_of(self, item_id) -> str | None:
        if not isinstance(item_id, str):
            return None
        return next((kind for kind in _KINDS if item_id in self._index(kind)), None)

    # ------------------------------------------------------------ values
    def has(self, *ids: str) -> bool:
        return all(i in self.table.index for i in ids)

    @_known("indicator")
    def value(self, indicator_id: str) -> float:
        """An indicator's value as printed, in its printed unit (110.14 for 110.14万人; under a
        scenario, the scenario's value). :meth:`base_value` gives it in base units."""
        return float(self.table.loc[indicator_id, "value"])

    @_known("metric")
    def metric(self, metric_id: str) -> float:
        return float(self.metrics.loc[metric_id, "value"])

    @_known("reference")
    def ref_value(self, figure_id: str) -> float:
        return float(self.reference.loc[figure_id, "value"])

    @_known("any")
    def base_value(self, item_id: str) -> float:
        """Any id's value in base units (persons, yuan, beds): an indicator or reference figure
        times its unit's multiplier from the package's unit labels (110.14万人 is 1,101,400), a
        derived metric as computed (formulas work in base units), a division count."""
        kind = self.kind(item_id)
        if kind == "metric":
            return self.metric(item_id)
        if kind == "count":
            return float(self.counts[item_id])
        frame, resource = (self.table, INDICATORS) if kind == "indicator" else (self.reference, REFERENCE)
        row = frame.loc[item_id]
        return float(row["value"]) * self.units[resource][row["unit"]]["multiplier"]

    # ------------------------------------------------------------ words
    @_known("indicator")
    def name(self, indicator_id: str, lang: str) -> str:
        return self.table.loc[indicator_id, "name_zh" if check_lang(lang) == "zh" else "name_en"]

    @_known("indicator")
    def unit_en(self, indicator_id: str) -> str:
        """What one unit of the figure counts, in English (``stations`` for 78个社工站)."""
        row = self.table.loc[indicator_id]
        return row["unit_en"] or self.units[INDICATORS][row["unit"]]["en"]

    @_known("indicator")
    def fig(self, indicator_id: str, lang: str, with_unit: bool = True, exact: bool = False) -> str:
        """An indicator as printed, for ``lang``: ``约900户``, ``about 900 households``.

        ``with_unit=False`` leaves the unit out, for a sentence that names it; ``exact=True``
        leaves the qualifier out, for a sentence that states it in its own words.
        """
        return figure_text(self.table.loc[indicator_id], lang, self.data_dir, with_unit, exact)

    def figs(self, ids: list[str], lang: str) -> str:
        """Several indicators as printed, listed the way ``lang`` lists them."""
        return ("、" if lang == "zh" else ", ").join(self.fig(i, lang) for i in ids)

    @_known("reference")
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

    @_known("indicator")
    def period(self, indicator_id: str, lang: str) -> str:
        """The figure's period: ``2022年以来`` / ``since 2022``, ``报道时`` / ``at the time of the
        report``; a year the analysis infers (:attr:`inferred_years`) reads ``2022年（推定）`` /
        ``2022 (inferred)``."""
        row = self.table.loc[indicator_id]
        return period_text(row["period_type"], row["period"], lang, inferred=self.inferred_years.get(indicator_id, ()))

    def m(self, metric_id: str, decimals: int = 0, lang: str | None = None) -> str:
        """A derived metric's number, rounded for prose (``lang="zh"``: no thousands separator)."""
        return format_number(self.metric(metric_id), decimals, lang)

    # ------------------------------------------------------------ statements
    @_known("indicator")
    def restatement(self, indicator_id: str) -> str | None:
        """The id of the second statement of a figure, if the report states it twice."""
        second = f"{indicator_id}.restated"
        return second if second in self.table.index else None

    @_known("indicator")
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
        """Which table an id belongs to: "indicator", "metric", "reference", or "count" (a count
        of the division table, such as ``divisions.townships``)."""
        kind = self._kind_of(item_id)
        if kind is None:
            raise unknown_id(item_id, self.ids(), "an indicator, a derived metric, a reference figure or "
                                                  "a division count")
        return kind

    def item(self, item_id: str, lang: str, decimals: int = 1) -> tuple[str, float, str]:
        """``(name, value, text)`` of an indicator, metric, reference figure or division count,
        for a chart or table."""
        kind = self.kind(item_id)
        name = "name_zh" if check_lang(lang) == "zh" else "name_en"
        if kind == "count":
            return COUNT_NAMES[item_id][lang], self.counts[item_id], format_number(self.counts[item_id])
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

    # ------------------------------------------------------------ provenance at the prompt
    @_known("indicator")
    def quote(self, indicator_id: str) -> str:
        """The indicator's quote, verbatim from the report (a scenario never changes it)."""
        return str(self.table.loc[indicator_id, "quote"])

    @_known("indicator")
    def where(self, indicator_id: str, notebooks_dir: str | os.PathLike | None = None) -> "Where":
        """Where the indicator's quote stands in the report text (line, character, offset; the
        first occurrence, where the source page anchors it) and which committed notebooks use it
        (those whose outputs declare it in their ``guilin_report`` metadata ``ids``)."""
        text, quote, offset = self._locate(indicator_id)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        users = [stem for stem, ids in used_ids(notebooks_dir).items() if indicator_id in ids]
        return Where(indicator_id, quote, line, column, offset, users)

    def _locate(self, indicator_id: str) -> tuple[str, str, int]:
        """``(report text, quote, offset of its first occurrence)``."""
        quote = self.quote(indicator_id)
        offset = self._text.find(quote)
        if offset < 0:             # the loader checks every quote, so only a text changed since gets here
            raise ValueError(f"the quote of {indicator_id!r} ({quote!r}) does not occur in the report text")
        return self._text, quote, offset

    def in_sentence(self, indicator_id: str) -> tuple[str, str, str, str, str]:
        """The quote in its sentence, cut in five: ``(before, quote before the figure, the figure as
        the report prints it, quote after the figure, after)``; joined, they are the sentence."""
        text, quote, start = self._locate(indicator_id)
        end = start + len(quote)
        left = max(text.rfind(c, 0, start) for c in _SENTENCE_ENDS) + 1
        right = end
        if text[end - 1:end] not in _SENTENCE_ENDS:          # else the quote ends its sentence
            right = min([i for i in (text.find(c, end) for c in _SENTENCE_ENDS) if i >= 0] or [len(text)])
            if right < len(text) and text[right] != "\n":
                right += 1                                  # the full stop ends the sentence too
        while right < len(text) and text[right] in "”’）」":
            right += 1
        row = self.table.loc[indicator_id]
        transcribed = self.overrides[indicator_id].transcribed if indicator_id in self.overrides else row["value"]
        span = _figure_span(quote, transcribed, self.units[INDICATORS][row["unit"]]["multiplier"]) or (0, len(quote))
        return (text[left:start].lstrip(), quote[:span[0]], quote[span[0]:span[1]], quote[span[1]:],
                text[end:right].rstrip())

    @_known("any")
    def show(self, item_id: str, lang: str = "zh") -> "View":
        """A small view of any id for JupyterLab (``_repr_html_``, all text escaped) and the
        terminal (``repr``). An indicator shows its figure, value, unit, qualifier, period,
        the quote in its sentence with the figure highlighted, where it stands and which notebooks
        use it; a derived metric its formula, inputs and caveat; a reference figure its citation."""
        check_lang(lang)
        kind = self.kind(item_id)
        name = self.item(item_id, lang)[0]
        rows: list[tuple[str, str, str | None]] = []        # (label, text, html or None for escaped text)
        if kind == "indicator":
            row = self.table.loc[item_id]
            figure = self.fig(item_id, lang)
            if item_id in self.overrides:
                was = figure_text({**row.to_dict(), "value": self.overrides[item_id].transcribed}, lang, self.data_dir)
                figure = _WORDS["scenario"][lang].format(figure, was)
            qualifier = str(row["qualifier"])
            word = label(qualifier, lang) if qualifier in LABELS else ""
            rows += [(label("figure", lang), figure, None),
                     (label("value", lang), format_number(row["value"]), None),
                     (label("unit", lang), f"{row['unit']} ({self.unit_en(item_id)})", None),
                     (label("qualifier", lang), f"{word} ({qualifier})" if word else _WORDS["exact"][lang], None),
                     (label("period", lang), self.period(item_id, lang), None)]
            before, head, number, tail, after = self.in_sentence(item_id)
            sentence = "".join((before, head, number, tail, after))
            rows.append((label("quote", lang), sentence, (
                f"{html.escape(before)}<mark>{html.escape(head)}<strong>{html.escape(number)}</strong>"
                f"{html.escape(tail)}</mark>{html.escape(after)}")))
            other = self.conflict(item_id) or next((i for i in self.table.index
                                                    if i != item_id and self._conflict_quiet(i) == item_id), None)
            if other:
                rows.append((label("conflicts_with", lang), f"{self.fig(other, lang)} ({other})", None))
            place = self.where(item_id)
            rows += [(_WORDS["where"][lang], _WORDS["line"][lang].format(line=place.line, column=place.column), None),
                     (_WORDS["used"][lang], ", ".join(place.notebooks) or _WORDS["unused"][lang], None)]
        elif kind == "metric":
            row = self.metrics.loc[item_id]
            rows += [(label("value", lang), self.item(item_id, lang)[2], None),
                     (label("formula", lang), str(row["formula"]), None),
                     (_WORDS["inputs"][lang], str(row["inputs"]), None),
                     (label("caveat", lang), str(row["caveat_zh" if lang == "zh" else "caveat_en"]), None)]
        elif kind == "reference":
            row = self.reference.loc[item_id]
            figure = self.ref(item_id, lang, True)
            if item_id in self.overrides:
                info = self.units[REFERENCE][row["unit"]]
                was = format_quantity(self.overrides[item_id].transcribed, row["unit"], lang, row["qualifier"],
                                      unit_en=info["en"], multiplier=info["multiplier"])
                figure = _WORDS["scenario"][lang].format(figure, was)
            rows += [(label("figure", lang), figure, None),
                     (label("period", lang), str(row["period"]), None),
                     (label("source", lang), str(row["source_zh" if lang == "zh" else "source"]), None),
                     (label("note", lang), str(row["note_zh" if lang == "zh" else "note"]), None)]
        else:
            figure = format_number(self.counts[item_id])
            if item_id in self.overrides:
                figure = _WORDS["scenario"][lang].format(figure, format_number(self.overrides[item_id].transcribed))
            rows += [(label("value", lang), figure, None), (label("source", lang), _WORDS["count"][lang], None)]
        return View(item_id, str(name), [(k, v, h) for k, v, h in rows if v not in ("", "nan")])

    def _conflict_quiet(self, indicator_id: str) -> str | None:
        return self.conflict(indicator_id) if indicator_id in self.table.index else None

    def search(self, text: str) -> "pd.DataFrame":
        """The ids whose id, Chinese or English name, quote, note in either language (a metric's
        caveats and formula, a reference figure's definition) contain ``text`` (case-insensitive), one row each: ``id``,
        ``kind``, ``name_zh``, ``name_en``, ``value`` (as printed; a metric as computed), ``unit``
        and ``found_in`` (the fields that matched)."""
        import pandas as pd

        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"search takes a word or part of an id, such as '志愿' or 'beds', not {text!r}")
        wanted = text.strip().casefold()
        fields = {"indicator": (self.table, ["name_zh", "name_en", "quote", "note", "note_zh"]),
                  "metric": (self.metrics, ["name_zh", "name_en", "formula", "caveat_zh", "caveat_en"]),
                  "reference": (self.reference, ["name_zh", "name_en", "definition", "definition_zh", "note",
                                                 "note_zh"])}
        rows = []
        for kind, (frame, columns) in fields.items():
            for item_id, row in frame.iterrows():
                found = (["id"] if wanted in item_id.casefold() else []) + \
                        [c for c in columns if c in row and wanted in str(row[c]).casefold()]
                if found:
                    rows.append({"id": item_id, "kind": kind, "name_zh": row["name_zh"], "name_en": row["name_en"],
                                 "value": float(row["value"]), "unit": row["unit"], "found_in": ", ".join(found)})
        for item_id, names in COUNT_NAMES.items():
            found = (["id"] if wanted in item_id.casefold() else []) + \
                    [f"name_{lang}" for lang in ("zh", "en") if wanted in names[lang].casefold()]
            if found:
                rows.append({"id": item_id, "kind": "count", "name_zh": names["zh"], "name_en": names["en"],
                             "value": self.counts[item_id], "unit": "个", "found_in": ", ".join(found)})
        return pd.DataFrame(rows, columns=["id", "kind", "name_zh", "name_en", "value", "unit", "found_in"])


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
        text = format_number(self.facts.metric(metric_id), decimals, self.lang)
        self._note(metric_id)
        return text

    def sig(self, metric_id: str, digits: int = 3) -> str:
        text = format_number(significant(self.facts.metric(metric_id), digits), lang=self.lang)
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


# ---------------------------------------------------------------- provenance at the prompt

#: Names of the division counts (they have no row of their own: ``metrics.base_values`` counts them).
COUNT_NAMES = {
    "divisions.townships": {"zh": "乡镇（街道）数（区划表中名称以镇、乡或街道结尾的行）",
                            "en": "Townships, towns and streets (rows of the division table named 镇, 乡 or 街道)"},
    "divisions.township_rows": {"zh": "乡镇级区划行数（含管委会）",
                                "en": "Township-level rows of the division table (with the management committee)"},
}

_WORDS = {
    "scenario": {"zh": "{}（情景值；报告原文为{}）", "en": "{} (scenario value; the report: {})"},
    "where": {"zh": "原文位置", "en": "Where in the report"},
    "exact": {"zh": "确数（exact）", "en": "exact"},
    "line": {"zh": "第{line}行第{column}字", "en": "line {line}, character {column}"},
    "used": {"zh": "使用的笔记本", "en": "Used in"},
    "unused": {"zh": "已提交的笔记本均未声明使用", "en": "no committed notebook declares it"},
    "inputs": {"zh": "所用数字", "en": "Inputs"},
    "count": {"zh": "乡镇区划表中的计数", "en": "a count of the township division table"},
}

_SENTENCE_ENDS = "。！？\n"
_NUMBER_RUN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万亿]+")


def _figure_span(quote: str, value: float, multiplier: float) -> tuple[int, int] | None:
    """Where the figure stands in its quote: the first number run (Arabic or Chinese) whose value
    is ``value`` or ``value`` times the unit's multiplier (突破亿元 states 1 亿元)."""
    wanted = Decimal(str(float(value)))
    for match in _NUMBER_RUN.finditer(quote):
        run = match.group(0)
        try:
            number = Decimal(run.replace(",", "")) if run[0].isdigit() else Decimal(chinese_number(run))
        except (InvalidOperation, KeyError):
            continue
        if number == wanted or number == wanted * Decimal(str(multiplier)):
            return match.span()
    return None


@dataclass(frozen=True)
class Where:
    """Where a figure stands: its quote's line and character (both from 1) and offset (from 0,
    in characters) in the report text, and the committed notebooks that use it."""

    indicator_id: str
    quote: str
    line: int
    column: int
    offset: int
    notebooks: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        used = ", ".join(self.notebooks) or "no committed notebook"
        return (f"{self.indicator_id}: line {self.line}, character {self.column} of the report text "
                f"(offset {self.offset}); used in {used}")


@dataclass(frozen=True)
class View:
    """A figure for JupyterLab (``_repr_html_``, every text escaped) and the terminal (``repr``)."""

    item_id: str
    name: str
    rows: list[tuple[str, str, str | None]]     # (label, text, html or None: the text, escaped)

    def __repr__(self) -> str:
        width = max([len(k) for k, _, _ in self.rows] or [0])
        return "\n".join([f"{self.item_id}: {self.name}"] + [f"  {k:<{width}}  {v}" for k, v, _ in self.rows])

    def _repr_html_(self) -> str:
        cells = "".join(f'<tr><th style="text-align:left;vertical-align:top;padding-right:1em">{html.escape(k)}</th>'
                        f'<td style="text-align:left">{h if h is not None else html.escape(v)}</td></tr>'
                        for k, v, h in self.rows)
        return (f'<div class="guilin-figure"><p><code>{html.escape(self.item_id)}</code> '
                f'<strong>{html.escape(self.name)}</strong></p><table>{cells}</table></div>')


#: Where the display protocol keeps an output's declarations (guilin_report/protocol.py).
METADATA_KEY = "guilin_report"

_IDS_CACHE: dict[str, tuple[tuple[int, int], list[str]]] = {}


def notebook_ids(notebook) -> list[str]:
    """The ids an executed notebook's outputs declare (``metadata["guilin_report"]["ids"]``, or
    under a mime type, ``metadata["text/markdown"]["guilin_report"]["ids"]``), in order, once each.

    ``notebook`` is a path to an ``.ipynb`` file or the notebook as a dict. A file that is not a
    notebook raises ValueError naming it."""
    if isinstance(notebook, (str, os.PathLike)):
        path = Path(notebook)
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ValueError(f"{path} is not a readable notebook ({type(err).__name__}: {err})") from None
        if not isinstance(notebook, dict):
            raise ValueError(f"{path} is not a notebook (its JSON is not an object)")
    found: dict[str, None] = {}
    for cell in notebook.get("cells", []) if isinstance(notebook.get("cells"), list) else []:
        for output in cell.get("outputs", []) if isinstance(cell, dict) else []:
            meta = output.get("metadata", {}) if isinstance(output, dict) else {}
            if not isinstance(meta, dict):
                continue
            places = [meta.get(METADATA_KEY)] + [m.get(METADATA_KEY) for m in meta.values() if isinstance(m, dict)]
            for place in places:
                ids = place.get("ids") if isinstance(place, dict) else None
                if isinstance(ids, list):
                    found.update({i: None for i in ids if isinstance(i, str)})
    return list(found)


def used_ids(notebooks_dir=None) -> dict[str, list[str]]:
    """``{notebook stem: ids its outputs declare}`` for the committed notebooks of a folder
    (``notebooks/`` by default), read once per version of each file."""
    used = {}
    for path in sorted(Path(NOTEBOOKS_DIR if notebooks_dir is None else notebooks_dir).glob("*.ipynb")):
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        cached = _IDS_CACHE.get(str(path))
        if cached is None or cached[0] != key:
            cached = _IDS_CACHE[str(path)] = (key, notebook_ids(path))
        used[path.stem] = cached[1]
    return used


def search(text: str, data_dir: str | os.PathLike | None = None) -> "pd.DataFrame":
    """The ids whose id, names, quote or note contain ``text``: :meth:`Facts.search` over a data
    package, e.g. ``ga.search("志愿")`` or ``ga.search("beds")``."""
    return Facts(data_dir).search(text)
