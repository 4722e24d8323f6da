"""Formatting: numbers, units, qualifiers, periods and escaping in both languages."""
from __future__ import annotations

import pytest

from guilin_analysis.data import unit_labels
from guilin_analysis.formatting import (chinese_numeral, escape_markdown, escape_mathtext, format_metric, format_number,
                                        format_quantity, money, percent, period_text, points, quote_zh, significant)
from guilin_analysis.lookup import format_figure


@pytest.mark.parametrize("args,expected", [
    ((32715, "张", "zh"), "32715张"),          # as the report prints it: no thousands separator
    ((32715, "张", "en"), "32,715 beds"),
    ((922.52, "万元", "zh"), "922.52万元"),
    ((922.52, "万元", "en"), "9.2252 million yuan"),   # every printed digit kept, in millions like 27.91
    ((110.14, "万人", "zh"), "110.14万人"),
    ((110.14, "万人", "en"), "1.1014 million persons"),
    ((10, "届", "zh"), "第10届"),
    ((10, "届", "en"), "10th edition"),
    ((2791, "万元", "en"), "27.91 million yuan"),
    ((1000, "万元", "en"), "10 million yuan"),
    ((1, "亿元", "en", "more_than"), "more than 100 million yuan"),
    ((1, "亿元", "zh", "more_than"), "超过1亿元"),
    ((50, "户", "zh", "at_least"), "不少于50户"),
    ((50, "户", "en", "at_least"), "at least 50 households"),
    ((900, "户", "zh", "approx"), "约900户"),
    ((900, "户", "en", "approx"), "about 900 households"),
    ((66, "%", "en"), "66%"),
    ((66, "%", "zh"), "66%"),
    ((25.9, "万元", "en"), "259,000 yuan"),
])
def test_format_figure(args, expected):
    assert format_figure(*args) == expected


def test_unit_en_overrides_the_generic_label():
    assert format_quantity(78, "个", "en", unit_en="stations") == "78 stations"
    assert format_quantity(78, "个", "zh", unit_en="stations") == "78个"


def test_numbers_and_significant_digits():
    assert format_number(32715) == "32,715"
    assert format_number(66.654, 1) == "66.7"
    assert format_number(3.5) == "3.5"
    assert significant(112502.439, 4) == 112500
    assert significant(93183.84, 4) == 93180
    # "922.52万元" over 82 stations: four significant digits, as the report gives the sum
    assert money(9225200 / 82, "zh", 4) == "11.25万元"
    assert money(9225200 / 82, "en", 4) == "112,500 yuan"
    assert money(9225200 / 78, "zh") == "11.8万元" and chinese_numeral(6) == "六" and chinese_numeral(10) == "十"
    assert money(2500, "zh") == "2500元" and format_number(4931137, lang="zh") == "4931137"
    assert percent(66.654) == "66.7%"
    assert points(-2.7556, "zh") == "2.8个百分点" and points(11.654, "en") == "11.7 percentage points"


@pytest.mark.parametrize("period_type,period,zh,en", [
    ("year", "2022", "2022年", "2022"),
    ("change", "2022 vs 2021", "2022年较2021年", "2022 on 2021"),
    ("since", "2022", "2022年以来", "since 2022"),
    ("cumulative", "", "累计至报道时", "in total up to the report"),
    ("stock", "", "报道时", "at the time of the report"),
    ("stock", "2022", "2022年", "2022"),
    ("unstated", "2022", "未说明时期", "period not stated"),
    ("unstated", "", "未说明时期", "period not stated"),
])
def test_periods_say_no_more_than_the_text(period_type, period, zh, en):
    assert period_text(period_type, period, "zh") == zh
    assert period_text(period_type, period, "en") == en


def test_an_inferred_year_reads_as_inferred():
    # a year in Chinese keeps its 年: 2022年（推定）, never a bare 2022（推定）
    assert period_text("stock", "2022", "zh", inferred=True) == "2022年（推定）"
    assert period_text("year", "2022", "en", inferred=True) == "2022 (inferred)"
    assert period_text("change", "2022 vs 2021", "zh", inferred=True) == "2022年（推定）较2021年"
    assert period_text("change", "2022 vs 2021", "en", inferred=True) == "2022 (inferred) on 2021"
    assert period_text("since", "2022", "zh", inferred=True) == "2022年以来（推定）"
    assert period_text("since", "2022", "en", inferred=True) == "since 2022 (inferred)"


def test_the_inferred_years_are_marked_one_by_one():
    """Facts passes the years it infers: only those read as inferred."""
    assert period_text("change", "2022 vs 2021", "zh", inferred=["2022"]) == "2022年（推定）较2021年"
    assert period_text("change", "2022 vs 2021", "zh", inferred=["2021"]) == "2022年较2021年（推定）"
    assert period_text("change", "2022 vs 2021", "en", inferred=["2022", "2021"]) == "2022 (inferred) on 2021 (inferred)"
    assert period_text("year", "2022", "zh", inferred=[]) == "2022年"
    assert period_text("year", "2022", "en", inferred=("2023",)) == "2022"


def test_escaping_makes_markup_inert():
    assert escape_markdown("<script>alert(1)</script>") == r"\<script\>alert\(1\)\</script\>"
    assert escape_markdown("[c](javascript:x)") == r"\[c\]\(javascript:x\)"
    assert escape_mathtext("cost $5$") == r"cost \$5\$"
    assert quote_zh("“六一”资助") == "“‘六一’资助”"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        format_quantity(1, "张", "fr")


def test_metric_units_come_from_the_labels_passed_in():
    """formatting spells no unit: the labels are the data package's (x-unit-labels)."""
    labels = unit_labels("metric-definitions")
    assert format_metric(9225200 / 78, "元/站", "en", labels=labels["元/站"]) == "118,000 yuan per station"
    assert format_metric(9225200 / 78, "元/站", "zh", labels=labels["元/站"]) == "118000元/站"
    assert format_metric(11.654, "百分点", "zh", labels=labels["百分点"]) == "11.7个百分点"
    assert format_metric(66.65, "%", "en", labels=labels["%"]) == "66.7%"
    assert format_metric(3.0, "个/支", "en", labels={"zh": "个/支", "en": "projects per team"}) == "3 projects per team"
    with pytest.raises(TypeError):
        format_metric(1.0, "张", "en")                     # no labels, no guess


def test_zh_unit_label_is_used_when_given():
    assert format_quantity(280.04, "百万人", "zh", unit_zh="百万人") == "280.04百万人"
    assert format_quantity(3, "x", "zh", unit_zh="个") == "3个"
