"""Shared fixtures: a tiny hand-computable project, sample spec paths, golden option."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from click.testing import Result
from rich.cells import cell_len
from rich.console import Console

from gdindex.spec import IndexSpec, load_spec

ROOT = Path(__file__).resolve().parents[1]

# scores.csv columns (DESIGN §6, contract)
SCORE_COLUMNS = [
    "unit",
    "period",
    "node",
    "kind",
    "depth",
    "score",
    "rank",
    "change",
    "growth_pct",
    "rank_change",
]
# indicators.csv columns (DESIGN §6, contract)
INDICATOR_COLUMNS = [
    "unit",
    "period",
    "indicator",
    "raw",
    "prepared",
    "normalised",
    "flag",
]
SPECS = ROOT / "specs"

UNITS_CSV = """code,name_zh,name_en,region
A,甲城,Alpha,北
B,乙城,Beta,南
C,丙城,Gamma,南
"""

# 3 units × 2 periods × 4 indicators; B's i3 in 2021 is missing.
DATA_CSV = """unit,period,i1,i2,i3,i4
A,2021,10,5,1,100
A,2022,12,6,2,90
B,2021,20,3,,80
B,2022,22,4,3,70
C,2021,30,1,4,60
C,2022,35,2,5,50
"""

# Two pillars with unequal weights (2:1); i4 is lower-is-better and weighs 3 in p2.
SPEC_YAML = """spec_version: 1
id: tiny
name: {zh: 小指数, en: Tiny index}
units:
  file: units.csv
  id: code
  name: {zh: name_zh, en: name_en}
  groups: [region]
data:
  - file: data.csv
periods: [2021, 2022]
indicators:
  - {id: i1, name: {zh: 指标一, en: One}, unit: 个}
  - {id: i2, name: {zh: 指标二, en: Two}}
  - {id: i3, name: {zh: 指标三, en: Three}}
  - {id: i4, name: {zh: 指标四, en: Four}, direction: -1}
tree:
  id: idx
  name: {zh: 总指数, en: Index}
  children:
    - id: p1
      name: {zh: 甲, en: P1}
      weight: 2
      children: [i1, i2]
    - id: p2
      name: {zh: 乙, en: P2}
      weight: 1
      children: [i3, {id: i4, weight: 3}]
"""


# How Python prints a warning: "file.py:12: RuntimeWarning: All-NaN slice encountered"
PYTHON_WARNING = re.compile(r"\b[A-Z]\w*Warning: ")


class CliRunner(typer.testing.CliRunner):
    """typer's runner that fails the test when a Python or library warning reaches
    the user (DESIGN: never silent, but never numpy's words either). Warnings are
    already errors under pytest; this also catches ones printed to the streams."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        result = super().invoke(*args, **kwargs)
        for name in ("stdout", "stderr"):
            found = PYTHON_WARNING.search(getattr(result, name))
            assert found is None, f"a Python warning reached {name}: {found.string}"
        return result


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files instead of comparing with them",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def write_project(
    root: Path,
    spec: str = SPEC_YAML,
    data: str | bytes = DATA_CSV,
    units: str | bytes = UNITS_CSV,
) -> Path:
    """Write a small project (spec, data, units) into `root`; return the spec path."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in (("data.csv", data), ("units.csv", units)):
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    spec_path = root / "spec.yaml"
    spec_path.write_text(spec, encoding="utf-8")
    return spec_path


@pytest.fixture
def tiny_spec(tmp_path: Path) -> Path:
    return write_project(tmp_path / "tiny")


def make_spec(
    indicators: list[dict[str, Any]] | list[str],
    tree: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> IndexSpec:
    """A spec from plain data, without a units table; data come in memory.

    Indicators are ids or mappings (name defaults to the id); without `tree` every
    indicator is a child of the root.
    """
    inds = [{"id": i} if isinstance(i, str) else i for i in indicators]
    data: dict[str, Any] = {
        "spec_version": 1,
        "id": "test",
        "name": "Test",
        "data": [{"file": "unused.csv", "format": "wide"}],
        "indicators": [{"name": ind["id"], **ind} for ind in inds],
        "tree": tree or {"id": "root", "children": [ind["id"] for ind in inds]},
    }
    if defaults is not None:
        data["defaults"] = defaults
    return load_spec(data)


def render(renderable: object, width: int = 160) -> str:
    """What Rich prints for `renderable`, without colours."""
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def table_blocks(text: str) -> list[list[str]]:
    """Lines of each box-drawn table, from its top border to its bottom border."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("┏"):
            current = [line]
        elif current is not None:
            current.append(line)
            if line.startswith("└"):
                blocks.append(current)
                current = None
    return blocks


def separator_columns(line: str) -> tuple[int, ...]:
    """Display columns of the vertical rules in a line (CJK characters are 2 wide)."""
    out, col = [], 0
    for ch in line:
        if ch in "│┃":
            out.append(col)
        col += cell_len(ch)
    return tuple(out)


# Fixtures shared by tests in several folders, registered here for all of them.
from tests.compare_helpers import hand  # noqa: E402, F401
