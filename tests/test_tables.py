"""Reader tables: translated headers, formatted figures, English without bare Chinese."""
from __future__ import annotations

import guilin_analysis as ga
from guilin_analysis import tables

from conftest import bare_chinese


def _all_text(frame) -> str:
    return " ".join([str(frame.index.name), *map(str, frame.columns), *map(str, frame.index),
                     *(str(v) for v in frame.to_numpy().ravel())])


def test_figures_table():
    zh = tables.indicators(ga.load_indicators(), "zh", section="eldercare")
    assert list(zh.columns) == ["指标", "数字", "时期", "原文"]
    assert "32,715张" in zh["数字"].tolist()
    en = tables.indicators(ga.load_indicators(), "en", section="eldercare")
    assert list(en.columns) == ["Indicator", "Figure", "Period"]
    assert "32,715 beds" in en["Figure"].tolist()
    assert not bare_chinese(_all_text(en))


def test_metrics_table():
    en = tables.metrics(ga.derived_metrics(), ["eldercare.nursing_share_of_institutional_beds",
                                               "eldercare.beds_outside_institutions"], "en")
    assert en["Value"].tolist() == ["66.7%", "19,343 beds"]
    units = tables.metrics(ga.derived_metrics(), ["governance.township_level_units"], "zh")
    assert units["数值"].tolist() == ["147个"]
    assert not bare_chinese(_all_text(en))


def test_checks_table():
    checks = ga.audit()
    en = tables.checks(checks, "en", status="inconsistent")
    assert set(en["Status"]) == {"inconsistent"} and len(en) == (checks["status"] == "inconsistent").sum()
    assert not bare_chinese(_all_text(tables.checks(checks, "en")))


def test_references_table():
    en = tables.references(ga.load_reference("reference-figures"), ["population.china.aged_60_plus"], "en")
    assert en["Value"].tolist() == ["280.04 million persons"]


def test_show_keeps_full_text_escapes_markup_and_is_stable():
    import pandas as pd

    long_text = "x" * 300
    frame = pd.DataFrame({"Note": ["<script>alert(1)</script>", long_text]})
    html = tables.show(frame).to_html()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert long_text in html
    assert html == tables.show(frame.copy()).to_html()
