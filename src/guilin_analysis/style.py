"""The project's single chart style: fonts, palette and matplotlib settings.

Every figure in the notebooks and reports is drawn with this style, in both languages.

Fonts
-----
Chinese text is set in **Noto Sans CJK SC** (Simplified Chinese), Regular weight, by Google
and Adobe, licensed under the **SIL Open Font License 1.1**. It comes from the PyPI package
``noto-cjk-sans-otc`` (import name ``noto_cjk_sans_otc``), which ships the OpenType collection
``NotoSansCJK-Regular.ttc``. Latin text (digits, tick labels, the minus sign, English words)
is set in **DejaVu Sans**, which ships with matplotlib; matplotlib's per-glyph font fallback
hands every character DejaVu Sans lacks (Han characters, full-width punctuation such as
``（张）``) to Noto Sans CJK SC.

Why a font from a Python package:

* no system fonts: a figure looks the same on a laptop, in CI and in a container without any
  CJK fonts installed, and nobody has to run ``apt-get`` or copy files into matplotlib;
* the same glyphs everywhere: one pinned font file (``noto-cjk-sans-otc==0.0.1``), so the
  rendered PNGs only change when the data do;
* size: the wheel is ~15.5 MB, against ~85 MB for ``mplfonts``, which bundles several families.

The ``.ttc`` holds ten faces (JP, KR, SC, TC, HK and their Mono variants) that share outlines
but map characters to different glyphs (养, 床 and 比 differ between Japanese and Simplified
Chinese). matplotlib >= 3.11 (the project's minimum) registers every face of a collection and
``findfont`` returns the face index, so the collection is registered in place, in memory, and
the SC face is picked by its family name. Nothing is ever written into site-packages.

Palette
-------
:data:`PALETTE` is the Okabe–Ito colour set, distinguishable with the common colour-vision
deficiencies: Okabe, M. & Ito, K. (2008), "Color Universal Design (CUD): How to make figures
and presentations that are friendly to colorblind people", https://jfly.uni-koeln.de/color/.

Use
---
>>> from guilin_analysis import style
>>> style.apply("zh")                      # sets matplotlib rcParams for the session
>>> with style.chart_style("en"):          # or only for a block
...     pass
"""
from __future__ import annotations

import contextlib
import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager

from .labels import LANGUAGES, check_lang  # noqa: F401  (LANGUAGES: re-exported)

__all__ = [
    "FONT_NAME",
    "FONT_PACKAGE",
    "FONT_FILE",
    "LATIN_FONT_NAME",
    "LANGUAGES",
    "PALETTE",
    "FontFile",
    "apply",
    "chart_style",
    "font_families",
    "rc_params",
    "register_fonts",
]

#: The family name matplotlib sees for the Simplified Chinese face of the collection.
FONT_NAME = "Noto Sans CJK SC"
#: The Latin font, shipped with matplotlib itself.
LATIN_FONT_NAME = "DejaVu Sans"
#: The Python package that ships the CJK font, and the file inside it.
FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
#: Face of :data:`FONT_FILE` that is Noto Sans CJK SC (JP=0, KR=1, SC=2, TC=3, HK=4, Mono 5-9).
_SC_FACE_INDEX = 2

#: Okabe & Ito (2008) colour-universal-design palette, ordered for plotting: strong hues first,
#: yellow (low contrast on white) last.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
]

class FontFile(NamedTuple):
    """Where the CJK font matplotlib uses lives: a file and a face index within it."""

    path: Path
    face_index: int


_registered: FontFile | None = None


def _collection_path() -> Path:
    """Return a real file path of ``NotoSansCJK-Regular.ttc`` inside ``noto_cjk_sans_otc``."""
    return Path(str(importlib.resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))


def _family_known(name: str) -> bool:
    """Return whether matplotlib's font manager has a font of family ``name``."""
    return any(entry.name == name for entry in font_manager.fontManager.ttflist)


def register_fonts() -> FontFile:
    """Make :data:`FONT_NAME` available to matplotlib for this process; return where it is.

    Adds the Noto Sans CJK collection from the ``noto_cjk_sans_otc`` package to
    ``matplotlib.font_manager.fontManager`` (in memory only: matplotlib's on-disk font cache and
    site-packages are left alone) and checks that the family resolves to the SC face.
    Returns ``FontFile(<site-packages>/noto_cjk_sans_otc/NotoSansCJK-Regular.ttc, 2)``.
    Idempotent: after the first call it only checks that the font manager still knows the font.
    """
    global _registered
    if _registered is not None and _family_known(FONT_NAME):
        return _registered
    collection = _collection_path()
    if not _family_known(FONT_NAME):
        font_manager.fontManager.addfont(str(collection))
    found = font_manager.fontManager.findfont(
        font_manager.FontProperties(family=FONT_NAME), fallback_to_default=False)
    if getattr(found, "face_index", None) != _SC_FACE_INDEX:
        raise RuntimeError(f"{FONT_NAME!r} resolved to {found!r}, not face {_SC_FACE_INDEX} of "
                           f"{collection}; matplotlib >= 3.11 is needed for font collections")
    _registered = FontFile(collection, _SC_FACE_INDEX)
    return _registered


def font_families(lang: str = "zh") -> list[str]:
    """Return the font family list for ``lang`` ("zh" or "en"), first choice first.

    The same list for both languages, so the two versions of a figure look alike and an English
    figure can still show a Chinese place name: DejaVu Sans for Latin text, with Noto Sans CJK SC
    as the fallback for every character DejaVu Sans does not have.
    """
    check_lang(lang)
    return [LATIN_FONT_NAME, FONT_NAME]


def rc_params(lang: str = "zh") -> dict[str, Any]:
    """Return the project's matplotlib settings for ``lang`` as an rcParams dict; change nothing.

    Covers fonts (family fallback list, working Unicode minus), the :data:`PALETTE` colour
    cycle, spines (no top/right), a light horizontal grid, resolution (110 dpi, for HTML) and
    vector output (SVG text as paths so it looks the same without the font; PDF/PS with
    embedded, subsetted TrueType/CID fonts so text stays selectable). The fonts must be
    registered (:func:`register_fonts`) before drawing; :func:`apply` and :func:`chart_style`
    do that.
    """
    families = font_families(lang)
    return {
        "font.family": families,
        "axes.unicode_minus": True,
        "axes.prop_cycle": cycler(color=PALETTE),
        "image.cmap": "viridis",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#444444",
        "axes.linewidth": 0.8,
        "axes.titleweight": "normal",
        "axes.titlesize": "large",
        "axes.titlelocation": "left",
        "axes.labelcolor": "#222222",
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.8,
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "legend.frameon": False,
        "figure.dpi": 110,
        "figure.figsize": (7.0, 4.2),
        "savefig.dpi": "figure",
        "savefig.facecolor": "white",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
    }


def apply(lang: str = "zh") -> dict[str, Any]:
    """Register the fonts and set the project style on ``matplotlib.rcParams`` for the session.

    Takes ``lang`` ("zh" or "en"). Changes ``matplotlib.rcParams`` (only the keys of
    :func:`rc_params`) and, through :func:`register_fonts`, adds the CJK font to matplotlib's
    in-memory font list. Does not choose a backend, import pyplot or touch seaborn.
    Returns the dict of settings applied. To undo, use ``matplotlib.rcdefaults()`` or, for a
    scoped change, :func:`chart_style`.

    Call it *after* ``seaborn.set_theme()``/``seaborn.set()``: those reset ``font.family`` to
    the generic "sans-serif", and matplotlib only falls back glyph by glyph through an explicit
    family list, so Chinese text would lose its font (or pass
    ``seaborn.set_theme(font=font_families())``).
    """
    rc = rc_params(lang)
    register_fonts()
    mpl.rcParams.update(rc)
    return rc


@contextlib.contextmanager
def chart_style(lang: str = "zh") -> Iterator[dict[str, Any]]:
    """Use the project style inside a ``with`` block; rcParams are restored on exit.

    Takes ``lang`` ("zh" or "en"); yields the dict of settings in force. The CJK font stays
    registered after the block (registering is cheap and harmless).
    """
    rc = rc_params(lang)
    register_fonts()
    with mpl.rc_context(rc):
        yield rc
