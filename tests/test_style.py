"""Tests for guilin_analysis.style: CJK font (SC face), Latin font, minus sign, palette, no writes."""
from __future__ import annotations

import importlib.resources
import io
import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager, ft2font  # noqa: E402

from guilin_analysis import style  # noqa: E402

TITLE = "养老服务床位（张）"
YLABEL = "护理型床位占比"
XLABEL = "Year 2022"
# Characters whose glyph differs between the JP face (0) and the SC face (2) of the collection.
SC_SPECIFIC = "养床位比"


def _font_for_char(prop: font_manager.FontProperties, char: str) -> font_manager.FontPath | str:
    """Return the font file (with face index) matplotlib's fallback chain uses for ``char``.

    matplotlib tries the families of ``prop`` in order and takes the first font that has a glyph.
    """
    for family in prop.get_family():
        one = prop.copy()
        one.set_family(family)
        path = font_manager.findfont(one, fallback_to_default=False)
        if font_manager.get_font(path).get_char_index(ord(char)):
            return path
    raise AssertionError(f"no font in {prop.get_family()} has {char!r}")


def _face(path) -> ft2font.FT2Font:
    return ft2font.FT2Font(str(path), face_index=getattr(path, "face_index", 0))


def _is_project_cjk_font(path) -> bool:
    """The project's Noto Sans CJK SC face, or the same face installed by the system (Debian's
    fonts-noto-cjk, which CI installs for the browser): same family, Simplified Chinese forms."""
    registered = style.register_fonts()
    same_file = os.path.realpath(path) == os.path.realpath(registered.path)
    if same_file:
        return getattr(path, "face_index", 0) == registered.face_index
    return _face(path).family_name == style.FONT_NAME


def _draw_sample():
    fig, ax = plt.subplots()
    ax.plot([2019, 2020, 2021, 2022], [-1.5, 0.5, 2.0, 3.5], marker="o", label="护理型")
    ax.bar([2019, 2020, 2021, 2022], [1, -2, 3, 2], alpha=0.5, label="Beds")
    ax.set_title(TITLE)
    ax.set_ylabel(YLABEL)
    ax.set_xlabel(XLABEL)
    ax.legend()
    return fig, ax


def _package_snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Files under ``folder`` (bytecode caches aside) with size and modification time."""
    snap = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            st = os.stat(os.path.join(root, name))
            snap[os.path.relpath(os.path.join(root, name), folder)] = (st.st_size, st.st_mtime_ns)
    return snap


def _font_package_dir() -> Path:
    return Path(str(importlib.resources.files(style.FONT_PACKAGE)))


def test_chinese_text_renders_with_sc_face_and_latin_with_dejavu():
    with style.chart_style("zh"), warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" becomes a failure
        fig, ax = _draw_sample()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        fig.canvas.draw()
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        title, ylabel, xlabel = ax.title, ax.yaxis.label, ax.xaxis.label
        plt.close(fig)

    assert buf.getvalue().startswith(b"\x89PNG")
    assert any(t.startswith("\N{MINUS SIGN}") for t in ticks), ticks  # unicode minus in use

    for text in (title, ylabel):
        prop = text.get_fontproperties()
        assert prop.get_family() == [style.LATIN_FONT_NAME, style.FONT_NAME]
        for char in text.get_text():
            if char.isascii():
                continue
            path = _font_for_char(prop, char)
            assert _is_project_cjk_font(path), (char, path)
            assert _face(path).family_name == style.FONT_NAME

    for char in XLABEL.replace(" ", "") + "\N{MINUS SIGN}0123456789.":
        path = _font_for_char(xlabel.get_fontproperties(), char)
        assert _face(path).family_name == style.LATIN_FONT_NAME, (char, path)


def test_simplified_glyph_forms_are_used_not_japanese():
    style.register_fonts()
    used = _face(font_manager.findfont(
        font_manager.FontProperties(family=style.FONT_NAME), fallback_to_default=False))
    collection = str(importlib.resources.files(style.FONT_PACKAGE).joinpath(style.FONT_FILE))
    jp = ft2font.FT2Font(collection, face_index=0)
    sc = ft2font.FT2Font(collection, face_index=2)
    assert jp.family_name == "Noto Sans CJK JP" and sc.family_name == style.FONT_NAME
    for char in SC_SPECIFIC:
        assert sc.get_char_index(ord(char)) != jp.get_char_index(ord(char))
        assert used.get_char_index(ord(char)) == sc.get_char_index(ord(char)), char
    assert used.family_name == style.FONT_NAME


def test_register_fonts_is_idempotent(monkeypatch):
    first = style.register_fonts()
    calls = []
    monkeypatch.setattr(font_manager.fontManager, "addfont", lambda *a, **k: calls.append(a))
    assert style.register_fonts() == first
    assert calls == []


_CHILD = textwrap.dedent("""
    import io, json
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from guilin_analysis import style
    font = style.register_fonts()
    with style.chart_style("zh"):
        fig, ax = plt.subplots()
        ax.set_title("养老服务床位（张）")
        fig.savefig(io.BytesIO(), format="png")
    print(json.dumps([str(font.path), font.face_index]))
""")


def test_register_fonts_writes_nothing_under_site_packages():
    package_dir = _font_package_dir()
    before = _package_snapshot(package_dir)
    out = subprocess.run([sys.executable, "-W", "error", "-c", _CHILD], env=dict(os.environ, MPLBACKEND="Agg"),
                         check=True, capture_output=True, text=True).stdout
    path, index = json.loads(out.strip().splitlines()[-1])
    assert _package_snapshot(package_dir) == before
    assert Path(path).parent.resolve() == package_dir.resolve() and index == 2


def test_palette_is_colourblind_set_of_distinct_colours():
    assert isinstance(style.PALETTE, list)
    assert all(mcolors.is_color_like(c) and c.startswith("#") for c in style.PALETTE)
    assert len({c.lower() for c in style.PALETTE}) >= 6
    assert "Okabe" in style.__doc__


def test_chart_style_sets_and_restores_rcparams():
    before = matplotlib.rcParams.copy()
    with style.chart_style("en") as rc:
        assert matplotlib.rcParams["font.family"] == [style.LATIN_FONT_NAME, style.FONT_NAME]
        colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colours == style.PALETTE
        assert not matplotlib.rcParams["axes.spines.top"]
        assert 100 <= matplotlib.rcParams["figure.dpi"] <= 120
        assert rc["svg.fonttype"] == "path" and rc["pdf.fonttype"] == 42
    assert dict(matplotlib.rcParams) == dict(before)


def test_apply_sets_rcparams_and_rejects_unknown_language():
    with matplotlib.rc_context():
        rc = style.apply("zh")
        assert matplotlib.rcParams["font.family"] == rc["font.family"]
    with pytest.raises(ValueError):
        style.apply("fr")
