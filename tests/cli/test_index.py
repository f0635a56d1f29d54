"""gdindex compute, validate and schema (init and report: tests/io/test_scaffold.py,
tests/report/test_publish.py): exit codes 0/1/2, errors on stderr, JSON equal to the
library."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

import gdindex
from gdindex.cli import app
from tests.cli.helpers import run, runner
from tests.conftest import DATA_CSV, SPEC_YAML, write_project


def test_compute_prints_ranked_report(tiny_spec: Path) -> None:
    code, out, _ = run("compute", str(tiny_spec), "--lang", "en")

    assert code == 0
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if "Gamma" in line)
    assert lines.index(next(x for x in lines if "Beta" in x)) > first
    assert "丙城" in out and "Leader" in out and "Group summary" in out


def test_compute_top_and_period(tiny_spec: Path) -> None:
    code, out, _ = run("compute", str(tiny_spec), "--top", "1", "--period", "2021")

    assert code == 0
    assert "丙城" in out and "甲城" not in out and "2021" in out


def test_compute_unknown_period_fails(tiny_spec: Path) -> None:
    code, _, err = run("compute", str(tiny_spec), "--period", "1999", "--lang", "en")
    code_zh, _, err_zh = run("compute", str(tiny_spec), "--period", "1999")

    assert code == 1 and "unknown period '1999'" in err
    assert code_zh == 1 and "未知的时期 '1999'" in err_zh and "unknown" not in err_zh


def test_compute_unknown_period_with_out_keeps_the_old_files(
    tiny_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run("compute", str(tiny_spec), "-q", "--out", str(out))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    code, _, err = run(
        "compute",
        str(tiny_spec),
        "--set",
        "tree.children.p1.weight=5",
        "--period",
        "1999",
        "--out",
        str(out),
        "--lang",
        "en",
    )

    assert code == 1 and "unknown period '1999'" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".gdindex-*"))
    # nor is a folder made for a new directory
    new = tmp_path / "new" / "out"
    assert run("compute", str(tiny_spec), "--period", "1999", "--out", str(new))[0]
    assert not (tmp_path / "new").exists()


def test_json_equals_library_result(tiny_spec: Path) -> None:
    code, out, _ = run("compute", str(tiny_spec), "--format", "json")

    assert code == 0
    assert json.loads(out) == json.loads(gdindex.compute(tiny_spec).to_json())


def test_quiet_prints_nothing(tiny_spec: Path, tmp_path: Path) -> None:
    code, out, err = run(
        "compute", str(tiny_spec), "--quiet", "--out", str(tmp_path / "o")
    )

    assert code == 0 and out == "" and err == ""
    assert (tmp_path / "o" / "scores.csv").exists()


def test_out_writes_contract_files_byte_identical(
    tiny_spec: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"

    assert run("compute", str(tiny_spec), "-q", "--out", str(first))[0] == 0
    assert run("compute", str(tiny_spec), "-q", "--out", str(second))[0] == 0

    names = {
        "scores.csv",
        "indicators.csv",
        "weights.csv",
        "groups.csv",
        "manifest.json",
    }
    assert names <= {p.name for p in first.iterdir()}
    for path in first.iterdir():
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
    assert not [p for p in first.iterdir() if p.name.startswith(".")]


def test_out_parquet_matches_csv(tiny_spec: Path, tmp_path: Path) -> None:
    run("compute", str(tiny_spec), "-q", "--out", str(tmp_path / "c"))
    run(
        "compute",
        str(tiny_spec),
        "-q",
        "--out",
        str(tmp_path / "p"),
        "--format",
        "parquet",
    )

    csv = pl.read_csv(tmp_path / "c" / "scores.csv")
    parquet = pl.read_parquet(tmp_path / "p" / "scores.parquet")
    assert csv.columns == parquet.columns
    assert csv["score"].to_list() == pytest.approx(
        parquet["score"].to_list(), nan_ok=True
    )


def test_manifest_records_inputs_and_methods(tiny_spec: Path, tmp_path: Path) -> None:
    run("compute", str(tiny_spec), "-q", "--out", str(tmp_path))

    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["gdindex_version"] == gdindex.__version__
    assert manifest["spec"]["id"] == "tiny" and len(manifest["spec"]["sha256"]) == 64
    assert [i["path"] for i in manifest["inputs"]] == ["units.csv", "data.csv"]
    assert manifest["periods"] == [2021, 2022]
    assert manifest["rows"]["scores"] == 42
    assert "created" not in manifest
    assert manifest["methods"]["aggregate"]["idx"]["method"] == "arithmetic"


def test_failed_compute_leaves_outputs_untouched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    good = write_project(tmp_path / "good")
    bad = write_project(
        tmp_path / "bad",
        SPEC_YAML.replace(
            "indicators:", "defaults:\n  aggregate: {method: geometric}\nindicators:"
        ),
    )
    run("compute", str(good), "-q", "--out", str(out))
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    code, _, err = run("compute", str(bad), "-q", "--out", str(out), "--lang", "en")

    assert code == 1 and "values ≤ 0" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_spec_error_exit_1_with_yaml_path(tmp_path: Path) -> None:
    path = write_project(
        tmp_path,
        SPEC_YAML.replace("weight: 2", "weight: -2").replace(
            "id: tiny", "id: tiny\ncolour: red"
        ),
    )

    code, out, err = run("compute", str(path), "--lang", "en")

    assert code == 1 and out == ""
    assert "tree.children[0].weight" in err and "unknown key 'colour'" in err
    assert "Traceback" not in err


def test_debug_shows_traceback(tmp_path: Path) -> None:
    path = write_project(tmp_path, SPEC_YAML.replace("weight: 2", "weight: -2"))

    code, _, err = run("compute", str(path), "--debug")

    assert code == 1 and "Traceback" in err


def test_validate_ok(tiny_spec: Path) -> None:
    code, out, _ = run("validate", str(tiny_spec))

    assert code == 0 and "有效" in out
    code, out, _ = run("validate", str(tiny_spec), "--lang", "en")
    assert code == 0 and "valid (0 warnings)" in out


def test_validate_speaks_one_language(tmp_path: Path) -> None:
    from tests.conftest import DATA_CSV

    path = write_project(tmp_path, SPEC_YAML, DATA_CSV.replace("A,2022,12", "A,2022,x"))

    _, _, zh = run("validate", str(path))
    _, _, en = run("validate", str(path), "--lang", "en")

    assert "级别" in zh and "错误" in zh and "问题" in zh and "建议" in zh
    assert "error" not in zh.split("\n")[2] and "个错误" in zh
    assert "Level" in en and "Problem" in en and "1 error" in en
    assert "级别" not in en and "错误" not in en


def test_validate_reports_data_errors(tmp_path: Path) -> None:
    from tests.conftest import DATA_CSV

    path = write_project(tmp_path, SPEC_YAML, DATA_CSV.replace("A,2022,12", "A,2022,x"))

    code, _, err = run("validate", str(path), "--lang", "en")

    assert code == 1 and "not a number" in err and "i1" in err


def test_validate_warns_about_constant_indicator(tmp_path: Path) -> None:
    from tests.conftest import DATA_CSV

    data = "\n".join(
        line if i == 0 else ",".join(line.split(",")[:3] + ["7"] + line.split(",")[4:])
        for i, line in enumerate(DATA_CSV.splitlines())
    )
    spec = str(write_project(tmp_path, SPEC_YAML, data + "\n"))
    code, out, _ = run("validate", spec, "--lang", "en")
    code_zh, out_zh, _ = run("validate", spec)

    assert code == 0 and "i2" in out and "constant" in out
    assert code_zh == 0 and "i2" in out_zh and "常数" in out_zh
    assert "constant" not in out_zh


def test_schema_is_json() -> None:
    code, out, _ = run("schema")

    assert code == 0
    schema = json.loads(out)
    assert "tree" in schema["properties"]


def test_out_that_is_a_file_is_a_clear_error(tiny_spec: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("not a directory", encoding="utf-8")

    args = ["compute", str(tiny_spec), "-q", "--out", str(target)]
    code, _, err = run(*args, "--lang", "en")
    code_zh, _, err_zh = run(*args)

    assert code == 1 and "cannot write the results" in err and "--out" in err
    assert code_zh == 1 and "无法写入结果文件" in err_zh and "--out" in err_zh


def test_spec_path_that_is_a_directory(tmp_path: Path) -> None:
    code, _, err = run("compute", str(tmp_path), "--lang", "en")

    assert code == 1 and "cannot read the spec" in err


def test_recursive_yaml_alias(tmp_path: Path) -> None:
    path = write_project(
        tmp_path,
        SPEC_YAML.replace("name: {zh: 小指数, en: Tiny index}", "name: &n [a, *n]"),
    )

    code, _, err = run("validate", str(path), "--lang", "en")
    code_zh, _, err_zh = run("validate", str(path))

    assert code == 1 and "unexpected error" not in err
    assert code_zh == 1 and "意外错误" not in err_zh and "嵌套" in err_zh


def test_other_format_files_are_replaced(tiny_spec: Path, tmp_path: Path) -> None:
    run("compute", str(tiny_spec), "-q", "--out", str(tmp_path))
    run("compute", str(tiny_spec), "-q", "--out", str(tmp_path), "--format", "parquet")

    names = {p.name for p in tmp_path.iterdir()}
    assert "scores.parquet" in names and "scores.csv" not in names


def test_a_minimal_spec_computes_and_shows_ids_as_names(tmp_path: Path) -> None:
    spec = "\n".join(
        line for line in SPEC_YAML.splitlines() if not line.lstrip().startswith("name:")
    )
    spec = spec.replace(", name: {zh: 指标一, en: One}", "").replace(
        ", name: {zh: 指标二, en: Two}", ""
    )
    path = write_project(tmp_path, spec)

    result = runner.invoke(app, ["compute", str(path), "--lang", "en"])

    assert result.exit_code == 0, result.output
    assert "p1" in result.output and "tiny" in result.output


def test_topsis_over_a_child_missing_everywhere_prints_no_python_warning(
    tmp_path: Path,
) -> None:
    # arrange: i3 is constant (7), so it cannot be normalised and is missing in
    # every period; p2 aggregates it by TOPSIS (issue 11, item 10: numpy's
    # "All-NaN slice encountered" reached the terminal)
    spec = SPEC_YAML.replace(
        "periods: [2021, 2022]\n",
        "periods: [2021, 2022]\ndefaults:\n  aggregate: {method: topsis}\n",
    )
    rows = [line.split(",") for line in DATA_CSV.splitlines()]
    data = "\n".join(
        ",".join(r if k == 0 else [*r[:4], "7", r[5]]) for k, r in enumerate(rows)
    )
    path = write_project(tmp_path, spec=spec, data=data + "\n")

    # act: `run` fails on any Python warning in stdout or stderr
    code, out, _ = run("compute", str(path), "--lang", "en")

    # assert: gdindex's own warning names the indicator instead
    assert code == 0
    assert "constant" in out and "i3" in out


def test_top_must_be_positive(tiny_spec: Path) -> None:
    code, _, err = run("compute", str(tiny_spec), "--top", "0")
    code_en, _, err_en = run("compute", str(tiny_spec), "--top", "0", "--lang", "en")

    assert code == 2 and "应为 1 或更大" in err
    assert code_en == 2 and "1 or more" in err_en


def test_out_on_a_file_or_a_dangling_link_says_what_is_there(
    tiny_spec: Path, tmp_path: Path
) -> None:
    a_file = tmp_path / "results.csv"
    a_file.write_text("x", encoding="utf-8")
    dangling = tmp_path / "link"
    dangling.symlink_to(tmp_path / "gone")

    code_f, _, err_f = run(
        "compute", str(tiny_spec), "-q", "--out", str(a_file), "--lang", "en"
    )
    code_l, _, err_l = run(
        "report", str(tiny_spec), "--out", str(dangling), "--lang", "en"
    )

    assert code_f == 1 and "there is a file" in err_f and "FileExistsError" not in err_f
    assert code_l == 1 and "symbolic link" in err_l and "does not exist" in err_l
    assert "create the directory it points to" in " ".join(err_l.split())
    assert (
        a_file.read_text(encoding="utf-8") == "x" and not (tmp_path / "gone").exists()
    )


def test_compute_out_keeps_the_users_files_and_drops_other_formats(
    tiny_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert run("compute", str(tiny_spec), "-q", "--out", str(out))[0] == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "mine").mkdir()
    (out / "mine" / "a.txt").write_text("a", encoding="utf-8")
    inode = (out / "notes.txt").stat().st_ino

    code, _, _ = run(
        "compute", str(tiny_spec), "-q", "--out", str(out), "--format", "parquet"
    )

    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "scores.parquet" in names and "scores.csv" not in names
    assert (out / "notes.txt").stat().st_ino == inode  # the same file, untouched
    assert (out / "mine" / "a.txt").read_text(encoding="utf-8") == "a"
    assert not list(tmp_path.glob(".gdindex-*"))
