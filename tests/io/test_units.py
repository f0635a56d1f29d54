"""The units table: text codes, group weights."""

from __future__ import annotations

from pathlib import Path

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

    assert "non-numeric group weights in rows 2" in text
