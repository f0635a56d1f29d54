"""The --optimise table: weights side by side and the --set lines, in both
languages."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

import gdindex
from gdindex.analysis.optimise import optimise_weights
from gdindex.report.optimise import render_optimised
from tests.conftest import SPECS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_weights_and_set_lines_are_printed(lang: str) -> None:
    result = gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))
    found = optimise_weights(result, "balance", node="industry")
    buffer = io.StringIO()

    render_optimised(found, Console(file=buffer, width=80, color_system=None), lang)

    text = buffer.getvalue()
    for w in found.weights["optimised"].to_list():
        assert f"{w:.4f}" in text
    flat = text.replace("\n", "")
    for line in found.sets:
        assert f"--set {line}" in flat
    assert ("权重优化" if lang == "zh" else "Optimised weights") in text
