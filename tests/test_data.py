"""The loader: good input loads; each kind of bad input gets a sentence naming file, line and column."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import guilin_analysis as ga
from guilin_analysis.data import chinese_number, value_in_quote

from conftest import INDICATORS_CSV, rewrite

COLUMNS = ["indicator_id", "section", "name_zh", "name_en", "value", "unit", "unit_en",
           "period", "period_type", "qualifier", "quote", "note"]


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
    _expect(data_copy, line, "13 (extra)", "has 13 fields but the header has 12")


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
    _expect(data_copy, line, "note", "has 11 fields but the header has 12")


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
