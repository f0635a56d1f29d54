"""Numeric text and bytes: parsing numbers, decoding encodings and BOMs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gdindex.io.numeric import decode, parse_numbers
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, write_project
from tests.io.helpers import (
    data_errors,
    idx_scores,
)


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


def test_bom_in_front_of_gbk_text(tmp_path: Path) -> None:
    units = b"\xef\xbb\xbf" + UNITS_CSV.encode("gbk")

    path = write_project(tmp_path, SPEC_YAML, DATA_CSV, units)

    assert idx_scores(path) == pytest.approx(idx_scores(write_project(tmp_path / "r")))


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


def test_infinite_numbers_are_rejected(tmp_path: Path) -> None:
    data = DATA_CSV.replace("C,2022,35,", "C,2022,inf,")

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "column 'i1'" in text and "row 7 (C, 2022)" in text


def test_an_empty_first_cell_and_text_further_down_is_a_bad_cell() -> None:
    column = pl.Series("i3", [None] * 150 + ["12", "abc", "1,234"], dtype=pl.String)

    values, bad = parse_numbers(column)

    assert values.to_list()[-3:] == [12.0, None, 1234.0]
    assert bad.to_list()[-3:] == [False, True, False] and not bad.head(150).any()
