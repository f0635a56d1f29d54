"""The public API (DESIGN §5): every name of `gdindex.__all__` resolves lazily."""

from __future__ import annotations

import subprocess
import sys

import pytest

import gdindex

#: The library functions the README and DESIGN promise at the top level.
PROMISED = [
    "load_spec",
    "compute",
    "validate",
    "check_data",
    "derive_weights",
    "compare",
    "write_outputs",
    "write_report",
    "init_project",
    "audit",
    "explain",
]


@pytest.mark.parametrize("name", sorted(gdindex.__all__))
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(gdindex, name) is not None


def test_the_promised_functions_are_exported_and_callable() -> None:
    missing = [n for n in PROMISED if n not in gdindex.__all__]

    assert missing == []
    assert all(callable(getattr(gdindex, n)) for n in PROMISED)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'comptue'"):
        gdindex.comptue  # type: ignore[attr-defined]  # noqa: B018


def test_importing_gdindex_loads_no_heavy_library() -> None:
    probe = (
        "import sys, gdindex\n"
        "print(sorted({'polars', 'numpy', 'pydantic', 'rich'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "[]"
