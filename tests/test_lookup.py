"""Facts and Voice: the figures of a data package by id, formatted the same everywhere."""
from __future__ import annotations

import pytest

import guilin_analysis as ga
from guilin_analysis.lookup import Facts, key_figure_rows

from conftest import INDICATORS_CSV, rewrite


@pytest.fixture(scope="module")
def facts():
    return Facts()


def test_figures_as_printed_in_both_languages(facts):
    zh, en = facts.voice("zh"), facts.voice("en")
    # "全市养老服务床位达到32715张"; "110.14万实名注册志愿者"; "推动50户以上自然村"
    assert zh.f("eldercare.beds.total") == "32715张" and en.f("eldercare.beds.total") == "32,715 beds"
    assert zh.f("eldercare.beds.nursing") == "8913张"              # no thousands separator in Chinese
    assert zh.f("volunteering.registered_volunteers") == "110.14万人"
    assert en.f("volunteering.registered_volunteers") == "1.1014 million registered volunteers"
    assert en.f("governance.social_work.funding") == "9.2252 million yuan"       # beside 27.91 million yuan
    assert en.f("eldercare.funding.services") == "27.91 million yuan"
    assert en.f("governance.village_rules.household_threshold") == "at least 50 households"
    assert en.f("governance.social_work.township_stations") == "78 stations"


@pytest.mark.parametrize("indicator_id,printed", [
    ("child_welfare.childrens_day.funds_raised", "60余万元"),        # "筹措60余万元"
    ("governance.village_rules.household_threshold", "50户以上"),     # "推动50户以上自然村"
    ("social_affairs.lottery.sales", "突破亿元"),                     # "销售额突破亿元"
    ("child_welfare.childrens_day.children_aided", "千名"),           # "资助千名困境儿童"
    ("social_affairs.funerals.flower_bed_burial_edition", "第十届"),   # "第十届花坛葬活动"
    ("social_affairs.funerals.yaoshan_cemetery_funding", "1000万元"),
])
def test_chinese_keeps_the_reports_own_forms(facts, indicator_id, printed):
    assert facts.fig(indicator_id, "zh") == printed


def test_periods_say_what_the_quotes_say(facts):
    assert facts.period("eldercare.home_care.contracted_elders", "zh") == "2022年以来"   # 2022年以来
    assert facts.period("child_welfare.protection_workstations", "en") == "at the time of the report"  # 全市已有
    assert facts.period("governance.social_work.funding", "en") == "in total up to the report"        # 共计
    assert facts.period("social_affairs.lottery.sales", "zh") == "2022年"                              # 2022年销售额
    assert facts.period("volunteering.teams", "en") == "period not stated"                            # 统筹全市
    assert facts.period("governance.village_rules.household_threshold", "en") == "period not stated"  # a criterion


def test_a_year_the_analysis_infers_reads_as_inferred(facts):
    # the eldercare section opens mid-sentence ("…凡、极为不易的一年"): its year is inferred
    assert facts.period("eldercare.beds.total", "zh") == "2022（推定）"
    assert facts.period("eldercare.beds.total", "en") == "2022 (inferred)"
    assert facts.period("eldercare.beds.total_growth", "zh") == "2022（推定）较2021年"
    assert facts.period("eldercare.home_care.contracted_elders", "en") == "since 2022"      # printed: 2022年以来
    rows = {r["id"]: r for r in key_figure_rows()}
    assert rows["eldercare.beds.total"]["period"] == {"zh": "2022（推定）", "en": "2022 (inferred)"}
    assert rows["governance.social_work.township_stations"]["value"]["zh"] == "78个（另一处称99个）"


def test_the_inferred_years_follow_the_text_gaps(data_copy):
    rewrite(data_copy / "source" / "text-gaps.csv", lambda t: t.replace("eldercare.beds.total, ", ""))
    assert Facts(data_copy).period("eldercare.beds.total", "en") == "2022"


def test_a_conflict_is_never_shown_one_sided(facts):
    assert facts.conflict("governance.social_work.township_stations") == \
        "governance.social_work.township_stations.restated"
    assert facts.conflict("governance.social_work.funding") is None
    assert facts.fig_as_stated("governance.social_work.township_stations", "zh") == "78个（另一处称99个）"
    assert facts.fig_as_stated("governance.social_work.township_stations", "en") == "78 stations (elsewhere: 99)"
    key = dict(ga.key_figures("zh"))
    assert key["建成乡镇（街道）社工站"] == "78个（另一处称99个）"


def test_statement_counts(facts):
    # 48 rows; four figures stated twice: three the same (one of them a word-for-word repeat), one in conflict
    assert facts.statements() == {"rows": 48, "sections": 6, "twice": 4, "same": 3, "conflicts": 1}


def test_voice_derived_figures(facts):
    zh, en = facts.voice("zh"), facts.voice("en")
    assert zh.pct("eldercare.nursing_share_of_institutional_beds") == "66.7%"
    assert zh.pts("eldercare.nursing_share_gap_to_2020_benchmark") == "2.8个百分点"
    assert en.money("governance.social_work_funds_per_station_first") == "118,000 yuan"   # 922.52万 / 78
    assert zh.money("governance.social_work_funds_per_station_first") == "11.8万元"
    assert en.sig("eldercare.beds_2021_implied") == "31,600" and zh.sig("eldercare.beds_2021_implied") == "31600"
    assert zh.m("governance.villages_and_communities") == "1910" and en.m("governance.villages_and_communities") == "1,910"
    # the plans' own words: "不低于30%" (13th plan), "55%" (14th plan's table)
    assert zh.r("target.nursing_bed_share.2020", True) == "不低于30%"
    assert zh.r("target.nursing_bed_share.2025", True) == "55%" and en.r("target.nursing_bed_share.2025", True) == "55%"


def test_item_finds_any_id_and_names_a_missing_one(facts):
    assert facts.item("eldercare.beds.total", "en")[1] == 32715
    assert facts.item("eldercare.nursing_share_of_institutional_beds", "en")[2] == "66.7%"
    assert facts.item("eldercare.nursing_share_of_all_beds", "en")[2] == "≥27.2%"      # a lower bound drawn as one
    assert facts.item("eldercare.lottery_funds_per_adapted_household", "zh")[2] == "≤2500元/户"
    assert facts.item("target.nursing_bed_share.2025", "zh")[2] == "55%"
    assert facts.item("target.nursing_bed_share.2020", "zh")[2] == "不低于30%"
    with pytest.raises(KeyError, match="neither an indicator, a derived metric nor a reference figure"):
        facts.item("eldercare.beds.nope", "en")


def test_facts_follow_a_changed_copy(data_copy):
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace("床位达到32715张", "床位达到41234张", 1))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",32715,张,", ",41234,张,", 1)
            .replace("床位达到32715张", "床位达到41234张", 1))
    changed = Facts(data_copy)
    assert changed.voice("zh").f("eldercare.beds.total") == "41234张"
    assert changed.voice("en").pct("eldercare.nursing_share_of_all_beds") == f"{8913 / 41234 * 100:.1f}%"
