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
    assert "32715张" in zh["数字"].tolist()
    en = tables.indicators(ga.load_indicators(), "en", section="eldercare")
    assert list(en.columns) == ["Indicator", "Figure", "Period"]
    assert "32,715 beds" in en["Figure"].tolist()
    assert not bare_chinese(_all_text(en))
    # the section's year is inferred (its opening sentence was lost): the table says so
    assert set(zh["时期"]) >= {"2022（推定）", "2022（推定）较2021年", "2022年以来"}
    assert "2022 (inferred)" in set(tables.indicators(ga.Facts(), "en", section="eldercare")["Period"])


def test_every_figure_by_period_type():
    facts = ga.Facts()
    zh, en = tables.by_period(facts, "zh"), tables.by_period(facts, "en")
    assert len(zh) == len(en) == len(facts.table)
    assert list(en.columns) == ["Kind of period", "Indicator", "Figure", "Period"]
    kinds = list(dict.fromkeys(en["Kind of period"]))
    assert kinds == ["For one year", "Change on an earlier year", "Total since a year", "Total, start not stated",
                     "Count at a point in time", "Period not stated"]
    row = en[en["Indicator"] == "Older people signed up for government-purchased home care"].iloc[0]
    assert row["Kind of period"] == "Total since a year" and row["Period"] == "since 2022"
    assert not bare_chinese(_all_text(en).replace("(街道)", "").replace("(帮扶关爱)", ""))


def test_metrics_table():
    en = tables.metrics(ga.derived_metrics(), ["eldercare.nursing_share_of_institutional_beds",
                                               "eldercare.beds_outside_institutions", "eldercare.nursing_share_of_all_beds"], "en")
    assert en["Value"].tolist() == ["66.7%", "19,343 beds", "≥27.2%"]
    units = tables.metrics(ga.derived_metrics(), ["governance.township_level_units", "eldercare.beds_outside_institutions"], "zh")
    assert units["数值"].tolist() == ["147个", "19343张"]
    assert not bare_chinese(_all_text(en))


def test_checks_table():
    checks = ga.audit()
    en = tables.checks(checks, "en", status="ambiguous")
    assert set(en["Status"]) == {"ambiguous"} and len(en) == (checks["status"] == "ambiguous").sum()
    assert not bare_chinese(_all_text(tables.checks(checks, "en")))


def test_references_table():
    en = tables.references(ga.load_reference("reference-figures"), ["population.china.aged_60_plus"], "en")
    assert en["Value"].tolist() == ["280.04 million persons"]
    zh = tables.references(ga.load_reference("reference-figures"), ["population.guilin.resident", "target.nursing_bed_share.2025",
                                                                    "target.nursing_bed_share.2020"], "zh")
    assert zh["数值"].tolist() == ["4931137人", "55%", "不低于30%"]            # the 14th plan prints 55%, not "at least"
    assert "全国老龄工作委员会办公室" in tables.references(ga.load_reference("reference-figures"),
                                                        ["china.eldercare_beds.total"], "zh")["来源"].iloc[0]


def test_show_keeps_full_text_escapes_markup_and_is_stable():
    import pandas as pd

    long_text = "x" * 300
    frame = pd.DataFrame({"Note": ["<script>alert(1)</script>", long_text]})
    html = tables.show(frame).to_html()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert long_text in html
    assert html == tables.show(frame.copy()).to_html()
