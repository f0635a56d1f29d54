"""Excel workbooks: sheets by name or number, wide and long forms, codes and
numbers stored as text, error cells, unreadable workbooks, the shipped sample."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdindex
from gdindex.cli import app
from gdindex.errors import GdindexError, IssueLog
from gdindex.io.dataset import load_data
from gdindex.io.tables import read_table
from tests.conftest import (
    DATA_CSV,
    ROOT,
    SPEC_YAML,
    UNITS_CSV,
    CliRunner,
    write_project,
)
from tests.io.helpers import (
    assert_tiny_scores,
    csv_rows,
    data_error,
    write_xlsx,
    xlsx_spec,
)


@pytest.mark.parametrize(
    ("sheet", "suffix"), [("数据", "xlsx"), (2, "xlsx"), ("数据", "xlsm")]
)
def test_xlsx_second_sheet_wide_by_name_or_number(
    tmp_path: Path, sheet: str | int, suffix: str
) -> None:
    book = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(book)) as wb:
        pl.DataFrame({"说明": ["示例数据"]}).write_excel(wb, worksheet="说明")
        pl.read_csv(DATA_CSV.encode()).write_excel(wb, worksheet="数据")
    book = book.rename(book.with_suffix(f".{suffix}"))
    spec = xlsx_spec(f"  - file: {book.name}\n    sheet: {sheet}\n")

    result = gdindex.compute(write_project(tmp_path, spec))

    assert_tiny_scores(result)
    info = result.inputs[1]
    assert info.encoding == suffix
    assert info.sha256 == hashlib.sha256(book.read_bytes()).hexdigest()
    assert info.rows == 6


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


def two_sheets(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "data.xlsx",
        {"说明": [["见下一页"]], "指标数据": csv_rows(DATA_CSV)},
    )


def test_sheet_not_found_lists_sheets_and_suggests(tmp_path: Path) -> None:
    two_sheets(tmp_path)
    path = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n    sheet: 指标\n"))

    issue = data_error(path).issues[0]

    assert issue.where == "data.xlsx (data[0]): sheet"
    assert issue.message == (
        "no sheet named '指标'; the sheets are 1 '说明', 2 '指标数据'"
    )
    assert issue.hint == "did you mean '指标数据'?" and issue.code == "missing-sheet"


@pytest.mark.parametrize("number", [0, 3])
def test_sheet_number_out_of_range(tmp_path: Path, number: int) -> None:
    two_sheets(tmp_path)
    spec = xlsx_spec(f"  - file: data.xlsx\n    sheet: {number}\n")

    issue = data_error(write_project(tmp_path, spec)).issues[0]

    assert f"sheet number {number} is out of range" in issue.message
    assert "the workbook has 2 sheets" in issue.message
    assert issue.hint is not None and "from 1 to 2" in issue.hint


def test_first_sheet_is_the_default(tmp_path: Path) -> None:
    two_sheets(tmp_path)
    spec = xlsx_spec("  - file: data.xlsx\n")

    issues = data_error(write_project(tmp_path, spec)).issues

    # sheet 1 holds one cell: no header, no rows
    assert [i.code for i in issues] == ["empty-table"]
    assert issues[0].where == "data.xlsx (data[0]): sheet '说明'"


def test_empty_sheet(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "data.xlsx", {"说明": [["x"]], "空": []})
    spec = xlsx_spec("  - file: data.xlsx\n    sheet: 空\n")

    issue = data_error(write_project(tmp_path, spec)).issues[0]

    assert (issue.code, issue.message) == ("empty-table", "the sheet is empty")
    assert issue.hint is not None and "1 '说明', 2 '空'" in issue.hint


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("data.xlsx", b"PK\x03\x04 broken zip", "cannot read the workbook"),
        ("data.xlsx", b"unit,period\nA,2021\n", "not an Excel workbook"),
        ("data.xls", b"<html><table></table></html>", "not an Excel workbook"),
        ("data.xls", b"\xd0\xcf\x11\xe0 broken OLE", "cannot read the workbook"),
    ],
)
def test_unreadable_workbooks(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    log = IssueLog()

    frame, kind = read_table(tmp_path / name, log, label=name)

    assert frame is None and kind == name.rsplit(".", 1)[1]
    assert [i.code for i in log.issues] == ["bad-excel"]
    assert log.issues[0].where == name and expected in log.issues[0].message


WORKBOOK_SPEC = ROOT / "specs" / "guangdong_workbook.yaml"


WORKBOOK = ROOT / "data" / "samples" / "guangdong" / "workbook" / "indicators.xlsx"


def test_workbook_generator_is_reproducible(tmp_path: Path) -> None:
    """Re-running the seeded generator gives the committed workbook byte for byte."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "scripts", copy / "scripts")
    sample = Path("data") / "samples" / "guangdong"
    for name in ("cities.csv", "context.csv", "indicators.csv"):
        (copy / sample).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / sample / name, copy / sample / name)
    for _ in range(2):
        subprocess.run(
            [sys.executable, str(copy / "scripts" / "make_guangdong_workbook.py")],
            check=True,
            cwd=copy,
            capture_output=True,
        )
        made = copy / sample / "workbook" / "indicators.xlsx"

        assert made.read_bytes() == WORKBOOK.read_bytes()


def test_workbook_sample_reads_the_sample_values() -> None:
    """Every cell of the messy workbook reads as the value of the CSV sample."""
    spec = gdindex.load_spec(WORKBOOK_SPEC)
    ds = load_data(spec)
    csv = pl.read_csv(
        ROOT / "data" / "samples" / "guangdong" / "indicators.csv",
        schema_overrides={"city_code": pl.String},
    )
    context = pl.read_csv(
        ROOT / "data" / "samples" / "guangdong" / "context.csv",
        schema_overrides={"city_code": pl.String},
    )
    ids = ds.indicators

    expected = np.stack(
        [
            csv.filter(pl.col("year") == p).sort("city_code").select(ids).to_numpy()
            for p in ds.periods
        ],
        axis=1,
    )
    population = np.stack(
        [
            context.filter(pl.col("year") == p)
            .sort("city_code")["population_resident"]
            .to_numpy()
            for p in ds.periods
        ],
        axis=1,
    )
    got = ds.values.copy()
    bs = ids.index("fiveg_bs_per_10k")
    got[:, :, bs] = got[:, :, bs] / population  # the count ÷ 万人: per 10k

    assert ds.units == sorted(csv["city_code"].unique().to_list())
    assert int(np.isnan(got).sum()) == 6  # 5 holes and one "—"
    seen = ~np.isnan(got)
    assert np.allclose(got[seen], expected[seen], atol=0.005)
    assert (
        ds.denominators["population_persons"][0, 0]
        == context["population_resident"][0] * 10000
    )


def test_workbook_sample_computes_with_flags(tmp_path: Path) -> None:
    out = tmp_path / "out"

    run = CliRunner().invoke(app, ["compute", str(WORKBOOK_SPEC), "--out", str(out)])

    assert run.exit_code == 0, run.output
    table = pl.read_csv(out / "indicators.csv", schema_overrides={"unit": pl.String})
    flags = dict(table.group_by("flag").len().drop_nulls().iter_rows())
    assert flags["denominated"] == 63
    assert flags["imputed:group_mean"] == 6
    dash = table.filter(
        (pl.col("unit") == "441400")
        & (pl.col("period") == 2022)
        & (pl.col("indicator") == "internet_penetration_rate")
    ).row(0, named=True)
    assert dash["raw"] is None and dash["flag"] == "imputed:group_mean"
    assert dash["prepared"] is not None
    fiveg = table.filter(pl.col("indicator") == "fiveg_bs_per_10k")
    assert fiveg["raw"].min() > 1000 and fiveg["prepared"].max() < 50
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    workbook = manifest["inputs"][1]
    assert (workbook["encoding"], workbook["rows"]) == ("xlsx", 63)
    assert workbook["sha256"] == hashlib.sha256(WORKBOOK.read_bytes()).hexdigest()


TINY_ROWS = [
    ("A", 2021, 10, 5, 1, 100),
    ("A", 2022, 12, 6, 2, 90),
    ("B", 2021, 20, 3, None, 80),
    ("B", 2022, 22, 4, 3, 70),
    ("C", 2021, 30, 1, 4, 60),
    ("C", 2022, 35, 2, 5, 50),
]
HEADER = ["unit", "period", "i1", "i2", "i3", "i4"]


def merged_workbook(path: Path, *, merged_units: bool, group_header: bool) -> Path:
    """The tiny data as a sheet a person formats: each unit's id merged over its
    two years, and/or a row of merged group headers above the real header."""
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": dt.datetime(2024, 1, 1)})
    sheet = book.add_worksheet("data")
    top = 0
    if group_header:
        sheet.merge_range(0, 2, 0, 3, "支柱一 P1")
        sheet.merge_range(0, 4, 0, 5, "支柱二 P2")
        top = 1
    sheet.write_row(top, 0, HEADER)
    for r, row in enumerate(TINY_ROWS):
        for c, value in enumerate(row):
            if value is not None and (c > 0 or not merged_units):
                sheet.write(top + 1 + r, c, value)
    if merged_units:
        for k in range(0, len(TINY_ROWS), 2):
            sheet.merge_range(top + 1 + k, 0, top + 2 + k, 0, TINY_ROWS[k][0])
    book.close()
    return path


def test_merged_unit_cells_give_one_error_and_no_follow_on_ones(
    tmp_path: Path,
) -> None:
    from gdindex.analysis.datacheck import check_data

    spec = SPEC_YAML.replace("  - file: data.csv", "  - file: data.xlsx")
    path = write_project(tmp_path, spec)
    merged_workbook(tmp_path / "data.xlsx", merged_units=True, group_header=False)

    loaded = data_error(path).issues
    checked = check_data(path).issues
    validated = gdindex.validate(path)

    for issues in (loaded, [i for i in checked if i.severity == "error"], validated):
        [error] = [i for i in issues if i.severity == "error"]
        assert error.code == "missing-key" and "rows 3, 5, 7" in error.message
        assert "merged cells" in (error.hint or "")
    # no phantom duplicates of (None, 2022), no empty period 2022, no low coverage
    assert [i.code for i in checked] == ["missing-key"]


def test_a_merged_group_header_above_the_header_suggests_skip_rows(
    tmp_path: Path,
) -> None:
    spec = SPEC_YAML.replace("  - file: data.csv", "  - file: data.xlsx")
    path = write_project(tmp_path, spec)
    merged_workbook(tmp_path / "data.xlsx", merged_units=False, group_header=True)

    [error] = data_error(path).issues

    assert error.code == "group-header" and "row 1" in error.message
    assert "'支柱一 P1'" in error.message and "skip_rows: 1" in (error.hint or "")
    fixed = spec.replace("  - file: data.xlsx", "  - file: data.xlsx\n    skip_rows: 1")
    (tmp_path / "spec.yaml").write_text(fixed, encoding="utf-8")
    assert_tiny_scores(gdindex.compute(path))


def test_a_group_header_in_a_csv_suggests_skip_rows(tmp_path: Path) -> None:
    data = ",,P1,,P2,\n" + DATA_CSV

    [error] = data_error(write_project(tmp_path, SPEC_YAML, data)).issues

    assert error.code == "group-header" and "skip_rows: 1" in (error.hint or "")


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
