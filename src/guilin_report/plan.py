"""What a build must do for each page: run the notebook, only render its page again, or keep it.

Running and rendering have separate keys (as jupyter-cache keeps running apart from caching):

* the **run key** (:func:`run_key`) covers what can change a notebook's outputs: its code cells
  (not its Markdown), its kernel, its parameters, the data's hash, the analysis code (the
  plug-in's :meth:`~.plugin.Plugin.code_paths`), the builder's executing code and the tool
  versions. While it matches the published one, no kernel starts;
* the **render key** (:func:`render_key`) covers what can change the page made from an executed
  notebook: the executed notebook's bytes, the current Markdown cells, the templates and CSS, the
  builder's code, ``--with-code`` and the chrome (navigation, words, citation, scenario).

The executed notebook is kept where the next build reads it (``<out>/<lang>/notebooks/``, also
published); :func:`read_executed` accepts it only when it parses and its SHA-256 is the one the
manifest recorded, else the notebook runs again. A page is rendered again from the executed
notebook's outputs and the current source's Markdown cells (:func:`.pages.compose`).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .paths import PACKAGE_DIR

CODE_SUFFIXES = (".py", ".j2", ".json", ".css")
_SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
#: The builder's modules whose change can change an executed notebook (the rest only renders).
EXECUTING = ("execute.py", "params.py")

RUN, RENDER, KEEP = "run", "render", "keep"


def paths_hash(paths, suffixes: tuple[str, ...] = CODE_SUFFIXES) -> str:
    """SHA-256 over the files (names and bytes) of ``paths`` (files or folders, walked in
    order), caches and checkpoints aside."""
    digest = hashlib.sha256()
    for root in paths:
        root = Path(root)
        if root.is_file():
            files = [(root.name, root)]
        else:
            files = []
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_PARTS)
                here = Path(dirpath)
                files += [((here / f).relative_to(root).as_posix(), here / f)
                          for f in sorted(filenames) if Path(f).suffix in suffixes]
        for name, path in files:
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def builder_hash(templates: Path) -> str:
    """The builder's code and its templates and CSS: what a page's rendering depends on."""
    return paths_hash([PACKAGE_DIR / name for name in sorted(os.listdir(PACKAGE_DIR)) if name.endswith(".py")]
                      + [Path(templates)])


def executing_hash() -> str:
    """The builder's code that runs a notebook (a change there can change its outputs)."""
    return paths_hash([PACKAGE_DIR / name for name in EXECUTING])


def plugin_hashes(plugin) -> tuple[str, str]:
    """``(analysis, plug-in)``: the hash of the code the notebooks run (``code_paths()``) and of
    the plug-in's own module folder (its pages and templates)."""
    analysis = paths_hash(plugin.code_paths())
    module = sys.modules.get(type(plugin).__module__)
    own = Path(module.__file__).parent if module is not None and getattr(module, "__file__", None) else None
    return analysis, paths_hash([own]) if own is not None else ""


def _cells(source: dict) -> list[dict]:
    return [c for c in source.get("cells", []) if isinstance(c, dict)]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def run_key(source: dict, parameters: dict, data_hash: str, analysis_hash: str, executing: str,
            tool_versions: dict) -> str:
    """The key of one notebook run: its code cells and kernel, parameters, data, code, tools.

    Markdown cells are not in it: editing prose never starts a kernel."""
    code = [_text(c.get("source")) for c in _cells(source) if c.get("cell_type") == "code"]
    kernel = ((source.get("metadata") or {}).get("kernelspec") or {}).get("name")
    payload = [code, kernel, parameters, data_hash, analysis_hash, executing, tool_versions]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def render_inputs(source: dict, lang: str, with_code: bool, builder: str, plugin_code: str,
                  chrome) -> str:
    """Everything a page depends on besides its executed notebook: the current cells' order and
    Markdown (by id), the builder's code, templates and CSS, the plug-in's code (the chart
    descriptions), ``--with-code`` and the chrome. A hash."""
    cells = [[c.get("cell_type"), c.get("id"), (c.get("metadata") or {}).get("tags", []),
              _text(c.get("source")) if c.get("cell_type") != "code" else None] for c in _cells(source)]
    payload = [cells, lang, with_code, builder, plugin_code, repr(chrome)]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def render_key(inputs: str, executed_sha256: str) -> str:
    """The key of one page: its render inputs and the bytes of the executed notebook it shows."""
    return hashlib.sha256(f"{inputs}\0{executed_sha256}".encode()).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_executed(path: Path, recorded: str | None) -> bytes | None:
    """The bytes of a published executed notebook when they can be trusted: the file exists,
    its SHA-256 is ``recorded`` (the manifest's) and it parses as a notebook; else ``None``."""
    from .manifest import ManifestError, read_regular

    try:
        data = read_regular(Path(path), 512 << 20)    # a regular file only: never a FIFO or a device
    except (OSError, ManifestError):
        return None
    if not recorded or sha256(data) != recorded:
        return None
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    return data


@dataclass(frozen=True)
class Decision:
    """What to do for one page, and why (for tests and the progress lines)."""

    action: str                 # RUN, RENDER or KEEP
    reason: str
    executed: bytes | None = None   # the published executed notebook, for RENDER


def decide(previous: dict, run: str, inputs: str, executed_path: Path, page_exists: bool,
           force: bool) -> Decision:
    """Run when forced, when the last run failed or its key differs, or when the executed
    notebook cannot be read back as recorded; render when the render key differs or the page is
    missing; else keep."""
    if force:
        return Decision(RUN, "--force")
    if previous.get("status") != "ok":
        return Decision(RUN, "not built" if not previous else "the last run failed")
    if previous.get("run_key") != run:
        return Decision(RUN, "its code, parameters, data or tools changed")
    executed = read_executed(executed_path, previous.get("executed_sha256"))
    if executed is None:
        return Decision(RUN, "its executed notebook is missing or differs from the manifest's record")
    if previous.get("render_key") != render_key(inputs, sha256(executed)) or not page_exists:
        return Decision(RENDER, "its Markdown, templates, CSS or navigation changed", executed)
    return Decision(KEEP, "up to date")
