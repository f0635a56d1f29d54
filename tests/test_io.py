"""Reading inputs: encodings, wide/long/Parquet, numeric text, and every data error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.errors import DataError, OutputError
from gdindex.io import decode, load_data, parse_numbers, write_atomic
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, write_project


def data_errors(spec_path: Path) -> str:
    with pytest.raises(DataError) as info:
        load_data(gdindex.load_spec(spec_path))
    return str(info.value)


def idx_scores(spec_path: Path) -> list[float]:
    result = gdindex.compute(spec_path)
    return result.scores.filter(pl.col("node") == "idx")["score"].to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        (" 42 ", 42.0),
        ("1,234.5", 1234.5),
        ("12,345,678", 12345678.0),
        ("74.6%", 74.6),
        ("１２３", 123.0),
        ("１２３．５％", 123.5),
        ("-3.5e2", -350.0),
        ("", None),
    ],
)
def test_parse_numbers_accepts_unambiguous_text(
    text: str, expected: float | None
) -> None:
    values, bad = parse_numbers(pl.Series([text]))

    assert values[0] == (pytest.approx(expected) if expected is not None else None)
    assert not bad[0]


@pytest.mark.parametrize("text", ["—", "n/a", "约100", "1,23", "12a", "inf"])
def test_parse_numbers_rejects_ambiguous_text(text: str) -> None:
    values, bad = parse_numbers(pl.Series([text, "1"]))

    assert bad.to_list() == [True, False]
    assert values[0] is None and values[1] == 1.0


def test_parse_numbers_na_values() -> None:
    values, bad = parse_numbers(pl.Series(["—", "5"]), na_values=["—"])

    assert values.to_list() == [None, 5.0] and not bad.any()


def test_decode_detects_encodings() -> None:
    text = "城市,值\n广州,1\n"

    assert decode(text.encode("utf-8")) == (text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_chinese_headers_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    data = DATA_CSV.replace("unit,period,i1", "城市,年份,每万人5G基站数")
    spec = SPEC_YAML.replace(
        "  - file: data.csv",
        "  - file: data.csv\n    unit: 城市\n    period: 年份\n"
        "    rename: {每万人5G基站数: i1}",
    )
    units = UNITS_CSV.encode(encoding)
    path = write_project(tmp_path, spec, data.encode(encoding), units)

    assert idx_scores(path) == pytest.approx(
        idx_scores(write_project(tmp_path / "ref"))
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


def test_parquet_and_several_tables(tmp_path: Path) -> None:
    frame = pl.read_csv(DATA_CSV.encode())
    path = write_project(
        tmp_path,
        SPEC_YAML.replace(
            "  - file: data.csv", "  - file: part1.parquet\n  - file: part2.csv"
        ),
    )
    frame.select("unit", "period", "i1", "i2").write_parquet(tmp_path / "part1.parquet")
    frame.select("unit", "period", "i3", "i4").reverse().write_csv(
        tmp_path / "part2.csv"
    )

    assert idx_scores(path) == pytest.approx(
        idx_scores(write_project(tmp_path / "ref"))
    )


def test_dataset_alignment(tiny_spec: Path) -> None:
    ds = load_data(gdindex.load_spec(tiny_spec))

    assert ds.units == ["A", "B", "C"] and ds.periods == [2021, 2022]
    assert ds.values.shape == (3, 2, 4)
    assert np.isnan(ds.values[1, 0, 2])
    assert ds.values[2, 1, 0] == 35.0
    assert [f.role for f in ds.inputs] == ["units", "data[0]"]


def test_bad_cells_are_reported_by_row_and_column(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2022,12,6", "A,2022,—,6").replace(
        "C,2021,30,1,4", "C,2021,30,1,约4"
    )
    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "column 'i1'" in text and "row 3 (A, 2022): '—'" in text
    assert "column 'i3'" in text and "row 6 (C, 2021): '约4'" in text
    assert "na_values" in text


def test_thousands_and_percent_cells_are_read(tmp_path: Path) -> None:
    data = DATA_CSV.replace("C,2022,35,", 'C,2022,"3,5",').replace(
        "A,2021,10,5", "A,2021,10,5%"
    )
    text_data = data.replace('"3,5"', '"35"')
    path = write_project(tmp_path, SPEC_YAML, text_data)

    assert idx_scores(path) == pytest.approx(
        idx_scores(write_project(tmp_path / "ref"))
    )
    # "3,5" is not a thousands pattern: rejected, not guessed
    assert "'3,5'" in data_errors(write_project(tmp_path / "b", SPEC_YAML, data))


def test_duplicate_rows(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2021,11,5,1,100\n"

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "duplicate (unit, period) rows: A, 2021 in rows [2, 8]" in text


def test_unknown_units(tmp_path: Path) -> None:
    data = DATA_CSV + "Z,2021,11,5,1,100\n"

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "units not in the units table: 'Z'" in text


def test_missing_columns_named_with_suggestion(tmp_path: Path) -> None:
    data = DATA_CSV.replace("unit,period", "units,period")

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "the unit column 'unit' is missing" in text
    assert "did you mean 'units'?" in text


def test_missing_indicator_column(tmp_path: Path) -> None:
    data = DATA_CSV.replace(",i4", ",i_four")

    assert "indicator 'i4' is in no data table" in data_errors(
        write_project(tmp_path, SPEC_YAML, data)
    )


def test_duplicate_header(tmp_path: Path) -> None:
    data = DATA_CSV.replace(",i4", ",i3")

    assert "duplicate column names: 'i3'" in data_errors(
        write_project(tmp_path, SPEC_YAML, data)
    )


def test_missing_file(tmp_path: Path) -> None:
    path = write_project(tmp_path, SPEC_YAML.replace("file: data.csv", "file: no.csv"))

    text = data_errors(path)

    assert "no.csv" in text and "file not found" in text


@pytest.mark.parametrize("content", ["", "unit,period,i1,i2,i3,i4\n"])
def test_empty_tables(tmp_path: Path, content: str) -> None:
    text = data_errors(write_project(tmp_path, SPEC_YAML, content))

    assert "empty" in text or "no rows" in text


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


def test_text_unit_codes_keep_leading_zeros(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("\nA,", "\n007,")
    data = DATA_CSV.replace("\nA,", "\n007,")

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data, units))

    assert "007" in result.scores["unit"].to_list()


def test_extra_periods_are_ignored_with_warning(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2020,1,1,1,1\n"

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data))

    assert result.periods == [2021, 2022]
    assert "ignored-periods" in [i.code for i in result.issues]


def test_infinite_numbers_are_rejected(tmp_path: Path) -> None:
    data = DATA_CSV.replace("C,2022,35,", "C,2022,inf,")

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "column 'i1'" in text and "row 7 (C, 2022)" in text


def test_bom_in_front_of_gbk_text(tmp_path: Path) -> None:
    units = b"\xef\xbb\xbf" + UNITS_CSV.encode("gbk")

    path = write_project(tmp_path, SPEC_YAML, DATA_CSV, units)

    assert idx_scores(path) == pytest.approx(idx_scores(write_project(tmp_path / "r")))


def test_rename_onto_existing_column(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    rename: {i3: i1}"
    )

    text = data_errors(write_project(tmp_path, spec))

    assert "aliases onto columns that already exist: 'i3 → i1'" in text


@pytest.mark.parametrize(
    ("row", "fields"), [("A,2021,10,5,1,100,9", 7), ("A,2021,10,5,1", 5)]
)
def test_ragged_rows_are_named(tmp_path: Path, row: str, fields: int) -> None:
    data = DATA_CSV.replace("A,2021,10,5,1,100", row)

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert f"line 2 has {fields} fields" in text and "header's 6 fields" in text


def test_group_weights_must_be_present_and_non_negative(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("region\n", "region,pop\n").replace("北\n", "北,\n")
    units = units.replace("Beta,南\n", "Beta,南,-3\n").replace(
        "Gamma,南\n", "Gamma,南,1\n"
    )
    spec = SPEC_YAML.replace(
        "groups: [region]", "groups: [region]\n  group_weight: pop"
    )

    text = data_errors(write_project(tmp_path, spec, DATA_CSV, units))

    assert "missing, negative or non-numeric group weights in rows 2, 3" in text


def test_unused_indicator_without_data_is_only_a_warning(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("indicators:\n", "indicators:\n  - {id: spare, name: S}\n")

    result = gdindex.compute(write_project(tmp_path, spec))

    assert [i.code for i in result.issues] == ["unused-indicator"]


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


def test_nested_parquet_columns_are_refused(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("file: data.csv", "file: data.parquet")
    path = write_project(tmp_path, spec)
    pl.read_csv(DATA_CSV.encode()).with_columns(
        pl.concat_list("i1", "i2")
    ).write_parquet(tmp_path / "data.parquet")

    assert "nested (list/struct) columns" in data_errors(path)


def test_messages_name_files_as_the_spec_writes_them(tmp_path: Path) -> None:
    data = DATA_CSV + "A,2020,1,1,1,1\n"
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    rename: {x: i1}"
    )
    one = gdindex.compute(write_project(tmp_path / "one", spec, data))
    two = gdindex.compute(write_project(tmp_path / "two", spec, data))

    assert [i.where for i in one.issues] == [i.where for i in two.issues]
    assert any(i.where.startswith("data.csv (data[0])") for i in one.issues)


def test_non_numeric_group_weight_is_reported(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("region\n", "region,pop\n").replace("北\n", "北,很多\n")
    units = units.replace("Beta,南\n", "Beta,南,2\n").replace(
        "Gamma,南\n", "Gamma,南,1\n"
    )
    spec = SPEC_YAML.replace(
        "groups: [region]", "groups: [region]\n  group_weight: pop"
    )

    text = data_errors(write_project(tmp_path, spec, DATA_CSV, units))

    assert "non-numeric group weights in rows 2" in text


def test_write_atomic_turns_an_unwritable_place_into_an_output_error(
    tmp_path: Path,
) -> None:
    # arrange: the "directory" is a file, so nothing can be written under it
    blocker = tmp_path / "out"
    blocker.write_text("a file", encoding="utf-8")

    # act
    writers = {
        "a.csv": lambda p: p.write_text("x"),
        "b.csv": lambda p: p.write_text("y"),
    }
    with pytest.raises(OutputError) as caught:
        write_atomic(blocker, writers, "the check")

    # assert: one issue naming the place, the reason and a hint; nothing left behind
    assert str(caught.value).startswith("cannot write the check")
    (issue,) = caught.value.issues
    assert issue.where == str(blocker) and "--out" in (issue.hint or "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
