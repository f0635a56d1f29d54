"""Header rows and columns: titles read as headers, empty and duplicate headers,
columns without a header, missing columns; in CSV files and in sheets."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

import gdindex
from tests.conftest import DATA_CSV, SPEC_YAML, write_project
from tests.io.helpers import (
    assert_tiny_scores,
    csv_rows,
    data_error,
    data_errors,
    write_xlsx,
    xlsx_spec,
)


def test_missing_columns_named_with_suggestion(tmp_path: Path) -> None:
    data = DATA_CSV.replace("unit,period", "units,period")

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "the unit column 'unit' is missing" in text
    assert "did you mean 'units'?" in text


def test_duplicate_header(tmp_path: Path) -> None:
    data = DATA_CSV.replace(",i4", ",i3")

    assert "duplicate column names: 'i3'" in data_errors(
        write_project(tmp_path, SPEC_YAML, data)
    )


def test_csv_title_line_read_as_header_is_named(tmp_path: Path) -> None:
    data = "小指数数据（示例）,,,,,\n" + DATA_CSV

    error = data_error(write_project(tmp_path, SPEC_YAML, data))

    assert "line 1 looks like a title" in str(error)
    assert "skip_rows: 1" in str(error)


def test_csv_blank_first_line_points_at_the_header(tmp_path: Path) -> None:
    issue = data_error(write_project(tmp_path, SPEC_YAML, "\n\n" + DATA_CSV)).issues[0]

    assert (issue.code, issue.message) == (
        "empty-header",
        "line 1, the header, is empty",
    )
    assert issue.hint == "the first line with text is 3: set `skip_rows: 2`"


def test_csv_headerless_empty_field_is_dropped_with_warning(tmp_path: Path) -> None:
    data = DATA_CSV.replace("i4\n", "i4,\n").replace("\n", ",\n").replace(",,\n", ",\n")
    data = data.replace("A,2021,10,5,1,100,", "A,2021,10,5,1,100,note")

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data))

    assert_tiny_scores(result)
    warning = next(i for i in result.issues if i.code == "no-header")
    assert "field 7 holds" in warning.message


def test_title_row_without_skip_rows_is_named(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "data.xlsx", {"数据": [["标题"], *csv_rows(DATA_CSV)]})

    issue = data_error(
        write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))
    ).issues[0]

    assert issue.code == "title-row"
    assert "row 1 looks like a title, not a header" in issue.message
    assert issue.hint is not None and "skip_rows: 1" in issue.hint


def test_empty_header_row_points_at_the_table(tmp_path: Path) -> None:
    # the table starts at C3: rows 1-2 and columns A-B are empty
    book = tmp_path / "data.xlsx"
    with xlsxwriter.Workbook(str(book)) as wb:
        sheet = wb.add_worksheet("d")
        for r, row in enumerate(csv_rows(DATA_CSV)):
            sheet.write_row(r + 2, 2, row)
    path = write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))
    fixed = write_project(
        tmp_path / "fixed", xlsx_spec("  - file: ../data.xlsx\n    skip_rows: 2\n")
    )

    issue = data_error(path).issues[0]

    assert (issue.code, issue.message) == (
        "empty-header",
        "row 1, the header, is empty",
    )
    assert issue.hint == "the first row with text is 3: set `skip_rows: 2`"
    assert_tiny_scores(gdindex.compute(fixed))


def test_headerless_sheet_column_is_ignored_with_warning(tmp_path: Path) -> None:
    rows = [[*r, None] for r in csv_rows(DATA_CSV)]
    rows[2][6] = "备注：估计值"
    write_xlsx(tmp_path / "data.xlsx", {"d": rows})

    result = gdindex.compute(
        write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))
    )

    assert_tiny_scores(result)
    warning = next(i for i in result.issues if i.code == "no-header")
    assert warning.message.startswith("column G holds values but no header")


def test_duplicate_headers_in_a_sheet(tmp_path: Path) -> None:
    rows = csv_rows(DATA_CSV)
    rows[0] = ["unit", "period", "i1", "i2", "i1 ", "i4"]
    write_xlsx(tmp_path / "data.xlsx", {"d": rows})

    issue = data_error(
        write_project(tmp_path, xlsx_spec("  - file: data.xlsx\n"))
    ).issues[0]

    assert issue.code == "duplicate-column"
    assert issue.message == "duplicate column names: 'i1' (columns C, E)"
