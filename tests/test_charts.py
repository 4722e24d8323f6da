"""The generic charts, in both languages, with warnings as errors (a missing glyph fails), and
what they declare (the display protocol): exactly the series drawn, alt text naming the kind."""
from __future__ import annotations

import base64
import io
import re
import warnings

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

import guilin_analysis as ga
from guilin_analysis import charts
from guilin_analysis.notebook import pick
from guilin_report import protocol

from conftest import INDICATORS_CSV, rewrite

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def facts():
    return ga.Facts()


def _texts(fig) -> list[str]:
    found = []
    for ax in fig.axes:
        found += [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [t.get_text() for t in ax.texts]
    return [t for t in found if t]


def _draw(make):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart = make()
        chart.figure.savefig(io.BytesIO(), format="png")
    return chart


CHARTS = {
    "figure_bars": lambda f, lang: charts.figure_bars(
        f, ["eldercare.beds.total", "eldercare.beds.institutional", "eldercare.beds_outside_institutions",
            "target.nursing_bed_share.2025"], lang, title=pick(lang, zh="床位", en="Beds"), xlabel=pick(lang, zh="张", en="Beds")),
    "target_comparison": lambda f, lang: charts.target_comparison(
        f, [("eldercare.nursing_share_of_institutional_beds", "target.nursing_bed_share.2025"),
            ("eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020")], lang,
        printed="eldercare.beds.nursing_share", title=pick(lang, zh="护理型床位占比", en="Nursing-bed share")),
    "status_counts": lambda f, lang: charts.status_counts(ga.audit(), lang, title=pick(lang, zh="核对", en="Checks")),
    "figure_dots": lambda f, lang: charts.figure_dots(
        f, ["volunteering.registered_volunteers", "volunteering.projects", "volunteering.teams"], lang, per=1, log=True,
        title=pick(lang, zh="志愿服务的规模", en="The scale of volunteering")),
    "lower_bound": lambda f, lang: charts.figure_bars(
        f, ["child_welfare.childrens_day.funds_raised", "eldercare.funding.lottery_home_adaptation"], lang, per=1e4,
        title=pick(lang, zh="金额", en="Sums")),
}
KIND = {"figure_dots": "dot"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_draws_in_language_without_warnings(facts, name, lang):
    fig = _draw(lambda: CHARTS[name](facts, lang)).figure
    texts = _texts(fig)
    assert fig.axes[0].get_title(loc="left")
    if lang == "en":
        assert not [t for t in texts if CJK.search(t)], texts
    else:
        assert CJK.search(fig.axes[0].get_title(loc="left"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text.replace(r"\$", "$"))


def _labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_text()]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_every_declared_series_is_drawn_and_nothing_else(facts, name, lang):
    """The metadata lists the series in drawing order; the Figure's artists draw exactly those."""
    chart = CHARTS[name](facts, lang)
    meta, ax = chart.meta, chart.figure.axes[0]
    assert not protocol.problems(meta) and meta["kind"] == "chart" and meta["chart"] == KIND.get(name, "bar")
    series = meta["series"]
    if meta["chart"] == "bar":
        drawn = [p.get_width() for p in ax.patches]
    else:
        drawn = [float(x) for x, _ in ax.collections[0].get_offsets()]
    assert drawn == pytest.approx([s["value"] for s in series])
    assert [_flat(t.get_text()) for t in ax.get_yticklabels()] == [_flat(s["name"][lang]) for s in series]
    assert _labels(ax) == [s["text"][lang] for s in series]
    ids = [s["id"] for s in series if s["id"]]
    assert set(ids) <= set(meta["ids"])
    for s in series:
        if s["id"]:
            assert s["href"] == ga.lookup.href(facts, s["id"]) and protocol.safe_href(s["href"])


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_alt_text_names_the_chart_kind_and_only_drawn_series(facts, name):
    for lang in ("zh", "en"):
        chart = CHARTS[name](facts, lang)
        for code in ("zh", "en"):
            alt = chart.meta["alt"][code]
            assert alt.startswith(charts.KINDS[chart.kind][code] + ("：" if code == "zh" else ": "))
            assert chart.meta["title"][code] in alt
            items = alt.split("。" if code == "zh" else ". ", 1)[1].split("；" if code == "zh" else "; ")
            assert len(items) == len(chart.meta["series"])
            for item, s in zip(items, chart.meta["series"]):
                assert item.startswith(f"{s['name'][code]}{'：' if code == 'zh' else ': '}{s['text'][code]}")
        assert chart.alt == chart.meta["alt"][lang]


def test_alt_and_names_are_declared_in_both_languages(facts):
    chart = CHARTS["figure_bars"](facts, "zh")
    first = chart.meta["series"][0]
    assert first["name"] == {"zh": "养老服务床位总数", "en": "Eldercare service beds (all kinds)"}
    assert first["text"] == {"zh": "32715张", "en": "32,715 beds"}
    assert chart.meta["alt"]["en"].startswith("Bar chart: Beds. Eldercare service beds (all kinds): 32,715 beds; ")
    assert chart.meta["alt"]["zh"].startswith("条形图：床位。养老服务床位总数：32715张；")


def test_services_per_station_declares_the_two_bars_it_draws_not_the_figures_in_their_names(facts):
    """The published fault: the alt text listed "Village (community) social-work stations built:
    4 stations", which the chart does not draw; its names only mention it."""
    en = facts.voice("en")
    a, b = "governance.social_work.township_stations", "governance.social_work.township_stations.restated"
    village = "governance.social_work.village_stations"
    first, second = "governance.social_work_services_per_station_first", "governance.social_work_services_per_station_restated"
    chart = charts.figure_bars(facts, [first, second], "en", title=pick("en", zh="每站服务", en="Services per station"),
                               names={first: pick("en", zh="第一次", en=f"First: {en.n(a)} township and {en.n(village)} village stations"),
                                      second: pick("en", zh="第二次", en=f"Second: {en.n(b)} township stations")})
    assert [s["id"] for s in chart.meta["series"]] == [first, second]
    assert "4 stations" not in chart.meta["alt"]["en"] and "Village (community)" not in chart.meta["alt"]["en"]
    assert {a, b, village} <= set(chart.meta["ids"])       # named in the labels, so shown on the page


def test_figure_bars_reads_values_names_and_labels_from_the_data(facts):
    fig = CHARTS["figure_bars"](facts, "en").figure
    # "全市养老服务床位达到32715张" "养老机构床位数13372张"; the derived beds outside institutions; the 55 % target
    assert _widths(fig) == [32715, 13372, 32715 - 13372, 55]
    assert [t.get_text() for t in fig.axes[0].texts] == ["32,715 beds", "13,372 beds", "19,343 beds", "55%"]   # the 14th plan prints 55%, a level to reach, not a floor
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert ticks[0] == "Eldercare service beds (all kinds)"


def _ticks(chart) -> list[str]:
    """The value axis's tick labels as drawn."""
    fig = chart.figure
    fig.savefig(io.BytesIO(), format="png")
    return [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]


def test_chinese_axes_print_numbers_as_the_report_does(facts):
    """No thousands separator in Chinese (the report prints 32715张, 8913张): "35000", not "35,000"."""
    zh, en = (_ticks(CHARTS["figure_bars"](facts, lang)) for lang in ("zh", "en"))
    assert zh and not any("," in t for t in zh), zh
    assert any(len(t) > 4 and t.isdigit() for t in zh), zh
    assert any("," in t for t in en), en
    assert charts.axis_formatter([3500], "zh")(3500) == "3500" and charts.axis_formatter([3500], "en")(3500) == "3,500"
    small = charts.bars(["a", "b"], [12, 55], ["12", "55"], "zh", title="t")        # below 1000: as matplotlib writes it
    assert not any("," in t for t in _ticks(small))


def _widths(fig):
    return [round(p.get_width(), 2) for p in fig.axes[0].patches]


def test_a_chart_is_changed_in_the_cell_alone(facts):
    """Ids, order, names and title come from the caller: nothing is fixed in the package."""
    chart = charts.figure_bars(facts, ["eldercare.beds.nursing", "eldercare.beds.total"], "zh", title="自选标题",
                               names={"eldercare.beds.nursing": "护理型"})
    assert _widths(chart.figure) == [8913, 32715]
    assert chart.figure.axes[0].get_title(loc="left") == "自选标题"
    assert chart.figure.axes[0].get_yticklabels()[0].get_text() == "护理型"
    assert chart.meta["title"] == {"zh": "自选标题", "en": "自选标题"}    # a plain string: as it is, for both


def test_target_comparison_sets_each_share_beside_its_own_benchmark(facts):
    fig = CHARTS["target_comparison"](facts, "en").figure
    # printed 66; 8913/13372 above the 55 % of institutional beds; 8913/32715 above the 30 % of all beds
    assert _widths(fig) == [66, round(8913 / 13372 * 100, 2), 55, round(8913 / 32715 * 100, 2), 30]


def test_target_comparison_refuses_unlike_denominators(facts):
    with pytest.raises(ValueError, match="not shares of the same definition"):
        charts.target_comparison(facts, [("eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2025")],
                                 "en", title="wrong")


def test_sums_in_one_unit_with_per(facts):
    chart = charts.figure_bars(facts, ["governance.social_work.funding", "social_affairs.lottery.sales"], "zh",
                               title="资金", per=1e4, unit="万元")
    assert _widths(chart.figure) == [922.52, 10000]
    assert [s["unit"] for s in chart.meta["series"]] == ["万元", "万元"] and chart.meta["unit"] == "万元"


def test_per_works_for_derived_metrics(facts):
    chart = charts.figure_bars(facts, ["governance.social_work_funds_per_station_first"], "en", title="t", per=1e4)
    assert _widths(chart.figure) == [round(facts.metric("governance.social_work_funds_per_station_first") / 1e4, 2)]


def test_markup_and_math_from_the_data_stay_text(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Eldercare service beds (all kinds)", "Beds $x^2$ <b>", 1))
    chart = _draw(lambda: charts.figure_bars(ga.Facts(data_copy), ["eldercare.beds.total"], "en", title="t"))
    assert chart.figure.axes[0].get_yticklabels()[0].get_text() == r"Beds \$x^2\$ <b>"
    assert chart.meta["series"][0]["name"]["en"] == "Beds $x^2$ <b>"    # declared as the data says; escaped where written


# ---------------------------------------------------------------- bounds drawn as bounds

def _arrows(ax):
    return [t for t in ax.texts if not t.get_text() and getattr(t, "arrow_patch", None) is not None]


def test_a_lower_bound_metric_is_labelled_and_drawn_as_a_bound():
    facts = ga.Facts()
    facts.metrics["bound"] = "exact"
    facts.metrics.loc["eldercare.nursing_share_of_all_beds", "bound"] = "lower"   # the 27.2 % counts only institutional beds
    chart = charts.figure_bars(facts, ["eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020"], "en",
                               title="Share")
    bound, target = chart.meta["series"]
    assert (bound["bound"], bound["text"]) == ("lower", {"zh": "≥27.2%", "en": "≥27.2%"})
    assert target["bound"] == "exact"
    ax = chart.figure.axes[0]
    assert _labels(ax) == ["≥27.2%", "at least 30%"]
    assert ax.patches[0].get_hatch() == "///" and not ax.patches[1].get_hatch()
    arrow = _arrows(ax)
    assert len(arrow) == 1 and arrow[0].xy[0] > bound["value"] == arrow[0].xyann[0]     # points past the end
    assert "≥27.2% (lower bound)" in chart.meta["alt"]["en"] and "≥27.2%（下限）" in chart.meta["alt"]["zh"]


def test_an_upper_bound_points_back():
    facts = ga.Facts()
    facts.metrics["bound"] = "exact"
    facts.metrics.loc["eldercare.nursing_share_of_all_beds", "bound"] = "upper"
    chart = charts.figure_bars(facts, ["eldercare.nursing_share_of_all_beds"], "zh", title="占比")
    assert chart.meta["series"][0]["text"]["zh"] == "≤27.2%"
    arrow = _arrows(chart.figure.axes[0])
    assert arrow[0].xy[0] < chart.meta["series"][0]["value"]


def test_a_bound_not_in_the_protocol_is_refused():
    facts = ga.Facts()
    facts.metrics["bound"] = "exact"
    facts.metrics.loc["eldercare.nursing_share_of_all_beds", "bound"] = "roughly"
    with pytest.raises(ValueError, match="bound 'roughly' is not one of exact, lower, upper"):
        charts.figure_bars(facts, ["eldercare.nursing_share_of_all_beds"], "en", title="t")


def test_a_figure_the_report_gives_as_more_than_is_a_lower_bound(facts):
    chart = CHARTS["lower_bound"](facts, "zh")
    more, exact = chart.meta["series"]
    assert more["bound"] == "lower" and more["text"]["zh"] == "60余万元"      # "募集资金60余万元": no second sign
    assert exact["bound"] == "exact"
    assert chart.figure.axes[0].patches[0].get_hatch() == "///"
    assert len(_arrows(chart.figure.axes[0])) == 1


# ---------------------------------------------------------------- declare: a Figure drawn in a cell

def _custom(lang="en"):
    fig = Figure()
    ax = fig.subplots()
    ax.scatter([10, 20], [0, 1])
    ax.set_yticks([0, 1], ["Ten", "Twenty"])
    for x, y, t in [(10, 0, "10 units"), (20, 1, "20 units")]:
        ax.annotate(t, (x, y))
    return fig


def test_declare_takes_the_series_a_custom_figure_draws():
    chart = charts.declare(_custom(), "en", kind="dot", title=pick("en", zh="自定义", en="Custom"),
                           names=["Ten", "Twenty"], values=[10, 20], texts=["10 units", "20 units"])
    assert chart.meta["alt"]["en"] == "Dot plot: Custom. Ten: 10 units; Twenty: 20 units"
    assert chart.meta["alt"]["zh"].startswith("点图：自定义。")


@pytest.mark.parametrize("wrong, message", [
    ({"values": [10, 30]}, "declares 'Twenty' = 30, but draws no bar or dot of that value"),
    ({"names": ["Ten", "Thirty"]}, "declares the name 'Thirty', but does not write it"),
    ({"texts": ["10 units", "4 stations"]}, "declares the text '4 stations', but does not write it"),
    ({"kind": "pie"}, "chart kind 'pie' is not one of bar, dot"),
    ({"values": [10]}, "2 names for 1 values"),
])
def test_declare_refuses_a_series_the_figure_does_not_draw(wrong, message):
    given = {"kind": "dot", "names": ["Ten", "Twenty"], "values": [10, 20], "texts": ["10 units", "20 units"], **wrong}
    with pytest.raises(ValueError, match=re.escape(message)):
        charts.declare(_custom(), "en", title="Custom", **given)


# ---------------------------------------------------------------- display and publication figures

def test_the_chart_displays_as_its_png_with_its_metadata_and_nothing_else(facts, monkeypatch):
    monkeypatch.delenv(protocol.FIGURE_FORMATS_ENV, raising=False)
    monkeypatch.delenv(protocol.DPI_ENV, raising=False)
    chart = CHARTS["figure_bars"](facts, "en")
    data, metadata = chart._repr_mimebundle_()
    assert set(data) == {"image/png", "text/plain"}                 # JupyterLab and the committed notebooks: small
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")
    assert data["text/plain"] == chart.alt
    assert metadata == {protocol.KEY: chart.meta}
    assert data == chart._repr_mimebundle_()[0]                      # the same bytes every time


def test_publication_figures_when_the_builder_asks(facts, monkeypatch):
    monkeypatch.setenv(protocol.FIGURE_FORMATS_ENV, "svg,pdf")
    monkeypatch.setenv(protocol.DPI_ENV, "300")
    chart = CHARTS["target_comparison"](facts, "zh")
    data, metadata = chart._repr_mimebundle_()
    svg = data[protocol.FIGURE_MIME["svg"]]
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert not re.search(r"<text[\s>]", svg)                          # every glyph a path, the font not needed
    assert re.search(r'<path id="NotoSansCJKsc-Regular-[0-9a-f]+"', svg) and "<use xlink:href=\"#NotoSansCJKsc" in svg
    pdf = base64.b64decode(data[protocol.FIGURE_MIME["pdf"]])
    # every glyph a path here too: matplotlib would embed Noto Sans CJK's CFF outlines as TrueType
    # (matplotlib #20870), which MuPDF cannot draw; with paths any viewer draws the Chinese text
    assert pdf.startswith(b"%PDF-") and b"/FontFile" not in pdf and b"NotoSansCJK" not in pdf
    assert len(pdf) > 20_000                                          # the glyphs are there, as outlines
    big = base64.b64decode(data[protocol.FIGURE_MIME["print_png"]])
    small = base64.b64decode(data["image/png"])
    assert metadata[protocol.FIGURE_MIME["print_png"]] == {"dpi": 300}
    width = lambda png: int.from_bytes(png[16:20], "big")
    assert width(big) == pytest.approx(width(small) * 300 / 110, rel=0.02)


def test_a_bad_figure_request_is_one_sentence(facts, monkeypatch):
    monkeypatch.setenv(protocol.FIGURE_FORMATS_ENV, "svg,eps")
    with pytest.raises(ValueError, match="GUILIN_REPORT_FIGURE_FORMATS='svg,eps': eps is not a figure format"):
        CHARTS["status_counts"](facts, "en")._repr_mimebundle_()


def test_the_pdf_leaves_the_figure_as_it_was(facts):
    chart = CHARTS["status_counts"](facts, "zh")
    chart.pdf()
    assert all(not t.get_path_effects() for t in chart.figure.findobj(Text))


@pytest.mark.parametrize("name, lines", [
    ("养老机构护理型床位占比目标（“十四五”）", ["养老机构护理型床位占比目标", "（“十四五”）"]),   # not "目标（" / "“十四五”）"
    ("护理型床位占养老机构床位比例（重算）", ["护理型床位占养老机构床位比例", "（重算）"]),
    ("一二三四五六七八九十一二三四，五", ["一二三四五六七八九十一二三四，", "五"]),   # no line starts with punctuation
])
def test_chinese_names_never_break_after_an_opening_bracket(name, lines):
    assert charts._wrap(name, "zh").split("\n") == lines
