"""The notebook helpers: bilingual words and sentences, findings kept in both languages, the ids a
sentence shows, key figures declared once, sources escaped."""
from __future__ import annotations

import copy
import pickle

import nbformat
import pytest

import guilin_analysis as ga
from guilin_analysis.lookup import drain_formatted
from guilin_analysis.notebook import FINDING_KEY, Pick, bilingual, finding, findings_of, pick, say
from guilin_report import protocol

from conftest import INDICATORS_CSV, rewrite


@pytest.fixture
def facts():
    drain_formatted()                 # a clean log: each test reads only what it formats
    return ga.Facts()


def test_pick_and_say_choose_the_language():
    assert pick("zh", zh="床位", en="Beds") == "床位" and pick("en", zh="床位", en="Beds") == "Beds"
    assert say("en", zh="中文", en="English")._repr_markdown_()[0] == "English"
    with pytest.raises(ValueError, match="lang must be one of zh, en"):
        say("fr", zh="", en="")


def test_a_pick_is_a_string_that_remembers_both_languages():
    word = pick("en", zh="床位", en="Beds")
    assert isinstance(word, str) and isinstance(word, Pick) and (word.zh, word.en) == ("床位", "Beds")
    assert bilingual(word, "en") == {"zh": "床位", "en": "Beds"}
    assert bilingual("Beds", "en") == {"zh": "Beds", "en": "Beds"}       # a word chosen in one language only
    for again in (copy.deepcopy(word), pickle.loads(pickle.dumps(word))):
        assert (again, again.zh, again.en) == ("Beds", "床位", "Beds")
    assert pick("zh", zh=1e4, en=1e6) == 1e4 and not isinstance(pick("zh", zh=1e4, en=1e6), str)
    assert pick("en", zh={"a": 1}, en={"a": 2}) == {"a": 2}


def test_a_finding_carries_both_languages_in_its_metadata(facts):
    text, meta = finding("zh", zh="中文句子", en="English sentence", key=True)._repr_markdown_()
    assert text == "中文句子"
    assert meta == {FINDING_KEY: {"kind": "finding", "text": {"zh": "中文句子", "en": "English sentence"},
                                  "key": True, "ids": []}}
    assert not protocol.problems(meta[FINDING_KEY])


def test_a_sentence_declares_the_ids_its_voices_formatted(facts):
    zh, en = facts.voice("zh"), facts.voice("en")
    said = say("en", zh=f"护理型床位{zh.f('eldercare.beds.nursing')}，占{zh.pct('eldercare.nursing_share_of_all_beds')}",
               en=f"{en.n('eldercare.beds.nursing')} nursing beds, {en.r('target.nursing_bed_share.2020')}")
    assert said._repr_markdown_()[1] == {FINDING_KEY: {"kind": "prose", "ids": [
        "eldercare.beds.nursing", "eldercare.nursing_share_of_all_beds", "target.nursing_bed_share.2020"]}}
    # the log is drained: the next sentence declares only its own figures
    assert say("en", zh=zh.both("governance.social_work.township_stations"), en="x").ids == (
        "governance.social_work.township_stations", "governance.social_work.township_stations.restated")
    assert say("en", zh="无", en="none", ids=["eldercare.beds.total"]).ids == ("eldercare.beds.total",)
    assert finding("en", zh=zh.p("eldercare.beds.total"), en="").ids == ("eldercare.beds.total",)


def _nb(*outputs):
    nb = nbformat.v4.new_notebook()
    for output in outputs:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = [output]
        nb.cells.append(cell)
    return nb


def _output(shown, kind="execute_result"):
    if hasattr(shown, "_repr_mimebundle_"):
        data, meta = shown._repr_mimebundle_()
    else:
        text, meta = shown._repr_markdown_()
        data, meta = {"text/markdown": text}, {"text/markdown": meta}    # where IPython puts it
    if kind == "execute_result":
        return nbformat.v4.new_output(kind, data=data, metadata=meta, execution_count=1)
    return nbformat.v4.new_output(kind, data=data, metadata=meta)


def test_findings_are_collected_from_an_executed_notebook(facts):
    nb = _nb(_output(finding("en", zh="甲", en="A", key=True)), _output(finding("en", zh="乙", en="B"), "display_data"),
             _output(say("en", zh="丙", en="C")))
    assert findings_of(nb) == [{"zh": "甲", "en": "A"}]
    assert findings_of(nb, key_only=False) == [{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}]


def test_key_figures_are_declared_once_with_their_periods(facts):
    ids = ["eldercare.beds.total", "governance.social_work.township_stations"]
    shown = ga.key_figures("en", facts, ids)
    data, meta = shown._repr_mimebundle_()
    meta = meta[FINDING_KEY]
    assert not protocol.problems(meta) and meta["kind"] == "key_figures"
    beds, stations = meta["figures"]
    assert beds == {"id": "eldercare.beds.total", "name": {"zh": "养老服务床位总数", "en": "Eldercare service beds (all kinds)"},
                    "value": {"zh": "32715张", "en": "32,715 beds"}, "period": {"zh": "2022年（推定）", "en": "2022 (inferred)"},
                    "href": "source.html#eldercare.beds.total"}
    assert stations["value"] == {"zh": "78个（另一处称99个）", "en": "78 stations (elsewhere: 99)"}   # never one side alone
    assert stations["period"]["en"] == "period not stated"          # 建成…社工站78个: undated
    assert meta["ids"] == [*ids, "governance.social_work.township_stations.restated"]
    assert "<td>78 stations (elsewhere: 99)</td>" in data["text/html"] and "period not stated" in data["text/plain"]
    assert protocol.key_figures(_nb(_output(shown))) == meta["figures"]


def test_a_key_figure_must_be_a_figure_of_the_report(facts):
    with pytest.raises(ValueError, match="is a metric, not a figure of the report"):
        ga.key_figures("en", facts, ["eldercare.nursing_share_of_all_beds"])
    with pytest.raises(KeyError, match="not an indicator"):
        ga.key_figures("en", facts, ["eldercare.beds.nope"])


def test_key_figures_escape_markup_from_the_data(data_copy):
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace("Eldercare service beds (all kinds)", "<b>Beds</b>", 1))
    data, _ = ga.key_figures("en", ga.Facts(data_copy), ["eldercare.beds.total"])._repr_mimebundle_()
    assert "<b>Beds" not in data["text/html"] and "&lt;b&gt;Beds&lt;/b&gt;" in data["text/html"]


def test_sources_quote_in_zh_name_in_en_and_escape_markup(data_copy):
    facts = ga.Facts()
    zh = ga.sources("zh", facts, indicators=["eldercare.beds.total"], metrics=["eldercare.beds_outside_institutions"])
    assert "“全市养老服务床位达到32715张”" in zh and r"eldercare.beds.total - eldercare.beds.institutional" in zh
    assert zh._repr_markdown_()[1] == {FINDING_KEY: {"kind": "prose", "ids": [
        "eldercare.beds.total", "eldercare.beds_outside_institutions"]}}
    en = ga.sources("en", facts, indicators=["eldercare.beds.total"])
    assert r"Eldercare service beds \(all kinds\), 2022" in en
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(
        "Eldercare service beds (all kinds)", "<script>alert(1)</script>[c](javascript:alert(1))", 1))
    hostile = ga.sources("en", ga.Facts(data_copy), indicators=["eldercare.beds.total"])
    assert "<script>" not in hostile and "](javascript:" not in hostile and r"\<script\>" in hostile
