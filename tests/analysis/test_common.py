"""What the analyses share: the score cube, the tree, finding nodes by name."""

from __future__ import annotations

import math

import polars as pl
import pytest

import gdindex
from gdindex.analysis.common import AnalysisError, Tree, find_node, score_cube
from tests.conftest import SPECS


@pytest.fixture(scope="module")
def result() -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))


def test_score_cube_holds_every_score_of_scores_csv(
    result: gdindex.IndexResult,
) -> None:
    cube = score_cube(result)
    units = result.units["unit"].to_list()
    nodes = [n.id for n in result.nodes]

    for row in result.scores.sample(200, seed=1).iter_rows(named=True):
        value = cube[
            nodes.index(row["node"]),
            units.index(row["unit"]),
            result.periods.index(row["period"]),
        ]
        if row["score"] is None:
            assert math.isnan(value)
        else:
            assert value == row["score"]
    assert cube.shape == (len(nodes), len(units), len(result.periods))


def test_tree_children_and_ancestors(result: gdindex.IndexResult) -> None:
    tree = Tree(result.nodes)
    weights = result.weights

    for row in weights.filter(pl.col("parent").is_not_null()).iter_rows(named=True):
        assert row["node"] in tree.children[row["parent"]]
        assert tree.ancestors(row["node"])[0] == row["parent"]
        assert tree.ancestors(row["node"])[-1] == tree.root
    assert len(tree.indicators) == len(result.spec.indicators)


def test_find_node_by_id_or_name_in_either_language(
    result: gdindex.IndexResult,
) -> None:
    assert find_node(result.nodes, "industry").id == "industry"
    assert find_node(result.nodes, "产业").id == "industry"
    assert find_node(result.nodes, "INDUSTRY").id == "industry"
    with pytest.raises(AnalysisError, match="did you mean 'industry'"):
        find_node(result.nodes, "industri")


def test_find_period_takes_a_period_or_its_text_and_names_the_others() -> None:
    import pytest

    from gdindex.analysis.common import find_period
    from gdindex.errors import GdindexError

    assert find_period([2022, 2023], " 2023 ") == 2023
    assert find_period([2022, 2023], 2022) == 2022
    with pytest.raises(GdindexError) as info:
        find_period([2022, 2023], "1999")
    assert info.value.issues[0].where == "--period"
    assert "2022, 2023" in (info.value.issues[0].hint or "")
