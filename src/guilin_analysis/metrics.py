"""Derived metrics: what the report's figures imply, with their formulas and caveats.

In: the indicator table and the reference tables of a data package. Out:
:func:`derived_metrics`, a DataFrame with ``metric_id``, ``name_zh``, ``name_en``, ``value``,
``unit``, ``formula`` (readable), ``inputs`` (the ids used, comma-separated), ``caveat`` and
``caveat_zh``.

Each formula below is both the documentation and the computation: it is evaluated as written,
over values converted to base units (persons, yuan, beds; 110.14 万人 is 1,101,400). Names are
indicator ids (``eldercare.beds.total``), reference figure ids (``population.guilin.resident``)
or counts from the division tables (``divisions.townships``: rows named 镇, 乡 or 街道, which
leaves out the management committee row; ``divisions.township_rows``: all rows).
Where a figure can be read two ways, both readings are computed as separate metrics and the
caveat says so.

Benchmarks cited in ``data/reference/reference-figures.csv``: the 55 % nursing-bed target for
2025 (国发〔2021〕35号), the 30 % benchmark of the 13th Five-Year Plan, national bed totals
(《2022年度国家老龄事业发展公报》), census populations (7th national census, 2020).
"""
from __future__ import annotations

import ast
import operator
import os
import re
from dataclasses import dataclass

import pandas as pd

from .data import INDICATORS, load_indicators, load_reference, unit_labels

_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


@dataclass(frozen=True)
class Metric:
    metric_id: str
    name_zh: str
    name_en: str
    formula: str
    unit: str
    caveat: str = ""
    caveat_zh: str = ""


METRICS: list[Metric] = [
    # eldercare: beds
    Metric("eldercare.nursing_share_of_institutional_beds", "护理型床位占养老机构床位比例（重算）",
           "Nursing-type beds as a share of institutional beds (recomputed)",
           "eldercare.beds.nursing / eldercare.beds.institutional × 100", "%",
           "The reading the sentence suggests: the nursing-type beds are introduced as part of the institutional beds.",
           "按报告语序（“其中”紧随养老机构床位）的读法。"),
    Metric("eldercare.nursing_share_of_all_beds", "护理型床位占全部养老服务床位比例",
           "Nursing-type beds as a share of all eldercare beds",
           "eldercare.beds.nursing / eldercare.beds.total × 100", "%",
           "The other reading of the denominator: all eldercare beds.",
           "分母的另一种读法：全部养老服务床位。"),
    Metric("eldercare.beds_outside_institutions", "机构以外的养老服务床位",
           "Eldercare beds outside institutions",
           "eldercare.beds.total - eldercare.beds.institutional", "张",
           "Assumes the institutional beds are part of the total.",
           "假定机构床位包含在床位总数之内。"),
    Metric("eldercare.institutional_share_of_beds", "养老机构床位占全部床位比例",
           "Institutional beds as a share of all eldercare beds",
           "eldercare.beds.institutional / eldercare.beds.total × 100", "%",
           "Same assumption as the beds outside institutions.", "假定同上。"),
    Metric("china.institutional_share_of_beds", "全国注册养老机构床位占全部床位比例",
           "China: beds in registered institutions as a share of all eldercare beds",
           "china.eldercare_beds.institutional / china.eldercare_beds.total × 100", "%",
           "National figures for end 2022, a benchmark for the Guilin share.",
           "2022年末全国数据，作为桂林比例的参照。"),
    Metric("eldercare.beds_2021_implied", "由增长率推算的2021年床位数",
           "Eldercare beds in 2021 implied by the growth rate",
           "eldercare.beds.total / (1 + eldercare.beds.total_growth / 100)", "张",
           "The report gives no 2021 figure; the growth rate is rounded, see the low and high bounds.",
           "报告未给出2021年数字；增长率为约数，见上下限。"),
    Metric("eldercare.beds_2021_implied_low", "推算的2021年床位数（下限）",
           "Implied 2021 beds, lowest value the rounding allows",
           "eldercare.beds.total / (1 + (eldercare.beds.total_growth + 0.05) / 100)", "张",
           "A rate printed to one decimal lies within 0.05 points of the printed value.", "印到一位小数的增长率，真实值在印出值±0.05个百分点之内。"),
    Metric("eldercare.beds_2021_implied_high", "推算的2021年床位数（上限）",
           "Implied 2021 beds, highest value the rounding allows",
           "eldercare.beds.total / (1 + (eldercare.beds.total_growth - 0.05) / 100)", "张",
           "A rate printed to one decimal lies within 0.05 points of the printed value.", "印到一位小数的增长率，真实值在印出值±0.05个百分点之内。"),
    Metric("eldercare.nursing_share_gap_to_2025_target", "护理型床位占比与2025年国家目标之差",
           "Nursing-bed share minus the national 2025 target",
           "eldercare.nursing_share_of_institutional_beds - target.nursing_bed_share.2025", "百分点",
           "Recomputed share against the national target for eldercare institutions (State Council document 国发〔2021〕35号).",
           "以重算占比对照养老机构护理型床位占比的国家目标（国发〔2021〕35号）。"),
    Metric("eldercare.nursing_share_gap_to_2020_benchmark", "护理型床位占比与“十三五”基准之差",
           "Nursing-bed share minus the 13th Five-Year Plan benchmark",
           "eldercare.nursing_share_of_institutional_beds - target.nursing_bed_share.2020", "百分点",
           "The benchmark is a minimum for 2020.", "“十三五”基准为2020年的下限。"),
    Metric("eldercare.beds_per_1000_residents", "每千名常住人口养老服务床位",
           "Eldercare beds per 1,000 residents",
           "eldercare.beds.total / population.guilin.resident × 1000", "张/千人",
           "Beds in 2022 over the 2020 census population.", "2022年床位数除以2020年人口普查常住人口。"),
    Metric("eldercare.beds_per_100_aged_60_estimate", "每百名60岁以上老人养老服务床位（估算）",
           "Eldercare beds per 100 residents aged 60+ (estimate)",
           "eldercare.beds.total / (population.guilin.resident × population.guangxi.share_60_plus / 100) × 100",
           "张/百人",
           "Guilin's population aged 60+ is not in the reference data: Guangxi's 2020 share stands in.",
           "参考数据没有桂林60岁以上人口：以广西2020年比例代替。"),
    Metric("china.beds_per_100_aged_60", "全国每百名60岁以上老人养老服务床位",
           "China: eldercare beds per 100 residents aged 60+",
           "china.eldercare_beds.total / population.china.aged_60_plus × 100", "张/百人",
           "National figures for end 2022.", "2022年末全国数据。"),
    # eldercare: services and money
    Metric("eldercare.lottery_funds_per_adapted_household", "每户居家适老化改造的福彩公益金",
           "Welfare-lottery funds per household given home adaptation",
           "eldercare.funding.lottery_home_adaptation / eldercare.home_adaptation.households", "元/户",
           "The household count is approximate (约900户), so this is too.", "户数为约数（约900户），结果亦为约数。"),
    Metric("eldercare.care_services_per_contracted_elder", "每位签约老人的居家照料服务次数",
           "Home-care services per contracted older person",
           "eldercare.home_care.care_services / eldercare.home_care.contracted_elders", "次/人",
           "Assumes the services went to the contracted older people.", "假定服务对象为签约老人。"),
    Metric("eldercare.health_records_share_of_contracted", "建立健康档案的签约老人比例",
           "Health records opened per contracted older person",
           "eldercare.home_care.health_records / eldercare.home_care.contracted_elders × 100", "%",
           "Assumes one record per person, all among the contracted.", "假定每人一份档案，均为签约老人。"),
    Metric("eldercare.demonstration_units_total", "“三个一百示范工程”培育的示范机构合计",
           "Model eldercare units cultivated, all three kinds",
           "eldercare.demonstration.institutions + eldercare.demonstration.street_centres"
           " + eldercare.demonstration.township_centres", "个", "", ""),
    # governance: denominators and social-work stations (two statements)
    Metric("governance.township_level_units", "乡镇级单位（乡、镇、街道）", "Township-level units (townships and streets)",
           "divisions.townships", "个",
           "Counted from the division table: rows named as a town, township or street (镇, 乡, 街道); the management committee row is left out.",
           "按区划表计数：名称以镇、乡或街道结尾的单位，不含管委会。"),
    Metric("governance.social_work_station_coverage_first", "乡镇（街道）社工站覆盖率（按第一次表述）",
           "Township social-work station coverage, first statement",
           "governance.social_work.township_stations / divisions.townships × 100", "%",
           "The report gives a second, different count; both readings are computed.", "报告另有一个不同的数字；两种读法都计算。"),
    Metric("governance.social_work_station_coverage_restated", "乡镇（街道）社工站覆盖率（按第二次表述）",
           "Township social-work station coverage, second statement",
           "governance.social_work.township_stations.restated / divisions.townships × 100", "%",
           "The report gives a first, different count; both readings are computed.", "报告另有一个不同的数字；两种读法都计算。"),
    Metric("governance.social_work_funds_per_station_first", "每个社工站投入资金（按第一次表述，含村级站）",
           "Funds per social-work station, first statement (township and village stations)",
           "governance.social_work.funding / (governance.social_work.township_stations"
           " + governance.social_work.village_stations)", "元/个",
           "Assumes the funds paid for every station of this statement.", "假定资金用于这一表述中的全部站点。"),
    Metric("governance.social_work_funds_per_station_restated", "每个社工站投入资金（按第二次表述）",
           "Funds per social-work station, second statement",
           "governance.social_work.funding.restated / governance.social_work.township_stations.restated", "元/个",
           "The closing paragraph ties the same funds to a different count.", "结尾段落把同一笔资金对应另一个站数。"),
    Metric("governance.social_work_services_per_station_first", "每个社工站服务人次（按第一次表述，含村级站）",
           "Services per social-work station, first statement (township and village stations)",
           "governance.social_work.services / (governance.social_work.township_stations"
           " + governance.social_work.village_stations)", "人次/个", "", ""),
    Metric("governance.social_work_services_per_station_restated", "每个社工站服务人次（按第二次表述）",
           "Services per social-work station, second statement",
           "governance.social_work.services.restated / governance.social_work.township_stations.restated",
           "人次/个", "", ""),
    Metric("governance.villages_and_communities", "行政村和社区合计", "Administrative villages and communities",
           "governance.public_health_committees.villages + governance.public_health_committees.communities", "个",
           "", ""),
    # child welfare
    Metric("child_welfare.protection_workstation_coverage", "设立未保工作站的乡镇（街道）比例",
           "Share of township-level units with a juvenile-protection workstation",
           "child_welfare.protection_workstations / divisions.townships × 100", "%",
           "Townships, towns and streets of the division table; the management committee row is left out.",
           "以区划表中的乡、镇、街道为分母（不含管委会）。"),
    Metric("child_welfare.protection_workstation_coverage_all_rows", "设立未保工作站的乡镇级单位比例（含管委会）",
           "Share with a juvenile-protection workstation, counting every township-level row",
           "child_welfare.protection_workstations / divisions.township_rows × 100", "%",
           "The other reading: the management committee row counted too.", "另一种读法：管委会也计入分母。"),
    Metric("child_welfare.women_children_committee_coverage", "设立妇女儿童工作委员会的村（居）比例",
           "Share of villages and communities with a women and children's committee",
           "child_welfare.women_children_committees / (governance.public_health_committees.villages"
           " + governance.public_health_committees.communities) × 100", "%",
           "Denominator: the villages and communities the report counts for public-health committees.",
           "分母为报告在公共卫生委员会处给出的行政村和社区数。"),
    Metric("child_welfare.funds_per_child_aided", "“六一”活动每名儿童资助金额",
           "Children's Day funds per child aided",
           "child_welfare.childrens_day.funds_raised / child_welfare.childrens_day.children_aided", "元/人",
           "Both inputs are round figures (more than, about): an order of magnitude only.",
           "两项输入均为约数（“余”“千名”）：只表示量级。"),
    # volunteering
    Metric("volunteering.registered_per_100_residents", "每百名常住人口实名注册志愿者",
           "Registered volunteers per 100 residents",
           "volunteering.registered_volunteers / population.guilin.resident × 100", "人/百人",
           "2022 registrations over the 2020 census population; registrations may include inactive accounts.",
           "2022年注册人数除以2020年普查人口；注册数可能包括不活跃账号。"),
    Metric("volunteering.volunteers_per_team", "每支志愿服务队伍的注册志愿者", "Registered volunteers per team",
           "volunteering.registered_volunteers / volunteering.teams", "人/支",
           "Not every registered volunteer belongs to a team.", "并非每名注册志愿者都属于某支队伍。"),
    Metric("volunteering.projects_per_team", "每支队伍发布的志愿服务项目", "Volunteer projects per team",
           "volunteering.projects / volunteering.teams", "个/支", "", ""),
]


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(formula: str, values: dict[str, float]) -> tuple[float, list[str]]:
    """Evaluate a formula of ids, numbers, + - × / and parentheses; return (value, ids used)."""
    names: dict[str, str] = {}

    def name_for(match: re.Match) -> str:
        key = match.group(0)
        if key not in values:
            raise KeyError(f"formula {formula!r} uses {key!r}, which is neither an indicator, "
                           "a reference figure nor a derived metric")
        return names.setdefault(key, f"v{len(names)}")

    expression = _ID.sub(name_for, formula.replace("×", "*"))
    lookup = {alias: values[key] for key, alias in names.items()}

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return lookup[node.id]
        raise ValueError(f"unsupported syntax in formula {formula!r}")

    return walk(ast.parse(expression, mode="eval")), list(names)


def base_values(data_dir: str | os.PathLike | None = None) -> dict[str, float]:
    """Every indicator and reference figure in base units, and the division counts."""
    values: dict[str, float] = {}
    for table, resource, key in [(load_indicators(data_dir), INDICATORS, "indicator_id"),
                                 (load_reference("reference-figures", data_dir), "reference-figures", "figure_id")]:
        labels = unit_labels(resource, data_dir)
        for row in table.itertuples(index=False):
            values[getattr(row, key)] = row.value * labels[row.unit]["multiplier"]
    divisions = load_reference("township-divisions", data_dir)
    values["divisions.township_rows"] = float(len(divisions))
    values["divisions.townships"] = float(divisions["name"].str.contains("(?:镇|乡|街道)$").sum())
    return values


def derived_metrics(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every metric of :data:`METRICS`, computed from a data package (see the module docstring)."""
    values = base_values(data_dir)
    rows = []
    for metric in METRICS:
        value, inputs = _evaluate(metric.formula, values)
        values[metric.metric_id] = value          # later formulas may use earlier metrics
        rows.append({"metric_id": metric.metric_id, "name_zh": metric.name_zh, "name_en": metric.name_en,
                     "value": value, "unit": metric.unit, "formula": metric.formula,
                     "inputs": ", ".join(inputs), "caveat": metric.caveat, "caveat_zh": metric.caveat_zh})
    return pd.DataFrame(rows)
