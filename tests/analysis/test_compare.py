"""`gdindex compare`: two variants of an index side by side (library, renderer, CLI).

The hand example: 4 units, 2 indicators x and y, min–max [0, 100] over the panel.
In 2023 x = 100, 80, 40, 0 and y = 0, 10, 100, 60 for A, B, C, D (2022: every value
50, inside both ranges, so the panel minima and maxima are those of 2023) — the
normalised values are the raw ones. With weights 1:1 the 2023 scores are
A 50, B 45, C 70, D 30 (ranks C, A, B, D); with 3:1 they are
A 75, B 62.5, C 55, D 15 (ranks A, B, C, D).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

import gdindex
from gdindex.analysis.compare import compare, same_inputs, write_comparison
from gdindex.analysis.comparison import (
    FILES,
    CompareError,
    Comparison,
)
from gdindex.cli import app
from gdindex.errors import GdindexError
from gdindex.io import load_data
from gdindex.report.comparison import render_comparison
from tests.compare_helpers import HAND_DATA, HAND_UNITS, hand_spec, prepared_project
from tests.conftest import (
    SPEC_YAML,
    CliRunner,
    separator_columns,
    table_blocks,
    write_project,
)


def row(cmp: Comparison, unit: str) -> dict[str, object]:
    return cmp.units.filter(pl.col("unit") == unit).to_dicts()[0]


def test_hand_example_scores_ranks_and_summary(hand: tuple[Path, Path]) -> None:
    cmp = compare(*hand, top=2)

    assert (cmp.node, cmp.period) == ("idx", 2023)
    assert (cmp.label_a, cmp.label_b) == ("spec.yaml", "b.yaml")
    assert cmp.units["unit"].to_list() == ["A", "B", "C", "D"]  # by rank under B
    expected = {  # score_a, rank_a, score_b, rank_b
        "A": (50.0, 2, 75.0, 1),
        "B": (45.0, 3, 62.5, 2),
        "C": (70.0, 1, 55.0, 3),
        "D": (30.0, 4, 15.0, 4),
    }
    for unit, (sa, ra, sb, rb) in expected.items():
        r = row(cmp, unit)
        assert r["score_a"] == pytest.approx(sa) and r["rank_a"] == ra
        assert r["score_b"] == pytest.approx(sb) and r["rank_b"] == rb
        assert r["score_change"] == pytest.approx(sb - sa)
        assert r["rank_shift"] == ra - rb
    assert row(cmp, "A")["name_zh"] == "甲市"
    s = cmp.summary
    # rank differences 1, 1, −2, 0: ρ = 1 − 6·6 / (4·15) = 0.4
    assert s["spearman"] == pytest.approx(0.4)
    assert s["n_units"] == 4 and s["units_moved"] == 3
    assert s["mean_abs_rank_shift"] == pytest.approx(1.0)
    assert s["max_abs_rank_shift"] == 2
    # C moved 2; A and B moved 1: A first (|+25| > |+17.5|); top=2 keeps C, A
    assert [m["unit"] for m in s["movers"]] == ["C", "A"]
    assert s["movers"][0]["rank_shift"] == -2


def test_hand_example_nodes_and_weights(hand: tuple[Path, Path]) -> None:
    cmp = compare(*hand)

    nodes = {r["node"]: r for r in cmp.nodes.to_dicts()}
    assert list(nodes) == ["idx", "x", "y"]
    assert nodes["idx"]["spearman"] == pytest.approx(0.4)
    assert nodes["x"]["spearman"] == 1.0 and nodes["x"]["max_abs_rank_shift"] == 0
    assert nodes["y"]["kind"] == "indicator" and nodes["y"]["depth"] == 1
    w = {r["node"]: r for r in cmp.weights.to_dicts()}
    assert w["x"]["weight_a"] == pytest.approx(0.5)
    assert w["x"]["weight_b"] == pytest.approx(0.75)
    assert w["x"]["weight_diff"] == pytest.approx(0.25)
    assert w["y"]["effective_diff"] == pytest.approx(-0.25)
    assert w["idx"]["weight_diff"] == 0 and w["x"]["parent"] == "idx"


def test_earlier_period_with_every_score_tied(hand: tuple[Path, Path]) -> None:
    cmp = compare(*hand, period="2022")

    assert cmp.period == 2022
    assert cmp.summary["spearman"] is None  # every unit scores 50 under both
    assert cmp.summary["units_moved"] == 0 and cmp.summary["movers"] == []


def test_node_by_name(hand: tuple[Path, Path]) -> None:
    assert compare(*hand, node="指标乙").node == "y"


def test_self_comparison_moves_nothing(tiny_spec: Path) -> None:
    cmp = compare(tiny_spec)

    assert cmp.units.height == 3
    assert cmp.units["rank_shift"].to_list() == [0, 0, 0]
    assert cmp.units["score_change"].to_list() == [0.0, 0.0, 0.0]
    assert cmp.summary["spearman"] == 1.0
    assert cmp.summary["mean_abs_rank_shift"] == 0.0
    assert cmp.summary["movers"] == []
    assert (cmp.nodes["max_abs_rank_shift"] == 0).all()
    assert cmp.nodes["spearman"].to_list() == [1.0] * 7
    assert (cmp.weights["weight_diff"] == 0).all()
    assert (cmp.weights["effective_diff"] == 0).all()
    # the spec's own warnings (growth on A's zero p2 base) are listed once
    own = [i.code for i in gdindex.compute(tiny_spec).issues]
    assert [i.code for i in cmp.issues] == ["same-spec", *own]


def test_compute_does_not_change_a_shared_dataset(tmp_path: Path) -> None:
    a, b = (gdindex.load_spec(p) for p in prepared_project(tmp_path))
    assert same_inputs(a, b)
    dataset = load_data(a)
    values = dataset.values.copy()
    table = dataset.unit_table.clone()
    assert np.isnan(values).any()  # imputation has cells to fill

    shared = gdindex.compute(a, dataset=dataset), gdindex.compute(b, dataset=dataset)

    np.testing.assert_array_equal(dataset.values, values)
    assert dataset.unit_table.equals(table)
    for got, spec in zip(shared, (a, b), strict=True):
        assert got.scores.equals(gdindex.compute(spec).scores)


def test_different_data_is_noted_and_units_keep_nulls(tmp_path: Path) -> None:
    a = write_project(tmp_path / "a", hand_spec(1, 1), HAND_DATA, HAND_UNITS)
    data_b = "\n".join(x for x in HAND_DATA.splitlines() if not x.startswith("C"))
    b = write_project(tmp_path / "b", hand_spec(1, 1), data_b + "\n", HAND_UNITS)

    cmp = compare(a, b)

    codes = [i.code for i in cmp.issues]
    assert "different-data" in codes and "units-differ" in codes
    assert (cmp.label_a, cmp.label_b) == ("a/spec.yaml", "b/spec.yaml")
    c = row(cmp, "C")
    assert c["score_a"] is not None and c["score_b"] is None and c["rank_shift"] is None
    assert cmp.units["unit"][-1] == "C"  # no rank under B: last
    assert cmp.summary["n_units"] == 3 and cmp.summary["only_a"] == ["C"]


def test_same_data_is_not_noted(hand: tuple[Path, Path]) -> None:
    assert compare(*hand).issues == []


def test_renamed_roots_are_compared(hand: tuple[Path, Path]) -> None:
    a, _ = hand
    b = a.with_name("renamed.yaml")
    b.write_text(hand_spec(3, 1, root="other"), encoding="utf-8")

    cmp = compare(a, b)

    assert cmp.node == "idx" and cmp.summary["spearman"] == pytest.approx(0.4)
    assert "root-renamed" in [i.code for i in cmp.issues]
    assert cmp.weights["node"].to_list() == ["idx", "x", "y", "other"]


def test_unknown_node_suggests_the_closest(hand: tuple[Path, Path]) -> None:
    with pytest.raises(CompareError) as caught:
        compare(*hand, node="idy")

    issue = caught.value.issues[0]
    assert isinstance(caught.value, GdindexError)
    assert issue.where == "--node" and "did you mean 'idx'" in (issue.hint or "")


def test_node_in_one_tree_only(tiny_spec: Path) -> None:
    b = tiny_spec.with_name("b.yaml")
    b.write_text(SPEC_YAML.replace("id: p2", "id: q2"), encoding="utf-8")

    with pytest.raises(CompareError, match="not in both"):
        compare(tiny_spec, b, node="p2")
    cmp = compare(tiny_spec, b)
    assert "p2" not in cmp.nodes["node"].to_list()
    assert cmp.weights["node"].to_list()[-1] == "q2"  # B-only nodes come last


def test_unknown_period_lists_the_periods(hand: tuple[Path, Path]) -> None:
    with pytest.raises(CompareError) as caught:
        compare(*hand, period=2030)

    issue = caught.value.issues[0]
    assert issue.where == "--period" and "2022, 2023" in (issue.hint or "")


def test_negative_top_is_refused(hand: tuple[Path, Path]) -> None:
    with pytest.raises(CompareError, match="top"):
        compare(*hand, top=-1)


def test_write_comparison_is_byte_identical_on_rerun(
    hand: tuple[Path, Path], tmp_path: Path
) -> None:
    cmp = compare(*hand)
    out = tmp_path / "out"

    written = write_comparison(cmp, out)
    first = {p.name: p.read_bytes() for p in written}
    write_comparison(compare(*hand), out)

    assert tuple(p.name for p in written) == FILES
    assert {p.name: p.read_bytes() for p in written} == first
    assert json.loads(first["compare.json"]) == cmp.to_dict()
    units = pl.read_csv(out / "compare_units.csv")
    assert units.columns[:5] == ["unit", "name_zh", "name_en", "score_a", "rank_a"]
    assert units["rank_shift"].to_list() == [1, 1, -2, 0]
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temp files


def test_to_json_has_no_nan(hand: tuple[Path, Path]) -> None:
    text = compare(*hand, period=2022).to_json()

    assert "NaN" not in text and json.loads(text)["summary"]["spearman"] is None


def test_library_export(hand: tuple[Path, Path]) -> None:
    # the lazily exported function, next to the module `gdindex.comparison`
    cmp = gdindex.compare(*hand)

    assert gdindex.Comparison is Comparison
    assert isinstance(cmp, Comparison) and cmp.summary["units_moved"] == 3


def test_render_shows_both_variants_aligned(hand: tuple[Path, Path]) -> None:
    cmp = compare(*hand)

    text = _rendered(cmp, "zh")

    for label in ("方案对比", "总指数", "排名 A", "位次变动", "得分差"):
        assert label in text
    head = text.splitlines()[0]  # one language at a time
    assert "Comparison" not in head and "Index" not in head and "period" not in head
    assert "Spearman 秩相关" in text and "0.4000" in text
    assert "位次变动最大的单位" in text and "▼2" in text and "▲1" in text
    assert "A: spec.yaml" in text and "B: b.yaml" in text
    blocks = table_blocks(text)
    assert len(blocks) == 5  # units, summary, movers, nodes, weights
    for block in blocks:
        rules = {separator_columns(line) for line in block[1:-1] if "━" not in line}
        assert len(rules) == 1, block  # CJK names keep the columns aligned


def test_render_english(hand: tuple[Path, Path]) -> None:
    text = _rendered(compare(*hand), "en")

    for label in ("Comparison", "Rank A", "Shift", "Biggest movers", "By node"):
        assert label in text
    assert "Alpha 甲市" in text


def test_unchanged_weights_are_said(tiny_spec: Path) -> None:
    cmp = compare(tiny_spec)

    assert "两方案权重相同" in _rendered(cmp, "zh")
    assert "no unit changed rank" in _rendered(cmp, "en")


def _rendered(cmp: Comparison, lang: str) -> str:
    import io

    from rich.console import Console

    buffer = io.StringIO()
    render_comparison(cmp, Console(file=buffer, width=160, color_system=None), lang)
    return buffer.getvalue()


runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_compares_a_spec_with_itself(tiny_spec: Path) -> None:
    code, out, _ = run("compare", str(tiny_spec))

    assert code == 0
    assert "方案对比 · " in out and "排名 A" in out and "各节点对比" in out


def test_cli_json_equals_the_library(hand: tuple[Path, Path]) -> None:
    a, b = hand
    code, out, _ = run("compare", str(a), str(b), "--format", "json", "--top", "1")

    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(compare(a, b, top=1).to_dict()))


def test_cli_english_node_period_and_out(
    hand: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = hand
    out_dir = tmp_path / "cmp"

    code, out, err = run(
        "compare", str(a), str(b), "--lang", "en", "--node", "x", "--period", "2023",
        "--out", str(out_dir),
    )  # fmt: skip

    assert code == 0
    assert "Comparison · X · period 2023" in out and "指标甲" not in out
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(FILES)
    assert json.loads((out_dir / "compare.json").read_text("utf-8"))["node"] == "x"
    assert "wrote 4 files" in err


def test_cli_set_overrides_variant_b(hand: tuple[Path, Path]) -> None:
    a, _ = hand
    code, out, _ = run(
        "compare", str(a), "--set", "tree.children.x.weight=3", "--format", "json"
    )

    assert code == 0
    doc = json.loads(out)
    assert doc["labels"]["b"] == "spec.yaml (--set tree.children.x.weight=3)"
    assert doc["overrides"] == ["tree.children.x.weight=3"]
    assert doc["summary"]["spearman"] == pytest.approx(0.4)  # 1:1 vs 3:1


def test_cli_set_applies_to_spec_b(hand: tuple[Path, Path]) -> None:
    a, b = hand  # B is 3:1; setting y to 3 makes it 1:1 again
    code, out, _ = run(
        "compare", str(a), str(b), "--set", "tree.children.y.weight=3",
        "--format", "json",
    )  # fmt: skip

    assert code == 0
    assert json.loads(out)["summary"]["units_moved"] == 0


def test_cli_errors_exit_1_and_usage_exit_2(hand: tuple[Path, Path]) -> None:
    a, b = hand

    code, _, err = run("compare", str(a), str(b), "--node", "nope")
    assert code == 1 and "--node" in err

    code, _, err = run("compare", str(a), "--period", "1999")
    assert code == 1 and "2022, 2023" in err

    code, _, _ = run("compare", str(a), "--format", "xml")
    assert code == 2
