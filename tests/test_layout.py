"""The house in layers (DESIGN §1): tests mirror the package, imports point down.

`make lint` runs the import-linter contracts of pyproject.toml and this file. Here the
same graph (grimp, import-linter's engine) is checked for upward imports (the package
root counts as the CLI's layer) and for circles of any length, including those through
a package's `__init__` that the sibling contract cannot see; and every module must
have its mirrored test file.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "gdindex"
TESTS = Path(__file__).resolve().parent

#: DESIGN §1, top → bottom; a layer may import only the layers after it.
LAYERS = ["cli", "shell", "report", "analysis", "pipeline", "io", "spec", "methods"]
BOTTOM = ["errors", "version"]


def test_every_module_has_a_test_file_in_the_mirrored_folder() -> None:
    modules = [p for p in SRC.rglob("*.py") if p.name != "__init__.py"]
    missing = [
        str(p.relative_to(SRC))
        for p in modules
        if not (TESTS / p.parent.relative_to(SRC) / f"test_{p.stem}.py").exists()
    ]

    assert modules and missing == []


def test_every_top_level_module_is_a_declared_layer() -> None:
    children = {p.stem for p in SRC.iterdir() if p.suffix == ".py" or p.is_dir()}
    children -= {"__init__", "__pycache__"}

    assert children == set(LAYERS) | set(BOTTOM)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("gdindex")


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return 0  # the package root (the lazy public API) sits with the CLI
    name = parts[1]
    return LAYERS.index(name) if name in LAYERS else len(LAYERS)


def _edges(graph: grimp.ImportGraph) -> dict[str, list[str]]:
    modules = sorted(m for m in graph.modules if m != "gdindex")
    return {
        m: sorted(
            i for i in graph.find_modules_directly_imported_by(m) if i != "gdindex"
        )
        for m in modules
    }


def upward_imports(edges: dict[str, list[str]]) -> list[str]:
    """`importer -> imported` pairs where a layer imports one above it."""
    found = []
    for importer, imported in ((a, b) for a, bs in edges.items() for b in bs):
        a, b = _layer(importer), _layer(imported)
        if a is not None and b is not None and b < a:
            found.append(f"{importer} -> {imported}")
    return found


def circles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Every circle a depth-first walk closes (empty when the graph is acyclic)."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    found: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in edges.get(m, []):
            if state.get(n) == 1:
                found.append(path[path.index(n) :] + [n])
            elif n not in state:
                visit(n, [*path, n])
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    return found


def test_no_module_imports_a_layer_above_it(graph: grimp.ImportGraph) -> None:
    assert upward_imports(_edges(graph)) == []


def test_no_circle_of_imports_of_any_length(graph: grimp.ImportGraph) -> None:
    assert circles(_edges(graph)) == []


def test_the_checks_see_planted_faults() -> None:
    edges = {
        "gdindex.methods.growth": ["gdindex"],  # the root, from below the CLI
        "gdindex.methods.normalise": ["gdindex.pipeline.stages"],  # upward
        "gdindex.pipeline.stages": ["gdindex.pipeline.result"],
        "gdindex.pipeline.result": ["gdindex.pipeline.prepare"],
        "gdindex.pipeline.prepare": ["gdindex.pipeline.stages"],  # a 3-circle
    }

    assert upward_imports(edges) == [
        "gdindex.methods.growth -> gdindex",
        "gdindex.methods.normalise -> gdindex.pipeline.stages",
    ]
    assert circles(edges) == [
        [
            "gdindex.pipeline.stages",
            "gdindex.pipeline.result",
            "gdindex.pipeline.prepare",
            "gdindex.pipeline.stages",
        ]
    ]
