"""Charts: each function takes the tidy frames and a language and returns a matplotlib Figure.

In: ``load_indicators()``, ``derived_metrics()``, ``load_reference("reference-figures")``
or ``audit()`` frames, and ``lang`` ("zh" or "en"). Out: a Figure drawn in the project style
(:mod:`guilin_analysis.style`: Noto Sans CJK SC for Chinese, DejaVu Sans for Latin, the
Okabe–Ito palette), with title, axis labels and bar labels in the chosen language. Nothing is
shown or saved here: a notebook displays the Figure, a test inspects it.
"""
from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure

from .labels import label
from .formatting import escape_mathtext, format_number
from .lookup import format_figure
from .style import PALETTE, chart_style

TITLES = {
    "section_counts": {"zh": "报告中各板块的数字个数", "en": "Figures stated in the report, by section"},
    "beds": {"zh": "养老服务床位构成（2022年）", "en": "Eldercare beds in 2022"},
    "nursing_share": {"zh": "护理型床位占比：各读法与同口径的国家指标", "en": "Nursing-bed share: each reading and its like-for-like benchmark"},
    "beds_per_older": {"zh": "每百名60岁以上老人养老服务床位", "en": "Eldercare beds per 100 residents aged 60+"},
    "stations": {"zh": "乡镇（街道）社工站：报告的两个数字", "en": "Township social-work stations: the report's two counts"},
    "coverage": {"zh": "覆盖率（%）", "en": "Coverage (%)"},
    "home_care": {"zh": "居家养老政府购买服务（2022年以来）", "en": "Government-purchased home care since 2022"},
    "volunteering": {"zh": "志愿服务规模", "en": "Volunteering in numbers"},
    "growth": {"zh": "较2021年的增长率（主语不明）", "en": "Growth on 2021 (subject unclear)"},
    "money": {"zh": "报告提到的资金（万元）", "en": "Money named in the report (million yuan)"},
    "audit": {"zh": "报告自洽性核对结果", "en": "Consistency checks of the report"},
}
AXES = {
    "beds": {"zh": "床位（张）", "en": "Beds"},
    "percent": {"zh": "%", "en": "%"},
    "count": {"zh": "数量", "en": "Count"},
    "stations": {"zh": "个", "en": "Stations or units"},
    "money": {"zh": "万元", "en": "Million yuan"},
    "checks": {"zh": "核对项数", "en": "Checks"},
    "per_100": {"zh": "张/百人", "en": "Beds per 100 aged 60+"},
    "growth": {"zh": "增长率（%）", "en": "Growth (%)"},
}
BAR_LABELS = {
    "outside_institutions": {"zh": "机构以外床位（推算）", "en": "Beds outside institutions (derived)"},
    "printed": {"zh": "报告称（未说明分母）", "en": "Printed in the report (denominator not named)"},
    "recomputed": {"zh": "桂林：护理型/机构床位", "en": "Guilin: nursing / institutional beds"},
    "target_2025": {"zh": "“十四五”目标（2025年）：护理型/机构床位", "en": "14th plan target (2025): nursing / institutional beds"},
    "of_all_beds": {"zh": "桂林：护理型/全部养老床位", "en": "Guilin: nursing / all eldercare beds"},
    "benchmark_2020": {"zh": "“十三五”基准（2020年）：护理型/全部养老床位", "en": "13th plan benchmark (2020): nursing / all eldercare beds"},
    "guilin_estimate": {"zh": "桂林（估算）", "en": "Guilin (estimate)"},
    "china": {"zh": "全国", "en": "China"},
    "statement_1": {"zh": "第一次表述", "en": "First statement"},
    "statement_2": {"zh": "第二次表述", "en": "Second statement"},
    "township_units": {"zh": "全市乡镇级单位", "en": "Township-level units"},
    "first_rate": {"zh": "第一个增长率", "en": "First rate"},
    "second_rate": {"zh": "第二个增长率", "en": "Second rate"},
}


def _t(table: dict, key: str, lang: str) -> str:
    label("report_title", lang)  # validates lang
    return table[key][lang]


def _name(frame: pd.DataFrame, item_id: str, lang: str, key: str = "indicator_id") -> str:
    """A name from the data, made inert for matplotlib (where ``$`` starts math)."""
    row = frame.loc[frame[key] == item_id].iloc[0]
    return escape_mathtext(row["name_zh"] if lang == "zh" else row["name_en"])


def _value(frame: pd.DataFrame, item_id: str, key: str = "indicator_id") -> float:
    return float(frame.loc[frame[key] == item_id, "value"].iloc[0])


def _wrap(name: str, lang: str) -> str:
    """Break a long category name over lines (14 characters a line in Chinese, 28 in English)."""
    return "\n".join(textwrap.wrap(name, 14 if lang == "zh" else 28)) or name


def _hbar(lang: str, title: str, xlabel: str, names: list[str], values: list[float],
          texts: list[str], colors: list[str] | None = None) -> Figure:
    """A horizontal bar chart, first item on top, each bar labelled with its value."""
    names = [_wrap(n, lang) for n in names]
    lines = sum(n.count("\n") + 1 for n in names)
    with chart_style(lang):
        fig = Figure(figsize=(8, 0.22 * lines + 0.28 * len(names) + 1.3))
        ax = fig.subplots()
        ypos = list(range(len(names)))[::-1]
        bars = ax.barh(ypos, values, color=colors or PALETTE[0])
        ax.set_yticks(ypos, names)
        ax.bar_label(bars, labels=texts, padding=3)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        ax.set_xlim(0, max(values) * 1.35 if max(values) > 0 else 1)
        fig.tight_layout()
    return fig


def section_counts(indicators: pd.DataFrame, lang: str = "zh") -> Figure:
    """How many figures the report states in each section (one bar per section)."""
    counts = indicators.groupby("section", sort=False).size()
    return _hbar(lang, _t(TITLES, "section_counts", lang), _t(AXES, "count", lang),
                 [label(s, lang) for s in counts.index], counts.tolist(), [str(n) for n in counts])


def beds(indicators: pd.DataFrame, metrics: pd.DataFrame, lang: str = "zh") -> Figure:
    """Total, institutional, nursing-type and outside-institution beds."""
    ids = ["eldercare.beds.total", "eldercare.beds.institutional", "eldercare.beds.nursing"]
    names = [_name(indicators, i, lang) for i in ids] + [_t(BAR_LABELS, "outside_institutions", lang)]
    values = [_value(indicators, i) for i in ids] + [_value(metrics, "eldercare.beds_outside_institutions", "metric_id")]
    return _hbar(lang, _t(TITLES, "beds", lang), _t(AXES, "beds", lang), names, values,
                 [format_number(v) for v in values], [PALETTE[0], PALETTE[0], PALETTE[2], PALETTE[5]])


def nursing_share(indicators: pd.DataFrame, metrics: pd.DataFrame, reference: pd.DataFrame,
                  lang: str = "zh") -> Figure:
    """The printed nursing-bed share, then each recomputed reading directly above the national
    benchmark of the same definition (like for like: nursing / institutional beds against the
    14th plan's target, nursing / all beds against the 13th plan's benchmark)."""
    values = [_value(indicators, "eldercare.beds.nursing_share"),
              _value(metrics, "eldercare.nursing_share_of_institutional_beds", "metric_id"),
              _value(reference, "target.nursing_bed_share.2025", "figure_id"),
              _value(metrics, "eldercare.nursing_share_of_all_beds", "metric_id"),
              _value(reference, "target.nursing_bed_share.2020", "figure_id")]
    keys = ["printed", "recomputed", "target_2025", "of_all_beds", "benchmark_2020"]
    texts = [f"{format_number(v, 1)}%" for v in values]
    texts[0] = f"{format_number(values[0])}%"                       # as printed
    texts[2], texts[4] = f"≥{format_number(values[2])}%", f"≥{format_number(values[4])}%"
    return _hbar(lang, _t(TITLES, "nursing_share", lang), _t(AXES, "percent", lang),
                 [_t(BAR_LABELS, k, lang) for k in keys], values, texts,
                 [PALETTE[0], PALETTE[2], PALETTE[6], PALETTE[5], PALETTE[6]])


def beds_per_older(metrics: pd.DataFrame, lang: str = "zh") -> Figure:
    """Eldercare beds per 100 residents aged 60+: Guilin (estimated) and China."""
    values = [_value(metrics, "eldercare.beds_per_100_aged_60_estimate", "metric_id"),
              _value(metrics, "china.beds_per_100_aged_60", "metric_id")]
    return _hbar(lang, _t(TITLES, "beds_per_older", lang), _t(AXES, "per_100", lang),
                 [_t(BAR_LABELS, "guilin_estimate", lang), _t(BAR_LABELS, "china", lang)], values,
                 [format_number(v, 2) for v in values], [PALETTE[0], PALETTE[6]])


def stations(indicators: pd.DataFrame, metrics: pd.DataFrame, lang: str = "zh") -> Figure:
    """The two township social-work station counts against the number of township-level units."""
    values = [_value(indicators, "governance.social_work.township_stations"),
              _value(indicators, "governance.social_work.township_stations.restated"),
              _value(metrics, "governance.township_level_units", "metric_id")]
    keys = ["statement_1", "statement_2", "township_units"]
    return _hbar(lang, _t(TITLES, "stations", lang), _t(AXES, "stations", lang),
                 [_t(BAR_LABELS, k, lang) for k in keys], values, [format_number(v) for v in values],
                 [PALETTE[1], PALETTE[3], PALETTE[6]])


def coverage(indicators: pd.DataFrame, metrics: pd.DataFrame, items: list[str], lang: str = "zh") -> Figure:
    """Coverage shares in %, indicators or metrics by id, against a 100% line."""
    names, values = [], []
    for item in items:
        if item in set(metrics["metric_id"]):
            names.append(_name(metrics, item, lang, "metric_id"))
            values.append(_value(metrics, item, "metric_id"))
        else:
            names.append(_name(indicators, item, lang))
            values.append(_value(indicators, item))
    fig = _hbar(lang, _t(TITLES, "coverage", lang), _t(AXES, "percent", lang), names, values,
                [f"{format_number(v, 1)}%" for v in values])
    with chart_style(lang):
        ax = fig.axes[0]
        ax.axvline(100, color=PALETTE[6], linewidth=1, linestyle="--")
        ax.set_xlim(0, 125)
    return fig


def home_care(indicators: pd.DataFrame, lang: str = "zh") -> Figure:
    """People signed up for home care and what they received."""
    ids = ["eldercare.home_care.contracted_elders", "eldercare.home_care.care_services",
           "eldercare.home_care.support_visits", "eldercare.home_care.health_records"]
    values = [_value(indicators, i) for i in ids]
    texts = [format_figure(v, indicators.loc[indicators.indicator_id == i, "unit"].iloc[0], lang)
             for i, v in zip(ids, values)]
    return _hbar(lang, _t(TITLES, "home_care", lang), _t(AXES, "count", lang),
                 [_name(indicators, i, lang) for i in ids], values, texts)


def volunteering(indicators: pd.DataFrame, lang: str = "zh") -> Figure:
    """Teams and projects (counts) and the two growth rates whose subject is unclear."""
    with chart_style(lang):
        fig = Figure(figsize=(8, 3.6))
        left, right = fig.subplots(1, 2, width_ratios=[3, 2])
        ids = ["volunteering.teams", "volunteering.projects"]
        values = [_value(indicators, i) for i in ids]
        bars = left.bar([_wrap(_name(indicators, i, lang), lang) for i in ids], values, color=[PALETTE[0], PALETTE[2]])
        left.bar_label(bars, labels=[format_number(v) for v in values], padding=2)
        left.set_title(_t(TITLES, "volunteering", lang))
        left.set_ylabel(_t(AXES, "count", lang))
        left.set_ylim(0, max(values) * 1.2)
        rates = [_value(indicators, "volunteering.growth.first"), _value(indicators, "volunteering.growth.second")]
        bars = right.bar([_t(BAR_LABELS, "first_rate", lang), _t(BAR_LABELS, "second_rate", lang)], rates,
                         color=[PALETTE[1], PALETTE[4]])
        right.bar_label(bars, labels=[f"{format_number(r)}%" for r in rates], padding=2)
        right.set_title(_t(TITLES, "growth", lang))
        right.set_ylabel(_t(AXES, "growth", lang))
        right.set_ylim(0, max(rates) * 1.25)
        for ax in (left, right):
            ax.tick_params(axis="x", labelsize="small")
        fig.tight_layout()
    return fig


MONEY = ["eldercare.funding.services", "governance.social_work.funding", "social_affairs.funerals.yaoshan_cemetery_funding",
         "eldercare.funding.lottery_home_adaptation", "child_welfare.childrens_day.funds_raised",
         "governance.social_work.resources_linked"]


def money(indicators: pd.DataFrame, lang: str = "zh") -> Figure:
    """Every sum of money the report names in 万元 (zh) or million yuan (en), largest first."""
    rows = indicators.set_index("indicator_id").loc[MONEY]
    rows = rows.assign(order=rows["value"]).sort_values("order", ascending=False)
    scale = 1 if lang == "zh" else 0.01           # 1 万元 = 0.01 million yuan
    values = (rows["value"] * scale).tolist()
    texts = [format_figure(r.value, r.unit, lang, r.qualifier) for r in rows.itertuples()]
    names = [escape_mathtext(n) for n in rows["name_zh" if lang == "zh" else "name_en"]]
    return _hbar(lang, _t(TITLES, "money", lang), _t(AXES, "money", lang), names, values, texts)


def audit_status(checks: pd.DataFrame, lang: str = "zh") -> Figure:
    """How many consistency checks came out consistent, inconsistent, ambiguous, unverifiable."""
    order = ["consistent", "inconsistent", "ambiguous", "unverifiable"]
    counts = checks["status"].value_counts().reindex(order, fill_value=0)
    names = [label(f"audit_{s}", lang) for s in order]
    return _hbar(lang, _t(TITLES, "audit", lang), _t(AXES, "checks", lang), names, counts.tolist(),
                 [str(n) for n in counts], [PALETTE[2], PALETTE[3], PALETTE[1], PALETTE[6]])
