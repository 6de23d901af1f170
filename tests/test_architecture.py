"""The layout of src/coprod_kg/ (docs/architecture.md): no import cycle between modules,
arrows between stages pointing one way, no module longer than 500 lines.

Every import is read with `ast`, including those inside functions (the lazy imports that
keep `coprod-kg --help` light are imports all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "coprod_kg"
MAX_LINES = 500
STAGES = ("graph", "queries", "validation", "links", "authoring", "publishing")
TOP = "top"  # namespaces, settings, errors, text, the package's __init__

# stage -> the stages its modules may import (besides the top-level helpers)
ALLOWED: dict[str, set[str]] = {
    TOP: set(),
    "graph": {"graph"},
    "queries": {"graph", "queries"},
    "validation": {"graph", "queries", "validation"},
    "links": {"graph", "queries", "links"},
    "authoring": {"graph", "queries", "validation", "authoring"},
    "publishing": {"graph", "queries", "validation", "links", "publishing"},
    "commands": {*STAGES, "commands"},
    "cli": {*STAGES, "commands", "cli"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    if parts[1] in STAGES or parts[1] == "commands":
        return parts[1]
    if parts[1] in ("cli", "__main__", "entry"):
        return "cli"
    return TOP


def imports_of(module: str) -> set[str]:
    """The coprod_kg modules one module imports, anywhere in its body."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in MODULES else base)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (as a list of modules, first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def test_the_import_graph_is_read() -> None:
    # guards against a checker that finds nothing: these arrows exist today
    assert "coprod_kg.graph.load" in GRAPH["coprod_kg.graph.store"]
    assert "coprod_kg.queries.catalogue" in GRAPH["coprod_kg.validation.gates"]
    assert "coprod_kg.commands" in GRAPH["coprod_kg.cli"]


def test_no_module_imports_another_in_a_circle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_arrows_between_stages_point_one_way() -> None:
    wrong = [
        f"{module} ({stage_of(module)}) imports {target} ({stage_of(target)})"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if stage_of(target) != TOP and stage_of(target) not in ALLOWED[stage_of(module)]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_top_level_helpers_import_no_stage() -> None:
    for module in ("coprod_kg.namespaces", "coprod_kg.errors", "coprod_kg.settings"):
        assert all(stage_of(target) == TOP for target in GRAPH[module]), module


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_longer_than_500_lines(module: str) -> None:
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{MODULES[module]}: {lines} lines (split it by responsibility)"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_stays_light(stage: str) -> None:
    tree = ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{stage}/__init__.py: no docstring"
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)], (
        f"{stage}/__init__.py imports something: keep it light"
    )
