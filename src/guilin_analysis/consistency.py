"""Audit the report against itself and the reference data.

In: a data package. Out: :func:`audit`, a DataFrame with ``check_id``, ``status``
(``consistent``, ``inconsistent``, ``ambiguous`` or ``unverifiable``), ``indicator_ids`` (the
figures involved, comma-separated), ``explanation_zh`` and ``explanation_en``: one sentence or
two saying what was compared and what was found, with every number read from the data.

Three kinds of check:

* restatements: every figure the report states twice (an id ending ``.restated``) is compared
  with its first statement;
* recomputations: every printed share, and every subset or growth relation the text states,
  is recomputed from the other figures and the reference data;
* meaning: figures whose reading is unclear (two rates for one subject, an undefined term, a
  number inside a programme's name, a figure with no exact value or no period), and every
  place where text was lost in publication (``source/text-gaps.csv``).

The rule for a printed share (:func:`printed_matches`): the report prints shares to some
number of decimals, and may round or truncate. A printed share is ``consistent`` with a
recomputed reading when the reading, rounded half up *or* truncated to the printed decimals,
gives the printed figure; the explanation says which convention matched. A difference that
rounding or truncation explains is never called a contradiction; only a printed share that no
reading reproduces either way is ``inconsistent``.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass

import pandas as pd

from .data import chinese_number, load_reference, load_report_text
from .formatting import check_lang, format_number, quote_zh
from .labels import label
from .lookup import Facts

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


class _Context(Facts):
    """:class:`~guilin_analysis.lookup.Facts` with the report text and its known gaps."""

    def __init__(self, data_dir, overrides=None):
        super().__init__(data_dir, overrides)
        self.text = load_report_text(data_dir)
        self.gaps = load_reference("text-gaps", data_dir)


def _decimals(value: float) -> int:
    """Decimals printed: 66 -> 0, 3.5 -> 1, 42.34 -> 2."""
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def rounds_to(recomputed: float, printed: float) -> bool:
    """True when ``recomputed`` rounded (half up) to the printed precision equals ``printed``."""
    step = 10 ** -_decimals(printed)
    return math.isclose(math.floor(recomputed / step + 0.5) * step, printed, abs_tol=step / 1000)


def truncates_to(recomputed: float, printed: float) -> bool:
    """True when ``recomputed`` cut (toward zero) at the printed precision equals ``printed``."""
    step = 10 ** -_decimals(printed)
    return math.isclose(math.trunc(recomputed / step + 1e-9) * step, printed, abs_tol=step / 1000)


def printed_matches(recomputed: float, printed: float) -> str | None:
    """Which convention reproduces a printed share: "rounded", "truncated", or None."""
    if rounds_to(recomputed, printed):
        return "rounded"
    if truncates_to(recomputed, printed):
        return "truncated"
    return None


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
            zh = (f"报告两次给出{quote_zh(c.name(first, 'zh'))}，均为{c.fig(first, 'zh')}，前后一致。")
            en = (f"The report gives the {c.name(first, 'en').lower()} twice, both times as "
                  f"{c.fig(first, 'en')}: the statements agree.")
        else:
            zh = (f"报告两次给出{quote_zh(c.name(first, 'zh'))}：先是{c.fig(first, 'zh')}，后是{c.fig(second, 'zh')}，"
                  f"前后矛盾，报告未说明以哪个为准。")
            en = (f"The report gives the {c.name(first, 'en').lower()} twice: first {c.fig(first, 'en')}, "
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

_CONVENTION = {"rounded": ("四舍五入后相符", "matches when rounded"),
               "truncated": ("截尾（舍去小数）后相符", "matches when truncated"),
               None: ("四舍五入或截尾均不相符", "matches neither rounded nor truncated")}


def _printed_share(c: _Context, check_id: str, printed_id: str,
                   readings: list[tuple[str, str, str]]) -> list[Check]:
    """Compare a printed share with each reading ``(metric_id, zh description, en description)``
    under the rule of :func:`printed_matches`."""
    if not c.has(printed_id):
        return []
    printed = c.value(printed_id)
    results = [(zh, en, c.metric(m), printed_matches(c.metric(m), printed)) for m, zh, en in readings]
    parts_zh = "；".join(f"{zh}，重算为{_pct(v)}，{_CONVENTION[how][0]}" for zh, _, v, how in results)
    parts_en = "; ".join(f"{en} gives {_pct(v)}, which {_CONVENTION[how][1]}" for _, en, v, how in results)
    inputs = sorted({i for m, *_ in readings for i in c.metrics.loc[m, "inputs"].split(", ")
                     if i in c.table.index} | {printed_id})
    matching = [r for r in results if r[3]]
    if not matching:
        status = "inconsistent"
        verdict_zh, verdict_en = "没有一种读法能复核报告的数字。", "No reading reproduces the printed figure."
    elif len(matching) == 1:
        status = "consistent"
        verdict_zh = f"报告的数字可以复核（{matching[0][0]}），分母很可能是此读法。"
        verdict_en = f"The printed figure is reproduced ({matching[0][1]}), so this is the likely denominator."
    else:
        status = "consistent"
        verdict_zh = "报告的数字可以复核，但几种读法都相符，无法确定报告用的是哪个分母。"
        verdict_en = "The printed figure is reproduced, but by more than one reading, so its denominator stays open."
    zh = f"报告称{c.name(printed_id, 'zh')}为{c.fig(printed_id, 'zh')}。重算：{parts_zh}。{verdict_zh}"
    en = f"The report puts the {c.name(printed_id, 'en').lower()} at {c.fig(printed_id, 'en')}. Recomputed: {parts_en}. {verdict_en}"
    return [Check(check_id, status, inputs, zh, en)]


def _subsets(c: _Context) -> list[Check]:
    checks = []
    # (part, whole, stated): "其中" states that nursing beds are part of the institutional beds; that
    # institutional beds are part of all eldercare beds is only a reading (the metrics' caveat says so)
    pairs = [("eldercare.beds.nursing", "eldercare.beds.institutional", True),
             ("eldercare.beds.institutional", "eldercare.beds.total", False)]
    for part, whole, stated in pairs:
        if not c.has(part, whole):
            continue
        ok = c.value(part) <= c.value(whole)
        relation_zh = "符合包含关系" if stated else "与“前者包含在后者之内”的读法不矛盾（报告未明说）"
        relation_en = "as a part should" if stated else \
            "compatible with reading the first as part of the second, which the report does not state"
        zh = (f"{c.name(part, 'zh')}（{c.fig(part, 'zh')}）{'不超过' if ok else '超过了'}"
              f"{c.name(whole, 'zh')}（{c.fig(whole, 'zh')}），{relation_zh if ok else '不符合包含关系'}。")
        en = (f"{c.name(part, 'en')} ({c.fig(part, 'en')}) {'do not exceed' if ok else 'exceed'} "
              f"{c.name(whole, 'en').lower()} ({c.fig(whole, 'en')}), "
              f"{relation_en if ok else 'which a part cannot'}.")
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
    zh = (f"报告称{c.fig(ids[1], 'zh')}行政村、{c.fig(ids[2], 'zh')}社区（合计{format_number(total)}个村、社区）"
          f"{c.fig(ids[0], 'zh')}建立了公共卫生委员会，但没有给出委员会的数量，也没有可对照的参考数据。")
    en = (f"The report says {c.fig(ids[0], 'en')} of {format_number(c.value(ids[1]))} villages and "
          f"{format_number(c.value(ids[2]))} communities ({format_number(total)} in all) have a public-health "
          f"committee, but gives no count of committees, and no reference data can confirm it.")
    return [Check("governance.public_health_committees.full_coverage", "unverifiable", ids, zh, en)]


def _lower_bounds(c: _Context) -> list[Check]:
    """Figures given only as "more than" (余, 超过, 突破). Figures qualified "at least" (以上) are
    thresholds in this report (50户以上自然村), criteria rather than inexact counts."""
    checks = []
    for i in c.table.index[c.table["qualifier"] == "more_than"]:
        if i.endswith(".restated"):
            continue
        zh = f"{quote_zh(c.name(i, 'zh'))}只给出下限（{c.fig(i, 'zh')}），确切数字无法核对。"
        en = f"{c.name(i, 'en')}: given only as a lower bound ({c.fig(i, 'en')}); the exact figure cannot be checked."
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
              f"各个数字指的是什么无法确定。")
        en = (f"The sentence lists {len(ids)} figures ({c.figs(ids, 'en')}) \"respectively\" but names only one "
              f"subject, so which quantity each figure measures is unclear.")
        checks.append(Check(f"respectively.{ids[0].rsplit('.', 1)[0]}", "ambiguous", ids, zh, en))
    return checks


def _text_gaps(c: _Context) -> list[Check]:
    """Every place where text was lost in publication (``source/text-gaps.csv``), with the
    figures it affects; an anchor no longer in the text is reported as such, never dropped."""
    checks = []
    for gap in c.gaps.itertuples(index=False):
        ids = [i for i in gap.indicator_ids.split(", ") if i and c.has(i)]
        found = gap.anchor in c.text
        zh, en = gap.note_zh, gap.note_en
        if ids:
            zh += f"涉及的数字：{c.figs(ids, 'zh')}。"
            en += f" Figures affected: {c.figs(ids, 'en')}."
        if not found:
            zh, en = f"缺口标记“{gap.anchor}”不在报告文本中。", f"The gap's anchor \"{gap.anchor}\" is not in the report text."
        checks.append(Check(f"text_gap.{gap.gap_id}", "ambiguous", ids, zh, en))
    return checks


def _undefined_terms(c: _Context) -> list[Check]:
    ids = [i for i in c.table.index
           if "高龄" in c.table.loc[i, "quote"] or "高龄" in c.table.loc[i, "note"]]
    if not ids:
        return []
    figs_zh = "和".join(f"{c.name(i, 'zh')}（{c.fig(i, 'zh')}）" for i in ids)
    figs_en = "; ".join(f"{c.name(i, 'en').lower()}: {c.fig(i, 'en')}" for i in ids)
    zh = f"{figs_zh}的对象都包括“高龄”老人，但报告没有界定年龄（通常指80岁以上），无法与人口数据对照。"
    en = (f"These figures count, among others, people described as \"very old\" (高龄), an age the report "
          f"does not define (usually 80+), so they cannot be set against population data: {figs_en}.")
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
    """Figures counted "on successive occasions" (先后), with no time span."""
    ids = [i for i in c.table.index if "先后" in c.table.loc[i, "quote"]]
    return [Check(f"period.{i}", "ambiguous", [i],
                  f"{quote_zh(c.name(i, 'zh'))}（{c.fig(i, 'zh')}）以“先后”计，报告没有说明时间范围，表中记为{c.period(i, 'zh')}。",
                  f"{c.name(i, 'en')} ({c.fig(i, 'en')}) is counted \"on successive occasions\" with no time span; "
                  f"the table records it as {c.period(i, 'en')}.")
            for i in ids]


def distinct_conflicts(indicator_ids) -> int:
    """How many separate conflicts a set of inconsistent checks shows: checks that share a
    figure belong to one conflict (78 vs 99 stations appears in two checks)."""
    groups: list[set[str]] = []
    for ids in indicator_ids:
        ids = set(ids.split(", "))
        joined = [g for g in groups if g & ids]
        groups = [g for g in groups if not g & ids] + [ids.union(*joined)]
    return len(groups)


def summary(checks: pd.DataFrame, lang: str) -> str:
    """The audit in a few lines of Markdown: how many checks of each status, how many separate
    conflicts, and each inconsistency in full."""
    counts = checks["status"].value_counts()
    inconsistent = checks[checks["status"] == "inconsistent"]
    conflicts = distinct_conflicts(inconsistent["indicator_ids"])
    if check_lang(lang) == "zh":
        head = f"共{len(checks)}项核对：" + "，".join(f"{int(counts.get(s, 0))}项{label('audit_' + s, lang)}"
                                                 for s in STATUSES) + "。"
        if conflicts < len(inconsistent):
            head += f"{len(inconsistent)}项不一致源于{conflicts}处矛盾。"
        lead = "不一致之处："
    else:
        head = f"{len(checks)} checks: " + ", ".join(f"{int(counts.get(s, 0))} {label('audit_' + s, lang)}"
                                                   for s in STATUSES) + "."
        if conflicts < len(inconsistent):
            head += (f" The {len(inconsistent)} inconsistent checks come from {conflicts} underlying "
                     f"conflict{'s' if conflicts > 1 else ''}.")
        lead = "Where the report disagrees with itself:"
    text = "explanation_zh" if lang == "zh" else "explanation_en"
    bullets = "\n".join(f"- {t}" for t in inconsistent[text])
    return f"{head}\n\n{lead}\n\n{bullets}" if bullets else head


def audit(data_dir: str | os.PathLike | Facts | None = None, overrides: dict | None = None) -> pd.DataFrame:
    """Every consistency check of the report (see the module docstring), one row per check.

    Under a what-if scenario, the checks read its figures: ``audit(facts)`` for a
    :class:`~guilin_analysis.lookup.Facts` made with overrides, or ``audit(data_dir, overrides)``."""
    if isinstance(data_dir, Facts):
        data_dir, overrides = data_dir.data_dir, {**data_dir.scenario, **(overrides or {})}
    c = _Context(data_dir, overrides)
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
