"""The terminal tables of `gdindex compare`."""

from __future__ import annotations

from pathlib import Path

from gdindex.analysis.compare import compare
from gdindex.report.comparison import units_table, weights_table
from tests.conftest import (
    render,
)


def test_weight_table_only_shows_changes(hand: tuple[Path, Path]) -> None:
    text = render(weights_table(compare(*hand), "en"))

    body = [line for line in text.splitlines() if line.startswith("│")]
    assert len(body) == 2 and "+0.2500" in text  # x and y, not the root


def test_units_table_top(hand: tuple[Path, Path]) -> None:
    text = render(units_table(compare(*hand), "zh", top=2))

    assert sum(line.startswith("│") for line in text.splitlines()) == 2
    assert "甲市" in text and "丁市" not in text
