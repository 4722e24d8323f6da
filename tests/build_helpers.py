"""Helpers for the command-line tests of the builder: run it, snapshot a folder, small notebooks."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from html.parser import HTMLParser

import nbformat

from guilin_analysis.paths import REPO_ROOT

CLI = [sys.executable, "-m", "guilin_report.cli"]


def run(*args, env=None, timeout=600, **kwargs):
    """``guilin-report ARGS`` in a subprocess; the completed process (text output)."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True,
                          cwd=REPO_ROOT, env=env, timeout=timeout, **kwargs)


def run_patched(patch: str, *args, env=None, timeout=600):
    """``guilin-report ARGS`` in a subprocess that first runs the Python code ``patch``
    (to simulate a full disk or a crash at a chosen point)."""
    code = textwrap.dedent(patch) + textwrap.dedent("""
        import sys
        from guilin_report.cli import main
        sys.exit(main(sys.argv[1:]))
        """)
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True,
                          text=True, cwd=REPO_ROOT, env=env, timeout=timeout)


def snapshot(folder):
    """Every file under folder with its bytes: equal snapshots mean nothing changed."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".build.lock"}


def notebook(path, params: str, *cells, markdown: str | None = None) -> None:
    """A small numbered notebook: a heading, a ``parameters`` cell (``lang``, ``data_dir`` and
    ``params``), then one code cell per string in ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('lang = "zh"\ndata_dir = None\n' + params)
    parameters.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown or f"# {path.stem}"), parameters,
                *(nbformat.v4.new_code_cell(body) for body in cells)]
    nbformat.write(nb, path)


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie waiting for its parent counts as ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class LiveMarkup(HTMLParser):
    """What in an HTML page a browser would run: script elements, event-handler attributes and
    ``javascript:`` URLs (text that merely shows markup is not collected)."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.scripts, self.handlers, self.js_urls = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed"):
            self.scripts.append((tag, attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value))
            squashed = "".join((value or "").split()).lower()
            if name in self.URL_ATTRIBUTES and squashed.startswith(("javascript:", "vbscript:", "data:text/html")):
                self.js_urls.append((tag, name, value))

    handle_startendtag = handle_starttag
