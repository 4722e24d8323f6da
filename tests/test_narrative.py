"""Narrative: numbers formatted for the language, sentences computed from the data."""
from __future__ import annotations

import pytest

import guilin_analysis as ga
from guilin_analysis.formatting import format_number, significant
from guilin_analysis.narrative import SECTIONS

from conftest import INDICATORS_CSV, bare_chinese, rewrite


@pytest.mark.parametrize("section", [*SECTIONS, "audit"])
def test_every_section_in_both_languages(section):
    zh = ga.summarize(section, "zh")
    en = ga.summarize(section, "en")
    assert zh and en and zh != en
    assert not bare_chinese(en), bare_chinese(en)


def test_sentences_carry_the_figures():
    text = ga.summarize("eldercare", "zh")
    assert "32,715张" in text and "66.7%" in text and "55%" in text
    text = ga.summarize("eldercare", "en")
    assert "32,715 beds" in text and "11.7 percentage points above" in text


def test_each_reading_is_set_against_the_benchmark_of_its_definition():
    """国发〔2021〕35号: 55 % of beds in institutions; 国发〔2017〕13号: 30 % of all local beds."""
    zh = ga.sentence("eldercare", "nursing", "zh")
    assert "占养老机构床位的66.7%" in zh and "高于“十四五”规划养老机构护理型床位占比2025年达到55%的目标11.7个百分点" in zh
    assert "机构内护理型床位占27.2%，低于“十三五”规划护理型床位占当地养老床位总数不少于30%的基准2.8个百分点" in zh
    en = ga.sentence("eldercare", "nursing", "en")
    assert "27.2%, 2.8 percentage points below the 13th plan's benchmark of at least 30% of all local eldercare beds" in en
    # the numerator holds only the institutional nursing beds ("其中"): say so
    assert "nursing-type beds outside institutions are not reported" in en and "机构以外的护理型床位报告未给出" in zh
    assert "36.7" not in en + zh


def test_periods_and_scopes_follow_the_quotes():
    # "2022年以来…签约老人23801人": since 2022, not "in 2022"
    assert ga.sentence("eldercare", "home_care", "en").startswith("Since 2022,")
    assert ga.sentence("eldercare", "home_care", "zh").startswith("2022年以来，")
    # 225万元 paid for several uses in the six urban districts: the per-household figure is an upper bound
    funding = ga.sentence("eldercare", "funding", "en")
    assert "6 urban districts" in funding and "about 2,500 yuan per household, an upper bound" in funding
    assert "六城区约900户" in ga.sentence("eldercare", "funding", "zh")
    assert "1521 project" in funding
    # per-station money names its stations (the funds are for township stations) and has three significant digits
    zh = ga.sentence("governance", "station_output", "zh")
    assert "若资金全部用于乡镇（街道）社工站，按第一次表述的78个计每站约11.8万元" in zh and "118,272" not in zh
    # "全市已有97个": a count at the time of the report; 2022 is not claimed
    assert "2022" not in ga.sentence("child_welfare", "protection", "en")


def test_summary_follows_a_changed_copy(data_copy):
    """Change a figure in the report text and the table together: the sentence changes."""
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("床位达到32715张", "床位达到33715张", 1))
    rewrite(data_copy / INDICATORS_CSV,
            lambda t: t.replace(",32715,张,", ",33715,张,", 1).replace("床位达到32715张", "床位达到33715张", 1))
    zh = ga.summarize("eldercare", "zh", data_copy)
    en = ga.summarize("eldercare", "en", data_copy)
    assert "33,715张" in zh and "32,715" not in zh
    assert "33,715 beds" in en
    # the implied 2021 figure moves with it: 33715 / 1.035, to three significant digits
    assert format_number(significant(33715 / 1.035, 3)) in en


def test_key_findings_and_titles():
    findings = ga.key_findings("en")
    assert len(findings) == 4 and all(not bare_chinese(f) for f in findings)
    title = ga.title("01_eldercare", "en", findings=[("eldercare", "beds")])
    assert title.startswith("# Eldercare") and "Key findings" in title


def test_sentence_and_errors():
    assert ga.sentence("governance", "stations", "zh").startswith("报告给出的乡镇（街道）社工站数量")
    with pytest.raises(ValueError, match="topics"):
        ga.sentence("governance", "nope", "zh")
    with pytest.raises(ValueError, match="section must be one of"):
        ga.summarize("weather", "zh")
    with pytest.raises(ValueError, match="lang must be one of"):
        ga.summarize("eldercare", "fr")


def test_method_lists_quotes_in_zh_and_names_in_en():
    zh = ga.method("zh", indicators=["eldercare.beds.total"], metrics=["eldercare.beds_outside_institutions"])
    assert "“全市养老服务床位达到32715张”" in zh and "eldercare.beds.total - eldercare.beds.institutional" in zh
    en = ga.method("en", indicators=["eldercare.beds.total"])
    assert r"Eldercare service beds \(all kinds\), 2022" in en and not bare_chinese(en)


def test_method_escapes_markup_from_the_data(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(
        "Eldercare service beds (all kinds)", "<script>alert(1)</script>[c](javascript:alert(1))", 1))
    en = ga.method("en", data_copy, indicators=["eldercare.beds.total"])
    assert "<script>" not in en and "](javascript:" not in en
    assert r"\<script\>" in en
