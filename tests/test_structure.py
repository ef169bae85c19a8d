"""The code's shape: no import cycle among confcal's modules, no class too long to read."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src"
MAX_CLASS_LINES = 160


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {
        _module_name(path): ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted((SOURCE / "confcal").rglob("*.py"))
    }


def _type_checking(node: ast.stmt) -> bool:
    """``if TYPE_CHECKING:``: imports only the type checker follows."""
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(name: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The confcal modules ``name`` imports when it is imported (its module-level imports)."""
    package = name if name in known and (SOURCE / name.replace(".", "/") / "__init__.py").exists() else ""
    package = package or name.rpartition(".")[0]
    found: set[str] = set()
    statements = [node for node in tree.body if not _type_checking(node)]
    for node in statements:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from confcal import zones`
    return {module for module in found if module in known and module != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the modules along it (a depth-first search)."""
    cycles: list[list[str]] = []
    state: dict[str, str] = {}
    trail: list[str] = []

    def visit(module: str) -> None:
        state[module] = "open"
        trail.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target)
        trail.pop()
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_cycles_are_found() -> None:
    """The search itself: a cycle of three is reported, a diamond is not."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": set()}) == []


def test_imports_are_read_from_the_module_level() -> None:
    tree = ast.parse(
        "from confcal import zones\nfrom confcal.model import Event\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from confcal.cli import cli\n"
        "def later():\n    from confcal.build import build\n"
    )
    known = {"confcal.zones", "confcal.model", "confcal.cli", "confcal.build", "confcal.x"}
    assert _imports("confcal.x", tree, known) == {"confcal.zones", "confcal.model"}


def test_no_import_cycle_among_confcal_modules() -> None:
    modules = _modules()
    graph = {name: _imports(name, tree, set(modules)) for name, tree in modules.items()}
    assert len(graph) > 30
    assert _cycles(graph) == []


def test_no_class_is_longer_than_a_reader_can_hold() -> None:
    long = [
        f"{name}.{node.name}: {(node.end_lineno or node.lineno) - node.lineno + 1} lines"
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_CLASS_LINES
    ]
    assert long == []
