"""Generic charts in the project style: what to plot and its title come from the notebook.

In: a :class:`~guilin_analysis.lookup.Facts` (or an audit frame), the ids to draw, ``lang`` and
the words, which the notebook chooses (``title=pick(lang, zh=…, en=…)``). Out: a matplotlib
Figure drawn in :mod:`~guilin_analysis.style` (Noto Sans CJK SC for Chinese, DejaVu Sans for
Latin, the Okabe–Ito palette). Nothing is shown or saved here: the notebook displays the
Figure, a test inspects it. Names from the data are escaped for matplotlib, where ``$``
starts math.

* :func:`bars`: a horizontal bar per value, labelled, first on top;
* :func:`figure_bars`: bars of chosen indicators, derived metrics or reference figures, by id;
* :func:`target_comparison`: shares each drawn directly above the benchmark of the same
  definition (the ratio keys must agree, or the chart is refused);
* :func:`status_counts`: how many audit checks came out in each status.
"""
from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter, StrMethodFormatter

from .consistency import STATUSES
from .formatting import check_lang, escape_mathtext
from .labels import label
from .lookup import Facts
from .style import PALETTE, chart_style

#: Colour of a benchmark or target bar.
BENCHMARK = PALETTE[6]


def _wrap(name: str, lang: str) -> str:
    """Break a long category name over lines (14 characters a line in Chinese, 28 in English)."""
    return "\n".join(textwrap.wrap(name, 14 if lang == "zh" else 28)) or name


def _top(values: list[float]) -> float:
    return max([abs(v) for v in values] or [0])


def bars(names: list[str], values: list[float], texts: list[str], lang: str, *, title: str,
         xlabel: str = "", colors: list[str] | None = None, reference_line: float | None = None) -> Figure:
    """A horizontal bar per value, first item on top, each bar labelled with its text.

    ``reference_line`` draws a dashed vertical line (100 for full coverage)."""
    check_lang(lang)
    if colors is not None and not isinstance(colors, str) and len(colors) != len(values):
        raise ValueError(f"{len(colors)} colours for {len(values)} bars: give one colour per bar, "
                         "or a dict of colours by id to figure_bars")
    names = [_wrap(escape_mathtext(n), lang) for n in names]
    lines = sum(n.count("\n") + 1 for n in names)
    with chart_style(lang):
        fig = Figure(figsize=(8, 0.22 * lines + 0.28 * len(names) + 1.3))
        ax = fig.subplots()
        ypos = list(range(len(names)))[::-1]
        drawn = ax.barh(ypos, values, color=colors or PALETTE[0])
        ax.set_yticks(ypos, names)
        ax.bar_label(drawn, labels=[escape_mathtext(t) for t in texts], padding=3)
        ax.set_title(escape_mathtext(title))
        ax.set_xlabel(escape_mathtext(xlabel))
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}") if _top(values) >= 1000 else ScalarFormatter())
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", visible=True)
        top = max([*values, reference_line or 0])
        ax.set_xlim(0, top * 1.35 if top > 0 else 1)
        if reference_line is not None:
            ax.axvline(reference_line, color=BENCHMARK, linewidth=1, linestyle="--")
        fig.tight_layout()
    return fig


def figure_bars(facts: Facts, ids: list[str], lang: str, *, title: str, xlabel: str = "",
                names: dict[str, str] | None = None, colors: list[str] | dict[str, str] | None = None,
                per: float | None = None, decimals: int = 1, reference_line: float | None = None) -> Figure:
    """Bars of indicators, derived metrics or reference figures, by id, in the order given.

    Names and bar labels come from the data (``names`` overrides a name by id; ``colors`` may be a
    dict by id, so that colours follow their bars when the ids are reordered). Values are as
    printed in each row's unit; ``per`` draws base units divided by it instead (``per=1e4``: all
    sums in 万元, whatever unit each was printed in).
    """
    items = [facts.item(i, lang, decimals) for i in ids]
    values = [v for _, v, _ in items]
    if per is not None:
        values = [facts.base_value(i) / per for i in ids]
    shown = [(names or {}).get(i, name) for i, (name, _, _) in zip(ids, items)]
    if isinstance(colors, dict):         # colours by id follow the bars when the ids are reordered
        colors = [colors.get(i, PALETTE[0]) for i in ids]
    return bars(shown, values, [t for _, _, t in items], lang, title=title, xlabel=xlabel, colors=colors,
                reference_line=reference_line)


def target_comparison(facts: Facts, pairs: list[tuple[str, str]], lang: str, *, title: str,
                      xlabel: str = "%", printed: str | None = None, names: dict[str, str] | None = None) -> Figure:
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


def status_counts(checks: pd.DataFrame, lang: str, *, title: str, xlabel: str = "") -> Figure:
    """How many checks of an audit came out in each status, in the order of STATUSES."""
    counts = checks["status"].value_counts().reindex(STATUSES, fill_value=0)
    return bars([label(f"audit_{s}", lang) for s in STATUSES], counts.tolist(), [str(n) for n in counts], lang,
                title=title, xlabel=xlabel, colors=[PALETTE[2], PALETTE[5], PALETTE[1], PALETTE[7]])

