"""The audit finds the report's conflicts and ambiguities, and explains each in zh and en."""
from __future__ import annotations

import re

import pytest

import guilin_analysis as ga
from guilin_analysis.consistency import STATUSES, rounds_to

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


def test_nursing_share_is_truncated_not_rounded(checks):
    # "护理型床位占比达66%": 8913 / 13372 = 66.65 %, which rounds to 67 %
    row = checks.loc["eldercare.beds.nursing_share_recomputed"]
    assert row["status"] == "inconsistent"
    assert "66.65%" in row["explanation_en"] and "truncated" in row["explanation_en"]


def test_workstation_share_reproduces(checks):
    # "97个乡镇（街道）挂牌成立未保工作站，占比达66%": 97 / 147 = 65.99 %
    row = checks.loc["child_welfare.protection_workstations.share_recomputed"]
    assert row["status"] == "consistent" and "65.99%" in row["explanation_en"]


def test_ambiguities(checks):
    assert checks.loc["respectively.volunteering.growth", "status"] == "ambiguous"
    gaps = checks[checks.index.str.startswith("text_gap.")]
    assert len(gaps) == 1 and gaps.iloc[0]["indicator_ids"] == "governance.social_work.funding"
    assert checks.loc["eldercare.undefined_very_old", "status"] == "ambiguous"
    assert checks.loc["eldercare.beds.growth_base", "status"] == "unverifiable"
    assert checks.loc["lower_bound.social_affairs.lottery.sales", "status"] == "unverifiable"


def test_every_restated_figure_is_checked(checks):
    restated = [i for i in ga.load_indicators()["indicator_id"] if i.endswith(".restated")]
    assert {f"restated.{i.removesuffix('.restated')}" for i in restated} <= set(checks.index)


def test_indicator_ids_exist(checks):
    known = set(ga.load_indicators()["indicator_id"])
    for ids in checks["indicator_ids"]:
        assert set(ids.split(", ")) <= known


@pytest.mark.parametrize("recomputed,printed,expected", [
    (66.654, 66, False), (65.986, 66, True), (65.54, 66, True), (3.449, 3.5, False), (3.45, 3.5, True),
    (42.335, 42.34, True)])
def test_rounding_rule(recomputed, printed, expected):
    assert rounds_to(recomputed, printed) is expected


def test_a_corrected_copy_is_consistent(data_copy):
    """If the second statement said 78, the conflict would disappear: the audit reads the data."""
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",99,个,", ",78,个,")
            .replace("社工站99个", "社工站78个").replace("99个，服务63654人次", "78个，服务63654人次"))
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt",
            lambda t: t.replace("建成乡镇（街道）社工站99个", "建成乡镇（街道）社工站78个"))
    checks = ga.audit(data_copy).set_index("check_id")
    assert checks.loc["restated.governance.social_work.township_stations", "status"] == "consistent"
