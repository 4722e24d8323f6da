"""Every figure traces to the report: quotes are verbatim, values are in their quotes,
and the figures a reader finds in the report are in the table (each case cites its passage).

These checks read the files directly, not through the loader, so a bug in the loader's
own provenance check cannot hide a bad row.
"""
from __future__ import annotations

import csv
import re

import pytest

from guilin_analysis.paths import DATA_DIR

TEXT = (DATA_DIR / "source" / "guilin-civil-affairs-report.zh.txt").read_text(encoding="utf-8")
with open(DATA_DIR / "indicators" / "report-indicators.csv", encoding="utf-8", newline="") as _f:
    ROWS = list(csv.DictReader(_f))
BY_ID = {row["indicator_id"]: row for row in ROWS}

# Figures written as words in the report, with what they stand for.
WORD_NUMBERS = {"六": "6", "千": "1000", "三": "3", "十": "10", "亿": "1"}


def test_ids_are_unique():
    ids = [row["indicator_id"] for row in ROWS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["indicator_id"])
def test_quote_is_verbatim(row):
    assert row["quote"] and row["quote"] in TEXT


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["indicator_id"])
def test_value_digits_are_in_quote(row):
    value = row["value"]
    digits = re.findall(r"\d+(?:\.\d+)?", row["quote"])
    if value in digits:
        return
    words = [w for w, v in WORD_NUMBERS.items() if v == value and w in row["quote"]]
    assert words, f"{value} is neither printed nor written as a word in {row['quote']!r}"


# (indicator_id, value, unit, the passage of the report that states it)
STATED = [
    ("general.recognition.typical_speeches", "10", "次", "先后10次在全区民政工作会议和各业务领域会议上作典型发言"),
    ("social_affairs.lottery.sales", "1", "亿元", "桂林福利彩票2022年销售额突破亿元，创历史新高"),
    ("eldercare.demonstration.institutions", "12", "个", "培育打造了12个示范性养老机构"),
    ("eldercare.demonstration.street_centres", "10", "个", "10个街道示范性综合养老服务机构（社区养老服务站）"),
    ("eldercare.demonstration.township_centres", "12", "个", "12个乡镇示范性区域养老服务机构"),
    ("eldercare.beds.total", "32715", "张", "全市养老服务床位达到32715张"),
    ("eldercare.beds.total_growth", "3.5", "%", "较2021年增加3.5%"),
    ("eldercare.beds.institutional", "13372", "张", "养老机构床位数13372张"),
    ("eldercare.beds.nursing", "8913", "张", "其中护理型床位8913张"),
    ("eldercare.beds.nursing_share", "66", "%", "护理型床位占比达66%"),
    ("eldercare.funding.services", "2791", "万元", "投入养老服务资金2791万元"),
    ("eldercare.funding.lottery_home_adaptation", "225", "万元", "安排市本级福彩公益金225万元"),
    ("eldercare.home_adaptation.districts", "6", "个", "为六城区约900户"),
    ("eldercare.home_adaptation.households", "900", "户", "为六城区约900户"),
    ("eldercare.home_care.contracted_elders", "23801", "人", "签约老人23801人"),
    ("eldercare.home_care.care_services", "30835", "次", "开展居家照料服务30835次"),
    ("eldercare.home_care.support_visits", "30967", "次", "开展帮扶关爱30967次"),
    ("eldercare.home_care.health_records", "10511", "份", "建立健康档案10511份"),
    ("eldercare.workforce.caregivers_trained", "2200", "人次", "全年培训养老服务机构护理员2200人次"),
    ("eldercare.emergency_call.elders", "2000", "人", "为2000名高龄老人配备应急呼叫设备"),
    ("governance.public_health_committees.villages", "1653", "个", "全市1653个行政村、257个社区100%建立了公共卫生委员会"),
    ("governance.public_health_committees.communities", "257", "个", "全市1653个行政村、257个社区100%建立了公共卫生委员会"),
    ("governance.public_health_committees.coverage", "100", "%", "全市1653个行政村、257个社区100%建立了公共卫生委员会"),
    ("governance.village_rules.household_threshold", "50", "户", "推动50户以上自然村设立村规民约和居民公约"),
    ("governance.village_rules.household_threshold.restated", "50", "户", "推动50户以上自然村设立村规民约。"),
    ("governance.social_work.funding", "922.52", "万元", "全市共计投入资金922.52万元"),
    ("governance.social_work.township_stations", "78", "个", "建成乡镇（街道）社工站78个"),
    ("governance.social_work.village_stations", "4", "个", "村（社区）社工站4个"),
    ("governance.social_work.services", "63654", "人次", "总计服务63654人次"),
    ("governance.social_work.home_visits", "17102", "户", "开展入户走访17102户"),
    ("governance.social_work.resources_linked", "25.9", "万元", "链接社会资源25.9万元"),
    ("governance.social_work.funding.restated", "922.52", "万元", "投入资金922.52万元，建成乡镇（街道）社工站99个"),
    ("governance.social_work.township_stations.restated", "99", "个", "建成乡镇（街道）社工站99个，服务63654人次"),
    ("governance.social_work.services.restated", "63654", "人次", "建成乡镇（街道）社工站99个，服务63654人次"),
    ("volunteering.teams", "6572", "支", "统筹全市6572支志愿服务队伍"),
    ("volunteering.registered_volunteers", "110.14", "万人", "110.14万实名注册志愿者"),
    ("volunteering.projects", "19397", "个", "发布城乡志愿服务项目19397个"),
    ("volunteering.growth.first", "42.34", "%", "志愿服务总时长较2021年分别增长42.34%、37.93%"),
    ("volunteering.growth.second", "37.93", "%", "志愿服务总时长较2021年分别增长42.34%、37.93%"),
    ("child_welfare.protection_workstations", "97", "个", "全市已有97个乡镇（街道）挂牌成立未保工作站，占比达66%"),
    ("child_welfare.protection_workstations.share", "66", "%", "全市已有97个乡镇（街道）挂牌成立未保工作站，占比达66%"),
    ("child_welfare.women_children_committees", "1263", "个", "1263个村（居）设立妇女儿童工作委员会"),
    ("child_welfare.childrens_day.funds_raised", "60", "万元", "筹措60余万元"),
    ("child_welfare.childrens_day.children_aided", "1000", "人", "组织“六一”资助千名困境儿童大型公益活动"),
    ("social_affairs.funerals.yaoshan_cemetery_funding", "1000", "万元", "争取资金1000万元用于市尧山公益性公墓建设"),
    ("social_affairs.funerals.graves_cleared", "1800", "座", "完成靖江王陵散葬民坟整治任务1800座"),
    ("social_affairs.funerals.flower_bed_burial_edition", "10", "届", "2023年3月25日，桂林市举办了第十届花坛葬活动"),
    ("social_affairs.assistance.vagrants_settled", "160", "人", "落户安置160名长期滞留流浪乞讨人员"),
]


@pytest.mark.parametrize("indicator_id,value,unit,passage", STATED, ids=[s[0] for s in STATED])
def test_figure_read_in_the_report_is_present(indicator_id, value, unit, passage):
    assert passage in TEXT, "the cited passage itself must be in the report"
    row = BY_ID[indicator_id]
    assert float(row["value"]) == float(value)
    assert row["unit"] == unit
    assert row["quote"] in passage or passage in row["quote"]


def test_every_row_is_among_the_figures_read():
    assert {s[0] for s in STATED} == set(BY_ID)


def test_conflicts_and_repeats_keep_both_statements():
    """建成乡镇（街道）社工站78个 ... 建成乡镇（街道）社工站99个: both are kept and noted."""
    first = BY_ID["governance.social_work.township_stations"]
    second = BY_ID["governance.social_work.township_stations.restated"]
    assert (first["value"], second["value"]) == ("78", "99")
    assert "99" in first["note"] and "78" in second["note"]
    assert "99" in first["note_zh"] and "78" in second["note_zh"]            # and so does the Chinese
    for base in ["governance.social_work.funding", "governance.social_work.services",
                 "governance.village_rules.household_threshold"]:
        assert BY_ID[base]["value"] == BY_ID[base + ".restated"]["value"]
        assert BY_ID[base]["note"] and BY_ID[base + ".restated"]["note"]
        assert BY_ID[base]["note_zh"] and BY_ID[base + ".restated"]["note_zh"]


def test_persons_are_recorded_as_ren():
    """The report's 名 (2000名高龄老人, 160名…人员) is recorded as 人."""
    for row in ROWS:
        if "名" in row["quote"] and re.search(r"\d+名|千名", row["quote"]):
            assert row["unit"] == "人", row["indicator_id"]


# Qualifier words beside a number, read here independently of the loader's rule
# (x-provenance.qualifier_words); 签约老人 and 村规民约 hold a 约 that qualifies nothing.
MARKERS = {"approx": r"约[0-9]|[0-9][^0-9，。]{0,3}左右|(?<![0-9一二三四五六七八九])千名",
           "more_than": r"[0-9]余|超过[0-9千万亿]|突破[0-9千万亿]",
           "at_least": r"[0-9][^0-9，。]{0,3}以上|不少于[0-9]|不低于[0-9]"}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["indicator_id"])
def test_qualifier_is_what_the_quote_says(row):
    said = {q for q, pattern in MARKERS.items() if re.search(pattern, row["quote"])}
    assert said == {row["qualifier"]} - {"exact"}, row["quote"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["period_type"] in ("since", "change")],
                         ids=lambda r: r["indicator_id"])
def test_since_and_change_are_in_the_text(row):
    """A total since a year says 年以来 in its paragraph or its note; a change names 较…年."""
    if row["period_type"] == "change":
        assert f"较{row['period'].split(' vs ')[1]}年" in row["quote"]
        return
    paragraph = next(line for line in TEXT.splitlines() if row["quote"] in line)
    assert f"{row['period']}年以来" in paragraph or f"{row['period']}年以来" in row["note"]


def test_the_threshold_is_a_criterion_without_a_period():
    """推动50户以上自然村…: a criterion, not a total since 2022 (its paragraph names no period)."""
    for key in ["governance.village_rules.household_threshold", "governance.village_rules.household_threshold.restated"]:
        assert (BY_ID[key]["period"], BY_ID[key]["period_type"]) == ("", "unstated")


# ---------------------------------------------------------------- the Chinese notes (note_zh)

with open(DATA_DIR / "reference" / "reference-figures.csv", encoding="utf-8", newline="") as _f:
    REFERENCE_ROWS = list(csv.DictReader(_f))
NOTES = [(row["indicator_id"], row["quote"], row["note"], row["note_zh"]) for row in ROWS] + \
        [(row["figure_id"], "", row["note"], row["note_zh"]) for row in REFERENCE_ROWS]
_QUOTED = re.compile("“([^“”]*)”")

# A number the English note gives as a gloss of Chinese words that the Chinese note writes in
# characters: 六一 (1 June), 突破亿元 (100 million yuan), “十四五” (the 14th plan).
GLOSSES = {("child_welfare.childrens_day.funds_raised", "1"), ("social_affairs.lottery.sales", "100"),
           ("target.nursing_bed_share.2020", "14")}


def numbers(text: str) -> set[str]:
    """The numbers of a text, as the report prints them: 13,372 and 13372 are one number, so are
    2023-03-25 and 2023年3月25日 (03 is 3), and 66.65 % and 66.65%."""
    text = re.sub(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))", "", text)
    return {n if "." in n else str(int(n)) for n in re.findall(r"[0-9]+(?:\.[0-9]+)?", text)}


def test_the_number_reader_reads_both_forms():
    assert numbers("8,913 / 13,372 = 66.65 %; 2023-03-25") == numbers("8913/13372=66.65%；2023年3月25日")
    assert numbers("1,653 villages") == {"1653"} and numbers("78 + 4") == {"78", "4"}


@pytest.mark.parametrize("ident,quote,note,note_zh", NOTES, ids=[n[0] for n in NOTES])
def test_a_chinese_note_states_no_number_its_english_one_does_not(ident, quote, note, note_zh):
    """The Chinese note is no wider than the English: every number it states is in the English
    note, in the row's quote, or inside a passage it quotes verbatim from the report."""
    assert bool(note) == bool(note_zh)
    quoted = {n for passage in _QUOTED.findall(note_zh) if passage in TEXT for n in numbers(passage)}
    assert numbers(note_zh) - numbers(note) - numbers(quote) - quoted == set()
    assert numbers(note) - numbers(note_zh) == {n for i, n in GLOSSES if i == ident}, "a number lost in Chinese"


@pytest.mark.parametrize("ident,quote,note,note_zh", [n for n in NOTES if n[3]], ids=[n[0] for n in NOTES if n[3]])
def test_a_chinese_note_quotes_the_report_in_chinese_quotation_marks(ident, quote, note, note_zh):
    """The report's words appear in “…”, never in straight quotes, and what a note quotes with a
    figure in it is the report's own text (or a form the English note also gives)."""
    assert '"' not in note_zh and "'" not in note_zh
    for passage in _QUOTED.findall(note_zh):
        if re.search(r"[0-9]", passage) and re.search(r"[\u4e00-\u9fff]", passage):
            assert passage in TEXT or passage.rstrip("…") in TEXT or passage in note or passage == "2022（推定）", passage
@pytest.mark.parametrize("row", [r for r in ROWS if r["period_type"] == "stock" and not r["period"]],
                         ids=lambda r: r["indicator_id"])
def test_a_stock_at_the_time_of_the_report_is_dated_so_by_its_quote(row):
    """An empty period on a stock reads 报道时: the quote must say 已有, 现有, 目前 or 截至 (全市已有97个)."""
    assert any(word in row["quote"] for word in ("已有", "现有", "目前", "截至", "截止", "至今", "现已")), row["quote"]


def test_the_stations_and_villages_carry_no_period_the_report_does_not_give():
    """建成…社工站78个, 99个, 村（社区）社工站4个, 全市1653个行政村, 257个社区, 100%建立…: undated."""
    for key in ["governance.social_work.township_stations", "governance.social_work.township_stations.restated",
                "governance.social_work.village_stations", "governance.public_health_committees.villages",
                "governance.public_health_committees.communities", "governance.public_health_committees.coverage"]:
        assert (BY_ID[key]["period"], BY_ID[key]["period_type"]) == ("", "unstated"), key


def test_unprinted_years_reads_the_quote_and_its_paragraph():
    from guilin_analysis.provenance import unprinted_years

    text = "甲段。2022年以来，签约老人10人。\n乙段，床位20张，较2021年增加5%。\n丙段2022年，销售额30元。\n"
    assert unprinted_years("since", "2022", "签约老人10人", text) == []              # 2022年以来 in its paragraph
    assert unprinted_years("year", "2022", "签约老人10人", text) == ["2022"]         # a start is not the year
    assert unprinted_years("stock", "2022", "床位20张", text) == ["2022"]
    assert unprinted_years("change", "2022 vs 2021", "较2021年增加5%", text) == ["2022"]
    assert unprinted_years("year", "2022", "销售额30元", text) == []
    assert unprinted_years("year", "2023", "销售额30元", text) == ["2023"]
    assert unprinted_years("unstated", "", "销售额30元", text) == []
