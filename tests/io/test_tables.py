"""Reading one file: CSV encodings, skip_rows, ragged rows, empty and missing
files, Parquet; a `sheet:` on a CSV."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdindex
from gdindex.errors import GdindexError
from gdindex.io.dataset import load_data
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, write_project
from tests.io.helpers import (
    assert_tiny_scores,
    data_error,
    data_errors,
    idx_scores,
)


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


def test_gbk_csv_with_chinese_headers_computes(tmp_path: Path) -> None:
    data = DATA_CSV.replace(
        "unit,period,i1,i2,i3,i4", "城市,年份,每万人5G基站数,网民普及率,指标三,物流成本"
    )
    spec = SPEC_YAML.replace(
        "  - file: data.csv",
        "  - file: data.csv\n    unit: 城市\n    period: 年份\n    rename:\n"
        "      每万人5G基站数: i1\n      网民普及率: i2\n      指标三: i3\n"
        "      物流成本: i4",
    )
    path = write_project(
        tmp_path, spec, data.encode("gbk"), UNITS_CSV.encode("gb18030")
    )

    result = gdindex.compute(path)

    assert_tiny_scores(result)
    assert [f.encoding for f in result.inputs] == ["gb18030", "gb18030"]
    raw = result.stages["raw"].filter(
        (pl.col("unit") == "C") & (pl.col("period") == 2022)
    )
    assert raw.select("i1", "i2", "i3", "i4").row(0) == (35.0, 2.0, 5.0, 50.0)


def test_utf8_bom_csv_reads_its_first_header(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    path = write_project(
        tmp_path, SPEC_YAML, bom + DATA_CSV.encode(), bom + UNITS_CSV.encode()
    )

    result = gdindex.compute(path)

    assert_tiny_scores(result)
    assert [f.encoding for f in result.inputs] == ["utf-8-sig", "utf-8-sig"]


def test_csv_skip_rows_keeps_line_numbers_true(tmp_path: Path) -> None:
    title = "小指数数据（示例）,,,,,\n单位：见说明,,,,,\n"
    data = title + DATA_CSV.replace("C,2021,30,1,4", "C,2021,30,1,约4")
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    skip_rows: 2"
    )

    error = data_error(write_project(tmp_path, spec, data))

    # the header is line 3, so C 2021 is line 8 of the file
    assert "row 8 (C, 2021): '约4'" in str(error)
    assert [i.code for i in error.issues] == ["non-numeric"]


def test_csv_skip_rows_computes_the_same(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    skip_rows: 1"
    ).replace("  file: units.csv", "  file: units.csv\n  skip_rows: 1")
    path = write_project(
        tmp_path, spec, "示例数据\n" + DATA_CSV, "城市名录,,,\n" + UNITS_CSV
    )

    assert_tiny_scores(gdindex.compute(path))


def test_csv_ragged_line_numbers_count_skipped_lines(tmp_path: Path) -> None:
    data = "标题\n" + DATA_CSV.replace("A,2022,12,6,2,90", "A,2022,12,6,2")
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    skip_rows: 1"
    )

    assert "line 4 has 5 fields" in str(data_error(write_project(tmp_path, spec, data)))


def test_skip_rows_past_the_end(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    skip_rows: 50"
    )

    assert "nothing is left after skipping 50 lines" in str(
        data_error(write_project(tmp_path, spec))
    )


@pytest.mark.parametrize(
    ("row", "fields"), [("A,2021,10,5,1,100,9", 7), ("A,2021,10,5,1", 5)]
)
def test_ragged_rows_are_named(tmp_path: Path, row: str, fields: int) -> None:
    data = DATA_CSV.replace("A,2021,10,5,1,100", row)

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert f"line 2 has {fields} fields" in text and "header's 6 fields" in text


def test_missing_file(tmp_path: Path) -> None:
    path = write_project(tmp_path, SPEC_YAML.replace("file: data.csv", "file: no.csv"))

    text = data_errors(path)

    assert "no.csv" in text and "file not found" in text


@pytest.mark.parametrize("content", ["", "unit,period,i1,i2,i3,i4\n"])
def test_empty_tables(tmp_path: Path, content: str) -> None:
    text = data_errors(write_project(tmp_path, SPEC_YAML, content))

    assert "empty" in text or "no rows" in text


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


def test_nested_parquet_columns_are_refused(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("file: data.csv", "file: data.parquet")
    path = write_project(tmp_path, spec)
    pl.read_csv(DATA_CSV.encode()).with_columns(
        pl.concat_list("i1", "i2")
    ).write_parquet(tmp_path / "data.parquet")

    assert "nested (list/struct) columns" in data_errors(path)


def test_sheet_on_a_csv_is_a_warning(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace("  - file: data.csv", "  - file: data.csv\n    sheet: 2")

    result = gdindex.compute(write_project(tmp_path, spec))

    assert_tiny_scores(result)
    assert "ignored-key" in [i.code for i in result.issues]


@pytest.mark.parametrize("role", ["data", "units"])
def test_utf16_tables_with_a_bom_are_read(tmp_path: Path, role: str) -> None:
    data: str | bytes = DATA_CSV
    units: str | bytes = UNITS_CSV
    if role == "data":
        data = DATA_CSV.encode("utf-16")
    else:
        units = UNITS_CSV.encode("utf-16")
    path = write_project(tmp_path, SPEC_YAML, data, units)

    result = gdindex.compute(path)

    assert_tiny_scores(result)
    assert "utf-16-le" in [f.encoding for f in result.inputs]


def test_utf16_without_a_bom_names_the_encoding_and_the_fix(tmp_path: Path) -> None:
    path = write_project(tmp_path, SPEC_YAML, DATA_CSV.encode("utf-16-le"))

    text = data_errors(path)

    assert "UTF-16 LE without a byte-order mark" in text
    assert "encoding: utf-16-le" in text and "gb18030" not in text
    spec = SPEC_YAML.replace(
        "  - file: data.csv", "  - file: data.csv\n    encoding: utf-16-le"
    )
    assert_tiny_scores(
        gdindex.compute(
            write_project(tmp_path / "fixed", spec, DATA_CSV.encode("utf-16-le"))
        )
    )


# --- special files, and fuzzing: only gdindex's own errors may escape --- #


@pytest.mark.parametrize("kind", ["directory", "fifo", "device"])
def test_special_files_are_refused_not_read(tmp_path: Path, kind: str) -> None:
    import os

    spec = write_project(tmp_path)
    (tmp_path / "data.csv").unlink()
    if kind == "directory":
        (tmp_path / "data.csv").mkdir()
    elif kind == "fifo":
        os.mkfifo(tmp_path / "data.csv")  # reading it would wait forever
    else:
        (tmp_path / "data.csv").symlink_to("/dev/zero")  # would fill the memory

    text = data_errors(spec)

    assert "data.csv" in text and "not a file" in text


_CELL = st.one_of(
    st.sampled_from(["", "1", "-2.5", "1,234", "74.6%", "—", "abc", "1e400", "NaN"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=6),
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(st.lists(_CELL, min_size=6, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["csv", "bytes", "header"]),
)
def test_fuzzed_tables_give_a_gdindex_error_or_a_result(
    tmp_path: Path, rows: list[list[str]], how: str
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["unit", "period", "i1", "i2", "i3", "i4"]
    if how == "header":
        header = rows[0]
    writer.writerow(header)
    units = ["A", "B", "C"]
    for k, row in enumerate(rows):
        keys = [units[k % 3], str(2021 + k // 3)] if how != "header" else row[:2]
        writer.writerow([*keys, *row[2:]])
    data: str | bytes = buffer.getvalue()
    if how == "bytes":
        data = data.encode("utf-8")[: len(data) // 2] + b"\xff\xfe\x00"
    spec = write_project(tmp_path / "fuzz", data=data)

    try:
        gdindex.compute(spec)
    except GdindexError:
        pass


def _quoted_commas(tmp_path: Path, separator: str | None, quote: bool) -> Path:
    """The tiny project with i2 written with decimal commas (2,5), comma-separated."""
    q = '"' if quote else ""
    data = DATA_CSV.replace("A,2021,10,5,", f"A,2021,10,{q}2,5{q},")
    sep = f', separator: "{separator}"' if separator else ""
    spec = SPEC_YAML.replace(
        "  - file: data.csv\n", f'  - {{file: data.csv, decimal: ","{sep}}}\n'
    )
    return write_project(tmp_path, spec, data)


def test_comma_separated_csv_with_quoted_decimal_commas_reads(tmp_path: Path) -> None:
    path = _quoted_commas(tmp_path, ",", quote=True)

    ds = load_data(gdindex.load_spec(path))

    assert ds.values[0, 0, 1] == 2.5


def test_unquoted_decimal_comma_under_comma_separator_is_a_ragged_row(
    tmp_path: Path,
) -> None:
    text = data_errors(_quoted_commas(tmp_path, ",", quote=False))

    assert "line 2 has 7 fields" in text


def test_a_header_in_another_separator_names_separator_in_the_hint(
    tmp_path: Path,
) -> None:
    # decimal "," defaults to ";": a comma-separated file is one column
    text = data_errors(_quoted_commas(tmp_path, None, quote=True))

    assert 'set `separator: ","`' in text and "set `unit:`" not in text
    # Excel "Unicode Text": UTF-16 with BOM, TAB-separated
    tabbed = DATA_CSV.replace(",", "\t").encode("utf-16")
    path = write_project(tmp_path / "tab", data=tabbed)

    assert 'set `separator: "\\t"`' in data_errors(path)
