"""The loader: good input loads; each kind of bad input gets a sentence naming file, line and column."""
from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest

import guilin_analysis as ga
from guilin_analysis.data import chinese_number, value_in_quote
from guilin_analysis.paths import DATA_DIR

from conftest import INDICATORS_CSV, rewrite

COLUMNS = ["indicator_id", "section", "name_zh", "name_en", "value", "unit", "unit_en",
           "period", "period_type", "qualifier", "quote", "note", "note_zh"]


def test_load_indicators_returns_typed_columns():
    df = ga.load_indicators()
    assert list(df.columns) == COLUMNS
    assert df["value"].dtype == "float64"
    assert df["indicator_id"].is_unique
    assert set(df["section"]) == {"general", "eldercare", "governance", "volunteering",
                                  "child_welfare", "social_affairs"}


def test_load_reference_tables_carry_citations():
    for name, rows in [("township-divisions", 148), ("counties", 17)]:
        df = ga.load_reference(name)
        assert len(df) == rows
        assert df["source"].str.len().gt(0).all()
    figures = ga.load_reference("reference-figures")
    assert figures["source"].str.len().gt(0).all()


def test_unknown_reference_table_is_named():
    with pytest.raises(ga.DataValidationError, match="no resource named 'nope'"):
        ga.load_reference("nope")


def test_validate_is_empty_for_the_repository_data():
    assert ga.validate() == []


def _line_of(text: str, needle: str) -> int:
    """Physical line (1-based) of the first line containing needle."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _expect(data_copy, pattern_line: int, column: str, words: str):
    with pytest.raises(ga.DataValidationError) as err:
        ga.load_indicators(data_copy)
    message = str(err.value)
    assert "report-indicators.csv" in message
    assert f"line {pattern_line}," in message
    assert f"column {column}:" in message
    assert re.search(words, message), message
    problems = ga.validate(data_copy)
    assert any(p.line == pattern_line and p.column == column for p in problems)
    return message


def test_missing_required_column(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",qualifier,", ",qualifer,", 1))
    _expect(data_copy, 1, "qualifier", "required column is missing")


def test_unquoted_thousands_separator_is_a_field_count_problem(data_copy):
    path = data_copy / INDICATORS_CSV
    text = path.read_text(encoding="utf-8")
    line = _line_of(text, "eldercare.beds.total,")
    rewrite(path, lambda t: t.replace(",32715,张,", ",32,715x,张,", 1))
    # the comma splits the field: that is a field-count problem on the same line
    _expect(data_copy, line, "14 (extra)", "has 14 fields but the header has 13")


def test_value_that_is_not_a_number(data_copy):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "eldercare.beds.total,")
    rewrite(path, lambda t: t.replace(",32715,张,", ",三万,张,", 1))
    _expect(data_copy, line, "value", "'三万' is not a number")


def test_empty_value(data_copy):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "eldercare.beds.nursing,")
    rewrite(path, lambda t: t.replace(",8913,张,", ",,张,", 1))
    _expect(data_copy, line, "value", "empty; this column is required")


@pytest.mark.parametrize("column,old,new", [
    ("unit", ",32715,张,", ",32715,床,"),
    ("section", "eldercare.beds.total,eldercare,", "eldercare.beds.total,elder_care,"),
    ("qualifier", ",stock,exact,全市养老服务床位", ",stock,roughly,全市养老服务床位"),
])
def test_value_outside_vocabulary(data_copy, column, old, new):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "eldercare.beds.total,")
    rewrite(path, lambda t: t.replace(old, new, 1))
    _expect(data_copy, line, column, "not in the declared vocabulary")


def test_duplicate_indicator_id(data_copy):
    path = data_copy / INDICATORS_CSV
    text = path.read_text(encoding="utf-8")
    first = _line_of(text, "eldercare.beds.nursing,")
    second = _line_of(text, "eldercare.beds.institutional,")
    rewrite(path, lambda t: t.replace("eldercare.beds.institutional,", "eldercare.beds.nursing,", 1))
    message = _expect(data_copy, max(first, second), "indicator_id", "duplicate")
    assert f"line {min(first, second)}" in message.split(":", 1)[1]


def test_empty_file(data_copy):
    (data_copy / INDICATORS_CSV).write_bytes(b"")
    with pytest.raises(ga.DataValidationError, match=r"report-indicators\.csv, line 1: the file is empty"):
        ga.load_indicators(data_copy)


def test_gbk_file_is_named_with_a_fix(data_copy):
    path = data_copy / INDICATORS_CSV
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk"))
    with pytest.raises(ga.DataValidationError) as err:
        ga.load_indicators(data_copy)
    message = str(err.value)
    # the first non-ASCII character is in name_zh on line 2
    assert "report-indicators.csv, line 2, column name_zh:" in message
    assert "not UTF-8" in message and "GBK" in message and "iconv" in message


def test_wrong_number_of_fields(data_copy):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "volunteering.teams,")
    rewrite(path, lambda t: t.replace("volunteering.teams,volunteering,", "volunteering.teams,", 1))
    _expect(data_copy, line, "note_zh", "has 12 fields but the header has 13")


def test_quote_not_in_source(data_copy):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "volunteering.teams,")
    rewrite(path, lambda t: t.replace("统筹全市6572支志愿服务队伍", "统筹全市6572支志愿者队伍", 1))
    _expect(data_copy, line, "quote", "does not occur in the report text")


def test_value_not_in_quote(data_copy):
    path = data_copy / INDICATORS_CSV
    line = _line_of(path.read_text(encoding="utf-8"), "volunteering.teams,")
    rewrite(path, lambda t: t.replace(",6572,支,", ",6573,支,", 1))
    _expect(data_copy, line, "value", "6573 does not occur in its quote")


def test_multiline_field_reports_physical_line(data_copy):
    """A quoted note spanning two lines shifts every later row by one physical line."""
    path = data_copy / INDICATORS_CSV
    rewrite(path, lambda t: t.replace("All eldercare service beds,", "All eldercare\nservice beds,", 1))
    text = path.read_text(encoding="utf-8")
    assert "All eldercare\nservice beds," in text
    line = _line_of(text, "volunteering.teams,")
    rewrite(path, lambda t: t.replace(",6572,支,", ",6573,支,", 1))
    _expect(data_copy, line, "value", "does not occur in its quote")


def test_bom_and_crlf_load_normally(data_copy):
    path = data_copy / INDICATORS_CSV
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    pd.testing.assert_frame_equal(ga.load_indicators(data_copy), ga.load_indicators())


def test_markup_in_a_note_is_text(data_copy):
    path = data_copy / INDICATORS_CSV
    payload = "<script>alert('x')</script>"
    rewrite(path, lambda t: t.replace("Person-times: one worker", f"{payload} Person-times: one worker", 1))
    df = ga.load_indicators(data_copy)
    note = df.set_index("indicator_id").loc["eldercare.workforce.caregivers_trained", "note"]
    assert note.startswith(payload)


# ---------------------------------------------------------------- a text and its Chinese (x-chinese-of)

def _set_cell(path, key_column, key, column, value):
    """Set one cell of a CSV (the row whose ``key_column`` is ``key``); return its physical line."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    at = next(i for i, r in enumerate(rows) if r[header.index(key_column)] == key)
    rows[at][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return at + 1                                      # no record of these tables spans two lines


def test_a_note_without_its_chinese_is_refused(data_copy):
    """An edited note whose Chinese was not written: check names the row and the empty note_zh."""
    line = _set_cell(data_copy / INDICATORS_CSV, "indicator_id", "eldercare.beds.institutional", "note",
                     "The institutional beds include beds in homes for the aged (敬老院).")
    message = _expect(data_copy, line, "note_zh", r"the row has a note but no note_zh; write the Chinese of the "
                                                 r"note in note_zh \(datapackage\.json declares note_zh the Chinese of note\)")
    assert "\n" not in message and message.count(". ") == 0          # one sentence


def test_a_chinese_note_without_its_english_is_refused(data_copy):
    line = _set_cell(data_copy / INDICATORS_CSV, "indicator_id", "eldercare.beds.nursing", "note", "")
    _expect(data_copy, line, "note", r"the row has a note_zh but no note; a note_zh gives the Chinese of a note, "
                                     r"so write that note or empty both")


def test_every_declared_twin_is_checked_in_every_table(data_copy):
    """The rule is the descriptor's (x-chinese-of), not the indicators': a definition and a
    translator's note lose their Chinese too, and are named."""
    figures = "reference/reference-figures.csv"
    translation = "source/guilin-civil-affairs-report.en.csv"
    line = _set_cell(data_copy / figures, "figure_id", "population.china.share_60_plus", "definition_zh", "")
    bad = _set_cell(data_copy / translation, "paragraph", "2", "note_zh", "译者注")
    problems = [(p.file.rsplit("/", 1)[-1], p.line, p.column, p.message) for p in ga.validate(data_copy)]
    assert ("reference-figures.csv", line, "definition_zh", "the row has a definition but no definition_zh; write "
            "the Chinese of the definition in definition_zh (datapackage.json declares definition_zh the Chinese "
            "of definition)") in problems
    assert ("guilin-civil-affairs-report.en.csv", bad, "note_en", "the row has a note_zh but no note_en; a note_zh "
            "gives the Chinese of a note_en, so write that note_en or empty both") in problems
    assert len(problems) == 2, problems


def test_the_repository_data_has_every_chinese_twin():
    """Read directly, not through the loader: every text a field declares the Chinese of has it."""
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    pairs = 0
    for res in descriptor["resources"]:
        twins = [(f["x-chinese-of"], f["name"]) for f in res.get("schema", {}).get("fields", []) if "x-chinese-of" in f]
        if not twins:
            continue
        with open(DATA_DIR / res["path"], encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for original, chinese in twins:
                    assert bool(row[original].strip()) == bool(row[chinese].strip()), (res["name"], row, chinese)
                    pairs += bool(row[original].strip())
    assert pairs > 44 + 12


def test_missing_descriptor_is_explained(tmp_path):
    with pytest.raises(ga.DataValidationError, match="datapackage.json: the data package descriptor is missing"):
        ga.load_indicators(tmp_path)


def test_broken_descriptor_names_line_and_column(data_copy):
    rewrite(data_copy / "datapackage.json", lambda t: t.replace('"name": "guilin', '"name" "guilin', 1))
    with pytest.raises(ga.DataValidationError, match=r"datapackage\.json, line 2, column \d+: .*not valid JSON"):
        ga.load_indicators(data_copy)


def test_the_repository_data_is_untouched_by_failures(data_copy):
    (data_copy / INDICATORS_CSV).write_bytes(b"")
    with pytest.raises(ga.DataValidationError):
        ga.load_indicators(data_copy)
    assert len(ga.load_indicators()) > 0


@pytest.mark.parametrize("run,value", [("六", 6), ("十", 10), ("一百", 100), ("千", 1000),
                                       ("三千二百", 3200), ("亿", 100_000_000), ("十八", 18)])
def test_chinese_numerals(run, value):
    assert chinese_number(run) == value


def test_value_in_quote_allows_words_and_units():
    assert value_in_quote("1", "销售额突破亿元", multiplier=100_000_000)
    assert value_in_quote("1000", "资助千名困境儿童")
    assert value_in_quote("110.14", "110.14万实名注册志愿者", multiplier=10_000)
    assert not value_in_quote("110.15", "110.14万实名注册志愿者", multiplier=10_000)
    assert not value_in_quote("2", "销售额突破亿元", multiplier=100_000_000)


# ---------------------------------------------------------------- descriptor: enforced or refused

DESCRIPTOR = "datapackage.json"
TOWNSHIPS_CSV = "reference/guilin-township-divisions-2022.csv"
COUNTIES_CSV = "reference/guilin-counties-2022.csv"
FIGURES_CSV = "reference/reference-figures.csv"


def _edit_descriptor(data_copy, change):
    """Apply ``change`` to the parsed descriptor of the copy and write it back."""
    path = data_copy / DESCRIPTOR
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8")


def _where(descriptor, resource, field=None):
    """JSON path of a resource (and one of its fields) in the descriptor, e.g. resources[1].schema.fields[4]."""
    i = next(i for i, r in enumerate(descriptor["resources"]) if r["name"] == resource)
    if field is None:
        return i, f"resources[{i}]"
    j = next(j for j, f in enumerate(descriptor["resources"][i]["schema"]["fields"]) if f["name"] == field)
    return (i, j), f"resources[{i}].schema.fields[{j}]"


def _resource(descriptor, name):
    return descriptor["resources"][_where(descriptor, name)[0]]


def _field(descriptor, resource, name):
    (i, j), _ = _where(descriptor, resource, name)
    return descriptor["resources"][i]["schema"]["fields"][j]


def _schema(descriptor, resource):
    i, _ = _where(descriptor, resource)
    return descriptor["resources"][i]["schema"]


def _check_output(data_copy, capsys) -> tuple[int, str]:
    from guilin_report.cli import main

    code = main(["check", "--data-dir", str(data_copy)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _expect_descriptor_fault(data_copy, capsys, words: str):
    """The fault is one sentence naming datapackage.json, from the loader, validate() and check."""
    with pytest.raises(ga.DataValidationError) as err:
        ga.load_indicators(data_copy)
    assert str(err.value).startswith(str(data_copy / DESCRIPTOR) + ": ")
    problems = ga.validate(data_copy)
    assert problems and all(p.file.endswith(DESCRIPTOR) and p.line is None for p in problems)
    assert any(re.search(words, p.message) for p in problems), problems
    code, output = _check_output(data_copy, capsys)
    assert code == 1
    assert "Traceback" not in output
    assert re.search(r"datapackage\.json: " + words.lstrip("^"), output), output
    return problems


def test_unenforced_constraint_is_refused_by_its_json_path(data_copy, capsys):
    def change(d):
        _field(d, "report-indicators", "name_en")["constraints"]["minLength"] = 3
    _edit_descriptor(data_copy, change)
    _, where = _where(json.loads((data_copy / DESCRIPTOR).read_text(encoding="utf-8")), "report-indicators", "name_en")
    _expect_descriptor_fault(data_copy, capsys,
                             re.escape(f"{where}.constraints.minLength: guilin_analysis.data does not enforce `minLength`"))


@pytest.mark.parametrize("case,change,words", [
    ("resources not a list", lambda d: d.update(resources={"a": 1}),
     r"^resources: the descriptor needs a non-empty list of resources"),
    ("resource without path", lambda d: d["resources"][0].pop("path"),
     r"^resources\[0\]: the resource has no path"),
    ("field without type", lambda d: _field(d, "counties", "kind").pop("type"),
     r"^resources\[\d\]\.schema\.fields\[2\]: the field has no type"),
    ("unknown type", lambda d: _field(d, "counties", "kind").update(type="geopoint"),
     r"^resources\[\d\]\.schema\.fields\[2\]\.type: the type 'geopoint' is not supported"),
    ("unknown format", lambda d: _field(d, "counties", "kind").update(format="email"),
     r"^resources\[\d\]\.schema\.fields\[2\]\.format: only the default format is supported, not 'email'"),
    ("bad regular expression", lambda d: _field(d, "counties", "county_code")["constraints"].update(pattern="^(\\d{6}$"),
     r"^resources\[\d\]\.schema\.fields\[0\]\.constraints\.pattern: the pattern '\^\(\\\\d\{6\}\$' is not a valid regular expression"),
    ("minimum on a string", lambda d: _field(d, "counties", "name")["constraints"].update(minimum=1),
     r"^resources\[\d\]\.schema\.fields\[1\]\.constraints\.minimum: minimum applies to numbers, integers, dates and years, not to a string"),
    ("missing values", lambda d: _schema(d, "counties").update(missingValues=["", "NA"]),
     r"^resources\[\d\]\.schema\.missingValues: only \[\"\"\] \(an empty cell is missing\) is supported"),
    ("unknown schema key", lambda d: _schema(d, "counties").update(uniqueKeys=[["name"]]),
     r"^resources\[\d\]\.schema\.uniqueKeys: guilin_analysis\.data does not enforce `uniqueKeys`"),
    ("csv dialect", lambda d: _resource(d, "counties").update(dialect={"delimiter": ";"}),
     r"^resources\[\d\]\.dialect: guilin_analysis\.data does not enforce `dialect`"),
    ("primary key not a field", lambda d: _schema(d, "counties").update(primaryKey=["county"]),
     r"^resources\[\d\]\.schema\.primaryKey: 'county' is not a field of this table"),
    ("foreign key to no table", lambda d: _schema(d, "township-divisions").update(
        foreignKeys=[{"fields": "county_code", "reference": {"resource": "county", "fields": "county_code"}}]),
     r"^resources\[\d\]\.schema\.foreignKeys\[0\]\.reference\.resource: 'county' is not a table of this package"),
    ("unit label without multiplier", lambda d: _field(d, "report-indicators", "unit")["x-unit-labels"]["张"].pop("multiplier"),
     r"^resources\[\d\]\.schema\.fields\[\d\]\.x-unit-labels\.张\.multiplier: every unit needs a positive multiplier"),
    ("field name not text", lambda d: _field(d, "counties", "kind").update(name=["kind"]),
     r"^resources\[\d\]\.schema\.fields\[2\]: the field has no name"),
    ("pattern on a number", lambda d: _field(d, "reference-figures", "value")["constraints"].update(pattern="\\d+"),
     r"^resources\[\d\]\.schema\.fields\[3\]\.constraints\.pattern: a pattern applies to string fields, not to a number"),
    ("unit bounds bounding nothing", lambda d: _field(d, "reference-figures", "unit").pop("x-unit-of"),
     r"^resources\[\d\]\.schema\.fields\[4\]\.x-unit-labels: the unit labels declare bounds, so the field needs x-unit-of"),
    ("unit bounds on a string", lambda d: _field(d, "reference-figures", "unit").update({"x-unit-of": "name_en"}),
     r"^resources\[\d\]\.schema\.fields\[4\]\.x-unit-of: 'name_en' is not a number or integer field"),
    ("twin of no field", lambda d: _field(d, "report-indicators", "note_zh").update({"x-chinese-of": "notes"}),
     r"^resources\[\d\]\.schema\.fields\[12\]\.x-chinese-of: 'notes' is not another text field of this table"),
    ("twin of a number", lambda d: _field(d, "report-indicators", "note_zh").update({"x-chinese-of": "value"}),
     r"^resources\[\d\]\.schema\.fields\[12\]\.x-chinese-of: 'value' is not another text field of this table"),
    ("two twins of one field", lambda d: _field(d, "report-indicators", "name_zh").update({"x-chinese-of": "note"}),
     r"^resources\[\d\]\.schema\.fields\[12\]\.x-chinese-of: fields\[2\] already gives the Chinese of 'note'"),
    ("code without its Chinese", lambda d: _field(d, "counties", "kind")["x-enum-zh"].pop("county"),
     r"^resources\[\d\]\.schema\.fields\[2\]\.x-enum-zh: the code 'county' of the vocabulary has no Chinese"),
    ("Chinese of no code", lambda d: _field(d, "counties", "kind")["x-enum-zh"].update(city="市"),
     r"^resources\[\d\]\.schema\.fields\[2\]\.x-enum-zh\.city: 'city' is not a code of the field's vocabulary"),
    ("Chinese of codes without a vocabulary", lambda d: _field(d, "counties", "name").update({"x-enum-zh": {"a": "甲"}}),
     r"^resources\[\d\]\.schema\.fields\[1\]\.x-enum-zh: it gives the Chinese of a vocabulary, and the field declares none"),
    ("empty Chinese title", lambda d: _resource(d, "counties").update({"x-title-zh": " "}),
     r"^resources\[\d\]\.x-title-zh: it must be the Chinese title, a non-empty text"),
    ("unknown custom property", lambda d: _field(d, "counties", "kind").update({"x-weight": 2}),
     r"^resources\[\d\]\.schema\.fields\[2\]\.x-weight: guilin_analysis\.data does not enforce `x-weight`"),
])
def test_descriptor_fault_is_one_sentence(data_copy, capsys, case, change, words):
    _edit_descriptor(data_copy, change)
    _expect_descriptor_fault(data_copy, capsys, words)


# ---------------------------------------------------------------- keys and bounds

def _expect_in(data_copy, csv_path, load, line, column, words):
    """``load`` fails on the first problem; validate() lists a problem at (line, column) saying ``words``."""
    with pytest.raises(ga.DataValidationError):
        load(data_copy)
    problems = ga.validate(data_copy)
    hits = [p for p in problems if p.file.endswith(csv_path) and p.line == line and p.column == column
            and re.search(words, p.message)]
    assert hits, problems
    return hits[0]


def _load_figures(d):
    return ga.load_reference("reference-figures", d)


def _line_in(data_copy, csv_path, needle):
    return _line_of((data_copy / csv_path).read_text(encoding="utf-8"), needle)


def test_foreign_key_township_to_county(data_copy):
    line = _line_in(data_copy, TOWNSHIPS_CSV, "450302002,")
    rewrite(data_copy / TOWNSHIPS_CSV, lambda t: t.replace("450302002,丽君街道,450302,", "450302002,丽君街道,450399,", 1))
    problem = _expect_in(data_copy, TOWNSHIPS_CSV, lambda d: ga.load_reference("township-divisions", d),
                         line, "county_code", r"'450399' is not a county_code of counties \(.*guilin-counties-2022\.csv\)")
    assert "foreign key" in problem.message


def test_foreign_key_breaks_when_the_referenced_row_goes(data_copy):
    rewrite(data_copy / COUNTIES_CSV, lambda t: "\n".join(l for l in t.split("\n") if not l.startswith("450381,")))
    line = _line_in(data_copy, TOWNSHIPS_CSV, ",450381,")
    _expect_in(data_copy, TOWNSHIPS_CSV, lambda d: ga.load_reference("township-divisions", d),
               line, "county_code", "'450381' is not a county_code of counties")


def test_primary_key_without_unique_is_enforced(data_copy):
    line = _line_in(data_copy, TOWNSHIPS_CSV, "450302002,")
    rewrite(data_copy / TOWNSHIPS_CSV, lambda t: t.replace("450302002,丽君街道", "450302001,丽君街道", 1))
    _expect_in(data_copy, TOWNSHIPS_CSV, lambda d: ga.load_reference("township-divisions", d),
               line, "code", r"primary key \(code\) '450302001' is a duplicate of line 2")


def test_composite_primary_key(data_copy):
    _edit_descriptor(data_copy, lambda d: _schema(d, "reference-figures").update(primaryKey=["name_en", "period"]))
    assert ga.validate(data_copy) == []       # figure names differ, so the pair is unique
    text = (data_copy / FIGURES_CSV).read_text(encoding="utf-8")
    line = _line_of(text, "population.guangxi.resident,")
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(
        "Guangxi resident population (7th national census),50126804,人,2020",
        "Guilin resident population (7th national census),50126804,人,2020", 1))
    _expect_in(data_copy, FIGURES_CSV, _load_figures, line, "name_en, period",
               r"primary key \(name_en, period\) .* is a duplicate of line 2")


def test_maximum_declared_on_a_field_is_enforced(data_copy):
    _edit_descriptor(data_copy, lambda d: _field(d, "reference-figures", "value")["constraints"].update(maximum=10 ** 9))
    line = _line_in(data_copy, FIGURES_CSV, "population.guangxi.resident,")
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(",50126804,人,", ",5012680400,人,", 1))
    _expect_in(data_copy, FIGURES_CSV, _load_figures, line, "value",
               r"5012680400 is above the maximum 1000000000 declared in datapackage\.json")


@pytest.mark.parametrize("old,new,words", [
    (",4931137,人,", ",-4931137,人,", r"-4931137 is below the minimum 0 declared in datapackage\.json"),
    (",4931137,人,", ",0,人,", r"0 人 must be greater than 0, the bound datapackage\.json declares for the unit '人'"),
])
def test_population_must_be_positive(data_copy, old, new, words):
    line = _line_in(data_copy, FIGURES_CSV, "population.guilin.resident,")
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(old, new, 1))
    _expect_in(data_copy, FIGURES_CSV, _load_figures, line, "value", words)


def test_share_above_100_percent(data_copy):
    line = _line_in(data_copy, FIGURES_CSV, "target.nursing_bed_share.2025,")
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(",55,%,2025,", ",250,%,2025,", 1))
    _expect_in(data_copy, FIGURES_CSV, _load_figures, line, "value",
               r"250 % is above the maximum 100, the bound datapackage\.json declares for the unit '%'")


def test_negative_count_in_the_indicators(data_copy):
    line = _line_in(data_copy, INDICATORS_CSV, "volunteering.teams,")
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",6572,支,", ",-6572,支,", 1))
    _expect(data_copy, line, "value", r"-6572 支 is below the minimum 0, the bound datapackage\.json declares")


def test_a_change_may_exceed_100_percent(data_copy):
    """Shares are 0-100, but a change on a previous year (period_type 'change') is exempt."""
    source = data_copy / "source" / "guilin-civil-affairs-report.zh.txt"
    rewrite(source, lambda t: t.replace("增长42.34%", "增长142.34%", 1))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",42.34,%,", ",142.34,%,", 1).replace(
        "增长42.34%", "增长142.34%"))
    assert ga.validate(data_copy) == []
    # the same value in a share (a single year) is refused
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",142.34,%,,2022 vs 2021,change,", ",142.34,%,,2022,year,", 1))
    line = _line_in(data_copy, INDICATORS_CSV, "volunteering.growth.first,")
    _expect(data_copy, line, "value", r"142\.34 % is above the maximum 100")


@pytest.mark.parametrize("group_char,words", [
    (None, r"'4,9,3,1,1,3,7' is not a number: a thousands separator is allowed only where the field declares groupChar"),
    (",", r"'4,9,3,1,1,3,7' is not a number: thousands separators \(,\) must separate groups of three digits"),
])
def test_thousands_separators_only_in_groups_of_three(data_copy, group_char, words):
    if group_char:
        _edit_descriptor(data_copy, lambda d: _field(d, "reference-figures", "value").update(groupChar=group_char))
    line = _line_in(data_copy, FIGURES_CSV, "population.guilin.resident,")
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(",4931137,人,", ',"4,9,3,1,1,3,7",人,', 1))
    _expect_in(data_copy, FIGURES_CSV, _load_figures, line, "value", words)


def test_declared_group_char_reads_grouped_thousands(data_copy):
    _edit_descriptor(data_copy, lambda d: _field(d, "reference-figures", "value").update(groupChar=","))
    rewrite(data_copy / FIGURES_CSV, lambda t: t.replace(",4931137,人,", ',"4,931,137",人,', 1))
    figures = _load_figures(data_copy).set_index("figure_id")
    assert figures.loc["population.guilin.resident", "value"] == 4931137


# ---------------------------------------------------------------- header and units

def test_duplicated_column_name(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",quote,note,note_zh\n", ",quote,quote,note_zh\n", 1))
    _expect(data_copy, 1, "quote", r"'quote' appears twice in the header \(columns 11 and 12\)")


def test_undeclared_column(data_copy):
    lines = (data_copy / COUNTIES_CSV).read_text(encoding="utf-8").rstrip("\n").split("\n")
    body = [lines[0] + ",area"] + [line + ",1" for line in lines[1:]]
    (data_copy / COUNTIES_CSV).write_text("\n".join(body) + "\n", encoding="utf-8")
    _expect_in(data_copy, COUNTIES_CSV, lambda d: ga.load_reference("counties", d), 1, "area",
               "the column is not declared in datapackage.json")


def test_columns_out_of_declared_order(data_copy):
    text = (data_copy / COUNTIES_CSV).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[r[1], r[0], *r[2:]] for r in rows])
    (data_copy / COUNTIES_CSV).write_text(out.getvalue(), encoding="utf-8")
    _expect_in(data_copy, COUNTIES_CSV, lambda d: ga.load_reference("counties", d), 1, "name",
               r"not in the order datapackage\.json declares them \(county_code, name, kind, source, source_zh\)")


def test_header_without_rows(data_copy):
    header = (data_copy / TOWNSHIPS_CSV).read_text(encoding="utf-8").split("\n", 1)[0]
    (data_copy / TOWNSHIPS_CSV).write_text(header + "\n", encoding="utf-8")
    with pytest.raises(ga.DataValidationError, match=r"guilin-township-divisions-2022\.csv: the table has "
                                                     "a header but no rows"):
        ga.load_reference("township-divisions", data_copy)


def test_unit_of_the_vocabulary_without_a_label(data_copy, capsys):
    _edit_descriptor(data_copy, lambda d: _field(d, "report-indicators", "unit")["x-unit-labels"].pop("座"))
    _expect_descriptor_fault(data_copy, capsys, r"resources\[\d\]\.schema\.fields\[5\]\.x-unit-labels: the unit '座' of the vocabulary \(enum\) has no label")


def test_unit_without_a_label(data_copy):
    """A unit field without a vocabulary: each unit used still needs its label."""
    def change(d):
        unit = _field(d, "report-indicators", "unit")
        unit["x-unit-labels"].pop("座")
        unit["constraints"].pop("enum")
        _resource(d, "report-indicators")["x-provenance"]["unit_words"].pop("座")
    _edit_descriptor(data_copy, change)
    line = _line_in(data_copy, INDICATORS_CSV, "social_affairs.funerals.graves_cleared,")
    _expect(data_copy, line, "unit", r"the unit '座' has no entry in the unit labels \(x-unit-labels\) of datapackage\.json")


@pytest.mark.parametrize("kind,good,bad,words", [
    ("date", "2022-10-31", "2022-02-30", r"'2022-02-30' is not a date \(YYYY-MM-DD\)"),
    ("year", "2022", "22", r"'22' is not a year \(YYYY\)"),
    ("integer", "12", "12.5", r"'12.5' is not a integer"),
    ("boolean", "true", "yes", r"'yes' is not a boolean \(true or false\)"),
])
def test_other_declared_types(data_copy, kind, good, bad, words):
    """Types the lead may add (a period start as a date, say) are parsed as Table Schema defines them."""
    _edit_descriptor(data_copy, lambda d: _schema(d, "counties")["fields"].append({"name": "extra", "type": kind}))
    lines = (data_copy / COUNTIES_CSV).read_text(encoding="utf-8").rstrip("\n").split("\n")
    body = [lines[0] + ",extra"] + [l + "," + (bad if i == 3 else good) for i, l in enumerate(lines[1:], 2)]
    (data_copy / COUNTIES_CSV).write_text("\n".join(body) + "\n", encoding="utf-8")
    _expect_in(data_copy, COUNTIES_CSV, lambda d: ga.load_reference("counties", d), 3, "extra", words)


# ---------------------------------------------------------------- check runs Frictionless too

def test_check_runs_frictionless_on_a_valid_package(data_copy, capsys):
    code, output = _check_output(data_copy, capsys)
    assert code == 0 and output.strip().endswith(": valid"), output


def test_check_reports_what_frictionless_finds(data_copy, capsys, monkeypatch):
    import guilin_analysis.data as data

    seen = []

    def fake(root):
        seen.append(root)
        return [ga.Problem("x.csv", None, "unit", "Frictionless, row 3: a second opinion")]
    monkeypatch.setattr(data, "_frictionless_problems", fake)
    code, output = _check_output(data_copy, capsys)
    assert seen == [data_copy.resolve()]
    assert code == 1 and "x.csv, column unit: Frictionless, row 3: a second opinion" in output


def test_frictionless_errors_are_one_line_each(data_copy):
    from guilin_analysis.data import _frictionless_problems

    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",32715,张,", ",32715,床,", 1))
    problems = _frictionless_problems(data_copy)
    assert problems
    assert all("\n" not in str(p) and p.file.endswith("report-indicators.csv") for p in problems)
    assert any(p.column == "unit" and re.match(r"Frictionless, row \d+: ", p.message) for p in problems), problems


def test_no_descriptor_fault_raises_anything_but_problems(data_copy):
    """Random damage to the descriptor (a value replaced by another JSON type, or removed) yields
    Problems or a DataValidationError from every entry point, never another exception."""
    import random

    base = json.loads((data_copy / DESCRIPTOR).read_text(encoding="utf-8"))
    junk = [None, 1, -1, 2.5, "", "x", "\\d(", [], [1], ["a", "b"], {}, {"a": 1}, True, [[]], {"name": 1}]

    def paths(node, path=()):
        yield path
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            yield from paths(child, path + (key,))

    where = [p for p in paths(base) if p]
    rng = random.Random(7)
    for _ in range(200):
        descriptor = json.loads(json.dumps(base))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(where)
            try:
                parent = descriptor
                for key in path[:-1]:
                    parent = parent[key]
                if isinstance(parent, dict) and rng.random() < 0.2:
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = json.loads(json.dumps(rng.choice(junk)))
            except (KeyError, IndexError, TypeError):
                pass                                   # an earlier change removed the path
        (data_copy / DESCRIPTOR).write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
        assert all("\n" not in str(p) for p in ga.validate(data_copy))
        for load in (ga.load_indicators, ga.load_report_text,
                     lambda d: ga.load_reference("township-divisions", d)):
            try:
                load(data_copy)
            except ga.DataValidationError:
                pass
