"""The layers of ARCHITECTURE.md hold: no module imports one of a higher layer, no import
cycle, and Textual is imported under reader/tui/ only."""

from __future__ import annotations

import ast
from pathlib import Path

import reader

PACKAGE = Path(reader.__file__).parent

# Lowest first; a module may import its own layer and those before it.
LAYERS = (
    ("reader.model", "reader.limits", "reader.paths", "reader.resources", "reader.lazy"),
    ("reader.text", "reader.atomic", "reader.links"),
    ("reader.loading", "reader.markdown", "reader.markup", "reader.ordering"),
    ("reader.search",),
    ("reader.index",),
    ("reader.articles", "reader.state", "reader.config", "reader.watch"),
    ("reader.listing", "reader.stats", "reader.export", "reader.saved_searches"),
    ("reader.cli_common",),
    ("reader.cli", "reader.cli_overview", "reader.cli_related", "reader.cli_search", "reader.tui"),
    ("reader", "reader.__main__", "reader.launch"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def layer_of(module: str) -> str:
    """The layer entry a module belongs to: itself, or its package two levels deep."""
    parts = module.split(".")
    for size in (len(parts), 2, 1):
        name = ".".join(parts[:size])
        if name in RANK:
            return name
    raise AssertionError(f"{module} is in no layer of ARCHITECTURE.md")


MODULES = {module_name(path): imports_of(path) for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {
    module: {name for name in names if name in MODULES and name != module}
    for module, names in MODULES.items()
}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [
        f"{module} imports {name}"
        for module, names in GRAPH.items()
        for name in names
        if RANK[layer_of(name)] > RANK[layer_of(module)]
        and name != "reader"  # `from reader import __version__`: the version, one place
    ]
    assert upward == []


def test_no_import_cycle() -> None:
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            raise AssertionError(" -> ".join((*path[path.index(module) :], module)))
        if module in done:
            return
        for name in GRAPH[module]:
            visit(name, (*path, module))
        done.add(module)

    for module in GRAPH:
        visit(module, ())


def test_only_the_interface_imports_textual() -> None:
    outside = [
        module
        for module, names in MODULES.items()
        if not module.startswith("reader.tui")
        and any(name == "textual" or name.startswith("textual.") for name in names)
    ]
    assert outside == []
