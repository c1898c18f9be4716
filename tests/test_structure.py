"""The import graph of ``gzgeo``: every module imports, no cycle, no upward import.

The graph is read with :mod:`ast` from the source, so an import written inside a
function counts as much as one at the top of a module: a cycle hidden in a
function still ties two modules together for whoever reads or changes them.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PKG_DIR = Path(__file__).resolve().parents[1] / "gzgeo"

#: User interfaces: nothing else in the package may import them.
UI_MODULES = {
    "gzgeo.cli",
    "gzgeo.__main__",
    "gzgeo.auth_cli",
    "gzgeo.app_auth",
    "gzgeo.appdata",
    "gzgeo.workspace.panel",
}
#: Whole views (a map, a slide, a figure, a file): the UI and the exports use them; the
#: library below them (data, CRS, analysis, styles, selection, map layers) never does.
VIEW_MODULES = {
    "gzgeo.maps",
    "gzgeo.webmap",
    "gzgeo.cartography",
    "gzgeo.deck",
    "gzgeo.export",
    "gzgeo.snapshot",
    "gzgeo.planmap",
    "gzgeo.plancarto",
    "gzgeo.plandeck",
}
#: The one deliberate edge back: ``gzgeo.load("platforms")`` applies the active workspace
#: (imported inside ``load``, only when a workspace is asked for), and the workspace records
#: platforms with the layer schema. Every other edge counts.
ALLOWED_EDGES = {("gzgeo.layers", "gzgeo.workspace.overlay")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG_DIR.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PKG_DIR.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom, is_pkg: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    if not is_pkg:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_graph() -> dict[str, set[str]]:
    """Edges ``module -> gzgeo modules it imports`` (module- and function-level)."""
    mods = _modules()
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(mod, node, is_pkg)
                targets = [f"{base}.{a.name}" for a in node.names] + [base]
            for t in targets:
                # map "gzgeo.x.y" to the longest known module prefix
                parts = t.split(".")
                while parts and ".".join(parts) not in mods:
                    parts.pop()
                if parts:
                    dep = ".".join(parts)
                    # a package's __init__ re-exporting its children, or a child
                    # importing its own package, is not a dependency between layers
                    if dep != mod and not dep == "gzgeo" and not mod.startswith(dep + "."):
                        graph[mod].add(dep)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@pytest.mark.parametrize("module", sorted(_modules()))
def test_every_module_imports(module):
    importlib.import_module(module)


def test_every_gzgeo_import_resolves():
    # an import inside a function is only run when called: check every one names a real module
    mods = _modules()
    missing = []
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = _resolve(mod, node, path.name == "__init__.py")
                if base.split(".")[0] == "gzgeo" and base not in mods:
                    missing.append((mod, base))
            elif isinstance(node, ast.Import):
                missing += [(mod, a.name) for a in node.names if a.name.startswith("gzgeo.") and a.name not in mods]
    assert missing == []


def test_no_import_cycle():
    graph = {m: {d for d in deps if (m, d) not in ALLOWED_EDGES} for m, deps in import_graph().items()}
    cycles = find_cycles(graph)
    assert cycles == [], f"import cycles among gzgeo modules: {cycles}"


def _rank(module: str) -> int:
    if module == "gzgeo" or module in UI_MODULES:
        return 2  # the package facade re-exports everything, lazily
    # a view package's modules (gzgeo.webmap.legend) are views too
    return 1 if any(module == v or module.startswith(v + ".") for v in VIEW_MODULES) else 0


def test_no_upward_import():
    graph = import_graph()
    upward = sorted((m, d) for m, deps in graph.items() for d in deps if _rank(d) > _rank(m))
    assert upward == [], f"modules importing a layer above their own (library < views < UI): {upward}"


def test_view_and_ui_modules_exist():
    # a renamed module must not silently drop out of the rule
    assert (UI_MODULES | VIEW_MODULES) <= set(_modules())


def test_cycle_finder_sees_a_cycle():
    # the checker itself must be able to fail
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_every_static_map_preset_has_one_view_function():
    from gzgeo import cartography

    # plan_stages is a figure of its own (small multiples); every other preset is one entry of the table
    assert set(cartography._PRESET_VIEWS) == set(cartography.PRESETS) - {"plan_stages"}
    assert len(set(cartography._PRESET_VIEWS.values())) == len(cartography._PRESET_VIEWS)


#: gzgeo imports written inside a function on purpose, each with its reason; any other belongs at the top of
#: its module. The command lines (``gzgeo.cli``, ``gzgeo.workspace.cli``) import inside their commands so that
#: ``gzgeo --help`` starts fast, and are left out.
DEFERRED_IMPORTS = {
    ("gzgeo.layers", "gzgeo.workspace.overlay"): "the one allowed edge back (ALLOWED_EDGES)",
    ("gzgeo.cartography", "gzgeo.plancarto"): "plancarto imports cartography's modules: a top-level import is a circle",
    ("gzgeo.deck", "gzgeo.plandeck"): "plandeck imports deck.slides: a top-level import is a circle",
    ("gzgeo.export", "gzgeo.webmap"): "folium, only for html",
    ("gzgeo.orientation", "gzgeo.literalrender"): "folium, only for web maps (static maps use orientation too)",
    ("gzgeo.export", "gzgeo.offline"): "folium, only for html",
    ("gzgeo.export", "gzgeo.cartography"): "matplotlib, only for png/svg/pdf",
    ("gzgeo.export", "gzgeo.deck"): "python-pptx and matplotlib, only for pptx",
    ("gzgeo.workspace", "gzgeo.workspace.postgis"): "each driver loads when its workspace is opened",
    ("gzgeo.workspace", "gzgeo.workspace.gpkg"): "each driver loads when its workspace is opened",
    ("gzgeo.workspace.panel", "gzgeo.app_auth"): "app_auth imports streamlit, which the panel loads when drawn",
}
_START_UP = {"gzgeo.cli", "gzgeo.workspace.cli"}


def _function_level_imports() -> set[tuple[str, str]]:
    mods = _modules()
    found = set()
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_pkg = path.name == "__init__.py"
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom):
                    base = _resolve(mod, node, is_pkg)
                    targets = [f"{base}.{a.name}" for a in node.names]
                elif isinstance(node, ast.Import):
                    targets = [a.name for a in node.names]
                else:
                    continue
                for t in targets:
                    parts = t.split(".")
                    while parts and ".".join(parts) not in mods:
                        parts.pop()
                    if parts and parts[0] == "gzgeo":
                        found.add((mod, ".".join(parts)))
    return found


def test_function_level_imports_are_deliberate():
    found = _function_level_imports()
    assert ("gzgeo.layers", "gzgeo.workspace.overlay") in found  # the finder sees an import inside a function
    deferred = {(m, d) for m, d in found if m not in _START_UP}
    stray = deferred - set(DEFERRED_IMPORTS)
    assert stray == set(), f"import these at the top of the module: {sorted(stray)}"
