"""Every chart, in both languages, with warnings as errors (a missing glyph fails)."""
from __future__ import annotations

import io
import re
import warnings

import pytest

import guilin_analysis as ga
from guilin_analysis import plots

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def frames():
    return {"indicators": ga.load_indicators(), "metrics": ga.derived_metrics(),
            "reference": ga.load_reference("reference-figures"), "checks": ga.audit()}


COVERAGE = ["governance.social_work_station_coverage_first", "child_welfare.protection_workstation_coverage",
            "governance.public_health_committees.coverage"]

CHARTS = {
    "section_counts": lambda f, lang: plots.section_counts(f["indicators"], lang),
    "beds": lambda f, lang: plots.beds(f["indicators"], f["metrics"], lang),
    "nursing_share": lambda f, lang: plots.nursing_share(f["indicators"], f["metrics"], f["reference"], lang),
    "beds_per_older": lambda f, lang: plots.beds_per_older(f["metrics"], lang),
    "stations": lambda f, lang: plots.stations(f["indicators"], f["metrics"], lang),
    "coverage": lambda f, lang: plots.coverage(f["indicators"], f["metrics"], COVERAGE, lang),
    "home_care": lambda f, lang: plots.home_care(f["indicators"], lang),
    "volunteering": lambda f, lang: plots.volunteering(f["indicators"], lang),
    "money": lambda f, lang: plots.money(f["indicators"], lang),
    "audit_status": lambda f, lang: plots.audit_status(f["checks"], lang),
}


def _texts(fig) -> list[str]:
    found = []
    for ax in fig.axes:
        found += [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return [t for t in found if t]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_draws_in_language_without_warnings(frames, name, lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = CHARTS[name](frames, lang)
        fig.savefig(io.BytesIO(), format="png")
    texts = _texts(fig)
    assert fig.axes[0].get_title(loc="left")
    if lang == "en":
        assert not [t for t in texts if CJK.search(t)], texts
    else:
        assert CJK.search(fig.axes[0].get_title(loc="left"))


def _bars(ax):
    return [p for p in ax.patches]


def test_beds_values(frames):
    fig = plots.beds(frames["indicators"], frames["metrics"], "en")
    widths = [b.get_width() for b in _bars(fig.axes[0])]
    assert widths == [32715, 13372, 8913, 32715 - 13372]
    assert fig.axes[0].get_xlabel() == "Beds"


def test_nursing_share_values(frames):
    fig = plots.nursing_share(frames["indicators"], frames["metrics"], frames["reference"], "zh")
    widths = [round(b.get_width(), 2) for b in _bars(fig.axes[0])]
    # each reading directly above the benchmark of the same definition (国发〔2021〕35号, 国发〔2017〕13号)
    assert widths == [66, round(8913 / 13372 * 100, 2), 55, round(8913 / 32715 * 100, 2), 30]


def test_stations_shows_both_statements_and_the_denominator(frames):
    fig = plots.stations(frames["indicators"], frames["metrics"], "en")
    assert [b.get_width() for b in _bars(fig.axes[0])] == [78, 99, 147]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [
        "First statement", "Second statement", "Township-level units"]


def test_section_counts_sum_to_the_table(frames):
    fig = plots.section_counts(frames["indicators"], "zh")
    assert sum(b.get_width() for b in _bars(fig.axes[0])) == len(frames["indicators"])
    assert len(_bars(fig.axes[0])) == 6


def test_money_in_million_yuan_in_english(frames):
    fig = plots.money(frames["indicators"], "en")
    assert max(b.get_width() for b in _bars(fig.axes[0])) == pytest.approx(27.91)
    assert fig.axes[0].get_xlabel() == "Million yuan"


def test_volunteering_has_two_panels(frames):
    fig = plots.volunteering(frames["indicators"], "en")
    assert len(fig.axes) == 2
    assert [b.get_height() for b in _bars(fig.axes[1])] == [42.34, 37.93]


def test_audit_counts(frames):
    fig = plots.audit_status(frames["checks"], "en")
    assert sum(b.get_width() for b in _bars(fig.axes[0])) == len(frames["checks"])
