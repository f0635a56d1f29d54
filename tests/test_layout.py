"""Tests mirror the package: every module has its test file."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "gdindex"
TESTS = Path(__file__).resolve().parent


def test_every_module_has_a_test_file() -> None:
    modules = [p for p in SRC.rglob("*.py") if p.name != "__init__.py"]
    missing = [
        p.name
        for p in modules
        if not (TESTS / f"test_{p.stem}.py").exists()
        # or mirrored in a subfolder: src/gdindex/analysis/x.py → tests/analysis/
        and not (TESTS / p.parent.relative_to(SRC) / f"test_{p.stem}.py").exists()
    ]

    assert modules and missing == []
