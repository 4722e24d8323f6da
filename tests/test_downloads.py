"""The downloads beside the data page (issue 15 item 1 and its reproducibility item; issue 13
§3 items 16 and 17): spreadsheet-safe, to the precision the inputs support, byte-reproducible,
and the Chinese data page in Chinese. No kernel, no build: the plug-in's functions directly."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile

import openpyxl
import pandas as pd
import pytest

from guilin_analysis.paths import DATA_DIR
from guilin_analysis.sitepages import datapage, downloads
from guilin_analysis.sitepages.downloads import (download_files, formula_like, metric_texts, neutralise,
                                                 round_significant, significant_digits)

from conftest import INDICATORS_CSV

FOLDER = "downloads"
BOOK = f"{FOLDER}/guilin-civil-affairs-data.xlsx"
ZIP = f"{FOLDER}/guilin-civil-affairs-data.zip"


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# ---------------------------------------------------------------- formula injection

def test_a_formula_like_text_is_made_text_and_a_number_stays_a_number():
    for bad in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "  =1", "-", "=", "+"):
        assert formula_like(bad), bad
        assert neutralise(bad) == "'" + bad
    for fine in ("-3.5", "+3", "66.65", "-2.7556", "1e5", "", "报道称66%", "a=b", "50户以上", "'=already"):
        assert not formula_like(fine), fine
        assert neutralise(fine) == fine


@pytest.fixture
def hostile(data_copy):
    """A data package whose honest notes and names start like formulas."""
    path = data_copy / INDICATORS_CSV
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "note"] = '=HYPERLINK("http://example.invalid","click")'
    frame.loc[1, "note"] = "@SUM(1,1)"
    frame.loc[2, "name_en"] = "+cmd|' /C calc'!A0"
    frame.loc[3, "note"] = "-1+1 is not a number"
    frame.to_csv(path, index=False, lineterminator="\n")
    return data_copy


def test_no_download_runs_a_formula_in_a_spreadsheet(hostile):
    files, _ = download_files(hostile, FOLDER)
    rows = _csv_rows(files[f"{FOLDER}/report-indicators.csv"])
    header = rows[0]
    note, name_en = header.index("note"), header.index("name_en")
    assert rows[1][note] == """'=HYPERLINK("http://example.invalid","click")"""
    assert rows[2][note] == "'@SUM(1,1)" and rows[3][name_en] == "'+cmd|' /C calc'!A0"
    assert rows[4][note] == "'-1+1 is not a number"
    for name, data in files.items():                       # every CSV: no cell a spreadsheet runs
        if name.endswith(".csv"):
            cells = [c for row in _csv_rows(data) for c in row]
            assert not [c for c in cells if formula_like(c)], name
    metrics = _csv_rows(files[f"{FOLDER}/derived-metrics.csv"])
    values = [r[metrics[0].index("value")] for r in metrics[1:]]
    assert any(v.startswith("-") for v in values)            # a negative gap stays a plain number
    assert not [v for v in values if v.startswith("'")]


def test_the_workbook_holds_text_as_text_and_numbers_as_numbers(hostile):
    files, _ = download_files(hostile, FOLDER)
    book = openpyxl.load_workbook(io.BytesIO(files[BOOK]))
    formulas = [(ws.title, c.coordinate) for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    sheet = book["report-indicators"]
    header = [c.value for c in sheet[1]]
    note = sheet.cell(row=2, column=header.index("note") + 1)
    assert note.value == '=HYPERLINK("http://example.invalid","click")' and note.data_type == "s"
    assert note.quotePrefix                                     # and stays text when edited in Excel
    value = sheet.cell(row=2, column=header.index("value") + 1)
    assert isinstance(value.value, (int, float)) and value.data_type == "n"
    metrics = book["derived-metrics"]
    column = [c.value for c in metrics[1]].index("value") + 1
    numbers = [metrics.cell(row=r, column=column).value for r in range(2, metrics.max_row + 1)]
    assert all(isinstance(v, (int, float)) for v in numbers) and min(numbers) < 0


# ---------------------------------------------------------------- precision

def test_significant_digits_and_rounding():
    assert [significant_digits(x) for x in ("922.52", "0.05", "32715", "3.5", "100", "-2.5")] == [5, 1, 5, 2, 3, 2]
    assert significant_digits("abc") is None
    assert round_significant(118271.794872, 5) == "118270"
    assert round_significant(66.65420281184565, 4) == "66.65"
    assert round_significant(-2.755617, 4) == "-2.756"
    assert round_significant(0.000123456, 3) == "0.000123"
    assert round_significant(2.5, 1) == "3"                    # half up (四舍五入), not half even


def test_a_metric_keeps_its_stated_precision_else_three_digits_beyond_its_inputs():
    frame = pd.DataFrame({"metric_id": ["a.share", "a.gap", "a.stated", "a.sig"],
                          "value": [66.65420281184565, 11.65420281184565, 1 / 3, 123456.789],
                          "inputs": ["x.part, x.whole", "a.share, t.target", "x.part", "x.part"],
                          "decimals": ["", "", "2", ""], "precision": ["", "", "", "2"]})
    printed = {"x.part": "8913", "x.whole": "13372", "t.target": "55"}
    assert metric_texts(frame, printed) == ["66.6542", "11.654", "0.33", "120000"]


def test_derived_metric_downloads_carry_no_float_noise():
    files, tables = download_files(DATA_DIR, FOLDER)
    exact = {t.name: t for t in tables}["derived-metrics"]
    rows = _csv_rows(files[f"{FOLDER}/derived-metrics.csv"])
    column = rows[0].index("value")
    from guilin_analysis import derived_metrics

    truth = derived_metrics().set_index("metric_id")["value"]
    for row in rows[1:]:
        text, true = row[column], float(truth[row[0]])
        digits = significant_digits(text)
        assert digits is not None and digits <= 9, (row[0], text)          # 66.65420281184565 is 16
        assert abs(float(text) - true) <= 0.5 * _last_digit(text) * (1 + 1e-9), (row[0], text, true)
    assert list(exact.frame["metric_id"]) == [r[0] for r in rows[1:]]


def _last_digit(text: str) -> float:
    """The worth of the last printed digit: 0.01 for 66.65, 10 for 118270."""
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    digits = text.lstrip("-")
    return 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 1.0


# ---------------------------------------------------------------- reproducible bytes

def test_the_workbook_and_the_zip_are_byte_reproducible(monkeypatch):
    first, _ = download_files(DATA_DIR, FOLDER)
    later = time.time() + 3 * 86400                           # the same data three days later
    monkeypatch.setattr(time, "time", lambda: later)
    second, _ = download_files(DATA_DIR, FOLDER)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], name
    moment = downloads.timestamp(DATA_DIR).timetuple()[:6]
    for name in (BOOK, ZIP):
        with zipfile.ZipFile(io.BytesIO(first[name])) as archive:
            assert {info.date_time for info in archive.infolist()} == {moment}, name
    book = openpyxl.load_workbook(io.BytesIO(first[BOOK]))
    assert book.properties.created == book.properties.modified == downloads.timestamp(DATA_DIR)


def test_the_timestamp_comes_from_the_data_else_a_fixed_epoch(data_copy):
    import json

    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["created"] = "2024-05-06T07:08:09Z"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert downloads.timestamp(data_copy).isoformat() == "2024-05-06T07:08:09"
    descriptor["created"] = "not a date"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert downloads.timestamp(data_copy) == downloads.FIXED_EPOCH


def test_the_zip_is_the_data_package_byte_for_byte():
    files, _ = download_files(DATA_DIR, FOLDER)
    with zipfile.ZipFile(io.BytesIO(files[ZIP])) as archive:
        for info in archive.infolist():
            rel = info.filename.split("/", 1)[1]
            assert archive.read(info) == (DATA_DIR / rel).read_bytes(), rel


# ---------------------------------------------------------------- the Chinese data page

DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
#: English by design: the project's translation of the report; its Chinese is the report itself.
TRANSLATION = {("report-translation", "text_en")}


def _english_text_fields():
    """(resource, field, its Chinese twin or None) for every field of the package the data writes
    in English: a note, definition or citation, and every ``*_en`` column."""
    out = []
    for res in DESCRIPTOR["resources"]:
        fields = res.get("schema", {}).get("fields", [])
        names = {f["name"] for f in fields}
        twins = {f["x-chinese-of"]: f["name"] for f in fields if "x-chinese-of" in f}
        for f in fields:
            name = f["name"]
            if name in datapage.ENGLISH or name.endswith("_en"):
                stem = name[:-3] if name.endswith("_en") else None
                out.append((res["name"], name, twins.get(name) or (stem if stem in names else None)))
    return out


def test_every_english_text_of_the_data_has_a_chinese_column():
    """The data carries both languages: each English text column has its Chinese twin declared
    (x-chinese-of), or is the Chinese column's English label (unit_en beside unit)."""
    found = _english_text_fields()
    assert {("report-indicators", "note"), ("reference-figures", "note"), ("reference-figures", "definition"),
            ("township-divisions", "source"), ("counties", "source"), ("report-translation", "note_en")} <= \
        {(r, n) for r, n, _ in found}
    assert [(r, n) for r, n, twin in found if twin is None and (r, n) not in TRANSLATION] == []
    declared = {(r, n): twin for r, n, twin in found}
    assert declared[("report-indicators", "note")] == "note_zh"
    assert declared[("reference-figures", "definition")] == "definition_zh"


def test_every_row_with_an_english_text_has_its_chinese():
    """Read from the files, not through the loader or the page: a note (definition, citation,
    translator's note) and its Chinese are both filled or both empty, in every row."""
    checked = 0
    for res, name, twin in _english_text_fields():
        if twin is None or twin == name[:-3]:
            continue
        path = next(r["path"] for r in DESCRIPTOR["resources"] if r["name"] == res)
        with open(DATA_DIR / path, encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), 2):
                assert bool(row[name].strip()) == bool(row[twin].strip()), (path, line, name)
                checked += bool(row[name].strip())
    assert checked >= 44 + 12 + 4 + 7 + 148 + 17        # notes of the figures and references, definitions, ...


def test_every_title_description_and_code_has_its_chinese_in_the_descriptor():
    missing = []
    for res in DESCRIPTOR["resources"]:
        missing += [f"{res['name']}: {key}" for key in ("title", "description")
                    if key in res and not res.get(f"x-{key}-zh")]
        for f in res.get("schema", {}).get("fields", []):
            where = f"{res['name']}.{f['name']}"
            missing += [f"{where}: title"] if not f.get("x-title-zh") else []
            missing += [f"{where}: description"] if f.get("description") and not f.get("x-description-zh") else []
            enum = f.get("constraints", {}).get("enum")          # units have their labels (x-unit-labels)
            if enum and "x-unit-labels" not in f and f["name"] not in datapage.CODES \
                    and set(f.get("x-enum-zh", {})) != set(enum):
                missing.append(f"{where}: codes")
    assert missing == []


def test_the_chinese_data_page_reads_its_chinese_from_the_data():
    _, tables = download_files(DATA_DIR, FOLDER)
    assert datapage.untranslated(tables, downloads.column_rows(tables)) == []
    pages = datapage.page_tables(tables, "zh", FOLDER)
    indicators = next(p for p in pages if p["name"] == "report-indicators")
    assert indicators["title"] == DESCRIPTOR["resources"][1]["x-title-zh"] == "报道中的数字（每次表述一行）"
    assert {"name_en", "note"} <= set(indicators["hidden"])
    assert all(c["text"] for c in indicators["columns"])
    headers = {c["name"]: c["text"] for c in indicators["columns"]}
    assert headers["quote"] == "原文" and headers["note_zh"] == "说明" and "note" not in headers
    data = pd.read_csv(DATA_DIR / INDICATORS_CSV, dtype=str, keep_default_na=False)
    notes = [str(row["cells"][list(headers).index("note_zh")]["text"]) for row in indicators["rows"]]
    assert notes == list(data["note_zh"])                       # the data's Chinese, as written
    assert any("报道未说明分母" in n for n in notes)
    codes = {c["name"]: c for c in indicators["columns"]}
    qualifiers = [str(row["cells"][list(codes).index("qualifier")]["text"]) for row in indicators["rows"]]
    assert set(qualifiers) <= set(DESCRIPTOR["resources"][1]["schema"]["fields"][9]["x-enum-zh"].values())
    figures = next(p for p in pages if p["name"] == "reference-figures")
    assert {"definition", "source", "note"} <= set(figures["hidden"])
    english = datapage.page_tables(tables, "en", FOLDER)
    assert "note_zh" in next(p for p in english if p["name"] == "report-indicators")["hidden"]


def test_the_chinese_page_follows_an_edited_note(data_copy):
    """A note edited together with its Chinese: the page shows the new Chinese."""
    path = data_copy / INDICATORS_CSV
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "note"] = "A new note."
    frame.loc[0, "note_zh"] = "新的说明。"
    frame.to_csv(path, index=False, lineterminator="\n")
    _, tables = download_files(data_copy, FOLDER)
    assert datapage.untranslated(tables, downloads.column_rows(tables)) == []
    page = datapage.page_tables(tables, "zh", FOLDER)[0]
    note = page["rows"][0]["cells"][[c["name"] for c in page["columns"]].index("note_zh")]
    assert note == {"text": "新的说明。", "lang": None, "href": None}


def test_a_table_without_its_chinese_column_shows_english_and_is_named(data_copy):
    """A package whose note has no Chinese column: the Chinese page shows the English, marked
    lang="en", and untranslated() names every such cell."""
    path = data_copy / INDICATORS_CSV
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=["note_zh"])
    frame.to_csv(path, index=False, lineterminator="\n")
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    fields = descriptor["resources"][1]["schema"]["fields"]
    fields[:] = [f for f in fields if f["name"] != "note_zh"]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    _, tables = download_files(data_copy, FOLDER)
    missing = datapage.untranslated(tables, downloads.column_rows(tables))
    notes = [m for m in missing if m.startswith("report-indicators row")]
    assert len(notes) == int((frame["note"] != "").sum()) and missing == notes
    assert notes[0] == f"report-indicators row 1, note: {frame.loc[0, 'note']!r}"
    page = datapage.page_tables(tables, "zh", FOLDER)[0]
    note = page["rows"][0]["cells"][[c["name"] for c in page["columns"]].index("note")]
    assert note == {"text": frame.loc[0, "note"], "lang": "en", "href": None}


def test_an_inferred_year_is_marked_on_the_data_page():
    """The data page's period column says a year is inferred, as every other page does."""
    from guilin_analysis.lookup import Facts
    from guilin_analysis.sitepages import DOWNLOADS, downloads

    _, tables = downloads.download_files(DATA_DIR, DOWNLOADS)
    inferred = set(Facts(DATA_DIR).inferred)
    assert "eldercare.beds.total" in inferred
    for lang, mark in (("zh", "（推定）"), ("en", " (inferred)")):
        page = next(t for t in datapage.page_tables(tables, lang, DOWNLOADS, inferred) if t["name"] == "report-indicators")
        at = [c["name"] if isinstance(c, dict) and "name" in c else c for c in page["columns"]]
        rows = {r["id"]: r["cells"] for r in page["rows"]}
        cells = [c["text"] if isinstance(c, dict) else c for c in rows["row-eldercare.beds.total"]]
        assert any(str(c).endswith(mark) for c in cells), (lang, cells, at)
        assert "eldercare.home_care.contracted_elders" not in inferred          # 2022年以来 is printed
        plain = [c["text"] if isinstance(c, dict) else c for c in rows["row-eldercare.home_care.contracted_elders"]]
        assert not any(str(c).endswith(mark) for c in plain), (lang, plain)
