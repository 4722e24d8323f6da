"""The notebook helpers: bilingual sentences, findings kept in both languages, sources escaped."""
from __future__ import annotations

import nbformat
import pytest

import guilin_analysis as ga
from guilin_analysis.notebook import FINDING_KEY, finding, findings_of, pick, say

from conftest import INDICATORS_CSV, rewrite


def test_pick_and_say_choose_the_language():
    assert pick("zh", zh="床位", en="Beds") == "床位" and pick("en", zh="床位", en="Beds") == "Beds"
    assert say("en", zh="中文", en="English")._repr_markdown_() == "English"
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        say("fr", zh="", en="")


def test_a_finding_carries_both_languages_in_its_metadata():
    text, meta = finding("zh", zh="中文句子", en="English sentence", key=True)._repr_markdown_()
    assert text == "中文句子"
    assert meta == {FINDING_KEY: {"finding": {"zh": "中文句子", "en": "English sentence"}, "key": True}}


def test_findings_are_collected_from_an_executed_notebook():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("finding(...)")
    text, meta = finding("en", zh="甲", en="A", key=True)._repr_markdown_()
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/markdown": text}, metadata=meta,
                                           execution_count=1)]
    other = nbformat.v4.new_code_cell("finding(...)")
    text, meta = finding("en", zh="乙", en="B")._repr_markdown_()
    other.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text}, metadata=meta)]
    nb.cells = [cell, other]
    assert findings_of(nb) == [{"zh": "甲", "en": "A"}]
    assert findings_of(nb, key_only=False) == [{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}]


def test_sources_quote_in_zh_name_in_en_and_escape_markup(data_copy):
    facts = ga.Facts()
    zh = ga.sources("zh", facts, indicators=["eldercare.beds.total"], metrics=["eldercare.beds_outside_institutions"])
    assert "“全市养老服务床位达到32715张”" in zh and r"eldercare.beds.total - eldercare.beds.institutional" in zh
    en = ga.sources("en", facts, indicators=["eldercare.beds.total"])
    assert r"Eldercare service beds \(all kinds\), 2022" in en
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(
        "Eldercare service beds (all kinds)", "<script>alert(1)</script>[c](javascript:alert(1))", 1))
    hostile = ga.sources("en", ga.Facts(data_copy), indicators=["eldercare.beds.total"])
    assert "<script>" not in hostile and "](javascript:" not in hostile and r"\<script\>" in hostile
