"""Derived metrics: each formula reproduces hand arithmetic on the report's figures; bounds are
part of a definition, values carry the precision their inputs support, and every comparison
with a target is phrased from the bound (guilin_analysis.compare)."""
from __future__ import annotations

import math

import pytest

import guilin_analysis as ga
from guilin_analysis.compare import compare
from guilin_analysis.consistency import printed_interval
from guilin_analysis.lookup import Facts
from guilin_analysis.metrics import BOUNDS, DEFINITIONS, _evaluate, supported

from conftest import INDICATORS_CSV, rewrite

DEFINITIONS_CSV = "metrics/metric-definitions.csv"


@pytest.fixture(scope="module")
def m():
    """The unrounded values, for hand arithmetic."""
    return ga.derived_metrics(exact=True).set_index("metric_id")


@pytest.fixture(scope="module")
def rounded():
    return ga.derived_metrics().set_index("metric_id")


@pytest.fixture(scope="module")
def facts():
    return Facts()


def test_columns_and_one_row_per_metric(m):
    assert list(m.reset_index().columns) == ["metric_id", "name_zh", "name_en", "value", "unit",
                                             "formula", "inputs", "ratio", "bound", "caveat_en", "caveat_zh"]
    assert len(m) == len(ga.load_reference(DEFINITIONS)) and m.index.is_unique
    assert m["value"].notna().all()
    assert set(m["bound"]) <= set(BOUNDS)


def test_the_share_of_all_beds_is_a_lower_bound(m):
    # "养老机构床位数13372张，其中护理型床位8913张": the nursing-type beds the report gives are those
    # in institutions; nursing-type beds elsewhere are not reported, so over all beds it is at least this
    assert m.loc["eldercare.nursing_share_of_all_beds", "bound"] == "lower"
    assert m.loc["eldercare.nursing_share_gap_to_2020_benchmark", "bound"] == "lower"
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "bound"] == "exact"
    # "安排…225万元，为六城区约900户…": at most about 2,500 yuan a household
    assert m.loc["eldercare.lottery_funds_per_adapted_household", "bound"] == "upper"
    # "筹措60余万元": more than 600,000 yuan, so per child more than the quotient
    assert m.loc["child_welfare.funds_per_child_aided", "bound"] == "lower"


def test_a_metric_from_a_lower_bound_declared_exact_is_refused(data_copy):
    path = data_copy / DEFINITIONS_CSV
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("eldercare.nursing_share_gap_to_2020_benchmark,"))
    rewrite(path, lambda t: t.replace("target.nursing_bed_share.2020,百分点,,lower,", "target.nursing_bed_share.2020,百分点,,exact,"))
    with pytest.raises(ValueError, match=rf"metrics/metric-definitions.csv, line {line}, column bound: .*"
                                         r"declared 'exact', but its bounded inputs make it 'lower'"):
        ga.derived_metrics(data_copy)


def test_a_metric_from_a_more_than_figure_must_be_a_lower_bound(data_copy):
    # "筹措60余万元" is more than 600,000 yuan: the amount per child cannot be declared an upper bound
    rewrite(data_copy / DEFINITIONS_CSV, lambda t: t.replace("child_welfare.childrens_day.children_aided,元/人,,lower,",
                                                             "child_welfare.childrens_day.children_aided,元/人,,upper,"))
    with pytest.raises(ValueError, match="column bound: metric child_welfare.funds_per_child_aided is declared 'upper'"):
        ga.derived_metrics(data_copy)


def test_an_unknown_bound_is_refused_by_the_schema(data_copy):
    rewrite(data_copy / DEFINITIONS_CSV, lambda t: t.replace(",百分点,,lower,", ",百分点,,below,", 1))
    problems = [str(p) for p in ga.validate(data_copy)]
    assert any("metric-definitions.csv" in p and "column bound" in p and "below" in p for p in problems), problems


def test_values_carry_the_precision_their_inputs_support(rounded, m):
    # "较2021年增加3.5%": a rate printed to one decimal leaves the tens of the 2021 beds uncertain
    assert rounded.loc["eldercare.beds_2021_implied", "value"] == 31610
    # exact counts: four significant digits (8913 / 13372 = 66.654...%)
    assert rounded.loc["eldercare.nursing_share_of_institutional_beds", "value"] == 66.65
    # 225万元 / 约900户: the approximate count leaves the hundreds uncertain
    assert rounded.loc["eldercare.lottery_funds_per_adapted_household", "value"] == 2500
    for metric_id, value in rounded["value"].items():
        digits = f"{value:.10g}".replace("-", "").replace(".", "").lstrip("0").rstrip("0")
        assert len(digits) <= 7, (metric_id, value)         # never a 17-digit float
        assert math.isclose(value, m.loc[metric_id, "value"], rel_tol=0.01, abs_tol=10), metric_id


def test_a_rounded_bound_stays_a_bound(rounded, m):
    for metric_id in rounded.index:
        bound, shown, exact = rounded.loc[metric_id, "bound"], rounded.loc[metric_id, "value"], m.loc[metric_id, "value"]
        if bound == "lower":
            assert shown <= exact + 1e-9, metric_id
        if bound == "upper":
            assert shown >= exact - 1e-9, metric_id
    # a bound is rounded outward at whole units, not at its inputs' uncertainty: 32715 / 1.036 = 31578.19
    assert supported(31578.19, 31560, 31590, "lower") == 31578 and supported(31623.97, 31610, 31640, "upper") == 31624
    assert supported(31578.99, 31560, 31590, "lower") == 31578 and supported(31623.01, 31610, 31640, "upper") == 31624
    assert supported(27.2365, 27.2, 27.3, "lower") == 27.23


def test_the_printed_range_of_implied_beds_matches_the_notebooks(rounded, m):
    # "全市养老服务床位达到32715张，较2021年增加3.5%": 32715 / 1.036 = 31578.2, 32715 / 1.0345 = 31623.97
    assert rounded.loc["eldercare.beds_2021_implied_low", "value"] == 31578 == math.floor(
        m.loc["eldercare.beds_2021_implied_low", "value"])
    assert rounded.loc["eldercare.beds_2021_implied_high", "value"] == 31624 == math.ceil(
        m.loc["eldercare.beds_2021_implied_high", "value"])


def test_nursing_share_both_readings(m):
    # "养老机构床位数13372张，其中护理型床位8913张" and "全市养老服务床位达到32715张"
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "value"] == pytest.approx(8913 / 13372 * 100)
    assert m.loc["eldercare.nursing_share_of_all_beds", "value"] == pytest.approx(8913 / 32715 * 100)
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "inputs"] == \
        "eldercare.beds.nursing, eldercare.beds.institutional"


def test_nursing_share_both_readings(m):
    # "养老机构床位数13372张，其中护理型床位8913张" and "全市养老服务床位达到32715张"
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "value"] == pytest.approx(8913 / 13372 * 100)
    assert m.loc["eldercare.nursing_share_of_all_beds", "value"] == pytest.approx(8913 / 32715 * 100)
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "inputs"] == \
        "eldercare.beds.nursing, eldercare.beds.institutional"


def test_beds_outside_institutions(m):
    assert m.loc["eldercare.beds_outside_institutions", "value"] == 32715 - 13372


def test_2021_beds_and_the_interval_the_printed_rate_allows(m):
    # "全市养老服务床位达到32715张，较2021年增加3.5%": rounded half up or truncated, the rate lies in
    # [3.45 %, 3.6 %), the same rule as for printed shares
    assert m.loc["eldercare.beds_2021_implied", "value"] == pytest.approx(32715 / 1.035)
    assert m.loc["eldercare.beds_2021_implied_low", "value"] == pytest.approx(32715 / 1.036)
    assert m.loc["eldercare.beds_2021_implied_high", "value"] == pytest.approx(32715 / 1.0345)
    low_rate, high_rate = printed_interval(3.5)
    assert m.loc["eldercare.beds_2021_implied_low", "value"] == pytest.approx(32715 / (1 + high_rate / 100))
    assert m.loc["eldercare.beds_2021_implied_high", "value"] == pytest.approx(32715 / (1 + low_rate / 100))


def test_coverage_against_reference_denominators(m):
    assert m.loc["governance.township_level_units", "value"] == 147
    # 13 rows of the division table end in 街道, 134 in 镇 or 乡, and one is the management committee
    assert m.loc["governance.sub_districts", "value"] == 13 and m.loc["governance.towns_and_townships", "value"] == 134
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
    assert m.loc["eldercare.beds_per_1000_aged_60_estimate", "value"] == pytest.approx(
        32715 / (4931137 * 0.1669) * 1000)
    assert m.loc["eldercare.beds_per_1000_aged_60_estimate", "unit"] == "张/千名老年人"
    # "签约老人23801人", "建立健康档案10511份", "全年培训养老服务机构护理员2200人次"
    assert m.loc["eldercare.home_care_reach_estimate", "value"] == pytest.approx(23801 / (4931137 * 0.1669) * 100)
    assert m.loc["eldercare.health_records_per_100_contracted", "value"] == pytest.approx(10511 / 23801 * 100)
    assert m.loc["eldercare.caregiver_training_per_100_institutional_beds", "value"] == pytest.approx(2200 / 13372 * 100)
    # "开展入户走访17102户，链接社会资源25.9万元" after 78 township and 4 village stations
    assert m.loc["governance.social_work_home_visits_per_station", "value"] == pytest.approx(17102 / 82)
    assert m.loc["governance.social_work_resources_share_of_funds", "value"] == pytest.approx(25.9 / 922.52 * 100)
    assert m.loc["governance.village_station_share", "value"] == pytest.approx(4 / 1910 * 100)


def test_national_targets(m):
    # 14th plan: 养老机构护理型床位占比 55 % by 2025 (国发〔2021〕35号): over institutional beds
    assert m.loc["eldercare.nursing_share_gap_to_2025_target", "value"] == pytest.approx(8913 / 13372 * 100 - 55)
    assert m.loc["eldercare.nursing_share_gap_to_2025_target", "unit"] == "百分点"
    # 13th plan: 护理型床位占当地养老床位总数的比例 30 % (国发〔2017〕13号): over ALL beds; the institutional
    # nursing beds alone fall short, which is a lower bound of the gap, not a verdict
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
    with pytest.raises(ValueError, match="metrics/metric-definitions.csv, line \\d+, column formula: metric "
                                         "eldercare.nursing_share_gap_to_2020_benchmark combines shares of different definitions"):
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
    m = ga.derived_metrics(data_copy, exact=True).set_index("metric_id")
    assert m.loc["eldercare.nursing_share_of_institutional_beds", "value"] == pytest.approx(9000 / 13372 * 100)


# ---------------------------------------------------------------- comparisons (guilin_analysis.compare)

def test_a_lower_bound_below_a_floor_cannot_be_judged(facts):
    # 27.24 % of all beds is only the institutional nursing-type beds: below the 13th plan's 30 %,
    # but the share of all nursing-type beds may lie on either side
    c = compare(facts, "eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020")
    assert c.verdict == "cannot_judge" and c.bound == "lower"
    zh, en = c.clause("zh", "“十三五”基准"), c.clause("en", "the 13th plan's benchmark")
    assert "无法判断" in zh and "下限" in zh and "低于" not in zh
    assert "cannot be judged" in en and "lower bound" in en and "below" not in en
    assert c.lapsed          # a 2020 benchmark against 2022 beds


def test_an_exact_share_above_its_target(facts):
    # 8913 / 13372 = 66.65 % against the 14th plan's 55 %: 11.7 points above
    c = compare(facts, "eldercare.nursing_share_of_institutional_beds", "target.nursing_bed_share.2025")
    assert c.verdict == "above" and not c.lapsed
    assert c.clause("zh", "目标") == "高于目标11.7个百分点"
    assert c.clause("en", "the target") == "11.7 percentage points above the target"


def test_a_bound_on_the_right_side_is_judged_at_least(data_copy):
    # with a floor of 20 %, the lower bound 27.24 % is enough: at least 7.2 points above
    rewrite(data_copy / "reference" / "reference-figures.csv",
            lambda t: t.replace("nursing-type beds as a share of all local eldercare beds,30,", "nursing-type beds as a share of all local eldercare beds,20,"))
    c = compare(Facts(data_copy), "eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020")
    assert c.verdict == "above" and c.clause("en", "it") == "at least 7.2 percentage points above it"
    assert c.clause("zh", "基准") == "高于基准至少7.2个百分点"


def test_an_upper_bound_above_a_benchmark_cannot_be_judged(facts):
    # at most about 2,500 yuan per household, against the 600 yuan per child (a lower bound)
    c = compare(facts, "eldercare.lottery_funds_per_adapted_household", "child_welfare.funds_per_child_aided")
    assert c.verdict == "cannot_judge" and "upper bound" in c.en and "above" not in c.en
    below = compare(facts, "child_welfare.funds_per_child_aided", "eldercare.lottery_funds_per_adapted_household")
    assert below.verdict == "cannot_judge" and "lower bound" in below.en
