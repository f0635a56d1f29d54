"""`gdindex audit`: JSON equal to the library, files, exit codes and --fail-on."""

from __future__ import annotations

import json
from pathlib import Path

import gdindex
from gdindex.cli import app
from tests.conftest import SPECS, CliRunner

runner = CliRunner()
SPEC = str(SPECS / "asem.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_equals_the_library() -> None:
    code, out, _ = run("audit", SPEC, "--format", "json")

    assert code == 0  # flags are findings, not errors
    expected = gdindex.audit(gdindex.compute(gdindex.load_spec(SPEC)))
    assert out == expected.to_json() + "\n"


def test_options_reach_the_library() -> None:
    code, out, _ = run(
        "audit",
        str(SPECS / "guangdong.yaml"),
        "--pooled",
        "--node",
        "产业",
        "--threshold",
        "collinear=0.99",
        "--set",
        "tree.children.industry.weight=2",
        "--format",
        "json",
    )

    data = json.loads(out)
    assert code == 0
    assert data["pooled"] and data["period"] is None and data["node"] == "industry"
    assert data["thresholds"]["collinear"] == 0.99
    assert {r["node"] for r in data["cronbach"]} == {"industry"}
    weight = next(
        r["weight"]
        for r in data["importance"]
        if r["child"] == "industry" and r["relation"] == "child"
    )
    assert weight == 2 / 2.75  # the other three pillars weigh 0.25 each


def test_fail_on_exits_1_only_for_the_kinds_listed() -> None:
    found = gdindex.audit(gdindex.compute(gdindex.load_spec(SPEC))).kinds
    assert "negative" in found and "collinear" in found

    code_hit, _, err = run(
        "audit", SPEC, "--fail-on", "negative,weak", "--format", "json"
    )
    code_any, _, _ = run("audit", SPEC, "--fail-on", "any", "--format", "json")
    code_miss, _, _ = run(
        "audit",
        SPEC,
        "--fail-on",
        "collinear",
        "--threshold",
        "collinear=1",
        "--format",
        "json",
    )

    assert code_hit == 1 and "negative" in err
    assert code_any == 1
    assert code_miss == 0


def test_unknown_fail_on_kind_is_a_usage_error() -> None:
    code, _, err = run("audit", SPEC, "--fail-on", "colinear")

    assert code == 2 and "collinear" in err


def test_bad_threshold_is_a_usage_error() -> None:
    code, _, err = run("audit", SPEC, "--threshold", "strong=1")

    assert code == 2 and "weak" in err


def test_unknown_node_is_an_error_with_a_hint() -> None:
    code, _, err = run("audit", SPEC, "--node", "Physicall")

    assert code == 1 and "Physical" in err


def test_out_writes_the_files_byte_identically(tmp_path: Path) -> None:
    code, _, err = run("audit", SPEC, "--out", str(tmp_path / "a"), "--lang", "en")
    first = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    run("audit", SPEC, "--out", str(tmp_path / "a"))
    again = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}

    assert code == 0 and "wrote 6 files" in err
    assert sorted(first) == sorted(
        [
            "audit.json",
            "audit_correlations.csv",
            "audit_cronbach.csv",
            "audit_flags.csv",
            "audit_importance.csv",
            "audit_pca.csv",
        ]
    )
    assert first == again


def test_table_output_in_both_languages() -> None:
    code_zh, zh, _ = run("audit", SPEC)
    code_en, en, _ = run("audit", SPEC, "--lang", "en")

    assert code_zh == code_en == 0
    assert "各节点一致性" in zh and "Consistency by node" in en


def test_period_and_pooled_together_is_an_error() -> None:
    code, _, err = run("audit", SPEC, "--period", "2018", "--pooled")
    code_en, _, err_en = run(
        "audit", SPEC, "--period", "2018", "--pooled", "--lang", "en"
    )

    assert code == 1 and "请去掉其中一个" in err and "drop one of them" not in err
    assert code_en == 1 and "drop one of them" in err_en


def test_an_audit_of_too_few_units_fails_any_and_says_why(tmp_path: Path) -> None:
    from tests.analysis.test_audit_notes import TWO_TREE, TWO_UNITS, project

    spec = str(project(tmp_path / "two", TWO_TREE, TWO_UNITS, ["x1", "x2", "c1", "m1"]))

    code, out, err = run("audit", spec, "--lang", "en", "--fail-on", "any")
    code_neg, _, _ = run("audit", spec, "--fail-on", "negative")

    assert code == 1 and "too few units" in err
    assert "could not be computed" in out and "no findings" not in out
    assert "--pooled" in out
    assert code_neg == 0  # only `any` counts an audit that computed nothing
