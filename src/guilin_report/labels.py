"""The builder's own words: what its pages (header, footer, index, notebook pages) say, in each
language. A plug-in may add words or reword these (:meth:`.plugin.Plugin.words`), e.g. the
site's title; nothing here names a project.
"""
from __future__ import annotations

#: The languages a site is built in, in the order of the language switch.
LANGUAGES = ("zh", "en")
#: ``<html lang>`` of each language.
HTML_LANG = {"zh": "zh-CN", "en": "en"}

LABELS: dict[str, dict[str, str]] = {
    "report_title": {"zh": "分析报告", "en": "Analysis report"},
    "page_index": {"zh": "目录", "en": "Contents"},
    "built_at": {"zh": "生成时间", "en": "Built"},
    "content_hash": {"zh": "内容哈希", "en": "content hash"},
    "data_package": {"zh": "数据包", "en": "Data package"},
    "how_to_cite": {"zh": "引用方式", "en": "How to cite"},
    "site_nav": {"zh": "网站导航", "en": "Site navigation"},
    "language_switch": {"zh": "English", "en": "中文"},
    "language_switch_label": {"zh": "本页英文版", "en": "This page in Chinese"},
    "key_figures": {"zh": "主要数字", "en": "Key figures"},
    "key_findings": {"zh": "主要发现", "en": "Key findings"},
    "notebooks": {"zh": "分析笔记本", "en": "Notebooks"},
    "duration": {"zh": "耗时", "en": "Duration"},
    "status": {"zh": "状态", "en": "Status"},
    "status_not_built": {"zh": "尚未生成", "en": "not built yet"},
    "status_ok": {"zh": "已发布", "en": "published"},
    "status_failed": {"zh": "失败", "en": "failed"},
    "error_log": {"zh": "错误记录（执行后的笔记本）", "en": "error log (executed notebook)"},
    "kernel_log": {"zh": "运行记录（内核输出）", "en": "log (kernel output)"},
    "last_good_page": {"zh": "上次成功的页面", "en": "last good page"},
    "data_used": {"zh": "所用数据", "en": "Data"},
    "data_per_page": {"zh": "各页所用数据不同，见每一行", "en": "pages built from different data; see each row"},
    "scenario": {"zh": "假设情景", "en": "Scenario"},
    "scenario_note": {"zh": "本站按假设值生成，下列数字与报告所载不同：",
                      "en": "this site is built with figures changed from the report's:"},
    "scenario_transcribed": {"zh": "报告原数", "en": "the report"},
    "index_intro": {"zh": "", "en": ""},            # a plug-in's words give the site's lede
    "pages": {"zh": "页面", "en": "Pages"},
    "build_details": {"zh": "构建详情", "en": "Build details"},
    "name": {"zh": "名称", "en": "Name"},
    "figure": {"zh": "数字", "en": "Figure"},
    "period": {"zh": "时期", "en": "Period"},
    "seconds": {"zh": "秒", "en": " s"},
    # punctuation of the page's language (full-width after Chinese text)
    "colon": {"zh": "：", "en": ": "},
    "semicolon": {"zh": "；", "en": "; "},
    "list_sep": {"zh": "、", "en": ", "},
    "paren_open": {"zh": "（", "en": "("},
    "paren_close": {"zh": "）", "en": ")"},
    "space": {"zh": "", "en": " "},
}


def label(key: str, lang: str, words: dict[str, str] | None = None) -> str:
    """The word ``key`` in ``lang``: from ``words`` (a plug-in's, for that language) if there,
    else the builder's own. Raises ``KeyError`` naming an unknown key or language."""
    if words and key in words:
        return words[key]
    if key not in LABELS:
        raise KeyError(f"no builder label {key!r}")
    if lang not in LABELS[key]:
        raise KeyError(f"no {lang!r} text for the builder label {key!r}")
    return LABELS[key][lang]
