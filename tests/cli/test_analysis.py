"""gdindex sensitivity (audit: tests/analysis/test_audit_cli.py; explain:
tests/analysis/test_explain.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gdindex
from tests.cli.helpers import run
from tests.conftest import SPECS, write_project


def test_sensitivity_json_equals_the_library_result() -> None:
    spec = str(SPECS / "guangdong.yaml")

    code, out, _ = run(
        "sensitivity", spec, "--n", "30", "--seed", "4", "--format", "json"
    )

    expected = gdindex.sensitivity(gdindex.load_spec(spec), n=30, seed=4)
    assert code == 0 and out == expected.to_json() + "\n"


def test_sensitivity_sobol_prints_indices_and_writes_the_files(tmp_path: Path) -> None:
    spec = str(SPECS / "asem_6_full.yaml")
    inputs = str(SPECS / "sensitivity" / "asem_vignette.yaml")
    args = ["sensitivity", spec, "--inputs", inputs, "--method", "sobol", "--n", "16"]

    code, out, err = run(*args, "--out", str(tmp_path / "a"), "--lang", "en")
    again, _, _ = run(*args, "--out", str(tmp_path / "b"))

    assert code == 0 and again == 0
    assert (
        "Sobol indices" in out and "alone explains" in out and "Rank intervals" in out
    )
    assert "wrote 5 files" in err
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(
        f"sensitivity_{n}.csv"
        for n in ("runs", "scores", "ranks", "indices", "unit_indices")
    )
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes()


def test_sensitivity_without_inputs_exits_1_with_a_hint(tmp_path: Path) -> None:
    spec = write_project(tmp_path)

    code, out, err = run("sensitivity", str(spec), "--lang", "en")
    code_zh, _, err_zh = run("sensitivity", str(spec))

    assert code == 1 and out == ""
    assert "no uncertain inputs" in err and "--inputs" in err
    assert code_zh == 1 and "没有不确定性输入" in err_zh and "--inputs" in err_zh


def test_sensitivity_set_overrides_change_the_nominal_run() -> None:
    spec = str(SPECS / "guangdong.yaml")
    base = ["sensitivity", spec, "--n", "5", "--format", "json"]

    _, plain, _ = run(*base)
    _, changed, _ = run(*base, "--set", "tree.children.industry.weight=3")

    first = json.loads(plain)["scores"][0]
    second = json.loads(changed)["scores"][0]
    assert first["run"] == second["run"] == 0 and first["score"] != second["score"]


def test_sensitivity_design_replays_the_written_runs(tmp_path: Path) -> None:
    spec = str(SPECS / "guangdong.yaml")
    base = ["sensitivity", spec, "--seed", "9", "--format", "json"]

    code, first, _ = run(*base, "--n", "12", "--out", str(tmp_path))
    again, replay, _ = run(*base, "--design", str(tmp_path / "sensitivity_runs.csv"))

    assert code == 0 and again == 0
    assert json.loads(replay)["scores"] == json.loads(first)["scores"]
    assert json.loads(replay)["rank_stats"] == json.loads(first)["rank_stats"]


def test_sensitivity_target_period_and_bootstrap_flags_reach_the_library() -> None:
    spec = str(SPECS / "guangdong.yaml")
    code, out, _ = run(
        "sensitivity", spec, "--n", "20", "--seed", "3", "--target", "industry",
        "--period", "2022", "--method", "sobol", "--bootstrap", "5",
        "--format", "json",
    )  # fmt: skip
    expected = gdindex.sensitivity(
        gdindex.load_spec(spec),
        n=20,
        seed=3,
        target="industry",
        period="2022",
        method="sobol",
        bootstrap=5,
    )

    assert code == 0
    assert json.loads(out) == json.loads(expected.to_json())
    assert json.loads(out)["target"] == "industry"


@pytest.mark.parametrize(
    ("flag", "value", "said", "said_zh"),
    [
        ("--target", "industri", "did you mean 'industry'", "是否想写 'industry'"),
        ("--period", "1999", "one of 2021, 2022, 2023", "可选：2021, 2022, 2023"),
    ],
)
def test_sensitivity_unknown_target_or_period_is_located(
    flag: str, value: str, said: str, said_zh: str
) -> None:
    args = ["sensitivity", str(SPECS / "guangdong.yaml"), "--n", "5", flag, value]

    code, _, err = run(*args, "--lang", "en")
    code_zh, _, err_zh = run(*args)

    assert code == 1
    assert f"({flag})" in err and said in err
    assert code_zh == 1 and f"（{flag}）" in err_zh and said_zh in err_zh
    assert said not in err_zh


def test_sensitivity_out_replaces_the_whole_set_and_keeps_other_files(
    tmp_path: Path,
) -> None:
    """A UA run after a Sobol run into the same folder leaves no Sobol indices
    behind (a mix of two analyses); files that are not the set's stay."""
    spec = str(SPECS / "guangdong.yaml")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    base = ["sensitivity", spec, "--out", str(out)]

    sobol, _, _ = run(*base, "--method", "sobol", "--n", "8", "--lang", "en")
    ua, _, err = run(*base, "--method", "ua", "--n", "20")

    assert sobol == 0 and ua == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "notes.txt",
        "sensitivity_ranks.csv",
        "sensitivity_runs.csv",
        "sensitivity_scores.csv",
    ]
    assert f"已写入 3 个文件：{out}" in err


@pytest.mark.parametrize("flag", ["--inputs", "--design"])
def test_sensitivity_missing_inputs_or_design_file_is_named(
    tmp_path: Path, flag: str
) -> None:
    missing = tmp_path / "nope"

    code, _, err = run(
        "sensitivity", str(SPECS / "guangdong.yaml"), flag, str(missing), "--n", "5"
    )

    assert code == 1
    assert f"{flag} {missing}" in err and "文件不存在" in err
    assert "FileNotFoundError" not in err and "Errno" not in err
