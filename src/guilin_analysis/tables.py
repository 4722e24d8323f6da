"""Tables for readers: the tidy frames with translated headers and formatted figures.

In: frames from :mod:`~guilin_analysis.data`, :mod:`~guilin_analysis.metrics` and
:mod:`~guilin_analysis.audit`, and ``lang``. Out: small DataFrames ready to display, every
header from :mod:`~guilin_analysis.labels`, each remembering which of its cells shows which id
(``frame.attrs``). :func:`show` displays one as a styled table and declares, by the display
protocol (:mod:`guilin_report.protocol`), its columns, its cells as displayed and their links:
an indicator's figure to its quote (``source.html#<id>``), a reference figure to its citation
(``data.html#ref-<id>``), a metric to its row (``data.html#metric-<id>``), the ids of an audit
check to their quotes. The English tables carry no Chinese text except beside a translated
proper name (the quotes stay in the data package).
"""
from __future__ import annotations

import hashlib
import math
import re

import pandas as pd

from guilin_report import protocol

from .labels import label
from .formatting import format_metric, period_text
from .data import unit_labels
from .lookup import Facts, bounded, figure_text, format_figure

#: The kinds of period, in the order a reader meets them: one year, a change, totals, stocks.
PERIOD_TYPES = ("year", "change", "since", "cumulative", "stock", "unstated")
from .notebook import ids_shown

#: Where a frame keeps what its cells show: ``[(row label, column, id, href, the row's cells, part | None)]``.
LINKS_ATTR = "guilin_report_links"


def _linked(frame: pd.DataFrame, column, ids: list[str], href_of) -> pd.DataFrame:
    """Note in ``frame.attrs`` that the cell of ``column`` in each row shows that row's id."""
    frame.attrs[LINKS_ATTR] = [(index, column, i, href_of(i), _row(frame, index), None)
                               for index, i in zip(frame.index, ids)]
    return frame


def _row(frame: pd.DataFrame, index) -> tuple[str, ...]:
    return tuple(_cell(v) for v in frame.loc[index])


def _rows_of(source, data_dir=None) -> tuple[pd.DataFrame, set[str]]:
    """The indicator rows of a :class:`~guilin_analysis.lookup.Facts` (or a frame of them) and
    the ids whose year is inferred (``Facts.inferred``: derived from the report text of ``data_dir``)."""
    if isinstance(source, Facts):
        return source.table.reset_index(), source.inferred
    facts = Facts(data_dir)
    return source, {i for i in facts.inferred if i in set(source["indicator_id"])}


def indicators(indicators, lang: str = "zh", section: str | None = None,
               ids: list[str] | None = None, data_dir=None) -> pd.DataFrame:
    """The report's figures of a section (or by id): name, figure as printed, period (a year
    the analysis infers reads 2022年（推定） / 2022 (inferred)), and (zh) the verbatim quote.
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
    return _linked(frame, label("figure", lang), list(rows["indicator_id"]), lambda i: f"source.html#{i}")


def by_period(facts: Facts, lang: str = "zh") -> pd.DataFrame:
    """Every figure of the report by the kind of its period (:data:`PERIOD_TYPES`): which are for
    one year, which are changes, which are totals since a year or with no start, which are
    counts at a point in time, and which have no period; within a kind, in the report's order."""
    rows = facts.table.reset_index()
    order = {t: n for n, t in enumerate(PERIOD_TYPES)}
    rows = rows.assign(_kind=rows["period_type"].map(order)).sort_values("_kind", kind="stable")
    name = "name_zh" if lang == "zh" else "name_en"
    frame = pd.DataFrame({
        label("period_type", lang): [label(f"period_type_{t}", lang) for t in rows["period_type"]],
        label("name", lang): rows[name].to_numpy(),
        label("figure", lang): [figure_text(r, lang) for _, r in rows.iterrows()],
        label("period", lang): [facts.period(i, lang) for i in rows["indicator_id"]],
    })
    return _linked(frame, label("figure", lang), list(rows["indicator_id"]), lambda i: f"source.html#{i}")


def metrics(derived: pd.DataFrame, ids: list[str], lang: str = "zh", decimals: int = 1,
            data_dir=None) -> pd.DataFrame:
    """Derived metrics by id: name, value with unit (labels from the data package; a bound
    marked ≥ or ≤), formula and caveat in ``lang``."""
    rows = derived.set_index("metric_id").loc[ids]
    units = unit_labels("metric-definitions", data_dir)
    names = _names(data_dir, lang)                      # read once for every formula of the table
    bounds = rows["bound"] if "bound" in rows else pd.Series("exact", index=rows.index)
    frame = pd.DataFrame({
        label("name", lang): rows["name_zh" if lang == "zh" else "name_en"].to_numpy(),
        label("value", lang): [bounded(format_metric(v, u, lang, decimals, labels=units[u]), b)
                               for v, u, b in zip(rows["value"], rows["unit"], bounds)],
        label("formula", lang): [formula_in_words(f, lang, names=names) for f in rows["formula"]],
        label("caveat", lang): rows["caveat_zh" if lang == "zh" else "caveat_en"].to_numpy(),
    })
    return _linked(frame, label("value", lang), list(ids), lambda i: f"data.html#metric-{i}")


_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
#: The division counts a formula may use, in words.
_COUNTS = {"divisions.townships": {"zh": "乡镇（街道）数", "en": "townships, towns and sub-districts"},
           "divisions.township_rows": {"zh": "乡镇级区划行数（含管委会）", "en": "township-level rows"},
           "divisions.streets": {"zh": "街道数", "en": "sub-districts"},
           "divisions.towns_and_townships": {"zh": "镇和乡数", "en": "towns and townships"}}


def formula_in_words(formula: str, lang: str, data_dir=None, names: dict[str, str] | None = None) -> str:
    """A metric's formula for a reader: every id replaced by its name in ``lang`` (the ids stay
    in the data page and the downloads): ``养老机构床位数 × 100 / …``. ``names`` (id -> name)
    saves reading the package again for each formula."""
    names = _names(data_dir, lang) if names is None else names
    return _ID.sub(lambda m: f"［{names[m.group(0)]}］" if lang == "zh" and m.group(0) in names
                   else f"[{names[m.group(0)]}]" if m.group(0) in names else m.group(0), str(formula))


def _names(data_dir, lang: str) -> dict[str, str]:
    from .data import load_indicators, load_reference

    column = "name_zh" if lang == "zh" else "name_en"
    found = {i: c[lang] for i, c in _COUNTS.items()}
    for frame, key in ((load_indicators(data_dir), "indicator_id"), (load_reference("reference-figures", data_dir), "figure_id"),
                       (load_reference("metric-definitions", data_dir), "metric_id")):
        found.update(dict(zip(frame[key], frame[column])))
    return found


def _cell(value) -> str:
    """A cell as the table displays it: text as it is, a missing value empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


class Table:
    """A table for reading that declares what it shows (what :func:`show` returns).

    Displays as the styled HTML (``.styler``, a pandas Styler) in JupyterLab; its output's
    metadata holds ``{"kind": "table", "columns", "rows", "links", "ids"}``."""

    def __init__(self, styler, meta: dict):
        self.styler, self.meta = styler, meta

    def to_html(self, **kwargs) -> str:
        return self.styler.to_html(**kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None):
        plain = "\n".join("  ".join(row) for row in [self.meta["columns"], *self.meta["rows"]])
        return {"text/html": self.styler.to_html(), "text/plain": plain}, {protocol.KEY: self.meta}


def show(frame: pd.DataFrame, links: list[tuple] | None = None, ids: list[str] = ()) -> Table:
    """A table for reading in a notebook or report page: every cell in full, no row numbers,
    left-aligned, and text escaped (a note holding markup shows as text, never runs).

    The links are those the frame's builder noted (:func:`indicators`, :func:`metrics`,
    :func:`checks`, :func:`references`), kept only where the cell still holds the text it had,
    so a filtered or reordered frame never links a cell to another row's id; ``links`` adds
    ``(row position, column position, href)`` for a frame made in a cell."""
    shown = frame.astype(object).map(_cell) if len(frame.columns) else frame
    styler = (shown.style.hide(axis="index").format(escape="html")
              .set_properties(**{"text-align": "left", "vertical-align": "top"})
              .set_table_styles([{"selector": "th", "props": "text-align: left;"}]))
    # a stable id, so the committed outputs do not change from run to run
    styler = styler.set_uuid(hashlib.sha256(frame.to_csv().encode()).hexdigest()[:12])
    rows = [list(r) for r in shown.itertuples(index=False, name=None)]
    declared, noted = [], []
    if frame.index.is_unique:
        positions = {index: n for n, index in enumerate(frame.index)}
        columns = {column: n for n, column in enumerate(frame.columns)} if frame.columns.is_unique else {}
        for index, column, ident, href, row, part in frame.attrs.get(LINKS_ATTR, []):
            # the row must still be the one the link was made for: the same label and the same cells
            if index in positions and column in columns and tuple(rows[positions[index]]) == tuple(row):
                declared.append([positions[index], columns[column], href, *([part] if part else [])])
                noted.append(ident)
    declared += [list(link) for link in links or []]
    meta = {"kind": "table", "columns": [str(c) for c in frame.columns], "rows": rows, "links": declared,
            "ids": ids_shown(noted, ids)}
    return Table(styler, meta)


def checks(audit: pd.DataFrame, lang: str = "zh", status: str | None = None) -> pd.DataFrame:
    """Audit checks (optionally of one status): status in ``lang`` and the explanation."""
    rows = audit if status is None else audit[audit["status"] == status]
    column = label("indicator_id", lang)
    frame = pd.DataFrame({
        label("status", lang): [label(f"audit_{s}", lang) for s in rows["status"]],
        label("explanation", lang): rows["explanation_zh" if lang == "zh" else "explanation_en"].to_numpy(),
        column: rows["indicator_ids"].to_numpy(),
    })
    links = []
    for index, cell in zip(frame.index, frame[column]):
        for i in [part.strip() for part in str(cell).split(",") if part.strip()]:
            links.append((index, column, i, f"source.html#{i}", _row(frame, index), i))
    frame.attrs[LINKS_ATTR] = links
    return frame


def references(reference: pd.DataFrame, ids: list[str], lang: str = "zh") -> pd.DataFrame:
    """Reference figures by id with their citation."""
    rows = reference.set_index("figure_id").loc[ids]
    frame = pd.DataFrame({
        label("name", lang): rows["name_zh" if lang == "zh" else "name_en"].to_numpy(),
        label("value", lang): [("不低于" + format_figure(v, u, lang, resource="reference-figures")) if lang == "zh" and q == "at_least"
                               else format_figure(v, u, lang, q, resource="reference-figures")     # the plans' 不低于30%
                               for v, u, q in zip(rows["value"], rows["unit"], rows["qualifier"])],
        label("period", lang): rows["period"].to_numpy(),
        label("source", lang): rows["source_zh" if lang == "zh" else "source"].to_numpy(),
    })
    return _linked(frame, label("value", lang), list(ids), lambda i: f"data.html#ref-{i}")
