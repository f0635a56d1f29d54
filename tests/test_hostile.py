"""Hostile inputs end to end: every command gives a located answer (never
"unexpected error"), no output file holds inf or NaN text, and `validate` refuses
exactly what `compute` refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

import gdindex
from gdindex.cli import app
from gdindex.errors import GdindexError
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, CliRunner, write_project

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_text_below_an_empty_first_cell_is_located_in_every_command(
    tmp_path: Path,
) -> None:
    # arrange: 150 units; i3 is empty in the first 120, and one later cell is text
    units = ["code,name_zh,name_en,region"]
    rows = ["unit,period,i1,i2,i3,i4"]
    for k in range(150):
        units.append(f"U{k},U{k},U{k},N")
        for year in (2021, 2022):
            i3 = "" if k < 120 else ("abc" if (k, year) == (130, 2021) else str(k))
            rows.append(f"U{k},{year},{k + 1},{k % 7 + 1},{i3},{200 - k}")
    spec = write_project(
        tmp_path, data="\n".join(rows) + "\n", units="\n".join(units) + "\n"
    )

    for command in ("validate", "compute", "check"):
        # act
        code, text = run(command, str(spec))

        # assert
        assert code == 1, command
        assert "unexpected error" not in text and "ComputeError" not in text
        assert "'abc'" in text and "U130" in text, command


@pytest.mark.parametrize(
    ("extra", "data"),
    [
        (
            "  - {id: i1, name: {zh: 指标一, en: One}, unit: 个, "
            "normalise: {method: ratio}}",
            DATA_CSV.replace("C,2021,30,", "C,2021,1.5e308,").replace(
                "C,2022,35,", "C,2022,1e308,"
            ),
        ),
        ("power_mean 200", DATA_CSV),
        ("power_mean -300", DATA_CSV),
    ],
)
def test_no_output_file_holds_inf_or_nan(tmp_path: Path, extra: str, data: str) -> None:
    spec_text = SPEC_YAML
    if extra.startswith("power_mean"):
        spec_text += (
            f"defaults:\n  aggregate: {{method: power_mean, p: {extra.split()[1]}}}\n"
            "  normalise: {method: minmax, range: [1, 100]}\n"
        )
    else:
        spec_text = spec_text.replace(
            "  - {id: i1, name: {zh: 指标一, en: One}, unit: 个}", extra
        )
    spec = write_project(tmp_path / "p", spec_text, data)
    out = tmp_path / "out"

    code, text = run("compute", str(spec), "-q", "--out", str(out))

    assert code == 0, text
    for path in out.iterdir():
        content = path.read_text(encoding="utf-8").lower()
        assert "inf" not in content and "nan" not in content, path.name


_BAD_SPECS = {
    "geometric over minmax [0, 100]": SPEC_YAML
    + "defaults:\n  aggregate: {method: geometric}\n",
    "harmonic over minmax [0, 100]": SPEC_YAML
    + "defaults:\n  aggregate: {method: harmonic}\n",
    "power mean p < 0 over minmax [0, 100]": SPEC_YAML
    + "defaults:\n  aggregate: {method: power_mean, p: -2}\n",
    "periods none of which are in the data": SPEC_YAML.replace(
        "periods: [2021, 2022]", "periods: [2030, 2031]"
    ),
    "an unknown method": SPEC_YAML + "defaults:\n  aggregate: {method: arithmetc}\n",
    "a negative weight": SPEC_YAML.replace("weight: 2\n", "weight: -2\n"),
    "cv weights over minmax scores": SPEC_YAML + "defaults:\n  weights: {method: cv}\n",
}


@pytest.mark.parametrize("name", sorted(_BAD_SPECS))
def test_validate_refuses_what_compute_refuses(tmp_path: Path, name: str) -> None:
    spec = write_project(tmp_path, _BAD_SPECS[name], DATA_CSV, UNITS_CSV)

    validate_code, validate_text = run("validate", str(spec))
    compute_code, compute_text = run("compute", str(spec), "-q")
    found = {i.code for i in gdindex.validate(spec) if i.severity == "error"}
    try:
        gdindex.compute(gdindex.load_spec(spec))
        refused: set[str | None] = set()
    except GdindexError as exc:
        refused = {i.code for i in exc.issues if i.severity == "error"}

    assert validate_code == compute_code, (validate_text, compute_text)
    assert found == refused


def test_growth_beyond_the_float_range_is_missing_with_a_warning(
    tmp_path: Path,
) -> None:
    # scores of almost 0 in 2021 (1e-318) and about 1 in 2022: the ratio overflows
    data = "unit,period,i1,i2,i3,i4\n" + "".join(
        f"{u},2021,1e-20,1e-20,1e-20,-1e-20\n{u},2022,1e298,1e298,1e298,-1e298\n"
        for u in "ABC"
    )
    spec_text = SPEC_YAML + (
        "defaults:\n  normalise: {method: goalposts, worst: 0, best: 1e300}\n"
    )
    spec = write_project(tmp_path / "p", spec_text.replace("direction: -1", ""), data)
    out = tmp_path / "out"

    code, text = run("compute", str(spec), "-q", "--out", str(out))

    assert code == 0, text
    result = gdindex.compute(gdindex.load_spec(spec))
    assert any(i.code == "non-finite" and "growth" in i.message for i in result.issues)
    assert "inf" not in (out / "scores.csv").read_text(encoding="utf-8").lower()
