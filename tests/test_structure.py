"""The modules' shape: module-level imports between confcal's modules form no cycle, and no class
is longer than a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "confcal"
MAX_CLASS_LINES = 150


def module_imports(path: Path) -> set[str]:
    """The confcal modules ``path`` imports when it is imported (not under TYPE_CHECKING, not
    inside a function)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module == "confcal":  # from confcal import zones
            found.update(f"confcal.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("confcal."):
            found.add(str(node.module))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("confcal."))
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_between_modules() -> None:
    graph = {module_name(path): module_imports(path) for path in PACKAGE.rglob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, "import cycle: " + " → ".join((*path, module))
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert "confcal.build" in graph["confcal.diff"], "the walk sees imports"
    assert "confcal.load.reader" in graph["confcal.load"], "and the modules of a package"


def class_lengths(source: str) -> dict[str, int]:
    """Each class (nested ones too) by name, with its length in lines, decorators aside."""
    return {
        node.name: (node.end_lineno or node.lineno) - node.lineno + 1
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
    }


def test_class_lengths_are_measured() -> None:
    source = (
        "class Short:\n    x = 1\n\n\nclass Long:\n"
        + "    y = 2\n" * 200
        + "    class Inner:\n        z = 3\n"
    )
    assert class_lengths(source) == {"Short": 2, "Long": 203, "Inner": 2}


def test_no_class_is_over_150_lines() -> None:
    long = [
        f"{module_name(path)}.{name}: {length} lines"
        for path in sorted(PACKAGE.rglob("*.py"))
        for name, length in class_lengths(path.read_text(encoding="utf-8")).items()
        if length > MAX_CLASS_LINES
    ]
    assert long == [], "split these by concern"


def test_properties_fail_for_what_they_find_not_for_time() -> None:
    """Hypothesis's default 200 ms per example fails properties on a loaded CI runner (conftest)."""
    from hypothesis import settings

    assert settings.default.deadline is None
