"""The package's arrows point down: no import cycle, and the bottom layer imports nothing above it."""
from __future__ import annotations

import ast


from guilin_analysis.paths import PACKAGE_DIR

#: The bottom layer (DESIGN.md): where things are, every word, and formatting.
BOTTOM = {"paths", "labels", "formatting"}


def _module(path) -> str:
    return ".".join(path.relative_to(PACKAGE_DIR).with_suffix("").parts).removesuffix(".__init__")


def _graph() -> dict[str, set[str]]:
    """Module -> the package modules it imports (at any depth of the file)."""
    modules = {_module(p): p for p in PACKAGE_DIR.rglob("*.py")}
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


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    graph = _graph()
    assert "lookup" in graph["consistency"] and "formatting" in graph["lookup"]   # the graph is read
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_bottom_layer_imports_nothing_above_it():
    graph = _graph()
    for name in BOTTOM:
        assert graph[name] <= BOTTOM, (name, graph[name] - BOTTOM)


def test_the_analysis_modules_do_not_import_the_builder_or_the_command_line():
    for name, imported in _graph().items():
        if name in {"", "cli"} or name.startswith("build"):
            continue
        assert not [m for m in imported if m == "cli" or m.startswith("build")], name
