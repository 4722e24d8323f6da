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
    assert facts.period("eldercare.beds.total", "zh") == "2022年（推定）"
    assert facts.period("eldercare.beds.total", "en") == "2022 (inferred)"
    assert facts.period("eldercare.beds.total_growth", "zh") == "2022年（推定）较2021年"
    assert facts.period("eldercare.home_care.contracted_elders", "en") == "since 2022"      # printed: 2022年以来
    # "志愿服务总时长较2021年分别增长42.34%、37.93%": the report never prints the later year
    assert facts.period("volunteering.growth.first", "zh") == "2022年（推定）较2021年"
    assert facts.period("volunteering.growth.second", "en") == "2022 (inferred) on 2021"
    assert facts.period("social_affairs.lottery.sales", "zh") == "2022年"          # "桂林福利彩票2022年销售额"
    # "全年" in a paragraph that prints only "2022年以来": the start of a span is not the year
    assert facts.period("eldercare.workforce.caregivers_trained", "en") == "2022 (inferred)"
    entries, _ = key_figure_entries(facts, ["eldercare.beds.total", "governance.social_work.township_stations"])
    rows = {r["id"]: r for r in entries}
    assert rows["eldercare.beds.total"]["period"] == {"zh": "2022年（推定）", "en": "2022 (inferred)"}
    assert rows["governance.social_work.township_stations"]["value"]["zh"] == "78个（另一处称99个）"


def test_which_years_are_inferred_is_derived_from_the_text_not_listed(data_copy):
    """No list decides it: a year the quote or its paragraph prints is the report's, any other the
    analysis's inference. The text gaps, which list the figures a gap puts in doubt, do not."""
    rewrite(data_copy / "source" / "text-gaps.csv", lambda t: t.replace("eldercare.beds.total, ", ""))
    assert Facts(data_copy).period("eldercare.beds.total", "en") == "2022 (inferred)"   # still not printed
    # the report, edited in the copy, prints the year in the beds' paragraph: the year is the report's
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("民政部门积极应对人口老龄化", "2022年，民政部门积极应对人口老龄化", 1))
    facts = Facts(data_copy)
    assert facts.period("eldercare.beds.total", "zh") == "2022年" and "eldercare.beds.total" not in facts.inferred
    assert facts.period("eldercare.beds.total_growth", "en") == "2022 on 2021"           # the same paragraph
    assert facts.period("eldercare.workforce.caregivers_trained", "en") == "2022 (inferred)"   # another paragraph
    # a since-type "2022年以来" does not print the year of a one-year figure, and a 2023 nobody prints is inferred
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",2022,year,exact,全年培训", ",2023,year,exact,全年培训"))
    assert Facts(data_copy).inferred_years["eldercare.workforce.caregivers_trained"] == ["2023"]


def test_the_volunteering_rates_are_inferred_until_the_report_prints_the_year(data_copy):
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("通过提升志愿服务质效", "2022年，通过提升志愿服务质效", 1))
    facts = Facts(data_copy)
    assert facts.period("volunteering.growth.first", "zh") == "2022年较2021年"
    assert "volunteering.growth.first" not in facts.inferred


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
    with pytest.raises(KeyError, match="not an indicator, a derived metric, a reference figure or a division count"):
        facts.item("eldercare.beds.nope", "en")


def test_facts_follow_a_changed_copy(data_copy):
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace("床位达到32715张", "床位达到41234张", 1))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",32715,张,", ",41234,张,", 1)
            .replace("床位达到32715张", "床位达到41234张", 1))
    changed = Facts(data_copy)
    assert changed.voice("zh").f("eldercare.beds.total") == "41234张"
    assert changed.voice("en").pct("eldercare.nursing_share_of_all_beds") == f"{8913 / 41234 * 100:.1f}%"


# ---------------------------------------------------------------- what-if scenarios

import json
import math
import re

from guilin_analysis import charts
from guilin_analysis.lookup import Override, notebook_ids
from guilin_analysis.paths import REPO_ROOT
from guilin_analysis.scenario import UnknownIdError


def test_a_scenario_changes_the_figures_the_metrics_and_the_audit_but_no_quote(facts):
    scenario = Facts(overrides={"eldercare.beds.nursing": 9500})
    assert scenario.overrides == {"eldercare.beds.nursing": Override(transcribed=8913, scenario=9500)}
    assert scenario.value("eldercare.beds.nursing") == 9500 and facts.value("eldercare.beds.nursing") == 8913
    assert scenario.voice("zh").f("eldercare.beds.nursing") == "9500张"
    share = 9500 / 13372 * 100                                         # 养老机构床位数13372张
    assert math.isclose(scenario.metric("eldercare.nursing_share_of_institutional_beds"), share)
    assert math.isclose(facts.metric("eldercare.nursing_share_of_institutional_beds"), 8913 / 13372 * 100)
    # the transcription stays verbatim: quote, report text, the rows on disk
    assert scenario.quote("eldercare.beds.nursing") == "其中护理型床位8913张"
    assert "其中护理型床位8913张" in ga.load_report_text()
    assert ga.load_indicators().set_index("indicator_id").loc["eldercare.beds.nursing", "value"] == 8913
    # the audit computed through that Facts reads the scenario; the same as audit(data_dir, overrides)
    checks = ga.audit(scenario).set_index("check_id")
    recomputed = checks.loc["eldercare.beds.nursing_share_recomputed"]
    assert f"{share:.2f}%" in recomputed["explanation_en"] and recomputed["status"] == "inconsistent"
    assert ga.audit(None, {"eldercare.beds.nursing": 9500}).equals(ga.audit(scenario))
    assert ga.audit().set_index("check_id").loc["eldercare.beds.nursing_share_recomputed", "status"] == "consistent"


def test_a_scenario_value_is_in_the_printed_unit():
    scenario = Facts(overrides={"volunteering.registered_volunteers": 120})       # 120万人
    assert scenario.voice("en").f("volunteering.registered_volunteers") == "1.2 million registered volunteers"
    assert scenario.base_value("volunteering.registered_volunteers") == 1_200_000
    assert math.isclose(scenario.metric("volunteering.registered_per_100_residents"), 1_200_000 / 4931137 * 100)


def test_the_78_or_99_stations_conflict_read_as_two_scenarios(facts):
    first, second = "governance.social_work.township_stations", "governance.social_work.township_stations.restated"
    assert facts.conflict(first) == second
    as_99 = Facts(overrides={first: 99})              # the reading that the first statement is wrong
    as_78 = Facts(overrides={second: 78})             # the reading that the second one is wrong
    for reading, stations in ((as_99, 99), (as_78, 78)):
        assert reading.conflict(first) is None
        assert math.isclose(reading.metric("governance.social_work_station_coverage_first"), stations / 147 * 100)
        assert math.isclose(reading.metric("governance.social_work_station_coverage_restated"), stations / 147 * 100)
        assert ga.audit(reading).set_index("check_id").loc[f"restated.{first}", "status"] == "consistent"
    assert as_78.overrides == {second: Override(99, 78)}


def test_a_division_count_and_a_reference_figure_can_be_set():
    scenario = Facts(overrides={"divisions.townships": 148, "population.guilin.resident": 5_000_000})
    assert scenario.overrides["divisions.townships"] == Override(147, 148)
    assert scenario.base_value("divisions.townships") == 148
    assert math.isclose(scenario.metric("child_welfare.protection_workstation_coverage"), 97 / 148 * 100)
    assert scenario.ref_value("population.guilin.resident") == 5_000_000
    assert math.isclose(scenario.metric("volunteering.registered_per_100_residents"), 1_101_400 / 5_000_000 * 100)


@pytest.mark.parametrize("overrides, error, message", [
    ({"eldercare.beds.nursin": 9500}, UnknownIdError,
     "overrides: 'eldercare.beds.nursin' is not an indicator, a reference figure or a division count of this data "
     "package; did you mean 'eldercare.beds.nursing'"),
    ({"eldercare.nursing_share_of_institutional_beds": 70}, ValueError,
     "overrides: 'eldercare.nursing_share_of_institutional_beds' is a derived metric, computed from its formula "
     "(eldercare.beds.nursing / eldercare.beds.institutional × 100): set its inputs instead"),
    ({"eldercare.beds.nursing": "9500"}, ValueError,
     "overrides: the value for 'eldercare.beds.nursing' must be a finite number in the unit the figure is printed in, "
     "not '9500'"),
    ({"eldercare.beds.nursing": True}, ValueError, "must be a finite number"),
    ({"eldercare.beds.nursing": float("nan")}, ValueError, "must be a finite number"),
    ({"eldercare.beds.nursing": None}, ValueError, "must be a finite number"),
    ({"eldercare.beds.nursing": -1}, ValueError,
     "overrides: -1 for 'eldercare.beds.nursing' is below the minimum 0, the bound datapackage.json declares"),
    ({"eldercare.beds.nursing_share": 101}, ValueError, "is above the maximum 100"),
    ({"population.guilin.resident": 0}, ValueError, "must be greater than 0"),
    (["eldercare.beds.nursing", 9500], ValueError, "overrides must be a mapping of ids to numbers"),
])
def test_a_bad_scenario_is_refused_in_one_sentence(overrides, error, message):
    with pytest.raises(error) as caught:
        Facts(overrides=overrides)
    assert message in str(caught.value) and str(caught.value).startswith("overrides") and "\n" not in str(caught.value)


def test_a_change_may_be_negative_where_its_unit_allows_it():
    # percentages are bounded 0-100 except for changes (exceptWhere period_type change)
    assert Facts(overrides={"eldercare.beds.total_growth": -2}).value("eldercare.beds.total_growth") == -2


def test_key_figures_follow_a_scenario():
    scenario = Facts(overrides={"governance.social_work.township_stations": 99})
    entries, _ = key_figure_entries(scenario, ["governance.social_work.township_stations"])
    assert entries[0]["value"]["zh"] == "99个"


# ---------------------------------------------------------------- unknown ids, base values

def test_an_unknown_id_names_itself_and_suggests_the_closest(facts):
    for lookup in (lambda i: facts.value(i), lambda i: facts.fig(i, "zh"), lambda i: facts.period(i, "en"),
                   lambda i: facts.name(i, "zh"), lambda i: facts.voice("en").f(i), lambda i: facts.quote(i),
                   lambda i: facts.where(i), lambda i: facts.show(i), lambda i: facts.base_value(i),
                   lambda i: facts.conflict(i)):
        with pytest.raises(UnknownIdError) as caught:
            lookup("eldercare.beds.nursin")
        assert isinstance(caught.value, KeyError)
        assert str(caught.value).startswith("'eldercare.beds.nursin' is not ")
        assert "did you mean 'eldercare.beds.nursing'" in str(caught.value)
        assert caught.value.suggestions[0] == "eldercare.beds.nursing"
    with pytest.raises(UnknownIdError, match=r"is not a derived metric .*'eldercare.nursing_share_of_all_beds'"):
        facts.metric("eldercare.nursing_share_of_al_beds")
    with pytest.raises(UnknownIdError, match="ga.search"):
        facts.value("nothing.like.this")


def test_an_id_of_another_kind_says_what_it_is_and_how_to_read_it(facts):
    with pytest.raises(UnknownIdError, match=r"'eldercare.nursing_share_of_all_beds' is a derived metric, not an "
                                             r"indicator: read it with facts.metric\('eldercare.nursing_share_of_all_beds'\)"):
        facts.value("eldercare.nursing_share_of_all_beds")
    with pytest.raises(UnknownIdError, match=r"is an indicator, not a reference figure: read it with facts.value"):
        facts.ref("eldercare.beds.total", "zh")


def test_the_ids_of_the_readme_formulas_are_reachable(facts):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## How each figure is derived", 1)[1].split("\n\n")[2]
    ids = set(re.findall(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+", table))
    assert {"divisions.townships", "population.guilin.resident", "eldercare.beds.nursing"} <= ids
    for i in ids:
        assert facts.kind(i) and math.isfinite(facts.base_value(i))
    assert facts.kind("divisions.townships") == "count" and facts.base_value("divisions.townships") == 147
    assert facts.item("divisions.township_rows", "en")[1] == 148


def test_value_as_printed_and_base_value_in_base_units(facts):
    assert "as printed" in Facts.value.__doc__ and "base_value" in Facts.value.__doc__
    assert facts.value("volunteering.registered_volunteers") == 110.14                 # 110.14万人
    assert facts.base_value("volunteering.registered_volunteers") == 1_101_400
    assert facts.base_value("social_affairs.lottery.sales") == 100_000_000             # 突破亿元
    assert facts.base_value("population.china.aged_60_plus") == 280_040_000            # 280.04 百万人
    metric = "governance.social_work_funds_per_station_first"
    assert facts.base_value(metric) == facts.metric(metric)


def test_figure_bars_per_draws_metrics_and_indicators_in_base_units(facts):
    ids = ["governance.social_work.funding", "governance.social_work_funds_per_station_first"]
    fig = charts.figure_bars(facts, ids, "en", title="Funds", per=1e4)
    widths = [bar.get_width() for bar in fig.figure.axes[0].patches]
    assert widths == pytest.approx([922.52, 9_225_200 / 78 / 1e4])


# ---------------------------------------------------------------- provenance at the prompt

def test_quote_is_the_verbatim_passage(facts):
    assert facts.quote("eldercare.beds.total") == facts.table.loc["eldercare.beds.total", "quote"]
    assert facts.quote("eldercare.beds.total") in ga.load_report_text()
    with pytest.raises(UnknownIdError, match="is a derived metric, not an indicator"):
        facts.quote("eldercare.nursing_share_of_all_beds")


def test_where_gives_line_character_and_offset_of_every_quote(facts):
    text = ga.load_report_text()
    lines = text.split("\n")
    for i in facts.table.index:
        place = facts.where(i)
        assert text[place.offset:].startswith(place.quote) and text.find(place.quote) == place.offset
        assert lines[place.line - 1][place.column - 1:].startswith(place.quote)
    place = facts.where("eldercare.beds.nursing")
    assert str(place).startswith(f"eldercare.beds.nursing: line {place.line}, character {place.column}")


def _notebook(outputs: list[dict]) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "source": "", "execution_count": 1,
                       "outputs": outputs}]}


def _write(folder, stem, notebook) -> None:
    (folder / f"{stem}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def test_where_reads_the_notebooks_from_the_ids_their_outputs_declare(facts, tmp_path):
    chart = {"output_type": "display_data", "data": {"image/png": ""},
             "metadata": {"guilin_report": {"kind": "chart", "ids": ["eldercare.beds.total", "eldercare.beds.nursing"]}}}
    prose = {"output_type": "execute_result", "execution_count": 1, "data": {"text/markdown": "…"},
             "metadata": {"text/markdown": {"guilin_report": {"kind": "prose", "ids": ["eldercare.beds.nursing"]}}}}
    _write(tmp_path, "01_charts", _notebook([chart]))
    _write(tmp_path, "02_prose", _notebook([prose, chart]))
    _write(tmp_path, "03_none", _notebook([{"output_type": "stream", "name": "stdout", "text": "eldercare.beds.nursing"}]))
    _write(tmp_path, "04_odd", _notebook([{"output_type": "display_data", "data": {},
                                           "metadata": {"guilin_report": {"ids": "eldercare.beds.nursing"}}},
                                          {"output_type": "display_data", "data": {},
                                           "metadata": {"guilin_report": {"ids": [3, "eldercare.beds.total"]}}}]))
    assert notebook_ids(tmp_path / "02_prose.ipynb") == ["eldercare.beds.nursing", "eldercare.beds.total"]
    assert notebook_ids(tmp_path / "04_odd.ipynb") == ["eldercare.beds.total"]   # a string or a number is no list of ids
    assert facts.where("eldercare.beds.nursing", tmp_path).notebooks == ["01_charts", "02_prose"]
    assert facts.where("eldercare.beds.total", tmp_path).notebooks == ["01_charts", "02_prose", "04_odd"]
    assert facts.where("volunteering.teams", tmp_path).notebooks == []
    (tmp_path / "05_broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"05_broken.ipynb is not a readable notebook \(JSONDecodeError"):
        facts.where("eldercare.beds.total", tmp_path)


def test_every_figure_is_found_in_its_quote_and_its_sentence(facts):
    text = ga.load_report_text()
    for i in facts.table.index:
        before, head, number, tail, after = facts.in_sentence(i)
        assert head + number + tail == facts.quote(i) and before + head + number + tail + after in text
        assert number and number != facts.quote(i), i             # the figure itself, not the whole quote
    assert facts.in_sentence("social_affairs.lottery.sales")[2] == "亿"                      # 销售额突破亿元
    assert facts.in_sentence("child_welfare.childrens_day.children_aided")[2] == "千"        # 资助千名困境儿童
    assert facts.in_sentence("governance.social_work.services.restated")[4] == "。"


def test_show_is_a_small_rich_view_of_an_indicator(facts):
    view = facts.show("eldercare.beds.nursing", "en")
    page = view._repr_html_()
    for shown in ("8,913 beds", "张 (beds)", "exact", "2022", "eldercare.beds.nursing", "Nursing-type beds",
                  "<mark>其中护理型床位<strong>8913</strong>张</mark>，护理型床位占比达66%"):
        assert shown in page, shown
    assert "养老机构床位数13372张，<mark>" in page                  # the quote in its sentence
    assert "8,913 beds" in repr(view) and "其中护理型床位8913张" in repr(view)
    zh = facts.show("child_welfare.childrens_day.funds_raised")._repr_html_()
    assert "60余万元" in zh and "超过 (more_than)" in zh


def test_show_marks_a_scenario_and_a_conflict(facts):
    scenario = Facts(overrides={"eldercare.beds.nursing": 9500})
    assert "9500张（情景值；报告原文为8913张）" in scenario.show("eldercare.beds.nursing")._repr_html_()
    assert "<strong>8913</strong>" in scenario.show("eldercare.beds.nursing")._repr_html_()   # the quote as printed
    first = facts.show("governance.social_work.township_stations", "en")._repr_html_()
    second = facts.show("governance.social_work.township_stations.restated", "en")._repr_html_()
    assert "Another statement differs (possibly in conflict)" in first and "99 stations" in first
    assert "Another statement differs (possibly in conflict)" in second and "78 stations" in second
    zh = facts.show("governance.social_work.township_stations", "zh")._repr_html_()
    assert "另一处说法不同（可能矛盾）" in zh and "99个" in zh


def test_the_words_for_two_differing_statements_never_assert_a_certain_conflict():
    """78 and 99 differ, and lost text may reconcile them: the legend and tooltip say they differ
    and may conflict, in both languages, never that one contradicts the other."""
    for key in ("conflicts_with", "source_legend_conflict"):
        zh, en = ga.label(key, "zh"), ga.label(key, "en")
        assert "不同" in zh and "可能矛盾" in zh, zh
        assert "differ" in en and "possibly in conflict" in en, en
        assert "contradict" not in en.lower() and not zh.startswith("与另一处说法矛盾"), (zh, en)


def test_show_views_metrics_references_and_counts(facts):
    metric = facts.show("eldercare.nursing_share_of_institutional_beds", "en")._repr_html_()
    assert "66.7%" in metric and "eldercare.beds.nursing / eldercare.beds.institutional × 100" in metric
    reference = facts.show("target.nursing_bed_share.2025", "zh")._repr_html_()
    assert "55%" in reference and "国发〔2021〕35号" in reference
    assert "147" in facts.show("divisions.townships", "en")._repr_html_()


def test_show_escapes_every_text(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",护理型床位,", ",护理型<script>alert(1)</script>床位,", 1))
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("民政部门积极应对", "民政部门<img src=x onerror=alert(1)>积极应对", 1))
    page = Facts(data_copy).show("eldercare.beds.nursing")._repr_html_()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_search_finds_ids_names_quotes_and_notes():
    found = ga.search("志愿")
    assert list(found.columns) == ["id", "kind", "name_zh", "name_en", "value", "unit", "found_in"]
    assert {"volunteering.teams", "volunteering.registered_volunteers", "volunteering.registered_per_100_residents"} \
        <= set(found["id"])
    assert set(found["kind"]) <= {"indicator", "metric", "reference", "count"}
    assert found.set_index("id").loc["volunteering.teams", "found_in"] == "name_zh, quote"
    english = ga.search("NURSING-TYPE")                                  # case does not matter
    assert "eldercare.beds.nursing" in set(english["id"]) and "target.nursing_bed_share.2025" in set(english["id"])
    assert "divisions.townships" in set(ga.search("divisions")["id"])
    assert ga.search("no such words anywhere").empty
    with pytest.raises(ValueError, match="search takes a word"):
        ga.search("  ")
