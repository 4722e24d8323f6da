"""Words from numbers: format figures for a language and write the report's summaries.

In: the indicator table (and the derived metrics and audit). Out: strings, Markdown.
Nothing here is typed-in prose about a figure: every number in a sentence is read from the
data at call time, so a change to the data package changes the sentence.
"""
from __future__ import annotations

import os

from .formatting import (check_lang, chinese_numeral, escape_markdown, format_number, money, percent, points,
                         significant)
from .labels import label
from .lookup import Facts

#: Figures shown on the report's index page, in this order (a figure in conflict shows both statements).
KEY_FIGURES = [
    "eldercare.beds.total",
    "eldercare.beds.nursing",
    "governance.social_work.township_stations",
    "volunteering.registered_volunteers",
    "child_welfare.protection_workstations",
    "social_affairs.lottery.sales",
]


def key_figures(lang: str, data_dir: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """``[(name, formatted figure)]`` for :data:`KEY_FIGURES`, read from the data; a figure the
    report contradicts carries the other statement beside it (``78个（另一处称99个）``)."""
    facts = Facts(data_dir)
    return [(facts.name(i, lang), facts.fig_as_stated(i, lang)) for i in KEY_FIGURES if facts.has(i)]


# ---------------------------------------------------------------- summaries

SECTIONS = ("general", "eldercare", "governance", "volunteering", "child_welfare", "social_affairs")


class _Facts(Facts):
    """:class:`~guilin_analysis.lookup.Facts` bound to one language, with short names for the sentences."""

    def __init__(self, lang: str, data_dir):
        super().__init__(data_dir)
        self.lang = check_lang(lang)

    def f(self, indicator_id: str) -> str:
        """An indicator as printed, for this language."""
        return self.fig(indicator_id, self.lang)

    def n(self, indicator_id: str) -> str:
        """An indicator's number (with 约/about, 超过/more than) for a sentence that names the unit."""
        return self.fig(indicator_id, self.lang, with_unit=False)

    def p(self, indicator_id: str) -> str:
        """An indicator's period in words."""
        return self.period(indicator_id, self.lang)

    def pct(self, metric_id: str, decimals: int = 1) -> str:
        """A derived share as a percentage: 66.7%."""
        return percent(self.metric(metric_id), decimals)

    def r(self, figure_id: str, with_qualifier: bool = False) -> str:
        """A reference figure (a target, a population)."""
        return self.ref(figure_id, self.lang, with_qualifier)

    def zh(self) -> bool:
        return self.lang == "zh"


def _eldercare(x: _Facts) -> dict[str, str]:
    gap_2025 = x.metric("eldercare.nursing_share_gap_to_2025_target")
    gap_2020 = x.metric("eldercare.nursing_share_gap_to_2020_benchmark")
    lottery_upper = x.metric("eldercare.lottery_funds_per_adapted_household")
    districts = (chinese_numeral(x.value("eldercare.home_adaptation.districts")) if x.zh()
                 else format_number(x.value("eldercare.home_adaptation.districts")))

    def sig3(metric_id: str, lang: str) -> str:
        value = significant(x.metric(metric_id), 3)
        return f"{format_number(value / 10_000)}万" if lang == "zh" and value >= 10_000 else format_number(value)
    if x.zh():
        return dict(zip(['beds', 'nursing', 'home_care', 'funding'], [
            f"{x.p('eldercare.beds.total')}全市养老服务床位{x.f('eldercare.beds.total')}，较2021年增长{x.f('eldercare.beds.total_growth')}，"
            f"据此推算2021年约{sig3('eldercare.beds_2021_implied', 'zh')}张（按增长率的印刷精度，在{x.m('eldercare.beds_2021_implied_low')}"
            f"至{x.m('eldercare.beds_2021_implied_high')}张之间）。养老机构床位{x.f('eldercare.beds.institutional')}，"
            f"若包含在总数之内，占全部床位的{x.pct('eldercare.institutional_share_of_beds')}"
            f"（2022年末全国注册养老机构床位占全部养老服务床位的{x.pct('china.institutional_share_of_beds')}）。",
            f"护理型床位{x.f('eldercare.beds.nursing')}，占养老机构床位的{x.pct('eldercare.nursing_share_of_institutional_beds')}"
            f"（报告称{x.f('eldercare.beds.nursing_share')}，未说明分母），{'高于' if gap_2025 >= 0 else '低于'}“十四五”规划"
            f"养老机构护理型床位占比2025年达到{x.r('target.nursing_bed_share.2025')}的目标{points(gap_2025, 'zh')}；"
            f"若以全部养老服务床位为分母，报告给出的机构内护理型床位占{x.pct('eldercare.nursing_share_of_all_beds')}，"
            f"{'高于' if gap_2020 >= 0 else '低于'}“十三五”规划护理型床位占当地养老床位总数"
            f"{x.r('target.nursing_bed_share.2020', True)}的基准{points(gap_2020, 'zh')}；"
            f"机构以外的护理型床位报告未给出，若有，这一比例会更高。",
            f"{x.p('eldercare.home_care.contracted_elders')}，居家养老政府购买服务签约老人{x.f('eldercare.home_care.contracted_elders')}，"
            f"开展居家照料服务{x.f('eldercare.home_care.care_services')}（若服务均面向签约老人，每人约"
            f"{x.m('eldercare.care_services_per_contracted_elder', 1)}次），建立健康档案{x.f('eldercare.home_care.health_records')}。",
            f"推动完成“1521工程”后期建设，投入养老服务资金{x.f('eldercare.funding.services')}，重点支持兴安县老年福利中心等"
            f"综合养老服务设施建设。市本级福彩公益金{x.f('eldercare.funding.lottery_home_adaptation')}用于{districts}城区"
            f"{x.f('eldercare.home_adaptation.households')}经济困难老年人家庭的居家适老化改造；同一句还提到居家养老服务站、"
            f"敬老院和区域性养老服务中心，报告未说明是否出自同一笔资金。若全部用于改造，每户约{money(lottery_upper, 'zh')}（上限）。",
        ]))
    return dict(zip(['beds', 'nursing', 'home_care', 'funding'], [
        f"Guilin had {x.f('eldercare.beds.total')} for older people in {x.table.loc['eldercare.beds.total', 'period']}, "
        f"{x.f('eldercare.beds.total_growth')} more than in 2021, which implies about {sig3('eldercare.beds_2021_implied', 'en')} beds "
        f"in 2021 ({x.m('eldercare.beds_2021_implied_low')} to {x.m('eldercare.beds_2021_implied_high')} given the rounding "
        f"of the rate). Eldercare institutions had {x.f('eldercare.beds.institutional')}: if they are part of the total, "
        f"{x.pct('eldercare.institutional_share_of_beds')} of it (China, end 2022: "
        f"{x.pct('china.institutional_share_of_beds')} of all eldercare beds were in registered institutions).",
        f"Nursing-type beds numbered {x.n('eldercare.beds.nursing')}: {x.pct('eldercare.nursing_share_of_institutional_beds')} "
        f"of beds in eldercare institutions (the report says {x.f('eldercare.beds.nursing_share')} without naming the "
        f"denominator), {points(gap_2025, 'en')} {'above' if gap_2025 >= 0 else 'below'} the 14th Five-Year Plan's target "
        f"of {x.r('target.nursing_bed_share.2025')} of institutional beds by 2025. Over all eldercare beds, the "
        f"institutional nursing-type beds the report gives are {x.pct('eldercare.nursing_share_of_all_beds')}, "
        f"{points(gap_2020, 'en')} {'above' if gap_2020 >= 0 else 'below'} the 13th plan's benchmark of "
        f"{x.r('target.nursing_bed_share.2020', True)} of all local eldercare beds by 2020; nursing-type beds outside "
        f"institutions are not reported and would raise the share.",
        f"{x.p('eldercare.home_care.contracted_elders').capitalize()}, government-purchased home care has signed up "
        f"{x.n('eldercare.home_care.contracted_elders')} older people and delivered {x.n('eldercare.home_care.care_services')} "
        f"home-care services (about {x.m('eldercare.care_services_per_contracted_elder', 1)} per person signed up, if the "
        f"services went to them); {x.n('eldercare.home_care.health_records')} health records were opened.",
        f"Alongside completing the later construction of the \"1521 project\", {x.f('eldercare.funding.services')} of "
        f"eldercare funds were invested, mainly supporting facilities such as the Xing'an county elderly welfare centre. "
        f"{x.f('eldercare.funding.lottery_home_adaptation')} of city-level welfare-lottery funds went to home adaptation for "
        f"{x.f('eldercare.home_adaptation.households')} of low-income older people in the {districts} urban districts; "
        f"the same sentence goes on to home-care stations, homes for the aged (敬老院) and regional centres without saying "
        f"whether this money paid for them. If all of it went to adaptation, that is about {money(lottery_upper, 'en')} "
        f"per household, an upper bound.",
    ]))


def _governance(x: _Facts) -> dict[str, str]:
    a, b = "governance.social_work.township_stations", "governance.social_work.township_stations.restated"
    village = "governance.social_work.village_stations"
    same = x.conflict(a) is None
    townships = x.m("governance.township_level_units")
    first_total = format_number(x.value(a) + x.value(village))
    per_first = money(x.metric("governance.social_work_funds_per_station_first"), x.lang)
    per_second = money(x.metric("governance.social_work_funds_per_station_restated"), x.lang)
    if x.zh():
        stations = (f"报告给出的乡镇（街道）社工站数量{'为' + x.f(a) if same else '前后不一：先说' + x.f(a) + '，后说' + x.f(b)}，"
                    f"对照全市{townships}个乡镇（街道），覆盖率为{x.pct('governance.social_work_station_coverage_first')}"
                    + ("" if same else f"或{x.pct('governance.social_work_station_coverage_restated')}") + "。")
        return dict(zip(['committees', 'stations', 'station_output'], [
            f"{x.p('governance.public_health_committees.villages')}全市{x.f('governance.public_health_committees.villages')}行政村、"
            f"{x.f('governance.public_health_committees.communities')}社区{x.f('governance.public_health_committees.coverage')}"
            f"建立了公共卫生委员会（报告未给出委员会数量）。",
            stations,
            f"社工站建设累计投入资金{x.f('governance.social_work.funding')}，服务{x.f('governance.social_work.services')}，"
            f"入户走访{x.f('governance.social_work.home_visits')}，链接社会资源{x.f('governance.social_work.resources_linked')}。"
            f"若资金全部用于乡镇（街道）社工站，按第一次表述的{x.f(a)}计每站约{per_first}"
            + ("" if same else f"，按第二次表述的{x.f(b)}计每站约{per_second}") + "；"
            f"“{x.n(a)}个”之前原文有缺失的“万元，”，可能另有一笔资金。",
        ]))
    stations = (f"The report gives {'one count of township social-work stations, ' + x.f(a) if same else 'two counts of township social-work stations, ' + x.n(a) + ' and ' + x.n(b)}; "
                f"against the {townships} townships, towns and streets that is {x.pct('governance.social_work_station_coverage_first')}"
                + ("" if same else f" or {x.pct('governance.social_work_station_coverage_restated')}") + " coverage.")
    return dict(zip(['committees', 'stations', 'station_output'], [
        f"According to the report, all ({x.f('governance.public_health_committees.coverage')}) of Guilin's "
        f"{x.f('governance.public_health_committees.villages')} and {x.f('governance.public_health_committees.communities')} "
        f"had set up a public-health committee by the time of the report (it gives no count of committees).",
        stations,
        f"In total {x.f('governance.social_work.funding')} was put into the stations, which served {x.f('governance.social_work.services')}, "
        f"visited {x.f('governance.social_work.home_visits')} and brokered {x.f('governance.social_work.resources_linked')} of "
        f"resources. If all the funds went to the township stations, that is about {per_first} per station over the "
        f"{x.n(a)} of the first statement" + ("" if same else f", or about {per_second} over the {x.n(b)} of the second")
        + f"; text appears lost just before the {x.n(a)}, which may have named another sum.",
    ]))


def _volunteering(x: _Facts) -> dict[str, str]:
    if x.zh():
        return dict(zip(['scale', 'growth'], [
            f"{x.p('volunteering.teams')}统筹全市{x.f('volunteering.teams')}志愿服务队伍，实名注册志愿者{x.f('volunteering.registered_volunteers')}，"
            f"相当于每百名常住人口{x.m('volunteering.registered_per_100_residents', 1)}人（以2020年普查人口计）、"
            f"平均每支队伍约{x.m('volunteering.volunteers_per_team')}人（并非每名志愿者都属于某支队伍）；"
            f"发布城乡志愿服务项目{x.f('volunteering.projects')}（平均每支队伍约{x.m('volunteering.projects_per_team')}个）。",
            f"报告称志愿服务总时长较2021年“分别”增长{x.f('volunteering.growth.first')}、{x.f('volunteering.growth.second')}，"
            f"但只给出一个主语，两个增长率各指什么无法确定。",
        ]))
    return dict(zip(['scale', 'growth'], [
        f"At the time of the report Guilin coordinated {x.n('volunteering.teams')} volunteer teams and "
        f"{x.f('volunteering.registered_volunteers')} under their real names: {x.m('volunteering.registered_per_100_residents', 1)} "
        f"per 100 residents of the 2020 census, or about {x.m('volunteering.volunteers_per_team')} per team (not every "
        f"volunteer belongs to a team); {x.f('volunteering.projects')} were published (about "
        f"{x.m('volunteering.projects_per_team')} per team).",
        f"Growth on 2021 of {x.f('volunteering.growth.first')} and {x.f('volunteering.growth.second')} is reported "
        f"\"respectively\" for a single subject (total volunteer hours), so which quantity grew by which rate is unclear.",
    ]))


def _child_welfare(x: _Facts) -> dict[str, str]:
    townships = x.m("governance.township_level_units")
    if x.zh():
        return dict(zip(['protection', 'childrens_day'], [
            f"{x.p('child_welfare.protection_workstations')}全市已有{x.f('child_welfare.protection_workstations')}乡镇（街道）"
            f"挂牌成立未保工作站，报告称占比{x.f('child_welfare.protection_workstations.share')}；"
            f"以全市{townships}个乡镇（街道）为分母重算为{x.pct('child_welfare.protection_workstation_coverage')}。"
            f"{x.f('child_welfare.women_children_committees')}村（居）设立妇女儿童工作委员会，以报告给出的"
            f"{x.f('governance.public_health_committees.villages')}行政村和{x.f('governance.public_health_committees.communities')}社区"
            f"（合计{x.m('governance.villages_and_communities')}个）计，占{x.pct('child_welfare.women_children_committee_coverage')}。",
            f"市民政部门筹措{x.f('child_welfare.childrens_day.funds_raised')}，组织“六一”资助{x.n('child_welfare.childrens_day.children_aided')}"
            f"名困境儿童公益活动，折合每人约{x.m('child_welfare.funds_per_child_aided')}元或略多（两项均为约数；报告未说明年份）。",
        ]))
    return dict(zip(['protection', 'childrens_day'], [
        f"At the time of the report {x.f('child_welfare.protection_workstations')} had set up a juvenile-protection "
        f"workstation; the report puts the share at {x.f('child_welfare.protection_workstations.share')}, "
        f"and over the {townships} townships, towns and streets it is {x.pct('child_welfare.protection_workstation_coverage')}. "
        f"{x.f('child_welfare.women_children_committees')} have been set up in villages and communities: {x.pct('child_welfare.women_children_committee_coverage')} of the report's "
        f"{x.f('governance.public_health_committees.villages')} and {x.f('governance.public_health_committees.communities')} "
        f"({x.m('governance.villages_and_communities')} in all).",
        f"The Bureau raised {x.f('child_welfare.childrens_day.funds_raised')} to hold a Children's Day event aiding "
        f"{x.f('child_welfare.childrens_day.children_aided')} in difficulty: roughly "
        f"{x.m('child_welfare.funds_per_child_aided')} yuan or a little more per child (both inputs are round figures; "
        f"the year is not stated).",
    ]))


def _social_affairs(x: _Facts) -> dict[str, str]:
    edition = format_number(x.value('social_affairs.funerals.flower_bed_burial_edition'))
    if x.zh():
        return dict(zip(['funerals', 'assistance'], [
            f"殡葬方面，争取资金{x.f('social_affairs.funerals.yaoshan_cemetery_funding')}用于尧山公益性公墓建设，"
            f"完成靖江王陵散葬民坟整治任务{x.f('social_affairs.funerals.graves_cleared')}；"
            f"{x.p('social_affairs.funerals.flower_bed_burial_edition')}举办第{chinese_numeral(x.value('social_affairs.funerals.flower_bed_burial_edition'))}届花坛葬活动。",
            f"社会救助方面，落户安置长期滞留流浪乞讨人员{x.f('social_affairs.assistance.vagrants_settled')}。"
            f"福利彩票方面，{x.p('social_affairs.lottery.sales')}销售额{x.f('social_affairs.lottery.sales')}（图片说明）。",
        ]))
    return dict(zip(['funerals', 'assistance'], [
        f"In funeral services, {x.f('social_affairs.funerals.yaoshan_cemetery_funding')} was secured for the Yaoshan (尧山) public "
        f"cemetery and {x.f('social_affairs.funerals.graves_cleared')} scattered at the Jingjiang princes' tombs (靖江王陵) "
        f"were dealt with (tidied or relocated); the {_ordinal(x.value('social_affairs.funerals.flower_bed_burial_edition'))} flower-bed burial "
        f"event was held in {x.p('social_affairs.funerals.flower_bed_burial_edition')}.",
        f"On social assistance, {x.f('social_affairs.assistance.vagrants_settled')} long stranded as vagrants and beggars "
        f"were given household registration and resettled. Separately, welfare-lottery sales in "
        f"{x.p('social_affairs.lottery.sales')} were {x.f('social_affairs.lottery.sales')} (a photo caption).",
    ]))


def _ordinal(n: float) -> str:
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _general(x: _Facts) -> dict[str, str]:
    s = x.statements()
    conflicts = x.conflicting()
    speeches = "general.recognition.typical_speeches"
    if x.zh():
        listed = "、".join(f"{x.name(i, 'zh')}{x.f(i)}与{x.f(x.conflict(i))}" for i in conflicts)
        return {"transcription": f"从报告中转录了{s['rows']}条数字表述，分属{s['sections']}个板块；其中{s['twice']}个数字报告给出了两次，"
                f"{s['same']}个前后相同，{s['conflicts']}个前后矛盾" + (f"（{listed}）" if listed else "") + "。"
                f"市民政局先后{x.n(speeches)}次在全区民政工作会议和各业务领域会议上作典型发言（报告未说明时间范围）。"}
    listed = "; ".join(f"{x.name(i, 'en').lower()}: {x.n(i)} and {x.n(x.conflict(i))}" for i in conflicts)
    return {"transcription": f"{s['rows']} statements of figures were transcribed from the report across {s['sections']} "
            f"sections; {s['twice']} figures are stated twice, {s['same']} with the same value and {s['conflicts']} in conflict"
            + (f" ({listed})" if listed else "") + ". "
            f"The Bureau has on {x.n(speeches)} occasions given showcase speeches at region-wide civil-affairs meetings and "
            f"meetings of individual fields of work (the report gives no period)."}


def _audit_summary(x: _Facts) -> dict[str, str]:
    from .consistency import audit

    checks = audit(x.data_dir)
    counts = checks["status"].value_counts()
    text = "explanation_zh" if x.zh() else "explanation_en"
    parts = [f"{int(counts.get(s, 0))}项{label('audit_' + s, x.lang)}" if x.zh()
             else f"{int(counts.get(s, 0))} {label('audit_' + s, x.lang)}"
             for s in ("consistent", "inconsistent", "ambiguous", "unverifiable")]
    if x.zh():
        head = f"共{len(checks)}项核对：" + "，".join(parts) + "。"
        lead = "不一致之处："
    else:
        head = f"{len(checks)} checks: " + ", ".join(parts) + "."
        lead = "Where the report disagrees with itself:"
    inconsistent = checks[checks["status"] == "inconsistent"]
    conflicts = _distinct_conflicts(inconsistent["indicator_ids"])
    if conflicts < len(inconsistent):
        head += (f"{len(inconsistent)}项不一致源于{conflicts}处矛盾。" if x.zh() else
                 f" The {len(inconsistent)} inconsistent checks come from {conflicts} underlying "
                 f"conflict{'s' if conflicts > 1 else ''}.")
    bullets = [f"- {t}" for t in inconsistent[text]]
    return {"summary": head, "conflicts": lead + "\n\n" + "\n".join(bullets)}


def _distinct_conflicts(indicator_ids) -> int:
    """How many separate conflicts a set of inconsistent checks shows: checks that share a
    figure belong to one conflict (78 vs 99 stations appears in two checks)."""
    groups: list[set[str]] = []
    for ids in indicator_ids:
        ids = set(ids.split(", "))
        joined = [g for g in groups if g & ids]
        groups = [g for g in groups if not g & ids] + [ids.union(*joined)]
    return len(groups)


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
    """The "sources and method" section: which figures, which formulas, which reference data.

    Text from the data (quotes, names, formulas, citations) is escaped for Markdown, so markup
    in a data file shows as text and never runs in a page.
    """
    facts = Facts(data_dir)
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
            row = facts.table.loc[i]
            cite = (f"“{escape_markdown(row['quote'])}”" if lang == "zh"
                    else f"{escape_markdown(row['name_en'])}, {facts.period(i, lang)}")
            out.append(f"- `{i}`: {cite}")
    if metrics:
        out += ["", f"**{label('derived_metrics', lang)}**", ""]
        for m in metrics:
            out.append(f"- `{m}` = {escape_markdown(facts.metrics.loc[m, 'formula'])}")
    if references:
        out += ["", f"**{label('reference_used', lang)}**", ""]
        for r in references:
            out.append(f"- `{r}`: {escape_markdown(facts.reference.loc[r, 'source'])}")
    return "\n".join(out)
