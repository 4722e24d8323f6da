"""Derived metrics: what the report's figures imply, evaluated from their definitions.

In: a data package. The definitions are data (``metrics/metric-definitions.csv``: id, names,
formula, unit, ratio key, caveats in both languages). Out: :func:`derived_metrics`, a
DataFrame with ``metric_id``, ``name_zh``, ``name_en``, ``value``, ``unit``, ``formula``,
``inputs`` (the ids used, comma-separated), ``ratio``, ``caveat_en`` and ``caveat_zh``.

Each formula is both the documentation and the computation: it is evaluated as written,
over values converted to base units (persons, yuan, beds; 110.14 万人 is 1,101,400). Names are
indicator ids (``eldercare.beds.total``), reference figure ids (``population.guilin.resident``)
or counts from the division tables (``divisions.townships``: rows named 镇, 乡 or 街道, which
leaves out the management committee row; ``divisions.township_rows``: all rows).
Where a figure can be read two ways, both readings are computed as separate metrics and the
caveat says so.

Like for like: a share carries a ratio key (``beds.nursing / beds.institutional``), in the
definitions and in the reference figures. A formula that combines two shares (a gap to a
target) must combine shares of the same key; :func:`derived_metrics` refuses any other.
Benchmarks are cited in ``data/reference/reference-figures.csv``: the 14th Five-Year Plan's 55 %
of beds in eldercare institutions by 2025 (国发〔2021〕35号), the 13th plan's 30 % of all local
eldercare beds by 2020 (国发〔2017〕13号), national bed totals (《2022年度国家老龄事业发展公报》),
census populations (7th national census, 2020).
"""
from __future__ import annotations

import ast
import operator
import os
import re

import pandas as pd

from .data import INDICATORS, load_indicators, load_reference, unit_labels
from .scenario import bounds, check_overrides

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


def base_values(data_dir: str | os.PathLike | None = None, overrides: dict | None = None) -> dict[str, float]:
    """Every indicator and reference figure in base units, and the division counts.

    ``overrides`` is a what-if scenario (:mod:`~guilin_analysis.scenario`): ``{id: value}``, each
    value in the unit its figure is printed in, checked (and refused in one sentence) first."""
    values: dict[str, float] = {}
    multipliers: dict[str, float] = {}
    limits: dict[str, dict] = {}
    for table, resource, key in [(load_indicators(data_dir), INDICATORS, "indicator_id"),
                                 (load_reference("reference-figures", data_dir), "reference-figures", "figure_id")]:
        labels = unit_labels(resource, data_dir)
        for row in table.itertuples(index=False):
            values[getattr(row, key)] = row.value * labels[row.unit]["multiplier"]
            multipliers[getattr(row, key)] = labels[row.unit]["multiplier"]
            limits[getattr(row, key)] = bounds(labels[row.unit], row._asdict())
    divisions = load_reference("township-divisions", data_dir)
    values["divisions.township_rows"] = float(len(divisions))
    values["divisions.townships"] = float(divisions["name"].str.contains("(?:镇|乡|街道)$").sum())
    limits.update({i: {"minimum": 0} for i in DIVISION_COUNTS})
    for item_id, value in check_overrides(overrides, limits).items():
        values[item_id] = value * multipliers.get(item_id, 1)
    return values


#: The counts of the division table that formulas may use.
DIVISION_COUNTS = ("divisions.townships", "divisions.township_rows")


DEFINITIONS = "metric-definitions"


def derived_metrics(data_dir: str | os.PathLike | None = None, overrides: dict | None = None) -> pd.DataFrame:
    """Every metric of ``metric-definitions``, computed from a data package (see the module
    docstring), in the order of the definitions; under a what-if scenario when ``overrides``
    is given (see :func:`base_values`)."""
    definitions = load_reference(DEFINITIONS, data_dir)
    for metric in definitions[definitions["metric_id"].isin(list(overrides or {}))].itertuples():
        raise ValueError(f"overrides: {metric.metric_id!r} is a derived metric, computed from its formula "
                         f"({metric.formula}): set its inputs instead")
    values = base_values(data_dir, overrides)
    reference = load_reference("reference-figures", data_dir)
    ratios = {**dict(zip(reference["figure_id"], reference["ratio"])),
              **dict(zip(definitions["metric_id"], definitions["ratio"]))}
    rows = []
    for metric in definitions.to_dict("records"):
        value, inputs = _evaluate(metric["formula"], values)
        keys = {ratios[i] for i in inputs if ratios.get(i)}
        if len(keys) > 1:
            raise ValueError(f"metric {metric['metric_id']} combines shares of different definitions "
                             f"({' and '.join(sorted(keys))}): compare like with like")
        values[metric["metric_id"]] = value          # later formulas may use earlier metrics
        rows.append({**metric, "value": value, "inputs": ", ".join(inputs)})
    columns = ["metric_id", "name_zh", "name_en", "value", "unit", "formula", "inputs", "ratio",
               "caveat_en", "caveat_zh"]
    return pd.DataFrame(rows, columns=columns)
