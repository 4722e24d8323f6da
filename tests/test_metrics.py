"""Derived metrics: each formula reproduces hand arithmetic on the report's figures."""
from __future__ import annotations

import pytest

import guilin_analysis as ga
from guilin_analysis.metrics import DEFINITIONS, _evaluate

from conftest import INDICATORS_CSV, rewrite


@pytest.fixture(scope="module")
def m():
    return ga.derived_metrics().set_index("metric_id")


def test_columns_and_one_row_per_metric(m):
    assert list(m.reset_index().columns) == ["metric_id", "name_zh", "name_en", "value", "unit",
                                             "formula", "inputs", "ratio", "caveat_en", "caveat_zh"]
    assert len(m) == len(ga.load_reference(DEFINITIONS)) and m.index.is_unique
    assert m["value"].notna().all()


def test_nursing_share_both_readings(m):
    # "养老机构床位数13372张，其中护理型床位8913张" and "全市养老服务床位达到32715张"
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "value"] == pytest.approx(8913 / 13372 * 100)
    assert m.loc["eldercare.nursing_share_of_all_beds", "value"] == pytest.approx(8913 / 32715 * 100)
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "inputs"] == \
        "eldercare.beds.nursing, eldercare.beds.institutional"


def test_beds_outside_institutions(m):
    assert m.loc["eldercare.beds_outside_institutions", "value"] == 32715 - 13372


def test_2021_beds_and_the_interval_the_rounding_allows(m):
    # "全市养老服务床位达到32715张，较2021年增加3.5%"
    assert m.loc["eldercare.beds_2021_implied", "value"] == pytest.approx(32715 / 1.035)
    assert m.loc["eldercare.beds_2021_implied_low", "value"] == pytest.approx(32715 / 1.0355)
    assert m.loc["eldercare.beds_2021_implied_high", "value"] == pytest.approx(32715 / 1.0345)


def test_coverage_against_reference_denominators(m):
    assert m.loc["governance.township_level_units", "value"] == 147
    assert m.loc["governance.social_work_station_coverage_first", "value"] == pytest.approx(78 / 147 * 100)
    assert m.loc["governance.social_work_station_coverage_restated", "value"] == pytest.approx(99 / 147 * 100)
    # the reference README's own check: 97 / 147 = 66.0 %
    assert round(m.loc["child_welfare.protection_workstation_coverage", "value"], 1) == 66.0
    assert m.loc["child_welfare.protection_workstation_coverage_all_rows", "value"] == pytest.approx(97 / 148 * 100)
    assert m.loc["child_welfare.women_children_committee_coverage", "value"] == pytest.approx(1263 / (1653 + 257) * 100)


def test_per_resident_and_per_unit_figures(m):
    assert m.loc["volunteering.registered_per_100_residents", "value"] == pytest.approx(110.14e4 / 4931137 * 100)
    assert m.loc["eldercare.lottery_funds_per_adapted_household", "value"] == pytest.approx(225e4 / 900)
    # "乡镇（街道）社工站建设工作，全市共计投入资金922.52万元": funds for the township stations only
    assert m.loc["governance.social_work_funds_per_station_first", "value"] == pytest.approx(922.52e4 / 78)
    # "总计服务63654人次" after both the 78 township and the 4 village stations
    assert m.loc["governance.social_work_services_per_station_first", "value"] == pytest.approx(63654 / 82)
    assert m.loc["governance.social_work_services_per_station_restated", "value"] == pytest.approx(63654 / 99)
    assert m.loc["eldercare.beds_per_100_aged_60_estimate", "value"] == pytest.approx(
        32715 / (4931137 * 0.1669) * 100)


def test_national_targets_like_for_like(m):
    # 14th plan: 养老机构护理型床位占比 55 % by 2025 (国发〔2021〕35号): over institutional beds
    assert m.loc["eldercare.nursing_share_gap_to_2025_target", "value"] == pytest.approx(8913 / 13372 * 100 - 55)
    assert m.loc["eldercare.nursing_share_gap_to_2025_target", "unit"] == "百分点"
    # 13th plan: 护理型床位占当地养老床位总数的比例 30 % (国发〔2017〕13号): over ALL beds, so Guilin is below
    gap = m.loc["eldercare.nursing_share_gap_to_2020_benchmark", "value"]
    assert gap == pytest.approx(8913 / 32715 * 100 - 30) and gap < 0
    assert m.loc["eldercare.nursing_share_gap_to_2020_benchmark", "inputs"] == \
        "eldercare.nursing_share_of_all_beds, target.nursing_bed_share.2020"


def test_every_comparison_sets_shares_of_one_definition_side_by_side(m):
    """Whatever a formula combines, the shares in it have one ratio key (no mixed denominators)."""
    reference = ga.load_reference("reference-figures").set_index("figure_id")
    keys = {**reference["ratio"].to_dict(), **m["ratio"].to_dict()}
    compared = 0
    for metric_id, inputs in m["inputs"].items():
        ratios = {keys[i] for i in inputs.split(", ") if keys.get(i)}
        assert len(ratios) <= 1, (metric_id, ratios)
        compared += any(i.startswith("target.") for i in inputs.split(", "))
    assert compared >= 2


def test_a_mixed_comparison_is_refused(data_copy):
    path = data_copy / "metrics" / "metric-definitions.csv"
    rewrite(path, lambda t: t.replace("eldercare.nursing_share_of_all_beds - target.nursing_bed_share.2020",
                                      "eldercare.nursing_share_of_institutional_beds - target.nursing_bed_share.2020"))
    with pytest.raises(ValueError, match="nursing_share_gap_to_2020_benchmark combines shares of different definitions"):
        ga.derived_metrics(data_copy)


def test_every_metric_has_both_languages_and_a_formula(m):
    assert (m["name_zh"].str.len() > 0).all() and (m["name_en"].str.len() > 0).all()
    assert (m["formula"].str.len() > 0).all()
    assert ((m["caveat_en"] == "") == (m["caveat_zh"] == "")).all()


def test_evaluator_rejects_unknown_ids_and_code():
    with pytest.raises(KeyError, match="eldercare.beds.missing"):
        _evaluate("eldercare.beds.missing / 2", {})
    with pytest.raises(ValueError, match="unsupported"):
        _evaluate("__import__('os')", {})


def test_metrics_follow_the_data(data_copy):
    path = data_copy / INDICATORS_CSV
    rewrite(path, lambda t: t.replace(",8913,张,", ",9000,张,", 1).replace("其中护理型床位8913张", "其中护理型床位9000张", 1))
    text = data_copy / "source" / "guilin-civil-affairs-report.zh.txt"
    rewrite(text, lambda t: t.replace("其中护理型床位8913张", "其中护理型床位9000张", 1))
    m = ga.derived_metrics(data_copy).set_index("metric_id")
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "value"] == pytest.approx(9000 / 13372 * 100)
