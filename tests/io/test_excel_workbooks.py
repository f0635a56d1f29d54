"""Excel workbooks as files: sheets by name or number, missing and empty sheets,
unreadable workbooks, merged unit cells and group headers above the header, the
shipped Guangdong sample workbook. (Cell values: tests/io/test_excel.py.)"""

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

import gdindex
from gdindex.cli import app
from gdindex.errors import IssueLog
from gdindex.io.dataset import load_data
from gdindex.io.tables import read_table
from tests.conftest import (
    DATA_CSV,
    ROOT,
    SPEC_YAML,
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
