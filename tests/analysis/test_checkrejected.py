"""Follow-on findings (issue 11 item 9): once a cell or row is rejected, no later
check reports what follows from it — an empty period, a constant indicator, low
coverage, a missing units-table row."""

from __future__ import annotations

from pathlib import Path

import gdindex
from gdindex.analysis.datacheck import check_data
from gdindex.errors import DataError
from tests.conftest import DATA_CSV, SPEC_YAML, write_project
from tests.io.test_units import PANEL_SPEC, PANEL_UNITS


def _codes(issues: list[gdindex.Issue]) -> list[str | None]:
    return [i.code for i in issues]


def test_a_period_whose_cells_were_all_rejected_is_not_called_empty(
    tmp_path: Path,
) -> None:
    data = "unit,period,i1,i2,i3,i4\n"
    data += "A,2021,n/a,—,x,y\nB,2021,—,—,—,—\nC,2021,n/a,n/a,n/a,n/a\n"
    data += "\n".join(DATA_CSV.splitlines()[1:][1::2]) + "\n"  # the 2022 rows
    path = write_project(tmp_path, data=data)

    issues = gdindex.validate(path)
    check = check_data(path)

    for found in (issues, check.issues):
        assert "non-numeric" in _codes(found)
        assert "empty-period" not in _codes(found)
        assert not any("has no data" in i.message for i in found)
    try:
        gdindex.compute(path)
    except DataError as exc:
        assert "has no data" not in str(exc)


def test_dropped_rows_hide_no_variation_behind_a_constant_warning(
    tmp_path: Path,
) -> None:
    # merged unit cells: the second row of each unit lost its id; i4 varies there
    data = "unit,period,i1,i2,i3,i4\n"
    data += "A,2021,10,5,1,4\n,2022,12,6,2,9\nB,2021,20,3,3,4\n,2022,22,4,3,8\n"
    data += "C,2021,30,1,4,4\n,2022,35,2,5,7\n"
    spec = SPEC_YAML.replace("periods: [2021, 2022]\n", "")

    check = check_data(write_project(tmp_path, spec, data))

    assert "missing-key" in _codes(check.issues)
    assert "constant-indicator" not in _codes(check.issues)


def test_rejected_cells_do_not_count_towards_low_coverage(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2021,10,5,1,100", "A,2021,x,x,x,100")
    data = data.replace("B,2021,20,3,,80", "B,2021,x,x,x,80")
    data = data.replace("A,2022,12,6,2,90", "A,2022,x,x,x,x")
    data = data.replace("C,2021,30,1,4,60", "C,2021,x,x,4,60")

    check = check_data(write_project(tmp_path, data=data))

    assert "non-numeric" in _codes(check.issues)
    low = [c for c in _codes(check.issues) if c and c.startswith("low-coverage")]
    assert low == []


def test_a_units_row_rejected_for_its_period_is_no_missing_row(
    tmp_path: Path,
) -> None:
    units = PANEL_UNITS.replace("C,丙城,Gamma,南,2021,2", "C,丙城,Gamma,南,,2")

    issues = gdindex.validate(write_project(tmp_path, PANEL_SPEC, units=units))

    assert "missing-key" in _codes(issues)
    assert "unit-period-missing" not in _codes(issues)
