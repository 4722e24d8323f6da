"""Facts and Voice: the figures of a data package by id, formatted the same everywhere."""
from __future__ import annotations

import pytest

import guilin_analysis as ga
from guilin_analysis.lookup import key_figure_entries
from guilin_analysis.lookup import Facts

from conftest import INDICATORS_CSV, rewrite


@pytest.fixture(scope="module")
def facts():
    return Facts()


def test_figures_as_printed_in_both_languages(facts):
    zh, en = facts.voice("zh"), facts.voice("en")
    # "全市养老服务床位达到32715张"; "110.14万实名注册志愿者"; "推动50户以上自然村"
    assert zh.f("eldercare.beds.total") == "32,715张" and en.f("eldercare.beds.total") == "32,715 beds"
    assert zh.f("volunteering.registered_volunteers") == "110.14万人"
    assert en.f("volunteering.registered_volunteers") == "1,101,400 registered volunteers"
    assert zh.f("child_welfare.childrens_day.funds_raised") == "60余万元"     # the report's own form
    assert zh.f("governance.village_rules.household_threshold") == "不少于50户"
    assert en.f("governance.village_rules.household_threshold") == "at least 50 households"
    assert en.f("governance.social_work.township_stations") == "78 stations"


def test_periods_say_what_the_quotes_say(facts):
    assert facts.period("eldercare.home_care.contracted_elders", "zh") == "2022年以来"   # 2022年以来
    assert facts.period("child_welfare.protection_workstations", "en") == "at the time of the report"  # 全市已有
    assert facts.period("governance.social_work.funding", "en") == "in total up to the report"        # 共计
    assert facts.period("social_affairs.lottery.sales", "zh") == "2022年"                              # 2022年销售额


def test_a_conflict_is_never_shown_one_sided(facts):
    assert facts.conflict("governance.social_work.township_stations") == \
        "governance.social_work.township_stations.restated"
    assert facts.conflict("governance.social_work.funding") is None
    assert facts.fig_as_stated("governance.social_work.township_stations", "zh") == "78个（另一处称99个）"
    assert facts.fig_as_stated("governance.social_work.township_stations", "en") == "78 stations (elsewhere: 99)"
    entries, shown = key_figure_entries(facts, ["governance.social_work.township_stations"])
    assert entries[0]["value"]["zh"] == "78个（另一处称99个）"
    assert shown == ["governance.social_work.township_stations", "governance.social_work.township_stations.restated"]


def test_statement_counts(facts):
    # 48 rows; four figures stated twice: three the same, one in conflict (78 vs 99)
    assert facts.statements() == {"rows": 48, "sections": 6, "twice": 4, "same": 3, "conflicts": 1}


def test_voice_derived_figures(facts):
    zh, en = facts.voice("zh"), facts.voice("en")
    assert zh.pct("eldercare.nursing_share_of_institutional_beds") == "66.7%"
    assert zh.pts("eldercare.nursing_share_gap_to_2020_benchmark") == "2.8个百分点"
    assert en.money("governance.social_work_funds_per_station_first") == "118,000 yuan"   # 922.52万 / 78
    assert en.sig("eldercare.beds_2021_implied") == "31,600"
    assert zh.r("target.nursing_bed_share.2020", True) == "不少于30%"


def test_item_finds_any_id_and_names_a_missing_one(facts):
    assert facts.item("eldercare.beds.total", "en")[1] == 32715
    assert facts.item("eldercare.nursing_share_of_institutional_beds", "en")[2] == "66.7%"
    assert facts.item("target.nursing_bed_share.2025", "zh")[2] == "不少于55%"
    with pytest.raises(KeyError, match="neither an indicator, a derived metric nor a reference figure"):
        facts.item("eldercare.beds.nope", "en")


def test_facts_follow_a_changed_copy(data_copy):
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace("床位达到32715张", "床位达到41234张", 1))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",32715,张,", ",41234,张,", 1)
            .replace("床位达到32715张", "床位达到41234张", 1))
    changed = Facts(data_copy)
    assert changed.voice("zh").f("eldercare.beds.total") == "41,234张"
    assert changed.voice("en").pct("eldercare.nursing_share_of_all_beds") == f"{8913 / 41234 * 100:.1f}%"
