"""`python -m gdindex.cli` runs the console script, as it did when cli was a module."""

from __future__ import annotations

import subprocess
import sys

import gdindex


def test_python_m_gdindex_cli_runs_the_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gdindex.cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.returncode == 0
    assert proc.stdout.strip() == f"gdindex {gdindex.__version__}"
