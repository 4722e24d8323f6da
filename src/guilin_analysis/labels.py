"""Every user-facing label in both languages, in one table.

Notebooks, charts, tables and report pages look words up here instead of spelling them out.
``label(key, lang)`` returns the text; a missing key or language is a KeyError, so a typo
cannot slip through as an empty string.
"""
from __future__ import annotations

LANGUAGES = ("zh", "en")

LABELS: dict[str, dict[str, str]] = {
    # report pages
    "report_title": {"zh": "桂林市民政工作（2022年以来）：数据与分析",
                     "en": "Guilin civil affairs since 2022: data and analysis"},
    "key_figures": {"zh": "主要数字", "en": "Key figures"},
    "notebooks": {"zh": "分析笔记本", "en": "Notebooks"},
    "status": {"zh": "状态", "en": "Status"},
    "status_ok": {"zh": "已发布", "en": "published"},
    "status_failed": {"zh": "失败", "en": "failed"},
    "status_not_built": {"zh": "尚未生成", "en": "not built yet"},
    "last_good_page": {"zh": "上次成功的页面", "en": "last good page"},
    "error_log": {"zh": "错误记录（执行后的笔记本）", "en": "error log (executed notebook)"},
    "built_at": {"zh": "生成时间", "en": "Built"},
    "data_used": {"zh": "所用数据", "en": "Data"},
    "duration": {"zh": "耗时", "en": "Duration"},
    "other_language": {"zh": "English version", "en": "中文版"},
    # table columns
    "indicator_id": {"zh": "指标编号", "en": "Indicator"},
    "section": {"zh": "板块", "en": "Section"},
    "name": {"zh": "指标", "en": "Indicator"},
    "value": {"zh": "数值", "en": "Value"},
    "unit": {"zh": "单位", "en": "Unit"},
    "figure": {"zh": "数字", "en": "Figure"},
    "period": {"zh": "时期", "en": "Period"},
    "qualifier": {"zh": "限定", "en": "Qualifier"},
    "quote": {"zh": "原文", "en": "Quote (Chinese original)"},
    "note": {"zh": "说明", "en": "Note"},
    "count": {"zh": "数字个数", "en": "Figures"},
    # sections
    "general": {"zh": "综述与荣誉", "en": "General and recognition"},
    "eldercare": {"zh": "养老服务", "en": "Eldercare"},
    "governance": {"zh": "基层治理与社工站", "en": "Grassroots governance and social-work stations"},
    "volunteering": {"zh": "志愿服务", "en": "Volunteering"},
    "child_welfare": {"zh": "未成年人保护与儿童福利", "en": "Child protection and welfare"},
    "social_affairs": {"zh": "殡葬、社会救助与福利彩票", "en": "Funerals, social assistance and the welfare lottery"},
    # qualifiers
    "exact": {"zh": "", "en": ""},
    "approx": {"zh": "约", "en": "about"},
    "more_than": {"zh": "超过", "en": "more than"},
}


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en")."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return LABELS[key][lang]
