"""Helpers shared by the io tests: tiny projects, workbooks and their checks.

Every workbook is a real .xlsx written in the test (xlsxwriter), so the reading
goes through Polars and calamine exactly as a user's file would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

import gdindex
from gdindex.errors import DataError
from gdindex.io.dataset import load_data
from tests.conftest import SPEC_YAML

Rows = Sequence[Sequence[object]]


# The hand-computed index scores of the tiny project (tests/test_pipeline.py).
TINY_IDX = {
    ("A", 2021): 80 / 3,
    ("A", 2022): (108 + 21.25) / 3,
    ("B", 2021): 40.0,
    ("B", 2022): (108 + 57.5) / 3,
    ("C", 2021): (80 + 78.75) / 3,
    ("C", 2022): 220 / 3,
}


def write_xlsx(path: Path, sheets: dict[str, Rows]) -> Path:
    """Write a workbook: one sheet per entry, rows from A1; None leaves a cell empty."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": dt.datetime(2024, 1, 1)})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def csv_rows(text: str) -> list[list[object]]:
    """The rows of a CSV text, numbers as numbers (as a user's sheet would hold)."""
    rows: list[list[object]] = []
    for line in text.strip().splitlines():
        row: list[object] = []
        for cell in line.split(","):
            try:
                row.append(float(cell) if "." in cell else int(cell))
            except ValueError:
                row.append(cell or None)
        rows.append(row)
    return rows


def xlsx_spec(data: str, units: str = "  file: units.csv\n") -> str:
    """SPEC_YAML with its data (and units) entries replaced by YAML snippets."""
    spec = SPEC_YAML.replace("  - file: data.csv\n", data)
    return spec.replace("  file: units.csv\n", units)


def data_errors(spec_path: Path) -> str:
    with pytest.raises(DataError) as info:
        load_data(gdindex.load_spec(spec_path))
    return str(info.value)


def idx_scores(spec_path: Path) -> list[float]:
    result = gdindex.compute(spec_path)
    return result.scores.filter(pl.col("node") == "idx")["score"].to_list()


def _scores_of(result: gdindex.IndexResult) -> dict[tuple[str, int], float]:
    rows = result.scores.filter(pl.col("node") == "idx")
    return {(u, p): s for u, p, s in rows.select("unit", "period", "score").rows()}


def assert_tiny_scores(result: gdindex.IndexResult) -> None:
    got = _scores_of(result)
    assert got.keys() == TINY_IDX.keys()
    for key, value in TINY_IDX.items():
        assert got[key] == pytest.approx(value), key


def data_error(spec_path: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load_data(gdindex.load_spec(spec_path))
    return info.value
