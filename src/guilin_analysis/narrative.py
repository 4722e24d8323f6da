"""Words from numbers: format figures for a language and write the report's summaries.

In: the indicator table (and the derived metrics and audit). Out: strings, Markdown.
Nothing here is typed-in prose about a figure: every number in a sentence is read from the
data at call time, so a change to the data package changes the sentence.
"""
from __future__ import annotations

import math
import os

from .data import INDICATORS, unit_labels
from .labels import label

#: Figures shown on the report's index page, in this order.
KEY_FIGURES = [
    "eldercare.beds.total",
    "eldercare.beds.nursing",
    "governance.social_work.township_stations",
    "volunteering.registered_volunteers",
    "child_welfare.protection_workstations",
    "social_affairs.lottery.sales",
]


def format_number(value: float, decimals: int | None = None) -> str:
    """32715 -> '32,715'; 922.52 -> '922.52'; 66.654 with decimals=1 -> '66.7'."""
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_figure(value: float, unit: str, lang: str, qualifier: str = "exact",
                  data_dir: str | os.PathLike | None = None, decimals: int | None = None,
                  with_unit: bool = True, resource: str = INDICATORS) -> str:
    """A figure as a reader of ``lang`` expects it.

    zh keeps the printed unit: ``32,715 张``, ``922.52 万元``, ``约 900 户``, ``66%``.
    en converts to base units with the descriptor's labels: ``32,715 beds``,
    ``9.2252 million yuan`` -> ``9.23 million yuan``, ``about 900 households``, ``66%``.
    ``with_unit=False`` leaves the unit out (for a sentence that names it): ``about 1,000``.
    """
    if math.isnan(value):
        return "—"
    prefix = label(qualifier, lang)
    if unit == "%":
        text = f"{format_number(value, decimals)}%"
    elif lang == "zh":
        text = f"{format_number(value, decimals)} {unit}" if with_unit else format_number(value, decimals)
    else:
        info = unit_labels(resource, data_dir)[unit]
        base = value * info["multiplier"]
        if abs(base) >= 1_000_000:
            millions = base / 1_000_000
            text = f"{format_number(round(millions, 2) if decimals is None else millions, decimals)} million"
        else:
            text = format_number(base, decimals)
        if with_unit:
            text += f" {info['en']}"
    if not prefix:
        return text
    return f"{prefix}{text}" if lang == "zh" else f"{prefix} {text}"


def figure_text(row, lang: str, data_dir=None, with_unit: bool = True) -> str:
    """Format one indicator row (a mapping with value, unit, qualifier)."""
    return format_figure(row["value"], row["unit"], lang, row["qualifier"], data_dir, with_unit=with_unit)


def key_figures(lang: str, data_dir: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """``[(name, formatted figure)]`` for :data:`KEY_FIGURES`, read from the data."""
    from .data import load_indicators

    table = load_indicators(data_dir).set_index("indicator_id")
    name = "name_zh" if lang == "zh" else "name_en"
    return [(table.loc[i, name], figure_text(table.loc[i], lang, data_dir))
            for i in KEY_FIGURES if i in table.index]


# ---------------------------------------------------------------- summaries

SECTIONS = ("general", "eldercare", "governance", "volunteering", "child_welfare", "social_affairs")


class Figures:
    """The indicators and derived metrics of one data package, indexed by id, loaded once.

    Shared by the narrative and the audit: both read figures and metrics by id and format
    them for a language.
    """

    def __init__(self, data_dir):
        from .data import load_indicators
        from .metrics import derived_metrics

        self.data_dir = data_dir
        self.table = load_indicators(data_dir).set_index("indicator_id")
        self.metrics = derived_metrics(data_dir).set_index("metric_id")

    def value(self, indicator_id: str) -> float:
        return float(self.table.loc[indicator_id, "value"])

    def metric(self, metric_id: str) -> float:
        return float(self.metrics.loc[metric_id, "value"])

    def fig(self, indicator_id: str, lang: str, with_unit: bool = True) -> str:
        """An indicator as printed, for ``lang``; ``with_unit=False`` for a sentence naming the unit."""
        return figure_text(self.table.loc[indicator_id], lang, self.data_dir, with_unit=with_unit)

    def name(self, indicator_id: str, lang: str) -> str:
        return self.table.loc[indicator_id, "name_zh" if lang == "zh" else "name_en"]


class _Facts(Figures):
    """:class:`Figures` with the reference figures, bound to one language for the sentences."""

    def __init__(self, lang: str, data_dir):
        from .data import load_reference

        label("report_title", lang)  # rejects an unknown language early
        super().__init__(data_dir)
        self.lang = lang
        self.reference = load_reference("reference-figures", data_dir).set_index("figure_id")

    def f(self, indicator_id: str) -> str:
        """An indicator as printed, for this language."""
        return self.fig(indicator_id, self.lang)

    def n(self, indicator_id: str) -> str:
        """An indicator's number (with 约/about, 超过/more than) for a sentence that names the unit."""
        return self.fig(indicator_id, self.lang, with_unit=False)

    def m(self, metric_id: str, decimals: int = 0) -> str:
        """A derived metric's number, rounded for prose."""
        return format_number(self.metric(metric_id), decimals)

    def r(self, figure_id: str) -> str:
        row = self.reference.loc[figure_id]
        return format_number(row["value"]) + ("%" if row["unit"] == "%" else "")

    def zh(self) -> bool:
        return self.lang == "zh"


def _eldercare(x: _Facts) -> dict[str, str]:
    gap = x.metric("eldercare.nursing_share_gap_to_2025_target")
    if x.zh():
        return dict(zip(['beds', 'nursing', 'home_care', 'funding'], [
            f"全市养老服务床位{x.f('eldercare.beds.total')}，较2021年增长{x.f('eldercare.beds.total_growth')}，"
            f"据此推算2021年约{x.m('eldercare.beds_2021_implied')} 张。其中养老机构床位{x.f('eldercare.beds.institutional')}，"
            f"占全部床位的{x.m('eldercare.institutional_share_of_beds', 1)}%（全国为{x.m('china.institutional_share_of_beds', 1)}%）。",
            f"护理型床位{x.f('eldercare.beds.nursing')}，占养老机构床位的{x.m('eldercare.nursing_share_of_institutional_beds', 1)}%"
            f"（报告印为{x.f('eldercare.beds.nursing_share')}），{'高于' if gap >= 0 else '低于'}国家2025年"
            f"{x.r('target.nursing_bed_share.2025')}的目标{format_number(abs(gap), 1)} 个百分点。",
            f"居家养老政府购买服务签约老人{x.f('eldercare.home_care.contracted_elders')}，开展居家照料服务"
            f"{x.f('eldercare.home_care.care_services')}（每位签约老人约{x.m('eldercare.care_services_per_contracted_elder', 1)} 次），"
            f"建立健康档案{x.f('eldercare.home_care.health_records')}。",
            f"投入养老服务资金{x.f('eldercare.funding.services')}；市本级福彩公益金{x.f('eldercare.funding.lottery_home_adaptation')}"
            f"用于{x.f('eldercare.home_adaptation.households')}家庭的居家适老化改造，每户约{x.m('eldercare.lottery_funds_per_adapted_household')} 元。",
        ]))
    return dict(zip(['beds', 'nursing', 'home_care', 'funding'], [
        f"Guilin had {x.f('eldercare.beds.total')} for older people, {x.f('eldercare.beds.total_growth')} more than in 2021, "
        f"which implies about {x.m('eldercare.beds_2021_implied')} beds in 2021. Of these, {x.f('eldercare.beds.institutional')} "
        f"were in eldercare institutions, {x.m('eldercare.institutional_share_of_beds', 1)}% of the total "
        f"(China: {x.m('china.institutional_share_of_beds', 1)}%).",
        f"Nursing-type beds numbered {x.n('eldercare.beds.nursing')}, {x.m('eldercare.nursing_share_of_institutional_beds', 1)}% "
        f"of institutional beds (printed as {x.f('eldercare.beds.nursing_share')}), {format_number(abs(gap), 1)} percentage points "
        f"{'above' if gap >= 0 else 'below'} the national target of {x.r('target.nursing_bed_share.2025')} for 2025.",
        f"Government-purchased home care signed up {x.n('eldercare.home_care.contracted_elders')} older people, delivered "
        f"{x.n('eldercare.home_care.care_services')} home-care services (about {x.m('eldercare.care_services_per_contracted_elder', 1)} "
        f"per person signed up) and opened {x.n('eldercare.home_care.health_records')} health records.",
        f"Eldercare funding came to {x.f('eldercare.funding.services')}; {x.f('eldercare.funding.lottery_home_adaptation')} "
        f"of welfare-lottery funds paid for home adaptation in {x.f('eldercare.home_adaptation.households')}, "
        f"about {x.m('eldercare.lottery_funds_per_adapted_household')} yuan per household.",
    ]))


def _governance(x: _Facts) -> dict[str, str]:
    a, b = "governance.social_work.township_stations", "governance.social_work.township_stations.restated"
    same = math.isclose(x.value(a), x.value(b))
    townships = x.m("governance.township_level_units")
    if x.zh():
        stations = (f"报告给出的乡镇（街道）社工站数量{'为' + x.f(a) if same else '前后不一：先说' + x.f(a) + '，后说' + x.f(b)}，"
                    f"对照全市{townships}个乡镇（街道），覆盖率为{x.m('governance.social_work_station_coverage_first', 1)}%"
                    + ("" if same else f"或{x.m('governance.social_work_station_coverage_restated', 1)}%") + "。")
        return dict(zip(['committees', 'stations', 'station_output'], [
            f"全市{x.f('governance.public_health_committees.villages')}行政村、{x.f('governance.public_health_committees.communities')}社区"
            f"{x.f('governance.public_health_committees.coverage')}建立了公共卫生委员会（报告未给出委员会数量）。",
            stations,
            f"社工站建设共投入资金{x.f('governance.social_work.funding')}，服务{x.f('governance.social_work.services')}，"
            f"入户走访{x.f('governance.social_work.home_visits')}，链接社会资源{x.f('governance.social_work.resources_linked')}；"
            f"平均每站投入约{x.m('governance.social_work_funds_per_station_first')} 元"
            + ("" if same else f"（按{format_number(x.value(b))} 个站则为{x.m('governance.social_work_funds_per_station_restated')} 元）") + "。",
        ]))
    stations = (f"The report gives {'one count of township social-work stations, ' + x.f(a) if same else 'two counts of township social-work stations, ' + format_number(x.value(a)) + ' and ' + format_number(x.value(b))}; "
                f"against {townships} township-level units that is {x.m('governance.social_work_station_coverage_first', 1)}%"
                + ("" if same else f" or {x.m('governance.social_work_station_coverage_restated', 1)}%") + " coverage.")
    return dict(zip(['committees', 'stations', 'station_output'], [
        f"All ({x.f('governance.public_health_committees.coverage')}) of Guilin's {format_number(x.value('governance.public_health_committees.villages'))} "
        f"administrative villages and {format_number(x.value('governance.public_health_committees.communities'))} urban communities "
        f"have a public-health committee, the report says (it gives no count of committees).",
        stations,
        f"The stations received {x.f('governance.social_work.funding')}, delivered {x.f('governance.social_work.services')} of service, "
        f"visited {x.f('governance.social_work.home_visits')} and brokered {x.f('governance.social_work.resources_linked')} of resources: "
        f"about {x.m('governance.social_work_funds_per_station_first')} yuan per station"
        + ("" if same else f" ({x.m('governance.social_work_funds_per_station_restated')} yuan reading {format_number(x.value(b))} stations)") + ".",
    ]))


def _volunteering(x: _Facts) -> dict[str, str]:
    if x.zh():
        return dict(zip(['scale', 'growth'], [
            f"全市统筹{x.f('volunteering.teams')}志愿服务队伍、{x.f('volunteering.registered_volunteers')}实名注册志愿者，"
            f"相当于每百名常住人口{x.m('volunteering.registered_per_100_residents', 1)} 人、每支队伍约{x.m('volunteering.volunteers_per_team')} 人；"
            f"发布志愿服务项目{x.f('volunteering.projects')}（每支队伍约{x.m('volunteering.projects_per_team', 1)} 个）。",
            f"报告称较2021年“分别”增长{x.f('volunteering.growth.first')}和{x.f('volunteering.growth.second')}，"
            f"但只给出一个主语（志愿服务总时长），两个增长率各指什么无法确定。",
        ]))
    return dict(zip(['scale', 'growth'], [
        f"Guilin counted {x.n('volunteering.teams')} volunteer teams and {x.n('volunteering.registered_volunteers')} volunteers registered "
        f"under their real names: {x.m('volunteering.registered_per_100_residents', 1)} per 100 residents, or about "
        f"{x.m('volunteering.volunteers_per_team')} per team; {x.n('volunteering.projects')} volunteer projects were published "
        f"(about {x.m('volunteering.projects_per_team', 1)} per team).",
        f"Growth on 2021 of {x.f('volunteering.growth.first')} and {x.f('volunteering.growth.second')} is reported "
        f"\"respectively\" for a single subject (total volunteer hours), so which quantity grew by which rate is unclear.",
    ]))


def _child_welfare(x: _Facts) -> dict[str, str]:
    if x.zh():
        return dict(zip(['protection', 'childrens_day'], [
            f"{x.f('child_welfare.protection_workstations')}乡镇（街道）挂牌成立未保工作站，报告称占比{x.f('child_welfare.protection_workstations.share')}；"
            f"按参考数据重算为{x.m('child_welfare.protection_workstation_coverage', 1)}%。"
            f"{x.f('child_welfare.women_children_committees')}村（居）设立妇女儿童工作委员会，"
            f"约占{x.m('governance.villages_and_communities')} 个行政村和社区的{x.m('child_welfare.women_children_committee_coverage', 1)}%。",
            f"“六一”活动筹措{x.f('child_welfare.childrens_day.funds_raised')}，资助{x.n('child_welfare.childrens_day.children_aided')}名困境儿童，"
            f"每人约{x.m('child_welfare.funds_per_child_aided')} 元（两项均为约数）。",
        ]))
    return dict(zip(['protection', 'childrens_day'], [
        f"{x.n('child_welfare.protection_workstations')} township-level units have a juvenile-protection workstation; "
        f"the report prints the share as {x.f('child_welfare.protection_workstations.share')}, and the reference data give "
        f"{x.m('child_welfare.protection_workstation_coverage', 1)}%. {x.n('child_welfare.women_children_committees')} villages "
        f"and communities have a women and children's committee, {x.m('child_welfare.women_children_committee_coverage', 1)}% "
        f"of the {x.m('governance.villages_and_communities')}.",
        f"The Children's Day event raised {x.f('child_welfare.childrens_day.funds_raised')} for "
        f"{x.n('child_welfare.childrens_day.children_aided')} children in difficulty: about {x.m('child_welfare.funds_per_child_aided')} "
        f"yuan per child (both inputs are round figures).",
    ]))


def _social_affairs(x: _Facts) -> dict[str, str]:
    if x.zh():
        return dict(zip(['funerals', 'assistance'], [
            f"殡葬方面，争取资金{x.f('social_affairs.funerals.yaoshan_cemetery_funding')}用于尧山公益性公墓建设，"
            f"整治靖江王陵散葬民坟{x.f('social_affairs.funerals.graves_cleared')}，殡葬设施建设行动计划为期"
            f"{x.f('social_affairs.funerals.facilities_plan_years')}；{x.table.loc['social_affairs.funerals.flower_bed_burial_edition', 'period']}年举办第"
            f"{format_number(x.value('social_affairs.funerals.flower_bed_burial_edition'))}届花坛葬活动。",
            f"社会救助方面，落户安置长期滞留流浪乞讨人员{x.f('social_affairs.assistance.vagrants_settled')}；"
            f"福利彩票{x.table.loc['social_affairs.lottery.sales', 'period']}年销售额{x.f('social_affairs.lottery.sales')}。",
        ]))
    return dict(zip(['funerals', 'assistance'], [
        f"For funerals, {x.f('social_affairs.funerals.yaoshan_cemetery_funding')} went to the Yaoshan (尧山) public cemetery, "
        f"{x.n('social_affairs.funerals.graves_cleared')} scattered graves at the Jingjiang princes' tombs (靖江王陵) were rectified under a "
        f"{format_number(x.value('social_affairs.funerals.facilities_plan_years'))}-year facilities plan, and the "
        f"{_ordinal(x.value('social_affairs.funerals.flower_bed_burial_edition'))} flower-bed burial event was held in "
        f"{x.table.loc['social_affairs.funerals.flower_bed_burial_edition', 'period']}.",
        f"In social assistance, {x.n('social_affairs.assistance.vagrants_settled')} people long stranded as vagrants were given residence; "
        f"welfare-lottery sales in {x.table.loc['social_affairs.lottery.sales', 'period']} were "
        f"{x.f('social_affairs.lottery.sales')}.",
    ]))


def _ordinal(n: float) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _general(x: _Facts) -> dict[str, str]:
    n = len(x.table)
    twice = int(x.table.index.str.endswith(".restated").sum())
    sections = x.table["section"].nunique()
    if x.zh():
        return {"transcription": f"从报告中转录了{n}个数字，分属{sections}个板块，其中{twice}个数字报告给出了两次。"
                f"市民政局先后{x.n('general.recognition.typical_speeches')}次在全区民政工作会议和各业务领域会议上作典型发言。"}
    return {"transcription": f"{n} figures were transcribed from the report across {sections} sections; the report "
            f"states {twice} of them twice. The Bureau gave showcase speeches at region-wide meetings "
            f"{x.n('general.recognition.typical_speeches')} times."}


def _audit_summary(x: _Facts) -> dict[str, str]:
    from .consistency import audit

    checks = audit(x.data_dir)
    counts = checks["status"].value_counts()
    text = "explanation_zh" if x.zh() else "explanation_en"
    parts = [f"{int(counts.get(s, 0))} {'项' if x.zh() else ''}{label('audit_' + s, x.lang)}" for s in
             ("consistent", "inconsistent", "ambiguous", "unverifiable")]
    if x.zh():
        head = f"共{len(checks)}项核对：" + "，".join(parts) + "。"
        lead = "不一致之处："
    else:
        head = f"{len(checks)} checks: " + ", ".join(parts) + "."
        lead = "Where the report disagrees with itself:"
    bullets = [f"- {t}" for t in checks.loc[checks["status"] == "inconsistent", text]]
    return {"summary": head, "conflicts": lead + "\n\n" + "\n".join(bullets)}


_BUILDERS = {"general": _general, "eldercare": _eldercare, "governance": _governance,
             "volunteering": _volunteering, "child_welfare": _child_welfare,
             "social_affairs": _social_affairs, "audit": _audit_summary}


def _paragraphs(section: str, lang: str, data_dir) -> dict[str, str]:
    if section not in _BUILDERS:
        raise ValueError(f"section must be one of {', '.join(_BUILDERS)}, not {section!r}")
    return _BUILDERS[section](_Facts(lang, data_dir))


def summarize(section: str, lang: str = "zh", data_dir: str | os.PathLike | None = None) -> str:
    """Markdown paragraphs on one section ("eldercare", ..., or "audit"), computed from the data.

    Every number comes from the data package (figures, derived metrics, audit), formatted for
    ``lang``: change a figure in a copy of the package and the sentence changes with it.
    """
    return "\n\n".join(_paragraphs(section, lang, data_dir).values())


def sentence(section: str, topic: str, lang: str = "zh", data_dir: str | os.PathLike | None = None) -> str:
    """One paragraph of :func:`summarize`, by topic (``sentence("eldercare", "nursing")``)."""
    paragraphs = _paragraphs(section, lang, data_dir)
    if topic not in paragraphs:
        raise ValueError(f"{section} has no topic {topic!r}; topics: {', '.join(paragraphs)}")
    return paragraphs[topic]


#: The findings of the whole report, as (section, topic) of :func:`sentence`.
KEY_FINDINGS = [("eldercare", "nursing"), ("governance", "stations"),
                ("volunteering", "scale"), ("child_welfare", "protection")]


def key_findings(lang: str = "zh", data_dir: str | os.PathLike | None = None) -> list[str]:
    """One finding per theme, each computed from the data (for the overview and the README)."""
    x = _Facts(lang, data_dir)
    return [_BUILDERS[section](x)[topic] for section, topic in KEY_FINDINGS]


# ---------------------------------------------------------------- notebook pages

def title(notebook: str, lang: str = "zh", data_dir: str | os.PathLike | None = None,
          findings: list[tuple[str, str]] | None = None) -> str:
    """A notebook's title and its key findings as Markdown: ``# title`` and one bullet per finding.

    ``findings`` are (section, topic) pairs of :func:`sentence`; by default :data:`KEY_FINDINGS`.
    """
    x = _Facts(lang, data_dir)
    bullets = [_BUILDERS[section](x)[topic] for section, topic in (findings or KEY_FINDINGS)]
    lines = [f"# {label('nb.' + notebook, lang)}", "", f"**{label('key_findings', lang)}**", ""]
    return "\n".join(lines + [f"- {b}" for b in bullets])


def heading(question: str, lang: str = "zh") -> str:
    """A question heading (``## …``) from the label table."""
    return f"## {label('q.' + question, lang)}"


def method(lang: str = "zh", data_dir: str | os.PathLike | None = None, indicators: list[str] = (),
           metrics: list[str] = (), references: list[str] = ()) -> str:
    """The "sources and method" section: which figures, which formulas, which reference data."""
    from .data import load_indicators, load_reference
    from .metrics import derived_metrics

    table = load_indicators(data_dir).set_index("indicator_id")
    out = [f"## {label('sources_and_method', lang)}", ""]
    if lang == "zh":
        out.append("数字均转录自《市民政局：笃行实干增福祉 栉风沐雨惠民生》（本报记者张苑），"
                   "每个数字附有原文引文，见 `data/indicators/report-indicators.csv`。")
    else:
        out.append("Figures are transcribed from the newspaper feature on the Guilin Civil Affairs Bureau "
                   "(桂林市民政局) by staff reporter Zhang Yuan (张苑); each has its verbatim Chinese quote in "
                   "`data/indicators/report-indicators.csv`, column `quote`.")
    if indicators:
        out += ["", f"**{label('figures_used', lang)}**", ""]
        for i in indicators:
            row = table.loc[i]
            cite = f"“{row['quote']}”" if lang == "zh" else f"{row['name_en']}, {row['period']}"
            out.append(f"- `{i}`: {cite}")
    if metrics:
        derived = derived_metrics(data_dir).set_index("metric_id")
        out += ["", f"**{label('derived_metrics', lang)}**", ""]
        for m in metrics:
            out.append(f"- `{m}` = {derived.loc[m, 'formula']}")
    if references:
        ref = load_reference("reference-figures", data_dir).set_index("figure_id")
        out += ["", f"**{label('reference_used', lang)}**", ""]
        for r in references:
            out.append(f"- `{r}`: {ref.loc[r, 'source']}")
    return "\n".join(out)
