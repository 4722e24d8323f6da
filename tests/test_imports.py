"""The arrows point down: no import cycle, the bottom layer imports nothing above it, the builder
(``guilin_report``) imports nothing of the analysis (``guilin_analysis``) in any form, and the
analysis imports nothing of the builder but its display protocol (the plug-in aside)."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

from guilin_analysis.paths import PACKAGE_DIR, REPO_ROOT

#: The bottom layer (DESIGN.md): where things are, every word, and formatting.
BOTTOM = {"paths", "labels", "formatting"}
BUILDER_DIR = REPO_ROOT / "src" / "guilin_report"
ANALYSIS, BUILDER = "guilin_analysis", "guilin_report"
#: The one module of the builder the analysis may import: the display protocol's constants.
PROTOCOL = "guilin_report.protocol"
#: The analysis' plug-in for the builder: it may import the builder.
PLUGIN = "sitepages"
#: Functions that import a module named by a string.
_IMPORTERS = {"import_module", "__import__", "find_spec", "run_module", "find_loader", "load_module",
              "spec_from_file_location"}


def _module(path, root=PACKAGE_DIR) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def _graph(root=PACKAGE_DIR) -> dict[str, set[str]]:
    """Module -> the package modules it imports relatively (at any depth of the file)."""
    modules = {_module(p, root): p for p in root.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, node.module] if node.module else base)
                for alias in node.names:
                    full = f"{target}.{alias.name}" if target else alias.name
                    found.add(full if full in modules else target)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a list of modules, or None."""
    state: dict[str, int] = {}

    def visit(node, trail):
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*trail, node, nxt]
            if not state.get(nxt) and (found := visit(nxt, [*trail, node])):
                return found
        state[node] = 2
        return None

    for node in sorted(graph):
        if not state.get(node) and (found := visit(node, [])):
            return found
    return None


def references(source: str, package: str) -> list[str]:
    """Every way ``source`` names ``package`` for import, at any depth: ``import``, ``from …
    import`` (absolute), a string given to an importing function (``importlib.import_module``,
    ``__import__``, ``find_spec``, ``runpy.run_module``, …), a dotted or entry-point string
    (``"pkg.mod"``, ``"pkg.mod:attr"``) and code in a string (``exec("import pkg")``). Also any
    importing call whose module name is computed (it could name anything)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] == package]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] == package:
                found.append(f"from {node.module} import {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _IMPORTERS and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    if arg.value.split(".")[0] == package:
                        found.append(f"{name}({arg.value!r})")
                elif not (isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant)
                          and str(arg.values[0].value).startswith(".")):
                    found.append(f"{name}(<computed name, line {node.lineno}>)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            dotted = text.split(":")[0].strip()
            if (dotted.startswith(f"{package}.") or dotted.startswith(f"{package}:")
                    or (dotted == package and ":" in text)) and " " not in dotted:
                found.append(f"string {text!r}")
            elif f"import {package}" in text or f"from {package}" in text:
                found.append(f"code in a string {text[:40]!r}")
    return found


def test_the_reference_finder_finds_every_form():
    bad = textwrap.dedent("""
        import guilin_analysis
        import os, guilin_analysis.labels as labels
        from guilin_analysis.notebook import findings_of
        def later():
            from guilin_analysis import lookup
            importlib.import_module("guilin_analysis.data")
            __import__("guilin_analysis")
            getattr(importlib, "import_module")
            importlib.util.find_spec("guilin_analysis.labels")
            exec("from guilin_analysis import labels")
            name = "guilin_" + "analysis"
            importlib.import_module(name)
        POINT = "guilin_analysis.sitepages:plugin"
        """)
    found = references(bad, ANALYSIS)
    for expected in ["import guilin_analysis", "import guilin_analysis.labels",
                     "from guilin_analysis.notebook import findings_of", "from guilin_analysis import lookup",
                     "import_module('guilin_analysis.data')", "__import__('guilin_analysis')",
                     "find_spec('guilin_analysis.labels')", "code in a string 'from guilin_analysis import labels'",
                     "import_module(<computed name, line 13>)", "string 'guilin_analysis.sitepages:plugin'"]:
        assert expected in found, (expected, found)
    clean = textwrap.dedent("""
        from . import paths
        from .labels import label
        import_module(f".{_LAZY[name]}", __name__)
        KEY = "guilin_analysis"          # a metadata key, not a module
        text = "the guilin_analysis package"
        """)
    assert references(clean, ANALYSIS) == []


#: The one computed import the builder may make: the warm-kernel zygote (a kernel's parent, not
#: the builder's process) imports the modules the plug-in names (``Plugin.kernel_preload``).
ZYGOTE_IMPORT = ("src/guilin_report/warm.py", "__import__(<computed name, line")


def test_the_builder_imports_nothing_of_the_analysis():
    files = sorted(BUILDER_DIR.rglob("*.py"))
    assert len(files) > 10                                   # the builder is read
    for path in files:
        rel = path.relative_to(REPO_ROOT).as_posix()
        found = [f for f in references(path.read_text(encoding="utf-8"), ANALYSIS)
                 if not (rel == ZYGOTE_IMPORT[0] and f.startswith(ZYGOTE_IMPORT[1]))]
        assert not found, (rel, found)
    warm = (REPO_ROOT / ZYGOTE_IMPORT[0]).read_text(encoding="utf-8")
    assert warm.count("__import__(") == 1 and "def _zygote_main" in warm   # only in the zygote


def test_the_analysis_imports_of_the_builder_only_its_protocol():
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        name = _module(path)
        if name.split(".")[0] == PLUGIN:
            continue
        found = [f for f in references(path.read_text(encoding="utf-8"), BUILDER)
                 if f not in (f"import {PROTOCOL}", f"from {PROTOCOL} import") and not f.startswith(f"from {PROTOCOL} ")
                 and f != f"from {BUILDER} import protocol"]
        assert not found, (name, found)


def test_the_builder_runs_with_the_analysis_unimportable(tmp_path):
    """In a fresh interpreter where importing guilin_analysis fails, every builder module imports
    and a build with no plug-in publishes its pages (a fake executor stands in for kernels)."""
    code = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        class Refuse:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "guilin_analysis":
                    raise ImportError("guilin_analysis is not importable here")
        sys.meta_path.insert(0, Refuse())
        sys.path.insert(0, "tests")
        import guilin_report, guilin_report.plugin as plugin
        for info in pkgutil.iter_modules(guilin_report.__path__):
            importlib.import_module("guilin_report." + info.name)
        plugin.load = lambda: plugin.NoPlugin()
        from build_helpers import build_in_process, notebook
        from pathlib import Path
        nbs = Path({str(tmp_path)!r}) / "nbs"
        nbs.mkdir()
        notebook(nbs / "01_alone.ipynb", "", 'print("alone")')
        code, err, fake = build_in_process("build", "--out", nbs.parent / "out", "--notebooks-dir", nbs,
                                           "--data-dir", nbs, plugin=plugin.NoPlugin())
        assert code == 0, err
        assert (nbs.parent / "out" / "en" / "01_alone.html").is_file()
        assert not [m for m in sys.modules if m.split(".")[0] == "guilin_analysis"]
        print("ran", fake.names())
        """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ran ['01_alone', '01_alone']" in result.stdout


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    graph = _graph()
    assert "lookup" in graph["consistency"] and "formatting" in graph["lookup"]   # the graph is read
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))
    builder = _graph(BUILDER_DIR)
    assert "plan" in builder["run"] and "declared" in builder["pages"]
    assert _cycle(builder) is None, " -> ".join(_cycle(builder))


def test_the_bottom_layer_imports_nothing_above_it():
    graph = _graph()
    for name in BOTTOM:
        assert graph[name] <= BOTTOM, (name, graph[name] - BOTTOM)
    builder = _graph(BUILDER_DIR)
    bottom = {"paths", "labels", "errors", "protocol"}     # protocol: the standard library only
    for name in (*bottom, "declared"):
        assert builder[name] <= bottom, (name, builder[name])
    assert not builder["protocol"], builder["protocol"]
