"""The descriptor is a valid Frictionless Data Package, and the tables conform to it.

Frictionless is an independent reading of the same schema the loader interprets, so the
descriptor and the loader cannot silently disagree.
"""
from __future__ import annotations

import json

import frictionless
import pytest

import guilin_analysis as ga
from guilin_analysis.paths import DATA_DIR

DESCRIPTOR = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))


def test_frictionless_finds_the_package_valid():
    report = frictionless.validate(str(DATA_DIR / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_file_in_data_is_declared():
    declared = {r["path"] for r in DESCRIPTOR["resources"]}
    on_disk = {p.relative_to(DATA_DIR).as_posix() for p in DATA_DIR.rglob("*")
               if p.is_file() and p.suffix in {".csv", ".txt"}}
    assert on_disk == declared


def test_every_table_has_schema_and_citation():
    for res in DESCRIPTOR["resources"]:
        if res.get("format") != "csv":
            continue
        assert res["schema"]["fields"], res["name"]
        cites = "sources" in res or any(f["name"] == "source" for f in res["schema"]["fields"])
        assert cites, f"{res['name']} has no citation"


def test_loader_columns_follow_the_descriptor():
    for res in DESCRIPTOR["resources"]:
        if "schema" not in res:
            continue
        names = [f["name"] for f in res["schema"]["fields"]]
        frame = ga.load_indicators() if res["name"] == "report-indicators" else ga.load_reference(res["name"])
        assert list(frame.columns) == names


def test_frictionless_also_rejects_a_unit_outside_the_vocabulary(data_copy):
    path = data_copy / "indicators" / "report-indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",32715,张,", ",32715,床,", 1), encoding="utf-8")
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    assert not report.valid
    assert [e for e in report.flatten(["fieldName", "type"]) if e == ["unit", "constraint-error"]]
    with pytest.raises(ga.DataValidationError, match="column unit"):
        ga.load_indicators(data_copy)


def _frictionless_errors(data_copy):
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    return report.flatten(["fieldName", "type"])


def test_frictionless_also_enforces_the_foreign_key(data_copy):
    """The foreign key is standard Table Schema: Frictionless reads it the way the loader does."""
    path = data_copy / "reference" / "guilin-township-divisions-2022.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("450302002,丽君街道,450302,", "450302002,丽君街道,450399,", 1),
                    encoding="utf-8")
    assert [None, "foreign-key"] in _frictionless_errors(data_copy)   # Frictionless names no field here
    with pytest.raises(ga.DataValidationError, match="column county_code: '450399' is not a county_code of counties"):
        ga.load_reference("township-divisions", data_copy)


def test_frictionless_also_enforces_the_minimum(data_copy):
    path = data_copy / "reference" / "reference-figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",4931137,人,", ",-4931137,人,", 1), encoding="utf-8")
    assert ["value", "constraint-error"] in _frictionless_errors(data_copy)
    with pytest.raises(ga.DataValidationError, match="column value: -4931137 is below the minimum 0"):
        ga.load_reference("reference-figures", data_copy)


def test_every_table_declares_its_primary_key():
    for res in DESCRIPTOR["resources"]:
        if "schema" in res:
            assert res["schema"].get("primaryKey"), res["name"]


def test_patterns_name_ascii_digits():
    """\\d also matches full-width and other Unicode digits, in Python and in Frictionless."""
    patterns = [f["constraints"]["pattern"] for r in DESCRIPTOR["resources"] for f in r.get("schema", {}).get("fields", [])
                if "pattern" in f.get("constraints", {})]
    assert len(patterns) >= 8
    assert not [p for p in patterns if "\\d" in p]
    assert sum("[0-9]" in p for p in patterns) >= 6
