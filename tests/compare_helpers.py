"""Helpers shared by the tests of compare."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import (
    SPEC_YAML,
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


def prepared_project(root: Path) -> tuple[Path, Path]:
    """The tiny project with mean imputation (B's i3 in 2021 is missing) and a
    variant B with other pillar weights and z-scores."""
    text = SPEC_YAML.replace(
        "indicators:\n", "defaults:\n  impute: {method: mean}\nindicators:\n"
    )
    a = write_project(root, text)
    b = root / "b.yaml"
    b.write_text(
        text.replace("weight: 2", "weight: 0.5").replace(
            "defaults:\n", "defaults:\n  normalise: {method: zscore}\n"
        ),
        encoding="utf-8",
    )
    return a, b


@pytest.fixture
def hand(tmp_path: Path) -> tuple[Path, Path]:
    """Spec A (x:y = 1:1) and spec B (3:1) beside the same data."""
    a = write_project(tmp_path / "hand", hand_spec(1, 1), HAND_DATA, HAND_UNITS)
    b = a.with_name("b.yaml")
    b.write_text(hand_spec(3, 1), encoding="utf-8")
    return a, b
