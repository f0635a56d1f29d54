"""The units table: text codes, group weights."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import gdindex
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, write_project
from tests.io.helpers import (
    data_errors,
)


def test_text_unit_codes_keep_leading_zeros(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("\nA,", "\n007,")
    data = DATA_CSV.replace("\nA,", "\n007,")

    result = gdindex.compute(write_project(tmp_path, SPEC_YAML, data, units))

    assert "007" in result.scores["unit"].to_list()


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


def test_non_numeric_group_weight_is_reported(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("region\n", "region,pop\n").replace("北\n", "北,很多\n")
    units = units.replace("Beta,南\n", "Beta,南,2\n").replace(
        "Gamma,南\n", "Gamma,南,1\n"
    )
    spec = SPEC_YAML.replace(
        "groups: [region]", "groups: [region]\n  group_weight: pop"
    )

    text = data_errors(write_project(tmp_path, spec, DATA_CSV, units))

    assert "non-numeric group weights in row 2" in text


# The tiny units as a panel: A moves from 北 to 南 and C from 南 to 北 in 2022;
# pop (a group weight and a denominator) changes over time.
PANEL_UNITS = """code,name_zh,name_en,region,period,pop
A,甲城,Alpha,北,2021,1
A,甲城,Alpha,南,2022,3
B,乙城,Beta,南,2021,1
B,乙城,Beta,南,2022,1
C,丙城,Gamma,南,2021,2
C,丙城,Gamma,北,2022,2
"""
PANEL_SPEC = SPEC_YAML.replace(
    "  groups: [region]", "  groups: [region]\n  period: period"
)


def test_a_panel_units_table_is_read_per_period(tmp_path: Path) -> None:
    from gdindex.io.dataset import load_data

    path = write_project(tmp_path, PANEL_SPEC, units=PANEL_UNITS)

    dataset = load_data(gdindex.load_spec(path))

    assert dataset.units == ["A", "B", "C"]
    assert dataset.groups["region"].tolist() == [
        ["北", "南"],
        ["南", "南"],
        ["南", "北"],
    ]
    assert dataset.unit_table["name_en"].to_list() == ["Alpha", "Beta", "Gamma"]
    # labels elsewhere show the latest period's group
    assert dataset.unit_table["group:region"].to_list() == ["南", "南", "北"]


def test_panel_group_weights_and_denominators_vary_by_period(tmp_path: Path) -> None:
    spec = PANEL_SPEC.replace(
        "  period: period", "  period: period\n  group_weight: pop"
    ).replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: pop}",
    )
    path = write_project(tmp_path, spec, units=PANEL_UNITS)

    result = gdindex.compute(path)

    den = result.stages["denominated"].sort("unit", "period")["i1"].to_list()
    assert den == [10 / 1, 12 / 3, 20 / 1, 22 / 1, 30 / 2, 35 / 2]
    from gdindex.io.dataset import load_data

    weights = load_data(gdindex.load_spec(path)).group_weights
    assert weights is not None and weights.tolist() == [[1, 3], [1, 1], [2, 2]]


def test_panel_unit_names_must_not_change(tmp_path: Path) -> None:
    units = PANEL_UNITS.replace("A,甲城,Alpha,南,2022", "A,甲市,Alpha,南,2022")

    text = data_errors(write_project(tmp_path, PANEL_SPEC, units=units))

    assert "unit names change between periods: 'A: 甲城 → 甲市'" in text
    assert "name_zh" in text


def test_panel_duplicate_unit_periods_are_named(tmp_path: Path) -> None:
    units = PANEL_UNITS + "B,乙城,Beta,北,2022,1\n"

    text = data_errors(write_project(tmp_path, PANEL_SPEC, units=units))

    assert "duplicate (unit, period) rows: 'B, 2022 in rows [5, 8]'" in text


def test_a_panel_without_its_period_column_is_refused(tmp_path: Path) -> None:
    text = data_errors(write_project(tmp_path, PANEL_SPEC, units=UNITS_CSV))

    assert "the period column 'period' is missing" in text


def test_a_panel_missing_a_unit_period_with_data_is_a_warning(tmp_path: Path) -> None:
    units = PANEL_UNITS.replace("C,丙城,Gamma,北,2022,2\n", "")

    result = gdindex.compute(write_project(tmp_path, PANEL_SPEC, units=units))

    [warning] = [i for i in result.issues if i.code == "unit-period-missing"]
    assert "'C 2022'" in warning.message
    north = result.groups.filter((pl.col("period") == 2022) & (pl.col("group") == "北"))
    assert set(north["n_units"].to_list()) == {0}  # C has no group in 2022


def test_a_decimal_comma_group_weight_names_the_decimal_key(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("region\n", "region,pop\n").replace("北\n", '北,"0,5"\n')
    units = units.replace("Beta,南\n", "Beta,南,1\n").replace(
        "Gamma,南\n", "Gamma,南,2\n"
    )
    spec = SPEC_YAML.replace(
        "groups: [region]", "groups: [region]\n  group_weight: pop"
    )

    text = data_errors(write_project(tmp_path, spec, units=units))

    assert "group weights in row 2" in text and 'decimal: ","' in text


def test_a_units_row_without_an_id_causes_no_unknown_unit_error(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("\nC,丙城", "\n,丙城")

    text = data_errors(write_project(tmp_path, units=units))

    assert "empty unit ids in row 4" in text
    assert "not in the units table" not in text


def test_two_units_rows_without_ids_are_not_duplicates(tmp_path: Path) -> None:
    units = UNITS_CSV.replace("\nB,乙城", "\n ,乙城").replace("\nC,丙城", "\n  ,丙城")

    text = data_errors(write_project(tmp_path, units=units))

    assert "empty unit ids in rows 3, 4" in text and "duplicate" not in text


def test_a_units_denominator_mixing_percent_and_fractions_warns(
    tmp_path: Path,
) -> None:
    units = UNITS_CSV.replace("region\n", "region,share\n").replace("北\n", "北,0.5\n")
    units = units.replace("Beta,南\n", "Beta,南,40%\n").replace(
        "Gamma,南\n", "Gamma,南,30%\n"
    )
    spec = SPEC_YAML.replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: share}",
    )

    result = gdindex.compute(write_project(tmp_path, spec, units=units))

    [mix] = [i for i in result.issues if i.code == "percent-mix"]
    assert "'share'" in mix.where and "row 2: '0.5'" in mix.message


def test_units_changing_group_are_named_with_the_groups_and_periods(
    tmp_path: Path,
) -> None:
    path = write_project(tmp_path, PANEL_SPEC, units=PANEL_UNITS)

    issues = gdindex.validate(path)

    [moved] = [i for i in issues if i.code == "group-membership-changes"]
    assert "'region'" in moved.where and "2 units change group" in moved.message
    assert "A 北 → 南 (2021 → 2022)" in moved.message
    assert "C 南 → 北 (2021 → 2022)" in moved.message
    assert "北, 南 in 2021 → 2022" in moved.message


def test_a_decimal_comma_units_table_warns_of_a_percent_mix_and_hints_the_mark(
    tmp_path: Path,
) -> None:
    units = "code;name_zh;name_en;region;share;pop\n"
    units += (
        "A;甲城;Alpha;北;48,10%;1.5\nB;乙城;Beta;南;0,5052;2\nC;丙城;Gamma;南;51%;3\n"
    )
    spec = SPEC_YAML.replace(
        "  file: units.csv\n",
        '  file: units.csv\n  decimal: ","\n  group_weight: pop\n',
    ).replace(
        "{id: i1, name: {zh: 指标一, en: One}, unit: 个}",
        "{id: i1, name: {zh: 指标一, en: One}, denominator: share}",
    )

    text = data_errors(write_project(tmp_path, spec, units=units))

    assert "group weights in row 2" in text and 'set `decimal: "."`' in text
    fixed = write_project(tmp_path / "ok", spec, units=units.replace("1.5", "1,5"))
    [mix] = [i for i in gdindex.compute(fixed).issues if i.code == "percent-mix"]
    assert "'48,10%'" in mix.message and "'0,5052'" in mix.message
