"""Reader tables: translated headers, formatted figures, English without bare Chinese."""
from __future__ import annotations

import pandas as pd

import guilin_analysis as ga
from guilin_analysis import tables
from guilin_report import protocol

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
    assert set(zh["时期"]) >= {"2022年（推定）", "2022年（推定）较2021年", "2022年以来"}
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
    long_text = "x" * 300
    frame = pd.DataFrame({"Note": ["<script>alert(1)</script>", long_text]})
    html = tables.show(frame).to_html()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert long_text in html
    assert html == tables.show(frame.copy()).to_html()


# ---------------------------------------------------------------- what show() declares

def _meta(table):
    data, meta = table._repr_mimebundle_()
    assert data["text/html"] == table.to_html()            # JupyterLab shows the same styled HTML
    meta = meta[protocol.KEY]
    assert not protocol.problems(meta)
    return meta


def test_a_figures_table_declares_its_cells_and_links_each_figure_to_its_quote():
    frame = tables.indicators(ga.load_indicators(), "en", ids=["eldercare.beds.total", "eldercare.beds.nursing"])
    meta = _meta(tables.show(frame))
    assert meta["kind"] == "table" and meta["columns"] == ["Indicator", "Figure", "Period"]
    assert meta["rows"] == [["Eldercare service beds (all kinds)", "32,715 beds", "2022 (inferred)"],
                            ["Nursing-type beds", "8,913 beds", "2022 (inferred)"]]
    assert meta["links"] == [[0, 1, "source.html#eldercare.beds.total"], [1, 1, "source.html#eldercare.beds.nursing"]]
    assert meta["ids"] == ["eldercare.beds.total", "eldercare.beds.nursing"]


def test_metrics_and_references_link_to_their_rows_on_the_data_page():
    metrics = _meta(tables.show(tables.metrics(ga.derived_metrics(), ["eldercare.beds_outside_institutions"], "zh")))
    assert metrics["links"] == [[0, 1, "data.html#metric-eldercare.beds_outside_institutions"]]
    refs = _meta(tables.show(tables.references(ga.load_reference("reference-figures"), ["population.china.aged_60_plus"], "en")))
    assert refs["links"] == [[0, 1, "data.html#ref-population.china.aged_60_plus"]]
    assert refs["rows"][0][1] == "280.04 million persons"


def test_an_audit_row_links_each_of_its_ids():
    checks = ga.audit()
    row = checks[checks["check_id"] == "restated.governance.social_work.township_stations"]
    meta = _meta(tables.show(tables.checks(row, "en")))
    cell = meta["rows"][0][2]
    assert cell == "governance.social_work.township_stations, governance.social_work.township_stations.restated"
    assert meta["links"] == [[0, 2, "source.html#governance.social_work.township_stations",
                              "governance.social_work.township_stations"],
                             [0, 2, "source.html#governance.social_work.township_stations.restated",
                              "governance.social_work.township_stations.restated"]]


def test_a_filtered_frame_keeps_its_links_a_rebuilt_one_loses_them():
    frame = tables.indicators(ga.load_indicators(), "en", section="eldercare")
    tail = _meta(tables.show(frame.tail(2)))
    ids = ga.load_indicators().query("section == 'eldercare'")["indicator_id"].tolist()[-2:]
    assert [link[2] for link in tail["links"]] == [f"source.html#{i}" for i in ids]
    assert [link[0] for link in tail["links"]] == [0, 1]                 # positions as displayed
    # rows renumbered and reordered: a label no longer names its row, so nothing is linked to the wrong id
    rebuilt = _meta(tables.show(frame.iloc[::-1].reset_index(drop=True)))
    assert rebuilt["links"] == [] and rebuilt["ids"] == []
    changed = frame.copy()
    changed.iloc[0, 1] = "another figure"
    assert 0 not in [link[0] for link in _meta(tables.show(changed))["links"]]


def test_a_table_made_in_a_cell_declares_its_cells_and_the_links_given():
    frame = pd.DataFrame({"Name": ["<b>bold</b>", None], "Count": [3, 2.5]})
    meta = _meta(tables.show(frame, links=[(0, 1, "source.html#x")], ids=["x"]))
    assert meta["rows"] == [["<b>bold</b>", "3.0"], ["", "2.5"]]       # as displayed: text stays text, no "nan"
    assert meta["links"] == [[0, 1, "source.html#x"]] and meta["ids"] == ["x"]


def test_reader_tables_give_formulas_in_words():
    """A reader's table names the figures a formula uses in the page's language; the ids stay in
    the data page and the downloads."""
    from guilin_analysis import derived_metrics
    from guilin_analysis.tables import metrics

    derived = derived_metrics()
    for lang, word in (("zh", "［护理型床位］"), ("en", "[Nursing-type beds]")):
        table = metrics(derived, ["eldercare.nursing_share_of_institutional_beds"], lang)
        formula = table.iloc[0, 2]
        assert word in formula and "eldercare.beds.nursing" not in formula, formula
