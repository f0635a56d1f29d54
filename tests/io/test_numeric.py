"""Numeric text and bytes: parsing numbers, decoding encodings and BOMs."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gdindex.io.numeric import (
    DecodeError,
    decode,
    parse_numbers,
    percent_mix,
    unread_hint,
)
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


@pytest.mark.parametrize(
    "text", ["—", "n/a", "约100", "1,23", "12a", "inf", "0,975", "00,975", "-0,500"]
)
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


@pytest.mark.parametrize(
    ("codec", "name"),
    [("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"), ("utf-32", "utf-32-le")],
)
def test_decode_reads_bom_marked_utf16_and_utf32(codec: str, name: str) -> None:
    text = "城市,值\n广州,1\n"
    bom = {"utf-16-be": b"\xfe\xff"}.get(codec, b"")

    assert decode(bom + text.encode(codec)) == (text, name)


@pytest.mark.parametrize(
    ("codec", "named"),
    [
        ("utf-16-le", "UTF-16 LE"),
        ("utf-16-be", "UTF-16 BE"),
        ("utf-32-le", "UTF-32 LE"),
        ("utf-32-be", "UTF-32 BE"),
    ],
)
def test_decode_names_utf16_without_a_bom_and_the_fix(codec: str, named: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode("单位,period,value\n广州,2021,1\n".encode(codec))

    assert named in info.value.message
    assert f"encoding: {codec}" in info.value.hint and "UTF-8" in info.value.hint


def test_a_wrong_encoding_names_the_detected_one() -> None:
    with pytest.raises(DecodeError) as info:
        decode("城市,值\n".encode("utf-16"), "utf-8")

    assert "utf-16-le" in info.value.message and "utf-16-le" in info.value.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0,975", 0.975),
        ("-0,500", -0.5),
        ("1.234,5", 1234.5),
        ("12.345.678", 12345678.0),
        ("1.234", 1234.0),
        ("48,10%", 48.1),
        ("１２,５", 12.5),
        ("42", 42.0),
    ],
)
def test_decimal_comma_swaps_the_marks(text: str, expected: float) -> None:
    values, bad = parse_numbers(pl.Series([text]), decimal=",")

    assert values[0] == pytest.approx(expected) and not bad[0]


@pytest.mark.parametrize("text", ["1.5", "0.975", "1,234.5", "1.23,4"])
def test_decimal_comma_rejects_dot_decimals(text: str) -> None:
    _, bad = parse_numbers(pl.Series([text, "1"]), decimal=",")

    assert bad.to_list() == [True, False]


def test_decimal_comma_cells_are_rejected_with_a_hint(tmp_path: Path) -> None:
    data = DATA_CSV.replace("A,2021,10,5", 'A,2021,10,"0,975"')

    text = data_errors(write_project(tmp_path, SPEC_YAML, data))

    assert "row 2 (A, 2021): '0,975'" in text
    assert 'decimal: ","' in text


EURO_DATA = """unit;period;i1;i2;i3;i4
A;2021;10;5;1;100
A;2022;12;6;2;90
B;2021;20;3;;80
B;2022;22;4;3;70
C;2021;30;1;4;60
C;2022;35;2;5;50
"""


def test_a_european_csv_with_decimal_commas_computes(tmp_path: Path) -> None:
    # the same numbers as DATA_CSV, written as a European export writes them
    data = (
        EURO_DATA.replace(";10;5;", ";10,0;5;")
        .replace(";100\n", ";1.000,0\n")
        .replace(";90\n", ";900\n")
        .replace(";80\n", ";800\n")
        .replace(";70\n", ";700\n")
        .replace(";60\n", ";600\n")
        .replace(";50\n", ";500\n")
        .replace("B;2022;22;4;3", "B;2022;22;4;3,0")
    )
    spec = SPEC_YAML.replace(
        "  - file: data.csv", '  - file: data.csv\n    decimal: ","'
    ).replace("  file: units.csv", '  file: units.csv\n  decimal: ","')
    units = UNITS_CSV.replace(",", ";")
    ref = DATA_CSV.replace(",100\n", ",1000\n")
    for old, new in (("90", "900"), ("80", "800"), ("70", "700"), ("60", "600")):
        ref = ref.replace(f",{old}\n", f",{new}\n")
    ref = ref.replace(",50\n", ",500\n")

    path = write_project(tmp_path, spec, data, units)

    assert idx_scores(path) == pytest.approx(
        idx_scores(write_project(tmp_path / "ref", SPEC_YAML, ref))
    )


def test_decimal_comma_defaults_to_semicolons_and_allows_commas() -> None:
    from gdindex.spec import DataTable

    # quoted decimal commas ("0,975") make a comma separator unambiguous
    assert DataTable(file="d.csv", decimal=",", separator=",").separator == ","
    assert DataTable(file="d.csv", decimal=",").separator == ";"


def test_decimal_comma_in_a_parquet_text_column(tmp_path: Path) -> None:
    frame = pl.read_csv(DATA_CSV.encode()).with_columns(
        pl.col("i2").cast(pl.String).str.replace("$", ",0")
    )
    path = write_project(tmp_path, SPEC_YAML.replace("data.csv", "data.parquet"))
    frame.write_parquet(tmp_path / "data.parquet")
    comma = tmp_path / "comma"
    frame.write_parquet(
        write_project(
            comma,
            SPEC_YAML.replace(
                "  - file: data.csv", '  - file: data.parquet\n    decimal: ","'
            ),
        ).parent
        / "data.parquet"
    )

    assert "'5,0'" in data_errors(path)
    assert idx_scores(comma / "spec.yaml") == pytest.approx(
        idx_scores(write_project(tmp_path / "ref"))
    )


def test_a_wrong_explicit_encoding_names_the_one_that_reads_the_file() -> None:
    with pytest.raises(DecodeError) as info:
        decode("城市,值\n广州,1\n".encode("gbk"), "utf-8")

    assert "looks like gb18030" in info.value.message
    assert "encoding: gb18030" in info.value.hint


def test_an_empty_first_cell_and_text_further_down_is_a_bad_cell() -> None:
    column = pl.Series("i3", [None] * 150 + ["12", "abc", "1,234"], dtype=pl.String)

    values, bad = parse_numbers(column)

    assert values.to_list()[-3:] == [12.0, None, 1234.0]
    assert bad.to_list()[-3:] == [False, True, False] and not bad.head(150).any()


@pytest.mark.parametrize(
    ("cells", "decimal", "expected"),
    [
        (["48.10%", "0.5052", "51"], ".", ([0], [1])),
        (["48,10%", "0,5052", "51"], ",", ([0], [1])),
        # 1.000 is a thousand under decimal ",": not a fraction
        (["48,10%", "1.000", "51"], ",", None),
        (["48.10%", "1,000", "51"], ".", None),
        (["４８．１％", "０．５", "51"], ".", ([0], [1])),
        (["４８，１％", "０，５", "51"], ",", ([0], [1])),
    ],
)
def test_percent_mix_reads_cells_with_the_decimal_mark(
    cells: list[str], decimal: str, expected: object
) -> None:
    assert percent_mix(pl.Series("x", cells), decimal) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", 1234.5),
        ("1\xa0234", 1234.0),
        ("-12\u202f345\u202f678,25", -12345678.25),
        ("NaN", None),
        ("nan", None),
    ],
)
def test_decimal_comma_reads_space_thousands_and_nan_as_missing(
    text: str, expected: float | None
) -> None:
    values, bad = parse_numbers(pl.Series("x", [text]), decimal=",")

    assert values.to_list() == [expected] and not bad.any()


@pytest.mark.parametrize(
    ("cells", "decimal", "wanted", "unwanted"),
    [
        (["x"], ",", "(1234,5; 74,6)", "1234.5"),
        (["1.5"], ",", 'set `decimal: "."`', "1234.5"),
        (["1 234.5"], ".", "spaces between digit groups", "1234,5"),
        (["0,975"], ".", 'set `decimal: ","`', "1234,5"),
    ],
)
def test_rejection_hints_follow_the_decimal_mark(
    cells: list[str], decimal: str, wanted: str, unwanted: str
) -> None:
    hint = unread_hint(cells, decimal)

    assert wanted in hint and unwanted not in hint


@pytest.mark.parametrize(
    ("codec", "asked", "found"),
    [
        ("utf-8", "utf-16", "utf-8"),
        ("gb18030", "utf-16-le", "gb18030"),
        ("utf-32-le", "utf-16-le", "utf-32-le"),
        ("utf-16-le", "utf-32", "utf-16-le"),
    ],
)
def test_an_explicit_wide_encoding_the_bytes_contradict_is_named(
    codec: str, asked: str, found: str
) -> None:
    with pytest.raises(DecodeError) as info:
        decode("单位,period,i1\n广州,2021,1.5\n".encode(codec), asked)

    assert f"looks like {found}" in info.value.message
    assert f"encoding: {found}" in info.value.hint
