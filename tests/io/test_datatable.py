"""One data table: long and wide forms, bad cells by row and column, duplicate
rows, `rename:` aliases, how messages name the file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import gdindex
from tests.conftest import DATA_CSV, SPEC_YAML, write_project
from tests.io.helpers import (
    data_errors,
    idx_scores,
)


def test_long_format_equals_wide(tmp_path: Path) -> None:
    wide = pl.read_csv(DATA_CSV.encode())
    long = wide.unpivot(index=["unit", "period"], variable_name="indicator")
    long = long.filter(pl.col("value").is_not_null())
    long_csv = long.write_csv()
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    format: long"
    )

    path = write_project(tmp_path, spec, long_csv)

    assert idx_scores(path) == pytest.approx(
        idx_scores(write_project(tmp_path / "ref"))
    )


def test_bad_cells_are_reported_by_row_and_column(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2022,12,6", "A,2022,—,6").replace(
        "C,2021,30,1,4", "C,2021,30,1,约4"
    )
    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "column 'i1'" in text and "row 3 (A, 2022): '—'" in text
    assert "column 'i3'" in text and "row 6 (C, 2021): '约4'" in text
    assert "na_values" in text


def test_duplicate_rows(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2021,11,5,1,100\n"

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "duplicate (unit, period) rows: A, 2021 in rows [2, 8]" in text


def test_rename_onto_existing_column(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    rename: {i3: i1}"
    )

    text = data_errors(write_project(tmp_path, spec))

    assert "aliases onto columns that already exist: 'i3 → i1'" in text


def test_messages_name_files_as_the_spec_writes_them(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2020,1,1,1,1\n"
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    rename: {x: i1}"
    )
    one = gdindex.compute(write_project(tmp_path / "one", spec, data))
    two = gdindex.compute(write_project(tmp_path / "two", spec, data))

    assert [i.where for i in one.issues] == [i.where for i in two.issues]
    assert any(i.where.startswith("data.csv (data[0])") for i in one.issues)


@pytest.mark.parametrize("form", ["wide", "long"])
def test_a_column_mixing_fractions_and_percent_text_warns(
    tmp_path: Path, form: str
) -> None:
    from gdindex.analysis.datacheck import check_data

    data = DATA_CSV.replace("A,2021,10,5,", "A,2021,10,0.5052,").replace(
        "B,2021,20,3,", "B,2021,20,48.10%,"
    )
    spec = SPEC_YAML
    if form == "long":
        wide = pl.read_csv(data.encode(), infer_schema=False)
        long = wide.unpivot(index=["unit", "period"], variable_name="indicator")
        data = long.filter(pl.col("value").is_not_null()).write_csv()
        spec = SPEC_YAML.replace(
            "  - file: data.csv", "  - file: data.csv\n    format: long"
        )
    path = write_project(tmp_path, spec, data)

    for issues in (gdindex.compute(path).issues, check_data(path).issues):
        [mix] = [i for i in issues if i.code == "percent-mix"]
        assert "data.csv" in mix.where and "i2" in mix.where
        assert "'48.10%'" in mix.message and "'0.5052'" in mix.message
        assert mix.severity == "warning"
    # percent text beside plain numbers on the same scale is no 100× mix
    text_only = DATA_CSV.replace("A,2021,10,5,", "A,2021,10,5%,")
    other = write_project(tmp_path / "one", SPEC_YAML, text_only)
    assert [i for i in gdindex.compute(other).issues if i.code == "percent-mix"] == []
