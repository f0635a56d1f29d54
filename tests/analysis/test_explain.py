"""`gdindex.explain`: contributions add up to the score and the gap, references
against NumPy, unit and group lookup, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import gdindex
from gdindex.analysis.common import AnalysisError
from gdindex.analysis.explain import Explanation, explain, explain_units
from gdindex.cli import app
from gdindex.report.explain import nodes_table
from tests.conftest import (
    SPEC_YAML,
    SPECS,
    CliRunner,
    make_spec,
    render,
    write_project,
)

GD = SPECS / "guangdong.yaml"


@pytest.fixture(scope="module")
def gd() -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(GD))


def index_scores(result: gdindex.IndexResult, period: object) -> pl.DataFrame:
    root = result.nodes[0].id
    return result.scores.filter(
        (pl.col("node") == root) & (pl.col("period") == period)
    ).drop_nulls("score")


def test_contributions_add_up_to_the_score_and_the_gap(gd: gdindex.IndexResult) -> None:
    ex = explain(gd, "440300")  # Shenzhen, far from the median

    root = ex.nodes.row(0, named=True)
    scores = index_scores(gd, 2023)["score"].to_numpy()
    assert ex.additive
    assert root["score"] == pytest.approx(scores.max())
    assert ex.contributions["contribution"].sum() == pytest.approx(
        root["score"], abs=1e-9
    )
    assert root["gap"] == pytest.approx(root["score"] - np.median(scores), abs=1e-9)
    assert ex.contributions["gap_contribution"].sum() == pytest.approx(
        root["gap"], abs=1e-9
    )
    gaps = ex.contributions["gap_contribution"].to_list()
    assert gaps == sorted(gaps)  # what holds the unit back first


def test_effective_weights_are_the_result_s_with_complete_data(
    gd: gdindex.IndexResult,
) -> None:
    ex = explain(gd, "Guangzhou")

    effective = dict(
        zip(gd.weights["node"], gd.weights["effective_weight"], strict=True)
    )
    for row in ex.contributions.iter_rows(named=True):
        if row["normalised"] is not None:
            assert row["effective_weight"] == pytest.approx(effective[row["indicator"]])
            assert row["contribution"] == pytest.approx(
                row["effective_weight"] * row["normalised"]
            )


def test_group_reference_is_the_group_mean(gd: gdindex.IndexResult) -> None:
    ex = explain(gd, "韶关", 2022, vs="PRD")  # the en label of 珠三角 in `region`

    table = gd.units
    members = table.filter(pl.col("group:region") == "珠三角")["unit"].to_list()
    scores = index_scores(gd, 2022)
    mean = scores.filter(pl.col("unit").is_in(members))["score"].mean()
    root = ex.nodes.row(0, named=True)
    assert sorted(ex.reference_units) == sorted(members)
    assert root["reference"] == pytest.approx(mean, abs=1e-9)
    assert ex.contributions["gap_contribution"].sum() == pytest.approx(
        root["gap"], abs=1e-9
    )
    assert ex.vs == "region=珠三角" and ex.period == 2022


def test_missing_values_share_their_weight_as_the_aggregation_does(
    tiny_spec: Path,
) -> None:
    result = gdindex.compute(gdindex.load_spec(tiny_spec))

    ex = explain(result, "B", 2021)  # B's i3 is missing in 2021

    i3 = ex.contributions.filter(pl.col("indicator") == "i3").row(0, named=True)
    i4 = ex.contributions.filter(pl.col("indicator") == "i4").row(0, named=True)
    assert i3["normalised"] is None and i3["effective_weight"] == 0.0
    assert i4["effective_weight"] == pytest.approx(1 / 3)  # p2 (1/3) has i4 alone
    assert ex.contributions["contribution"].sum() == pytest.approx(
        ex.nodes["score"][0], abs=1e-9
    )


def test_strongest_and_weakest_by_rank(gd: gdindex.IndexResult) -> None:
    ex = explain(gd, "440900")

    ranks = ex.contributions["rank"].drop_nulls()
    assert ex.strongest["rank"].to_list() == sorted(ranks.to_list())[:3]
    assert ex.weakest["rank"].to_list() == sorted(ranks.to_list())[::-1][:3]


def test_history_covers_every_period_for_the_index_and_pillars(
    gd: gdindex.IndexResult,
) -> None:
    ex = explain(gd, "440900")

    assert ex.history.height == len(gd.periods) * 5
    root = ex.history.filter(pl.col("node") == "dei")
    expected = gd.scores.filter(
        (pl.col("node") == "dei") & (pl.col("unit") == "440900")
    )
    assert root["score"].to_list() == expected["score"].to_list()


@pytest.mark.parametrize(
    ("unit", "vs", "expected"),
    [
        ("Zhaoqnig", "median", "did you mean 'Zhaoqing'"),
        ("深证", "median", "深圳"),
        ("440300", "Mars", "region=粤北"),
    ],
)
def test_lookup_errors_say_what_to_do(
    gd: gdindex.IndexResult, unit: str, vs: str, expected: str
) -> None:
    with pytest.raises(AnalysisError) as info:
        explain(gd, unit, vs=vs)

    assert expected in str(info.value)


def test_a_non_arithmetic_tree_is_not_additive() -> None:
    frame = pl.DataFrame(
        {"unit": list("abcde"), "period": [1] * 5, "x": [1.0, 2, 3, 4, 5]}
        | {"y": [2.0, 1, 5, 3, 4]}
    )
    spec = make_spec(
        ["x", "y"],
        defaults={
            "aggregate": {"method": "geometric"},
            "normalise": {"method": "minmax", "range": [1, 100]},
        },
    )

    ex = explain(gdindex.compute(spec, data=frame), "c")

    assert not ex.additive


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    st.lists(
        st.lists(st.integers(0, 1000).map(float), min_size=3, max_size=3),
        min_size=4,
        max_size=9,
    ),
    st.lists(st.integers(1, 9).map(float), min_size=3, max_size=3),
    st.integers(0, 8),
)
def test_contributions_always_add_up(
    rows: list[list[float]], weights: list[float], pick: int
) -> None:
    columns = {k: [r[i] for r in rows] for i, k in enumerate(("x", "y", "z"))}
    frame = pl.DataFrame(
        {"unit": [f"u{i}" for i in range(len(rows))], "period": [1] * len(rows)}
        | columns
    )
    tree = {
        "id": "root",
        "children": [
            {
                "id": "p",
                "weight": weights[0],
                "children": ["x", {"id": "y", "weight": weights[1]}],
            },
            {"id": "z", "weight": weights[2]},
        ],
    }
    spec = make_spec(["x", "y", "z"], tree=tree)
    result = gdindex.compute(spec, data=frame)
    unit = f"u{pick % len(rows)}"
    if index_scores(result, 1).filter(pl.col("unit") == unit).is_empty():
        return  # every indicator constant: no score to explain

    ex = explain(result, unit)

    root = ex.nodes.row(0, named=True)
    assert ex.contributions["contribution"].sum() == pytest.approx(
        root["score"], abs=1e-9
    )
    assert ex.contributions["gap_contribution"].sum() == pytest.approx(
        root["gap"], abs=1e-9
    )


def test_cli_json_equals_the_library(gd: gdindex.IndexResult) -> None:
    runner = CliRunner()

    done = runner.invoke(app, ["explain", str(GD), "肇庆", "--format", "json"])

    assert done.exit_code == 0
    assert done.stdout == explain(gd, "肇庆").to_json() + "\n"
    data = json.loads(done.stdout)
    assert {"unit", "period", "nodes", "contributions"} <= set(data)
    assert set(data["nodes"][0]) >= {"node", "score", "rank", "change"}
    assert set(data["contributions"][0]) >= {
        "indicator",
        "effective_weight",
        "normalised",
        "contribution",
        "gap_contribution",
    }


def test_cli_unknown_unit_exits_1_with_a_hint() -> None:
    done = CliRunner().invoke(app, ["explain", str(GD), "Zhaoqnig"])

    assert done.exit_code == 1 and "Zhaoqing" in done.stderr


# ---- lookup: shared names, ids that are names, groups in two columns ---- #

SHARED_UNITS = """code,name_zh,name_en,region,zone
A,朝阳,Chaoyang,珠三角,沿海
B,朝阳,Chaoyang East,粤北,珠三角
C,丙城,B,粤北,珠三角
"""


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> gdindex.IndexResult:
    spec = SPEC_YAML.replace("groups: [region]", "groups: [region, zone]")
    path = write_project(tmp_path_factory.mktemp("shared"), spec, units=SHARED_UNITS)
    return gdindex.compute(gdindex.load_spec(path))


def test_a_name_two_units_share_is_an_error_listing_them(
    shared: gdindex.IndexResult,
) -> None:
    with pytest.raises(AnalysisError) as info:
        explain(shared, "朝阳")

    text = str(info.value) + " ".join(
        f"{i.message} {i.hint}" for i in info.value.issues
    )
    assert "ambiguous" in text
    assert "A (朝阳, Chaoyang)" in text and "B (朝阳, Chaoyang East)" in text
    assert "give the unit id" in text
    assert explain(shared, "Chaoyang East").unit == "B"  # a unique name still works


def test_an_id_wins_over_another_unit_s_name_and_says_so(
    shared: gdindex.IndexResult,
) -> None:
    ex = explain(shared, "B")  # B's id, and C's English name

    assert ex.unit == "B"
    assert len(ex.notes) == 1 and "C (丙城, B)" in ex.notes[0]
    assert json.loads(ex.to_json())["notes"] == ex.notes
    assert explain(shared, "A").notes == []


def test_cli_ambiguous_name_exits_1_and_an_id_note_is_printed(
    shared: gdindex.IndexResult, tmp_path: Path
) -> None:
    spec = SPEC_YAML.replace("groups: [region]", "groups: [region, zone]")
    path = write_project(tmp_path / "p", spec, units=SHARED_UNITS)
    runner = CliRunner()

    bad = runner.invoke(app, ["explain", str(path), "朝阳", "--lang", "en"])
    bad_zh = runner.invoke(app, ["explain", str(path), "朝阳"])
    good = runner.invoke(app, ["explain", str(path), "B", "--lang", "en"])
    good_zh = runner.invoke(app, ["explain", str(path), "B"])

    assert bad.exit_code == 1 and "give the unit id" in bad.stderr
    assert bad_zh.exit_code == 1 and "请改为给出地区 id" in bad_zh.stderr
    assert good.exit_code == 0 and "also the name of" in good.stdout
    assert "也是" in good_zh.stdout and "also the name of" not in good_zh.stdout


def test_a_group_value_in_two_columns_is_an_error_naming_them(
    shared: gdindex.IndexResult,
) -> None:
    with pytest.raises(AnalysisError) as info:
        explain(shared, "C", vs="珠三角")

    text = " ".join(f"{i.message} {i.hint}" for i in info.value.issues)
    assert "region=珠三角" in text and "zone=珠三角" in text
    assert "column=value" in text
    assert explain(shared, "C", vs="zone=珠三角").reference_units == ["B", "C"]


def test_cli_json_is_always_complete_whatever_top(gd: gdindex.IndexResult) -> None:
    done = CliRunner().invoke(
        app, ["explain", str(GD), "肇庆", "--format", "json", "--top", "3"]
    )

    assert done.exit_code == 0
    assert len(json.loads(done.stdout)["contributions"]) == len(gd.spec.indicators)
    assert done.stdout == explain(gd, "肇庆").to_json() + "\n"


# ---- strongest and weakest ---- #


def test_strongest_and_weakest_never_overlap(shared: gdindex.IndexResult) -> None:
    # four indicators: at most two strongest and two weakest (the review found
    # x1, x2 in both lists for a unit with few indicators)
    for unit in ("A", "B", "C"):
        ex = explain(shared, unit)

        best, worst = set(ex.strongest["indicator"]), set(ex.weakest["indicator"])
        assert not best & worst
        assert len(best) <= 2 and len(worst) <= 2
        if best and worst:
            assert max(ex.strongest["rank"]) <= min(ex.weakest["rank"])


def test_an_indicator_every_unit_ties_on_is_neither_strongest_nor_weakest(
    tmp_path: Path,
) -> None:
    # i2 (1 to 6) on goalposts 0–1, clipped: every unit scores 100, all rank 1
    spec = SPEC_YAML.replace(
        "- {id: i2, name: {zh: 指标二, en: Two}}",
        "- {id: i2, name: {zh: 指标二, en: Two}, "
        "normalise: {method: goalposts, worst: 0, best: 1, clip: true}}",
    )
    path = write_project(tmp_path, spec)
    result = gdindex.compute(gdindex.load_spec(path))

    for unit in ("A", "B", "C"):
        ex = explain(result, unit)

        listed = ex.strongest["indicator"].to_list() + ex.weakest["indicator"].to_list()
        assert "i2" not in listed


def test_a_unit_at_the_same_score_in_both_years_has_change_zero() -> None:
    # C0…C2 are 75 in 2022 and 2023; in floats some 2023 means come out
    # 74.99999999999999 (the review: change -2.2e-14 printed "Change -0.00", and
    # the quadrant was Steady, not Leader)
    spec = make_spec(
        ["a", "b", "c"],
        defaults={"normalise": {"method": "goalposts", "worst": 0, "best": 100}},
    )
    thirds = [(60.7, 72.5, 91.8), (98.6, 92.1, 34.3), (89.1, 70.3, 65.6)]
    rows = {
        ("A", 2022): (50, 50, 50), ("A", 2023): (40, 40, 40),
        ("B", 2022): (80, 80, 80), ("B", 2023): (78, 78, 78),
        ("D", 2022): (20, 20, 20), ("D", 2023): (20, 20, 20),
    }  # fmt: skip
    for k, values in enumerate(thirds):
        rows[(f"C{k}", 2022)] = (75, 75, 75)
        rows[(f"C{k}", 2023)] = values
    data = pl.DataFrame(
        {
            "unit": [u for u, _ in rows],
            "period": [p for _, p in rows],
            **{c: [float(v[j]) for v in rows.values()] for j, c in enumerate("abc")},
        }
    )
    result = gdindex.compute(spec, data=data)

    scores = []
    for k in range(len(thirds)):
        ex = explain(result, f"C{k}", 2023)

        root = ex.nodes.row(0, named=True)
        scores.append(root["score"])
        assert root["change"] == 0.0 and root["growth_pct"] == 0.0
        assert "-0.00" not in render(nodes_table(ex, "en"))
    assert any(v != 75.0 for v in scores)  # the noise is there
    quadrants = result.quadrants.filter(
        pl.col("unit").str.starts_with("C") & (pl.col("node") == "root")
    )["quadrant"].to_list()
    assert quadrants == ["leader"] * len(thirds)


# ---- every unit in one pass ---- #

FRAMES = ("nodes", "contributions", "strongest", "weakest", "history")


def assert_same(a: Explanation, b: Explanation) -> None:
    assert a.to_dict() == b.to_dict()
    for name in FRAMES:
        assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)


def one_by_one(
    result: gdindex.IndexResult, period: object, vs: str
) -> dict[str, Explanation]:
    """`explain` of every unit that has an index score in `period`."""
    out = {}
    for unit in result.units["unit"].to_list():
        try:
            out[unit] = explain(result, unit, period, vs=vs)
        except AnalysisError as exc:
            assert "has no index score" in str(exc)
    return out


@pytest.mark.parametrize(
    ("spec", "cases"),
    [
        (
            "guangdong.yaml",
            [(-1, "median"), (-1, "prd=珠三角"), (-2, "North"), (0, "PRD core")],
        ),
        ("asem.yaml", [(-1, "median"), (-1, "Asia")]),
        (
            "asem_2_geometric.yaml",
            [(-1, "median"), (-1, "GDPpc_group=S")],
        ),  # not additive
        ("asem_7a_panel_pooled.yaml", [(0, "median"), (-1, "Europe")]),
    ],
)
def test_explain_units_equals_explain_of_every_unit(
    spec: str, cases: list[tuple[int, str]]
) -> None:
    result = gdindex.compute(gdindex.load_spec(SPECS / spec))

    for p, vs in cases:
        period = result.periods[p]
        every = explain_units(result, period=period, vs=vs)

        expected = one_by_one(result, period, vs)
        assert list(every) == list(expected) == result.units["unit"].to_list()
        for unit, ex in expected.items():
            assert_same(every[unit], ex)


def test_explain_units_keeps_the_notes_and_takes_names(
    shared: gdindex.IndexResult,
) -> None:
    every = explain_units(shared)
    picked = explain_units(shared, ["C", "Chaoyang East"])

    assert list(every) == ["A", "B", "C"] and list(picked) == ["C", "B"]
    for unit in ("A", "B", "C"):
        assert_same(every[unit], explain(shared, unit))
    assert every["B"].notes and "C (丙城, B)" in every["B"].notes[0]
    assert_same(picked["B"], explain(shared, "Chaoyang East"))


def test_explain_units_leaves_out_a_unit_without_an_index_score() -> None:
    frame = pl.DataFrame(
        {"unit": list("abcde") * 2, "period": [1] * 5 + [2] * 5}
        | {"x": [1.0, 2, 3, 4, 5, 2, 3, 4, 5, None]}
        | {"y": [2.0, 1, 5, 3, 4, 1, 2, 3, 4, None]}
    )
    result = gdindex.compute(make_spec(["x", "y"]), data=frame)

    every = explain_units(result, period=2)

    assert list(every) == list("abcd")
    assert list(explain_units(result, period=1)) == list("abcde")
    for unit, ex in every.items():
        assert_same(ex, explain(result, unit, 2))
    with pytest.raises(AnalysisError, match="has no index score"):
        explain(result, "e", 2)


def test_explain_units_errors_are_explain_s(gd: gdindex.IndexResult) -> None:
    with pytest.raises(AnalysisError, match="unknown unit"):
        explain_units(gd, ["440300", "Zhaoqnig"])
    with pytest.raises(AnalysisError, match="unknown group"):
        explain_units(gd, vs="Mars")
    with pytest.raises(AnalysisError, match="not in the data"):
        explain_units(gd, period=1999)
