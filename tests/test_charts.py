"""The generic charts, in both languages, with warnings as errors (a missing glyph fails)."""
from __future__ import annotations

import io
import re
import warnings

import pytest

import guilin_analysis as ga
from guilin_analysis import charts
from guilin_analysis.notebook import pick

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
        fig = make()
        fig.savefig(io.BytesIO(), format="png")
    return fig


CHARTS = {
    "figure_bars": lambda f, lang: charts.figure_bars(
        f, ["eldercare.beds.total", "eldercare.beds.institutional", "eldercare.beds_outside_institutions",
            "target.nursing_bed_share.2025"], lang, title=pick(lang, zh="床位", en="Beds"), xlabel=pick(lang, zh="张", en="Beds")),
    "target_comparison": lambda f, lang: charts.target_comparison(
        f, [("eldercare.nursing_share_of_institutional_beds", "target.nursing_bed_share.2025"),
            ("eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020")], lang,
        printed="eldercare.beds.nursing_share", title=pick(lang, zh="护理型床位占比", en="Nursing-bed share")),
    "status_counts": lambda f, lang: charts.status_counts(ga.audit(), lang, title=pick(lang, zh="核对", en="Checks")),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_draws_in_language_without_warnings(facts, name, lang):
    fig = _draw(lambda: CHARTS[name](facts, lang))
    texts = _texts(fig)
    assert fig.axes[0].get_title(loc="left")
    if lang == "en":
        assert not [t for t in texts if CJK.search(t)], texts
    else:
        assert CJK.search(fig.axes[0].get_title(loc="left"))


def _widths(fig):
    return [round(p.get_width(), 2) for p in fig.axes[0].patches]


def test_figure_bars_reads_values_names_and_labels_from_the_data(facts):
    fig = CHARTS["figure_bars"](facts, "en")
    # "全市养老服务床位达到32715张" "养老机构床位数13372张"; the derived beds outside institutions; the 55 % target
    assert _widths(fig) == [32715, 13372, 32715 - 13372, 55]
    assert [t.get_text() for t in fig.axes[0].texts] == ["32,715 beds", "13,372 beds", "19,343 beds", "55%"]   # the 14th plan prints 55%, a level to reach, not a floor
    ticks = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert ticks[0] == "Eldercare service beds (all kinds)"


def test_a_chart_is_changed_in_the_cell_alone(facts):
    """Ids, order, names and title come from the caller: nothing is fixed in the package."""
    fig = charts.figure_bars(facts, ["eldercare.beds.nursing", "eldercare.beds.total"], "zh", title="自选标题",
                             names={"eldercare.beds.nursing": "护理型"})
    assert _widths(fig) == [8913, 32715]
    assert fig.axes[0].get_title(loc="left") == "自选标题"
    assert fig.axes[0].get_yticklabels()[0].get_text() == "护理型"


def test_target_comparison_sets_each_share_beside_its_own_benchmark(facts):
    fig = CHARTS["target_comparison"](facts, "en")
    # printed 66; 8913/13372 above the 55 % of institutional beds; 8913/32715 above the 30 % of all beds
    assert _widths(fig) == [66, round(8913 / 13372 * 100, 2), 55, round(8913 / 32715 * 100, 2), 30]


def test_target_comparison_refuses_unlike_denominators(facts):
    with pytest.raises(ValueError, match="not shares of the same definition"):
        charts.target_comparison(facts, [("eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2025")],
                                 "en", title="wrong")


def test_sums_in_one_unit_with_per(facts):
    fig = charts.figure_bars(facts, ["governance.social_work.funding", "social_affairs.lottery.sales"], "zh",
                             title="资金", per=1e4)
    assert _widths(fig) == [922.52, 10000]


def test_markup_and_math_from_the_data_stay_text(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Eldercare service beds (all kinds)", "Beds $x^2$ <b>", 1))
    fig = _draw(lambda: charts.figure_bars(ga.Facts(data_copy), ["eldercare.beds.total"], "en", title="t"))
    assert fig.axes[0].get_yticklabels()[0].get_text() == r"Beds \$x^2\$ <b>"
