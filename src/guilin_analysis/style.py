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
but map characters to different glyphs (for example 直, 骨 and 复 differ between Japanese and
Simplified Chinese). The SC face must be used so that Simplified Chinese glyph forms appear.
matplotlib >= 3.11 registers every face of a collection (``FontManager.addfont`` walks
``num_faces`` and ``findfont`` returns a ``FontPath`` that carries the face index), so the
collection is registered in place and the SC face is picked by its family name. Older
matplotlib versions only see face 0 (JP); for them :func:`register_fonts` extracts the SC face
once with fontTools into a user cache folder (see :func:`cache_dir`), written atomically and
reused afterwards. Nothing is ever written into site-packages.

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
import hashlib
import importlib.resources
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib as mpl
from cycler import cycler
from matplotlib import font_manager

__all__ = [
    "FONT_NAME",
    "FONT_PACKAGE",
    "FONT_FILE",
    "LATIN_FONT_NAME",
    "LANGUAGES",
    "PALETTE",
    "FontFile",
    "apply",
    "cache_dir",
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
#: Languages :func:`apply` and :func:`chart_style` accept.
LANGUAGES = ("zh", "en")

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

#: Environment variable that overrides :func:`cache_dir`.
CACHE_ENV = "GUILIN_ANALYSIS_CACHE_DIR"


class FontFile(NamedTuple):
    """Where the CJK font matplotlib uses lives: a file and a face index within it."""

    path: Path
    face_index: int


_lock = threading.Lock()
_registered: FontFile | None = None
_keep_open = contextlib.ExitStack()  # holds a temporary copy if the package is zipped


def cache_dir() -> Path:
    """Return the folder for files this module derives (only used on matplotlib < 3.11).

    Takes ``$GUILIN_ANALYSIS_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/guilin-analysis``,
    else ``~/.cache/guilin-analysis``. The folder is not created here.
    """
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "guilin-analysis"


def _collection_path() -> Path:
    """Return a real file path of ``NotoSansCJK-Regular.ttc`` inside ``noto_cjk_sans_otc``."""
    resource = importlib.resources.files(FONT_PACKAGE).joinpath(FONT_FILE)
    if isinstance(resource, Path) and resource.is_file():
        return resource
    # Not on the file system (e.g. a zip import): use a temporary copy kept for the process.
    return _keep_open.enter_context(importlib.resources.as_file(resource))


def _family_known(name: str) -> bool:
    """Return whether matplotlib's font manager has a font of family ``name``."""
    return any(entry.name == name for entry in font_manager.fontManager.ttflist)


def _collections_supported() -> bool:
    """Return whether this matplotlib registers every face of a .ttc (>= 3.11)."""
    return hasattr(font_manager, "FontPath")


def _extract_sc_face(collection: Path, folder: Path) -> Path:
    """Write the SC face of ``collection`` as a stand-alone .otf in ``folder``; return its path.

    The file name carries a fingerprint of the source (size and modification time), so a new
    font package version gives a new file; an existing file is reused without reading the
    collection. The write goes to a temporary file in the same folder, then ``os.replace``, so
    concurrent processes never see a half-written font.
    """
    stat = collection.stat()
    tag = hashlib.sha256(f"{collection.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    target = folder / f"NotoSansCJKsc-Regular-{tag.hexdigest()[:12]}.otf"
    if target.is_file():
        return target
    from fontTools.ttLib import TTCollection  # a matplotlib dependency; only needed here

    folder.mkdir(parents=True, exist_ok=True)
    with TTCollection(str(collection), lazy=True) as ttc:
        face = ttc.fonts[_SC_FACE_INDEX]
        family = face["name"].getDebugName(1)
        if family != FONT_NAME:
            raise RuntimeError(f"face {_SC_FACE_INDEX} of {collection} is {family!r}, "
                               f"not {FONT_NAME!r}")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".otf")
        try:
            with os.fdopen(fd, "wb") as out:
                face.save(out, reorderTables=False)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    return target


def register_fonts(*, _force_extract: bool = False) -> FontFile:
    """Make :data:`FONT_NAME` available to matplotlib for this process; return where it is.

    Takes nothing. Adds the Noto Sans CJK collection from the ``noto_cjk_sans_otc`` package to
    ``matplotlib.font_manager.fontManager`` (in memory only: matplotlib's on-disk font cache and
    site-packages are left alone). On matplotlib < 3.11 the SC face is first extracted to
    :func:`cache_dir` (once; later calls and later processes reuse the file).

    Returns a :class:`FontFile` with the font file and the face index of the SC face in it
    (``(…/NotoSansCJK-Regular.ttc, 2)``, or ``(<cache>/NotoSansCJKsc-Regular-….otf, 0)``).
    Idempotent: after the first call it only checks that the font manager still knows the font.
    ``_force_extract`` is for tests: take the extraction route even on new matplotlib.
    """
    global _registered
    if _registered is not None and not _force_extract and _family_known(FONT_NAME):
        return _registered
    with _lock:
        if _registered is not None and not _force_extract and _family_known(FONT_NAME):
            return _registered
        collection = _collection_path()
        if _collections_supported() and not _force_extract:
            if not _family_known(FONT_NAME):
                font_manager.fontManager.addfont(str(collection))
            found = font_manager.fontManager.findfont(
                font_manager.FontProperties(family=FONT_NAME), fallback_to_default=False)
            if getattr(found, "face_index", None) == _SC_FACE_INDEX:
                _registered = FontFile(collection, _SC_FACE_INDEX)
                return _registered
        # Only face 0 is usable: give matplotlib a file holding just the SC face.
        extracted = _extract_sc_face(collection, cache_dir() / "fonts")
        font_manager.fontManager.addfont(str(extracted))
        if not _family_known(FONT_NAME):
            raise RuntimeError(f"matplotlib did not pick up {FONT_NAME!r} from {extracted}")
        _registered = FontFile(extracted, 0)
        return _registered


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return lang


def font_families(lang: str = "zh") -> list[str]:
    """Return the font family list for ``lang`` ("zh" or "en"), first choice first.

    The same list for both languages, so the two versions of a figure look alike and an English
    figure can still show a Chinese place name: DejaVu Sans for Latin text, with Noto Sans CJK SC
    as the fallback for every character DejaVu Sans does not have.
    """
    _check_lang(lang)
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
