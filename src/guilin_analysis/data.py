"""Load and validate the data package.

In: a data package folder (``data/`` by default; see :mod:`guilin_analysis.paths`) holding
``datapackage.json``, the report text and CSV tables. Out: pandas DataFrames typed as the
descriptor declares, or :class:`DataValidationError` naming file, line and column.

The descriptor is the one place the schema lives: field names, types, required fields,
vocabularies (``enum``), patterns, unique keys and the provenance rule
(``x-provenance``: each quote occurs in the report; each value occurs in its quote).
This module only interprets it. The checks are written here rather than delegated to
Frictionless because a researcher needs the physical line of the file (Frictionless
counts rows) and the package must load in well under 50 ms; ``tests/test_datapackage.py``
runs Frictionless over the same descriptor so that the two readings cannot drift apart.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import DESCRIPTOR_NAME, data_path

if TYPE_CHECKING:  # pandas is imported when a table is built, so validation alone starts fast
    import pandas as pd

INDICATORS = "report-indicators"
REPORT_TEXT = "report-text"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data package, located as precisely as possible."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class DataValidationError(ValueError):
    """Raised by the loaders when the data package is invalid. ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        message = str(self.problems[0])
        if len(self.problems) > 1:
            message += f" ({len(self.problems) - 1} more; `guilin-report check` lists them all)"
        super().__init__(message)


def _shown(path: Path) -> str:
    """A path as a researcher would type it: relative to the working folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- descriptor

@lru_cache(maxsize=16)
def _parse_descriptor(path: str, mtime_ns: int, size: int) -> dict:
    """Parse a descriptor once per version of the file (the stat values are the cache key)."""
    return json.loads(Path(path).read_text(encoding="utf-8-sig"))


def read_descriptor(data_dir: str | os.PathLike | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of ``data_dir``, or raise DataValidationError.

    The dict is shared between calls while the file is unchanged: read it, never modify it.
    """
    path = data_path(data_dir) / DESCRIPTOR_NAME
    if not path.is_file():
        raise DataValidationError([Problem(_shown(path), None, None,
                                           "the data package descriptor is missing; "
                                           "data_dir must point at a folder holding datapackage.json")])
    stat = path.stat()
    try:
        return _parse_descriptor(str(path), stat.st_mtime_ns, stat.st_size)
    except UnicodeDecodeError as err:
        raise DataValidationError([Problem(_shown(path), None, None,
                                           f"the descriptor is not UTF-8 ({err.reason})")]) from None
    except json.JSONDecodeError as err:
        raise DataValidationError([Problem(_shown(path), err.lineno, str(err.colno),
                                           f"the descriptor is not valid JSON: {err.msg}")]) from None


def _resource(descriptor: dict, name: str, file: str) -> dict:
    for res in descriptor.get("resources", []):
        if res.get("name") == name:
            return res
    names = ", ".join(r.get("name", "?") for r in descriptor.get("resources", []))
    raise DataValidationError([Problem(file, None, None,
                                       f"the descriptor declares no resource named {name!r} (it has: {names})")])


def tabular_resources(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the tables the descriptor declares (every resource with a schema)."""
    return [r["name"] for r in read_descriptor(data_dir)["resources"] if "schema" in r]


# ---------------------------------------------------------------- reading files

def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (with or without BOM); on failure, locate the first bad byte."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = None
        records = list(_numbered_rows(raw.decode("utf-8-sig", errors="replace")))
        if records:
            header = records[0][1]
            bad = [row for start, row in records if start <= line][-1:]
            for i, cell in enumerate(bad[0] if bad else []):
                if "\ufffd" in cell:
                    column = header[i] if i < len(header) else str(i + 1)
                    break
        try:
            raw.decode("gb18030")
            hint = ("it looks like GBK (as Excel saves CSV on Chinese Windows); re-save it as "
                    "\"CSV UTF-8\" or convert it with `iconv -f GBK -t UTF-8`")
        except UnicodeDecodeError:
            hint = "re-save it as UTF-8"
        return None, [Problem(file, line, column,
                              f"the file is not UTF-8 (byte 0x{raw[err.start]:02x} cannot be decoded); {hint}")]


def _numbered_rows(text: str):
    """Yield (physical line where the record starts, fields) for each non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        if row and any(cell.strip() for cell in row):
            yield start, row
        start = reader.line_num + 1


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    file = _shown(path)
    if not path.is_file():
        return [], [], [Problem(file, None, None, "the file is missing")]
    raw = path.read_bytes()
    if not raw.lstrip(b"\xef\xbb\xbf").strip():
        return [], [], [Problem(file, 1, None, "the file is empty; it needs a header line and rows")]
    text, problems = _decode(raw, file)
    if text is None:
        return [], [], problems
    try:
        records = list(_numbered_rows(text))
    except csv.Error as err:
        return [], [], [Problem(file, None, None, f"the file is not readable CSV: {err}")]
    header = [h.strip() for h in records[0][1]]
    return header, records[1:], []


# ---------------------------------------------------------------- checks

def _parse_number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
             "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile("[零〇一二两三四五六七八九十百千万亿]+")
_ARABIC = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")


def chinese_number(run: str) -> int:
    """Value of a Chinese numeral such as 六, 十, 一百, 千, 亿 or 三千二百 (a bare unit means one)."""
    total = section = number = 0
    for ch in run:
        if ch in _CN_DIGIT:
            number = _CN_DIGIT[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        else:
            section = (section + number) or 1
            total += section * _CN_LARGE[ch]
            section = number = 0
    return total + section + number


def numbers_in(quote: str) -> list[Decimal]:
    """Every number a passage states: Arabic (32715, 922.52, 1,000) and Chinese (六, 千, 亿)."""
    found = [Decimal(m.replace(",", "")) for m in _ARABIC.findall(quote)]
    found += [Decimal(chinese_number(run)) for run in _CN_RUN.findall(quote)]
    return found


def value_in_quote(value: str, quote: str, multiplier: float = 1) -> bool:
    """True when ``value`` (in a unit worth ``multiplier``) is a number the quote states.

    "突破亿元" states 1 亿元 (亿 alone is 10^8 = 1 x multiplier); "千名" states 1000 人.
    """
    try:
        wanted = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        return False
    scaled = wanted * Decimal(str(multiplier))
    return any(n == wanted or n == scaled for n in numbers_in(quote))


def _check_table(data_dir: Path, res: dict, descriptor: dict) -> tuple[dict, list[Problem]]:
    """Check one tabular resource; return its typed columns and the problems found."""
    path = data_dir / res["path"]
    file = _shown(path)
    header, rows, problems = _read_csv(path)
    if problems:
        return {}, problems
    fields = res["schema"]["fields"]
    by_name = {f["name"]: f for f in fields}
    for f in fields:
        if f.get("constraints", {}).get("required") and f["name"] not in header:
            problems.append(Problem(file, 1, f["name"], "the required column is missing from the header"))
    if problems:
        return {}, problems

    columns: dict[str, list] = {name: [] for name in header}
    seen: dict[str, dict[str, int]] = {}
    lines: list[int] = []
    for line, row in rows:
        if len(row) != len(header):
            column = header[len(row)] if len(row) < len(header) else f"{len(header) + 1} (extra)"
            problems.append(Problem(file, line, column,
                                    f"the row has {len(row)} fields but the header has {len(header)}; "
                                    "a comma inside a value needs the value in double quotes"))
            continue
        lines.append(line)
        for name, cell in zip(header, row):
            field = by_name.get(name)
            if field is None:
                columns[name].append(cell)
                continue
            cons = field.get("constraints", {})
            if not cell.strip():
                if cons.get("required"):
                    problems.append(Problem(file, line, name, "the value is empty; this column is required"))
                columns[name].append(float("nan") if field["type"] == "number" else "")
                continue
            if field["type"] in ("number", "integer"):
                number = _parse_number(cell)
                if number is None or (field["type"] == "integer" and not number.is_integer()):
                    problems.append(Problem(file, line, name, f"{cell!r} is not a {field['type']}"))
                columns[name].append(number if number is not None else float("nan"))
                continue
            columns[name].append(cell)
            if "enum" in cons and cell not in cons["enum"]:
                allowed = ", ".join(cons["enum"])
                problems.append(Problem(file, line, name,
                                        f"{cell!r} is not in the declared vocabulary ({allowed})"))
            if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
                problems.append(Problem(file, line, name,
                                        f"{cell!r} does not match the declared pattern {cons['pattern']}"))
            if cons.get("unique"):
                first = seen.setdefault(name, {}).setdefault(cell, line)
                if first != line:
                    problems.append(Problem(file, line, name, f"{cell!r} is a duplicate of line {first}"))

    prov = res.get("x-provenance")
    if prov and not problems:
        problems += _check_provenance(data_dir, descriptor, prov, file, header, rows, by_name)
    return columns, problems


def _check_provenance(data_dir, descriptor, prov, file, header, rows, by_name) -> list[Problem]:
    source = _resource(descriptor, prov["source_resource"], file)
    source_path = data_dir / source["path"]
    if not source_path.is_file():
        return [Problem(_shown(source_path), None, None, "the report text is missing")]
    text, problems = _decode(source_path.read_bytes(), _shown(source_path))
    if text is None:
        return problems
    has_value = "value_field" in prov   # a table of anchors (text-gaps) has quotes and no values
    labels = by_name[prov["unit_field"]].get("x-unit-labels", {}) if has_value else {}
    iq = header.index(prov["quote_field"])
    iv, iu = (header.index(prov[k]) for k in ("value_field", "unit_field")) if has_value else (None, None)
    for line, row in rows:
        quote = row[iq]
        if quote not in text:
            problems.append(Problem(file, line, prov["quote_field"],
                                    f"the quote {quote!r} does not occur in the report text "
                                    f"({source['path']}); quotes must be copied verbatim"))
        elif has_value and not value_in_quote(row[iv], quote, labels.get(row[iu], {}).get("multiplier", 1)):
            value = row[iv]
            problems.append(Problem(file, line, prov["value_field"],
                                    f"the value {value.strip()} does not occur in its quote {quote!r}"))
    return problems


# ---------------------------------------------------------------- public API

def _frame(columns: dict, res: dict) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(columns)
    for f in res["schema"]["fields"]:
        if f["type"] == "number" and f["name"] in frame:
            frame[f["name"]] = frame[f["name"]].astype("float64")
    return frame


def _load(name: str, data_dir) -> pd.DataFrame:
    root = data_path(data_dir)
    descriptor = read_descriptor(root)
    res = _resource(descriptor, name, _shown(root / DESCRIPTOR_NAME))
    if "schema" not in res:
        raise ValueError(f"{name!r} is not a table; tables: {', '.join(tabular_resources(root))}")
    columns, problems = _check_table(root, res, descriptor)
    if problems:
        raise DataValidationError(problems)
    return _frame(columns, res)


def load_indicators(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every figure stated in the report, one row per statement, validated.

    Columns: indicator_id, section, name_zh, name_en, value (float, as printed), unit,
    period, qualifier, quote, note. ``data_dir=None`` means the repository's ``data/``.
    Raises :class:`DataValidationError` naming file, line and column of the first problem.
    """
    return _load(INDICATORS, data_dir)


def load_reference(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One reference table (``township-divisions``, ``counties`` or ``reference-figures``), validated.

    Each row carries its citation in ``source``. Raises :class:`DataValidationError`.
    """
    if name in (INDICATORS, REPORT_TEXT):
        raise ValueError(f"{name!r} is not a reference table; use load_indicators()")
    return _load(name, data_dir)


def unit_labels(resource: str = INDICATORS, data_dir: str | os.PathLike | None = None) -> dict[str, dict]:
    """``{unit: {"en": English label, "multiplier": base units per printed unit}}`` of a table.

    Read from the ``x-unit-labels`` of the table's ``unit`` field in the descriptor.
    """
    root = data_path(data_dir)
    res = _resource(read_descriptor(root), resource, _shown(root / DESCRIPTOR_NAME))
    unit = next(f for f in res["schema"]["fields"] if f["name"] == "unit")
    return unit["x-unit-labels"]


def load_report_text(data_dir: str | os.PathLike | None = None) -> str:
    """The report text, verbatim."""
    root = data_path(data_dir)
    res = _resource(read_descriptor(root), REPORT_TEXT, _shown(root / DESCRIPTOR_NAME))
    path = root / res["path"]
    text, problems = _decode(path.read_bytes(), _shown(path))
    if problems:
        raise DataValidationError(problems)
    return text


def validate(data_dir: str | os.PathLike | None = None) -> list[Problem]:
    """Check every table of the package; return the problems found (empty when valid)."""
    root = data_path(data_dir)
    try:
        descriptor = read_descriptor(root)
    except DataValidationError as err:
        return err.problems
    problems: list[Problem] = []
    for res in descriptor.get("resources", []):
        if "schema" in res:
            problems += _check_table(root, res, descriptor)[1]
        elif not (root / res["path"]).is_file():
            problems.append(Problem(_shown(root / res["path"]), None, None, "the file is missing"))
    return problems
