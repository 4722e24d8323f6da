"""Audit the report against itself and the reference data.

In: a data package. Out: :func:`audit`, a DataFrame with ``check_id``, ``status``
(``consistent``, ``inconsistent``, ``ambiguous`` or ``unverifiable``), ``indicator_ids`` (the
figures involved, comma-separated), ``explanation_zh`` and ``explanation_en``: one sentence or
two saying what was compared and what was found, with every number read from the data.

Three kinds of check:

* restatements: every figure the report states twice (an id ending ``.restated``) is compared
  with its first statement;
* recomputations: every printed share, and every subset or growth relation, is recomputed
  from the other figures and the reference data; a printed share is consistent when the
  recomputed value rounds to it at the printed precision;
* meaning: figures whose reading is unclear (two rates for one subject, a gap in the text,
  an undefined term, a number inside a programme's name, a figure with no exact value).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

import pandas as pd

from .data import chinese_number, load_report_text, unit_labels
from .narrative import Figures, format_number

STATUSES = ("consistent", "inconsistent", "ambiguous", "unverifiable")


@dataclass
class Check:
    check_id: str
    status: str
    indicator_ids: list[str]
    explanation_zh: str
    explanation_en: str

    def row(self) -> dict:
        assert self.status in STATUSES, self.status
        return {"check_id": self.check_id, "status": self.status,
                "indicator_ids": ", ".join(self.indicator_ids),
                "explanation_zh": self.explanation_zh, "explanation_en": self.explanation_en}


class _Context(Figures):
    """:class:`~guilin_analysis.narrative.Figures` with the report text, as one audit reads them."""

    def __init__(self, data_dir):
        super().__init__(data_dir)
        self.text = load_report_text(data_dir)

    def has(self, *ids: str) -> bool:
        return all(i in self.table.index for i in ids)

    def figs(self, ids: list[str], lang: str) -> str:
        """Several indicators as printed, listed the way ``lang`` lists them."""
        return ("、" if lang == "zh" else ", ").join(self.fig(i, lang) for i in ids)


def _decimals(value: float) -> int:
    """Decimals printed: 66 -> 0, 3.5 -> 1, 42.34 -> 2."""
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def rounds_to(recomputed: float, printed: float) -> bool:
    """True when ``recomputed`` rounded (half up) to the printed precision equals ``printed``."""
    step = 10 ** -_decimals(printed)
    return math.isclose(math.floor(recomputed / step + 0.5) * step, printed, abs_tol=step / 1000)


def _pct(value: float) -> str:
    return f"{value:.2f}%"


# ---------------------------------------------------------------- restatements

def _restatements(c: _Context) -> list[Check]:
    checks = []
    for second in [i for i in c.table.index if i.endswith(".restated")]:
        first = second.removesuffix(".restated")
        if first not in c.table.index:
            continue
        same = math.isclose(c.value(first), c.value(second)) and \
            c.table.loc[first, "unit"] == c.table.loc[second, "unit"]
        if same:
            zh = (f"报告两次给出“{c.name(first, 'zh')}”，均为{c.fig(first, 'zh')}，前后一致。")
            en = (f"The report states {c.name(first, 'en').lower()} twice, both times as "
                  f"{c.fig(first, 'en')}: the statements agree.")
        else:
            zh = (f"报告两次给出“{c.name(first, 'zh')}”：先是{c.fig(first, 'zh')}，后是{c.fig(second, 'zh')}，"
                  f"前后矛盾，报告未说明以哪个为准。")
            en = (f"The report states {c.name(first, 'en').lower()} twice: first {c.fig(first, 'en')}, "
                  f"then {c.fig(second, 'en')}; the statements conflict and the report does not say which is right.")
        checks.append(Check(f"restated.{first}", "consistent" if same else "inconsistent",
                            [first, second], zh, en))
    return checks


def _stations_context(c: _Context) -> list[Check]:
    ids = ["governance.social_work.township_stations", "governance.social_work.village_stations",
           "governance.social_work.township_stations.restated", "governance.social_work.services",
           "governance.social_work.services.restated"]
    if not c.has(*ids):
        return []
    township, village, restated = (c.value(i) for i in ids[:3])
    both = township + village
    status = "consistent" if math.isclose(both, restated) else "inconsistent"
    services = c.fig("governance.social_work.services", "zh"), c.fig("governance.social_work.services", "en")
    zh = (f"同一服务量（{services[0]}）先对应{format_number(township)}个乡镇（街道）社工站加"
          f"{format_number(village)}个村（社区）社工站（合计{format_number(both)}个），后对应"
          f"{format_number(restated)}个乡镇（街道）社工站；两种站数{'一致' if status == 'consistent' else '不一致'}。")
    en = (f"The same {services[1]} are attributed first to {format_number(township)} township and "
          f"{format_number(village)} village stations ({format_number(both)} in all), then to "
          f"{format_number(restated)} township stations; the station counts "
          f"{'agree' if status == 'consistent' else 'do not agree, even counting village stations'}.")
    return [Check("governance.social_work.stations_for_same_services", status, ids, zh, en)]


# ---------------------------------------------------------------- recomputations

def _printed_share(c: _Context, check_id: str, printed_id: str,
                   readings: list[tuple[str, str, str]]) -> list[Check]:
    """Compare a printed share with each reading ``(metric_id, zh description, en description)``."""
    if not c.has(printed_id):
        return []
    printed = c.value(printed_id)
    results = [(m, zh, en, c.metric(m), rounds_to(c.metric(m), printed)) for m, zh, en in readings]
    matching = [r for r in results if r[4]]
    parts_zh = "；".join(f"{zh}为{_pct(v)}（{'相符' if ok else '不符'}）" for _, zh, _, v, ok in results)
    parts_en = "; ".join(f"{en} gives {_pct(v)} ({'matches' if ok else 'does not match'})"
                         for _, _, en, v, ok in results)
    inputs = sorted({i for m, *_ in results for i in c.metrics.loc[m, "inputs"].split(", ")
                     if i in c.table.index} | {printed_id})
    if matching:
        status = "consistent"
        verdict_zh, verdict_en = "按四舍五入，报告的数字可以复核。", "The printed figure is reproduced when rounded."
    else:
        status = "inconsistent"
        best = results[0][3]
        truncated = math.floor(best * 10 ** _decimals(printed)) / 10 ** _decimals(printed)
        verdict_zh = (f"四舍五入应为{format_number(round(best, _decimals(printed)))}%，"
                      f"{'报告的数字是截尾而非四舍五入的结果' if math.isclose(truncated, printed) else '报告的数字无法复核'}。")
        verdict_en = (f"Rounded, it would be {format_number(round(best, _decimals(printed)))}%; "
                      f"{'the printed figure is truncated, not rounded' if math.isclose(truncated, printed) else 'the printed figure cannot be reproduced'}.")
    zh = f"报告称{c.name(printed_id, 'zh')}为{c.fig(printed_id, 'zh')}。重算：{parts_zh}。{verdict_zh}"
    en = f"The report prints {c.name(printed_id, 'en').lower()} as {c.fig(printed_id, 'en')}. Recomputed: {parts_en}. {verdict_en}"
    return [Check(check_id, status, inputs, zh, en)]


def _subsets(c: _Context) -> list[Check]:
    checks = []
    pairs = [("eldercare.beds.nursing", "eldercare.beds.institutional"),
             ("eldercare.beds.institutional", "eldercare.beds.total"),
             ("eldercare.home_care.health_records", "eldercare.home_care.contracted_elders")]
    for part, whole in pairs:
        if not c.has(part, whole):
            continue
        ok = c.value(part) <= c.value(whole)
        zh = (f"{c.name(part, 'zh')}（{c.fig(part, 'zh')}）{'不超过' if ok else '超过了'}"
              f"{c.name(whole, 'zh')}（{c.fig(whole, 'zh')}），{'符合' if ok else '不符合'}包含关系。")
        en = (f"{c.name(part, 'en')} ({c.fig(part, 'en')}) {'do not exceed' if ok else 'exceed'} "
              f"{c.name(whole, 'en').lower()} ({c.fig(whole, 'en')}), "
              f"{'as a part should' if ok else 'which a part cannot'}.")
        checks.append(Check(f"subset.{part}.of.{whole}", "consistent" if ok else "inconsistent",
                            [part, whole], zh, en))
    return checks


def _growth(c: _Context) -> list[Check]:
    ids = ["eldercare.beds.total", "eldercare.beds.total_growth"]
    if not c.has(*ids):
        return []
    mid, low, high = (c.metric(f"eldercare.beds_2021_implied{s}") for s in ("", "_low", "_high"))
    zh = (f"{c.fig(ids[0], 'zh')}较2021年增长{c.fig(ids[1], 'zh')}，意味着2021年约有{format_number(mid, 0)}张"
          f"（按增长率的印刷精度，在{format_number(low, 0)}至{format_number(high, 0)}张之间）；"
          f"报告没有给出2021年的数字，无法核对。")
    en = (f"{c.fig(ids[0], 'en')} after growth of {c.fig(ids[1], 'en')} imply about {format_number(mid, 0)} beds "
          f"in 2021 (between {format_number(low, 0)} and {format_number(high, 0)} given the rounding of the rate); "
          f"the report gives no 2021 figure to check this against.")
    return [Check("eldercare.beds.growth_base", "unverifiable", ids, zh, en)]


def _full_coverage(c: _Context) -> list[Check]:
    ids = ["governance.public_health_committees.coverage", "governance.public_health_committees.villages",
           "governance.public_health_committees.communities"]
    if not c.has(*ids):
        return []
    total = c.metric("governance.villages_and_communities")
    zh = (f"报告称{c.fig(ids[1], 'zh')}行政村、{c.fig(ids[2], 'zh')}社区{c.fig(ids[0], 'zh')}建立了公共卫生委员会，"
          f"即{format_number(total)}个，但没有给出委员会的数量，也没有可对照的参考数据。")
    en = (f"The report says {c.fig(ids[0], 'en')} of {format_number(c.value(ids[1]))} villages and "
          f"{format_number(c.value(ids[2]))} communities ({format_number(total)} in all) have a public-health "
          f"committee, but gives no count of committees, and no reference data can confirm it.")
    return [Check("governance.public_health_committees.full_coverage", "unverifiable", ids, zh, en)]


def _lower_bounds(c: _Context) -> list[Check]:
    checks = []
    for i in c.table.index[c.table["qualifier"] == "more_than"]:
        # 以上 ("or more") states a criterion such as a household threshold, not an inexact figure
        if i.endswith(".restated") or "以上" in c.table.loc[i, "quote"]:
            continue
        zh = f"“{c.name(i, 'zh')}”只给出下限（{c.fig(i, 'zh')}），确切数字无法核对。"
        en = f"{c.name(i, 'en')} is given only as a lower bound ({c.fig(i, 'en')}); the exact figure cannot be checked."
        checks.append(Check(f"lower_bound.{i}", "unverifiable", [i], zh, en))
    return checks


# ---------------------------------------------------------------- meaning

def _shared_quotes(c: _Context) -> list[Check]:
    """Several figures from one quote with 分别 (respectively) but fewer subjects than figures."""
    checks = []
    for quote, group in c.table.groupby("quote"):
        if len(group) < 2 or "分别" not in quote:
            continue
        ids = list(group.index)
        zh = (f"原文用“分别”列出{len(ids)}个数字（{c.figs(ids, 'zh')}），却只有一个主语，"
              f"其余数字指的是什么无法确定。")
        en = (f"The sentence lists {len(ids)} figures ({c.figs(ids, 'en')}) \"respectively\" but names only one "
              f"subject, so what the others measure cannot be known.")
        checks.append(Check(f"respectively.{ids[0].rsplit('.', 1)[0]}", "ambiguous", ids, zh, en))
    return checks


def _text_gaps(c: _Context) -> list[Check]:
    """Paragraphs that open with a bare unit (\"万元，…\"): a number was lost before them."""
    checks = []
    paragraphs = [p.strip() for p in c.text.split("\n") if p.strip()]
    units = sorted(set(c.table["unit"]) - {"%"}, key=len, reverse=True)
    for n, para in enumerate(paragraphs[1:], 1):
        unit = next((u for u in units if para.startswith(u + "，")), None)
        if unit is None:
            continue
        before = paragraphs[n - 1]
        ids = [i for i in c.table.index if c.table.loc[i, "quote"] in before and c.table.loc[i, "unit"] == unit]
        zh = (f"一个段落以孤立的“{unit}，”开头，前一段最后的数字是{c.figs(ids, 'zh')}：原文在此处可能缺失了一句或一个数字，"
              f"前后的数字可能原本属于同一句。")
        en = (f"A paragraph opens with a stray unit \"{unit}\" ({unit_labels(data_dir=c.data_dir)[unit]['en']}) "
              f"right after a paragraph ending with {c.figs(ids, 'en')}: "
              f"text or a number seems lost in publication, so the figures around the gap may belong together.")
        checks.append(Check(f"text_gap.paragraph_{n + 1}", "ambiguous", ids, zh, en))
    return checks


def _undefined_terms(c: _Context) -> list[Check]:
    ids = [i for i in c.table.index
           if "高龄" in c.table.loc[i, "quote"] or "高龄" in c.table.loc[i, "note"]]
    if not ids:
        return []
    figs_zh = "、".join(f"{c.name(i, 'zh')}{c.fig(i, 'zh')}" for i in ids)
    figs_en = "; ".join(f"{c.name(i, 'en').lower()}: {c.fig(i, 'en')}" for i in ids)
    zh = f"{figs_zh}都涉及“高龄”，而报告没有定义年龄界限（通常指80岁以上），无法与人口数据对照。"
    en = (f"These figures rest on the term \"very old\" (高龄), an age the report does not define "
          f"(usually 80+), so they cannot be set against population data: {figs_en}.")
    return [Check("eldercare.undefined_very_old", "ambiguous", ids, zh, en)]


def _programme_name(c: _Context) -> list[Check]:
    ids = ["eldercare.demonstration.institutions", "eldercare.demonstration.street_centres",
           "eldercare.demonstration.township_centres"]
    name = re.search("“(三个([一二三四五六七八九十百千]+)示范工程)”", c.text)
    if name is None or not c.has(*ids):
        return []
    target = format_number(chinese_number(name.group(2)))
    total = c.metric("eldercare.demonstration_units_total")
    parts = [format_number(c.value(i)) for i in ids]
    zh = (f"“{name.group(1)}”的名称像是三类各{target}个的目标，但报告只列出{'、'.join(parts)}个"
          f"（合计{format_number(total)}个），没有说明目标、期限或完成进度。")
    en = (f"The model project's name ({name.group(1)}) reads like a target of {target} units in each of three kinds, "
          f"but the report lists {', '.join(parts)} ({format_number(total)} in all) and states no target, "
          f"deadline or progress.")
    return [Check("eldercare.three_hundreds_programme", "ambiguous", ids, zh, en)]


def _period(c: _Context) -> list[Check]:
    ids = [i for i in c.table.index if "先后" in c.table.loc[i, "quote"]]
    return [Check(f"period.{i}", "ambiguous", [i],
                  f"“{c.name(i, 'zh')}”（{c.fig(i, 'zh')}）以“先后”计，没有说明时间范围，表中的{c.table.loc[i, 'period']}年是推定。",
                  f"{c.name(i, 'en')} ({c.fig(i, 'en')}) is counted \"on successive occasions\" with no time span; "
                  f"the period {c.table.loc[i, 'period']} in the table is an assumption.")
            for i in ids]


def audit(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every consistency check of the report (see the module docstring), one row per check."""
    c = _Context(data_dir)
    checks = [
        *_restatements(c),
        *_stations_context(c),
        *_printed_share(c, "eldercare.beds.nursing_share_recomputed", "eldercare.beds.nursing_share", [
            ("eldercare.nursing_share_of_institutional_beds", "以养老机构床位为分母", "over institutional beds"),
            ("eldercare.nursing_share_of_all_beds", "以全部养老服务床位为分母", "over all eldercare beds")]),
        *_printed_share(c, "child_welfare.protection_workstations.share_recomputed",
                        "child_welfare.protection_workstations.share", [
            ("child_welfare.protection_workstation_coverage", "以147个乡镇（街道）为分母",
             "over the 147 townships and streets"),
            ("child_welfare.protection_workstation_coverage_all_rows", "以148个乡镇级单位（含管委会）为分母",
             "over all 148 township-level rows")]),
        *_subsets(c),
        *_growth(c),
        *_full_coverage(c),
        *_lower_bounds(c),
        *_shared_quotes(c),
        *_text_gaps(c),
        *_undefined_terms(c),
        *_programme_name(c),
        *_period(c),
    ]
    return pd.DataFrame([check.row() for check in checks],
                        columns=["check_id", "status", "indicator_ids", "explanation_zh", "explanation_en"])
