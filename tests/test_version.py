"""The package version: one place, read by `gdindex --version` without heavy imports."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from gdindex.cli import app
from gdindex.version import __version__
from tests.conftest import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def test_version_matches_the_project_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert __version__ == project["project"]["version"]


def test_cli_prints_the_version() -> None:
    out = CliRunner().invoke(app, ["--version"])

    assert out.exit_code == 0 and __version__ in out.output


def test_reading_the_version_imports_nothing_heavy() -> None:
    probe = (
        "import sys, gdindex.version\n"
        "print(sorted({'polars', 'numpy', 'pydantic'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "[]"
