"""The notebooks carry the argument: bilingual prose in tagged Markdown, a `parameters` cell with
working defaults, findings computed from the data, and committed outputs from a clean run
(nbval compares against them in `make test`)."""
from __future__ import annotations

import re

import nbformat
import papermill
import pytest

from guilin_analysis.notebook import LANG_TAGS, findings_of
from guilin_analysis.paths import NOTEBOOKS_DIR

from conftest import INDICATORS_CSV, bare_chinese, rewrite

EXPECTED = ["00_overview", "01_eldercare", "02_governance", "03_volunteering",
            "04_children_and_social_affairs", "05_data_audit"]
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
SECTIONS = [p for p in NOTEBOOKS if p.stem[:2] in {"01", "02", "03", "04"}]
KERNEL = "guilin-civil-affairs"
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:-]+[A-Za-z]{2,}){2,}")   # three English words in a row


def _read(path):
    return nbformat.read(path, as_version=4)


def _prose(nb, lang: str) -> str:
    return "\n".join(c.source for c in nb.cells
                     if c.cell_type == "markdown" and LANG_TAGS[lang] in c.metadata.get("tags", []))


def _without_code(text: str) -> str:
    return re.sub(r"`[^`]*`", "", text)


def test_the_six_notebooks_exist():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_with_working_defaults(path):
    params = papermill.inspect_notebook(str(path))
    assert params["lang"]["default"] == '"zh"'
    assert params["data_dir"]["default"] == "None"
    nb = _read(path)
    assert len([c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]) == 1
    assert nb.metadata.kernelspec.name == KERNEL


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_in_both_languages_tagged_chinese_first(path):
    nb = _read(path)
    zh, en = _prose(nb, "zh"), _prose(nb, "en")
    least = 300 if path in SECTIONS else 150
    assert len(zh) >= least and len(en) >= least, (len(zh), len(en))
    tagged = [c for c in nb.cells if c.cell_type == "markdown" and set(c.metadata.get("tags", [])) & set(LANG_TAGS.values())]
    tags = [LANG_TAGS["zh"] if LANG_TAGS["zh"] in c.metadata.tags else LANG_TAGS["en"] for c in tagged]
    assert tags == [LANG_TAGS["zh"], LANG_TAGS["en"]] * (len(tags) // 2), "each Chinese cell, then its English one"
    untagged = [c for c in nb.cells if c.cell_type == "markdown" and not c.metadata.get("tags")]
    assert not untagged, "Markdown that is not tagged lang-zh or lang-en would show in both builds"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_language_stays_in_its_cells(path):
    nb = _read(path)
    english_in_zh = _ENGLISH_RUN.findall(_without_code(_prose(nb, "zh")))
    assert not english_in_zh, english_in_zh
    chinese_in_en = bare_chinese(_without_code(_prose(nb, "en")))
    assert not chinese_in_en, chinese_in_en


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_path_to_the_data_is_spelled_out(path):
    assert not [c for c in _read(path).cells if c.cell_type == "code" and "../data" in c.source]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_outputs_are_a_clean_default_run(path):
    nb = _read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run `make notebooks`"
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "every notebook draws a chart"
    assert not [c for c in code if "execution" in c.metadata]


@pytest.mark.parametrize("path", SECTIONS, ids=lambda p: p.stem)
def test_each_section_states_a_key_finding_in_both_languages(path):
    found = findings_of(path)
    assert found, "mark the notebook's key finding with finding(..., key=True)"
    for f in found:
        assert f["zh"] and f["en"] and f["zh"] != f["en"]
        assert not bare_chinese(f["en"]), bare_chinese(f["en"])


def test_a_changed_figure_changes_the_eldercare_findings_in_both_languages(data_copy, tmp_path):
    """32715 -> 41234 in a copy of the data (text and table): the computed sentences follow."""
    rewrite(data_copy / "source" / "guilin-civil-affairs-report.zh.txt", lambda t: t.replace("床位达到32715张", "床位达到41234张", 1))
    rewrite(data_copy / INDICATORS_CSV, lambda t: t.replace(",32715,张,", ",41234,张,", 1)
            .replace("床位达到32715张", "床位达到41234张", 1))
    out = tmp_path / "01.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS_DIR / "01_eldercare.ipynb"), str(out), kernel_name=KERNEL,
                               parameters={"lang": "en", "data_dir": str(data_copy)}, progress_bar=False)
    found = findings_of(out, key_only=False)
    text = " ".join(f["zh"] + f["en"] for f in found)
    assert "41234张" in text and "41,234 beds" in text and "32715" not in text and "32,715" not in text
    share = f"{8913 / 41234 * 100:.1f}%"          # the nursing share over all beds (a lower bound) moves with it
    assert f"at least {share}" in " ".join(f["en"] for f in found)


# ---------------------------------------------------------------- what the committed findings say (issue 13)

def _findings(stem: str, key_only: bool = False) -> list[dict[str, str]]:
    return findings_of(NOTEBOOKS_DIR / f"{stem}.ipynb", key_only=key_only)


def _all_outputs(stem: str) -> str:
    texts = []
    for cell in _read(NOTEBOOKS_DIR / f"{stem}.ipynb").cells:
        for out in cell.get("outputs", []):
            texts += [str(v) for k, v in out.get("data", {}).items() if k.startswith("text/")]
    return "\n".join(texts)


def test_a_lower_bound_below_a_floor_is_never_below():
    """The 27.2 % of all beds is a lower bound: against the 13th plan's 30 % it cannot be judged."""
    found = _findings("01_eldercare")
    thirteenth = [f for f in found if "十三五" in f["zh"]]
    assert thirteenth, "the 13th plan's benchmark is discussed in a finding"
    for f in thirteenth:
        assert "无法判断" in f["zh"] and "下限" in f["zh"] and "低于" not in f["zh"].replace("不低于", "")
        assert "cannot be judged" in f["en"] and "lower bound" in f["en"] and " below " not in f["en"]
        assert "已经过期" in f["zh"] and "lapsed" in f["en"] and "replaced" in f["en"]


def test_the_lapsed_13th_plan_stays_out_of_the_key_findings():
    for path in NOTEBOOKS:
        for f in findings_of(path):
            assert "十三五" not in f["zh"] and "13th" not in f["en"], path.stem


def test_no_like_for_like_where_the_definitions_differ():
    for path in NOTEBOOKS:
        nb = _read(path)
        text = "\n".join(c.source for c in nb.cells) + _all_outputs(path.stem)
        assert "like for like" not in text.lower() and "like-for-like" not in text.lower() and "同口径" not in text, path.stem


def test_the_78_stations_are_not_given_the_funds():
    """Only the second-to-last paragraph ties 922.52万元 to a count of stations (99); the 78 follow lost text."""
    nb = _read(NOTEBOOKS_DIR / "02_governance.ipynb")
    prose = _prose(nb, "zh") + _prose(nb, "en")
    assert "同一笔资金、同样的服务人次" not in prose and "the same funds and the same number of services" not in prose
    funds = [f for f in _findings("02_governance") if "78" in f["zh"] and "11.8万元" in f["zh"]]
    assert funds and all("假如" in f["zh"] and "If the funds applied" in f["en"] for f in funds)
    key = _findings("02_governance", key_only=True)[0]
    assert "很可能矛盾" in key["zh"] and "至多一站" in key["zh"] and "no township has more than one station" in key["en"]


def test_inferred_years_read_as_inferred():
    text = " ".join(f["zh"] + " " + f["en"] for f in _findings("01_eldercare"))
    assert "2022年（推定）" in text and "2022 (inferred)" in text
    assert "2022年（推定）" in _all_outputs("00_overview")            # the key figures and the table by period
    # "志愿服务总时长较2021年分别增长…": the later year is never printed
    volunteering = _all_outputs("03_volunteering")               # the committed outputs are the Chinese run
    assert "2022年（推定）较2021年" in volunteering and "2022年较2021年" not in volunteering


def _every_text(path) -> str:
    nb = _read(path)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown") + "\n" + _all_outputs(path.stem) + "\n" + \
        "\n".join(f["zh"] + "\n" + f["en"] for f in findings_of(path, key_only=False))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_a_year_in_chinese_keeps_its_nian(path):
    """2022年（推定）, never a bare 2022（推定）."""
    text = _every_text(path)
    assert not re.findall(r"\d{4}（推定）", text), re.findall(r".{8}\d{4}（推定）", text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_sentence_asserts_what_the_report_leaves_open(path):
    """Two counts that lost text may reconcile are two counts, not an inconsistency (前后不一); a
    near-repeat is not word for word; no count of paragraphs is typed; 1263 counts villages and
    communities, not committees; the 78 and 99 are undated."""
    text = _every_text(path)
    assert "前后不一" not in text and "逐字重复" not in text.replace("并非逐字重复", "")
    assert "word for word" not in re.sub(r"(not|not necessarily|almost) word for word", "", text)
    assert not re.search(r"(?<![同一])[两三四五六七八九十\d]段文字", text), re.findall(r".{6}[两三四五六七八九十\d]段文字", text)
    assert not re.search(r"\b(two|three|four|five|six|\d+) paragraphs\b", text, re.I)
    assert "women and children's work committees" not in text and "只给出委员会数" not in text
    assert "by the time of the report" not in text


def test_the_childrens_day_money_is_money_raised_not_aid():
    """筹措60余万元，组织"六一"资助千名困境儿童大型公益活动: the sum and the event stand side by side."""
    f = next(f for f in _findings("04_children_and_social_affairs") if "六一" in f["zh"])
    assert "同一句" in f["zh"] and "不是每名儿童得到的资助" in f["zh"] and "若受助儿童确为" not in f["zh"]
    assert "side by side" in f["en"] and "not aid" in f["en"] and "if the count is right" not in f["en"]
    assert "to hold" not in f["en"] and "为举办" not in _every_text(NOTEBOOKS_DIR / "04_children_and_social_affairs.ipynb")


def test_the_nursing_share_chart_names_the_targets_years_and_the_lapsed_benchmark():
    nb = _read(NOTEBOOKS_DIR / "01_eldercare.ipynb")
    cell = next(c for c in nb.cells if "readme-figure" in c.metadata.get("tags", []))
    meta = next(o.metadata["guilin_report"] for o in cell.outputs if "guilin_report" in o.get("metadata", {}))
    names = {s["id"]: s["name"] for s in meta["series"]}
    assert "2025年" in names["target.nursing_bed_share.2025"]["zh"] and "2025" in names["target.nursing_bed_share.2025"]["en"]
    assert "2020年" in names["target.nursing_bed_share.2020"]["zh"] and "已过期" in names["target.nursing_bed_share.2020"]["zh"]
    assert "2020, lapsed" in names["target.nursing_bed_share.2020"]["en"]
    # its numerator (all nursing-type beds) is not the reading's (those in institutions)
    assert "分子不同" in names["target.nursing_bed_share.2020"]["zh"] and "another numerator" in names["target.nursing_bed_share.2020"]["en"]
    assert "分母" not in meta["title"]["zh"] and "denominator" not in meta["title"]["en"]     # no claim of one definition


def test_the_new_questions_are_answered():
    eldercare = " ".join(f["en"] for f in _findings("01_eldercare"))
    assert "per 1,000 older people" in eldercare and "likely overstates" in eldercare
    assert "of Guilin's residents aged 60+" in eldercare and "not per year" in eldercare
    assert "person-times are not persons" in eldercare and "sub-districts" in eldercare
    governance = " ".join(f["en"] for f in _findings("02_governance"))
    assert "households" in governance and "of the funds invested" in governance and "villages and communities" in governance
    assert "hypothesis" in _all_outputs("02_governance")
    overview = " ".join(f["en"] for f in _findings("00_overview"))
    assert "By the kind of their period" in overview and "nearly repeats" in overview


def test_chinese_output_reads_as_the_report_prints():
    """报道 for the newspaper feature, never 报告; numbers without thousands separators (8913张)."""
    for path in NOTEBOOKS:
        zh = [f["zh"] for f in findings_of(path, key_only=False)] + [_prose(_read(path), "zh")]
        for text in zh:
            assert "报告" not in text.replace("报告期", ""), (path.stem, text[:80])
            assert not re.search(r"\d,\d{3}", text), (path.stem, re.findall(r".{6}\d,\d{3}.{3}", text))


# ------------------------------------------------- a paragraph named must be the paragraph meant

def _body_paragraphs(report: str) -> list[str]:
    """The report's paragraphs of running text: no photo captions (▲▼◀), no photo credit （…）."""
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    return [line for line in lines if not line.startswith(("▲", "▼", "◀", "（", "("))]


def _figures(clause: str) -> list[str]:
    """The figures of a clause as the report prints them: 63,654 -> 63654, 9.2252 million -> 922.52."""
    clause = re.sub(r"(?<=\d),(?=\d{3})", "", clause)
    clause = re.sub(r"(\d+(?:\.\d+)?) million", lambda m: f"{float(m.group(1)) * 100:g}", clause)
    return re.findall(r"\d+(?:\.\d+)?", clause)


_NAMED_PARAGRAPHS = {r"结尾段|closing paragraph": -1, r"倒数第二段|second-to-last paragraph": -2}


def paragraph_faults(text: str, report: str) -> list[str]:
    """Clauses that name a paragraph (the closing one, the second-to-last) and cite figures, none of
    which that paragraph holds: the paragraph named is not the one the figures stand in."""
    body, faults = _body_paragraphs(report), []
    text = re.sub(r"<[^>]*>", "\n", text)                      # a table cell is a clause of its own
    for clause in re.split(r"(?<=[。；;])|(?<=\.)\s|\n|\s{2,}", text):
        for pattern, index in _NAMED_PARAGRAPHS.items():
            if not re.search(pattern, clause, re.I):
                continue
            held = set(_figures(body[index]))
            figures = _figures(clause)
            if figures and not held.intersection(figures):
                faults.append(clause.strip())
    return faults


def test_a_paragraph_named_holds_the_figures_it_is_cited_for():
    from guilin_analysis.data import load_report_text
    report = load_report_text()
    body = _body_paragraphs(report)
    assert body[-1].startswith("一项项群众看得见") and "99个" in body[-2]      # 24 closes the text; 23 has the 99
    # the fault the second reading found: the 99 is not in the closing paragraph
    assert paragraph_faults("结尾段把922.52万元与99个乡镇（街道）社工站写在一起。", report)
    assert paragraph_faults("The closing paragraph ties 9.2252 million yuan to 99 township stations.", report)
    assert not paragraph_faults("倒数第二段把922.52万元与99个乡镇（街道）社工站写在一起。", report)
    assert not paragraph_faults("The second-to-last paragraph ties 9.2252 million yuan to 99 township stations.", report)
    assert paragraph_faults("倒数第二段写到建成乡镇（街道）社工站78个。", report)    # the 78 stand in paragraph 16
    for path in NOTEBOOKS:
        assert not paragraph_faults(_every_text(path), report), path.stem


def test_the_data_names_the_paragraph_that_holds_the_figure():
    import csv
    from guilin_analysis.data import load_report_text
    from guilin_analysis.paths import DATA_DIR
    report = load_report_text()
    for name in (INDICATORS_CSV, "metrics/metric-definitions.csv", "source/glossary.csv"):
        with open(DATA_DIR / name, encoding="utf-8", newline="") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                for column, value in row.items():
                    assert not paragraph_faults(value or "", report), (name, line, column)


# "并非每名注册志愿者都属于某支队伍" / "not every volunteer belongs to a team": the report does not say
_MEMBERSHIP = re.compile(r"并非每.{0,8}都属于|not every [\w ]{0,30}belongs?", re.I)


def membership_claims(text: str) -> list[str]:
    """Sentences asserting that some volunteers belong to no team, which the report never says."""
    return [m.group(0) for m in _MEMBERSHIP.finditer(text)]


def test_no_claim_that_some_volunteers_belong_to_no_team():
    assert membership_claims("平均每支队伍约168人（并非每名志愿者都属于某支队伍）")
    assert membership_claims("about 168 per team (not every volunteer belongs to a team)")
    assert not membership_claims("约168人（志愿者不一定都属于某支队伍）") and \
        not membership_claims("(volunteers need not all belong to a team)")
    import csv
    from guilin_analysis.paths import DATA_DIR
    for path in NOTEBOOKS:
        assert not membership_claims(_every_text(path)), path.stem
    with open(DATA_DIR / "metrics/metric-definitions.csv", encoding="utf-8", newline="") as f:
        assert not membership_claims(f.read())
