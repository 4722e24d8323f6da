"""Load and validate the data package.

In: a data package folder (``data/`` by default; see :mod:`guilin_analysis.paths`) holding
``datapackage.json``, the report text and CSV tables. Out: pandas DataFrames typed as the
descriptor declares, or :class:`DataValidationError` naming file, line and column.

The descriptor is the one place the schema lives, and every rule it declares is either
enforced here or refused when the descriptor is read, with a sentence naming its JSON path
(``resources[2].schema.fields[4].constraints.minLength``): nothing declared passes unchecked.
Enforced from Table Schema: field types ``string``, ``number``, ``integer``, ``boolean``,
``date`` and ``year`` (default formats; ``groupChar`` for numbers), the constraints
``required``, ``unique``, ``enum``, ``pattern``, ``minimum`` and ``maximum``, ``primaryKey``
(one field or several) and ``foreignKeys`` to a table of the package. Enforced from the
package's own properties (documented in ``data/README.md``): ``x-provenance`` (each quote
occurs in the report; each value occurs in its quote; unit, qualifier and period agree with
what the quote prints beside the number, read with the words the property declares, see
:mod:`guilin_analysis.provenance`) and ``x-unit-labels`` (every unit of a vocabulary and every
unit used has its zh and en label; the bounds a label declares hold for the values in that
unit, the field named by ``x-unit-of``), ``x-chinese-of`` (a field gives the Chinese of another
text field of its table: a row fills both or neither, so a note cannot lose its Chinese),
``x-enum-zh`` (the Chinese of every code of a field's vocabulary, and of nothing else) and
``x-title-zh`` / ``x-description-zh`` (the Chinese of a resource's or a field's title and
description, for the Chinese pages). Beyond the schema: header names are unique and match
the declared fields, and every table has rows.

A package received from elsewhere is untrusted, so before anything is opened every entry under
the folder is seen with ``lstat``: a symbolic link, FIFO, socket or device is refused (a FIFO
would block a read; a link would publish a file from outside). Resource names are plain, safe
file names (:func:`safe_file_name`) and resource paths relative paths of such names inside the
package; a remote path or profile is refused before Frictionless runs, so validation makes no
network request. Digits are ASCII only (a declared ``\\d`` is compiled ASCII too), no field
holds a control character (tabs and line breaks only in free text), a UTF-16 file is named as
such, a field is at most :data:`MAX_FIELD_CHARS` characters and a file at most
:data:`MAX_FILE_BYTES`. :func:`package_files` lists the regular files a build may hash and ship.

The checks are written here rather than delegated to Frictionless because a researcher needs
the physical line of the file (Frictionless counts rows) and the package must load in well
under 50 ms; ``guilin-report check`` and ``tests/test_datapackage.py`` also run Frictionless
over the same descriptor (:func:`validate` with ``frictionless=True``), so that the two
readings cannot drift apart.
"""
from __future__ import annotations

import csv
import datetime
import io
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .labels import LABELS
from .paths import DESCRIPTOR_NAME, data_path
from .provenance import QUALIFIER_PLACES, chinese_number, numbers_in, provenance_problems, value_in_quote

if TYPE_CHECKING:  # pandas is imported when a table is built, so validation alone starts fast
    import pandas as pd

__all__ = ["INDICATORS", "REPORT_TEXT", "Problem", "DataValidationError", "read_descriptor",
           "tabular_resources", "load_indicators", "load_reference", "load_report_text",
           "unit_labels", "validate", "package_files", "safe_file_name", "MAX_FILE_BYTES", "MAX_FIELD_CHARS",
           "chinese_number", "numbers_in", "value_in_quote"]

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

# What the loader enforces. Any other key with a meaning is refused by _descriptor_faults, so a
# rule added to datapackage.json is either checked or reported, never silently ignored.
_TYPES = {"string", "number", "integer", "boolean", "date", "year"}
_ORDERED = {"number", "integer", "date", "year"}            # types that take minimum/maximum
_CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum"}
#: The Chinese of a title or description, for the Chinese pages (a resource's or a field's).
_ZH_TEXT_KEYS = ("x-title-zh", "x-description-zh")
_FIELD_KEYS = {"name", "type", "format", "title", "description", "example", "rdfType",
               "constraints", "x-unit-labels", "x-unit-of", "x-chinese-of", "x-enum-zh", *_ZH_TEXT_KEYS}
_NUMBER_KEYS = {"groupChar", "decimalChar", "bareNumber"}
_SCHEMA_KEYS = {"fields", "primaryKey", "foreignKeys", "missingValues", "title", "description"}
_RESOURCE_KEYS = {"name", "path", "profile", "title", "description", "homepage", "sources",
                  "licenses", "format", "mediatype", "encoding", "schema", "x-provenance", *_ZH_TEXT_KEYS}
_PROVENANCE_KEYS = {"source_resource", "quote_field", "value_field", "unit_field", "qualifier_field",
                    "period_field", "period_type_field", "note_field", "unit_words", "qualifier_words", "rule"}
#: What a table of figures (one with a value_field) must declare, so that no rule of provenance
#: can be switched off by leaving its key out.
_FIGURE_KEYS = ("value_field", "unit_field", "qualifier_field", "period_field", "period_type_field",
                "unit_words", "qualifier_words")
_UNIT_LABEL_KEYS = {"zh", "en", "multiplier", "minimum", "maximum", "exclusiveMinimum", "exceptWhere"}
#: Profiles Frictionless knows by name (bundled): anything else would be fetched.
_PACKAGE_PROFILES = {"data-package", "tabular-data-package"}
_RESOURCE_PROFILES = {"data-resource", "tabular-data-resource"}
#: A plain, safe file name: what a resource name, and every file name derived from data, must be.
_SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
#: Characters no field may hold: C0 and C1 controls (NUL, form feed, escape ...), except tab and
#: line breaks, which only free text may hold; a lone carriage return; Unicode line and paragraph
#: separators; the bidirectional embeddings, overrides and isolates that reorder displayed text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
_CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Files above this size are refused before they are read (the package's largest is 25 KB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The longest field a CSV file may hold: the csv module's default limit, enforced here whatever
#: that process-wide limit has been set to (Frictionless raises it).
MAX_FIELD_CHARS = 131_072


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _names(value) -> list[str] | None:
    """A primaryKey / foreignKey ``fields`` entry as a list of names, or None if malformed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def safe_file_name(name) -> bool:
    """True when ``name`` is a plain, safe file name: lower-case ASCII letters, digits, ``.``,
    ``_`` and ``-``, starting with a letter or digit, with no ``/`` and no ``..``. A resource
    name, and every file name the builder derives from data, must be one."""
    return isinstance(name, str) and bool(_SAFE_NAME.fullmatch(name)) and ".." not in name


def _path_fault(path) -> str | None:
    """Why a resource ``path`` is not a relative path of safe names inside the package, or None."""
    if not isinstance(path, str) or not path:
        return "it must be one relative file path (multi-file resources are not supported)"
    if path.lower().startswith(("http://", "https://", "ftp://")) or _SCHEME.match(path):
        return (f"{path!r} is a remote path (URL); a data package is checked offline, so every "
                "resource must be a file inside the package folder")
    if path.startswith(("/", "\\")) or "\\" in path:
        return f"{path!r} must be a relative path with forward slashes, inside the package folder"
    parts = path.split("/")
    if ".." in parts:
        return f"{path!r} must be relative and inside the package folder (no '..')"
    bad = next((part for part in parts if not safe_file_name(part)), None)
    if bad is not None:
        return (f"{path!r} must be made of plain, safe file names (lower-case letters, digits, '.', '_', "
                f"'-'), and {bad!r} is not one")
    return None


def _profile_fault(where: str, value, known: set[str]) -> str | None:
    if isinstance(value, str) and value in known:
        return None
    if not known:
        return (f"{where}: the profile {value!r} is refused; a remote profile would be fetched, and "
                "validation makes no network request (name a known profile under `profile` instead)")
    return (f"{where}: the profile {value!r} is not one of the profiles known by name "
            f"({', '.join(sorted(known))}); a remote profile would be fetched, and validation "
            "makes no network request")


def _control_faults(node, where: str = "") -> list[str]:
    """Control characters in any string of the descriptor (keys and values), by JSON path."""
    faults = []
    if isinstance(node, dict):
        for key, value in node.items():
            at = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and _CONTROL.search(key):
                faults.append(f"{at}: the key holds a control character ({_char_name(_CONTROL.search(key).group())}); "
                              "remove it")
            faults += _control_faults(value, at)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            faults += _control_faults(value, f"{where}[{i}]")
    elif isinstance(node, str) and (found := _CONTROL.search(node)):
        faults.append(f"{where}: the text holds a control character ({_char_name(found.group())}), "
                      "which no page or spreadsheet can show; remove it")
    return faults


def _char_name(char: str) -> str:
    names = {"\x00": "NUL", "\x0c": "form feed", "\x1b": "escape", "\r": "a carriage return without a line feed",
             "\x0b": "vertical tab", "\x7f": "DEL", "\t": "tab", "\n": "line break"}
    return names.get(char, f"U+{ord(char[0]):04X}")


def _refused(where: str, key: str) -> str:
    return (f"{where}.{key}: guilin_analysis.data does not enforce `{key}`, so it is refused rather "
            "than passed unchecked; remove it or enforce it there first")


def _bound_ok(kind: str, bound) -> bool:
    if kind == "date":
        return isinstance(bound, str) and _parse_cell("date", bound, None) is not None
    if kind in ("integer", "year"):
        return _is_number(bound) and float(bound).is_integer()
    return _is_number(bound)


def _compiles(pattern) -> str | None:
    """None if ``pattern`` is a valid regular expression, else why not."""
    if not isinstance(pattern, str):
        return "is not a string"
    try:
        re.compile(pattern)
    except re.error as err:
        return f"is not a valid regular expression ({err})"
    return None


def _field_faults(where: str, f, numeric: dict[str, bool]) -> list[str]:
    """Faults of one field; ``numeric`` maps each field name of the table to 'is a number'."""
    if not isinstance(f, dict):
        return [f"{where}: a field must be an object with a name and a type"]
    faults = []
    if not isinstance(f.get("name"), str) or not f["name"]:
        faults.append(f"{where}: the field has no name")
    if "type" not in f:
        return faults + [f"{where}: the field has no type (one of {', '.join(sorted(_TYPES))})"]
    kind = f["type"]
    if not isinstance(kind, str) or kind not in _TYPES:
        return faults + [f"{where}.type: the type {kind!r} is not supported "
                         f"(supported: {', '.join(sorted(_TYPES))})"]
    for key in f:
        if key in _NUMBER_KEYS and kind in ("number", "integer"):
            continue
        if key not in _FIELD_KEYS:
            faults.append(_refused(where, key))
    if f.get("format", "default") != "default":
        faults.append(f"{where}.format: only the default format is supported, not {f['format']!r}")
    group = f.get("groupChar")
    if group is not None and (not isinstance(group, str) or len(group) != 1 or group.isdigit()):
        faults.append(f"{where}.groupChar: it must be one character that is not a digit")
    if f.get("decimalChar", ".") != ".":
        faults.append(f"{where}.decimalChar: only '.' is supported")
    if f.get("bareNumber", True) is not True:
        faults.append(f"{where}.bareNumber: only bare numbers (true, the default) are supported")
    cons = f.get("constraints", {})
    if not isinstance(cons, dict):
        return faults + [f"{where}.constraints: it must be an object"]
    for key, value in cons.items():
        at = f"{where}.constraints.{key}"
        if key not in _CONSTRAINTS:
            faults.append(_refused(f"{where}.constraints", key))
        elif key in ("required", "unique") and not isinstance(value, bool):
            faults.append(f"{at}: it must be true or false")
        elif key == "enum" and not (isinstance(value, list) and value):
            faults.append(f"{at}: it must be a non-empty list of values")
        elif key == "pattern" and kind != "string":
            faults.append(f"{at}: a pattern applies to string fields, not to a {kind} field")
        elif key == "pattern" and (why := _compiles(value)):
            faults.append(f"{at}: the pattern {value!r} {why}")
        elif key in ("minimum", "maximum") and kind not in _ORDERED:
            faults.append(f"{at}: {key} applies to numbers, integers, dates and years, "
                          f"not to a {kind} field")
        elif key in ("minimum", "maximum") and not _bound_ok(kind, value):
            faults.append(f"{at}: {value!r} is not a valid {kind}")
    faults += _zh_text_faults(where, f)
    if "x-enum-zh" in f:
        faults += _enum_zh_faults(f"{where}.x-enum-zh", f["x-enum-zh"], cons.get("enum"))
    if "x-chinese-of" in f:
        twin = f["x-chinese-of"]
        if kind != "string":
            faults.append(f"{where}.x-chinese-of: only a string field holds the Chinese of another, not a {kind} field")
        if not isinstance(twin, str) or twin not in numeric or twin == f.get("name") or numeric[twin]:
            faults.append(f"{where}.x-chinese-of: {twin!r} is not another text field of this table; it must name "
                          "the field whose text this one gives in Chinese")
    if "x-unit-labels" in f:
        faults += _unit_label_faults(f"{where}.x-unit-labels", f["x-unit-labels"], set(numeric))
    if "x-unit-of" in f and not (isinstance(f["x-unit-of"], str) and numeric.get(f["x-unit-of"])):
        faults.append(f"{where}.x-unit-of: {f['x-unit-of']!r} is not a number or integer field of this table")
    if "x-unit-of" in f and "x-unit-labels" not in f:
        faults.append(f"{where}.x-unit-of: it needs the unit labels (x-unit-labels) beside it")
    labels = f.get("x-unit-labels")
    enum = cons.get("enum")
    if isinstance(labels, dict) and labels and isinstance(enum, list):
        faults += [f"{where}.x-unit-labels: the unit {unit!r} of the vocabulary (enum) has no label; every "
                   "unit needs its zh and en labels and multiplier" for unit in enum
                   if isinstance(unit, str) and unit not in labels]
    if "x-unit-of" not in f and isinstance(labels, dict) and any(
            isinstance(v, dict) and v.keys() & {"minimum", "maximum", "exclusiveMinimum", "exceptWhere"}
            for v in labels.values()):
        faults.append(f"{where}.x-unit-labels: the unit labels declare bounds, so the field needs x-unit-of "
                      "naming the number field they bound; without it the bounds would pass unchecked")
    return faults


def _zh_text_faults(where: str, node: dict) -> list[str]:
    """A Chinese title or description (``x-title-zh``, ``x-description-zh``) is non-empty text."""
    return [f"{where}.{key}: it must be the Chinese {key[2:-3]}, a non-empty text" for key in _ZH_TEXT_KEYS
            if key in node and not (isinstance(node[key], str) and node[key].strip())]


def _enum_zh_faults(where: str, labels, enum) -> list[str]:
    """``x-enum-zh`` gives the Chinese of every code of the field's vocabulary, and of nothing else."""
    if not isinstance(enum, list):
        return [f"{where}: it gives the Chinese of a vocabulary, and the field declares none (constraints.enum)"]
    if not isinstance(labels, dict):
        return [f"{where}: it must map each code of the vocabulary to its Chinese, e.g. {{\"exact\": \"确数\"}}"]
    faults = [f"{where}.{code}: {code!r} is not a code of the field's vocabulary (constraints.enum)"
              for code in labels if code not in enum]
    faults += [f"{where}: the code {code!r} of the vocabulary has no Chinese; every code needs one"
               for code in enum if not isinstance(code, str) or code not in labels]
    return faults + [f"{where}.{code}: the Chinese must be a non-empty text" for code, text in labels.items()
                     if code in enum and not (isinstance(text, str) and text.strip())]


def _unit_label_faults(where: str, labels, names: set[str]) -> list[str]:
    if not isinstance(labels, dict) or not labels:
        return [f"{where}: it must map each unit to its label, e.g. {{\"人\": {{\"en\": \"persons\", "
                "\"multiplier\": 1}}"]
    faults = []
    for unit, label in labels.items():
        at = f"{where}.{unit}"
        if not isinstance(label, dict):
            faults.append(f"{at}: the label must be an object with en and multiplier")
            continue
        faults += [_refused(at, key) for key in label if key not in _UNIT_LABEL_KEYS]
        if not isinstance(label.get("zh"), str) or not label["zh"]:
            faults.append(f"{at}.zh: every unit needs its Chinese label")
        if not isinstance(label.get("en"), str) or not label["en"]:
            faults.append(f"{at}.en: every unit needs its English label")
        if not (_is_number(label.get("multiplier")) and label["multiplier"] > 0):
            faults.append(f"{at}.multiplier: every unit needs a positive multiplier "
                          "(base units per printed unit)")
        for key in ("minimum", "maximum", "exclusiveMinimum"):
            if key in label and not _is_number(label[key]):
                faults.append(f"{at}.{key}: it must be a number")
        except_where = label.get("exceptWhere", {})
        if not isinstance(except_where, dict):
            faults.append(f"{at}.exceptWhere: it must map field names to patterns")
            continue
        for name, pattern in except_where.items():
            if name not in names:
                faults.append(f"{at}.exceptWhere.{name}: {name!r} is not a field of this table")
            elif why := _compiles(pattern):
                faults.append(f"{at}.exceptWhere.{name}: the pattern {pattern!r} {why}")
    return faults


def _schema_faults(where: str, schema, resources: dict[str, dict]) -> list[str]:
    if not isinstance(schema, dict):
        return [f"{where}: the schema must be an object with a list of fields"]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [f"{where}.fields: the schema needs a non-empty list of fields"]
    faults = [_refused(where, key) for key in schema if key not in _SCHEMA_KEYS]
    if schema.get("missingValues", [""]) != [""]:
        faults.append(f"{where}.missingValues: only [\"\"] (an empty cell is missing) is supported")
    numeric = {f["name"]: f.get("type") in ("number", "integer") for f in fields
               if isinstance(f, dict) and isinstance(f.get("name"), str)}
    names = set(numeric)
    seen: set = set()
    for j, f in enumerate(fields):
        faults += _field_faults(f"{where}.fields[{j}]", f, numeric)
        name = f.get("name") if isinstance(f, dict) else None
        if isinstance(name, str) and name in seen:
            faults.append(f"{where}.fields[{j}].name: the field {name!r} is declared twice")
        seen.add(name if isinstance(name, str) else None)
    translated: dict[str, int] = {}
    for j, f in enumerate(fields):
        twin = f.get("x-chinese-of") if isinstance(f, dict) else None
        if isinstance(twin, str) and translated.setdefault(twin, j) != j:
            faults.append(f"{where}.fields[{j}].x-chinese-of: fields[{translated[twin]}] already gives the "
                          f"Chinese of {twin!r}; a field has one Chinese twin")
    if "primaryKey" in schema:
        key = _names(schema["primaryKey"])
        if key is None:
            faults.append(f"{where}.primaryKey: it must be a field name or a list of field names")
        else:
            faults += [f"{where}.primaryKey: {k!r} is not a field of this table" for k in key if k not in names]
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list):
        return faults + [f"{where}.foreignKeys: it must be a list"]
    for j, fk in enumerate(fks):
        at = f"{where}.foreignKeys[{j}]"
        ref = fk.get("reference") if isinstance(fk, dict) else None
        own = _names(fk.get("fields")) if isinstance(fk, dict) else None
        if own is None or not isinstance(ref, dict):
            faults.append(f"{at}: a foreign key needs fields and a reference with resource and fields")
            continue
        faults += [_refused(at, k) for k in fk if k not in ("fields", "reference")]
        faults += [_refused(f"{at}.reference", k) for k in ref if k not in ("resource", "fields")]
        faults += [f"{at}.fields: {k!r} is not a field of this table" for k in own if k not in names]
        resource = ref.get("resource")
        if not isinstance(resource, str):
            faults.append(f"{at}.reference.resource: it must be the name of a table (\"\" for this one)")
            continue
        target = resources.get(resource) if resource else {"schema": schema}
        theirs = _names(ref.get("fields"))
        if target is None or not isinstance(target.get("schema"), dict):
            faults.append(f"{at}.reference.resource: {ref.get('resource')!r} is not a table of this package")
        elif theirs is None or len(theirs) != len(own):
            faults.append(f"{at}.reference.fields: it must name as many fields as {at}.fields")
        else:
            their_fields = target["schema"].get("fields")
            their_names = {f.get("name") for f in (their_fields if isinstance(their_fields, list) else [])
                           if isinstance(f, dict) and isinstance(f.get("name"), str)}
            faults += [f"{at}.reference.fields: {k!r} is not a field of {ref['resource'] or 'this table'}"
                       for k in theirs if k not in their_names]
    return faults


def _descriptor_faults(descriptor) -> list[str]:
    """Every structural fault of a parsed descriptor, each ``"json.path: sentence"``."""
    if not isinstance(descriptor, dict):
        return ["the descriptor must be a JSON object with a list of resources"]
    faults: list[str] = _control_faults(descriptor)
    if "profile" in descriptor and (fault := _profile_fault("profile", descriptor["profile"], _PACKAGE_PROFILES)):
        faults.append(fault)
    if "$schema" in descriptor:
        faults.append(_profile_fault("$schema", descriptor["$schema"], set()))
    if "name" in descriptor and not safe_file_name(descriptor["name"]):
        faults.append(f"name: the package name {descriptor['name']!r} must be a plain, safe file name "
                      "(lower-case letters, digits, '.', '_', '-'; no '/' and no '..')")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return faults + ["resources: the descriptor needs a non-empty list of resources"]
    by_name: dict[str, dict] = {}
    for i, res in enumerate(resources):
        where = f"resources[{i}]"
        if not isinstance(res, dict):
            faults.append(f"{where}: a resource must be an object with a name and a path")
            continue
        name = res.get("name")
        if not isinstance(name, str) or not name:
            faults.append(f"{where}: the resource has no name")
        elif not safe_file_name(name):
            faults.append(f"{where}.name: the resource name {name!r} must be a plain, safe file name "
                          "(lower-case letters, digits, '.', '_', '-'; no '/' and no '..'), since files "
                          "are named after it")
        elif name in by_name:
            faults.append(f"{where}.name: the resource name {name!r} is used twice")
        else:
            by_name[name] = res
        if "path" not in res:
            faults.append(f"{where}: the resource has no path (the file it describes, relative to datapackage.json)")
        elif fault := _path_fault(res["path"]):
            faults.append(f"{where}.path: {fault}")
        if "profile" in res and (fault := _profile_fault(f"{where}.profile", res["profile"], _RESOURCE_PROFILES)):
            faults.append(fault)
        if "$schema" in res:
            faults.append(_profile_fault(f"{where}.$schema", res["$schema"], set()))
        faults += [_refused(where, key) for key in res if key not in _RESOURCE_KEYS | {"$schema"}]
        faults += _zh_text_faults(where, res)
        if str(res.get("encoding", "utf-8")).lower().replace("-", "") != "utf8":
            faults.append(f"{where}.encoding: only utf-8 is supported, not {res['encoding']!r}")
    for i, res in enumerate(resources):
        if isinstance(res, dict) and "x-provenance" in res and "schema" not in res:
            faults.append(f"resources[{i}]: `x-provenance` applies to a table, and the resource has no schema")
        if not isinstance(res, dict) or "schema" not in res:
            continue
        where = f"resources[{i}]"
        if res.get("format", "csv") != "csv":
            faults.append(f"{where}.format: a table must be csv, not {res['format']!r}")
        schema_faults = _schema_faults(f"{where}.schema", res["schema"], by_name)
        faults += schema_faults
        if "x-provenance" in res and not schema_faults:
            faults += _provenance_faults(f"{where}.x-provenance", res, by_name)
    return faults


def _provenance_faults(where: str, res: dict, by_name: dict[str, dict]) -> list[str]:
    prov = res["x-provenance"]
    if not isinstance(prov, dict):
        return [f"{where}: it must be an object naming source_resource, quote_field, and for figures "
                "value_field and unit_field"]
    faults = [_refused(where, key) for key in prov if key not in _PROVENANCE_KEYS]
    source = prov.get("source_resource")
    if not isinstance(source, str) or source not in by_name:
        faults.append(f"{where}.source_resource: {source!r} is not a resource of this package")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    # a table of figures names its value, unit, qualifier and period, and the words that read
    # them in a quote; a table of anchors (text-gaps) has quotes only
    figures = any(key in prov for key in _FIGURE_KEYS)
    for key in ("quote_field", *_FIGURE_KEYS[:5], "note_field") if figures else ("quote_field",):
        if key == "note_field" and key not in prov:
            continue
        if not isinstance(prov.get(key), str) or prov[key] not in fields:
            faults.append(f"{where}.{key}: {prov.get(key)!r} is not a field of this table")
    if not figures:
        return faults
    unit_field = fields.get(prov.get("unit_field")) if isinstance(prov.get("unit_field"), str) else None
    labels = unit_field.get("x-unit-labels") if isinstance(unit_field, dict) else None
    words = prov.get("unit_words")
    if not isinstance(words, dict) or not words or not all(isinstance(k, str) and k and isinstance(v, str)
                                                           for k, v in words.items()):
        faults.append(f"{where}.unit_words: it must map each word a quote prints after a number to its "
                      "unit, e.g. {\"名\": \"人\"}")
    elif not isinstance(labels, dict):
        faults.append(f"{where}.unit_words: the unit field needs its unit labels (x-unit-labels) to check them against")
    else:
        faults += [f"{where}.unit_words.{word}: {unit!r} is not a unit of the unit labels (x-unit-labels)"
                   for word, unit in words.items() if unit not in labels]
    qualifier_field = fields.get(prov.get("qualifier_field")) if isinstance(prov.get("qualifier_field"), str) else None
    cons = qualifier_field.get("constraints") if isinstance(qualifier_field, dict) else None
    allowed = cons.get("enum") if isinstance(cons, dict) else None
    qualifiers = prov.get("qualifier_words")
    if not isinstance(qualifiers, dict) or not qualifiers:
        return faults + [f"{where}.qualifier_words: it must map each qualifier to the words that mark it, "
                         "e.g. {\"approx\": {\"before\": [\"约\"]}}"]
    seen: dict[str, str] = {}
    for qualifier, places in qualifiers.items():
        at = f"{where}.qualifier_words.{qualifier}"
        if qualifier == "exact" or (isinstance(allowed, list) and qualifier not in allowed):
            faults.append(f"{at}: {qualifier!r} is not a qualifier of the vocabulary that words can mark "
                          "(exact is what no word means)")
        if not isinstance(places, dict):
            faults.append(f"{at}: it must map places ({', '.join(QUALIFIER_PLACES)}) to lists of words")
            continue
        faults += [_refused(at, key) for key in places if key not in QUALIFIER_PLACES]
        for place, marks in places.items():
            if place not in QUALIFIER_PLACES:
                continue
            if not isinstance(marks, list) or not all(isinstance(m, str) and m for m in marks):
                faults.append(f"{at}.{place}: it must be a list of words")
                continue
            for mark in marks:
                key = f"{place} {mark}"
                if seen.setdefault(key, qualifier) != qualifier:
                    faults.append(f"{at}.{place}: {mark!r} already marks {seen[key]}; a word marks one qualifier")
    return faults


@lru_cache(maxsize=16)
def _parse_descriptor(path: str, mtime_ns: int, size: int) -> tuple[dict | None, tuple]:
    """Parse and check a descriptor once per version of the file (the stat values are the key).

    Returns the parsed dict (None if unreadable) and its faults as ``(line, column, message)``.
    """
    raw = Path(path).read_bytes()
    if _utf16(raw):
        return None, ((1, None, f"the descriptor is {_UTF16_HINT}"),)
    try:
        descriptor = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        return None, ((None, None, f"the descriptor is not UTF-8 ({err.reason})"),)
    except json.JSONDecodeError as err:
        return None, ((err.lineno, str(err.colno), f"the descriptor is not valid JSON: {err.msg}"),)
    return descriptor, tuple((None, None, fault) for fault in _descriptor_faults(descriptor))


def read_descriptor(data_dir: str | os.PathLike | None = None) -> dict:
    """Return the parsed ``datapackage.json`` of ``data_dir``, or raise DataValidationError.

    The descriptor is checked as it is read: a malformed descriptor, or one declaring a rule
    this module does not enforce, raises with one sentence per fault naming its JSON path.
    The dict is shared between calls while the file is unchanged: read it, never modify it.
    """
    root = data_path(data_dir)
    path = root / DESCRIPTOR_NAME
    if root.is_dir():                    # before anything is opened: a FIFO must never block a read
        special, _ = _walk(root)
        if special:
            raise DataValidationError(special)
    if not path.is_file():
        raise DataValidationError([Problem(_shown(path), None, None,
                                           "the data package descriptor is missing; "
                                           "data_dir must point at a folder holding datapackage.json")])
    info = path.stat()
    if info.st_size > MAX_FILE_BYTES:
        raise DataValidationError([_too_large(path, info.st_size)])
    descriptor, faults = _parse_descriptor(str(path), info.st_mtime_ns, info.st_size)
    if faults:
        raise DataValidationError([Problem(_shown(path), *fault) for fault in faults])
    return descriptor


def _resource(descriptor: dict, name: str, file: str) -> dict:
    for res in descriptor["resources"]:
        if res["name"] == name:
            return res
    names = ", ".join(r["name"] for r in descriptor["resources"])
    raise DataValidationError([Problem(file, None, None,
                                       f"the descriptor declares no resource named {name!r} (it has: {names})")])


def tabular_resources(data_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the tables the descriptor declares (every resource with a schema)."""
    return [r["name"] for r in read_descriptor(data_dir)["resources"] if "schema" in r]


# ---------------------------------------------------------------- reading files

_KINDS = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _walk(root: Path) -> tuple[list[Problem], list[Path]]:
    """Every entry under ``root``, seen with lstat and never opened: the special files (symbolic
    links, FIFOs, sockets, devices) as problems, and the regular files."""
    problems: list[Problem] = []
    regular: list[Path] = []
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            problems.append(Problem(_shown(folder), None, None,
                                    f"the folder cannot be listed ({err.strerror or err})"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if not entry.is_symlink() and entry.is_dir(follow_symlinks=False):
                folders.append(path)
                continue
            if not entry.is_symlink() and entry.is_file(follow_symlinks=False):
                regular.append(path)
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue                           # removed while listed
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            problems.append(Problem(_shown(path), None, None,
                                    f"the path is {kind}; a data package holds only regular files and "
                                    "folders, so symbolic links, FIFOs, sockets and devices are refused "
                                    "before anything is read"))
    return problems, regular


def _too_large(path: Path, size: int) -> Problem:
    return Problem(_shown(path), None, None,
                   f"the file is {size / 2 ** 20:,.0f} MB, above the {MAX_FILE_BYTES // 2 ** 20} MB a file of "
                   "a data package may have, so it is not read")


_UTF16_HINT = ("UTF-16 (as Excel's \"Unicode Text\" saves it), not UTF-8; re-save it as \"CSV UTF-8\" "
               "or convert it with `iconv -f UTF-16 -t UTF-8`")


def _utf16(raw: bytes) -> bool:
    """A byte-order mark of UTF-16, or NUL bytes in every other place (UTF-16 without one)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < 0.4 * half:
        return False
    try:                                        # NULs first in each pair: big-endian; second: little
        raw.decode("utf-16-be" if even > odd else "utf-16-le")
    except UnicodeDecodeError:
        return False
    return True


def _decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode UTF-8 (with or without BOM); on failure, locate the first bad byte."""
    if _utf16(raw):
        return None, [Problem(file, 1, None, f"the file is {_UTF16_HINT}")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = None
        try:
            records = list(_numbered_rows(raw.decode("utf-8-sig", errors="replace")))
        except csv.Error:
            records = []
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


def _read_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file of the package, or why not (missing, a folder, too large)."""
    file = _shown(path)
    try:
        info = path.lstat()
    except OSError:
        return None, [Problem(file, None, None, "the file is missing")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(file, None, None, "the path is not a regular file")]
    if info.st_size > MAX_FILE_BYTES:
        return None, [_too_large(path, info.st_size)]
    return path.read_bytes(), []


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """A text resource (the report), decoded, with no control character but tab and line breaks."""
    raw, problems = _read_bytes(path)
    if raw is None:
        return None, problems
    text, problems = _decode(raw, _shown(path))
    if text is None:
        return None, problems
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        return None, [Problem(_shown(path), line, str(column),
                              f"the text holds a control character ({_char_name(found.group())}), which no "
                              "page can show; remove it")]
    return text, []


def _long_field(text: str, start_line: int, limit: int) -> int | None:
    """Index of the first field longer than ``limit`` in the CSV record starting at ``start_line``."""
    pos = 0
    for _ in range(start_line - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return None
    field, n = 0, len(text)
    while pos < n:
        if text[pos] == '"':                   # a quoted field: to the closing quote ("" is a quote)
            begin, pos = pos, pos + 1
            while True:
                close = text.find('"', pos)
                if close < 0:
                    return field if n - begin > limit else None
                if text.startswith('""', close):
                    pos = close + 2
                    continue
                pos = close + 1
                break
            length = pos - begin
        else:
            ends = [i for i in (text.find(",", pos), text.find("\n", pos), text.find("\r", pos)) if i >= 0]
            end = min(ends) if ends else n
            length, pos = end - pos, end
        if length > limit:
            return field
        if pos < n and text[pos] == ",":
            field, pos = field + 1, pos + 1
            continue
        return None                            # the record ended with no field over the limit
    return None


def _long_field_problem(file: str, line: int, header: list[str], index: int | None) -> Problem:
    column = (header[index].strip() if index is not None and index < len(header)
              else str(index + 1) if index is not None else None)
    return Problem(file, line, column,
                   f"the field is longer than {MAX_FIELD_CHARS:,} characters, the most a CSV field may hold; "
                   "a closing double quote may be missing, or the text belongs in a file of its own")


def _read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem], bool]:
    """Header, ``(physical line, cells)`` rows and problems of a CSV file; and whether the text
    holds any control character, tab or line break inside a record (then each cell is checked)."""
    file = _shown(path)
    raw, problems = _read_bytes(path)
    if raw is None:
        return [], [], problems, False
    if not raw.lstrip(b"\xef\xbb\xbf").strip():
        return [], [], [Problem(file, 1, None, "the file is empty; it needs a header line and rows")], False
    text, problems = _decode(raw, file)
    if text is None:
        return [], [], problems, False
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start, spans = 1, False
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                records.append((start, row))
            spans = spans or reader.line_num > start
            start = reader.line_num + 1
    except csv.Error as err:
        if "field larger than field limit" not in str(err):
            return [], [], [Problem(file, start, None, f"the file is not readable CSV from this line on ({err})")], False
        header = records[0][1] if records else []
        return [], [], [_long_field_problem(file, start, header, _long_field(text, start, csv.field_size_limit()))], False
    if len(text) > MAX_FIELD_CHARS:
        for line, row in records:
            long = next((i for i, cell in enumerate(row) if len(cell) > MAX_FIELD_CHARS), None)
            if long is not None:
                at = line + sum(cell.count("\n") for cell in row[:long])
                return [], [], [_long_field_problem(file, at, records[0][1], long)], False
    header = [h.strip() for h in records[0][1]]
    suspect = spans or "\t" in text or bool(_CONTROL.search(text))
    return header, records[1:], [], suspect


# ---------------------------------------------------------------- cells

# ASCII digits only: Python's \d (and int(), float()) also take full-width and other digits
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_YEAR = re.compile(r"[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE, _FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


def _parse_cell(kind: str, cell: str, field: dict | None):
    """The typed value of a non-empty cell (Table Schema default formats), or None if invalid."""
    if kind == "string":
        return cell
    text = cell.strip()
    if kind in ("number", "integer"):
        group = (field or {}).get("groupChar")
        if group and group in text:
            digits = re.escape(group).join([r"[0-9]{1,3}"] + [r"[0-9]{3}"])
            if not re.fullmatch(rf"[+-]?{digits}(?:{re.escape(group)}[0-9]{{3}})*(?:\.[0-9]+)?", text):
                return None
            text = text.replace(group, "")
        if kind == "integer":
            return int(text) if _INTEGER.fullmatch(text) else None
        if not _NUMBER.fullmatch(text):
            return None
        value = float(text)
        return value if math.isfinite(value) else None
    if kind == "boolean":
        return True if text in _TRUE else False if text in _FALSE else None
    if kind == "year":
        return int(text) if _YEAR.fullmatch(text) else None
    if kind == "date" and _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            return None
    return None


def _type_error(kind: str, cell: str, field: dict) -> str:
    """Why a cell is not a value of its field's type, in one sentence."""
    group = field.get("groupChar")
    if kind in ("number", "integer") and group and group in cell:
        return (f"{cell!r} is not a {kind}: thousands separators ({group}) must separate groups "
                "of three digits, as in 4,931,137")
    if kind in ("number", "integer") and "," in cell:
        return (f"{cell!r} is not a {kind}: a thousands separator is allowed only where the field "
                "declares groupChar in datapackage.json, and only between groups of three digits")
    readable = {"date": "date (YYYY-MM-DD)", "year": "year (YYYY)",
                "boolean": "boolean (true or false)"}.get(kind, kind)
    return f"{cell!r} is not a {readable}"


# ---------------------------------------------------------------- checking a table

@dataclass
class _Table:
    """One table as read and checked: frame columns, typed values by line, problems."""

    name: str
    file: str
    columns: dict = dc_field(default_factory=dict)      # name -> values for the DataFrame
    typed: list = dc_field(default_factory=list)        # (line, {name: typed value or None})
    problems: list = dc_field(default_factory=list)


def _header_problems(file: str, header: list[str], fields: list[dict], key: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, int] = {}
    for i, name in enumerate(header, 1):
        if not name:
            problems.append(Problem(file, 1, str(i), "the column has no name in the header"))
        elif name in first:
            problems.append(Problem(file, 1, name, f"the column name {name!r} appears twice in the header "
                                                   f"(columns {first[name]} and {i}); each column needs "
                                                   "its own name"))
        else:
            first[name] = i
    declared = [f["name"] for f in fields]
    for f in fields:
        if f["name"] not in first:
            required = f.get("constraints", {}).get("required") or f["name"] in key
            problems.append(Problem(file, 1, f["name"], "the required column is missing from the header"
                                    if required else "the column declared in datapackage.json is "
                                    "missing from the header"))
    for name in first:
        if name not in declared:
            problems.append(Problem(file, 1, name, "the column is not declared in datapackage.json; "
                                                   "declare it in the table's schema or remove it"))
    if not problems and list(first) != declared:
        at = next(i for i, (a, b) in enumerate(zip(first, declared)) if a != b)
        problems.append(Problem(file, 1, list(first)[at],
                                f"the columns are not in the order datapackage.json declares them "
                                f"({', '.join(declared)})"))
    return problems


def unit_bounds(label: dict, row: dict) -> dict:
    """The bounds a unit label declares (minimum, exclusiveMinimum, maximum) for one row (field
    name -> text), empty when the row is exempt (``exceptWhere``: every named field matches its
    pattern, ASCII digits only)."""
    exempt = label.get("exceptWhere")
    if exempt and all(re.fullmatch(p, str(row.get(n, "")), re.ASCII) for n, p in exempt.items()):
        return {}
    return {k: label[k] for k in ("minimum", "exclusiveMinimum", "maximum") if k in label}


def bound_problem(limits: dict, value: float) -> str | None:
    """Why ``value`` breaks ``limits`` (a unit label's bounds), or None."""
    if "minimum" in limits and value < limits["minimum"]:
        return f"is below the minimum {limits['minimum']:g}"
    if "exclusiveMinimum" in limits and value <= limits["exclusiveMinimum"]:
        return f"must be greater than {limits['exclusiveMinimum']:g}"
    if "maximum" in limits and value > limits["maximum"]:
        return f"is above the maximum {limits['maximum']:g}"
    return None


GAPS = "text-gaps"
#: What a gap is, which the page and the audit say before each note (labels "text_gap"): a note
#: of text-gaps gives only the readings, or a reader gets the words twice.
_GAP_LABEL = re.compile("|".join([re.escape(v) for v in LABELS["text_gap"].values()]
                                 + [r"^\s*此处.{0,4}缺失", r"text (was )?(probably |likely )?lost here"]), re.I)
_GAP_LABEL_REPEATED = (f"the note repeats what the page says before it (\"{LABELS['text_gap']['en']}\", "
                       f"\"{LABELS['text_gap']['zh']}\"); the note gives only the readings of the gap, "
                       "so remove those words")


def _repeats_gap_label(note: str) -> bool:
    return bool(_GAP_LABEL.search(note))


def _check_table(root: Path, res: dict, descriptor: dict) -> _Table:
    """Read and check one tabular resource against its schema (not its foreign keys)."""
    path = root / res["path"]
    table = _Table(res["name"], _shown(path))
    file = table.file
    header, rows, problems, suspect = _read_csv(path)
    table.problems = problems
    if problems:
        return table
    schema = res["schema"]
    fields = schema["fields"]
    key = _names(schema.get("primaryKey")) or []
    problems += _header_problems(file, header, fields, key)
    if problems:
        return table
    if not rows:
        problems.append(Problem(file, None, None, "the table has a header but no rows; "
                                                  "counts and denominators need at least one"))
        return table

    by_name = {f["name"]: f for f in fields}
    specs = []
    for name in header:
        f = by_name[name]
        cons = f.get("constraints", {})
        free = f["type"] == "string" and "pattern" not in cons and "enum" not in cons
        specs.append((name, f, f["type"], cons, bool(cons.get("required")) or name in key,
                      re.compile(cons["pattern"], re.ASCII) if "pattern" in cons else None,
                      f.get("x-unit-labels"), _CONTROL if free else _CONTROL_OR_BREAK))
    bounded = [(f["name"], f["x-unit-of"], f["x-unit-labels"]) for f in fields if "x-unit-of" in f]
    twins = [(header.index(f["x-chinese-of"]), header.index(f["name"])) for f in fields if "x-chinese-of" in f]
    columns: dict[str, list] = {name: [] for name in header}
    seen: dict[str, dict] = {}
    for line, row in rows:
        if len(row) != len(header):
            column = header[len(row)] if len(row) < len(header) else f"{len(header) + 1} (extra)"
            problems.append(Problem(file, line, column,
                                    f"the row has {len(row)} fields but the header has {len(header)}; "
                                    "a comma inside a value needs the value in double quotes"))
            continue
        values: dict = {}
        breaks = 0                                 # line breaks in the cells before this one
        for (name, f, kind, cons, required, pattern, labels, control), cell in zip(specs, row):
            found = control.search(cell) if suspect else None
            if found:
                at = line + breaks + cell.count("\n", 0, found.start())
                free = control is _CONTROL
                problems.append(Problem(file, at, name, f"the value holds a control character "
                                        f"({_char_name(found.group())}), which no page or spreadsheet can show"
                                        + ("; remove it" if free else "; a code, number or word of a "
                                           "vocabulary may not, only free text may hold tabs and line breaks")))
                columns[name].append(float("nan") if kind in ("number", "integer") else cell)
                values[name] = None
                breaks += cell.count("\n")
                continue
            breaks += cell.count("\n") if suspect else 0
            if not cell.strip():
                if required:
                    why = "this column is required" if cons.get("required") else "it is part of the primary key"
                    problems.append(Problem(file, line, name, f"the value is empty; {why}"))
                columns[name].append(float("nan") if kind in ("number", "integer") else "")
                values[name] = None
                continue
            value = _parse_cell(kind, cell, f)
            values[name] = value
            if value is None:
                problems.append(Problem(file, line, name, _type_error(kind, cell, f)))
                columns[name].append(float("nan") if kind in ("number", "integer") else cell)
                continue
            columns[name].append(value)
            if "enum" in cons and value not in cons["enum"]:
                allowed = ", ".join(str(v) for v in cons["enum"])
                problems.append(Problem(file, line, name,
                                        f"{cell!r} is not in the declared vocabulary ({allowed})"))
            if pattern is not None and not pattern.fullmatch(cell):
                problems.append(Problem(file, line, name,
                                        f"{cell!r} does not match the declared pattern {pattern.pattern}"))
            if "minimum" in cons and value < cons["minimum"]:
                problems.append(Problem(file, line, name, f"{cell.strip()} is below the minimum "
                                                          f"{cons['minimum']} declared in datapackage.json"))
            if "maximum" in cons and value > cons["maximum"]:
                problems.append(Problem(file, line, name, f"{cell.strip()} is above the maximum "
                                                          f"{cons['maximum']} declared in datapackage.json"))
            if labels is not None and cell not in labels:
                problems.append(Problem(file, line, name,
                                        f"the unit {cell!r} has no entry in the unit labels (x-unit-labels) "
                                        "of datapackage.json; every unit needs its English label and multiplier"))
            if cons.get("unique"):
                first = seen.setdefault(name, {}).setdefault(value, line)
                if first != line:
                    problems.append(Problem(file, line, name, f"{cell!r} is a duplicate of line {first}"))
        for original, chinese in twins:          # a text and its Chinese: both or neither
            o, c = header[original], header[chinese]
            filled = bool(row[original].strip()), bool(row[chinese].strip())
            if filled == (True, False):
                problems.append(Problem(file, line, c, f"the row has a {o} but no {c}; write the Chinese of the {o} "
                                                       f"in {c} (datapackage.json declares {c} the Chinese of {o})"))
            elif filled == (False, True):
                problems.append(Problem(file, line, o, f"the row has a {c} but no {o}; a {c} gives the Chinese of "
                                                       f"a {o}, so write that {o} or empty both"))
        if res["name"] == GAPS:
            for name in ("note_en", "note_zh"):
                if name in header and _repeats_gap_label(row[header.index(name)]):
                    problems.append(Problem(file, line, name, _GAP_LABEL_REPEATED))
        for unit_field, value_field, labels in bounded:
            unit, value = values.get(unit_field), values.get(value_field)
            label = labels.get(unit)
            if label is None or value is None:
                continue
            why = bound_problem(unit_bounds(label, dict(zip(header, row))), value)
            if why:
                problems.append(Problem(file, line, value_field,
                                        f"{row[header.index(value_field)].strip()} {unit} {why}, the bound "
                                        f"datapackage.json declares for the unit {unit!r} (x-unit-labels)"))
        table.typed.append((line, values))
    problems += _key_problems(file, table.typed, key, by_name)
    table.columns = columns

    prov = res.get("x-provenance")
    if prov and not problems:
        problems += _check_provenance(root, descriptor, prov, file, header, rows, by_name)
    return table


def _key_problems(file: str, typed: list, key: list[str], by_name: dict) -> list[Problem]:
    """The primary key is unique (a one-field key already declared ``unique`` is checked there)."""
    if not key or (len(key) == 1 and by_name[key[0]].get("constraints", {}).get("unique")):
        return []
    problems = []
    seen: dict[tuple, int] = {}
    for line, values in typed:
        value = tuple(values[k] for k in key)
        if None in value:
            continue
        first = seen.setdefault(value, line)
        if first != line:
            shown = ", ".join(str(v) for v in value)
            problems.append(Problem(file, line, ", ".join(key),
                                    f"the primary key ({', '.join(key)}) {shown!r} is a duplicate of line {first}"))
    return problems


def _check_provenance(root, descriptor, prov, file, header, rows, by_name) -> list[Problem]:
    source = _resource(descriptor, prov["source_resource"], file)
    source_path = root / source["path"]
    text, problems = _read_text(source_path)
    if text is None:
        return problems
    labels = by_name[prov["unit_field"]].get("x-unit-labels", {}) if "unit_field" in prov else {}
    return [Problem(file, line, column, message) for line, column, message
            in provenance_problems(rows, header, text, prov, labels, source["path"])]


def _foreign_key_problems(table: _Table, res: dict, resolve) -> tuple[list[Problem], list[_Table]]:
    """Rows whose foreign key has no match in the referenced table; and the tables referenced."""
    problems, targets = [], []
    for fk in res["schema"].get("foreignKeys", []):
        own, ref = _names(fk["fields"]), fk["reference"]
        target = resolve(ref["resource"]) if ref["resource"] else table
        targets.append(target)
        theirs = _names(ref["fields"])
        known = {tuple(values[k] for k in theirs) for _, values in target.typed}
        where = f"{ref['resource'] or table.name} ({target.file})"
        for line, values in table.typed:
            value = tuple(values[k] for k in own)
            if None not in value and value not in known:
                shown = ", ".join(str(v) for v in value)
                problems.append(Problem(table.file, line, ", ".join(own),
                                        f"{shown!r} is not a {', '.join(theirs)} of {where}; "
                                        "the foreign key declared in datapackage.json needs a match"))
    return problems, targets


class _Package:
    """A descriptor and its tables, each read and checked at most once per call."""

    def __init__(self, data_dir):
        self.root = data_path(data_dir)
        self.descriptor = read_descriptor(self.root)
        self.tables: dict[str, _Table] = {}

    def resource(self, name: str) -> dict:
        return _resource(self.descriptor, name, _shown(self.root / DESCRIPTOR_NAME))

    def table(self, name: str) -> _Table:
        if name not in self.tables:
            self.tables[name] = _check_table(self.root, self.resource(name), self.descriptor)
        return self.tables[name]

    def problems(self, name: str, with_references: bool) -> list[Problem]:
        """The table's problems, its foreign-key problems and (if asked) those of the tables it references."""
        table = self.table(name)
        fk_problems, targets = _foreign_key_problems(table, self.resource(name), self.table)
        problems = table.problems + fk_problems
        if with_references:
            for target in targets:
                problems += [p for p in target.problems if p not in problems]
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
    package = _Package(data_dir)
    res = package.resource(name)
    if "schema" not in res:
        raise ValueError(f"{name!r} is not a table; tables: {', '.join(tabular_resources(package.root))}")
    problems = package.problems(name, with_references=True)
    if problems:
        raise DataValidationError(problems)
    return _frame(package.table(name).columns, res)


def load_indicators(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every figure stated in the report, one row per statement, validated.

    Columns: the fields the descriptor declares for ``report-indicators`` (indicator_id,
    section, name_zh, name_en, value (float, as printed), unit, period, qualifier, quote, note).
    ``data_dir=None`` means the repository's ``data/``.
    Raises :class:`DataValidationError` naming file, line and column of the first problem.
    """
    return _load(INDICATORS, data_dir)


def load_reference(name: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """One reference table (``township-divisions``, ``counties`` or ``reference-figures``), validated.

    Each row carries its citation in ``source``. A table with foreign keys is checked against
    the tables it references. Raises :class:`DataValidationError`.
    """
    if name in (INDICATORS, REPORT_TEXT):
        raise ValueError(f"{name!r} is not a reference table; use load_indicators()")
    return _load(name, data_dir)


def unit_labels(resource: str = INDICATORS, data_dir: str | os.PathLike | None = None) -> dict[str, dict]:
    """``{unit: {"en": English label, "multiplier": base units per printed unit, ...}}`` of a table.

    Read from the ``x-unit-labels`` of the table's unit field in the descriptor; a label may
    also declare ``minimum``, ``maximum``, ``exclusiveMinimum`` and ``exceptWhere`` (see
    ``data/README.md``).
    """
    root = data_path(data_dir)
    res = _resource(read_descriptor(root), resource, _shown(root / DESCRIPTOR_NAME))
    for f in res.get("schema", {}).get("fields", []):
        if "x-unit-labels" in f:
            return f["x-unit-labels"]
    raise DataValidationError([Problem(_shown(root / DESCRIPTOR_NAME), None, None,
                                       f"the table {resource!r} declares no unit labels (x-unit-labels)")])


def load_report_text(data_dir: str | os.PathLike | None = None) -> str:
    """The report text, verbatim."""
    root = data_path(data_dir)
    res = _resource(read_descriptor(root), REPORT_TEXT, _shown(root / DESCRIPTOR_NAME))
    text, problems = _read_text(root / res["path"])
    if problems:
        raise DataValidationError(problems)
    return text


def validate(data_dir: str | os.PathLike | None = None, *, frictionless: bool = False) -> list[Problem]:
    """Check every table of the package; return the problems found (empty when valid).

    With ``frictionless=True`` (as ``guilin-report check`` does) a package that passes is
    also validated by Frictionless, an independent reading of the same descriptor; its
    errors are returned one per Problem. That takes seconds, so loading never does it.
    """
    try:
        package = _Package(data_dir)
    except DataValidationError as err:
        return err.problems
    problems: list[Problem] = []
    for res in package.descriptor["resources"]:
        if "schema" in res:
            problems += package.problems(res["name"], with_references=False)
        else:
            problems += [p for p in _read_text(package.root / res["path"])[1] if p not in problems]
    problems = list(dict.fromkeys(problems))      # the report text is read by more than one table
    if frictionless and not problems:
        problems += _frictionless_problems(package.root)
    return problems


def package_files(data_dir: str | os.PathLike | None = None) -> list[Path]:
    """The regular files a package declares or ships, sorted: ``datapackage.json``, the file of
    every resource and every ``README.md`` under the folder; what a build may hash and zip.

    Nothing but the descriptor is opened. Raises :class:`DataValidationError` if the descriptor
    is invalid, if anything under the folder is a symbolic link, FIFO, socket or device, or if
    a declared file is missing or not a regular file.
    """
    root = data_path(data_dir)
    descriptor = read_descriptor(root)            # refuses special files before reading anything
    _, regular = _walk(root)
    files = [root / DESCRIPTOR_NAME, *(root / r["path"] for r in descriptor["resources"])]
    files += [p for p in regular if p.name == "README.md"]
    problems = []
    for path in files:
        try:
            info = path.lstat()
        except OSError:
            problems.append(Problem(_shown(path), None, None, "the file is missing"))
            continue
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(_shown(path), None, None, "the path is not a regular file"))
    if problems:
        raise DataValidationError(problems)
    return sorted(dict.fromkeys(files), key=lambda p: p.relative_to(root).as_posix())


def _frictionless_problems(root: Path) -> list[Problem]:
    """Frictionless's reading of the package, one Problem per error (rows, not physical lines)."""
    import frictionless  # imported here only: it takes about a second, and loading never needs it

    descriptor_file = _shown(root / DESCRIPTOR_NAME)
    try:
        report = frictionless.validate(str(root / DESCRIPTOR_NAME))
    except Exception as err:  # Frictionless raises, rather than reports, on some descriptors
        return [Problem(descriptor_file, None, None,
                        f"Frictionless could not read the package: {' '.join(str(err).split())}")]
    problems = [Problem(descriptor_file, None, None, f"Frictionless: {' '.join(e.message.split())}")
                for e in report.errors]
    for task in report.tasks:
        file = _shown(root / task.place) if task.place else descriptor_file
        for error in task.errors:
            row = getattr(error, "row_number", None)
            problems.append(Problem(file, None, getattr(error, "field_name", None),
                                    f"Frictionless{f', row {row}' if row else ''}: "
                                    f"{' '.join(error.message.split())}"))
    return problems
