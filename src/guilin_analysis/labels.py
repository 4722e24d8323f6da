"""Every user-facing label in both languages, in one table.

Notebooks, charts, tables and report pages look words up here instead of spelling them out.
``label(key, lang)`` returns the text; a missing key or language is a KeyError, so a typo
cannot slip through as an empty string. Units are not here: every unit's zh and en label is
data (``x-unit-labels`` in ``datapackage.json``), read by :func:`guilin_analysis.data.unit_labels`.
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
    "kernel_log": {"zh": "运行记录（内核输出）", "en": "log (kernel output)"},
    "data_per_page": {"zh": "各页所用数据不同，见每一行", "en": "pages built from different data; see each row"},
    # site: navigation, source and data pages, footer
    "page_index": {"zh": "目录", "en": "Contents"},
    "page_source": {"zh": "报道原文", "en": "Source text"},
    "page_data": {"zh": "数据与下载", "en": "Data and downloads"},
    "nb_overview": {"zh": "总览", "en": "Overview"},
    "nb_eldercare": {"zh": "养老服务", "en": "Eldercare"},
    "nb_governance": {"zh": "基层治理", "en": "Governance"},
    "nb_volunteering": {"zh": "志愿服务", "en": "Volunteering"},
    "nb_children_and_social_affairs": {"zh": "儿童与社会事务", "en": "Children and social affairs"},
    "nb_data_audit": {"zh": "数据核对", "en": "Data audit"},
    "site_nav": {"zh": "网站导航", "en": "Site navigation"},
    "language_switch": {"zh": "English", "en": "中文"},
    "language_switch_label": {"zh": "本页英文版", "en": "This page in Chinese"},
    "data_package": {"zh": "数据包", "en": "Data package"},
    "content_hash": {"zh": "内容哈希", "en": "content hash"},
    "how_to_cite": {"zh": "引用方式", "en": "How to cite"},
    "source_intro": {"zh": "以下为报道全文，一字未改。每个转录的数字都已标出：将鼠标移到数字上，或用Tab键选中，可看到它的数值（含单位与限定）、时期、数据行，以及显示它的页面。",
                     "en": "The report's text follows, verbatim and in the original Chinese. Every figure transcribed from it is highlighted: hover over a figure or reach it with the Tab key to see its value (with unit and qualifier), its period, its data row and the pages that show it."},
    "source_legend_conflict": {"zh": "与另一处说法不同、可能矛盾的数字",
                               "en": "a figure another statement gives differently (possibly in conflict)"},
    "source_legend_gap": {"zh": "刊发时可能缺失文字之处", "en": "where text was probably lost in publication"},
    "legend": {"zh": "图例", "en": "Legend"},
    "highlighted_figure": {"zh": "转录的数字", "en": "a transcribed figure"},
    "conflicts_with": {"zh": "另一处说法不同（可能矛盾）", "en": "Another statement differs (possibly in conflict)"},
    "text_gap": {"zh": "此处可能缺失文字", "en": "Text probably lost here"},
    "gap_affects": {"zh": "受影响的数字", "en": "Figures it puts in doubt"},
    "used_on_none": {"zh": "尚无页面显示", "en": "no page shows it yet"},
    "data_row": {"zh": "数据行", "en": "data row"},
    "used_on": {"zh": "显示它的页面", "en": "shown on"},
    "report_text": {"zh": "报道原文（中文）", "en": "The report (Chinese original)"},
    # the English source page: the project's translation beside the Chinese
    "translation_intro": {"zh": "每段原文旁（窄屏时在其下方）附有本项目的英文译文，以中文原文为准。译文中的数字与原文一样标出并链接；译者注说明原文含义不明之处；术语表解释译文保留中文或自拟译法的用语：",
                          "en": "Each paragraph of the Chinese has the project's English translation beside it (below it on a narrow screen), made for readers who do not read Chinese; the Chinese is the report. Figures in the English are highlighted and linked as in the Chinese, translator's notes say where the Chinese is unclear, and the glossary explains the terms the translation keeps in Chinese or renders in words of its own:"},
    "translation_label": {"zh": "本项目的译文，并非官方译文", "en": "The project's translation, not an official one"},
    "translation_short": {"zh": "本项目译文", "en": "Project's translation"},
    "original_label": {"zh": "中文原文", "en": "Chinese original"},
    "report_text_parallel": {"zh": "报道原文（中文）与本项目的英文译文", "en": "The report (Chinese original) with the project's translation"},
    "translator_note": {"zh": "译者注", "en": "Translator's note"},
    "translation_gap": {"zh": "此处原文可能缺失文字，见原文旁的说明", "en": "Probably a gap in the Chinese here: see the note in the Chinese"},
    "in_original": {"zh": "原文中的这个数字", "en": "this figure in the Chinese"},
    "in_translation": {"zh": "译文中的这个数字", "en": "this figure in the translation"},
    "paragraph_n": {"zh": "第{n}段", "en": "paragraph {n}"},
    # the glossary
    "page_glossary": {"zh": "术语表", "en": "Glossary"},
    "glossary_intro": {"zh": "报道中的用语，以及本项目英文译文对它们的译法。每条解释只说报道或所引公开资料所说的内容，并注明出处。",
                       "en": "Terms of the report, with the English the project's translation gives them. An explanation says only what the report or a cited public source says, and names its source."},
    "glossary_terms": {"zh": "全部术语", "en": "All terms"},
    "glossary_in_report": {"zh": "报道中出现之处", "en": "In the report"},
    "glossary_source": {"zh": "出处", "en": "Source"},
    "glossary_term_en": {"zh": "英文译法", "en": "In English"},
    # the data page: the charts as files
    "chart_files": {"zh": "图表文件", "en": "Chart files"},
    "chart_files_intro": {"zh": "各分析页面的每张图表都另存为文件，放在figures/文件夹中（按页面与图表序号命名）：PNG与页面上的相同。生成网站时设置GUILIN_REPORT_FIGURE_FORMATS=svg,pdf与GUILIN_REPORT_DPI（如300），每张图表旁还会有SVG、PDF（字形均转为路径，无需字体即可打开）与供印刷用的高分辨率PNG，并在图表所在页面的图表下方链接。",
                          "en": "Every chart of the analysis pages is also a file of its own, in the figures/ folder (named by page and chart number): the PNG is the one the page shows. When the site is built with GUILIN_REPORT_FIGURE_FORMATS=svg,pdf and GUILIN_REPORT_DPI (such as 300), each chart also gets an SVG, a PDF (every glyph drawn as a path, so they open anywhere without the fonts) and a PNG for print, linked under the chart on its page."},
    "chart_files_built": {"zh": "本站生成时要求了以下格式：{formats}。", "en": "This site was built with these formats: {formats}."},
    "chart_n": {"zh": "图{n}", "en": "Chart {n}"},
    "chart_page": {"zh": "页面", "en": "Page"},
    "chart_title": {"zh": "图表", "en": "Chart"},
    "chart_file_names": {"zh": "文件", "en": "Files"},
    "print_png": {"zh": "印刷用PNG（{dpi} dpi）", "en": "PNG for print ({dpi} dpi)"},
    "downloads": {"zh": "下载", "en": "Downloads"},
    "download_csv": {"zh": "CSV（UTF-8，带BOM，可直接用Excel打开）", "en": "CSV (UTF-8 with BOM, opens right in Excel)"},
    "download_zip": {"zh": "完整数据包（zip，含datapackage.json，文件与数据包逐字节相同，供读取数据包的工具使用）",
                     "en": "The whole data package (zip, with datapackage.json; its files byte for byte, for tools that read data packages)"},
    "download_xlsx": {"zh": "Excel工作簿：每表一页，另有一页说明各列", "en": "Excel workbook: a sheet per table and a sheet describing the columns"},
    "download_safety": {"zh": "CSV与工作簿可放心用电子表格打开：电子表格会当作公式执行的单元格（以=、+、-、@、制表符或回车开头，数字除外）在CSV中前加单引号，在工作簿中存为文本。推算指标的数值按其输入数字所能支持的精度给出。",
                        "en": "The CSVs and the workbook are safe to open in a spreadsheet: a cell a spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage return, numbers aside) gets a leading single quote in the CSVs and is stored as text in the workbook. Derived metrics carry the precision their inputs support."},
    "data_intro": {"zh": "数据包中的每张表，以及推算指标与一致性核对。数据中以英文写的说明、定义、出处和代码，本页显示本项目的中文译文；另一语言的对应列只见于下载文件。下载文件保留全部列与原文。",
                   "en": "Every table of the data package, and the derived metrics and the consistency audit. A Chinese column that has an English twin is left to the downloads, which keep every column as it is."},
    "filter_rows": {"zh": "筛选本表", "en": "Filter this table"},
    "rows_shown": {"zh": "显示{n}行，共{total}行", "en": "{n} of {total} rows shown"},
    "only_in_download": {"zh": "仅见于下载文件的列", "en": "columns only in the download"},
    "column_sheet": {"zh": "各列说明", "en": "The columns"},
    "tables": {"zh": "数据表", "en": "Tables"},
    "audit": {"zh": "一致性核对", "en": "Consistency audit"},
    "rows": {"zh": "行", "en": "rows"},
    "scenario_value": {"zh": "本情景设为", "en": "This scenario sets it to"},
    # the builder's scenario banner, in the project's words (the report is a newspaper feature: 报道)
    "scenario_note": {"zh": "本站按假设值生成，下列数字与报道所载不同：",
                      "en": "this site is built with figures changed from the report's:"},
    "scenario_transcribed": {"zh": "报道原数", "en": "the report"},
    # punctuation of the page's language (full-width after Chinese text)
    "colon": {"zh": "：", "en": ": "},
    "semicolon": {"zh": "；", "en": "; "},
    "list_sep": {"zh": "、", "en": ", "},
    "paren_open": {"zh": "（", "en": "("},
    "paren_close": {"zh": "）", "en": ")"},
    "full_stop": {"zh": "。", "en": "."},
    "space": {"zh": "", "en": " "},
    "name_figure_sep": {"zh": "", "en": ": "},
    # the index
    "index_intro": {"zh": "本站逐项核对一篇关于桂林市民政局2022年以来工作的报道：报道中的每个数字都有原文出处，每句分析都由数据生成。",
                    "en": "This site checks, figure by figure, a newspaper feature on the work of the Guilin Civil Affairs Bureau since 2022: every number traces to its passage in the feature, and every sentence of the analysis is computed from the data."},
    "pages": {"zh": "页面", "en": "Pages"},
    "page_source_about": {"zh": "报道全文，标出每个转录的数字", "en": "the feature verbatim, every transcribed figure highlighted"},
    "page_data_about": {"zh": "全部数据表与下载", "en": "every table, and the downloads"},
    "build_details": {"zh": "构建详情", "en": "Build details"},
    "seconds": {"zh": "秒", "en": " s"},
    "figure_period": {"zh": "时期", "en": "period"},
    "column": {"zh": "列", "en": "Column"},
    "table": {"zh": "表", "en": "Table"},
    "description": {"zh": "说明", "en": "Description"},
    "type": {"zh": "类型", "en": "Type"},
    "chart_data": {"zh": "图表所用数字", "en": "The numbers behind this chart"},
    "chart_alt": {"zh": "条形图", "en": "Bar chart"},
    "figure_links": {"zh": "本页数字在原文中的位置", "en": "Where this page's figures stand in the report"},
    "see_source": {"zh": "查看原文与数据", "en": "See the source text and data"},
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
    # audit statuses
    "audit_consistent": {"zh": "一致", "en": "consistent"},
    "audit_inconsistent": {"zh": "不一致", "en": "inconsistent"},
    "audit_ambiguous": {"zh": "含义不明", "en": "ambiguous"},
    "audit_unverifiable": {"zh": "无法核对", "en": "unverifiable"},
    # notebook pages
    "key_findings": {"zh": "主要发现", "en": "Key findings"},
    "sources_and_method": {"zh": "资料来源与方法", "en": "Sources and method"},
    "derived_metrics": {"zh": "推算指标", "en": "Derived metrics"},
    "formula": {"zh": "公式", "en": "Formula"},
    "caveat": {"zh": "注意", "en": "Caveat"},
    "check": {"zh": "核对项", "en": "Check"},
    "explanation": {"zh": "说明", "en": "Explanation"},
    "figures_used": {"zh": "所用报道数字", "en": "Figures used from the report"},
    "reference_used": {"zh": "所用参考数据", "en": "Reference data used"},
    "source": {"zh": "来源", "en": "Source"},
    # qualifiers
    "exact": {"zh": "", "en": ""},
    "approx": {"zh": "约", "en": "about"},
    "at_least": {"zh": "不少于", "en": "at least"},
    "more_than": {"zh": "超过", "en": "more than"},
    # periods without a year of their own (see period_type in datapackage.json)
    "period_at_report": {"zh": "报道时", "en": "at the time of the report"},
    "period_cumulative": {"zh": "累计至报道时", "en": "in total up to the report"},
    "period_unstated": {"zh": "未说明时期", "en": "period not stated"},
    # kinds of period, for the table of every figure by period type (see period_type in datapackage.json)
    "period_type": {"zh": "时期类型", "en": "Kind of period"},
    "period_type_year": {"zh": "某一年的数字", "en": "For one year"},
    "period_type_change": {"zh": "较上年的变化", "en": "Change on an earlier year"},
    "period_type_since": {"zh": "某年以来的累计", "en": "Total since a year"},
    "period_type_cumulative": {"zh": "累计（起点未说明）", "en": "Total, start not stated"},
    "period_type_stock": {"zh": "某一时点的存量", "en": "Count at a point in time"},
    "period_type_unstated": {"zh": "未说明时期", "en": "Period not stated"},
}


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGUAGES`, else raise ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` ("zh" or "en")."""
    return LABELS[key][check_lang(lang)]

