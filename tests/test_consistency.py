"""The audit finds the report's conflicts and ambiguities, and explains each in zh and en."""
from __future__ import annotations

import ast
import re

import pytest

import guilin_analysis as ga
from guilin_analysis.consistency import (COLUMNS, STATUSES, near_repeats, printed_interval, printed_matches,
                                         repeated_passages, rounds_to)
from guilin_analysis.paths import PACKAGE_DIR

from conftest import INDICATORS_CSV, rewrite

CJK = re.compile(r"[\u4e00-\u9fff]")
GAPS_CSV = "source/text-gaps.csv"
DIVISIONS_CSV = "reference/guilin-township-divisions-2022.csv"


@pytest.fixture(scope="module")
def checks():
    return ga.audit().set_index("check_id")


def test_shape(checks):
    assert list(checks.reset_index().columns) == COLUMNS == ["check_id", "status", "indicator_ids", "conflict",
                                                             "explanation_zh", "explanation_en"]
    assert checks.index.is_unique
    assert set(checks["status"]) <= set(STATUSES) and {"consistent", "ambiguous", "unverifiable"} <= set(checks["status"])
    assert set(checks["conflict"]) <= {"", "yes", "probable"}
    assert checks["explanation_zh"].str.contains(CJK).all()
    assert (checks["explanation_en"].str.len() > 40).all()
    assert not checks["explanation_zh"].str.contains("报告").any(), "the newspaper feature is 报道 in Chinese"


def test_station_counts_are_a_probable_conflict_next_to_the_lost_text(checks):
    # "全市共计投入资金922.52万元。\n\n万元，建成乡镇（街道）社工站78个" ... "建成乡镇（街道）社工站99个":
    # the text lost before "万元，" may have named an earlier batch with its own sum
    for check_id in ["restated.governance.social_work.township_stations",
                     "governance.social_work.stations_for_same_services"]:
        row = checks.loc[check_id]
        assert row["status"] == "ambiguous" and row["conflict"] == "probable", check_id
        assert "78" in row["explanation_en"] and "99" in row["explanation_en"]
        assert "万元，建成乡镇（街道）社工站78个" in row["explanation_en"] and "probable conflict" in row["explanation_en"]
        assert "很可能矛盾" in row["explanation_zh"]


def test_without_the_gap_the_station_counts_conflict(data_copy):
    """The audit consults text-gaps.csv: a gap that no longer lists the 78 leaves a plain conflict."""
    rewrite(data_copy / GAPS_CSV, lambda t: t.replace(", governance.social_work.township_stations,", ","))
    checks = ga.audit(data_copy).set_index("check_id")
    row = checks.loc["restated.governance.social_work.township_stations"]
    assert row["status"] == "inconsistent" and row["conflict"] == "yes"
    assert "probable" not in row["explanation_en"]
    assert "The 2 inconsistent checks come from 1 underlying conflict" in ga.audit_summary(checks.reset_index(), "en")


def test_the_summary_names_the_probable_conflict(checks):
    en, zh = ga.audit_summary(checks.reset_index(), "en"), ga.audit_summary(checks.reset_index(), "zh")
    assert "0 inconsistent" in en and "point to 1 probable conflict" in en
    assert "Where the report may disagree with itself:" in en and "78 stations, then 99 stations" in en
    assert "0项不一致" in zh and "1处很可能的矛盾" in zh


def test_repeated_figures_that_agree(checks):
    for first in ["governance.social_work.funding", "governance.social_work.services"]:
        assert checks.loc[f"restated.{first}", "status"] == "consistent"


def test_a_near_repeat_is_no_independent_agreement_and_that_is_an_inference(checks):
    # "我市还推动50户以上自然村设立村规民约和居民公约。大力推广“一组两会”…模式。" and later
    # "推动50户以上自然村设立村规民约。大力推广“一组两会”…模式，营造…良好局面。": each shorter
    # sentence is contained in the longer one; not word for word
    row = checks.loc["restated.governance.village_rules.household_threshold"]
    assert row["status"] == "unverifiable" and "word for word" not in row["explanation_en"].replace("not word for word", "")
    assert "nearly repeats" in row["explanation_en"] and "an inference" in row["explanation_en"]
    assert "adds \"我市还\" and \"和居民公约\"" in row["explanation_en"]
    assert "并非逐字相同" in row["explanation_zh"] and "这是推断" in row["explanation_zh"] and "逐字重复" not in row["explanation_zh"]
    passages = checks.loc["repeated_passages"]
    assert passages["status"] == "ambiguous"
    zh, en = passages["explanation_zh"], passages["explanation_en"]
    assert "“推动50户以上自然村设立村规民约”，前文那一句多出“我市还”“和居民公约”" in zh
    assert "“大力推广‘一组两会’、网格化管理、村（社区）级协商议事等创新基层治理模式”，后文那一句多出“营造基层治理共建共治的良好局面”" in zh
    assert "两句话" in zh and "段" not in zh and "两处并非逐字相同" in zh and "推断" in zh
    assert en.startswith("Two sentences of the report come back elsewhere, the shorter contained in the longer")
    assert "not word for word the same" in en and "an inference" in en and "passage" not in en


def test_repeated_passages_are_found_by_rule():
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳。另一句。又说甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳，午未。"
    assert repeated_passages(text) == ["甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"]
    assert repeated_passages("甲乙丙丁戊己庚辛壬癸。甲乙丙丁戊己庚辛壬癸。") == []       # too short to be telling
    # a restatement in other words is no repeat: only part of a sentence comes back
    assert repeated_passages("投入资金九百万元，建成乡镇（街道）社工站七十八个。万元，建成乡镇（街道）社工站七十八个，村站四个。") == []


def test_a_near_repeat_says_what_the_longer_sentence_adds_and_where():
    text = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳。另一句。又说甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳，午未。"
    (repeat,) = near_repeats(text)
    assert (repeat.before, repeat.after, repeat.longer_first, repeat.verbatim) == ("又说", "午未", False, False)
    (same,) = near_repeats("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳。另一句。甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳。")
    assert same.verbatim and same.added == []


def test_a_verbatim_repeat_is_called_so(data_copy):
    """Make the second passage the first one word for word (in a copy): the explanation says so."""
    old, new = "推动50户以上自然村设立村规民约。大力推广", "我市还推动50户以上自然村设立村规民约和居民公约。大力推广"
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace(old, new))
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("等创新基层治理模式，营造基层治理共建共治的良好局面。", "等创新基层治理模式。"))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",推动50户以上自然村设立村规民约。,", ",推动50户以上自然村设立村规民约和居民公约,"))
    checks = ga.audit(data_copy).set_index("check_id")
    assert "两处逐字相同" in checks.loc["repeated_passages", "explanation_zh"]
    assert "word for word the same" in checks.loc["restated.governance.village_rules.household_threshold", "explanation_en"]


def test_a_rewritten_second_passage_is_a_second_statement(data_copy):
    """Take away the near-repeat (in a copy of text and quote): the restatement agrees again."""
    old, new = "推动50户以上自然村设立村规民约。大力推广", "各地推动50户以上的自然村都设立村规民约。大力推广"
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace(old, new))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",推动50户以上自然村设立村规民约。,", ",推动50户以上的自然村都设立村规民约。,"))
    checks = ga.audit(data_copy).set_index("check_id")
    assert checks.loc["restated.governance.village_rules.household_threshold", "status"] == "consistent"
    # the other sentence ("…“一组两会”…模式") still comes back, within a longer one
    assert "推动50户以上自然村" not in checks.loc["repeated_passages", "explanation_zh"]
    assert "一句话" in checks.loc["repeated_passages", "explanation_zh"]
    assert checks.loc["repeated_passages", "explanation_en"].startswith("One sentence of the report comes back")


def test_nursing_share_is_truncated_and_that_is_no_contradiction(checks):
    # "护理型床位占比达66%": 8913 / 13372 = 66.65 %, which rounds to 67 % and truncates to 66 %
    row = checks.loc["eldercare.beds.nursing_share_recomputed"]
    assert row["status"] == "consistent"
    assert "66.65%, which matches when truncated" in row["explanation_en"]
    assert "27.24%, which matches neither rounded nor truncated" in row["explanation_en"]
    assert "Only truncation (not the usual rounding half up" in row["explanation_en"]
    assert "截尾（舍去小数）后相符" in row["explanation_zh"] and "而不是通常的四舍五入" in row["explanation_zh"]


def test_no_single_convention_gives_both_printed_66_percent(checks):
    # nursing: 8913 / 13372 = 66.65 % (truncation only); workstations: 97 / 147 = 65.99 % and
    # 97 / 148 = 65.54 % (rounding only). Rounding would need 8913 / d in [65.5, 66.5): d from 13404 to
    # 13607; truncation would need 97 / d in [66, 67): d = 145 or 146.
    row = checks.loc["printed_shares.one_convention"]
    assert row["status"] == "ambiguous"
    assert "no single convention gives both" in row["explanation_en"]
    assert "13,404 to 13,607, not the 13,372 used here" in row["explanation_en"]
    assert "145 to 146, not the 147 used here" in row["explanation_en"]
    assert "分母须为145至146" in row["explanation_zh"]


def test_a_printed_share_no_convention_reproduces_is_inconsistent(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("护理型床位占比达66%", "护理型床位占比达60%")
            .replace(",66,%,,2022,stock,exact,护理型床位占比达", ",60,%,,2022,stock,exact,护理型床位占比达"))
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("护理型床位占比达66%", "护理型床位占比达60%"))
    row = ga.audit(data_copy).set_index("check_id").loc["eldercare.beds.nursing_share_recomputed"]
    assert row["status"] == "inconsistent" and "No reading reproduces" in row["explanation_en"]


def test_workstation_share_reproduces(checks):
    # "97个乡镇（街道）挂牌成立未保工作站，占比达66%": 97 / 147 = 65.99 %
    row = checks.loc["child_welfare.protection_workstations.share_recomputed"]
    assert row["status"] == "consistent" and "65.99%" in row["explanation_en"]
    assert "over the 147 townships, towns and sub-districts" in row["explanation_en"]
    assert "over all 148 township-level rows" in row["explanation_en"]


def test_the_division_counts_in_explanations_come_from_the_division_table(data_copy):
    """Drop one sub-district from a copy of the division table: 147 and 148 become 146 and 147."""
    rewrite(data_copy / DIVISIONS_CSV, lambda t: "\n".join(l for l in t.split("\n") if not l.startswith("450302003,")))
    row = ga.audit(data_copy).set_index("check_id").loc["child_welfare.protection_workstations.share_recomputed"]
    assert "over the 146 townships, towns and sub-districts" in row["explanation_en"]
    assert "over all 147 township-level rows" in row["explanation_en"]
    assert "以146个乡镇（街道）为分母" in row["explanation_zh"] and "以147个乡镇级单位（含管委会）为分母" in row["explanation_zh"]
    assert "97 / 146" not in row["explanation_en"] and f"{97 / 146 * 100:.2f}%" in row["explanation_en"]


def test_no_number_is_typed_into_an_explanation():
    """Every string of the audit module that holds a digit is a regular expression or a data id:
    the numbers an explanation states all come from the data."""
    tree = ast.parse((PACKAGE_DIR / "consistency.py").read_text(encoding="utf-8"))
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            skip |= {id(n) for n in ast.walk(node.format_spec)}
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            skip.add(id(node.body[0].value))
    typed = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
             and id(n) not in skip and re.search(r"\d", n.value)
             and not re.fullmatch(r"[a-z0-9_.]+", n.value) and "\\s" not in n.value]
    assert not typed, typed


def test_the_growth_base_uses_the_rule_for_printed_figures(checks):
    # "较2021年增加3.5%": rounded half up or truncated, the rate lies in [3.45 %, 3.6 %), so the 2021
    # beds lie between 32715 / 1.036 = 31578 and 32715 / 1.0345 = 31624
    assert printed_interval(3.5) == pytest.approx((3.45, 3.6))
    row = checks.loc["eldercare.beds.growth_base"]
    assert "between 31,578 and 31,624" in row["explanation_en"] and "3.45% up to, not including, 3.6%" in row["explanation_en"]
    assert "31578至31624张" in row["explanation_zh"]


def test_ambiguities(checks):
    assert checks.loc["respectively.volunteering.growth", "status"] == "ambiguous"
    gaps = checks[checks.index.str.startswith("text_gap.")]
    # the three places where text was lost: the eldercare opening, the empty section, the stray 万元
    assert set(gaps.index) == {"text_gap.eldercare_opening", "text_gap.basic_livelihood_section",
                               "text_gap.social_work_stray_unit"}
    assert (gaps["status"] == "ambiguous").all()
    # the stray "万元，" puts in doubt the funds before it and every figure of the paragraph after it
    assert gaps.loc["text_gap.social_work_stray_unit", "indicator_ids"].split(", ") == [
        "governance.social_work.funding", "governance.social_work.township_stations", "governance.social_work.village_stations",
        "governance.social_work.services", "governance.social_work.home_visits", "governance.social_work.resources_linked"]
    assert "凡、极为不易的一年" in gaps.loc["text_gap.eldercare_opening", "explanation_en"]
    # the eldercare opening: every eldercare figure whose year is inferred
    affected = set(gaps.loc["text_gap.eldercare_opening", "indicator_ids"].split(", "))
    assert {"eldercare.beds.total", "eldercare.beds.nursing", "eldercare.funding.services"} <= affected
    assert not any(i.startswith("eldercare.home_care.") for i in affected)    # "2022年以来" is printed there
    # the check says what a gap is (the label), the data's note only gives the readings
    assert all(e.startswith("Text probably lost here: ") and e.count("Text probably lost here") == 1
               for e in gaps["explanation_en"])
    assert all(z.startswith("此处可能缺失文字：") and z.count("可能缺失") == 1 for z in gaps["explanation_zh"])
    assert not any("probably lost here" in g for g in ga.load_reference("text-gaps")["note_en"])
    assert checks.loc["eldercare.undefined_very_old", "status"] == "ambiguous"
    assert checks.loc["eldercare.beds.growth_base", "status"] == "unverifiable"
    assert checks.loc["lower_bound.social_affairs.lottery.sales", "status"] == "unverifiable"


def test_every_restated_figure_is_checked(checks):
    restated = [i for i in ga.load_indicators()["indicator_id"] if i.endswith(".restated")]
    assert {f"restated.{i.removesuffix('.restated')}" for i in restated} <= set(checks.index)


def test_indicator_ids_exist(checks):
    known = set(ga.load_indicators()["indicator_id"])
    for ids in checks["indicator_ids"]:
        assert set(ids.split(", ")) - {""} <= known


@pytest.mark.parametrize("recomputed,printed,expected", [
    (66.654, 66, False), (65.986, 66, True), (65.54, 66, True), (3.449, 3.5, False), (3.45, 3.5, True),
    (42.335, 42.34, True)])
def test_rounding_rule(recomputed, printed, expected):
    assert rounds_to(recomputed, printed) is expected


@pytest.mark.parametrize("recomputed,printed,expected", [
    (66.654, 66, "truncated"), (65.986, 66, "rounded"), (66.0, 66, "rounded"), (66.999, 66, "truncated"),
    (67.2, 66, None), (65.4, 66, None), (3.449, 3.5, None), (3.58, 3.5, "truncated")])
def test_printed_share_rule_names_the_convention(recomputed, printed, expected):
    assert printed_matches(recomputed, printed) == expected


def test_at_least_is_not_more_than(checks):
    """50户以上 means 50 or more: never "more than 50"; Chinese keeps the report's own 50户以上."""
    row = checks.loc["restated.governance.village_rules.household_threshold"]
    assert "at least 50 households" in row["explanation_en"] and "50户以上" in row["explanation_zh"]
    assert "more than" not in row["explanation_en"] and "超过" not in row["explanation_zh"]


def test_no_subset_check_without_a_stated_relation(checks):
    assert not any("health_records" in i for i in checks.index)


def test_a_corrected_copy_is_consistent(data_copy):
    """If the second statement said 78, the conflict would disappear: the audit reads the data."""
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",99,个,", ",78,个,")
            .replace("社工站99个", "社工站78个").replace("99个，服务63654人次", "78个，服务63654人次"))
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("建成乡镇（街道）社工站99个", "建成乡镇（街道）社工站78个"))
    checks = ga.audit(data_copy).set_index("check_id")
    assert checks.loc["restated.governance.social_work.township_stations", "status"] == "consistent"
    assert checks.loc["restated.governance.social_work.township_stations", "conflict"] == ""
