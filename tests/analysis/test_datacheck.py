"""The data audit: hand-computed statistics, findings as issues, files, and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from gdindex.analysis.datacheck import (
    FILES,
    INDICATOR_COLUMNS,
    DataCheck,
    check_data,
    column_stats,
    fails_outlier_rule,
    write_check,
)
from gdindex.cli import app
from gdindex.methods.treat import passes, skew_kurt
from tests.conftest import DATA_CSV, SPEC_YAML, CliRunner, make_spec, write_project

runner = CliRunner()

# i4 is a percentage with declared bounds; A 2021 is 120 and C 2022 is -5.
BOUNDED_SPEC = SPEC_YAML.replace(
    "{id: i4, name: {zh: 指标四, en: Four}, direction: -1}",
    "{id: i4, name: {zh: 指标四, en: Four}, direction: -1, unit: '%', "
    "bounds: [0, 100]}",
)
BOUNDED_DATA = DATA_CSV.replace("A,2021,10,5,1,100", "A,2021,10,5,1,120").replace(
    "C,2022,35,2,5,50", "C,2022,35,2,5,-5"
)


def codes(check: DataCheck) -> list[str]:
    return [i.code for i in check.issues]


# --- Statistics --- #


def test_column_stats_of_a_hand_computed_column() -> None:
    # x = 1, 2, 3, 4, 100: n = 5, mean = 110 / 5 = 22, deviations -21 -20 -19 -18 78
    # Σd² = 441 + 400 + 361 + 324 + 6084 = 7610
    # Σd³ = -9261 - 8000 - 6859 - 5832 + 474552 = 444600
    # Σd⁴ = 194481 + 160000 + 130321 + 104976 + 37015056 = 37604834
    x = np.array([[1.0], [2.0], [3.0], [4.0], [100.0]])
    m2, m3, m4 = 7610 / 5, 444600 / 5, 37604834 / 5

    stats = column_stats(x)

    assert stats["n"][0] == 5 and stats["mean"][0] == 22.0
    assert stats["min"][0] == 1.0 and stats["max"][0] == 100.0
    assert stats["sd"][0] == pytest.approx(math.sqrt(7610 / 4), rel=1e-14)
    assert stats["sd"][0] == pytest.approx(43.617656975128774, rel=1e-14)
    g1 = math.sqrt(5 * 4) / 3 * m3 / m2**1.5
    assert stats["skew"][0] == pytest.approx(g1, rel=1e-12)
    assert stats["skew"][0] == pytest.approx(2.232395911636458, rel=1e-12)
    # G2 = 4/6 · (6 · (m4/m2² − 3) + 6), exactly 14439994 / 2895605
    assert stats["kurt"][0] == pytest.approx(4 / 6 * (6 * (m4 / m2**2 - 3) + 6))
    assert stats["kurt"][0] == pytest.approx(14439994 / 2895605, rel=1e-12)
    assert stats["zeros_share"][0] == 0.0 and not stats["constant"][0]
    # |G1| ≥ 2 and G2 ≥ 3.5: the column fails the outlier rule
    assert fails_outlier_rule(stats["skew"], stats["kurt"], 2.0, 3.5)[0]
    assert not passes(x[:, 0])


def test_column_stats_equal_skew_kurt_and_numpy_on_random_data() -> None:
    rng = np.random.default_rng(11)
    x = rng.lognormal(0.0, 1.2, size=(200, 30))
    x[rng.random(x.shape) < 0.2] = np.nan
    x[:, 3] = np.where(np.isnan(x[:, 3]), np.nan, 0.0) + x[:, 3] * 1e6  # large scale

    stats = column_stats(x)

    expected = np.array([skew_kurt(x[:, j]) for j in range(x.shape[1])])
    np.testing.assert_allclose(stats["skew"], expected[:, 0], rtol=1e-9)
    np.testing.assert_allclose(stats["kurt"], expected[:, 1], rtol=1e-9)
    np.testing.assert_allclose(stats["mean"], np.nanmean(x, axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats["sd"], np.nanstd(x, axis=0, ddof=1), rtol=1e-10)
    np.testing.assert_array_equal(stats["min"], np.nanmin(x, axis=0))
    np.testing.assert_array_equal(stats["n"], (~np.isnan(x)).sum(axis=0))


def test_outlier_rule_agrees_with_passes() -> None:
    rng = np.random.default_rng(3)
    columns = [rng.standard_t(df, size=60) for df in (1, 2, 3, 5, 30)] + [
        rng.normal(size=60),
        np.r_[np.ones(20), 50.0],
        rng.exponential(size=8),
    ]
    width = max(c.size for c in columns)
    x = np.full((width, len(columns)), np.nan)
    for j, c in enumerate(columns):
        x[: c.size, j] = c

    stats = column_stats(x)
    fails = fails_outlier_rule(stats["skew"], stats["kurt"], 2.0, 3.5)

    assert fails.tolist() == [not passes(c) for c in columns]
    assert fails.any() and not fails.all()


def test_column_stats_small_samples_constant_and_zeros() -> None:
    nan = np.nan
    x = np.array(
        [
            [nan, 7.0, 1.0, 1.0, 5.0, 0.0],
            [nan, nan, 2.0, 2.0, 5.0, 0.0],
            [nan, nan, nan, 4.0, 5.0, 3.0],
            [nan, nan, nan, nan, 5.0, 0.0],
        ]
    )

    s = column_stats(x)

    assert s["n"].tolist() == [0, 1, 2, 3, 4, 4]
    assert math.isnan(s["mean"][0]) and math.isnan(s["min"][0])
    assert math.isnan(s["sd"][1]) and s["sd"][2] == pytest.approx(math.sqrt(0.5))
    assert math.isnan(s["skew"][2]) and not math.isnan(s["skew"][3])
    assert math.isnan(s["kurt"][3])  # n = 3: no kurtosis
    assert s["constant"].tolist() == [False, False, False, False, True, False]
    assert s["sd"][4] == 0.0 and math.isnan(s["skew"][4]) and math.isnan(s["kurt"][4])
    assert s["zeros_share"][5] == 0.75 and math.isnan(s["zeros_share"][0])


# --- The audit on a project --- #


def test_tiny_project_statistics_and_coverage(tiny_spec: Path) -> None:
    check = check_data(tiny_spec)

    assert check.ok and check.issues == []
    assert check.indicators.columns == INDICATOR_COLUMNS
    i1 = check.indicators.row(0, named=True)
    # i1 = 10, 12, 20, 22, 30, 35: mean 129/6; Σd² = 479.5
    assert i1["mean"] == 21.5 and i1["sd"] == pytest.approx(math.sqrt(479.5 / 5))
    assert (i1["min"], i1["max"], i1["n"], i1["missing"]) == (10.0, 35.0, 6, 0)
    assert i1["below_bound"] is None and i1["outlier_periods"] == []
    i3 = check.indicators.row(2, named=True)
    assert i3["n"] == 5 and i3["coverage"] == pytest.approx(5 / 6)
    units = dict(zip(check.units["unit"], check.units["coverage"], strict=True))
    assert units == {"A": 1.0, "B": 7 / 8, "C": 1.0}
    assert check.units["name_en"].to_list() == ["Alpha", "Beta", "Gamma"]
    assert check.periods["coverage"].to_list() == [11 / 12, 1.0]
    assert check.periods["n_units"].to_list() == [3, 3]


def test_bounds_violation_is_an_error_naming_cells_and_bound(tmp_path: Path) -> None:
    spec = write_project(tmp_path, BOUNDED_SPEC, BOUNDED_DATA)

    check = check_data(spec)

    assert not check.ok and codes(check) == ["out-of-bounds"]
    issue = check.errors[0]
    assert issue.where == "data: indicator 'i4'"
    assert "bounds [0, 100]" in issue.message
    assert "1 above 100 (A 2021 = 120)" in issue.message
    assert "1 below 0 (C 2022 = -5)" in issue.message
    assert issue.hint is not None and "indicators[3]" in issue.hint
    i4 = check.indicators.row(3, named=True)
    assert (i4["lower"], i4["upper"]) == (0.0, 100.0)
    assert (i4["below_bound"], i4["above_bound"]) == (1, 1)
    assert check.indicators["above_bound"].to_list()[:3] == [None, None, None]


def test_many_bound_violations_are_capped() -> None:
    spec = make_spec([{"id": "share", "bounds": [0, 1]}])
    frame = pl.DataFrame(
        {"unit": [f"U{k}" for k in range(8)], "period": [2020] * 8, "share": [2.0] * 8}
    )

    check = check_data(spec, frame)

    message = check.errors[0].message
    assert message.startswith("values outside the declared bounds [0, 1]: 8 above 1")
    assert "U4 2020 = 2, … (3 more)" in message and "U5" not in message


def test_duplicates_and_unknown_units_are_reported_not_raised(tmp_path: Path) -> None:
    data = DATA_CSV + "B,2022,22,4,3,70\nZ,2021,1,1,1,1\n"
    spec = write_project(tmp_path, data=data)

    check = check_data(spec)

    assert not check.ok
    assert {"duplicate-row", "unknown-unit"} <= set(codes(check))
    assert "'Z'" in next(i.message for i in check.errors if i.code == "unknown-unit")
    assert check.units["unit"].to_list() == ["A", "B", "C"]  # statistics still there
    assert check.indicators.height == 4


def test_unreadable_table_gives_issues_not_an_exception(tmp_path: Path) -> None:
    spec = write_project(tmp_path, SPEC_YAML.replace("data.csv", "absent.csv"))

    check = check_data(spec)

    assert not check.ok and codes(check) == ["missing-file"]
    assert (
        check.indicators.height == 0 and check.indicators.columns == INDICATOR_COLUMNS
    )
    assert json.loads(check.to_json())["counts"]["errors"] == 1


WARN_FRAME = pl.DataFrame(
    {
        "unit": [f"U{k}" for k in range(1, 7)] * 3,
        "period": [2021] * 6 + [2022] * 6 + [2023] * 6,
        # constant; U6 and 2023 missing
        "c": [5.0] * 5 + [None] + [5.0] * 5 + [None] + [None] * 6,
        # one extreme value in 2022
        "o": [1.0, 2, 3, 4, 5, 6] + [2.0, 3, 4, 5, 6, 1000] + [None] * 6,
        # mostly zeros
        "z": [0.0, 0, 0, 0, 1, None] + [0.0, 0, 0, 0, 2, None] + [None] * 6,
        # two values only, in 2023
        "m": [None] * 12 + [7.0, 8.0] + [None] * 4,
    }
)


def test_warnings_constant_outliers_zeros_and_low_coverage() -> None:
    spec = make_spec(["c", "o", "z", "m"])

    check = check_data(spec, WARN_FRAME)

    assert check.ok and check.errors == []
    by_code = {(i.code, i.where) for i in check.warnings}
    assert {
        ("constant-indicator", "data: indicator 'c'"),
        ("outliers", "data: indicator 'o'"),
        ("zero-heavy", "data: indicator 'z'"),
        ("low-coverage", "data: indicator 'm'"),
        ("low-coverage-unit", "data: units"),
        ("low-coverage-period", "data: period 2023"),
    } <= by_code
    rows = {r["indicator"]: r for r in check.indicators.iter_rows(named=True)}
    assert rows["c"]["constant"] and rows["c"]["sd"] == 0.0
    assert rows["o"]["outliers"] and rows["o"]["outlier_periods"] == [2022]
    assert rows["z"]["zeros_share"] == 0.8
    assert rows["m"]["coverage"] == pytest.approx(2 / 18)
    unit_issue = next(i for i in check.warnings if i.code == "low-coverage-unit")
    assert (
        unit_issue.message.startswith("1 unit has")
        and "U6 (16.7%)" in unit_issue.message
    )
    outlier = next(i for i in check.warnings if i.code == "outliers")
    assert "fails in periods 2022" in outlier.message
    assert "largest value 1000 (U6, 2022)" in outlier.message
    u6 = check.units.filter(pl.col("unit") == "U6").row(0, named=True)
    assert u6["n"] == 2 and u6["empty_periods"] == [2023]
    p2023 = check.periods.row(2, named=True)
    assert (p2023["n"], p2023["n_units"], p2023["n_indicators"]) == (2, 2, 1)


def test_outlier_thresholds_follow_the_treat_spec() -> None:
    spec = make_spec(
        [{"id": "o", "treat": {"method": "winsorise", "skew": 9.0}}, "c"],
    )

    check = check_data(spec, WARN_FRAME.select("unit", "period", "o", "c"))

    assert not check.indicators["outliers"][0]
    assert "outliers" not in codes(check)


def test_spec_warnings_are_included() -> None:
    spec = make_spec(["o", "c", "z"], tree={"id": "root", "children": ["o", "c"]})

    check = check_data(spec, WARN_FRAME.select("unit", "period", "o", "c", "z"))

    unused = [i for i in check.issues if "'z'" in i.message and i.where != "data"]
    assert unused and unused[0].severity == "warning"
    assert check.indicators["in_tree"].to_list() == [True, True, False]


# --- JSON and files --- #


def test_json_is_deterministic_and_has_no_nan(tmp_path: Path) -> None:
    spec = write_project(tmp_path, BOUNDED_SPEC, BOUNDED_DATA)

    first, second = check_data(spec).to_json(), check_data(spec).to_json()

    assert first == second
    data = json.loads(first)  # allow_nan=False: would have raised on NaN
    assert data["ok"] is False and data["counts"]["errors"] == 1
    assert data["indicators"][1]["lower"] is None


def test_write_check_files_are_byte_identical(tmp_path: Path) -> None:
    spec = write_project(tmp_path / "p", BOUNDED_SPEC, BOUNDED_DATA)
    check = check_data(spec)

    paths = write_check(check, tmp_path / "a")
    write_check(check_data(spec), tmp_path / "b")

    assert [p.name for p in paths] == list(FILES)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes()
    assert (tmp_path / "a" / "check.json").read_text(encoding="utf-8") == (
        check.to_json(indent=2) + "\n"
    )
    issues = pl.read_csv(tmp_path / "a" / "check_issues.csv")
    assert issues["code"].to_list() == ["out-of-bounds"]
    indicators = pl.read_csv(tmp_path / "a" / "check_indicators.csv")
    assert indicators["outlier_periods"].null_count() == 4  # empty lists: empty
    assert indicators["above_bound"].to_list() == [None, None, None, 1]


# --- The CLI is thin --- #


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_bounds_violation_exits_1(tmp_path: Path) -> None:
    spec = write_project(tmp_path, BOUNDED_SPEC, BOUNDED_DATA)

    code, out, err = cli("check", str(spec), "--lang", "en")

    assert code == 1
    assert "out-of-bounds" in out and "A 2021 = 120" in out
    assert "1 error, 0 warnings" in out


def test_cli_quiet_prints_only_errors_on_stderr(tmp_path: Path) -> None:
    spec = write_project(tmp_path, BOUNDED_SPEC, BOUNDED_DATA)

    code, out, err = cli("check", str(spec), "--quiet")

    assert code == 1 and out == ""
    assert "out-of-bounds" in err and "Indicators" not in err


def test_cli_warnings_only_exits_0(tmp_path: Path) -> None:
    constant = pl.read_csv(DATA_CSV.encode()).with_columns(i2=pl.lit(4))
    spec = write_project(tmp_path, data=constant.write_csv())

    code, out, _ = cli("check", str(spec), "--lang", "en")

    assert code == 0
    assert "constant-indicator" in out and "0 errors, 1 warning" in out


def test_cli_out_and_json_equal_the_library(tmp_path: Path) -> None:
    spec = write_project(tmp_path / "p", BOUNDED_SPEC, BOUNDED_DATA)
    expected = check_data(spec).to_json()

    code, out, err = cli("check", str(spec), "--out", str(tmp_path / "o"))
    json_code, json_out, _ = cli("check", str(spec), "--format", "json")

    assert code == 1 and json_code == 1
    assert "已写入 5 个文件" in err  # in the default language, zh
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(FILES)
    written = (tmp_path / "o" / "check.json").read_text(encoding="utf-8")
    assert json.loads(written) == json.loads(expected)
    assert json_out == expected + "\n"


def test_cli_two_runs_write_identical_files(tiny_spec: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        code, _, _ = cli("check", str(tiny_spec), "--out", str(tmp_path / name), "-q")
        assert code == 0

    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes()


def test_cli_bad_yaml_exits_1_with_error_panel(tmp_path: Path) -> None:
    spec = write_project(tmp_path, "spec_version: 1\nid: [\n")

    code, out, err = cli("check", str(spec), "--lang", "en")
    code_zh, _, err_zh = cli("check", str(spec))

    assert code == 1 and out == ""
    assert "malformed YAML" in err and "spec.yaml:3" in err
    assert code_zh == 1 and "YAML 格式错误" in err_zh and "spec.yaml:3" in err_zh


def test_cli_bad_format_is_a_usage_error(tiny_spec: Path) -> None:
    code, _, err = cli("check", str(tiny_spec), "--format", "csv")

    assert code == 2 and "--format" in err
