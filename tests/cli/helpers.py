"""What the tests of the `gdindex` commands share: the runner (it fails a test when
a Python warning reaches the user) and `run`, which gives exit code, stdout, stderr."""

from __future__ import annotations

from gdindex.cli import app
from tests.conftest import CliRunner

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
