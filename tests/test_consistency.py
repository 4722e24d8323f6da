"""The audit finds the report's conflicts and ambiguities, and explains each in zh and en."""
from __future__ import annotations

import re

import pytest

import guilin_analysis as ga
from guilin_analysis.consistency import STATUSES, printed_matches, rounds_to

from conftest import INDICATORS_CSV, rewrite

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def checks():
    return ga.audit().set_index("check_id")


def test_shape(checks):
    assert list(checks.reset_index().columns) == ["check_id", "status", "indicator_ids",
                                                  "explanation_zh", "explanation_en"]
    assert checks.index.is_unique
    assert set(checks["status"]) == set(STATUSES)
    assert checks["explanation_zh"].str.contains(CJK).all()
    assert (checks["explanation_en"].str.len() > 40).all()


def test_station_counts_conflict(checks):
    # "建成乡镇（街道）社工站78个" ... "建成乡镇（街道）社工站99个"
    row = checks.loc["restated.governance.social_work.township_stations"]
    assert row["status"] == "inconsistent"
    assert "78" in row["explanation_en"] and "99" in row["explanation_en"]
    assert checks.loc["governance.social_work.stations_for_same_services", "status"] == "inconsistent"


def test_repeated_figures_that_agree(checks):
    for first in ["governance.social_work.funding", "governance.social_work.services",
                  "governance.village_rules.household_threshold"]:
        assert checks.loc[f"restated.{first}", "status"] == "consistent"


def test_nursing_share_is_truncated_and_that_is_no_contradiction(checks):
    # "护理型床位占比达66%": 8913 / 13372 = 66.65 %, which rounds to 67 % and truncates to 66 %
    row = checks.loc["eldercare.beds.nursing_share_recomputed"]
    assert row["status"] == "consistent"
    assert "66.65%, which matches when truncated" in row["explanation_en"]
    assert "27.24%, which matches neither rounded nor truncated" in row["explanation_en"]
    assert "截尾（舍去小数）后相符" in row["explanation_zh"]


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


def test_ambiguities(checks):
    assert checks.loc["respectively.volunteering.growth", "status"] == "ambiguous"
    gaps = checks[checks.index.str.startswith("text_gap.")]
    # the three places where text was lost: the eldercare opening, the empty section, the stray 万元
    assert set(gaps.index) == {"text_gap.eldercare_opening", "text_gap.basic_livelihood_section",
                               "text_gap.social_work_stray_unit"}
    assert (gaps["status"] == "ambiguous").all()
    assert gaps.loc["text_gap.social_work_stray_unit", "indicator_ids"] == "governance.social_work.funding"
    assert "凡、极为不易的一年" in gaps.loc["text_gap.eldercare_opening", "explanation_en"]
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
    """50户以上 means 50 or more: never "more than 50"."""
    row = checks.loc["restated.governance.village_rules.household_threshold"]
    assert "at least 50 households" in row["explanation_en"] and "不少于50户" in row["explanation_zh"]
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
