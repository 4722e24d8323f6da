"""One Chinese typography, the report's own, over every Chinese string the project produces.

The report writes "全市养老服务床位达到32715张", "110.14万实名注册志愿者", "占比达66%": no space
between a numeral (or %) and a Chinese character, on either side. The project's Chinese output
follows it: 32,715张, 110.14万人, 78个, 约900户, 11.7个百分点, and says "报告称" for what the
report states.
"""
from __future__ import annotations

import json
import re

import pytest
from matplotlib.text import Text

import guilin_analysis as ga
from guilin_analysis.lookup import key_figure_entries
from guilin_analysis import charts, labels, tables
from guilin_analysis.data import unit_labels
from guilin_analysis.notebook import findings_of
from guilin_analysis.paths import NOTEBOOKS_DIR, REPO_ROOT

_CJK = "\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1b\uff1a\u201c\u201d"
RULES = [
    (re.compile(rf"[\d%][ \u00a0\u2009]+[{_CJK}]"), "a space between a numeral and Chinese"),
    (re.compile(rf"[{_CJK}][ \u00a0\u2009]+\d"), "a space between Chinese and a numeral"),
    (re.compile("报告印为"), "say 报告称, not 报告印为"),
]


def violations(text: str) -> list[str]:
    found = []
    for pattern, why in RULES:
        found += [f"{why}: …{text[max(m.start() - 12, 0):m.end() + 12]}…" for m in pattern.finditer(text)]
    return found


def test_the_rule_catches_what_it_should():
    assert violations("32,715 张") and violations("约 900户") and violations("66% 的") and violations("报告印为66%")
    assert not violations("32,715张") and not violations("110.14万人") and not violations("66%") \
        and not violations("11.7个百分点") and not violations("beds 2022")


def _chart_texts(chart) -> list[str]:
    return [t.get_text() for t in chart.figure.findobj(Text)] + list(chart.meta["alt"]["zh"].split("；"))


def _zh_strings() -> dict[str, list[str]]:
    indicators, metrics = ga.load_indicators(), ga.derived_metrics()
    reference, checks = ga.load_reference("reference-figures"), ga.audit()
    frames = [tables.indicators(indicators, "zh"),
              tables.metrics(metrics, metrics["metric_id"].tolist(), "zh"),
              tables.checks(checks, "zh"),
              tables.references(reference, reference["figure_id"].tolist(), "zh")]
    facts = ga.Facts()
    drawn = [charts.figure_bars(facts, list(facts.table.index), "zh", title="全部数字"),
             charts.figure_bars(facts, list(facts.metrics.index), "zh", title="推算指标"),
             charts.target_comparison(facts, [("eldercare.nursing_share_of_institutional_beds",
                                               "target.nursing_bed_share.2025")], "zh", title="对照"),
             charts.status_counts(checks, "zh", title="核对")]
    return {
        "labels": [v["zh"] for v in labels.LABELS.values()]
        + [v["zh"] for v in unit_labels("metric-definitions").values()],
        "audit": checks["explanation_zh"].tolist(),
        "findings": [f["zh"] for p in sorted(NOTEBOOKS_DIR.glob("*.ipynb")) for f in findings_of(p, key_only=False)]
        + [ga.audit_summary(checks, "zh")],
        # every figure of the report as a key figure would be shown (name, figure, period)
        "key figures": [f"{e['name']['zh']}{e['value']['zh']}（{e['period']['zh']}）"
                        for e in key_figure_entries(facts, list(facts.table.index))[0]],
        "metric definitions": metrics["name_zh"].tolist() + metrics["caveat_zh"].tolist(),
        "tables": [str(v) for f in frames for v in [*f.columns, *f.to_numpy().ravel()]],
        "charts": [t for fig in drawn for t in _chart_texts(fig)],
    }


@pytest.mark.parametrize("kind", ["labels", "audit", "findings", "key figures", "metric definitions",
                                  "tables", "charts"])
def test_chinese_output_has_one_typography(kind):
    strings = _zh_strings()[kind]
    assert strings
    bad = [v for s in strings for v in violations(s)]
    assert not bad, bad


def _outputs(path) -> list[str]:
    texts = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            for mime in ("text/markdown", "text/plain", "text/html"):
                if mime in data:
                    texts.append("".join(data[mime]))
            if "text" in out:
                texts.append("".join(out["text"]))
    return texts


@pytest.mark.parametrize("notebook", sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb")))
def test_committed_chinese_notebook_outputs(notebook):
    """The committed outputs are the Chinese run (lang = "zh", the default)."""
    texts = _outputs(NOTEBOOKS_DIR / notebook)
    assert texts
    bad = [v for t in texts for v in violations(re.sub(r"<[^>]+>", " ", t) if "<" in t else t)]
    assert not bad, bad


def test_readme_chinese_findings():
    block = (REPO_ROOT / "README.md").read_text(encoding="utf-8").split("<!-- findings:start -->")[1]
    zh = [line for line in block.split("<!-- findings:end -->")[0].splitlines() if re.search(r"[\u4e00-\u9fff]", line)]
    assert zh
    assert not [v for line in zh for v in violations(line)]
