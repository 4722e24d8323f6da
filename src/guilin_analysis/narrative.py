"""Words from numbers: format figures for a language and write the report's summaries.

In: the indicator table (and the derived metrics and audit). Out: strings, Markdown.
Nothing here is typed-in prose about a figure: every number in a sentence is read from the
data at call time, so a change to the data package changes the sentence.
"""
from __future__ import annotations

import math
import os

from .data import unit_labels
from .labels import label

#: Figures shown on the report's index page, in this order.
KEY_FIGURES = [
    "eldercare.beds.total",
    "eldercare.beds.nursing",
    "governance.social_work.township_stations",
    "volunteering.registered_volunteers",
    "child_welfare.protection_workstations",
    "social_affairs.lottery.sales",
]


def format_number(value: float, decimals: int | None = None) -> str:
    """32715 -> '32,715'; 922.52 -> '922.52'; 66.654 with decimals=1 -> '66.7'."""
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def format_figure(value: float, unit: str, lang: str, qualifier: str = "exact",
                  data_dir: str | os.PathLike | None = None, decimals: int | None = None) -> str:
    """A figure as a reader of ``lang`` expects it.

    zh keeps the printed unit: ``32,715 张``, ``922.52 万元``, ``约 900 户``, ``66%``.
    en converts to base units with the descriptor's labels: ``32,715 beds``,
    ``9.2252 million yuan`` -> ``9.23 million yuan``, ``about 900 households``, ``66%``.
    """
    if math.isnan(value):
        return "—"
    prefix = label(qualifier, lang)
    if unit == "%":
        text = f"{format_number(value, decimals)}%"
    elif lang == "zh":
        text = f"{format_number(value, decimals)} {unit}"
    else:
        info = unit_labels(data_dir=data_dir)[unit]
        base = value * info["multiplier"]
        if abs(base) >= 1_000_000:
            millions = base / 1_000_000
            text = f"{format_number(round(millions, 2) if decimals is None else millions, decimals)} million {info['en']}"
        else:
            text = f"{format_number(base, decimals)} {info['en']}"
    if not prefix:
        return text
    return f"{prefix}{text}" if lang == "zh" else f"{prefix} {text}"


def figure_text(row, lang: str, data_dir=None) -> str:
    """Format one indicator row (a mapping with value, unit, qualifier)."""
    return format_figure(row["value"], row["unit"], lang, row["qualifier"], data_dir)


def key_figures(lang: str, data_dir: str | os.PathLike | None = None) -> list[tuple[str, str]]:
    """``[(name, formatted figure)]`` for :data:`KEY_FIGURES`, read from the data."""
    from .data import load_indicators

    table = load_indicators(data_dir).set_index("indicator_id")
    name = "name_zh" if lang == "zh" else "name_en"
    return [(table.loc[i, name], figure_text(table.loc[i], lang, data_dir))
            for i in KEY_FIGURES if i in table.index]
