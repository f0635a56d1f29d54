"""Assembling the dataset: alignment, unknown units, indicators in no table,
periods (extra, empty, of mixed types) and coverage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.errors import DataError
from gdindex.io.dataset import load_data
from gdindex.pipeline import GROWTH_CODES
from gdindex.spec import load_spec
from tests.conftest import DATA_CSV, SPEC_YAML, write_project
from tests.io.helpers import (
    data_errors,
)


def test_dataset_alignment(tiny_spec: Path) -> None:
    ds = load_data(gdindex.load_spec(tiny_spec))

    assert ds.units == ["A", "B", "C"] and ds.periods == [2021, 2022]
    assert ds.values.shape == (3, 2, 4)
    assert np.isnan(ds.values[1, 0, 2])
    assert ds.values[2, 1, 0] == 35.0
    assert [f.role for f in ds.inputs] == ["units", "data[0]"]


def test_unknown_units(tmp_path: Path) -> None:
    data = DATA_CSV + "Z,2021,11,5,1,100\n"

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "units not in the units table: 'Z'" in text


def test_missing_indicator_column(tmp_path: Path) -> None:
    data = DATA_CSV.replace(",i4", ",i_four")

    assert "indicator 'i4' is in no data table" in data_errors(
        write_project(tmp_path, SPEC_YAML, data)
    )


def test_period_without_data(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("periods: [2021, 2022]", "periods: [2021, 2022, 2023]")

    assert "period 2023 has no data" in data_errors(write_project(tmp_path, spec))


def test_all_missing_indicator(tmp_path: Path) -> None:
    lines = [",".join(line.split(",")[:5]) + "," for line in DATA_CSV.splitlines()]
    lines[0] = "unit,period,i1,i2,i3,i4"

    text = data_errors(write_project(tmp_path, SPEC_YAML, "\n".join(lines) + "\n"))

    assert "indicator 'i4'" in text and "every value is missing" in text


def test_constant_indicator_is_a_warning(tmp_path: Path) -> None:
    data = "\n".join(
        line if i == 0 else ",".join(line.split(",")[:2] + ["7"] + line.split(",")[3:])
        for i, line in enumerate(DATA_CSV.splitlines())
    )

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data + "\n"))

    codes = [i.code for i in result.issues]
    assert "constant-indicator" in codes
    assert result.scores.filter(pl.col("node") == "i1")["score"].null_count() == 6


def test_extra_periods_are_ignored_with_warning(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2020,1,1,1,1\n"

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data))

    assert result.periods == [2021, 2022]
    assert "ignored-periods" in [i.code for i in result.issues]


def test_unused_indicator_without_data_is_only_a_warning(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("indicators:\n", "indicators:\n  - {id: spare, name: S}\n")

    result = gdindex.compute(write_project(tmp_path, spec))

    # (the tiny spec's own growth warnings aside: A's p2 scores 0 in 2021)
    codes = [i.code for i in result.issues if i.code not in GROWTH_CODES]
    assert codes == ["unused-indicator"]


def test_period_types_must_agree_across_tables(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: part1.csv\n  - file: part2.csv"
    ).replace("periods: [2021, 2022]\n", "")
    frame = pl.read_csv(DATA_CSV.encode())
    path = write_project(tmp_path, spec)
    frame.select("unit", "period", "i1", "i2").write_csv(tmp_path / "part1.csv")
    frame.select("unit", "period", "i3", "i4").with_columns(
        pl.col("period").cast(pl.String) + "H1"
    ).write_csv(tmp_path / "part2.csv")

    text = data_errors(path)

    assert "periods are numbers in part1.csv (data[0]) but text in part2.csv" in text


@pytest.mark.parametrize("strict", [True, False])
def test_a_unit_named_twice_in_the_units_table_is_a_located_error(
    tmp_path: Path, strict: bool
) -> None:
    """Not numpy's 'could not broadcast' from every command: the repeated id,
    where it is, and what to do."""
    from tests.conftest import UNITS_CSV

    lines = UNITS_CSV.strip().splitlines()
    spec = write_project(tmp_path, units="\n".join([*lines, lines[1]]) + "\n")

    with pytest.raises(DataError) as info:
        load_data(load_spec(spec), strict=strict)
    issues = gdindex.validate(spec)

    found = [i for i in info.value.issues if i.code == "duplicate-unit"]
    assert found and "units.csv" in found[0].where
    assert lines[1].split(",")[0] in found[0].message
    assert [i.code for i in issues if i.severity == "error"] == ["duplicate-unit"]
