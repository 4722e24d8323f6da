"""The display protocol's readers and rules (guilin_report.protocol): both places of the metadata,
what a declaration must hold, which links are inside the site, what the builder may ask a kernel."""
from __future__ import annotations

import ast
import json
import sys

import nbformat
import pytest

from guilin_report import protocol


def _output(meta, where="top", kind="display_data", key=protocol.KEY):
    metadata = {key: meta} if where == "top" else {where: {key: meta}}
    if kind == "stream":
        return nbformat.v4.new_output("stream", text="x")
    return nbformat.v4.new_output(kind, data={"text/plain": "x"}, metadata=metadata,
                                  **({"execution_count": 1} if kind == "execute_result" else {}))


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    for outputs in cells:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = list(outputs)
        nb.cells.append(cell)
    return nb


FINDING = {"kind": "finding", "text": {"zh": "甲", "en": "A"}, "key": True, "ids": ["a.b"]}
CHART = {"kind": "chart", "chart": "bar", "title": {"zh": "标题", "en": "Title"},
         "alt": {"zh": "条形图：标题", "en": "Bar chart: Title"}, "unit": "%",
         "series": [{"id": "c.d", "name": {"zh": "名", "en": "Name"}, "value": 1.5, "unit": "%",
                     "text": {"zh": "1.5%", "en": "1.5%"}, "bound": "lower", "href": "source.html#c.d"}],
         "ids": ["c.d"]}
TABLE = {"kind": "table", "columns": ["A", "B"], "rows": [["1", "2"]], "links": [[0, 1, "data.html#ref-e.f"]],
         "ids": ["e.f", "a.b"]}
KEYS = {"kind": "key_figures", "figures": [{"id": "g.h", "name": {"zh": "名", "en": "N"}, "value": {"zh": "1个", "en": "1"},
                                            "period": {"zh": "2022年", "en": "2022"}, "href": "source.html#g.h"}],
        "ids": ["g.h"]}


def test_the_protocol_imports_only_the_standard_library():
    tree = ast.parse(open(protocol.__file__, encoding="utf-8").read())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


def test_declared_reads_both_places_and_only_display_outputs():
    nb = _nb([_output(FINDING, where="text/markdown", kind="execute_result"), _output(CHART)],
             [_output(TABLE, kind="stream"), _output({"kind": "nonsense"}), _output("not a dict"), _output(TABLE)])
    assert [(c, o, m["kind"]) for c, o, m in protocol.declared(nb)] == [(0, 0, "finding"), (0, 1, "chart"), (1, 3, "table")]
    assert [m["kind"] for _, _, m in protocol.declared(nb, "chart")] == ["chart"]


def test_the_readers(tmp_path):
    nb = _nb([_output(FINDING, where="text/markdown"), _output({**FINDING, "key": False, "text": {"zh": "乙", "en": "B"}})],
             [_output(CHART), _output(TABLE), _output(KEYS)])
    assert protocol.findings(nb) == [{"zh": "甲", "en": "A"}]
    assert protocol.findings(nb, key_only=False) == [{"zh": "甲", "en": "A"}, {"zh": "乙", "en": "B"}]
    assert protocol.ids(nb) == ["a.b", "c.d", "e.f", "g.h"]              # once each, in the order first shown
    assert protocol.charts(nb) == [CHART] and protocol.tables(nb) == [TABLE]
    assert protocol.key_figures(nb) == KEYS["figures"]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert protocol.ids(path) == protocol.ids(str(path)) == protocol.ids(json.loads(path.read_text())) == protocol.ids(nb)


def test_findings_written_before_the_protocol_are_still_read():
    old = {"guilin_analysis": {"finding": {"zh": "旧", "en": "Old"}, "key": True}}
    nb = _nb([nbformat.v4.new_output("display_data", data={"text/markdown": "Old"}, metadata={"text/markdown": old})])
    assert protocol.findings(nb) == [{"zh": "旧", "en": "Old"}]


def test_the_navigation_name():
    nb = _nb()
    assert protocol.nav(nb, "zh") is None
    nb.metadata[protocol.KEY] = {"nav": {"zh": "养老服务", "en": "Eldercare"}}
    assert protocol.nav(nb, "zh") == "养老服务" and protocol.nav(nb, "en") == "Eldercare"


@pytest.mark.parametrize("meta", [FINDING, CHART, TABLE, KEYS, {"kind": "prose", "ids": []}])
def test_a_good_declaration_has_no_problems(meta):
    assert protocol.problems(meta) == []


@pytest.mark.parametrize("change, problem", [
    ({"kind": "pie"}, "kind 'pie' is not one of"),
    ({"ids": "c.d"}, "ids must be a list of strings"),
    ({"alt": {"zh": "条形图"}}, "a chart needs its alt in zh and en"),
    ({"series": []}, "a chart needs the series it draws"),
    ({"series": [{**CHART["series"][0], "value": float("nan")}]}, "series 1: value nan is not a finite number"),
    ({"series": [{**CHART["series"][0], "value": "1.5"}]}, "series 1: value '1.5' is not a finite number"),
    ({"series": [{**CHART["series"][0], "bound": "about"}]}, "series 1: bound 'about' is not one of exact, lower, upper"),
    ({"series": [{**CHART["series"][0], "name": "Name"}]}, "series 1: a name in zh and en is needed"),
])
def test_a_chart_that_does_not_hold_to_the_protocol_is_named(change, problem):
    found = protocol.problems({**CHART, **change})
    assert found and problem in found[0], found


@pytest.mark.parametrize("change, problem", [
    ({"rows": [["1"]]}, "rows must be lists of 2 strings"),
    ({"rows": [["1", 2]]}, "rows must be lists of 2 strings"),
    ({"links": [[1, 0, "source.html#x"]]}, "does not name a cell"),
    ({"links": [[0, 2, "source.html#x"]]}, "does not name a cell"),
    ({"links": [[0, 0, 5]]}, "does not name a cell"),
    ({"links": [[True, 0, "x"]]}, "does not name a cell"),
])
def test_a_table_that_does_not_hold_to_the_protocol_is_named(change, problem):
    found = protocol.problems({**TABLE, **change})
    assert found and problem in found[0], found


@pytest.mark.parametrize("href", ["source.html#eldercare.beds.total", "data.html#metric-a.b", "data.html#ref-a.b",
                                  "figures/01_eldercare-1.svg", "#top", "x.html?a=b"])
def test_links_inside_the_site_are_kept(href):
    assert protocol.safe_href(href) == href


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "https://example.org/", "//example.org/x",
                                  "/etc/passwd", "../other/index.html", "figures/../../x", "%2e%2e/x", "a/%2E%2E/b",
                                  "\\\\host\\x", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
                                  "source.html\n#x", "", None, 5, "%2fetc"])
def test_links_outside_the_site_are_dropped(href):
    assert protocol.safe_href(href) is None


def test_figure_request():
    assert protocol.figure_request({}) == ((), None)
    assert protocol.figure_request({protocol.FIGURE_FORMATS_ENV: "svg, PDF,svg", protocol.DPI_ENV: "300"}) == (("svg", "pdf"), 300)
    with pytest.raises(ValueError, match=r"GUILIN_REPORT_FIGURE_FORMATS='svg,png': png is not a figure format \(use svg, pdf"):
        protocol.figure_request({protocol.FIGURE_FORMATS_ENV: "svg,png"})
    for bad in ("high", "30", "5000", "-300", "300.5"):
        with pytest.raises(ValueError, match=rf"GUILIN_REPORT_DPI='{bad}' is not a resolution"):
            protocol.figure_request({protocol.DPI_ENV: bad})
