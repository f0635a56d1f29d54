"""Excel cells: wide and long forms, codes and numbers stored as text, error cells,
dates and booleans, huge integers, decimal marks, fuzzed workbooks. (Which sheet is
read, unreadable workbooks, merged cells and the shipped sample workbook:
tests/io/test_excel_workbooks.py.)"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdindex
from gdindex.errors import GdindexError
from gdindex.io.dataset import load_data
from tests.conftest import (
    DATA_CSV,
    UNITS_CSV,
    write_project,
)
from tests.io.helpers import (
    assert_tiny_scores,
    csv_rows,
    data_error,
    write_xlsx,
    xlsx_spec,
)


def test_xlsx_long_form_and_units_from_sheets(tmp_path: Path) -> None:
    wide = pl.read_csv(DATA_CSV.encode())
    long = wide.unpivot(index=["unit", "period"], variable_name="indicator")
    long = long.filter(pl.col("value").is_not_null())
    units = [["城市名录（示例）"], *csv_rows(UNITS_CSV)]
    write_xlsx(
        tmp_path / "book.xlsx",
        {
            "封面": [["见第二、三页"]],
            "长表": [long.columns, *long.rows()],
            "单位": units,
        },
    )
    spec = xlsx_spec(
        "  - file: book.xlsx\n    sheet: 长表\n    format: long\n",
        "  file: book.xlsx\n  sheet: 3\n  skip_rows: 1\n",
    )

    result = gdindex.compute(write_project(tmp_path, spec))

    assert_tiny_scores(result)
    assert result.units["name_zh"].to_list() == ["甲城", "乙城", "丙城"]
    assert [(f.role, f.encoding) for f in result.inputs] == [
        ("units", "xlsx"),
        ("data[0]", "xlsx"),
    ]


def test_xlsx_codes_stored_as_numbers_match_text_codes(tmp_path: Path) -> None:
    # the units sheet holds 440100 as a number, 2021.0 as a float year in the data;
    # the data sheet holds the codes as text (with spaces)
    write_xlsx(
        tmp_path / "units.xlsx",
        {"u": [["code", "name"], [440100, "广州"], [440300, "深圳"]]},
    )
    write_xlsx(
        tmp_path / "data.xlsx",
        {
            "d": [
                ["code", "year", "x"],
                [" 440100 ", 2021.0, 1.5],
                ["440300", 2021.0, 2.5],
                [440100, "2022", 3],
                [440300, 2022, 4],
            ]
        },
    )
    spec = """spec_version: 1
id: codes
name: Codes
units: {file: units.xlsx, id: code, name: {zh: name}}
data: [{file: data.xlsx, unit: code, period: year}]
indicators: [{id: x, name: X}]
tree: {id: idx, children: [x]}
"""
    path = tmp_path / "spec.yaml"
    path.write_text(spec, encoding="utf-8")

    ds = load_data(gdindex.load_spec(path))

    assert ds.units == ["440100", "440300"] and ds.periods == [2021, 2022]
    assert ds.values[:, :, 0].tolist() == [[1.5, 3.0], [2.5, 4.0]]


def test_xlsx_headers_are_stripped(tmp_path: Path) -> None:
    rows = csv_rows(DATA_CSV)
    rows[0] = [" unit ", "period\n", "i1 ", "\ni2", "i3", "\u3000i4"]
    write_xlsx(tmp_path / "data.xlsx", {"d": rows})
    spec = xlsx_spec("  - file: data.xlsx\n")

    assert_tiny_scores(gdindex.compute(write_project(tmp_path, spec)))


MESSY = [
    ["小指数 · 示例数据（单位见说明）"],
    ["unit", "period", "i1", "i2", "i3", "i4"],
    ["A", 2021, "10", "5.0%", " 1 ", "１００"],
    ["A", 2022, 12, "6", "2", 90],
    ["B", 2021, 20, 3, None, "80"],
    ["B", 2022, "2,2", "4", "3", "7,000.5"],
    ["C", 2021, 30, 1, "约4", 60],
    ["C", 2022, "—", 2, "5", "n/a"],
]


def messy_project(tmp_path: Path, extra: str = "") -> Path:
    write_xlsx(tmp_path / "data.xlsx", {"说明": [["见下一页"]], "数据": MESSY})
    return write_project(
        tmp_path,
        xlsx_spec(f"  - file: data.xlsx\n    sheet: 数据\n    skip_rows: 1\n{extra}"),
    )


def test_xlsx_numbers_as_text_are_parsed(tmp_path: Path) -> None:
    rows = [list(r) for r in MESSY]
    rows[5][2], rows[6][4], rows[7][2], rows[7][5] = 22, 4, 35, 50
    write_xlsx(tmp_path / "data.xlsx", {"数据": rows})
    path = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n    skip_rows: 1\n"))

    ds = load_data(gdindex.load_spec(path))

    a21, b22 = ds.values[0, 0], ds.values[1, 1]
    assert a21.tolist() == [10.0, 5.0, 1.0, 100.0]  # "10", "5.0%", " 1 ", "１００"
    assert b22.tolist() == [22.0, 4.0, 3.0, 7000.5]  # "7,000.5"
    assert np.isnan(ds.values[1, 0, 2])  # the empty cell stays missing


def test_xlsx_bad_cells_are_reported_with_excel_rows(tmp_path: Path) -> None:
    error = data_error(messy_project(tmp_path))
    text = str(error)

    # title row 1, header row 2: A 2021 is row 3, C 2022 is row 8
    assert "column 'i1'" in text and "row 6 (B, 2022): '2,2'" in text
    assert "row 8 (C, 2022): '—'" in text
    assert "column 'i3'" in text and "row 7 (C, 2021): '约4'" in text
    assert "column 'i4'" in text and "row 8 (C, 2022): 'n/a'" in text
    assert {i.code for i in error.issues} == {"non-numeric"}
    assert all(i.where.startswith("data.xlsx (data[0])") for i in error.issues)


def test_xlsx_na_values_make_dash_missing(tmp_path: Path) -> None:
    error = data_error(messy_project(tmp_path, "    na_values: ['—', n/a]\n"))
    text = str(error)

    assert "'—'" not in text and "'n/a'" not in text
    assert "'2,2'" in text and "'约4'" in text  # the rest is still not guessed


def test_xlsx_error_cells_are_not_read_as_missing(tmp_path: Path) -> None:
    # the table starts in column B, with a column without header (D) inside it
    book = tmp_path / "data.xlsx"
    with xlsxwriter.Workbook(str(book)) as wb:
        sheet = wb.add_worksheet("d")
        for r, row in enumerate(csv_rows(DATA_CSV)):
            sheet.write_row(r, 1, [*row[:2], None, *row[2:]])
        sheet.write_formula("E4", "=1/0", None, "#DIV/0!")
        sheet.write_formula("G7", "=NA()", None, "#N/A")
        sheet.write_formula("D3", "=1/0", None, "#DIV/0!")  # ignored: no header
    path = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))

    error = data_error(path)

    assert [(i.where, i.message) for i in error.issues] == [
        (
            "data.xlsx (data[0]): column 'i1'",
            "1 cell is not a number: row 4 (B, 2021): '#DIV/0!'",
        ),
        (
            "data.xlsx (data[0]): column 'i3'",
            "1 cell is not a number: row 7 (C, 2022): '#N/A'",
        ),
    ]


def test_dates_and_booleans_in_an_indicator_column_are_reported(
    tmp_path: Path,
) -> None:
    book = tmp_path / "data.xlsx"
    with xlsxwriter.Workbook(str(book)) as wb:
        sheet = wb.add_worksheet("d")
        for r, row in enumerate(csv_rows(DATA_CSV)):
            sheet.write_row(r, 0, row)
        sheet.write_boolean("D2", True)
        sheet.write_datetime(
            "E5", dt.datetime(2021, 3, 1), wb.add_format({"num_format": "yyyy-mm-dd"})
        )
    path = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))

    text = str(data_error(path))

    assert "column 'i2'" in text and "row 2 (A, 2021): 'TRUE'" in text
    assert "column 'i3'" in text and "row 5 (B, 2022): '2021-03-01" in text


def test_an_integer_column_with_1e19_reads_as_the_csv_reader_does(
    tmp_path: Path,
) -> None:
    # arrange: the same values in a workbook and in a CSV
    rows = csv_rows(DATA_CSV)
    rows[3][2] = 10**19  # B 2021 i1: beyond Int64
    write_xlsx(tmp_path / "data.xlsx", {"Sheet1": rows})
    from tests.io.helpers import xlsx_spec

    xlsx = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))
    csv_dir = tmp_path / "csv"
    csv_spec = write_project(
        csv_dir, data=DATA_CSV.replace("B,2021,20,", "B,2021,10000000000000000000,")
    )

    # act
    from_xlsx = gdindex.compute(xlsx).scores
    from_csv = gdindex.compute(csv_spec).scores

    # assert
    assert from_xlsx.equals(from_csv)


_XCELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "1,234", "74.6%", "—", "abc", "#N/A", "1e400", True]),
)


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.lists(_XCELL, min_size=4, max_size=4), min_size=1, max_size=6))
def test_fuzzed_workbooks_give_a_gdindex_error_or_a_result(
    tmp_path: Path, cells: list[list[object]]
) -> None:
    from tests.io.helpers import xlsx_spec

    rows: list[list[object]] = [["unit", "period", "i1", "i2", "i3", "i4"]]
    for k, row in enumerate(cells):
        rows.append(["ABC"[k % 3], 2021 + k // 3, *row])
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    write_xlsx(folder / "data.xlsx", {"Sheet1": rows})
    spec = write_project(folder, xlsx_spec("  - file: data.xlsx\n"))

    try:
        gdindex.compute(spec)
    except GdindexError:
        pass


# Finding: with `decimal: ","` a number cell in a column that also holds text was
# rendered "1.234" and re-read with decimal-comma rules (1234; 2.5 rejected).
MIXED_SPEC = """spec_version: 1
id: t
units: {file: u.xlsx, id: unit, decimal: ",", group_weight: pop, groups: [g]}
data: {file: d.xlsx, decimal: ",", na_values: [n/a]}
indicators: [{id: i1}, {id: i2, denominator: den}]
tree: {id: idx, children: [{id: i1}, {id: i2}]}
"""


def test_number_cells_keep_their_value_whatever_the_decimal_mark(
    tmp_path: Path,
) -> None:
    write_xlsx(
        tmp_path / "d.xlsx",
        {
            "s": [
                ["unit", "period", "i1", "i2"],
                ["A", 2021, 1.234, 1],
                ["B", 2021, "0,5", 2],
                ["C", 2021, 2.5, "n/a"],
                ["D", 2021, "1.234", 4],  # text: decimal-comma rules, a thousand
            ]
        },
    )
    write_xlsx(
        tmp_path / "u.xlsx",
        {
            "s": [
                ["unit", "g", "pop", "den"],
                ["A", "x", 1.5, 2.5],
                ["B", "x", "2,5", "0,5"],
                ["C", "y", 3, None],
                ["D", "y", 1, 1],
            ]
        },
    )
    (tmp_path / "s.yaml").write_text(MIXED_SPEC.replace("n/a", "'n/a'"))

    ds = load_data(gdindex.load_spec(tmp_path / "s.yaml"))

    assert ds.values[:, 0, 0].tolist() == [1.234, 0.5, 2.5, 1234.0]
    assert ds.group_weights is not None
    assert ds.unit_table["group_weight"].to_list() == [1.5, 2.5, 3.0, 1.0]
    assert ds.denominators["den"][:2, 0].tolist() == [2.5, 0.5]


def test_parquet_number_columns_ignore_the_decimal_comma(tmp_path: Path) -> None:
    pl.DataFrame(
        {"unit": ["A", "B"], "period": [2021, 2021], "i1": [1.234, 2.5], "i2": [1, 2]}
    ).write_parquet(tmp_path / "d.parquet")
    spec = MIXED_SPEC.replace("d.xlsx", "d.parquet").replace(", denominator: den", "")
    (tmp_path / "s.yaml").write_text(spec.replace(spec.split("\n")[2] + "\n", ""))

    ds = load_data(gdindex.load_spec(tmp_path / "s.yaml"))

    assert ds.values[:, 0, 0].tolist() == [1.234, 2.5]
