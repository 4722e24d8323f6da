"""Generic charts in the project style that declare what they show.

In: a :class:`~guilin_analysis.lookup.Facts` (or an audit frame), the ids to draw, ``lang`` and
the words, which the notebook chooses (``title=pick(lang, zh=…, en=…)``). Out: a :class:`Chart`,
which displays as its PNG in JupyterLab and carries, in the output's metadata, what it shows by
the display protocol (:mod:`guilin_report.protocol`): its kind, title and alt text in both
languages and exactly the series drawn, each with its id, names, value, unit, text, bound and the
link to its provenance. ``chart.figure`` is the matplotlib Figure, drawn in
:mod:`~guilin_analysis.style` (Noto Sans CJK SC for Chinese, DejaVu Sans for Latin, the Okabe–Ito
palette), for tests and custom work. Names from the data are escaped for matplotlib, where ``$``
starts math.

* :func:`bars`: a horizontal bar per value, labelled, first on top;
* :func:`figure_bars`: bars of chosen indicators, derived metrics or reference figures, by id;
* :func:`dots`, :func:`figure_dots`: a dot per value (optionally on a logarithmic scale), for
  figures of very different sizes;
* :func:`target_comparison`: shares each drawn directly above the benchmark of the same
  definition (the ratio keys must agree, or the chart is refused);
* :func:`status_counts`: how many audit checks came out in each status;
* :func:`declare`: any Figure drawn in a cell, with the series it draws (checked against it).

A value that is only a bound is drawn as one: a lower bound (a metric whose ``bound`` is
``lower``, a figure the report gives with 以上/超过/余) as a hatched bar with an arrow past its
end, labelled ``≥27.2%``; an upper bound hatched with the arrow pointing back, ``≤…``.

When the builder asks for publication figures (:data:`guilin_report.protocol.FIGURE_FORMATS_ENV`,
:data:`~guilin_report.protocol.DPI_ENV`), a chart's output also holds its SVG (text as paths),
its PDF (text as paths too) and a PNG at that resolution; otherwise only the screen PNG.
"""
from __future__ import annotations

import base64
import io
import math
import re
import textwrap

import matplotlib as mpl
import pandas as pd
from matplotlib import patheffects
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter, StrMethodFormatter

from guilin_report import protocol

from .consistency import STATUSES
from .formatting import check_lang, escape_mathtext
from .labels import label
from .lookup import INDICATORS, REFERENCE, Facts, href
from .notebook import Pick, bilingual, ids_shown
from .style import PALETTE, chart_style

#: Colour of a benchmark or target bar.
BENCHMARK = PALETTE[6]
#: The kinds of chart, as the alt text names them.
KINDS = {"bar": {"zh": "条形图", "en": "Bar chart"}, "dot": {"zh": "点图", "en": "Dot plot"}}
#: How a bound is marked on its label, and said in the alt text.
BOUND_SIGN = {"lower": "≥", "upper": "≤"}
BOUND_WORDS = {"lower": {"zh": "（下限）", "en": " (lower bound)"},
               "upper": {"zh": "（上限）", "en": " (upper bound)"}}
_LANGS = ("zh", "en")


# ---------------------------------------------------------------- what a chart declares

_OPENING, _CLOSING = "（“‘《〈【「(", "）”’》〉】」，。；：、！？)"


def _wrap(name: str, lang: str) -> str:
    """Break a long category name over lines (14 characters a line in Chinese, 28 in English).

    Chinese lines never end with an opening bracket or quotation mark, nor start with a closing
    one or with punctuation: such a character moves to the line it belongs with."""
    lines = textwrap.wrap(name, 14 if lang == "zh" else 28) or [name]
    if lang == "zh":
        for n in range(len(lines) - 1):
            while lines[n] and lines[n][-1] in _OPENING:
                lines[n], lines[n + 1] = lines[n][:-1], lines[n][-1] + lines[n + 1]
            while lines[n + 1] and lines[n + 1][0] in _CLOSING:
                lines[n], lines[n + 1] = lines[n] + lines[n + 1][0], lines[n + 1][1:]
        lines = [line for line in lines if line]
    return "\n".join(lines)


def _top(values: list[float]) -> float:
    return max([abs(v) for v in values] or [0])


def axis_formatter(values: list[float], lang: str):
    """The tick labels of a linear value axis: whole numbers from 1,000 up, with a thousands
    separator in English (``3,500``) and none in Chinese (``3500``, as the report prints 8913张);
    smaller values as matplotlib writes them."""
    if _top(values) < 1000:
        return ScalarFormatter()
    return StrMethodFormatter("{x:.0f}" if check_lang(lang) == "zh" else "{x:,.0f}")


def alt_text(kind: str, title: dict[str, str], series: list[dict], lang: str) -> str:
    """What a chart shows, for a reader who cannot see it: its kind, its title, then each series
    drawn with its figure (``Bar chart: Beds. Eldercare service beds: 32,715 beds; …``)."""
    zh = lang == "zh"
    sep = "：" if zh else ": "
    items = ("；" if zh else "; ").join(
        f"{s['name'][lang]}{sep}{s['text'][lang]}{BOUND_WORDS.get(s['bound'], {}).get(lang, '')}" for s in series)
    head = f"{KINDS[kind][lang]}{sep}{title[lang]}"
    return f"{head}{'。' if zh else '. '}{items}" if items else head


def _series(names, values, texts, lang, ids=None, bounds=None, hrefs=None, units=None, unit="") -> list[dict]:
    n = len(values)
    for what, given in (("names", names), ("texts", texts), ("ids", ids), ("bounds", bounds), ("hrefs", hrefs),
                        ("units", units)):
        if given is not None and len(given) != n:
            raise ValueError(f"{len(given)} {what} for {n} values: give one per value")
    out = []
    for k in range(n):
        bound = (bounds or ["exact"] * n)[k] or "exact"
        if bound not in protocol.BOUNDS:
            raise ValueError(f"bound {bound!r} is not one of {', '.join(protocol.BOUNDS)}")
        value = float(values[k])
        if not math.isfinite(value):
            raise ValueError(f"value {values[k]!r} of {names[k]!r} is not a finite number: it cannot be drawn")
        out.append({"id": (ids or [None] * n)[k], "name": bilingual(names[k], lang), "value": value,
                    "unit": str((units or [unit] * n)[k] or ""), "text": bilingual(texts[k], lang),
                    "bound": bound, "href": (hrefs or [None] * n)[k]})
    return out


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", str(text).replace(r"\$", "$"))


def _drawn(figure: Figure) -> tuple[list[float], str]:
    """The numbers a figure draws (bar ends, dot and line positions) and all its text."""
    numbers, texts = [], []
    for ax in figure.axes:
        for patch in ax.patches:
            if hasattr(patch, "get_width"):
                numbers += [patch.get_width(), patch.get_height(), patch.get_x() + patch.get_width(),
                            patch.get_y() + patch.get_height()]
        for collection in ax.collections:
            numbers += [float(v) for point in collection.get_offsets() for v in point]
        for line in ax.lines:
            numbers += [float(v) for v in [*line.get_xdata(), *line.get_ydata()]]
        texts += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        texts += [t.get_text() for t in [*ax.get_xticklabels(), *ax.get_yticklabels(), *ax.texts]]
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
    texts += [t.get_text() for t in figure.texts]
    return numbers, _normal(" ".join(texts))


def _check_drawn(figure: Figure, series: list[dict], lang: str) -> None:
    """Refuse a declared series that the figure does not draw: its value must be the end of a
    bar or the place of a dot, its name and its text must be written on the chart."""
    numbers, texts = _drawn(figure)
    for s in series:
        if not any(math.isclose(s["value"], v, rel_tol=1e-9, abs_tol=1e-9) for v in numbers):
            raise ValueError(f"the chart declares {s['name'][lang]!r} = {s['value']:g}, but draws no bar or dot "
                             "of that value: declare exactly the series drawn")
        for field in ("name", "text"):
            if _normal(s[field][lang]) not in texts:
                raise ValueError(f"the chart declares the {field} {s[field][lang]!r}, but does not write it: "
                                 "declare exactly the series drawn")


class Chart:
    """A chart drawn in the project style and what it shows.

    Displays as its PNG (``_repr_mimebundle_``, with the declaration under the output's
    ``metadata["guilin_report"]``); ``.figure`` is the matplotlib Figure, ``.meta`` the
    declaration. Made by the functions of this module, or by :func:`declare` for a Figure drawn
    in a cell; either way every declared series is checked against what the figure draws.
    """

    def __init__(self, figure: Figure, lang: str, kind: str, title, series: list[dict], *, unit: str = "",
                 ids: list[str] = ()):
        check_lang(lang)
        if kind not in KINDS:
            raise ValueError(f"chart kind {kind!r} is not one of {', '.join(KINDS)}")
        if not series:
            raise ValueError("a chart must declare the series it draws")
        _check_drawn(figure, series, lang)
        self.figure, self.lang, self.kind = figure, lang, kind
        titles = bilingual(title, lang)
        shown = ids_shown([s["id"] for s in series], ids)
        self.meta = {"kind": "chart", "chart": kind, "title": titles,
                     "alt": {code: alt_text(kind, titles, series, code) for code in _LANGS},
                     "unit": str(unit), "series": series, "ids": shown}

    @property
    def alt(self) -> str:
        return self.meta["alt"][self.lang]

    def _save(self, fmt: str, dpi: float | None = None) -> bytes:
        metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[fmt]
        buffer = io.BytesIO()
        texts = self.figure.findobj(Text) if fmt == "pdf" else []
        before = [t.get_path_effects() for t in texts]
        try:
            # PDF: every glyph drawn as a path, as in the SVG. matplotlib embeds the CFF outlines of
            # Noto Sans CJK as a TrueType font (matplotlib issue #20870), which MuPDF cannot draw;
            # a text drawn through a path effect is written as paths instead.
            for t in texts:
                t.set_path_effects([patheffects.Normal()])
            with chart_style(self.lang) as rc:
                # fixed ids in the SVG and no dates anywhere: the same chart gives the same bytes
                with mpl.rc_context({"svg.hashsalt": "guilin-report"}):
                    self.figure.savefig(buffer, format=fmt, dpi=dpi or self.figure.dpi, bbox_inches="tight",
                                        facecolor=rc["savefig.facecolor"], metadata=metadata)
        finally:
            for t, effects in zip(texts, before):
                t.set_path_effects(effects)
        return buffer.getvalue()

    def png(self, dpi: float | None = None) -> bytes:
        """The chart as PNG, at the figure's resolution (110 dpi, for screens) or ``dpi``."""
        return self._save("png", dpi)

    def svg(self) -> str:
        """The chart as SVG, every glyph drawn as a path (it looks the same without the fonts)."""
        return self._save("svg").decode("utf-8")

    def pdf(self) -> bytes:
        """The chart as PDF, every glyph drawn as a path (it opens in any viewer, no font needed)."""
        return self._save("pdf")

    def savefig(self, *args, **kwargs):
        """``Figure.savefig`` in the project style (for a chart saved by hand)."""
        with chart_style(self.lang):
            return self.figure.savefig(*args, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        formats, dpi = protocol.figure_request()
        data = {"image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": self.alt}
        metadata = {protocol.KEY: self.meta}
        if "svg" in formats:
            data[protocol.FIGURE_MIME["svg"]] = self.svg()
        if "pdf" in formats:
            data[protocol.FIGURE_MIME["pdf"]] = base64.b64encode(self.pdf()).decode("ascii")
        if dpi:
            data[protocol.FIGURE_MIME["print_png"]] = base64.b64encode(self.png(dpi)).decode("ascii")
            metadata[protocol.FIGURE_MIME["print_png"]] = {"dpi": dpi}
        return data, metadata

    def __repr__(self) -> str:
        return f"<Chart {self.alt}>"


def declare(figure: Figure, lang: str, *, kind: str, title, names, values, texts, ids=None, bounds=None,
            hrefs=None, units=None, unit: str = "") -> Chart:
    """A Figure drawn in a cell, declared: the series it draws (names and texts as written on it,
    values as drawn). A series the figure does not draw is refused."""
    return Chart(figure, lang, kind, title, _series(names, values, texts, lang, ids, bounds, hrefs, units, unit),
                 unit=unit)


# ---------------------------------------------------------------- bars and dots

def _marked(ax, series: list[dict], ypos: list[float], colors: list, lang: str, reach, offset: float = 3):
    """Each value's label, and for a bound an arrow from the value towards where the quantity may
    lie: past the end of a lower bound (it may be larger), back from an upper bound (smaller).
    ``reach(value, bound)`` is where the arrow ends; a lower bound's label follows its arrow."""
    for s, y, color in zip(series, ypos, colors):
        end = s["value"]
        if s["bound"] != "exact":
            tip = reach(s["value"], s["bound"])
            ax.annotate("", xy=(tip, y), xytext=(s["value"], y),
                        arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 1.2, "linestyle": "--",
                                    "shrinkA": 0, "shrinkB": 0})
            end = max(end, tip)
        right = end >= 0
        ax.annotate(escape_mathtext(s["text"][lang]), xy=(end, y), xytext=(offset if right else -offset, 0),
                    textcoords="offset points", va="center", ha="left" if right else "right")


def bars(names: list[str], values: list[float], texts: list[str], lang: str, *, title, xlabel: str = "",
         colors: list[str] | None = None, reference_line: float | None = None, ids: list[str | None] | None = None,
         bounds: list[str] | None = None, hrefs: list[str | None] | None = None, units: list[str] | None = None,
         unit: str = "") -> Chart:
    """A horizontal bar per value, first item on top, each bar labelled with its text.

    Names, texts and the title may be :func:`~guilin_analysis.notebook.pick` words (declared in
    both languages). ``reference_line`` draws a dashed vertical line (100 for full coverage);
    ``bounds`` (``exact``/``lower``/``upper`` per bar) draws a bound as a bound; ``ids`` and
    ``hrefs`` say which data each bar shows and where its provenance is."""
    check_lang(lang)
    if colors is not None and not isinstance(colors, str) and len(colors) != len(values):
        raise ValueError(f"{len(colors)} colours for {len(values)} bars: give one colour per bar, "
                         "or a dict of colours by id to figure_bars")
    series = _series(names, values, texts, lang, ids, bounds, hrefs, units, unit)
    shown = [_wrap(escape_mathtext(s["name"][lang]), lang) for s in series]
    colors = [colors] * len(series) if isinstance(colors, str) else (colors or [PALETTE[0]] * len(series))
    lines = sum(n.count("\n") + 1 for n in shown)
    values = [s["value"] for s in series]
    with chart_style(lang):
        fig = Figure(figsize=(8, 0.22 * lines + 0.28 * len(shown) + 1.3))
        ax = fig.subplots()
        ypos = list(range(len(shown)))[::-1]
        drawn = ax.barh(ypos, values, color=colors)
        for bar, s, color in zip(drawn, series, colors):
            if s["bound"] != "exact":           # a bound: hatched, a lighter fill, its edge in the colour
                bar.set_facecolor(to_rgba(color, 0.3))
                bar.set_edgecolor(color)
                bar.set_hatch("///")
        ax.set_yticks(ypos, shown)
        ax.set_title(escape_mathtext(title))
        ax.set_xlabel(escape_mathtext(xlabel))
        ax.xaxis.set_major_formatter(axis_formatter(values, lang))
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        top = max([*values, reference_line or 0])
        extent = 0.08 * top if top > 0 else 0.08
        bounded = any(s["bound"] == "lower" for s in series)
        ax.set_xlim(0, (top * 1.35 + (extent if bounded else 0)) if top > 0 else 1)
        if reference_line is not None:
            ax.axvline(reference_line, color=BENCHMARK, linewidth=1, linestyle="--")
        _marked(ax, series, ypos, colors, lang, lambda v, bound: v + extent if bound == "lower" else v - extent)
        fig.tight_layout()
    return Chart(fig, lang, "bar", title, series, unit=unit)


def dots(names: list[str], values: list[float], texts: list[str], lang: str, *, title, xlabel: str = "",
         color: str | None = None, log: bool = False, ids: list[str | None] | None = None,
         bounds: list[str] | None = None, hrefs: list[str | None] | None = None, units: list[str] | None = None,
         unit: str = "") -> Chart:
    """A dot per value, first item on top, each labelled with its text; ``log=True`` sets the
    values on a logarithmic scale (counts of very different sizes)."""
    check_lang(lang)
    series = _series(names, values, texts, lang, ids, bounds, hrefs, units, unit)
    values = [s["value"] for s in series]
    if log and min(values) <= 0:
        raise ValueError("a logarithmic scale needs values above zero")
    color = color or PALETTE[0]
    with chart_style(lang):
        fig = Figure(figsize=(8, 0.5 * len(series) + 0.9))
        ax = fig.subplots()
        ypos = list(range(len(series)))[::-1]
        ax.scatter(values, ypos, s=80, color=color, zorder=3)
        ax.set_yticks(ypos, [_wrap(escape_mathtext(s["name"][lang]), lang) for s in series])
        ax.set_title(escape_mathtext(title))
        ax.set_xlabel(escape_mathtext(xlabel))
        ax.set_ylim(-0.6, len(series) - 0.4)
        if log:
            ax.set_xscale("log")
            ax.set_xlim(min(values) / 3, max(values) * 10)
        else:
            ax.set_xlim(0, _top(values) * 1.35 or 1)
        ax.grid(axis="y", visible=False)
        step = 0.08 * _top(values)
        _marked(ax, series, ypos, [color] * len(series), lang, offset=8,
                reach=lambda v, bound: (v * 2 if bound == "lower" else v / 2) if log
                else (v + step if bound == "lower" else v - step))
        fig.tight_layout()
    return Chart(fig, lang, "dot", title, series, unit=unit)


def _figure_series(facts: Facts, ids: list[str], lang: str, names: dict | None, per: float | None,
                   decimals: int, unit: str) -> dict:
    """Names, values, texts, bounds, links and units of ids, for :func:`bars` and :func:`dots`."""
    out = {key: [] for key in ("names", "values", "texts", "bounds", "hrefs", "units")}
    for i in ids:
        kind = facts.kind(i)
        item = {code: facts.item(i, code, decimals) for code in _LANGS}
        bound = bound_of(facts, i)
        given = (names or {}).get(i)
        out["names"].append(given if given is not None else Pick(item[lang][0], item["zh"][0], item["en"][0]))
        texts = {code: item[code][2] for code in _LANGS}   # Facts.item marks a bound: ≥27.2%
        out["texts"].append(Pick(texts[lang], texts["zh"], texts["en"]))
        value, row_unit = item[lang][1], _unit_of(facts, i)
        if per is not None:
            value, row_unit = value * _multiplier(facts, i) / per, unit
        out["values"].append(value)
        out["units"].append(row_unit)
        out["bounds"].append(bound)
        out["hrefs"].append(href(facts, i))
    return out


def _unit_of(facts: Facts, item_id: str) -> str:
    kind = facts.kind(item_id)
    frame = {"indicator": facts.table, "metric": facts.metrics, "reference": facts.reference}[kind]
    return str(frame.loc[item_id, "unit"])


def _multiplier(facts: Facts, item_id: str) -> float:
    """What one unit of the figure as printed is in base units (万元 -> 10,000); a derived metric is
    computed in base units already."""
    kind = facts.kind(item_id)
    if kind == "metric":
        return 1.0
    resource, frame = (INDICATORS, facts.table) if kind == "indicator" else (REFERENCE, facts.reference)
    return float(facts.units[resource][frame.loc[item_id, "unit"]]["multiplier"])


def bound_of(facts: Facts, item_id: str) -> str:
    """Whether a figure is exact, a lower or an upper bound: a derived metric's ``bound`` column
    (``metric-definitions.csv``; exact where the column is absent), an indicator the report gives
    with 以上/超过/余 (``at_least``, ``more_than``) a lower bound. A reference figure is what it says
    (a target of "at least 55%" is a floor to compare with, not a bound on a measurement)."""
    kind = facts.kind(item_id)
    if kind == "metric":
        bound = facts.metrics.loc[item_id, "bound"] if "bound" in facts.metrics.columns else "exact"
        bound = str(bound) if isinstance(bound, str) and bound else "exact"
        if bound not in protocol.BOUNDS:
            raise ValueError(f"metric {item_id}: bound {bound!r} is not one of {', '.join(protocol.BOUNDS)}")
        return bound
    if kind == "indicator" and facts.table.loc[item_id, "qualifier"] in ("at_least", "more_than"):
        return "lower"
    return "exact"


def figure_bars(facts: Facts, ids: list[str], lang: str, *, title, xlabel: str = "",
                names: dict[str, str] | None = None, colors: list[str] | dict[str, str] | None = None,
                per: float | None = None, decimals: int = 1, reference_line: float | None = None,
                unit: str = "") -> Chart:
    """Bars of indicators, derived metrics or reference figures, by id, in the order given.

    Names and bar labels come from the data in both languages (``names`` overrides a name by id,
    best with a :func:`~guilin_analysis.notebook.pick`; ``colors`` may be a dict by id, so that
    colours follow their bars when the ids are reordered). Values are as printed in each row's
    unit; ``per`` draws base units divided by it instead (``per=1e4``: all sums in 万元, whatever
    unit each was printed in; ``unit`` then names that unit). Each bar links to its provenance.
    """
    series = _figure_series(facts, ids, lang, names, per, decimals, unit)
    if isinstance(colors, dict):         # colours by id follow the bars when the ids are reordered
        colors = [colors.get(i, PALETTE[0]) for i in ids]
    return bars(series["names"], series["values"], series["texts"], lang, title=title, xlabel=xlabel, colors=colors,
                reference_line=reference_line, ids=list(ids), bounds=series["bounds"], hrefs=series["hrefs"],
                units=series["units"], unit=unit or (series["units"][0] if len(set(series["units"])) == 1 else ""))


def figure_dots(facts: Facts, ids: list[str], lang: str, *, title, xlabel: str = "",
                names: dict[str, str] | None = None, color: str | None = None, per: float | None = None,
                log: bool = False, decimals: int = 1, unit: str = "") -> Chart:
    """A dot per indicator, derived metric or reference figure, by id (see :func:`figure_bars`);
    ``per=1`` draws base units (110.14万人 as 1,101,400), ``log=True`` a logarithmic scale."""
    series = _figure_series(facts, ids, lang, names, per, decimals, unit)
    return dots(series["names"], series["values"], series["texts"], lang, title=title, xlabel=xlabel, color=color,
                log=log, ids=list(ids), bounds=series["bounds"], hrefs=series["hrefs"], units=series["units"],
                unit=unit or (series["units"][0] if len(set(series["units"])) == 1 else ""))


def target_comparison(facts: Facts, pairs: list[tuple[str, str]], lang: str, *, title,
                      xlabel: str = "%", printed: str | None = None, names: dict[str, str] | None = None) -> Chart:
    """Each share (a derived metric) directly above the benchmark it is compared with.

    ``pairs`` are ``(metric_id, reference_figure_id)``; each pair must have the same ratio key
    (numerator / denominator), so that no bar is set beside a benchmark of another definition.
    ``printed`` adds the report's own printed figure as the first bar.
    """
    for share, target in pairs:
        left, right = facts.metrics.loc[share, "ratio"], facts.reference.loc[target, "ratio"]
        if not left or left != right:
            raise ValueError(f"{share} ({left or 'no ratio'}) and {target} ({right or 'no ratio'}) are not "
                             "shares of the same definition: compare like with like")
    ids = ([printed] if printed else []) + [i for pair in pairs for i in pair]
    colors = ([PALETTE[0]] if printed else []) + [c for k, _ in enumerate(pairs)
                                                  for c in (PALETTE[(2, 5, 1, 3)[k % 4]], BENCHMARK)]
    return figure_bars(facts, ids, lang, title=title, xlabel=xlabel, names=names, colors=colors)


def status_counts(checks: pd.DataFrame, lang: str, *, title, xlabel: str = "") -> Chart:
    """How many checks of an audit came out in each status, in the order of STATUSES."""
    counts = checks["status"].value_counts().reindex(STATUSES, fill_value=0)
    names = [Pick(label(f"audit_{s}", lang), label(f"audit_{s}", "zh"), label(f"audit_{s}", "en")) for s in STATUSES]
    return bars(names, counts.tolist(), [str(n) for n in counts], lang, title=title, xlabel=xlabel,
                colors=[PALETTE[2], PALETTE[5], PALETTE[1], PALETTE[7]])
