"""The report site as a reader gets it (issue 10; issue 13 §3 items 4, 5, 10, 16; issue 16 item 6):
every page of both languages, the source page with its highlights, the data page with its
downloads, the index, the citation; files first, then in a real browser (headless Chromium
through Playwright, axe-core for accessibility), at 1280 and 390 px.

Every test takes the built site from the one fixture ``site`` (a shared session build may
replace its body).

Without Chromium the browser tests are skipped with one line naming the install command; under
CI (``CI`` set) a missing browser is a failure.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from html.parser import HTMLParser
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from guilin_analysis.data import load_report_text, validate
from guilin_analysis.lookup import Facts
from guilin_analysis.paths import DATA_DIR, REPO_ROOT

from build_helpers import notebook, run, snapshot

NOTEBOOKS = sorted(p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LANGS = {"zh": "zh-CN", "en": "en"}
SITE_PAGES = ["index.html", *[f"{n}.html" for n in NOTEBOOKS], "source.html", "data.html", "glossary.html"]
INSTALL = "apt-get install chromium fonts-noto-cjk"


def plugin_chrome(lang: str, stems, other: str | None):
    """The header and footer of ``lang``'s pages as the builder makes them (guilin_report.run's
    chrome): the notebooks' pages by their names, the plug-in's pages and its words."""
    import json

    from guilin_analysis.sitepages import plugin
    from guilin_report.site import Chrome, nav_names

    def source(stem):
        path = REPO_ROOT / "notebooks" / f"{stem}.ipynb"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    words = {key: texts[lang] for key, texts in plugin.words().items() if isinstance(texts.get(lang), str)}
    return Chrome(lang, nav_names({s: source(s) for s in stems}, lang), "1.0.0", "0" * 64, other,
                  plugin.citation("1.0.0", lang), extra=tuple(plugin.nav(lang)), words=tuple(sorted(words.items())))


@pytest.fixture(scope="module")
def site(built_site):
    """The one real build of the whole site, both languages, shared by the session (conftest)."""
    assert built_site.returncode == 0, built_site.stderr
    return built_site.out


class Page(HTMLParser):
    """The ids, links, ``<html lang>`` and text of one page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids, self.links, self.lang = set(), [], None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- files

def test_every_page_of_both_languages_is_published_with_header_and_footer(site):
    for lang, html_lang in LANGS.items():
        for name in SITE_PAGES:
            path = site / lang / name
            page = parse(path)
            assert page.lang == html_lang, (lang, name)
            text = path.read_text(encoding="utf-8")
            for other in SITE_PAGES:                       # a link to every page
                assert f'href="{other}"' in text, (lang, name, other)
            other_lang = "en" if lang == "zh" else "zh"
            assert f'href="../{other_lang}/{name}"' in text, (lang, name)      # the language switch
            assert 'class="site-footer"' in text
            assert ("数据包1.0.0" if lang == "zh" else "Data package 1.0.0") in text
            assert ("桂林市民政工作（2022年以来）：数据与分析" if lang == "zh"
                else "Guilin civil affairs since 2022: data and analysis") in text    # the citation
            assert 'id="main"' in text


def test_citation_cff_says_what_the_pages_say():
    from guilin_analysis.sitepages import CITATION_AUTHOR, CITATION_TITLE

    cff = (REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'title: "{CITATION_TITLE}"' in cff and CITATION_AUTHOR in cff
    import guilin_analysis

    assert f'version: "{guilin_analysis.__version__}"' in cff


def _report_text_of(source_page: str) -> str:
    """The text of the report block without the tooltips, gap marks and translation."""

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.depth, self.skip, self.inside, self.parts = 0, 0, False, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if attrs.get("class") == "report":
                self.inside, self.depth = True, 0
            if self.inside:
                self.depth += 1
                if self.skip or attrs.get("class") in ("tip", "gap", "translation"):
                    self.skip += 1

        def handle_endtag(self, tag):
            if self.inside:
                if self.skip:
                    self.skip -= 1
                self.depth -= 1
                if self.depth == 0:
                    self.inside = False

        def handle_startendtag(self, tag, attrs):
            pass

        def handle_data(self, data):
            if self.inside and not self.skip:
                self.parts.append(data)

    parser = Text()
    # <br> is a void element: the tooltips use it; drop it so the depth count holds
    parser.feed(re.sub(r"<br\s*/?>", " ", source_page))
    return "".join(parser.parts)


def test_source_page_is_the_report_verbatim_with_every_figure_highlighted(site):
    facts = Facts()
    text = load_report_text()
    zh = (site / "zh" / "source.html").read_text(encoding="utf-8")
    en = (site / "en" / "source.html").read_text(encoding="utf-8")
    assert _report_text_of(zh) == text == _report_text_of(en)
    for page in (zh, en):
        ids = Page(page).ids
        assert set(facts.table.index) <= ids
        assert {"gap-eldercare_opening", "gap-basic_livelihood_section", "gap-social_work_stray_unit"} <= ids
        assert page.count('tabindex="0"') == page.count("data-ids=") > 40      # every highlight focusable
    # a conflict is marked as one, with the other side shown (78 vs 99)
    conflicting = facts.conflicting()
    assert conflicting
    for ident in conflicting:
        mark = re.search(rf'<span class="hl conflict"><mark id="{re.escape(ident)}"', en)
        assert mark, ident
    assert "Another statement differs (possibly in conflict): 99" in en
    assert "text follows, verbatim and in the original Chinese" in en and "以下为报道全文" in zh


def _marks(page: str) -> list[tuple[bool, list[str], str]]:
    """``(marked as contradicted, ids, text)`` of every highlight of a source page."""
    found = re.findall(r'<span class="hl( conflict)?"><mark [^>]*data-ids="([^"]+)"[^>]*>(.*?)</mark>', page)
    return [(bool(c), ids.split(), re.sub(r"<[^>]+>", "", text)) for c, ids, text in found]


def test_only_a_contradicted_figure_is_marked_as_contradicted(site):
    facts = Facts()
    contradicted = {i for i in facts.table.index if facts.conflict(i)}
    contradicted |= {facts.conflict(i) for i in contradicted}              # both sides of a conflict
    assert {"governance.social_work.township_stations", "governance.social_work.township_stations.restated"} \
        <= contradicted
    for lang in LANGS:
        marks = _marks((site / lang / "source.html").read_text(encoding="utf-8"))
        assert marks
        for conflict, ids, text in marks:
            assert conflict == any(i in contradicted for i in ids), (lang, ids, text)
        by_id = {i: (conflict, text) for conflict, ids, text in marks for i in ids}
        # the closing paragraph: 922.52万元 and 63654人次 agree with their first statements
        assert by_id["governance.social_work.funding.restated"] == (False, "922.52万元")
        assert by_id["governance.social_work.services.restated"] == (False, "63654人次")
        assert by_id["governance.social_work.township_stations.restated"] == (True, "99个")


def test_each_anchor_lands_on_its_figure_not_on_the_text_before_it(site):
    """The element an id names holds the figure: its number (digits or a Chinese numeral), its
    unit and qualifier words, and none of the quote's words before the number."""
    facts = Facts()
    page = (site / "en" / "source.html").read_text(encoding="utf-8")
    marks = _marks(page)
    for ident, row in facts.table.iterrows():
        texts = [text for _, ids, text in marks if ident in ids]
        assert texts, ident
        value = f"{row['value']:g}"
        number = re.search(r"[0-9.]+|[零一二两三四五六七八九十百千万亿]+", texts[0])
        assert number and number.start() <= 3, (ident, texts[0])           # 约, 超过 or 突破 at most
        assert value in texts[0] or not re.search("[0-9]", texts[0]), (ident, texts[0])
        assert len(texts[0]) <= len(value) + 6, (ident, texts[0])
    for ident in ("eldercare.beds.nursing", "social_affairs.lottery.sales", "eldercare.home_adaptation.households"):
        assert re.search(rf'<mark id="{re.escape(ident)}"[^>]*>(8913张|突破亿元|约900户)</mark>', page), ident


def test_gap_marks_say_text_is_probably_lost_where_it_most_likely_is(site):
    text = load_report_text()
    for lang, words in (("en", "Text probably lost here"), ("zh", "此处可能缺失文字")):
        page = (site / lang / "source.html").read_text(encoding="utf-8")
        assert page.count(words) == 3 and "Text lost here" not in page and "此处文字缺失" not in page
        report = page[page.index('class="report"'):]
        # the heading's section may have its body: the mark follows the section's prose, not the heading
        gap = report.index('id="gap-basic_livelihood_section"')
        assert report.index("作典型发言") < gap < report.index("▼民政部政策法规司")
        assert report.index("稳基本提标准") < report.index("党的十八大以来") < gap
        # a passage that opens mid-sentence: the mark stands right before it
        assert report.index('id="gap-eldercare_opening"') < report.index("凡、极为不易的一年") \
            < report.index('id="gap-eldercare_opening"') + 1200
        # the reading: the figures the gap puts in doubt, each linked to its figure
        stray = report[report.index('id="gap-social_work_stray_unit"'):]
        stray = stray[:stray.index("</span>")]
        assert 'href="#governance.social_work.funding"' in stray
    assert "凡、极为不易的一年" in text


@pytest.mark.parametrize("column, note", [
    ("note_en", "Text probably lost here: the passage opens mid-sentence."),
    ("note_en", "The passage opens mid-sentence; text probably lost here."),
    ("note_zh", "此处文字可能缺失：养老服务部分从半句话开始。"),
    ("note_zh", "此处可能缺失文字：养老服务部分从半句话开始。"),
])
def test_a_gap_note_that_repeats_the_pages_label_is_refused(data_copy, column, note):
    """The page (and the audit) says what a gap is before its note; the note gives only the
    readings. A note that says it again is refused, naming its file, line and column."""
    path = data_copy / "source" / "text-gaps.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert validate(data_copy) == []
    frame.loc[0, column] = note
    frame.to_csv(path, index=False)
    messages = [str(p) for p in validate(data_copy)]
    assert len(messages) == 1 and "text-gaps.csv" in messages[0], messages
    assert messages[0].endswith(f"line 2, column {column}: the note repeats what the page says before it "
                                "(\"Text probably lost here\", \"此处可能缺失文字\"); the note gives only the "
                                "readings of the gap, so remove those words"), messages


def test_used_on_lists_the_pages_whose_outputs_declare_the_id(tmp_path):
    """"Used on" comes from the executed notebooks' declared ids (the display protocol), in
    both places the protocol allows, never from their source text; the builder's own
    ``used_on`` wins when it passes one."""
    import nbformat

    from guilin_analysis.sitepages import site_files, usage

    def executed(stem, ids_top, ids_mime, source=""):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "x"},
                                               metadata={"guilin_report": {"kind": "prose", "ids": ids_top}}),
                        nbformat.v4.new_output("display_data", data={"text/markdown": "y"},
                                               metadata={"text/markdown": {"guilin_report": {"kind": "finding",
                                                                                             "ids": ids_mime}}})]
        nb.cells = [cell]
        nbformat.write(nb, tmp_path / f"{stem}.ipynb")

    executed("01_eldercare", ["eldercare.beds.nursing"], ["eldercare.beds.total"],
             source='facts.fig("governance.social_work.township_stations", lang)')   # named, not shown
    executed("02_governance", [], ["eldercare.beds.nursing"])
    (tmp_path / "03_broken.ipynb").write_text("{not json", encoding="utf-8")
    used = usage.used_on(tmp_path, ["01_eldercare", "02_governance", "03_broken"])
    assert used == {"eldercare.beds.nursing": ["01_eldercare", "02_governance"], "eldercare.beds.total": ["01_eldercare"]}

    chrome = plugin_chrome("en", ("01_eldercare", "02_governance"), "zh")
    page = site_files(chrome, "now", DATA_DIR, tmp_path)["source.html"].decode("utf-8")

    def tip(ident):
        start = page.index(f'id="{ident}"')
        return page[start:page.index("</span></span>", start)]

    assert 'href="01_eldercare.html">Eldercare</a>, <a href="02_governance.html">Governance</a>' \
        in tip("eldercare.beds.nursing")
    assert "no page shows it yet" in tip("governance.social_work.township_stations")
    page = site_files(chrome, "now", DATA_DIR, tmp_path,
                      used_on={"governance.social_work.township_stations": ["02_governance"]})["source.html"].decode()
    assert 'href="02_governance.html"' in page[page.index('id="governance.social_work.township_stations"'):][:3000]


def test_the_index_shows_findings_as_lists_key_figures_with_periods_and_build_details_on_one_line(site):
    from guilin_analysis.sitepages import plugin

    for lang in LANGS:
        index = (site / lang / "index.html").read_text(encoding="utf-8")
        figures = index[index.index('<table class="figures">'):index.index("</table>")]
        for name, figure, period, href in plugin.key_figures(lang, DATA_DIR):
            assert f'<a href="{href}">{escape(figure)}</a></td><td class="period">{escape(period)}</td>' in figures
            assert href.startswith("source.html#") and "#source.html" not in href
        assert ("报道时" if lang == "zh" else "at the time of the report") in figures
        # the audit finding's list is a list, not "- " shown literally
        assert not re.search(r"<li>- |<br>- |\n- ", index)
        assert re.search(r"<ul><li>[^<]*(78|99)", index)
        # durations and hashes are on the build-details line, not in the reader's part
        reader = index[index.index('id="main"'):index.index('class="muted build-details"')]
        details = index[index.index('class="muted build-details"'):]
        details = details[:details.index("</p>")]
        assert "sha256" not in reader and "sha256" in details
        assert re.search(r"[0-9]\.[0-9](秒| s)", details) and not re.search(r"[0-9]\.[0-9](秒| s)", reader)
        assert "<th" not in index[index.index('class="pages"'):]


def test_the_chinese_data_page_is_in_chinese(site):
    page = (site / "zh" / "data.html").read_text(encoding="utf-8")
    for english in ("Figures stated in the report", "Derived metrics (", "Consistency audit (", "Census day",
                    "Indicator id", "The number as printed"):
        assert english not in page, english
    for chinese in ("报道中的数字（每次表述一行）", "一致性核对（guilin_analysis.audit）", "普查标准时点为2020年11月1日",
                    "仅见于下载文件的列", "各列说明"):
        assert chinese in page, chinese
    headers = re.findall(r'<th scope="col"[^>]*>([^<]*)', page)
    assert headers and all(re.search("[\u4e00-\u9fff]", h) for h in headers), headers
    # the page is complete without script: every row of every table is in the HTML
    from guilin_analysis.sitepages.downloads import data_tables

    for table in data_tables(DATA_DIR):
        section = page[page.index(f'id="t-{table.name}"'):]
        section = section[:section.index("</table>")]
        assert section.count("<tr") == len(table.frame) + 1, table.name
def test_no_absolute_path_of_the_building_machine_in_the_output(site):
    forbidden = [str(REPO_ROOT), str(site), str(site.parent), os.path.expanduser("~")]
    forbidden = [f for f in forbidden if len(f) > 1]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".log", ".ipynb"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for folder in forbidden:
                assert folder not in text, (path.relative_to(site), folder)


def test_downloads_read_back_to_the_same_values(site):
    from guilin_analysis.data import read_descriptor
    from guilin_analysis.sitepages.downloads import neutralise

    descriptor = read_descriptor()
    for lang in LANGS:
        downloads = site / lang / "downloads"
        book = pd.read_excel(downloads / "guilin-civil-affairs-data.xlsx", sheet_name=None, dtype=str,
                             keep_default_na=False)
        for res in descriptor["resources"]:
            if "schema" not in res:
                continue
            raw = (downloads / f"{res['name']}.csv").read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), res["name"]          # UTF-8 with BOM
            shipped = pd.read_csv(DATA_DIR / res["path"], dtype=str, keep_default_na=False)
            csv = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
            pd.testing.assert_frame_equal(csv, shipped.map(neutralise))      # spreadsheet-safe (tests/test_downloads.py)
            pd.testing.assert_frame_equal(book[res["name"]], shipped)
        assert {"derived-metrics", "audit", "columns"} <= set(book)
        assert len(book["audit"]) > 0 and len(book["derived-metrics"]) > 0
        described = book["columns"]
        assert set(described["table"]) >= {"report-indicators", "audit"}
        # the zip is the data package: it validates as it is
        unpacked = site.parent / f"unzipped-{lang}"
        with zipfile.ZipFile(downloads / "guilin-civil-affairs-data.zip") as archive:
            archive.extractall(unpacked)
        package = unpacked / "guilin-civil-affairs-data"
        assert (package / "datapackage.json").exists()
        assert validate(package) == []


@pytest.mark.kernel
def test_the_source_and_data_pages_follow_the_data_and_a_no_op_touches_nothing(tmp_path):
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebook(nbs / "01_steady.ipynb", "", 'print("steady")')
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    out = tmp_path / "out"
    args = ["build", "--out", out, "--notebooks-dir", nbs, "--lang", "en", "--data-dir", data]
    assert run(*args).returncode == 0
    before = snapshot(out)
    again = run(*args)
    assert again.returncode == 0 and "nothing changed" in again.stderr and snapshot(out) == before
    path = data / "indicators" / "report-indicators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Model eldercare institutions cultivated",
                                                             "Model eldercare institutions built", 1),
                    encoding="utf-8")
    assert run(*args).returncode == 0
    assert "Model eldercare institutions built" in (out / "en" / "source.html").read_text(encoding="utf-8")
    assert "Model eldercare institutions built" in (out / "en" / "data.html").read_text(encoding="utf-8")
    csv = (out / "en" / "downloads" / "report-indicators.csv").read_text(encoding="utf-8-sig")
    assert "Model eldercare institutions built" in csv


def test_every_internal_link_and_anchor_resolves(site):
    pages = {p: parse(p) for p in site.glob("*/*.html")}
    assert len(pages) == 2 * len(SITE_PAGES)
    for path, page in pages.items():
        for href in page.links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "mailto"):
                continue
            assert not parts.scheme, (path.name, href)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.exists(), (path.relative_to(site), href)
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else parse(target).ids
                # a browser tries the fragment as written, then decoded (nbconvert's heading anchors)
                assert parts.fragment in ids or unquote(parts.fragment) in ids, (path.relative_to(site), href)


def test_every_figure_in_a_notebook_table_links_to_its_quote(site):
    facts = Facts()
    for lang in LANGS:
        linked = set()
        for name in NOTEBOOKS:
            text = (site / lang / f"{name}.html").read_text(encoding="utf-8")
            linked |= set(re.findall(r'href="source\.html#([^"]+)"', text))
            assert "No description has been provided" not in text
        assert linked <= set(facts.table.index)
        assert len(linked) > 30, len(linked)
        index = (site / lang / "index.html").read_text(encoding="utf-8")
        assert 'href="source.html#governance.social_work.township_stations"' in index      # key figures too
        assert "78" in index and "99" in index                        # a conflict shows both sides


# ---------------------------------------------------------------- in a real browser

def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing on CI; .ci/run installs it with `{INSTALL}`")
        pytest.skip(f"browser tests skipped: no Chromium; install it with `{INSTALL}`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A browser page that records console errors and every request, and refuses the network."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors, self.outside = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(r):
            url = r.request.url
            if re.match(r"https?://", url):
                self.outside.append(url)
                r.abort()
            else:
                r.continue_()

        self.page.route("**/*", route)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.context.close()


def test_every_page_loads_with_no_console_error_no_outside_request_and_no_axe_violation(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    with Visit(browser) as visit:
        for lang in LANGS:
            for name in SITE_PAGES:
                visit.page.goto((site / lang / name).as_uri())
                visit.page.wait_for_load_state("load")
                violations = axe.run(visit.page).response["violations"]
                for v in violations:
                    problems.append(f"{lang}/{name}: {v['id']} ({len(v['nodes'])}): "
                                    f"{v['nodes'][0]['target']}")
        assert visit.errors == [] and visit.outside == []
    assert problems == [], "\n".join(problems)


def test_language_switch_and_figure_links_land_where_they_say(site, browser, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    with Visit(browser) as visit:
        page = visit.page
        for lang, other in (("zh", "en"), ("en", "zh")):
            for name in ("index.html", "01_eldercare.html", "source.html", "data.html"):
                page.goto((site / lang / name).as_uri())
                page.click("p.lang-switch a")
                page.wait_for_load_state("load")
                assert page.url.endswith(f"/{other}/{name}"), page.url
                assert page.get_attribute("html", "lang") == LANGS[other]
            # a figure in a notebook table: one click to its quote, highlighted and in view
            page.goto((site / lang / "01_eldercare.html").as_uri())
            link = page.locator('main table a[href^="source.html#"]:visible').first
            ident = link.get_attribute("href").split("#", 1)[1]
            link.click()
            page.wait_for_load_state("load")
            assert page.url.endswith(f"source.html#{ident}")
            target = page.locator(f'[id="{ident}"]')
            mark = page.locator(f'mark:has([id="{ident}"]), mark[id="{ident}"]').first
            assert mark.is_visible()
            box, height = mark.bounding_box(), page.viewport_size["height"]
            assert 0 <= box["y"] < height, box
            assert page.evaluate("id => document.querySelector(':target').id === id", ident)
            # the tooltip shows on focus, from the keyboard too
            mark.focus()
            tip = page.locator(".hl:focus-within .tip")
            assert tip.is_visible() and ident in tip.inner_text()
            assert target.count() == 1
            # screenshots for a person to look at
            for name in ("index.html", "source.html", "01_eldercare.html"):
                page.goto((site / lang / name).as_uri())
                page.screenshot(path=str(shots / f"{lang}-{name}.png"), full_page=False)
        assert visit.errors == [] and visit.outside == []
    print(f"screenshots: {shots}")
    assert len(list(shots.glob("*.png"))) == 6


def test_tooltips_stay_inside_the_window_at_1280_and_390_px(site, browser):
    problems = []
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for lang in LANGS:
            page.goto((site / lang / "source.html").as_uri())
            marks = page.locator(".hl mark")
            assert marks.count() > 40
            for n in range(marks.count()):
                mark = marks.nth(n)
                mark.focus()
                tip = mark.locator("xpath=following-sibling::span[@class='tip']")
                tip.wait_for(state="visible")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                box = tip.bounding_box()
                inside = box and box["x"] >= 0 and box["x"] + box["width"] <= width \
                    and box["y"] >= 0 and box["y"] + box["height"] <= 800
                if not inside:
                    problems.append((width, lang, mark.get_attribute("data-ids"), box))
        context.close()
    assert problems == []


def test_a_figure_link_lands_on_the_figure(site, browser):
    with Visit(browser) as visit:
        for lang, figure in (("zh", "8913张"), ("en", "8913张")):
            visit.page.goto((site / lang / "source.html").as_uri() + "#eldercare.beds.nursing")
            assert visit.page.evaluate("() => document.querySelector(':target').textContent") == figure
            box = visit.page.locator(":target").bounding_box()
            assert 0 <= box["y"] < visit.page.viewport_size["height"]
        assert visit.errors == []


def _lines(page, selector: str) -> list[int]:
    """How many lines the text of each element matching ``selector`` takes."""
    return page.evaluate("""sel => Array.from(document.querySelectorAll(sel)).map(e => {
        const r = document.createRange(); r.selectNodeContents(e);
        return new Set(Array.from(r.getClientRects()).map(b => Math.round(b.top))).size; })""", selector)


def test_the_data_page_reads_at_1280_px_and_filters_and_sorts_offline(site, browser):
    with Visit(browser) as visit:
        page = visit.page
        for lang in LANGS:
            page.goto((site / lang / "data.html").as_uri())
            wraps = page.evaluate("""() => Array.from(document.querySelectorAll('.table-wrap')).map(w =>
                [w.closest('section') ? w.closest('section').querySelector('h3').id : 'columns',
                 w.scrollWidth - w.clientWidth, w.scrollHeight - w.clientHeight])""")
            assert len(wraps) > 8
            for name, wide, tall in wraps:
                assert tall <= 1 and wide <= 1, (lang, name)     # no cramped scroll box at 1280 px
        page.goto((site / "zh" / "data.html").as_uri())
        quotes = _lines(page, "#t-report-indicators ~ .table-wrap td:nth-child(9)")
        assert max(quotes) > 1                                     # the quote column wraps
        assert max(_lines(page, "#t-audit ~ .table-wrap td:nth-child(2)")) == 1   # a status on one line
        # filter
        section = page.locator("section:has(#t-report-indicators)")
        rows = section.locator("tbody tr")
        total = rows.count()
        section.locator("input[type=search]").fill("社工站")
        shown = section.locator("tbody tr:visible").count()
        assert 0 < shown < total
        assert section.locator(".tools").inner_text().endswith(f"显示{shown}行，共{total}行")
        section.locator("input[type=search]").fill("")
        assert section.locator("tbody tr:visible").count() == total
        # sort by value, both ways
        header = section.locator("thead th").nth(3)
        header.locator("button").click()
        values = [float(v) for v in section.locator("tbody td:nth-child(4)").all_inner_texts()]
        assert values == sorted(values) and header.get_attribute("aria-sort") == "ascending"
        header.locator("button").click()
        values = [float(v) for v in section.locator("tbody td:nth-child(4)").all_inner_texts()]
        assert values == sorted(values, reverse=True)
        assert visit.errors == [] and visit.outside == []
    # without script the page is complete: every row shown, no controls
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto((site / "zh" / "data.html").as_uri())
    assert page.locator("input[type=search]").count() == 0
    assert page.locator("#t-report-indicators ~ .table-wrap tbody tr:visible").count() == total
    context.close()


def test_the_audit_status_never_wraps_one_character_per_line(site, browser):
    from guilin_analysis.labels import label

    with Visit(browser) as visit:
        for lang in LANGS:
            visit.page.goto((site / lang / "05_data_audit.html").as_uri())
            status = label("status", lang)
            counts = visit.page.evaluate("""status => Array.from(document.querySelectorAll('main table'))
                .filter(t => t.querySelector('th') && t.querySelector('th').textContent.trim() === status)
                .flatMap(t => Array.from(t.querySelectorAll('tbody tr')).map(r => {
                    const c = r.cells[0], g = document.createRange(); g.selectNodeContents(c);
                    return new Set(Array.from(g.getClientRects()).map(b => Math.round(b.top))).size; }))""", status)
            assert counts and max(counts) == 1, (lang, counts)


# ---------------------------------------------------------------- the translation, the glossary, the chart files
# (issue 16 items 4 and 5; issue 13 §3 item 14)

def _en_anchors(page: str) -> list[str]:
    """The ids of the English figure anchors (``en-<indicator id>``) of a source page."""
    return [i for i in re.findall(r'id="(en-[^"]+)"', page) if not i.startswith("en-tip-")]


def test_the_english_source_page_sets_the_translation_beside_each_paragraph(site):
    from guilin_analysis.translation import Figure, Gap, english_paragraphs

    paragraphs = english_paragraphs()
    en = (site / "en" / "source.html").read_text(encoding="utf-8")
    zh = (site / "zh" / "source.html").read_text(encoding="utf-8")
    assert en.count('<div class="row">') == en.count('<div class="translation" lang="en">') == len(paragraphs) == 27
    assert "The project&#39;s translation, not an official one" in en
    # every paragraph has its anchor on both pages (the glossary links to them), once
    for p in paragraphs:
        for page in (en, zh):
            assert page.count(f'id="p-{p.number}"') == 1
    # each English figure is a mark with the tooltip of its ids, under en-<id>, the first time the id is marked
    ids = [i for p in paragraphs for s in p.segments if isinstance(s, Figure) for i in s.ids]
    anchors = _en_anchors(en)
    assert anchors == [f"en-{i}" for i in dict.fromkeys(ids)] and len(anchors) == len(set(anchors))
    assert set(Facts().table.index) == set(ids)                    # every figure of the report is in the English
    assert len(re.findall(r'<span class="hl( conflict)? tr">', en)) == len(
        [s for p in paragraphs for s in p.segments if isinstance(s, Figure)])
    for ident in ("eldercare.beds.nursing", "governance.social_work.township_stations.restated"):
        start = en.index(f'id="en-{ident}"')
        mark = en[en.rindex('<span class="hl', 0, start):en.index("</span></span>", start)]
        assert f'data-ids="{ident}"' in mark and f'<span class="id">{ident}</span>' in mark
        assert f'href="#{ident}">this figure in the Chinese</a>' in mark      # back to the Chinese
        assert f'href="data.html#row-{ident}"' in mark
    assert '<span class="hl conflict tr"><mark id="en-governance.social_work.township_stations.restated"' in en
    # the Chinese tooltip on the English page leads to the English figure
    tip = en[en.index('id="eldercare.beds.nursing"'):]
    assert 'href="#en-eldercare.beds.nursing">this figure in the translation</a>' in tip[:tip.index("</span></span>")]
    # a gap is marked in the English too, in the row of the Chinese gap mark, linking to it
    gaps = {s.gap_id for p in paragraphs for s in p.segments if isinstance(s, Gap)}
    assert len(gaps) == 3
    for gap in gaps:
        link = en.index(f'class="gap-link" href="#gap-{gap}"')
        row = en.rindex('<div class="row">', 0, link)
        assert row < en.index(f'id="gap-{gap}"') < link                # the Chinese mark is in the same row
    # the section whose body may follow its heading: the English mark follows that body too
    assert en.index('id="p-5"') < en.index('href="#gap-basic_livelihood_section"') < en.index('id="p-6"')
    # the translator's notes
    assert en.count('<p class="tr-note">') == len([p for p in paragraphs if p.note])
    # the Chinese page has no translation
    assert "translation" not in re.sub(r"<(style|script)\b.*?</\1>", "", zh, flags=re.S).split('id="main"')[1]
    assert _en_anchors(zh) == [] and 'class="report" lang="zh-CN"' in zh


def test_translation_and_glossary_text_is_escaped(tmp_path):
    """Text of the translation, its notes and the glossary is text: markup in it shows as markup."""
    from guilin_analysis.sitepages import site_files
    from guilin_analysis.translation import translation_problems
    from guilin_analysis.glossary import glossary_problems

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    hostile = "<img src=x onerror=alert('x')>"
    path = data / "source" / "guilin-civil-affairs-report.en.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "text_en"] = f"By Zhang Yuan {hostile} & staff"
    frame.loc[1, "note_en"] = f"A note {hostile}"
    frame.loc[1, "note_zh"] = f"译注{hostile}"              # a translator's note has its Chinese (check)
    frame.to_csv(path, index=False)
    path = data / "source" / "glossary.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[1, "explanation_en"] = frame.loc[1, "explanation_en"] + f" {hostile}"
    frame.loc[frame["term_id"] == "tekun", "term_en"] = "people in <b>extreme</b> poverty"   # not left in the English
    frame.to_csv(path, index=False)
    assert validate(data) == [] and translation_problems(data) == [] and glossary_problems(data) == []   # still valid
    files = site_files(plugin_chrome("en", NOTEBOOKS, "zh"), "now", data, tmp_path)
    zh_files = site_files(plugin_chrome("zh", NOTEBOOKS, "en"), "now", data, tmp_path)
    source, glossary = files["source.html"].decode("utf-8"), files["glossary.html"].decode("utf-8")
    escaped = "&lt;img src=x onerror=alert(&#39;x&#39;)&gt;"
    assert f"By Zhang Yuan {escaped} &amp; staff" in source and f"A note {escaped}" in source
    assert escaped in glossary and "people in &lt;b&gt;extreme&lt;/b&gt; poverty" in glossary
    zh_data = zh_files["data.html"].decode("utf-8")             # the translation's table, with its note_zh
    assert f"译注{escaped}" in zh_data
    for page in (source, glossary, zh_data, *(f.decode("utf-8") for n, f in zh_files.items() if n.endswith(".html"))):
        assert "<img src=x" not in page and "<b>extreme" not in page


def test_the_glossary_page_explains_every_term_in_the_language_of_the_page(site):
    from markupsafe import escape as esc      # the pages' escaping (Jinja's)

    from guilin_analysis.glossary import load_glossary

    terms = load_glossary()
    assert len(terms) > 20
    for lang in LANGS:
        page = (site / lang / "glossary.html").read_text(encoding="utf-8")
        parsed = Page(page)
        assert parsed.lang == LANGS[lang]
        for term in terms:
            start = page.index(f'<section class="term" id="term-{term.term_id}">')
            section = page[start:page.index("</section>", start)]
            own, beside = (term.term_zh, term.term_en) if lang == "zh" else (term.term_en, term.term_zh)
            explanation, source = ((term.explanation_zh, term.source_zh) if lang == "zh"
                                   else (term.explanation_en, term.source))
            assert f"<h2>{esc(own)}" in section and f'lang="{LANGS["en" if lang == "zh" else "zh"]}">{esc(beside)}</span>' in section
            assert esc(explanation) in section and esc(source) in section
            for n in term.paragraphs:                         # where it occurs, linked to the paragraph
                assert f'href="source.html#p-{n}"' in section
            if not term.paragraphs:
                assert "source.html#p-" not in section
            assert f'href="#term-{term.term_id}"' in page         # in the list of terms at the top
    # the glossary is in every page's navigation (tests the header of each page above) and the English
    # source page points readers to it
    assert '<a href="glossary.html">Glossary</a>.' in (site / "en" / "source.html").read_text(encoding="utf-8")


def test_chart_files_are_listed_from_the_notebooks_declared_charts(tmp_path):
    import nbformat

    from guilin_analysis.sitepages.datapage import chart_files
    from guilin_report import protocol

    png = "iVBORw0KGgo="
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    chart = {protocol.KEY: {"kind": "chart", "chart": "bar", "title": {"zh": "床位<数>", "en": "Beds <n>"},
                            "alt": {"zh": "条形图：床位", "en": "Bar chart: beds"}, "series": [], "ids": []}}
    cell.outputs = [nbformat.v4.new_output("stream", text="no figure"),
                    nbformat.v4.new_output("display_data", data={"image/png": png}),              # not declared
                    nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "x"}, metadata=chart)]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "01_eldercare.ipynb")
    (tmp_path / "02_broken.ipynb").write_text("{not json", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "03_no_charts.ipynb")
    stems = ["01_eldercare", "02_broken", "03_no_charts"]
    name = lambda stem, lang: stem.upper()                                    # noqa: E731

    plain = chart_files(tmp_path, stems, "en", name, request=((), None))
    assert plain["formats"] == ""
    assert plain["notebooks"] == [{"stem": "01_eldercare", "page": "01_eldercare.html", "name": "01_ELDERCARE", "charts": [
        {"title": "Chart 1", "files": [("PNG", "figures/01_eldercare-1.png")]},
        {"title": "Beds <n>", "files": [("PNG", "figures/01_eldercare-2.png")]}]}]
    asked = chart_files(tmp_path, stems, "zh", name, request=(("svg", "pdf"), 300))
    first, second = asked["notebooks"][0]["charts"]
    assert first == {"title": "图1", "files": [("PNG", "figures/01_eldercare-1.png")]}       # no chart, no SVG
    assert second["title"] == "床位<数>" and [h for _, h in second["files"]] == [
        "figures/01_eldercare-2.png", "figures/01_eldercare-2.svg", "figures/01_eldercare-2.pdf",
        "figures/01_eldercare-2-300dpi.png"]
    assert asked["formats"] == "本站生成时要求了以下格式：SVG、PDF、印刷用PNG（300 dpi）。"
    # the builder's file names are the ones listed (guilin_report.render writes them)
    from guilin_report.render import _paths

    assert {h for _, h in second["files"][1:]} == {p for p, _ in _paths("01_eldercare", 2, {
        "svg": (b"", None), "pdf": (b"", None), "print_png": (b"", 300)}).values()}


def test_the_data_page_lists_every_chart_file_of_the_site(site):
    for lang in LANGS:
        page = (site / lang / "data.html").read_text(encoding="utf-8")
        table = page[page.index('<table class="chart-files">'):]
        table = table[:table.index("</table>")]
        listed = set(re.findall(r'href="(figures/[^"]+)"', table))
        published = {f"figures/{p.name}" for p in (site / lang / "figures").iterdir()}
        assert listed == published and len(listed) >= 10, (lang, listed ^ published)
        for stem in NOTEBOOKS:
            if any(p.startswith(f"figures/{stem}-") for p in published):
                assert f'<a href="{stem}.html">' in table


def test_the_translation_beside_the_chinese_and_its_figure_links_land_on_their_highlights(site, browser):
    """At 1280 px the English stands beside each Chinese paragraph, below it at 390 px; every
    English figure anchor lands on its highlight; the links between the two lead to each other;
    axe finds nothing at 390 px either (the test of every page runs it at 1280 px)."""
    from axe_playwright_python.sync_playwright import Axe

    from guilin_analysis.translation import report_paragraphs

    paragraphs = len(report_paragraphs(load_report_text()))
    url = (site / "en" / "source.html").as_uri()
    boxes = """() => Array.from(document.querySelectorAll('.parallel .row')).map(r => {
        const a = r.querySelector('.zh').getBoundingClientRect(), b = r.querySelector('.translation').getBoundingClientRect();
        return [a.left, a.right, a.top, a.bottom, b.left, b.right, b.top, b.bottom]; })"""
    with Visit(browser) as visit:
        page = visit.page
        page.goto(url)
        rows = page.evaluate(boxes)
        assert len(rows) == paragraphs == page.locator(".parallel .translation").count()
        for zl, zr, zt, zb, el, er, et, eb in rows:
            assert zr <= el and abs(zt - et) <= 2                   # side by side, tops aligned
        assert page.locator(".parallel .columns").inner_text().split("\n")[-1] == \
            "The project's translation, not an official one"
        anchors = page.evaluate("() => Array.from(document.querySelectorAll('[id^=\"en-\"]'))"
                                ".map(e => e.id).filter(i => !i.startsWith('en-tip-'))")
        assert len(anchors) > 40
        height = page.viewport_size["height"]
        for ident in anchors:
            found = page.evaluate("""id => { location.hash = id; const t = document.querySelector(':target');
                const m = t && t.closest('mark'); const r = m && m.getBoundingClientRect();
                return t && [t.id, !!t.closest('.translation'), r.top, r.bottom,
                             m.closest('.hl').querySelector('.tip').textContent]; }""", ident)
            assert found and found[0] == ident and found[1], (ident, found)
            assert 0 <= found[2] and found[3] <= height, (ident, found)     # the highlight is in view
            assert ident.removeprefix("en-") in found[4]                     # its tooltip names the figure
        # from the English figure to the Chinese one and back, from the tooltips
        page.goto(url + "#en-eldercare.beds.nursing")
        page.locator('[id="en-eldercare.beds.nursing"]').focus()
        page.locator(".hl:focus-within .tip a", has_text="this figure in the Chinese").click()
        assert page.evaluate("() => document.querySelector(':target').id") == "eldercare.beds.nursing"
        assert page.evaluate("() => !document.querySelector(':target').closest('.translation')")
        page.locator('[id="eldercare.beds.nursing"]').focus()
        page.locator(".hl:focus-within .tip a", has_text="this figure in the translation").click()
        assert page.evaluate("() => document.querySelector(':target').id") == "en-eldercare.beds.nursing"
        # a gap mark of the English leads to the Chinese gap mark and its note
        page.locator('a.gap-link[href="#gap-social_work_stray_unit"]').click()
        assert page.evaluate("() => document.querySelector(':target').id") == "gap-social_work_stray_unit"
        assert visit.errors == [] and visit.outside == []
    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(url)
        for zl, zr, zt, zb, el, er, et, eb in page.evaluate(boxes):
            assert et >= zb - 1 and er <= 390 + 1                  # stacked, inside the window
        label = page.locator(".parallel .translation .tr-label").first
        assert label.is_visible() and label.inner_text() == "Project's translation"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        violations = Axe().run(page).response["violations"]
        assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
        assert errors == []
    finally:
        context.close()


def test_the_glossary_loads_in_both_languages_and_its_links_land(site, browser):
    with Visit(browser) as visit:
        page = visit.page
        for lang in LANGS:
            page.goto((site / lang / "glossary.html").as_uri())
            assert page.locator("section.term").count() > 20
            page.locator('.terms-index a[href="#term-cunguiminyue"]').click()
            assert page.evaluate("() => document.querySelector(':target').id") == "term-cunguiminyue"
            assert page.locator("section.term:target").is_visible()
            # where the term occurs: the paragraph of the source page
            page.locator("#term-cunguiminyue .where a").first.click()
            page.wait_for_load_state("load")
            assert page.url.endswith("source.html#p-14")
            box = page.evaluate("() => document.querySelector(':target').getBoundingClientRect().top")
            assert 0 <= box < page.viewport_size["height"]
            assert "村规民约" in page.evaluate("() => { const t = document.querySelector(':target');"
                                           " return (t.closest('.row') || t.parentElement).textContent; }")
        # the header's link reaches the glossary from any page
        page.goto((site / "en" / "01_eldercare.html").as_uri())
        page.locator('.site-header nav a[href="glossary.html"]').click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/en/glossary.html")
        assert visit.errors == [] and visit.outside == []
