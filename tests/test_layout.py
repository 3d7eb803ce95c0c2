"""The tree shows the architecture: imports point one way (cli → engine → components → profiles
→ system) and no module imports itself back through others.

Every import counts, function-level ones included: a lazy import is still a dependency. Only
imports under `if TYPE_CHECKING:` are left out, because they never run.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Optional

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bootstrap"

# lowest first: a module may import its own layer and the layers below it
LAYERS = ("bootstrap.system", "bootstrap.profiles", "bootstrap.components", "bootstrap.engine", "bootstrap.cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> Optional[int]:
    if module == "bootstrap.__main__":
        return len(LAYERS) - 1  # `python -m bootstrap` is the CLI
    for rank, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return None  # the package itself: only its version, importable from anywhere


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(module: str) -> set[str]:
    """The bootstrap modules `module` imports when it runs (as modules, not names in them)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child):
                for other in child.orelse:
                    visit_one(other)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "bootstrap")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            if source.split(".")[0] != "bootstrap":
                return
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES else source)
        else:
            visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    found.discard(module)
    return found


GRAPH = {m: imports(m) for m in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def test_every_import_resolves_to_a_module() -> None:
    unknown = {f"{m} imports {i}" for m, deps in GRAPH.items() for i in deps if i not in MODULES}
    assert not unknown, sorted(unknown)


def test_no_import_cycles() -> None:
    assert cycles(GRAPH) == []


def test_the_check_finds_a_cycle() -> None:
    graph = {**GRAPH, "bootstrap.system.errors": {"bootstrap.engine.runs"}}
    assert any("bootstrap.system.errors" in group and "bootstrap.engine.runs" in group for group in cycles(graph))


def test_imports_point_down_the_layers() -> None:
    upward = []
    for module, deps in GRAPH.items():
        mine = layer(module)
        for dep in deps:
            theirs = layer(dep)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module} ({LAYERS[mine]}) imports {dep} ({LAYERS[theirs]})")
    assert not upward, "\n".join(sorted(upward))


def test_every_module_is_in_a_layer() -> None:
    assert [m for m in MODULES if layer(m) is None] == ["bootstrap"]


def test_top_level_shows_the_architecture() -> None:
    entries = sorted(p.name for p in PACKAGE.iterdir() if p.name != "__pycache__")
    assert len(entries) <= 12, entries
    assert {"cli", "engine", "components", "profiles", "system"} <= set(entries)


def test_every_component_has_its_package_and_says_what_it_uses() -> None:
    from bootstrap import components

    for name, dotted in components.MODULES.items():
        assert dotted == f"bootstrap.components.{name}.component"
        package = importlib.import_module(f"bootstrap.components.{name}")
        assert package.__doc__ and "Uses bootstrap." in package.__doc__, name


# bootstrap.__main__ is left out: importing it runs the CLI (the CLI tests do that)
@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "bootstrap.__main__"))
def test_module_imports(module: str) -> None:
    importlib.import_module(module)
