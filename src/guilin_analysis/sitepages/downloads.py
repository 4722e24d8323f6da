"""The downloads beside the data page: a CSV per table, one workbook, the data package as a zip.

In: the data package. Out: :func:`data_tables` (every tabular resource, then the derived metrics
and the audit) and the bytes of each download.

- Spreadsheet-safe: a cell a spreadsheet would run as a formula (OWASP "CSV injection": one
  that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, after any spaces) is
  made text: in a CSV it gets a leading ``'``; in the workbook it is a string cell with Excel's
  quote prefix, its text unchanged. A genuine number (``-3.5``) stays a number. The zip is the
  data package byte for byte, for tools that read packages; its files are not altered.
- Precision: a derived metric's value carries what its inputs support, not a 17-digit float:
  its stated ``decimals`` or ``precision`` (significant digits) when the metrics carry one,
  else three significant digits more than its least precise input as printed.
- Reproducible: the workbook and the zip have fixed timestamps (the data package's ``created``
  date, else :data:`FIXED_EPOCH`), so the same data gives the same bytes.
"""
from __future__ import annotations

import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from .names import PACKAGE_NAME

FIXED_EPOCH = datetime(2026, 1, 1)
_ZIP_EARLIEST = datetime(1980, 1, 1)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_START = ("\t", "\r")
#: Extra significant digits a derived value keeps beyond its least precise input.
GUARD_DIGITS = 3


# ---------------------------------------------------------------- spreadsheet safety

def formula_like(value) -> bool:
    """Whether a spreadsheet would read the text ``value`` as a formula (and it is not a number)."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(_CONTROL_START):
        return True
    return value.lstrip(" \u00a0\u3000").startswith(_FORMULA_START) and not _NUMBER.fullmatch(value.strip())


def neutralise(value):
    """``value`` made safe for a CSV opened in a spreadsheet: ``'`` before a formula-like text."""
    return "'" + value if formula_like(value) else value


# ---------------------------------------------------------------- precision

def significant_digits(printed: str) -> int | None:
    """Significant digits of a number as printed (``922.52`` -> 5, ``0.05`` -> 1, ``32715`` -> 5)."""
    text = str(printed).strip().lstrip("+-").replace(",", "")
    if not _NUMBER.fullmatch(text):
        return None
    mantissa = re.split("[eE]", text)[0].replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


def round_significant(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, as plain text (half up; no exponent; a
    whole number without decimals; trailing zeros after the point dropped)."""
    if value == 0:
        return "0"
    exact = Decimal(repr(float(value)))
    places = digits - 1 - math.floor(math.log10(abs(value)))
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) if places > 0 else \
        (exact.scaleb(places).quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(-places))
    return _plain(rounded)


def round_decimals(value: float, decimals: int) -> str:
    return _plain(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP),
                  keep=True)


def _plain(number: Decimal, keep: bool = False) -> str:
    text = f"{number:f}"
    if "." in text and not keep:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _int_or_none(value) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number >= 0 and number.is_integer() else None


def metric_texts(metrics, printed: dict[str, str]) -> list[str]:
    """The value of every derived metric as text, to the precision of its definition or its inputs.

    ``printed`` maps the ids of indicators and reference figures to their values as printed in
    the data; a metric's inputs that are metrics count through their own inputs; counts of
    divisions are exact and do not limit the precision.
    """
    inputs = {str(r["metric_id"]): [i.strip() for i in str(r.get("inputs", "") or "").split(",") if i.strip()]
              for _, r in metrics.iterrows()}

    def leaves(ident: str, trail=()) -> list[str]:
        if ident in printed:
            return [printed[ident]]
        if ident in inputs and ident not in trail:
            return [p for i in inputs[ident] for p in leaves(i, (*trail, ident))]
        return []

    texts = []
    for _, row in metrics.iterrows():
        value = float(row["value"])
        if not math.isfinite(value):
            texts.append("")
            continue
        decimals = _int_or_none(row.get("decimals"))
        precision = _int_or_none(row.get("precision", row.get("significant_digits")))
        if decimals is not None:
            texts.append(round_decimals(value, decimals))
            continue
        if precision is None:
            digits = [d for d in (significant_digits(p) for p in leaves(str(row["metric_id"]))) if d]
            precision = (min(digits) if digits else 1) + GUARD_DIGITS
        if value.is_integer() and abs(value) < 10 ** precision:
            texts.append(str(int(value)))
        else:
            texts.append(round_significant(value, precision))
    return texts


# ---------------------------------------------------------------- the tables

@dataclass
class Table:
    """A table of the downloads: its name (the file name), the descriptor's English title and
    description, the frame as text, and which columns hold numbers."""

    name: str
    title: str
    description: str
    frame: object                    # a pandas DataFrame of str
    numeric: set[str] = field(default_factory=set)
    resource: dict = field(default_factory=dict)


def data_tables(data_dir: Path) -> list[Table]:
    """Every tabular resource of the package as shipped, then the derived metrics (values to
    their precision) and the audit."""
    import pandas as pd

    from .. import audit, derived_metrics
    from ..data import read_descriptor

    descriptor = read_descriptor(data_dir)
    out, printed = [], {}
    for res in descriptor["resources"]:
        if "schema" not in res:
            continue
        frame = pd.read_csv(Path(data_dir) / res["path"], dtype=str, keep_default_na=False, encoding="utf-8")
        fields = res["schema"].get("fields", [])
        numeric = {f["name"] for f in fields if f.get("type") in ("number", "integer")}
        key = (res["schema"].get("primaryKey") or [None])[0]
        if key in frame.columns and "value" in frame.columns:
            printed.update(zip(frame[key], frame["value"]))
        out.append(Table(res["name"], res.get("title", res["name"]), res.get("description", ""), frame, numeric, res))
    metrics = derived_metrics(data_dir)
    shown = metrics.astype(object).where(metrics.notna(), "").astype(str)
    shown["value"] = metric_texts(metrics, printed)
    out.append(Table("derived-metrics", "Derived metrics (guilin_analysis.derived_metrics)", "", shown, {"value"}))
    checks = audit(data_dir)
    out.append(Table("audit", "Consistency audit (guilin_analysis.audit)", "",
                     checks.astype(object).where(checks.notna(), "").astype(str)))
    return out


def column_rows(tables: list[Table]) -> list[dict]:
    """One row per column of every table: table, column, type, title, description (the descriptor's)."""
    rows = []
    for table in tables:
        described = {f["name"]: f for f in table.resource.get("schema", {}).get("fields", [])}
        for column in table.frame.columns:
            f = described.get(column, {})
            rows.append({"table": table.name, "column": str(column),
                         "type": f.get("type", "number" if column in table.numeric else "string"),
                         "title": f.get("title", ""), "description": f.get("description", "")})
    return rows


# ---------------------------------------------------------------- the files

def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a BOM (Excel reads it as UTF-8), LF line ends, every formula-like cell made text."""
    frame = table.frame.map(neutralise)
    frame.columns = [neutralise(str(c)) for c in frame.columns]
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def timestamp(data_dir: Path) -> datetime:
    """The time written into the workbook and the zip: the package's ``created`` (UTC), else
    :data:`FIXED_EPOCH`; never before 1980 (zip cannot say so)."""
    try:
        created = json.loads((Path(data_dir) / "datapackage.json").read_text(encoding="utf-8")).get("created")
        moment = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            from datetime import timezone

            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    except (OSError, ValueError, TypeError, AttributeError):
        moment = FIXED_EPOCH
    return max(moment.replace(microsecond=0), _ZIP_EARLIEST)


def _entry(name: str, moment: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def repack(archive: bytes, moment: datetime) -> bytes:
    """The zip ``archive`` again, entry for entry in the same order, with every timestamp set
    to ``moment`` and fixed attributes: the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(_entry(info.filename, moment), source.read(info))
    return out.getvalue()


def zip_bytes(data_dir: Path) -> bytes:
    """The data package as a zip: datapackage.json, every resource and the READMEs, under one
    folder, byte for byte."""
    from ..data import read_descriptor

    root = Path(data_dir)
    descriptor = read_descriptor(data_dir)
    files = ["datapackage.json", *[r["path"] for r in descriptor["resources"]]]
    files += sorted(p.relative_to(root).as_posix() for p in root.rglob("README.md"))
    moment = timestamp(data_dir)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in dict.fromkeys(files):
            archive.writestr(_entry(f"{PACKAGE_NAME}/{rel}", moment), (root / rel).read_bytes())
    return buffer.getvalue()


def _cell(sheet, row: int, column: int, text: str, number: bool) -> None:
    """One cell: a number where the column holds numbers and the text is one, else a string
    cell (never a formula: openpyxl would take a text opening with "=" for one)."""
    cell = sheet.cell(row=row, column=column)
    if number and _NUMBER.fullmatch(text.strip()):
        value = float(text)
        cell.value = int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
        if "." in text and "e" not in text.lower():      # shown with the decimals printed (12.20)
            cell.number_format = "0." + "0" * len(text.strip().split(".")[1])
        return
    cell.value = text
    cell.data_type = "s"
    if formula_like(text):
        cell.quotePrefix = True


def xlsx_bytes(tables: list[Table], columns: list[dict], moment: datetime) -> bytes:
    """One workbook: a sheet per table and a sheet ``columns`` describing every column."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    sheets = [(t.name, list(t.frame.columns), t.frame.itertuples(index=False), t.numeric) for t in tables]
    names = ["table", "column", "type", "title", "description"]
    sheets.append(("columns", names, ([c[n] for n in names] for c in columns), set()))
    for name, header, rows, numeric in sheets:
        sheet = book.create_sheet(name[:31])
        for j, column in enumerate(header, 1):
            _cell(sheet, 1, j, str(column), False)
        for i, row in enumerate(rows, 2):
            for j, (column, value) in enumerate(zip(header, row), 1):
                _cell(sheet, i, j, "" if value is None else str(value), column in numeric)
    book.properties.created = book.properties.modified = moment
    book.properties.creator = PACKAGE_NAME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return repack(buffer.getvalue(), moment)


def download_files(data_dir: Path, folder: str) -> tuple[dict[str, bytes], list[Table]]:
    """``({path under the language folder: bytes}, tables)``: a CSV per table, the workbook, the zip."""
    tables = data_tables(data_dir)
    moment = timestamp(data_dir)
    files = {f"{folder}/{t.name}.csv": csv_bytes(t) for t in tables}
    files[f"{folder}/{PACKAGE_NAME}.zip"] = zip_bytes(data_dir)
    files[f"{folder}/{PACKAGE_NAME}.xlsx"] = xlsx_bytes(tables, column_rows(tables), moment)
    return files, tables
