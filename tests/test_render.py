"""The builder's use of the display protocol (guilin_report.render): chart alt text and numbers from
the declared series, declared tables rendered by the builder, links escaped and kept inside the
site, publication figures written beside the PNG; and every chart of both built sites checked
against its executed notebook's metadata."""
from __future__ import annotations

import ast
import base64
import copy
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import guilin_analysis as ga
from guilin_analysis import charts, tables
from guilin_analysis.notebook import pick
from guilin_report import protocol, render
from guilin_report.pages import notebook_html

HOSTILE = '<script>alert(1)</script>"&'


def _output(shown):
    if hasattr(shown, "_repr_mimebundle_"):
        data, meta = shown._repr_mimebundle_()
    else:                                     # a sentence or finding: IPython keeps its metadata under the mime type
        text, meta = shown._repr_markdown_()
        data, meta = {"text/markdown": text}, {"text/markdown": meta}
    return nbformat.v4.new_output("display_data", data=data, metadata=meta)


def _nb(*shown):
    nb = nbformat.v4.new_notebook()
    for item in shown:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = [item if isinstance(item, dict) else _output(item)]
        nb.cells.append(cell)
    return nb


@pytest.fixture(scope="module")
def facts():
    return ga.Facts()


@pytest.fixture
def no_figures(monkeypatch):
    monkeypatch.delenv(protocol.FIGURE_FORMATS_ENV, raising=False)
    monkeypatch.delenv(protocol.DPI_ENV, raising=False)


def _chart(facts, lang="en"):
    return charts.figure_bars(facts, ["eldercare.beds.total", "target.nursing_bed_share.2025"], lang,
                              title=pick(lang, zh="床位", en="Beds"))


def _png_outputs(nb):
    return [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


# ---------------------------------------------------------------- the builder knows no analysis

def test_render_imports_only_the_standard_library_and_the_protocol():
    tree = ast.parse(Path(render.__file__).read_text(encoding="utf-8"))
    absolute = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    absolute |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and not node.level}
    relative = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level}
    assert absolute <= set(sys.stdlib_module_names) | {"__future__"}, absolute
    assert relative <= {None}, relative                                       # `from . import protocol`


# ---------------------------------------------------------------- charts

def test_a_chart_gets_its_alt_text_and_numbers_from_its_metadata(facts, no_figures):
    chart = _chart(facts)
    nb = _nb(chart)
    before = copy.deepcopy(nb)
    page = render.prepare(nb, "en", "01_eldercare")
    assert nb == before                                                       # the executed notebook is left alone
    output = _png_outputs(page)[0]
    assert output.metadata["guilin_alt"] == chart.meta["alt"]["en"]
    details = output.metadata["guilin_details"]
    assert details.startswith('<details class="chart-data"><summary>The numbers behind this chart</summary>')
    assert ('<tr><td>Eldercare service beds (all kinds)</td><td><a href="source.html#eldercare.beds.total">32,715 beds</a>'
            '</td></tr>') in details
    assert '<a href="data.html#ref-target.nursing_bed_share.2025">55%</a>' in details
    assert details.count("<tr><td>") == len(chart.meta["series"]) == 2
    assert "chart-files" not in details                                       # no figure files asked for


def test_a_bound_is_said_in_the_numbers_table(facts, no_figures):
    chart = charts.figure_bars(facts, ["child_welfare.childrens_day.funds_raised"], "zh", title="金额")
    details = _png_outputs(render.prepare(_nb(chart), "zh"))[0].metadata["guilin_details"]
    assert ">60余万元（下限）</a>" in details


def _hostile_chart(href):
    meta = {"kind": "chart", "chart": "bar", "title": {"zh": HOSTILE, "en": HOSTILE},
            "alt": {"zh": "条形图：" + HOSTILE, "en": "Bar chart: " + HOSTILE}, "unit": "",
            "series": [{"id": None, "name": {"zh": HOSTILE, "en": HOSTILE}, "value": 1, "unit": "",
                        "text": {"zh": HOSTILE, "en": HOSTILE}, "bound": "exact", "href": href}], "ids": []}
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    return nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "x"},
                                  metadata={protocol.KEY: meta})


@pytest.mark.parametrize("href, kept", [("javascript:alert(1)", False), ("https://example.org/", False),
                                        ("/etc/passwd", False), ("../../x.html", False), ('source.html#a"b', True)])
def test_markup_in_a_series_stays_text_and_links_stay_inside_the_site(href, kept):
    output = _png_outputs(render.prepare(_nb(_hostile_chart(href)), "en"))[0]
    details = output.metadata["guilin_details"]
    assert "<script>" not in details and "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;" in details
    assert ("<a href=" in details) is kept
    if kept:
        assert '<a href="source.html#a&quot;b">' in details
    assert output.metadata["guilin_alt"] == "Bar chart: " + HOSTILE         # raw: the template escapes the attribute
    html = notebook_html(render.prepare(_nb(_hostile_chart(href)), "en"), "en", False, "t")
    assert "<script>alert(1)" not in html and "javascript:" not in html and 'href="https://example.org' not in html


def test_metadata_that_does_not_hold_to_the_protocol_describes_nothing():
    output = _hostile_chart("source.html#x")
    output.metadata[protocol.KEY]["series"][0]["value"] = "1; DROP"
    page = render.prepare(_nb(output), "en")
    assert "guilin_alt" not in _png_outputs(page)[0].metadata


# ---------------------------------------------------------------- publication figures

def test_publication_figures_are_taken_out_of_the_page_and_written_beside_the_png(facts, monkeypatch):
    monkeypatch.setenv(protocol.FIGURE_FORMATS_ENV, "svg,pdf")
    monkeypatch.setenv(protocol.DPI_ENV, "300")
    nb = _nb(_chart(facts), tables.show(tables.indicators(facts.table.reset_index(), "en", ids=["eldercare.beds.total"])),
             _chart(facts, "en"))
    page = render.prepare(nb, "en", "01_eldercare")
    for output in _png_outputs(page):
        assert set(output.data) == {"image/png", "text/plain"}             # nbconvert shows the PNG, with its alt
    details = _png_outputs(page)[1].metadata["guilin_details"]
    assert ('<p class="chart-files">Download the chart: <a href="figures/01_eldercare-2.svg">SVG</a> · '
            '<a href="figures/01_eldercare-2.pdf">PDF</a> · <a href="figures/01_eldercare-2-300dpi.png">PNG (300 dpi)</a></p>'
            ) in details
    files = render.figure_files(nb, "01_eldercare")
    assert sorted(files) == sorted(f"figures/01_eldercare-{n}{suffix}" for n in (1, 2)
                                   for suffix in (".png", ".svg", ".pdf", "-300dpi.png"))
    assert files["figures/01_eldercare-1.svg"].startswith(b"<?xml") and files["figures/01_eldercare-1.pdf"].startswith(b"%PDF")
    assert files["figures/01_eldercare-1.png"] == base64.b64decode(nb.cells[0].outputs[0].data["image/png"])
    html = notebook_html(nb, "en", False, "t", stem="01_eldercare")
    assert "<svg" not in html and "application/pdf" not in html and 'href="figures/01_eldercare-1.svg"' in html


def test_no_figure_files_without_the_request(facts, no_figures):
    files = render.figure_files(_nb(_chart(facts)), "00_overview")
    assert list(files) == ["figures/00_overview-1.png"]


def test_a_figure_file_that_is_not_what_it_says_is_not_written(facts, monkeypatch):
    monkeypatch.setenv(protocol.FIGURE_FORMATS_ENV, "svg,pdf")
    monkeypatch.setenv(protocol.DPI_ENV, "300")
    nb = _nb(_chart(facts))
    data = nb.cells[0].outputs[0].data
    data[protocol.FIGURE_MIME["svg"]] = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    data[protocol.FIGURE_MIME["pdf"]] = "not base64!"
    data[protocol.FIGURE_MIME["print_png"]] = base64.b64encode(b"%PDF-1.4").decode()
    assert list(render.figure_files(nb, "x")) == ["figures/x-1.png"]
    assert "chart-files" not in _png_outputs(render.prepare(nb, "en", "x"))[0].metadata["guilin_details"]


# ---------------------------------------------------------------- tables

def test_a_declared_table_is_the_builders_rendering_with_its_links(facts):
    checks = ga.audit()
    row = checks[checks["check_id"] == "restated.governance.social_work.township_stations"]
    nb = _nb(tables.show(tables.indicators(facts.table.reset_index(), "en", ids=["eldercare.beds.total"])),
             tables.show(tables.checks(row, "en")))
    page = render.prepare(nb, "en")
    figures, audit = (c.outputs[0].data["text/html"] for c in page.cells)
    assert figures == ('<table class="dataframe"><thead><tr><th scope="col">Indicator</th><th scope="col">Figure</th>'
                       '<th scope="col">Period</th></tr></thead><tbody><tr><td>Eldercare service beds (all kinds)</td>'
                       '<td><a href="source.html#eldercare.beds.total">32,715 beds</a></td><td>2022 (inferred)</td></tr></tbody></table>')
    assert ('<td><a href="source.html#governance.social_work.township_stations">governance.social_work.township_stations</a>, '
            '<a href="source.html#governance.social_work.township_stations.restated">'
            'governance.social_work.township_stations.restated</a></td>') in audit


def test_markup_in_a_table_stays_text_and_foreign_links_are_dropped():
    meta = {"kind": "table", "columns": [HOSTILE], "rows": [[HOSTILE], ["plain"], ["a, b"]],
            "links": [[0, 0, "javascript:alert(1)"], [1, 0, "//evil.example/"], [2, 0, "source.html#a", "a"],
                      [2, 0, "data.html#ref-b", "b"]], "ids": []}
    html = render.table_html(meta["columns"], meta["rows"], meta["links"])
    assert "<script>" not in html and html.count("&lt;script&gt;") == 2
    assert "javascript:" not in html and "evil.example" not in html
    assert '<td><a href="source.html#a">a</a>, <a href="data.html#ref-b">b</a></td>' in html
    page = render.prepare(_nb(nbformat.v4.new_output("display_data", data={"text/html": "<b>their own</b>"},
                                                     metadata={protocol.KEY: meta})), "en")
    assert page.cells[0].outputs[0].data["text/html"] == html


def test_the_key_figures_are_rendered_with_their_links(facts):
    nb = _nb(ga.key_figures("zh", facts, ["governance.social_work.township_stations"]))
    html = render.prepare(nb, "zh").cells[0].outputs[0].data["text/html"]
    assert ('<tr><td>建成乡镇（街道）社工站</td><td><a href="source.html#governance.social_work.township_stations">'
            '78个（另一处称99个）</a></td><td>未说明时期</td></tr>') in html
    assert '<th scope="col">时期</th>' in html


def test_the_page_shows_the_builders_table_and_the_chart_with_its_alt(facts, no_figures):
    nb = _nb(_chart(facts), tables.show(tables.indicators(facts.table.reset_index(), "en", ids=["eldercare.beds.total"])))
    html = notebook_html(nb, "en", False, "t", stem="00_overview")
    page = _Page(html)
    assert page.charts == [(_chart(facts).meta["alt"]["en"],
                            [("Eldercare service beds (all kinds)", "32,715 beds", "source.html#eldercare.beds.total"),
                             ("14th Five-Year Plan target: nursing-type share of beds in eldercare institutions",
                              "55%", "data.html#ref-target.nursing_bed_share.2025")])]
    assert '<a href="source.html#eldercare.beds.total">32,715 beds</a></td><td>2022 (inferred)</td>' in html


# ---------------------------------------------------------------- both built sites

class _Page(HTMLParser):
    """Each chart image of a notebook page: its alt text and the rows of the numbers under it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.charts: list[tuple[str, list[tuple]]] = []
        self._in_details = self._in_cell = False
        self._row: list | None = None
        self._href = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src", "").startswith("data:image/png"):
            self.charts.append((attrs.get("alt", ""), []))
        elif tag == "details" and "chart-data" in (attrs.get("class") or ""):
            self._in_details = True
        elif self._in_details and tag == "tr":
            self._row, self._href = [], None
        elif self._in_details and tag == "td":
            self._in_cell = True
            self._row.append("")
        elif self._in_details and tag == "a" and self._in_cell:
            self._href = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "details":
            self._in_details = False
        elif tag == "td":
            self._in_cell = False
        elif tag == "tr" and self._in_details and self._row:
            self.charts[-1][1].append((*self._row, self._href))
            self._row = None

    def handle_data(self, data):
        if self._in_cell and self._row is not None:
            self._row[-1] += data


def _numbers(meta, lang):
    return [(s["name"][lang], s["text"][lang] + (render.word(s["bound"], lang) if s["bound"] != "exact" else ""),
             protocol.safe_href(s["href"])) for s in meta["series"]]


@pytest.mark.kernel
def test_every_chart_of_both_sites_matches_its_metadata(request):
    try:
        site = request.getfixturevalue("built_site")
    except pytest.FixtureLookupError:
        pytest.skip("the shared built site (fixture built_site, tests/conftest.py) is not available")
    assert getattr(site, "returncode", 0) == 0, getattr(site, "stderr", "")
    site = Path(getattr(site, "out", site))          # the fixture's BuiltSite, or the folder itself
    checked = pages = 0
    for lang in ("zh", "en"):
        executed = sorted((site / lang / "notebooks").glob("*.ipynb"))
        assert executed, f"no executed notebooks under {site / lang}"
        for path in executed:
            pages += 1
            metas = protocol.charts(nbformat.read(path, as_version=4))
            page = _Page((site / lang / f"{path.stem}.html").read_text(encoding="utf-8"))
            assert len(page.charts) == len(metas), f"{lang}/{path.stem}: every image is a declared chart"
            for (alt, rows), meta in zip(page.charts, metas):
                assert alt == meta["alt"][lang], f"{lang}/{path.stem}"
                assert alt.startswith(charts.KINDS[meta["chart"]][lang]), alt
                assert rows == _numbers(meta, lang), f"{lang}/{path.stem}: {alt}"
                checked += 1
    assert checked >= pages               # every notebook of the project draws at least one chart


def test_what_a_notebook_gives_the_index(facts):
    key = ga.key_figures("en", facts, ["governance.social_work.township_stations"])
    hostile = {"kind": "key_figures", "ids": [], "figures": [
        {"id": "x", "name": {"zh": "甲", "en": "A"}, "value": {"zh": "1", "en": "1"}, "period": {"zh": "", "en": ""},
         "href": "javascript:alert(1)"}, {"id": "y", "name": "not both languages"}]}
    nb = _nb(ga.finding("en", zh="甲", en="A finding", key=True), key,
             nbformat.v4.new_output("display_data", data={"text/plain": "x"}, metadata={protocol.KEY: hostile}))
    entries = render.index_entries(nb, "en")
    assert entries["findings"] == ["A finding"]
    assert entries["key_figures"] == [
        {"id": "governance.social_work.township_stations", "name": "Township (sub-district) social-work stations built",
         "value": "78 stations (elsewhere: 99)", "period": "period not stated",
         "href": "source.html#governance.social_work.township_stations"},
        {"id": "x", "name": "A", "value": "1", "period": "", "href": None}]
    assert entries["ids"] == ["governance.social_work.township_stations", "governance.social_work.township_stations.restated"]


def test_page_metadata_a_notebook_writes_itself_never_reaches_the_page():
    """An attacker's notebook sets the keys the page template writes raw (guilin_details,
    guilin_alt) and an image width nbconvert writes unquoted: none of it runs on the page."""
    import base64

    import nbformat

    from build_helpers import LiveMarkup
    from guilin_report.pages import notebook_html

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 16).decode()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"image/png": png},
                               metadata={"guilin_details": "<script>alert('DETAILS')</script>",
                                         "guilin_alt": "\" onerror=\"alert(1)"}),
        nbformat.v4.new_output("display_data", data={"image/jpeg": png},
                               metadata={"image/jpeg": {"width": "1 onerror=alert('W')", "height": 40}}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    html = notebook_html(nb, "en", False, "t", stem="t")
    live = LiveMarkup(html)
    assert not live.handlers and not live.js_urls, (live.handlers, live.js_urls)
    assert not live.scripts, live.scripts
    assert "onerror" not in html.replace("&quot; onerror", "")                  # the alt is escaped text
    assert 'height="40"' in html                                               # a plain number stays
