"""The Chinese of the data page where the data package has only English.

The descriptor's titles and descriptions, the notes of the indicators and reference figures,
their definitions and citations, and the codes of a few columns are English in the data. The
Chinese data page shows them in Chinese from :data:`TEXTS`, keyed by the English they
translate: when the data's English changes, its old translation no longer matches, the page
shows the new English (marked ``lang="en"``) and ``tests/test_downloads.py`` names the text
that needs a translation. The downloads keep the data as it is.

:data:`HEADERS` names every column on the Chinese page; the column's own name stays beside it.
"""
from __future__ import annotations

#: Column name -> its heading on the Chinese page.
HEADERS: dict[str, str] = {
    "indicator_id": "指标编号", "section": "板块", "name_zh": "中文名称", "name_en": "英文名称",
    "value": "数值", "unit": "单位", "unit_en": "英文单位", "period": "时期", "period_type": "时期类型",
    "qualifier": "限定", "quote": "原文", "note": "说明",
    "code": "统计用区划代码", "name": "名称", "county_code": "县级代码", "province_code": "省级代码",
    "city_code": "地级代码", "source": "来源", "kind": "类型",
    "figure_id": "编号", "ratio": "比值键", "definition": "定义", "source_zh": "来源（中文）",
    "metric_id": "指标编号", "formula": "公式", "caveat_en": "注意（英文）", "caveat_zh": "注意",
    "gap_id": "编号", "anchor": "锚点原文", "indicator_ids": "相关指标编号", "note_en": "说明（英文）",
    "note_zh": "说明", "inputs": "所用编号", "check_id": "核对项编号", "status": "状态",
    "explanation_zh": "说明", "explanation_en": "说明（英文）",
    # the column sheet
    "table": "表", "column": "列", "type": "类型", "title": "标题", "description": "说明",
}

#: Field types, as the column sheet names them.
TYPES: dict[str, str] = {"string": "文本", "number": "数值", "integer": "整数"}

_REPOST = "取自可靠媒体对公报的转载，而非公报原始页面。"

#: English of the data -> its Chinese.
TEXTS: dict[str, str] = {
    # ---- table titles and descriptions
    "Figures stated in the report, one row per statement": "报道中的数字（每次表述一行）",
    "Township-level divisions of Guilin (乡、镇、街道), 2022": "桂林市乡级行政区划（乡、镇、街道），2022年",
    "County-level divisions of Guilin, 2022": "桂林市县级行政区划，2022年",
    "Population and national benchmarks (not from the report)": "人口与国家指标（非出自报道）",
    "Derived metrics: definitions, evaluated as written": "推算指标的定义（按原式计算）",
    "Places where text of the report was lost in publication": "报道刊发时可能缺失文字之处",
    "Derived metrics (guilin_analysis.derived_metrics)": "推算指标（guilin_analysis.derived_metrics）",
    "Consistency audit (guilin_analysis.audit)": "一致性核对（guilin_analysis.audit）",
    "148 rows: 147 township-level units (88 镇, 46 乡, 13 街道) and one statistical unit of a management "
    "committee (桂林华侨旅游经济区管理委员会, 450305400), which is not a township and is left out of coverage "
    "denominators (its name ends in none of 镇, 乡, 街道).":
        "148行：147个乡级单位（88个镇、46个乡、13个街道），另有一个管委会统计单位（桂林华侨旅游经济区管理委员会，"
        "450305400）：它不是乡镇，不计入覆盖率的分母（其名称不以镇、乡或街道结尾）。",
    "17 county-level units: 6 districts, 8 counties, 2 autonomous counties, 1 county-level city.":
        "17个县级单位：6个市辖区、8个县、2个自治县、1个县级市。",
    "Denominators and benchmarks for the derived metrics, each row with its citation. Kept apart from the "
    "report's figures.": "推算指标所用的分母与对照指标，每行附出处；与报道中的数字分开存放。",
    "One row per derived metric. The formula is the computation: guilin_analysis.metrics evaluates it as "
    "written, over values in base units, with ids of report-indicators, reference-figures, earlier metrics, "
    "and the division counts divisions.townships (rows named 镇, 乡 or 街道) and divisions.township_rows "
    "(all rows). Rows are evaluated in order.":
        "每个推算指标一行。公式就是计算本身：guilin_analysis.metrics按原式、以基本单位计算，可用report-indicators"
        "与reference-figures中的编号、前面各行的指标，以及区划计数divisions.townships（名称为镇、乡或街道的行）和"
        "divisions.township_rows（全部行）。各行依次计算。",
    "Each row names a gap by a verbatim anchor next to it; the audit reports every row.":
        "每行以缺失处旁边的一段原文为锚点，标出一处可能的缺失；一致性核对逐行列出。",
    # ---- column titles and descriptions
    "Indicator id": "指标编号", "Section": "板块", "Name (Chinese)": "中文名称", "Name (English)": "英文名称",
    "Value as printed": "所印数值", "Unit as printed": "所印单位", "Unit in English": "英文单位",
    "Period": "时期", "Period type": "时期类型", "Qualifier": "限定", "Quote": "原文", "Note": "说明",
    "Statistical division code": "统计用区划代码", "Name": "名称", "County-level code": "县级代码",
    "Citation": "出处", "Ratio key": "比值键", "Definition": "定义", "Citation (Chinese)": "出处（中文）",
    "Stable, unique, dotted: section.topic.measure; a figure stated twice gets a second row ending in .restated.":
        "稳定、唯一、以点分隔：板块.主题.量；同一数字说了两次，第二次另起一行，编号以.restated结尾。",
    "The number as printed in the report, in the row's unit (110.14 with unit 万人 means 1,101,400 persons).":
        "报道所印的数字，以该行的单位计（110.14、单位为万人，即1101400人）。",
    "Persons are 人 throughout (the report's 名 is recorded as 人).": "人数一律记为“人”（报道中的“名”记为“人”）。",
    "What one unit counts, in English, plural (stations for 个 in 78个社工站); empty: the unit's label in "
    "x-unit-labels.": "一个单位所计之物的英文名称，用复数（“78个社工站”中的“个”为stations）；为空时用x-unit-labels中该单位的标签。",
    "Read with period_type: the calendar year (year); the comparison (change: 2022 vs 2021); the first year "
    "of a total that runs to the report (since); the year-end of a count (stock), empty when the count is at "
    "the time of the report; empty for cumulative and unstated.":
        "与时期类型一起读：year为日历年；change为所比的两年（如2022 vs 2021）；since为累计至报道时的起始年；"
        "stock为时点数所在年份的年末，时点为报道时则为空；cumulative与unstated为空。",
    "year: a calendar year; change: a change between two years; since: a total from the start of the year in "
    "period up to the report (2022年以来); cumulative: a total up to the report, start not stated (共计); "
    "stock: a count at the end of the year in period, or at the time of the report when period is empty "
    "(全市已有); unstated: the report gives no period. The report is undated; its latest dated event is "
    "2023-03-25 (a photo caption).":
        "year：日历年；change：两年间的变化；since：从该年年初累计至报道时（2022年以来）；cumulative：累计至报道时，"
        "起点未说明（共计）；stock：该年年末的时点数，时期为空时为报道时的时点数（全市已有）；unstated：报道未给出时期。"
        "报道未注明日期，其中最晚的有日期事件为2023年3月25日（一则图片说明）。",
    "exact; approx (约, 千名); at_least (以上, 不低于: the number itself included); more_than (余, 超过, 突破: "
    "the number itself excluded).":
        "exact：确数；approx：约数（约、千名）；at_least：不少于（以上、不低于，含本数）；more_than：超过（余、超过、"
        "突破，不含本数）。",
    "The shortest verbatim passage of the report that states the figure.": "报道中给出该数字的最短原文，一字不改。",
    "What a researcher must know: ambiguity, conflict, scope. Plain text, never markup.":
        "研究者须知的事项：歧义、矛盾、范围。纯文本，不含标记。",
    "As in report-indicators; a target or benchmark to reach is at_least.":
        "同report-indicators；需要达到的目标或对照指标记为at_least。",
    "For a share: numerator / denominator as keys (beds.nursing / beds.institutional). A share is compared "
    "only with a share of the same key; metric-definitions uses the same keys.":
        "占比的分子/分母键（如beds.nursing / beds.institutional）。占比只与同键的占比比较；metric-definitions用同样的键。",
    "For a share or target: its numerator and denominator in words, as the source defines them.":
        "占比或目标的分子与分母，按出处的定义用文字写出。",
    "Document, issuer and date, so that a researcher can find it.": "文件、发布机构与日期，便于研究者查找。",
    "The same citation as source, in Chinese, for the Chinese pages.": "与source相同的出处，中文写法，供中文页面使用。",
    "Ids, numbers, + - × / and parentheses.": "编号、数字、+ - × /和括号。",
    "As in reference-figures: numerator / denominator keys of a share, so that comparisons are like for like.":
        "同reference-figures：占比的分子/分母键，保证只比较定义相同的占比。",
    "fragment: a passage opens mid-sentence; empty_section: a heading with no matching text; stray_unit: a "
    "paragraph opens with a unit and no number.":
        "fragment：段落从半句开始；empty_section：标题下没有相应内容；stray_unit：段落以单位开头而没有数字。",
    "Verbatim text next to the gap.": "缺失处旁边的原文。",
    "Figures whose reading the gap affects, comma-separated.": "受这处缺失影响的数字，以逗号分隔。",
    # ---- codes
    "exact": "确数", "approx": "约数", "at_least": "不少于（含本数）", "more_than": "超过（不含本数）",
    "year": "年度", "change": "两年间变化", "since": "某年以来累计", "cumulative": "累计（起点未说明）",
    "stock": "时点数", "unstated": "未说明",
    "district": "市辖区", "county": "县", "autonomous_county": "自治县", "county_level_city": "县级市",
    "fragment": "段落从半句开始", "empty_section": "标题下没有相应内容", "stray_unit": "段首孤立的单位",
    # ---- citations of the division tables
    "modood/Administrative-divisions-of-China, dist/streets.csv (National Bureau of Statistics division codes "
    "as of 2022-10-31)": "modood/Administrative-divisions-of-China，dist/streets.csv（国家统计局统计用区划代码，截至2022年10月31日）",
    "National Bureau of Statistics statistical division codes for the county-level units of 桂林市 (code 4503)":
        "国家统计局统计用区划代码：桂林市（代码4503）所辖县级单位",
    # ---- definitions of the reference figures
    "residents aged 60 and over / all residents": "60岁及以上常住人口/全部常住人口",
    "residents aged 65 and over / all residents": "65岁及以上常住人口/全部常住人口",
    "nursing-type beds in eldercare institutions / all beds in eldercare institutions": "养老机构护理型床位/养老机构全部床位",
    "nursing-type beds / all local eldercare beds (institutions and community together)":
        "护理型床位/当地全部养老床位（机构与社区合计）",
    # ---- notes of the reference figures
    "Census day 2020-11-01; the report's figures are for 2022 and later.": "普查标准时点为2020年11月1日；报道的数字为2022年及以后。",
    "Census day 2020-11-01. The exact wording of the bulletin is not held here.": "普查标准时点为2020年11月1日。本项目未存公报原文措辞。",
    "Census day 2020-11-01; printed as 12.20 %.": "普查标准时点为2020年11月1日；公报印为12.20%。",
    "End 2022; 19.8 % of the population. Taken from reputable reposts of the communiqué, not from its original page.":
        "2022年末；占总人口19.8%。" + _REPOST,
    "End 2022. Taken from reputable reposts of the communiqué, not from its original page.": "2022年末。" + _REPOST,
    "End 2022; 14.9 % of the population. Taken from reputable reposts of the communiqué, not from its original page.":
        "2022年末；占总人口14.9%。" + _REPOST,
    "A target for 2025, over beds in eldercare institutions only.": "2025年的目标，分母仅为养老机构床位。",
    "At least 30 % by 2020, over all local eldercare beds (not only institutional beds).":
        "到2020年不少于30%，分母为当地全部养老床位（不仅是机构床位）。",
    "End 2022. Taken from reputable reposts of the bulletin, not from its original page.": "2022年末。" + _REPOST,
    # ---- notes of the indicators
    '"先后" (on successive occasions) gives no period. The same sentence lists three region-level awards by '
    'name, without a count.': "“先后”未说明时期。同一句还列出三项自治区级荣誉的名称，未给出数量。",
    'Part of the "三个一百示范工程" (three-hundreds model project); the report does not say whether "一百" is a '
    'target. "一年来" (over the past year): the year is named in text lost before "凡、极为不易的一年"; 2022 is '
    'inferred from the feature\'s frame ("2022年以来").':
        "属于“三个一百示范工程”；报道未说明“一百”是否为目标数。“一年来”所指的年份写在“凡、极为不易的一年”之前缺失的"
        "文字里；2022年是根据全文的时间框架（“2022年以来”）推定的。",
    'Part of the "三个一百示范工程" (three-hundreds model project); the report does not say whether "一百" is a '
    'target.': "属于“三个一百示范工程”；报道未说明“一百”是否为目标数。",
    "All eldercare service beds, compared with 2021, so a count for 2022; the report does not say which kinds "
    "of facility are counted beyond the 13,372 institutional beds.":
        "全部养老服务床位，与2021年相比，因此是2022年的数；除13372张养老机构床位外，报道未说明还计入了哪些类型的设施。",
    "Printed to one decimal place: the true rate lies in [3.45 %; 3.55 %).": "印为一位小数：实际增幅不低于3.45%、低于3.55%。",
    '"其中" makes these a subset of the 13,372 institutional beds.': "“其中”表明这些床位是13372张养老机构床位的一部分。",
    "The denominator is not named; 8,913 / 13,372 = 66.65 %, which rounds to 67 %, not 66 %, so the figure is "
    "truncated or uses another denominator.":
        "报道未说明分母；8913/13372=66.65%，四舍五入为67%而非66%，因此这一数字或是截尾所得，或是用了另一个分母。",
    'Given in the sentence on completing the later construction of the "1521工程" and "重点支持兴安县老年福利中心等'
    '综合养老服务设施建设": not the total of eldercare funding. Year inferred as for the eldercare section.':
        "出自完成“1521工程”后期建设、“重点支持兴安县老年福利中心等综合养老服务设施建设”一句：并非养老服务资金总额。"
        "年份与养老服务部分一样为推定。",
    'One sum given for several uses at once: home adaptation for about 900 households in the six urban '
    'districts, and ("推动…提升…发挥…") home-care stations, nursing homes (敬老院) and regional eldercare '
    'centres. A share per household is at most an upper bound.':
        "一笔资金同时用于多项用途：六城区约900户的居家适老化改造，以及（“推动…提升…发挥…”）居家养老服务站、敬老院和"
        "区域性养老服务中心。按户平均的金额至多是一个上限。",
    "Written as a word (六). Guilin has 6 districts (区), per the county reference table.":
        "以汉字书写（六）。据县级区划参考表，桂林市有6个市辖区。",
    "Households in the six urban districts (六城区) of low-income older people who are very old (高龄, "
    "undefined; usually 80+), moderately or severely disabled, or severely handicapped; 约 (about).":
        "六城区低收入群体中高龄（未定义，通常指80岁以上）、中重度失能、重度残疾老年人的家庭；“约”表示约数。",
    '"2022年以来" (since 2022): a total up to the report, not calendar 2022.': "“2022年以来”：截至报道时的累计数，并非2022年全年的数。",
    "The report states no relation between the records and the contracted older people.": "报道未说明健康档案与签约老人之间的关系。",
    'Person-times: one worker trained twice counts twice. "全年" (the whole year), inside a paragraph on work '
    'since 2022: 2022 is inferred.': "以人次计：同一名护理员培训两次计两次。“全年”出现在讲2022年以来工作的段落中：2022年为推定。",
    "Printed as 名; recorded as 人. 高龄 usually means aged 80 or over; the report does not define it.":
        "原文为“名”，记为“人”。高龄通常指80岁以上，报道未作定义。",
    "Stated as the base of the public-health-committee coverage claim.": "作为公共卫生委员会全覆盖这一说法的基数给出。",
    '1,653 villages and 257 communities; the report adds "实现全覆盖" (full coverage).': "1653个行政村和257个社区；报道还称“实现全覆盖”。",
    '"50户以上" means 50 households or more (以上 includes 50 itself). A threshold, not a count. Stated twice; '
    'this is the first statement (with residents\' conventions).':
        "“50户以上”指50户及以上（“以上”含本数）。这是门槛，不是数量。报道说了两次；此为第一次（含居民公约）。",
    "Second statement of the same threshold (50 households or more), in the paragraph on grassroots stability; "
    "it omits residents' conventions (居民公约).": "同一门槛（50户及以上）的第二次表述，见于促进基层社会和谐稳定一段；未提居民公约。",
    'Cumulative ("共计"), start not stated: a total up to the report. Stated again in the closing paragraph; a '
    'stray fragment "万元，" follows it in the text, which suggests a line was lost in publication.':
        "累计数（“共计”），未说明起点：截至报道时的总数。结尾段再次提到；原文中其后紧跟一个孤立的“万元，”，说明刊发时"
        "可能缺失了一行。",
    "Conflicts with the 99 stations stated in the closing paragraph for the same funds (922.52 万元) and the "
    "same 63,654 services.": "与结尾段所称的99个站矛盾，后者对应同样的资金（922.52万元）和同样的63654人次服务。",
    'Total ("总计") of the 78 township and 4 village stations. Stated again in the closing paragraph, there for '
    '99 township stations.':
        "78个乡镇（街道）社工站与4个村（社区）社工站的合计（“总计”）。结尾段再次提到，在那里对应99个乡镇（街道）社工站。",
    "Counted in households.": "以户计。",
    "Second statement; agrees with the first (922.52 万元).": "第二次表述；与第一次一致（922.52万元）。",
    "Second statement; conflicts with the 78 stated in the governance section. The report does not say which "
    "is right.": "第二次表述；与基层治理部分所称的78个矛盾。报道未说明以哪个为准。",
    "Second statement; the same 63,654 as the first, attached here to 99 stations instead of 78 + 4.":
        "第二次表述；与第一次同为63654人次，但这里对应99个站，而不是78+4个。",
    '"统筹全市" (coordinated across the city): a count at the time of the report.': "“统筹全市”：报道时的数量。",
    'Printed as "110.14万" before 实名注册志愿者; the unit 万人 is implied by the noun.':
        "原文为“110.14万”，后接“实名注册志愿者”；单位“万人”由名词推知。",
    '"分别" (respectively) pairs two rates with a single subject, 志愿服务总时长 (total volunteer hours): the '
    'other subject is missing. Most likely the projects and the hours, but the report does not say.':
        "“分别”把两个增长率配给了唯一的主语“志愿服务总时长”：另一个主语缺失。最可能是项目数和总时长，但报道没有说明。",
    "See volunteering.growth.first: which quantity grew by 37.93 % is ambiguous; the nearest subject is total "
    "volunteer hours (志愿服务总时长).": "见volunteering.growth.first：增长37.93%的是哪一项并不明确；最近的主语是“志愿服务总时长”。",
    '"全市已有" (the city already has): a count at the time of the report.': "“全市已有”：报道时的数量。",
    'The denominator is not printed. The reference table lists 148 township-level rows, one of which '
    '(桂林华侨旅游经济区管理委员会) is a management committee, not a township: 97 / 147 = 66.0 %, while '
    '97 / 148 = 65.5 % would also round to 66 %. The same words "占比达66%" also appear for nursing beds.':
        "报道未印出分母。参考表列有148个乡级单位，其中桂林华侨旅游经济区管理委员会是管委会而非乡镇：97/147=66.0%，"
        "而97/148=65.5%，四舍五入同样是66%。护理型床位处也出现了同样的“占比达66%”。",
    '"余" (more than). The year of the 六一 (1 June) event is not printed.': "“余”表示多于。“六一”活动的年份未印出。",
    '"千名" (a thousand): a round figure, recorded as approximate.': "“千名”：整数，记为约数。",
    '"突破亿元" (broke through 100 million yuan) in 2022, "创历史新高" (a record); from a photo caption: '
    '"桂林福利彩票2022年销售额突破亿元".': "2022年“突破亿元”，“创历史新高”；出自图片说明：“桂林福利彩票2022年销售额突破亿元”。",
    "整治 means rectified (tidied up or relocated), not necessarily removed.": "“整治”指整理或迁移，不一定是清除。",
    "Held on 2023-03-25 (photo caption), outside the 2022 reporting year; written as a word (十).":
        "于2023年3月25日举办（据图片说明），不在2022年这一报道年度内；以汉字书写（十）。",
    "Printed as 名; recorded as 人.": "原文为“名”，记为“人”。",
}


def zh_text(english: str) -> str | None:
    """The Chinese of an English text of the data, or None when it has none (yet)."""
    return TEXTS.get(str(english).strip())
