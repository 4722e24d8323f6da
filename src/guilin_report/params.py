"""Notebook parameters and command-line limits, typed and checked before any kernel starts.

In: a folder of numbered notebooks, the names given to ``--only`` and the ``-p NAME VALUE``
pairs of the command line. Out: the notebooks to build and, per notebook, its overrides typed
like the defaults in its ``parameters`` cell (as papermill reads them), or a
:class:`~.errors.UsageError` naming the parameter and the notebook.
"""
from __future__ import annotations

import ast
import json
import math
import os
import re
from pathlib import Path

from .paths import NOTEBOOKS_DIR
from .errors import BuildError, UsageError

DEFAULT_TIMEOUT = 600          # seconds a notebook may run (--timeout)
DEFAULT_WAIT = 3600            # seconds a build waits for another one's lock (--wait)
MAX_TIMEOUT = 7 * 24 * 3600    # the longest --timeout and --wait: a week (larger overflows the kernel's clock)
DEFAULT_MAX_OUTPUT_MB = 10     # megabytes of output a cell may show on its page (--max-output-mb)
MAX_OUTPUT_MB = 1000
SCENARIO_PARAMETER = "overrides"   # the notebook parameter a scenario's figures are passed in


def discover(only: list[str] | None = None, notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``), optionally only those named in ``only``.

    A notebook must be a regular file in the folder: a symbolic link (it would publish what it
    points at) or a FIFO, device or socket (it would block the build) is refused in one sentence."""
    import stat

    found = sorted(p for p in Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    for path in found:
        mode = os.lstat(path).st_mode
        if not stat.S_ISREG(mode):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise UsageError(f"{path} is {kind}; a notebook must be a regular file in {notebooks_dir}")
    if not only:
        return found
    by_name = {p.stem: p for p in found}
    picked = []
    for name in only:
        match = by_name.get(name) or by_name.get(Path(name).stem) or next(
            (p for stem, p in by_name.items() if stem.split("_", 1)[-1] == name), None)
        if match is None:
            raise UsageError(f"unknown notebook {name!r}; known: {', '.join(by_name)}")
        picked.append(match)
    return sorted(set(picked))


def notebook_parameters(path: Path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell, as papermill reads them.

    Returns ``{name: {"default": "'zh'", "inferred_type_name": "str", "help": ...}}``; raises
    :class:`~.errors.BuildError` (one sentence) for a file that is not a readable notebook.
    """
    import papermill

    try:
        return papermill.inspect_notebook(str(path))
    except Exception as err:  # invalid JSON, not a notebook, unreadable file
        first_line = (str(err).strip().splitlines() or [""])[0][:200]
        raise BuildError(f"{path} is not a readable notebook ({type(err).__name__}"
                         f"{': ' + first_line if first_line else ''})") from None


_BOOLS = {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}


def declared_type(spec: dict) -> str:
    """The type of a parameter: its annotation if any, else the type of its default literal."""
    kind = spec.get("inferred_type_name", "None")
    if kind not in ("None", ""):
        return kind
    try:
        return type(ast.literal_eval(spec.get("default", "None"))).__name__
    except (ValueError, SyntaxError):
        return "None"


def coerce(name: str, value: str, spec: dict, notebook: str) -> object:
    """Turn the command-line string ``value`` into the type of the parameter's default.

    ``None`` defaults (``data_dir = None``) take any string; ``bool`` takes true/false/yes/no/1/0;
    ``list`` and ``dict`` take JSON. Raises :class:`UsageError` naming the parameter and notebook.
    """
    kind = declared_type(spec)
    declared = f"(notebook {notebook} declares {name} = {spec.get('default')})"
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "bool":
            return _BOOLS[value.lower()]
        if kind in ("list", "dict"):
            parsed = json.loads(value)
            if type(parsed).__name__ != kind:
                raise ValueError
            return parsed
    except (ValueError, KeyError):
        raise UsageError(f"parameter {name}={value!r} is not a valid {kind} {declared}") from None
    return value


def resolve_parameters(notebooks: list[Path], overrides: list[tuple[str, str]]) -> dict[str, dict]:
    """Check ``-p NAME VALUE`` pairs against every notebook before any kernel starts.

    A name must be a parameter of at least one selected notebook; each notebook gets the
    overrides it declares, typed like its default. Raises :class:`UsageError`.
    """
    result: dict[str, dict] = {p.stem: {} for p in notebooks}
    if not overrides:
        return result
    specs = {p.stem: notebook_parameters(p) for p in notebooks}
    for name, value in overrides:
        if name in ("lang", "data_dir"):
            raise UsageError(f"set {name} with --{name.replace('_', '-')}, not with -p")
        if name == SCENARIO_PARAMETER:
            raise UsageError("set a scenario's figures with --set ID=VALUE, not with -p overrides")
        declared = [stem for stem, spec in specs.items() if name in spec]
        if not declared:
            known = sorted({n for spec in specs.values() for n in spec} - {"lang", "data_dir", SCENARIO_PARAMETER})
            raise UsageError(f"unknown parameter {name!r}; the selected notebooks take: "
                             f"{', '.join(known) or 'no other parameters'}")
        for stem in declared:
            result[stem][name] = coerce(name, value, specs[stem][name], stem)
    return result


def whole_number(option: str, value: str | int, minimum: int = 1, unit: str = "seconds",
                 maximum: int | None = None) -> int:
    """A command-line count (of seconds, by default): a whole number of at least ``minimum``
    and, when given, at most ``maximum``.

    papermill and nbclient take integer timeouts; ``--timeout 2.5`` is refused here, in one
    sentence, instead of failing every notebook later, and so is ``--timeout 3000000`` (more
    than :data:`MAX_TIMEOUT`), which would overflow a timer later. Raises :class:`UsageError`.
    """
    what = f"a whole number of {unit}" if unit else "a whole number"
    try:
        number = int(str(value).strip())
    except ValueError:
        raise UsageError(f"{option} takes {what}, not {value!r}") from None
    if number < minimum:
        raise UsageError(f"{option} must be at least {minimum}, not {number}")
    if maximum is not None and number > maximum:
        limit = f"{maximum} {unit} ({maximum // 86400} days)" if unit == "seconds" and maximum % 86400 == 0 \
            else f"{maximum}"
        raise UsageError(f"{option} must be at most {limit}, not {number}")
    return number


_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def parse_scenario(pairs: list[str]) -> dict[str, int | float]:
    """``--set ID=VALUE`` pairs as ``{id: number}`` (an integer when VALUE is written as one).

    Digits are ASCII only; an id is given once. Raises :class:`UsageError` naming the pair.
    Whether the data has the id is the plug-in's to say (:meth:`.plugin.Plugin.scenario`)."""
    found: dict[str, int | float] = {}
    for pair in pairs:
        ident, sep, value = pair.partition("=")
        ident, value = ident.strip(), value.strip()
        if not sep or not _ID.fullmatch(ident):
            raise UsageError(f"--set takes ID=VALUE (a data id, then a number), not {pair!r}")
        if not _NUMBER.fullmatch(value):
            raise UsageError(f"--set {ident}: {value!r} is not a number")
        if ident in found:
            raise UsageError(f"--set {ident} is given twice")
        number = float(value)
        if not math.isfinite(number):
            raise UsageError(f"--set {ident}: {value!r} is not a finite number")
        found[ident] = int(value) if re.fullmatch(r"-?[0-9]+", value) else number
    return found


def scenario_notebooks(notebooks: list[Path]) -> None:
    """A scenario needs every selected notebook to take the ``overrides`` parameter; else its
    page would show the report's figures under a scenario header. Raises :class:`UsageError`."""
    missing = [p.stem for p in notebooks if SCENARIO_PARAMETER not in notebook_parameters(p)]
    if missing:
        raise UsageError(f"a scenario (--set) needs notebooks that take the parameter {SCENARIO_PARAMETER!r}; "
                         f"{', '.join(missing)} do{'es' * (len(missing) == 1)} not")
