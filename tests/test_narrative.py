"""Narrative: numbers formatted for the language, sentences computed from the data."""
from __future__ import annotations

import pytest

import guilin_analysis as ga
from guilin_analysis.narrative import SECTIONS, format_figure, format_number

from conftest import INDICATORS_CSV, bare_chinese, rewrite


@pytest.mark.parametrize("args,expected", [
    ((32715, "张", "zh"), "32,715 张"),
    ((32715, "张", "en"), "32,715 beds"),
    ((922.52, "万元", "zh"), "922.52 万元"),
    ((922.52, "万元", "en"), "9.23 million yuan"),
    ((110.14, "万人", "en"), "1.1 million persons"),
    ((1, "亿元", "en", "more_than"), "more than 100 million yuan"),
    ((900, "户", "zh", "approx"), "约900 户"),
    ((900, "户", "en", "approx"), "about 900 households"),
    ((66, "%", "en"), "66%"),
    ((25.9, "万元", "en"), "259,000 yuan"),
])
def test_format_figure(args, expected):
    assert format_figure(*args) == expected


def test_format_number():
    assert format_number(32715) == "32,715"
    assert format_number(66.654, 1) == "66.7"
    assert format_number(3.5) == "3.5"


@pytest.mark.parametrize("section", [*SECTIONS, "audit"])
def test_every_section_in_both_languages(section):
    zh = ga.summarize(section, "zh")
    en = ga.summarize(section, "en")
    assert zh and en and zh != en
    assert not bare_chinese(en), bare_chinese(en)


def test_sentences_carry_the_figures():
    text = ga.summarize("eldercare", "zh")
    assert "32,715 张" in text and "66.7%" in text and "55%" in text
    text = ga.summarize("eldercare", "en")
    assert "32,715 beds" in text and "11.7 percentage points above" in text


def test_summary_follows_a_changed_copy(data_copy):
    """Change a figure in the report text and the table together: the sentence changes."""
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("床位达到32715张", "床位达到33715张", 1))
    rewrite(data_copy / INDICATORS_CSV,
            lambda t: t.replace(",32715,张,", ",33715,张,", 1).replace("床位达到32715张", "床位达到33715张", 1))
    zh = ga.summarize("eldercare", "zh", data_copy)
    en = ga.summarize("eldercare", "en", data_copy)
    assert "33,715 张" in zh and "32,715" not in zh
    assert "33,715 beds" in en
    # the implied 2021 figure moves with it: 33715 / 1.035
    assert format_number(33715 / 1.035, 0) in en


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
    assert "Eldercare service beds (all kinds), 2022" in en and not bare_chinese(en)
