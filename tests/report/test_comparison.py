"""The terminal tables of `gdindex compare`."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.analysis.compare import compare
from gdindex.report.comparison import units_table, weights_table
from tests.conftest import (
    render,
    write_project,
)

HAND_UNITS = """code,name_zh,name_en
A,甲市,Alpha
B,乙市,Beta
C,丙市,Gamma
D,丁市,Delta
"""


HAND_DATA = """unit,period,x,y
A,2022,50,50
B,2022,50,50
C,2022,50,50
D,2022,50,50
A,2023,100,0
B,2023,80,10
C,2023,40,100
D,2023,0,60
"""


def hand_spec(wx: float, wy: float, root: str = "idx") -> str:
    return f"""spec_version: 1
id: hand
name: {{zh: 手算指数, en: Hand index}}
units: {{file: units.csv, id: code, name: {{zh: name_zh, en: name_en}}}}
data: [{{file: data.csv}}]
indicators:
  - {{id: x, name: {{zh: 指标甲, en: X}}}}
  - {{id: y, name: {{zh: 指标乙, en: Y}}}}
tree:
  id: {root}
  name: {{zh: 总指数, en: Index}}
  children: [{{id: x, weight: {wx}}}, {{id: y, weight: {wy}}}]
"""


@pytest.fixture
def hand(tmp_path: Path) -> tuple[Path, Path]:
    """Spec A (x:y = 1:1) and spec B (3:1) beside the same data."""
    a = write_project(tmp_path / "hand", hand_spec(1, 1), HAND_DATA, HAND_UNITS)
    b = a.with_name("b.yaml")
    b.write_text(hand_spec(3, 1), encoding="utf-8")
    return a, b


def test_weight_table_only_shows_changes(hand: tuple[Path, Path]) -> None:
    text = render(weights_table(compare(*hand), "en"))

    body = [line for line in text.splitlines() if line.startswith("│")]
    assert len(body) == 2 and "+0.2500" in text  # x and y, not the root


def test_units_table_top(hand: tuple[Path, Path]) -> None:
    text = render(units_table(compare(*hand), "zh", top=2))

    assert sum(line.startswith("│") for line in text.splitlines()) == 2
    assert "甲市" in text and "丁市" not in text
