"""What the builder reads back from a published manifest, checked before anything uses it.

A language's ``manifest.json`` sits in the output folder, where anyone who can write there can
change it. Every field the builder relies on is checked against :data:`SCHEMA` (types, the
allowed statuses, hashes as hex) and every path in it must be a plain relative path inside the
language's folder: segments of letters, digits, spaces and ``_-.+,()``, none starting with a
dot, no ``/`` at the start, no ``\\``, ``:``, ``%``, ``?`` or ``#``. So a manifest cannot name a
file outside ``--out`` to delete, nor put a ``javascript:`` or remote link into the index. A
manifest that fails is treated as absent (:func:`read`): the next build runs and publishes
everything again, after one warning line. Fields the schema does not know are kept as read
(``strict`` lists them, for the test that the builder writes only fields it checks).

The same path rules serve the journal (:mod:`.publish`).
"""
from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from pathlib import Path

MAX_BYTES = 64 << 20                 # a manifest larger than this is not one the builder wrote
RESERVED = frozenset({"manifest.json", "index.html"})     # written by the builder, never deleted as a site file
_SEGMENT = re.compile(r"(?!\.)[\w.\-+,() ]+")
_HEX = re.compile(r"[0-9a-f]{64}")
_FRAGMENT = re.compile(r"[\w.\-]+")


class ManifestError(ValueError):
    """A manifest, or a journal, that is not what the builder writes (one sentence)."""


def warn(line: str) -> None:
    """One warning line on stderr."""
    print(f"guilin-report: warning: {line}", file=sys.stderr, flush=True)


def is_relative_path(value) -> bool:
    """``value`` is a plain relative path that stays in its folder (see the module's rules)."""
    return (isinstance(value, str) and 0 < len(value) <= 500 and value.isprintable()
            and all(_SEGMENT.fullmatch(part) for part in value.split("/")))


def is_site_link(value) -> bool:
    """``value`` is a link inside a language's site: a relative path and an optional fragment."""
    if not isinstance(value, str):
        return False
    path, sep, fragment = value.partition("#")
    return is_relative_path(path) and (not sep or bool(_FRAGMENT.fullmatch(fragment)))


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without following a symbolic link and without blocking (a FIFO is refused, never
    waited on). Raises :class:`FileNotFoundError` when absent, :class:`ManifestError` otherwise.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        raise
    except OSError as err:
        raise ManifestError(f"cannot be opened as a regular file ({err.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ManifestError("is not a regular file")
        if info.st_size > limit:
            raise ManifestError(f"is larger than {limit >> 20} MB")
        return handle.read(limit + 1)


def _reject_constant(name):
    raise ValueError(f"{name} is not a number JSON allows")


def parse(data: bytes):
    """JSON from ``data``; :class:`ManifestError` for anything that is not strict JSON."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        reason = "it nests too deeply" if isinstance(err, RecursionError) else str(err).splitlines()[0][:200]
        raise ManifestError(f"is not valid JSON ({reason})") from None


# ---------------------------------------------------------------- the schema

def _text(value):
    return None if isinstance(value, str) else "is not text"


def _optional(check):
    def optional(value):
        return None if value is None else check(value)
    return optional


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return "is not a non-negative number"
    return None


def _hex(value):
    return None if isinstance(value, str) and _HEX.fullmatch(value) else "is not a SHA-256 in hex"


def _path(value):
    return None if is_relative_path(value) else "is not a relative path inside the site"


def _site_file(value):
    if _path(value):
        return _path(value)
    return "names a file the builder writes itself" if value in RESERVED else None


def _one_of(*allowed):
    def one_of(value):
        return None if value in allowed else f"is not one of {', '.join(map(repr, allowed))}"
    return one_of


def _json_value(value, depth=0):
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "is not a finite number"
    if depth > 8:
        return "nests too deeply"
    if isinstance(value, list):
        return next(filter(None, (_json_value(v, depth + 1) for v in value)), None)
    if isinstance(value, dict):
        return next(filter(None, (_json_value(v, depth + 1) for v in value.values())), None)
    return "is not a JSON value"


def _list(check):
    def of(value):
        if not isinstance(value, list):
            return "is not a list"
        for n, item in enumerate(value):
            problem = check(item)
            if problem:
                return f"item {n} {problem}"
        return None
    return of


def _mapping(keys, values):
    def of(value):
        if not isinstance(value, dict):
            return "is not an object"
        for key, item in value.items():
            problem = keys(key) or values(item)
            if problem:
                return f"entry {key!r} {problem}"
        return None
    return of


_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:")


def looks_like_a_link_away(value: str) -> bool:
    """``value`` would leave the site as an ``href``: a scheme (``javascript:``, ``http:``; read
    as a browser reads it, with whitespace and control characters dropped), or a path from the
    root (``/x``, ``//host``, ``\\x``)."""
    squashed = "".join(c for c in value if c.isprintable() and not c.isspace()).lower()
    return bool(_SCHEME.match(squashed)) or squashed.startswith(("/", "\\"))


def _figure(value):
    """A key-figure row: ``[name, figure, …]``, strings; what follows the figure (a period, a
    link into the site) never leads away from the site."""
    if not isinstance(value, list) or not 2 <= len(value) <= 6 or not all(isinstance(v, str) for v in value):
        return "is not a row of 2 to 6 texts"
    if any(looks_like_a_link_away(v) for v in value[2:]):
        return "links outside the site"
    return None


def _notebook_name(value):
    return None if is_relative_path(value) and "/" not in value else "is not a notebook name"


#: Each field the builder reads: its check. A field may be absent (an older manifest); when
#: present it must pass.
ENTRY = {
    "notebook": _path, "title": _text, "parameters": _mapping(_text, _json_value),
    "status": _one_of("ok", "failed"), "error": _text, "duration_s": _number, "input_hash": _text,
    "built_at": _text, "executed_notebook": _optional(_path), "versions": _mapping(_text, _text),
    "page": _optional(_path), "last_good_at": _optional(_text), "data": _optional(_text),
    "data_hash": _optional(_text), "findings": _list(_text), "error_log": _optional(_path),
    "figures": _list(_path),
    # written by the run and render caches being added beside this module (wp-core)
    "run_key": _text, "render_key": _text, "rendered_at": _text, "executed_sha256": _optional(_hex),
    "ids": _list(_text), "key_figures": _list(_json_value), "timings": _mapping(_text, _number),
}


def _record(fields):
    def of(value):
        if not isinstance(value, dict):
            return "is not an object"
        for key, check in fields.items():
            if key in value:
                problem = check(value[key])
                if problem:
                    return f"{key} {problem}"
        return None
    return of


SCHEMA = {
    "lang": _text, "data": _optional(_text), "data_hash": _optional(_text), "data_version": _text,
    "built_at": _text, "versions": _mapping(_text, _text),
    "key_figures": _record({"key": _text, "figures": _list(_figure)}),
    "notebooks": _mapping(_notebook_name, _record(ENTRY)),
    "index": _record({"key": _text, "sha256": _hex}),
    "site": _record({"key": _text, "built_at": _text, "files": _mapping(_site_file, _hex),
                     "timings": _mapping(_text, _number)}),
    "scenario": _json_value,
}
_NESTED = {"key_figures": {"key", "figures"}, "index": {"key", "sha256"},
           "site": {"key", "built_at", "files", "timings"}}


def problems(manifest, lang: str, strict: bool = False) -> list[str]:
    """What makes ``manifest`` unusable as ``lang``'s manifest, each as a phrase; ``[]`` if none.

    ``strict`` also names fields the schema does not know.
    """
    if not isinstance(manifest, dict):
        return ["is not a JSON object"]
    found = []
    if manifest.get("lang", lang) != lang:
        found.append(f"lang is {manifest.get('lang')!r}, not {lang!r}")
    for key, check in SCHEMA.items():
        if key in manifest:
            problem = check(manifest[key])
            if problem:
                found.append(f"{key} {problem}")
    if strict:
        found += [f"{key} is not in the schema" for key in manifest if key not in SCHEMA]
        for key, known in _NESTED.items():
            found += [f"{key}.{k} is not in the schema" for k in manifest.get(key, {}) if k not in known]
        for name, entry in manifest.get("notebooks", {}).items():
            found += [f"notebooks.{name}.{k} is not in the schema" for k in entry if k not in ENTRY]
    return found


def read(path: Path, lang: str, on_problem=warn) -> dict:
    """The manifest at ``path`` if it passes :func:`problems`; else ``{}`` (absent).

    An absent file is quietly absent; any other failure is one call of ``on_problem`` (by default
    a warning line on stderr), never an exception.
    """
    try:
        manifest = parse(read_regular(path))
        found = problems(manifest, lang)
        if found:
            raise ManifestError(found[0])
    except FileNotFoundError:
        return {}
    except OSError as err:
        on_problem(f"{path} cannot be read ({err.strerror}); it is treated as absent, so every page "
                   f"of this language is built again")
        return {}
    except ManifestError as err:
        on_problem(f"{path} is not a manifest this tool wrote ({err}); it is treated as absent, so every "
                   f"page of this language is built again")
        return {}
    return manifest
