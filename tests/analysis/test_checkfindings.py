"""The findings of `check`: messages per indicator, unit and period, and none that
only follow from rows or cells an error already took out."""

from __future__ import annotations

from pathlib import Path

from gdindex.analysis.checkfindings import LOW_COVERAGE
from gdindex.analysis.datacheck import check_data
from tests.conftest import DATA_CSV, write_project


def test_rows_without_a_period_cause_no_coverage_findings(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2022,", "A,,").replace("B,2022,", "B,,")
    data = data.replace("C,2022,", "C,,")

    check = check_data(write_project(tmp_path, data=data))

    # period 2022 lost every row: the empty periods are the one finding
    assert [i.code for i in check.issues] == ["missing-key"]
    assert "empty periods in rows 3, 5, 7" in check.issues[0].message


def test_cells_that_are_not_numbers_cause_no_all_missing_finding(
    tmp_path: Path,
) -> None:
    lines = DATA_CSV.splitlines()
    data = "\n".join(
        [lines[0]] + [line[: line.rindex(",")] + ",n/a" for line in lines[1:]]
    )

    check = check_data(write_project(tmp_path, data=data))

    assert [i.code for i in check.errors] == ["non-numeric"]
    assert "low-coverage" not in [i.code for i in check.issues]
    assert LOW_COVERAGE == 0.5
