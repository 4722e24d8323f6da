"""A figure against a target or benchmark, phrased from what the figure is: exact or a bound.

In: a :class:`~guilin_analysis.lookup.Facts`, the id of the figure (a derived metric, an
indicator or a reference figure) and the id of what it is compared with. Out: a
:class:`Comparison` with the verdict and the words for it in both languages. Every comparison
a notebook states goes through :func:`compare`, so that a bound can only be phrased as a bound:

* an exact value is ``above``, ``below`` or ``level`` with the target, by its difference;
* a lower bound (the true value is at least this) at or above the target is ``above`` (the true
  value is too), but below it is ``cannot_judge``: the true value may lie on either side.
  The 27.2 % of all beds counts only the institutional nursing-type beds, so being below the
  13th plan's 30 % says nothing about the share of all nursing-type beds (无法判断);
* an upper bound below the target is ``below``; at or above it, ``cannot_judge``.

The target's own qualifier says what kind of target it is: ``at_least`` a floor (不低于30%),
``exact`` a level to reach (55% by 2025). A target whose year lies before the figure's is
``lapsed``: the comparison still reads, and the caller says what replaced it.
"""
from __future__ import annotations

from dataclasses import dataclass

from .formatting import check_lang, format_number
from .lookup import Facts

VERDICTS = ("above", "below", "level", "cannot_judge")


@dataclass(frozen=True)
class Comparison:
    """The verdict of one comparison. :meth:`clause` gives its words for a sentence, naming the
    target in the caller's words; ``zh`` and ``en`` are the clause against "the benchmark"."""

    item: str
    target: str
    value: float
    target_value: float
    bound: str
    verdict: str
    difference: float
    lapsed: bool
    unit: str
    decimals: int = 1
    unit_labels: dict | None = None     # {"zh": …, "en": …}: the unit as the data package labels it

    def gap(self, lang: str) -> str:
        """The difference, as a distance: ``11.7个百分点`` / ``11.7 percentage points``; a bound on
        the right side of the target is at least that far (``至少``, ``at least``)."""
        text = _amount(self.unit_labels or {}, self.difference, self.unit, check_lang(lang), self.decimals)
        if self.bound != "exact" and self.verdict in ("above", "below"):
            return ("至少" if lang == "zh" else "at least ") + text
        return text

    def clause(self, lang: str, target: str) -> str:
        """``高于“十四五”目标11.7个百分点`` / ``11.7 percentage points above the target`` (other units:
        ``比全国的29.6张多10.1张``); a bound on
        the wrong side: ``是否达到…无法判断（此值只是下限）`` / ``whether it reaches … cannot be judged
        (this is only a lower bound)``: never "below"."""
        check_lang(lang)
        if self.verdict == "cannot_judge":
            kind = {"lower": ("下限", "lower bound"), "upper": ("上限", "upper bound")}[self.bound]
            return (f"是否达到{target}无法判断（此值只是{kind[0]}）" if lang == "zh"
                    else f"whether it reaches {target} cannot be judged (this is only a {kind[1]})")
        if self.verdict == "level":
            return f"与{target}持平" if lang == "zh" else f"level with {target}"
        if lang == "zh":
            if self.unit == "%":        # 高于目标11.7个百分点
                return f"{'高于' if self.verdict == 'above' else '低于'}{target}{self.gap(lang)}"
            return f"比{target}{'多' if self.verdict == 'above' else '少'}{self.gap(lang)}"   # 比全国的29.6张多10.1张
        return f"{self.gap(lang)} {self.verdict} {target}"

    @property
    def zh(self) -> str:
        return self.clause("zh", "对照值")

    @property
    def en(self) -> str:
        return self.clause("en", "the benchmark")


def _value(facts: Facts, item_id: str) -> float:
    kind = facts.kind(item_id)
    if kind == "metric":
        return facts.metric(item_id)
    if kind == "reference":
        return facts.ref_value(item_id)
    return facts.value(item_id)


def _unit(facts: Facts, item_id: str) -> str:
    kind = facts.kind(item_id)
    frame = {"metric": facts.metrics, "reference": facts.reference, "indicator": facts.table}[kind]
    return str(frame.loc[item_id, "unit"])


def _year(facts: Facts, item_id: str) -> int | None:
    """The latest year a figure is for: a reference figure's period, or the latest period of a
    metric's inputs (the beds of 2022 make a 2022 share)."""
    kind = facts.kind(item_id)
    if kind == "reference":
        return int(facts.reference.loc[item_id, "period"])
    if kind == "indicator":
        period = str(facts.table.loc[item_id, "period"]).split(" vs ")[0]
        return int(period) if period.isdigit() else None
    years = [_year(facts, i) for i in str(facts.metrics.loc[item_id, "inputs"]).split(", ")
             if i and not i.startswith("divisions.")]
    years = [y for y in years if y is not None]
    return max(years) if years else None


def _amount(labels: dict, value: float, unit: str, lang: str, decimals: int) -> str:
    """A difference in the unit of the figures: 11.7个百分点 / 11.7 percentage points."""
    number = format_number(abs(value), decimals, lang)
    if unit == "%":
        return f"{number}个百分点" if lang == "zh" else f"{number} percentage points"
    shown = labels.get(lang, unit)
    if lang == "zh":                    # 10.1张, not 10.1张/千名老年人: the clause names what it is per
        return f"{number}{shown.split('/')[0]}"
    return f"{number} {shown}"


def compare(facts: Facts, item_id: str, target_id: str, decimals: int = 1) -> Comparison:
    """``item_id`` against ``target_id`` (see the module docstring)."""
    value, target = _value(facts, item_id), _value(facts, target_id)
    bound = facts.bound(item_id)
    difference = value - target
    shown = round(difference, decimals)
    if bound == "lower" and difference < 0 or bound == "upper" and difference > 0:
        verdict = "cannot_judge"
    elif shown == 0:
        verdict = "level"
    else:
        verdict = "above" if difference > 0 else "below"
    item_year, target_year = _year(facts, item_id), _year(facts, target_id)
    lapsed = facts.kind(target_id) == "reference" and None not in (item_year, target_year) and target_year < item_year
    unit = _unit(facts, item_id)
    labels = {**facts.units["reference-figures"], **facts.units["metric-definitions"]}.get(unit)
    return Comparison(item_id, target_id, value, target, bound, verdict, difference, lapsed,
                      unit, decimals, labels)
