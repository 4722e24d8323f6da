"""What a quote prints beside its number is checked against the row: unit, qualifier, period.

Each rule gets a bad row in a copy of the data package, and the refusal is read back from
``validate``, the loader and ``guilin-report check``: one sentence naming file, line and column.
The words that name units and qualifiers are data (``x-provenance`` in datapackage.json): a test
changes them in the copy and the verdict changes with them.
"""
from __future__ import annotations

import json
import re

import pytest

import guilin_analysis as ga
from guilin_analysis import labels
from guilin_analysis.data import unit_labels
from guilin_analysis.lookup import Facts

from conftest import INDICATORS_CSV, rewrite

REPORT = "source/guilin-civil-affairs-report.zh.txt"
METRICS_CSV = "metrics/metric-definitions.csv"


def _line(data_copy, needle: str, csv_path: str = INDICATORS_CSV) -> int:
    text = (data_copy / csv_path).read_text(encoding="utf-8")
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _replace_row(data_copy, row_id: str, old: str, new: str):
    """Replace ``old`` by ``new`` in the one indicator row whose id is ``row_id``."""
    path = data_copy / INDICATORS_CSV
    lines = path.read_text(encoding="utf-8").split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith(row_id + ","))
    assert old in lines[i], (old, lines[i])
    lines[i] = lines[i].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def _edit_report(data_copy, old: str, new: str):
    rewrite(data_copy / REPORT, lambda t: t.replace(old, new, 1))


def _edit_descriptor(data_copy, change):
    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


def _resource(descriptor, name):
    return next(r for r in descriptor["resources"] if r["name"] == name)


def _field(descriptor, resource, name):
    return next(f for f in _resource(descriptor, resource)["schema"]["fields"] if f["name"] == name)


def _refused(data_copy, capsys, line: int, column: str, words: str, csv_path: str = INDICATORS_CSV):
    """The loader, validate() and `guilin-report check` all refuse the row at (line, column)."""
    problems = ga.validate(data_copy)
    hits = [p for p in problems if p.file.endswith(csv_path) and p.line == line and p.column == column
            and re.search(words, p.message)]
    assert hits, problems
    assert all("\n" not in str(p) for p in problems)
    with pytest.raises(ga.DataValidationError):
        ga.load_indicators(data_copy)
    from guilin_report.cli import main

    assert main(["check", "--data-dir", str(data_copy)]) == 1
    out = capsys.readouterr()
    assert f"{csv_path}, line {line}, column {column}: " in out.out and "Traceback" not in out.out + out.err
    return hits[0]


def _valid(data_copy):
    assert ga.validate(data_copy) == []


# ---------------------------------------------------------------- unit

def test_beds_in_wan_yuan_are_refused(data_copy, capsys):
    """The researcher's edit that passed before: 32715,张 -> 32715,万元."""
    _replace_row(data_copy, "eldercare.beds.total", ",32715,张,", ",32715,万元,")
    problem = _refused(data_copy, capsys, _line(data_copy, "eldercare.beds.total,"), "unit",
                       r"the quote prints '张' right after 32715, which is the unit '张' "
                       r"\(x-provenance\.unit_words in datapackage\.json\), not '万元'")
    assert problem.message.count(";") <= 1


@pytest.mark.parametrize("row_id,old,new,printed,words", [
    ("eldercare.emergency_call.elders", ",2000,人,", ",2000,人次,", "名", "人"),       # 名 reads as 人
    ("governance.social_work.services", ",63654,人次,", ",63654,人,", "人次", "人次"),  # the longer word wins
    ("volunteering.registered_volunteers", ",110.14,万人,", ",110.14,人,", "万", "万人"),
    ("child_welfare.childrens_day.funds_raised", ",60,万元,", ",60,亿元,", "万元", "万元"),  # after the 余
    ("social_affairs.lottery.sales", ",1,亿元,", ",1,万元,", "亿元", "亿元"),           # 亿 is the number and the unit
    ("social_affairs.funerals.graves_cleared", ",1800,座,", ",1800,个,", "座", "座"),
])
def test_unit_must_be_what_the_quote_prints(data_copy, capsys, row_id, old, new, printed, words):
    _replace_row(data_copy, row_id, old, new)
    _refused(data_copy, capsys, _line(data_copy, row_id + ","), "unit",
             rf"prints '{printed}' right after .*, which is the unit '{words}'")


def test_a_word_that_names_no_unit_is_refused_until_declared(data_copy, capsys):
    _edit_report(data_copy, "签约老人23801人", "签约老人23801位")
    _replace_row(data_copy, "eldercare.home_care.contracted_elders", "签约老人23801人", "签约老人23801位")
    _refused(data_copy, capsys, _line(data_copy, "eldercare.home_care.contracted_elders,"), "unit",
             r"the quote prints '位' right after 23801, and no word of x-provenance\.unit_words")
    # the mapping is data: declaring 位 as a word for 人 makes the row valid
    _edit_descriptor(data_copy, lambda d: _resource(d, "report-indicators")["x-provenance"]["unit_words"]
                     .update({"位": "人"}))
    _valid(data_copy)


def test_the_repository_rows_read_their_units_from_the_quote():
    """Every row's unit is what its quote prints (the rule holds for the real data, not vacuously)."""
    assert ga.validate() == []
    rows = ga.load_indicators()
    assert {"名", "万", "城区"} <= set(ga.data.read_descriptor()["resources"][1]["x-provenance"]["unit_words"])
    assert rows["unit"].nunique() > 10


@pytest.mark.parametrize("change,words", [
    (lambda p: p["unit_words"].update({"名": "名"}), r"unit_words\.名: '名' is not a unit of the unit labels"),
    (lambda p: p.pop("unit_words"), r"unit_words: it must map each word a quote prints after a number to its unit"),
    (lambda p: p.pop("qualifier_field"), r"qualifier_field: None is not a field of this table"),
    (lambda p: p["qualifier_words"].update({"exact": {"before": ["正好"]}}),
     r"qualifier_words\.exact: 'exact' is not a qualifier of the vocabulary that words can mark"),
    (lambda p: p["qualifier_words"]["approx"].update({"infix": ["余"]}),
     r"qualifier_words\.(approx|more_than)\.infix: '余' already marks"),
    (lambda p: p["qualifier_words"]["approx"].update({"nearby": ["约"]}),
     r"qualifier_words\.approx\.nearby: guilin_analysis\.data does not enforce `nearby`"),
    (lambda p: p["qualifier_words"]["approx"].update({"before": "约"}), r"qualifier_words\.approx\.before: it must be a list of words"),
    (lambda p: p.pop("qualifier_words"), r"qualifier_words: it must map each qualifier to the words that mark it"),
    (lambda p: p["qualifier_words"].update({"roughly": {"before": ["大约"]}}),
     r"qualifier_words\.roughly: 'roughly' is not a qualifier of the vocabulary"),
    (lambda p: p.update(period_type_field="period_kind"), r"period_type_field: 'period_kind' is not a field of this table"),
])
def test_the_words_themselves_are_checked(data_copy, change, words):
    _edit_descriptor(data_copy, lambda d: change(_resource(d, "report-indicators")["x-provenance"]))
    problems = ga.validate(data_copy)
    assert any(p.file.endswith("datapackage.json") and re.search(words, p.message) for p in problems), problems


# ---------------------------------------------------------------- qualifier

@pytest.mark.parametrize("row_id,qualifier,word,marks", [
    ("eldercare.home_adaptation.households", "approx", "约", "approx"),                 # before
    ("governance.village_rules.household_threshold", "at_least", "以上", "at_least"),   # after the unit
    ("child_welfare.childrens_day.funds_raised", "more_than", "余", "more_than"),       # between number and unit
    ("social_affairs.lottery.sales", "more_than", "突破", "more_than"),                 # before 亿元
    ("child_welfare.childrens_day.children_aided", "approx", "千", "approx"),           # 千名: a round figure
])
def test_a_marked_figure_cannot_be_exact(data_copy, capsys, row_id, qualifier, word, marks):
    _replace_row(data_copy, row_id, f",{qualifier},", ",exact,")
    _refused(data_copy, capsys, _line(data_copy, row_id + ","), "qualifier",
             rf"the quote has '{word}' .* which marks the qualifier {marks} .*, not exact")


@pytest.mark.parametrize("qualifier", ["approx", "more_than", "at_least"])
def test_an_unmarked_figure_is_exact(data_copy, capsys, qualifier):
    _replace_row(data_copy, "eldercare.beds.total", ",stock,exact,", f",stock,{qualifier},")
    _refused(data_copy, capsys, _line(data_copy, "eldercare.beds.total,"), "qualifier",
             rf"the quote has no qualifier word beside 32715 \(none of 约、左右、.*\), so the qualifier is exact, "
             rf"not {qualifier}")


def test_one_marker_cannot_stand_for_another(data_copy, capsys):
    _replace_row(data_copy, "governance.village_rules.household_threshold", ",at_least,", ",more_than,")
    _refused(data_copy, capsys, _line(data_copy, "governance.village_rules.household_threshold,"), "qualifier",
             r"'以上' after the unit of 50, which marks the qualifier at_least .*, not more_than")


def test_zuoyou_after_the_unit_reads_approx(data_copy, capsys):
    _edit_report(data_copy, "约900户", "900户左右")
    _replace_row(data_copy, "eldercare.home_adaptation.households", "约900户", "900户左右")
    _valid(data_copy)
    _replace_row(data_copy, "eldercare.home_adaptation.households", ",approx,", ",exact,")
    _refused(data_copy, capsys, _line(data_copy, "eldercare.home_adaptation.households,"), "qualifier",
             r"'左右' after the unit of 900, which marks the qualifier approx")


def test_a_word_beats_a_round_numeral(data_copy, capsys):
    """超过千名 is more than a thousand: the word decides, not the bare numeral 千."""
    _edit_report(data_copy, "资助千名困境儿童", "资助超过千名困境儿童")
    _replace_row(data_copy, "child_welfare.childrens_day.children_aided", "资助千名困境儿童", "资助超过千名困境儿童")
    _refused(data_copy, capsys, _line(data_copy, "child_welfare.childrens_day.children_aided,"), "qualifier",
             r"'超过' before 千, which marks the qualifier more_than .*, not approx")
    _replace_row(data_copy, "child_welfare.childrens_day.children_aided", ",approx,", ",more_than,")
    _valid(data_copy)


def test_words_of_two_qualifiers_are_refused(data_copy, capsys):
    _edit_report(data_copy, "筹措60余万元", "筹措约60余万元")
    _replace_row(data_copy, "child_welfare.childrens_day.funds_raised", "筹措60余万元", "筹措约60余万元")
    _refused(data_copy, capsys, _line(data_copy, "child_welfare.childrens_day.funds_raised,"), "qualifier",
             r"words of different qualifiers \(约 \(approx\), 余 \(more_than\)\)")


def test_qualifier_words_are_data(data_copy):
    """Declaring 多 as a word of approx (a wrong reading, for the test) changes the verdict."""
    _edit_report(data_copy, "筹措60余万元", "筹措60多万元")
    _replace_row(data_copy, "child_welfare.childrens_day.funds_raised", "筹措60余万元", "筹措60多万元")
    _valid(data_copy)                                         # 多 between number and unit: more_than

    def change(d):
        words = _resource(d, "report-indicators")["x-provenance"]["qualifier_words"]
        words["more_than"]["infix"].remove("多")
        words["approx"]["infix"] = ["多"]
    _edit_descriptor(data_copy, change)
    problems = ga.validate(data_copy)
    assert [p.column for p in problems] == ["qualifier"], problems
    assert "marks the qualifier approx" in problems[0].message


# ---------------------------------------------------------------- period

@pytest.mark.parametrize("row_id,old,new,column,words", [
    ("social_affairs.funerals.flower_bed_burial_edition", ",2023,year,", ",,year,", "period",
     r"the period type is year \(a calendar year\), so the period must be that year"),
    ("eldercare.workforce.caregivers_trained", ",2022,year,", ",2022 vs 2021,year,", "period",
     r"so the period must be that year \(four digits, such as 2022\), not '2022 vs 2021'"),
    ("volunteering.growth.first", ",2022 vs 2021,change,", ",2022,change,", "period",
     r"the period type is change, so the period must name both years as \"2022 vs 2021\""),
    ("volunteering.growth.first", ",2022 vs 2021,change,", ",2022 vs 2020,change,", "period",
     r"the quote compares with 较2021年, but the period says 2020 is the earlier year"),
    ("eldercare.home_care.contracted_elders", ",2022,since,", ",,since,", "period",
     r"the period type is since \(a total since a year\), so the period must be that year"),
    ("eldercare.home_care.contracted_elders", ",2022,since,", ",2021,since,", "period_type",
     r"neither the quote, its paragraph of the report nor the note says 2021年以来 or 2021年起"),
    ("governance.social_work.funding", ",,cumulative,", ",2022,cumulative,", "period",
     r"the period type is cumulative, which names no year, so the period must be empty, not '2022'"),
    ("volunteering.projects", ",,unstated,", ",2022,unstated,", "period",
     r"the period type is unstated, which names no year"),
    ("child_welfare.protection_workstations", ",,stock,", ",2022 vs 2021,stock,", "period",
     r"a stock is counted at the end of a year \(four digits\) or, with an empty period"),
])
def test_period_agrees_with_its_type(data_copy, capsys, row_id, old, new, column, words):
    _replace_row(data_copy, row_id, old, new)
    _refused(data_copy, capsys, _line(data_copy, row_id + ","), column, words)


@pytest.mark.parametrize("row_id", ["governance.social_work.township_stations",           # 建成…社工站78个
                                    "governance.public_health_committees.villages",         # 全市1653个行政村
                                    "child_welfare.women_children_committees"])             # 1263个村（居）设立…
def test_a_stock_at_the_time_of_the_report_needs_the_quote_to_say_so(data_copy, capsys, row_id):
    """An empty period on a stock reads "at the time of the report" (报道时): only a quote that dates
    the count so (全市已有, 现有, 目前, 截至…) may have it; the 78 stations say nothing of the kind."""
    _replace_row(data_copy, row_id, ",,unstated,", ",,stock,")
    problem = _refused(data_copy, capsys, _line(data_copy, row_id + ","), "period_type",
                       r"a stock with an empty period reads \"at the time of the report\", but the quote has none "
                       r"of 已有、现有、目前、截至、截止、至今、现已 to date it so: give the year in period, or make the "
                       r"period type unstated")
    assert problem.message.count(". ") == 0


def test_a_stock_whose_quote_dates_it_passes(data_copy):
    """"全市已有97个…" dates the count to the report; take 已有 away and the row is refused."""
    _valid(data_copy)
    _edit_report(data_copy, "全市已有97个", "全市97个")
    _replace_row(data_copy, "child_welfare.protection_workstations", ",全市已有97个", ",全市97个")
    problems = ga.validate(data_copy)
    assert [(p.line, p.column) for p in problems] == [(_line(data_copy, "child_welfare.protection_workstations,"),
                                                       "period_type")], problems
    _edit_report(data_copy, "全市97个", "目前全市97个")
    _replace_row(data_copy, "child_welfare.protection_workstations", ",全市97个", ",目前全市97个")
    _valid(data_copy)


def test_a_change_needs_its_earlier_year_in_the_quote(data_copy, capsys):
    _replace_row(data_copy, "eldercare.beds.total_growth", "较2021年增加3.5%", "增加3.5%")
    _refused(data_copy, capsys, _line(data_copy, "eldercare.beds.total_growth,"), "period_type",
             r"the period type is change, but the quote does not say 较…年")


def test_since_is_read_from_the_paragraph_or_a_note(data_copy, capsys):
    """19397 projects stand in a paragraph with no 以来/起: since 2022 needs a note that says why."""
    row = "volunteering.projects"
    _replace_row(data_copy, row, ",,unstated,", ",2022,since,")
    _refused(data_copy, capsys, _line(data_copy, row + ","), "period_type",
             r"the period type is since, but neither the quote, its paragraph of the report nor the note "
             r"says 2022年以来 or 2022年起; a note must say where the period comes from")
    _replace_row(data_copy, row, ",发布城乡志愿服务项目19397个,,",
                 ",发布城乡志愿服务项目19397个,\"The period is that of the section, which opens with \"\"2022年起\"\".\","
                 "时期即该部分的时期，该部分以“2022年起”开头。")
    _valid(data_copy)


def test_since_in_the_same_paragraph_passes(data_copy):
    """The home-care figures follow 2022年以来 in their own paragraph: no note is needed."""
    _replace_row(data_copy, "eldercare.home_care.contracted_elders",
                 "\"\"\"2022年以来\"\" (since 2022): a total up to the report, not calendar 2022.\","
                 "“2022年以来”：截至报道时的累计数，并非2022年全年的数。", ",")
    row = next(r for r in ga.load_indicators(data_copy).itertuples() if r.indicator_id == "eldercare.home_care.contracted_elders")
    assert row.note == row.note_zh == "" and row.period_type == "since"


# ---------------------------------------------------------------- unit labels are data

def test_no_python_table_of_unit_labels():
    assert not hasattr(labels, "METRIC_UNITS") and not hasattr(labels, "metric_unit")
    source = (ga.data.__file__.replace("data.py", "labels.py"))
    text = open(source, encoding="utf-8").read()
    assert "per station" not in text and "beds per" not in text


def test_every_unit_used_anywhere_has_zh_and_en_labels():
    for resource, frame in [("report-indicators", ga.load_indicators()),
                            ("reference-figures", ga.load_reference("reference-figures")),
                            ("metric-definitions", ga.load_reference("metric-definitions"))]:
        found = unit_labels(resource)
        for unit in frame["unit"].unique():
            assert found[unit]["zh"] and found[unit]["en"], (resource, unit)


def test_a_metric_unit_without_a_label_is_refused(data_copy, capsys):
    """A new metric unit used to pass check and crash in labels.METRIC_UNITS."""
    def change(d):
        _field(d, "metric-definitions", "unit")["constraints"]["enum"].append("元/乡")
    _edit_descriptor(data_copy, change)
    problems = ga.validate(data_copy)
    assert len(problems) == 1 and problems[0].file.endswith("datapackage.json"), problems
    assert re.search(r"fields\[4\]\.x-unit-labels: the unit '元/乡' of the vocabulary \(enum\) has no label",
                     problems[0].message)


def test_a_metric_row_with_an_unlabelled_unit_is_refused(data_copy, capsys):
    _edit_descriptor(data_copy, lambda d: _field(d, "metric-definitions", "unit")["constraints"].pop("enum"))
    rewrite(data_copy / METRICS_CSV, lambda t: t.replace(",元/户,,", ",元/乡,,", 1))
    line = _line(data_copy, "eldercare.lottery_funds_per_adapted_household,", METRICS_CSV)
    problems = ga.validate(data_copy)
    assert [(p.line, p.column) for p in problems] == [(line, "unit")], problems
    assert "the unit '元/乡' has no entry in the unit labels (x-unit-labels)" in problems[0].message


@pytest.mark.parametrize("key,words", [("zh", r"\.zh: every unit needs its Chinese label"),
                                       ("en", r"\.en: every unit needs its English label")])
def test_a_label_needs_both_languages(data_copy, key, words):
    _edit_descriptor(data_copy, lambda d: _field(d, "metric-definitions", "unit")["x-unit-labels"]["元/站"].pop(key))
    problems = ga.validate(data_copy)
    assert any(re.search(r"x-unit-labels\.元/站" + words, p.message) for p in problems), problems


def test_metric_units_print_from_the_package(data_copy):
    facts = Facts()
    assert facts.item("governance.social_work_funds_per_station_first", "en")[2] == "118,000 yuan per station"
    assert facts.item("governance.social_work_funds_per_station_first", "zh")[2] == "118000元/站"
    assert facts.item("eldercare.nursing_share_gap_to_2025_target", "zh")[2].endswith("个百分点")
    # a label changed in a copy of the package changes what is printed
    _edit_descriptor(data_copy, lambda d: _field(d, "metric-definitions", "unit")["x-unit-labels"]["元/站"]
                     .update(en="yuan per township-level unit", zh="元/乡镇"))
    copy = Facts(data_copy)
    assert copy.item("governance.social_work_funds_per_station_first", "en")[2] == "118,000 yuan per township-level unit"
    assert copy.item("governance.social_work_funds_per_station_first", "zh")[2] == "118000元/乡镇"
    table = ga.tables.metrics(copy.metrics.reset_index(), ["governance.social_work_funds_per_station_first"], "en",
                              data_dir=data_copy)
    assert table["Value"].tolist() == ["118,000 yuan per township-level unit"]


def test_each_metric_unit_says_what_it_is_divided_by():
    """The English label of a ratio unit names the unit after the slash, as the zh label does."""
    found = unit_labels("metric-definitions")
    words = {"户": "household", "人": "person", "站": "station", "支": "team", "千人": "1,000 persons",
             "百人": "100 persons", "千名老年人": "1,000 older people", "百张": "100 beds"}
    ratios = [u for u in found if "/" in u]
    assert ratios
    for unit in ratios:
        below = unit.split("/", 1)[1]
        assert found[unit]["en"].endswith(f"per {words[below]}"), (unit, found[unit]["en"])


def test_the_words_need_the_unit_labels_to_check_against(data_copy):
    def change(d):
        unit = _field(d, "report-indicators", "unit")
        unit.pop("x-unit-labels")
        unit.pop("x-unit-of")
    _edit_descriptor(data_copy, change)
    problems = ga.validate(data_copy)
    assert any(re.search(r"unit_words: the unit field needs its unit labels", p.message) for p in problems), problems
