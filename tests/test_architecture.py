"""The import graph: no cycles, no import from a lower layer to a higher one, small modules.

The layers, lowest first, are the contract written in docs/design-notes.md
("Layers"): a module may import its own layer and the layers below it, at
module level or inside a function alike.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent / "taskmining"

#: lowest first; the first element of a module's dotted name (below taskmining) decides its layer
LAYERS: list[set[str]] = [
    {"errors", "_unique", "_progress", "_registry", "_lazy", "_version"},
    {"schema", "_frames"},
    {"io"},
    {"privacy"},
    {"draw"},
    {"recorder"},
    {"datasets"},
    {"steps"},
    {"abstraction"},
    {"segmentation"},
    {"testing"},
    {"mining"},
    {"export"},
    {"reporting"},
    {"batch"},
    {"cli", "__main__"},
]
MAX_LINES = 450


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """(module-level imports, all imports) of taskmining modules in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    every: set[str] = set()

    def found(name: str, node: ast.AST) -> None:
        if name == "taskmining" or name.startswith("taskmining."):
            every.add(name)
            if node in tree.body:
                top.add(name)

    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0:
            found(stmt.module, stmt)
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                found(alias.name, stmt)
    return top, every


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the package itself: the lazy public API, above every layer
    for i, names in enumerate(LAYERS):
        if parts[1] in names:
            return i
    raise AssertionError(f"{module}: in no layer; add it to LAYERS and to docs/design-notes.md")


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking_block(path: Path) -> set[str]:
    """Imports inside ``if TYPE_CHECKING:`` blocks (not run, not part of the graph)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.module:
                    names.add(sub.module)
    return names


def test_every_module_is_in_a_layer() -> None:
    for module in MODULES:
        _layer(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_upward(module: str) -> None:
    mine = _layer(module)
    if mine is None:
        return
    _, every = _imports(MODULES[module])
    hints = _is_type_checking_block(MODULES[module])
    upward = sorted(t for t in every - hints if (other := _layer(t)) is not None and other > mine)
    assert upward == [], f"{module} (layer {mine}) imports higher layers: {upward}"


def test_no_import_cycles_even_through_function_level_imports() -> None:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        _, every = _imports(path)
        hints = _is_type_checking_block(path)
        for target in every - hints:
            if target in MODULES and target != module and not module.startswith(target + "."):
                graph.add_edge(module, target)
    # a package importing its own children (lazy __init__ re-exports) is not a cycle
    for module in MODULES:
        if MODULES[module].name == "__init__.py":
            for child in list(graph.successors(module)) if module in graph else []:
                if child.startswith(module + "."):
                    graph.remove_edge(module, child)
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles[:5]}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_is_small(module: str) -> None:
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines (limit {MAX_LINES}); split it by idea"


def test_no_flat_algorithm_parts_in_segmentation() -> None:
    assert not list((ROOT / "segmentation").glob("_tr_*.py"))
