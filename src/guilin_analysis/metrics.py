"""Derived metrics: what the report's figures imply, evaluated from their definitions.

In: a data package. The definitions are data (``metrics/metric-definitions.csv``: id, names,
formula, unit, ratio key, bound, caveats in both languages). Out: :func:`derived_metrics`, a
DataFrame with ``metric_id``, ``name_zh``, ``name_en``, ``value``, ``unit``, ``formula``,
``inputs`` (the ids used, comma-separated), ``ratio``, ``bound``, ``caveat_en`` and ``caveat_zh``.

Bounds are part of a definition: ``bound`` says whether the value is the quantity its name
names (``exact``), or only a value it is at least (``lower``: the 27.2 % of all beds counts only
the nursing-type beds in institutions) or at most (``upper``). A metric computed from a bounded
input (a lower-bound metric, or a figure the report gives as 余/超过/突破/以上) must declare the
bound that input implies, or it is refused; comparisons with a target read the bound through
:mod:`~guilin_analysis.compare`.

Precision: each ``value`` is rounded to what its inputs support. An input printed with
decimals is known to half its last digit (3.5 % is 3.45 % to 3.55 %), an approximate one (约900)
to half its last non-zero digit, an exact count exactly; the formula is evaluated at every
corner of those intervals, and the value is rounded at the first digit the interval leaves
uncertain (32715 / 1.035 is 31,610, not 31,608.69565...); a lower bound is rounded down and an
upper bound up, so that it stays a bound. A value from exact inputs keeps four significant
digits (66.65 %), or stays whole. ``derived_metrics(exact=True)`` gives the
unrounded values that later computations (the audit) use.

Each formula is both the documentation and the computation: it is evaluated as written,
over values converted to base units (persons, yuan, beds; 110.14 万人 is 1,101,400). Names are
indicator ids (``eldercare.beds.total``), reference figure ids (``population.guilin.resident``)
or counts from the division tables (``divisions.townships``: rows named 镇, 乡 or 街道, which
leaves out the management committee row; ``divisions.township_rows``: all rows).
Where a figure can be read two ways, both readings are computed as separate metrics and the
caveat says so.

Same definition: a share carries a ratio key (``beds.nursing / beds.institutional``), in the
definitions and in the reference figures. A formula that combines two shares (a gap to a
target) must combine shares of the same key; :func:`derived_metrics` refuses any other.
Benchmarks are cited in ``data/reference/reference-figures.csv``: the 14th Five-Year Plan's 55 %
of beds in eldercare institutions by 2025 (国发〔2021〕35号), the 13th plan's 30 % of all local
eldercare beds by 2020 (国发〔2017〕13号), national bed totals (《2022年度国家老龄事业发展公报》),
census populations (7th national census, 2020).
"""
from __future__ import annotations

import ast
import itertools
import math
import operator
import os
import re

import pandas as pd

from .data import INDICATORS, load_indicators, load_reference, unit_labels
from .formatting import format_number
from .scenario import bounds as unit_bounds, check_overrides

#: What a metric's value is of the quantity it names (``bound`` in metric-definitions).
BOUNDS = ("exact", "lower", "upper")

_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def _evaluate(formula: str, values: dict[str, float]) -> tuple[float, list[str]]:
    """Evaluate a formula of ids, numbers, + - × / and parentheses; return (value, ids used)."""
    names: dict[str, str] = {}

    def name_for(match: re.Match) -> str:
        key = match.group(0)
        if key not in values:
            raise KeyError(f"formula {formula!r} uses {key!r}, which is neither an indicator, "
                           "a reference figure nor a derived metric")
        return names.setdefault(key, f"v{len(names)}")

    expression = _ID.sub(name_for, formula.replace("×", "*"))
    lookup = {alias: values[key] for key, alias in names.items()}

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name):
            return lookup[node.id]
        raise ValueError(f"unsupported syntax in formula {formula!r}")

    return walk(ast.parse(expression, mode="eval")), list(names)


#: Division counts a formula may use, by the ending of the division's name (the management
#: committee row ends in none of them).
DIVISION_COUNTS = {"divisions.townships": "(?:镇|乡|街道)$", "divisions.streets": "街道$",
                   "divisions.towns_and_townships": "(?:镇|乡)$"}
#: Every division count a formula may use (the ones above and all rows).
DIVISION_IDS = (*DIVISION_COUNTS, "divisions.township_rows")


def _half_width(value: float, qualifier: str) -> float:
    """How far the true value may lie from a printed one, in printed units: half the last
    printed decimal (3.5 -> 0.05); for an approximate whole number half its last non-zero digit
    (约900 -> 50); an exact count is exact."""
    text = format_number(value, lang="zh").lstrip("-")
    if "." in text:
        return 0.5 * 10 ** -len(text.split(".")[1])
    if qualifier == "approx":
        return 0.5 * 10 ** (len(text) - len(text.rstrip("0")))
    return 0.0


def _inputs(data_dir, overrides: dict | None = None) -> tuple[dict[str, float], dict[str, float], dict[str, str]]:
    """Every indicator and reference figure in base units, with its half-width (see
    :func:`_half_width`) and the bound its qualifier implies (余/超过/以上: lower); and the
    division counts (:data:`DIVISION_COUNTS`, and ``divisions.township_rows``: all rows)."""
    values: dict[str, float] = {}
    halves: dict[str, float] = {}
    bounds: dict[str, str] = {}
    multipliers: dict[str, float] = {}
    limits: dict[str, dict] = {}
    for table, resource, key in [(load_indicators(data_dir), INDICATORS, "indicator_id"),
                                 (load_reference("reference-figures", data_dir), "reference-figures", "figure_id")]:
        labels = unit_labels(resource, data_dir)
        for row in table.itertuples(index=False):
            multiplier = labels[row.unit]["multiplier"]
            ident = getattr(row, key)
            values[ident] = row.value * multiplier
            halves[ident] = _half_width(row.value, row.qualifier) * multiplier
            bounds[ident] = "lower" if row.qualifier in ("more_than", "at_least") and resource == INDICATORS else "exact"
            multipliers[ident] = multiplier
            limits[ident] = unit_bounds(labels[row.unit], row._asdict())
    divisions = load_reference("township-divisions", data_dir)
    values["divisions.township_rows"] = float(len(divisions))
    for ident, pattern in DIVISION_COUNTS.items():
        values[ident] = float(divisions["name"].str.contains(pattern).sum())
    limits.update({i: {"minimum": 0} for i in DIVISION_IDS})
    for ident, value in check_overrides(overrides, limits).items():   # a what-if scenario
        values[ident] = value * multipliers.get(ident, 1)
        halves[ident] = 0.0
    return values, halves, bounds


def base_values(data_dir: str | os.PathLike | None = None, overrides: dict | None = None) -> dict[str, float]:
    """Every indicator and reference figure in base units, and the division counts.

    ``overrides`` is a what-if scenario (:mod:`~guilin_analysis.scenario`): ``{id: value}``, each
    value in the unit its figure is printed in, checked (and refused in one sentence) first."""
    return _inputs(data_dir, overrides)[0]


def _interval(formula: str, values: dict[str, float], halves: dict[str, float], inputs: list[str]) -> tuple[float, float]:
    """The least and greatest value of ``formula`` when each input lies within its half-width."""
    uncertain = [i for i in inputs if halves.get(i)]
    results = []
    for signs in itertools.product((-1, 1), repeat=len(uncertain)):
        shifted = {**values, **{i: values[i] + s * halves[i] for i, s in zip(uncertain, signs)}}
        results.append(_evaluate(formula, shifted)[0])
    return min(results), max(results)


def supported(value: float, low: float, high: float, bound: str = "exact") -> float:
    """``value`` rounded at the first digit that the interval ``[low, high]`` leaves uncertain;
    from exact inputs, four significant digits (or whole). A lower bound is rounded down and an
    upper bound up, so that the rounded value is still a bound; and since a bound already holds
    the uncertainty of its inputs, it is rounded outward no coarser than whole units, the decimals
    the notebooks print it with (31578.2 -> 31578, not 31570; 31623.97 -> 31624)."""
    half = (high - low) / 2
    if not math.isfinite(value) or value == 0:
        return value
    if half > 0:
        place = -math.floor(math.log10(half))
    elif float(value).is_integer():
        return value
    else:
        place = 4 - 1 - math.floor(math.log10(abs(value)))
    if bound == "exact":
        return float(round(value, place))
    place = max(place, 0)
    step = 10.0 ** -place
    cut = math.floor if bound == "lower" else math.ceil
    return float(round(cut(value / step + (1e-9 if bound == "lower" else -1e-9)) * step, max(place, 0)))


def _direction(formula: str, values: dict[str, float], ident: str) -> int:
    """+1 if the formula grows with the input ``ident``, -1 if it shrinks."""
    step = abs(values[ident]) * 1e-6 or 1e-9
    return 1 if _evaluate(formula, {**values, ident: values[ident] + step})[0] > \
        _evaluate(formula, values)[0] else -1


def _implied_bound(formula: str, values: dict[str, float], bounds: dict[str, str], inputs: list[str]) -> str | None:
    """The bound a formula's bounded inputs give it: a lower-bound input that the result grows
    with makes a lower bound, one it shrinks with an upper bound; None when no input is bounded,
    "mixed" when they pull apart."""
    implied = set()
    for i in inputs:
        if bounds.get(i, "exact") == "exact":
            continue
        up = _direction(formula, values, i) > 0
        implied.add({("lower", True): "lower", ("lower", False): "upper",
                     ("upper", True): "upper", ("upper", False): "lower"}[(bounds[i], up)])
    if not implied:
        return None
    return implied.pop() if len(implied) == 1 else "mixed"


DEFINITIONS = "metric-definitions"


COLUMNS = ["metric_id", "name_zh", "name_en", "value", "unit", "formula", "inputs", "ratio", "bound",
           "caveat_en", "caveat_zh"]
_FILE = "metrics/metric-definitions.csv"


def derived_metrics(data_dir: str | os.PathLike | None = None, exact: bool = False,
                    overrides: dict | None = None) -> pd.DataFrame:
    """Every metric of ``metric-definitions``, computed from a data package (see the module
    docstring), in the order of the definitions; ``value`` rounded to the precision its inputs
    support, unless ``exact``; under a what-if scenario when ``overrides`` is given (see
    :func:`base_values`).

    Refused, with one sentence naming the file, line and column: a formula that sets shares of
    different ratio keys against each other, and a ``bound`` other than the one a bounded input
    implies."""
    definitions = load_reference(DEFINITIONS, data_dir)
    for metric in definitions[definitions["metric_id"].isin(list(overrides or {}))].itertuples():
        raise ValueError(f"overrides: {metric.metric_id!r} is a derived metric, computed from its formula "
                         f"({metric.formula}): set its inputs instead")
    values, halves, bounds = _inputs(data_dir, overrides)
    for metric in definitions[definitions["metric_id"].isin(list(overrides or {}))].itertuples():
        raise ValueError(f"overrides: {metric.metric_id!r} is a derived metric, computed from its formula "
                         f"({metric.formula}): set its inputs instead")
    values = base_values(data_dir, overrides)
    reference = load_reference("reference-figures", data_dir)
    ratios = {**dict(zip(reference["figure_id"], reference["ratio"])),
              **dict(zip(definitions["metric_id"], definitions["ratio"]))}
    rows = []
    for line, metric in enumerate(definitions.to_dict("records"), start=2):
        try:
            value, inputs = _evaluate(metric["formula"], values)
        except KeyError as err:                  # an id the package does not have
            raise KeyError(f"{_FILE}, line {line}, column formula: {err.args[0]}") from None
        keys = {ratios[i] for i in inputs if ratios.get(i)}
        if len(keys) > 1:
            raise ValueError(f"{_FILE}, line {line}, column formula: metric {metric['metric_id']} combines shares "
                             f"of different definitions ({' and '.join(sorted(keys))}): compare like with like")
        bound = metric.get("bound") or "exact"
        implied = _implied_bound(metric["formula"], values, bounds, inputs)
        if implied is not None and implied != bound:
            raise ValueError(f"{_FILE}, line {line}, column bound: metric {metric['metric_id']} is declared "
                             f"{bound!r}, but its bounded inputs make it {implied!r}"
                             f"{'' if implied == 'mixed' else ': a bound can only be phrased as a bound'}")
        low, high = _interval(metric["formula"], values, halves, inputs)
        ident = metric["metric_id"]
        values[ident], bounds[ident] = value, bound            # later formulas may use earlier metrics
        halves[ident] = (high - low) / 2
        rows.append({**metric, "value": value if exact else supported(value, low, high, bound),
                     "inputs": ", ".join(inputs), "bound": bound})
    return pd.DataFrame(rows, columns=COLUMNS)
