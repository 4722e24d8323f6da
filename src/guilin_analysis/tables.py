"""Tables for readers: the tidy frames with translated headers and formatted figures.

In: frames from :mod:`~guilin_analysis.data`, :mod:`~guilin_analysis.metrics` and
:mod:`~guilin_analysis.audit`, and ``lang``. Out: small DataFrames ready to display, every
header from :mod:`~guilin_analysis.labels`. The English tables carry no Chinese text except
beside a translated proper name (the quotes stay in the data package).
"""
from __future__ import annotations

import hashlib

import pandas as pd

from .labels import label
from .formatting import format_metric, period_text
from .data import unit_labels
from .lookup import Facts, bounded, figure_text, format_figure

#: The kinds of period, in the order a reader meets them: one year, a change, totals, stocks.
PERIOD_TYPES = ("year", "change", "since", "cumulative", "stock", "unstated")


def _rows_of(source, data_dir=None) -> tuple[pd.DataFrame, set[str]]:
    """The indicator rows of a :class:`~guilin_analysis.lookup.Facts` (or a frame of them) and
    the ids whose year is inferred (read from the text gaps of ``data_dir`` for a frame)."""
    if isinstance(source, Facts):
        return source.table.reset_index(), source.inferred
    facts = Facts(data_dir)
    return source, {i for i in facts.inferred if i in set(source["indicator_id"])}


def indicators(indicators, lang: str = "zh", section: str | None = None,
               ids: list[str] | None = None, data_dir=None) -> pd.DataFrame:
    """The report's figures of a section (or by id): name, figure as printed, period (a year
    the analysis infers reads 2022（推定） / 2022 (inferred)), and (zh) the verbatim quote.
    ``indicators`` is a :class:`~guilin_analysis.lookup.Facts` or a frame of indicator rows.
    Notes stay in the data package: they quote Chinese terms."""
    rows, inferred = _rows_of(indicators, data_dir)
    if section is not None:
        rows = rows[rows["section"] == section]
    if ids is not None:
        rows = rows.set_index("indicator_id").loc[ids].reset_index()
    name = "name_zh" if lang == "zh" else "name_en"
    frame = pd.DataFrame({
        label("name", lang): rows[name].to_numpy(),
        label("figure", lang): [figure_text(r, lang) for _, r in rows.iterrows()],
        label("period", lang): [period_text(t, p, lang, inferred=i in inferred)
                                for i, t, p in zip(rows["indicator_id"], rows["period_type"], rows["period"])],
    })
    if lang == "zh":
        frame[label("quote", lang)] = rows["quote"].to_numpy()
    return frame


def by_period(facts: Facts, lang: str = "zh") -> pd.DataFrame:
    """Every figure of the report by the kind of its period (:data:`PERIOD_TYPES`): which are for
    one year, which are changes, which are totals since a year or with no start, which are
    counts at a point in time, and which have no period; within a kind, in the report's order."""
    rows = facts.table.reset_index()
    order = {t: n for n, t in enumerate(PERIOD_TYPES)}
    rows = rows.assign(_kind=rows["period_type"].map(order)).sort_values("_kind", kind="stable")
    name = "name_zh" if lang == "zh" else "name_en"
    return pd.DataFrame({
        label("period_type", lang): [label(f"period_type_{t}", lang) for t in rows["period_type"]],
        label("name", lang): rows[name].to_numpy(),
        label("figure", lang): [figure_text(r, lang) for _, r in rows.iterrows()],
        label("period", lang): [facts.period(i, lang) for i in rows["indicator_id"]],
    })


def metrics(derived: pd.DataFrame, ids: list[str], lang: str = "zh", decimals: int = 1,
            data_dir=None) -> pd.DataFrame:
    """Derived metrics by id: name, value with unit (labels from the data package; a bound
    marked ≥ or ≤), formula and caveat in ``lang``."""
    rows = derived.set_index("metric_id").loc[ids]
    units = unit_labels("metric-definitions", data_dir)
    bounds = rows["bound"] if "bound" in rows else pd.Series("exact", index=rows.index)
    frame = pd.DataFrame({
        label("name", lang): rows["name_zh" if lang == "zh" else "name_en"].to_numpy(),
        label("value", lang): [bounded(format_metric(v, u, lang, decimals, labels=units[u]), b)
                               for v, u, b in zip(rows["value"], rows["unit"], bounds)],
        label("formula", lang): rows["formula"].to_numpy(),
        label("caveat", lang): rows["caveat_zh" if lang == "zh" else "caveat_en"].to_numpy(),
    })
    return frame


def show(frame: pd.DataFrame):
    """A table for reading in a notebook or report page: every cell in full, no row numbers,
    left-aligned, and text escaped (a note holding markup shows as text, never runs)."""
    styler = (frame.style.hide(axis="index").format(escape="html")
              .set_properties(**{"text-align": "left", "vertical-align": "top"})
              .set_table_styles([{"selector": "th", "props": "text-align: left;"}]))
    # a stable id, so the committed outputs do not change from run to run
    return styler.set_uuid(hashlib.sha256(frame.to_csv().encode()).hexdigest()[:12])


def checks(audit: pd.DataFrame, lang: str = "zh", status: str | None = None) -> pd.DataFrame:
    """Audit checks (optionally of one status): status in ``lang`` and the explanation."""
    rows = audit if status is None else audit[audit["status"] == status]
    return pd.DataFrame({
        label("status", lang): [label(f"audit_{s}", lang) for s in rows["status"]],
        label("explanation", lang): rows["explanation_zh" if lang == "zh" else "explanation_en"].to_numpy(),
        label("indicator_id", lang): rows["indicator_ids"].to_numpy(),
    })


def references(reference: pd.DataFrame, ids: list[str], lang: str = "zh") -> pd.DataFrame:
    """Reference figures by id with their citation."""
    rows = reference.set_index("figure_id").loc[ids]
    return pd.DataFrame({
        label("name", lang): rows["name_zh" if lang == "zh" else "name_en"].to_numpy(),
        label("value", lang): [("不低于" + format_figure(v, u, lang, resource="reference-figures")) if lang == "zh" and q == "at_least"
                               else format_figure(v, u, lang, q, resource="reference-figures")     # the plans' 不低于30%
                               for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"])],
        label("period", lang): rows["period"].to_numpy(),
        label("source", lang): rows["source_zh" if lang == "zh" else "source"].to_numpy(),
    })
