"""The report site as a reader gets it (issue 10): every page of both languages, the source page
with its highlights, the data page with its downloads, the citation; files first, then in a
real browser (headless Chromium through Playwright, axe-core for accessibility).

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
SITE_PAGES = ["index.html", *[f"{n}.html" for n in NOTEBOOKS], "source.html", "data.html"]
INSTALL = "apt-get install chromium fonts-noto-cjk"


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
            assert 'class="site-footer"' in text and "data package 1.0.0" in text.lower() or "数据包 1.0.0" in text
            assert "Guilin civil affairs since 2022: data and analysis" in text       # the citation
            assert 'id="main"' in text


def test_citation_cff_says_what_the_pages_say():
    from guilin_analysis.sitepages import CITATION_AUTHOR, CITATION_TITLE

    cff = (REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'title: "{CITATION_TITLE}"' in cff and CITATION_AUTHOR in cff
    import guilin_analysis

    assert f'version: "{guilin_analysis.__version__}"' in cff


def _report_text_of(source_page: str) -> str:
    """The text of the report block without the tooltips and gap marks."""

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
                if self.skip or attrs.get("class") in ("tip", "gap"):
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
    assert "Contradicted by another statement: 99" in en
    assert "text follows, verbatim and in the original Chinese" in en and "以下为报道全文" in zh


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
            pd.testing.assert_frame_equal(csv, shipped)
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
