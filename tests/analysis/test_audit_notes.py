"""What an audit cannot compute must say so (issue 12 review): main effects from too
few rows, an audit of too few units, constant or missing children, and the weights
the importance check reads (those the aggregation uses, as `explain`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import gdindex
from gdindex.analysis.audit import audit
from gdindex.analysis.explain import explain


def project(root: Path, tree: str, data: str, indicators: list[str]) -> Path:
    """A spec over `units.csv` (the units of `data`) and `data.csv`."""
    root.mkdir(parents=True, exist_ok=True)
    rows = [line.split(",") for line in textwrap.dedent(data).strip().splitlines()]
    units = sorted({r[0] for r in rows[1:]})
    (root / "units.csv").write_text(
        "unit,name_en\n" + "".join(f"{u},City {u}\n" for u in units), encoding="utf-8"
    )
    (root / "data.csv").write_text(
        "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8"
    )
    periods = sorted({r[1] for r in rows[1:]})
    spec = (
        "spec_version: 1\nid: t\nname: {zh: 测试, en: Test}\n"
        "units: {file: units.csv, id: unit, name: {en: name_en}}\n"
        "data: [{file: data.csv, unit: unit, period: period}]\n"
        f"periods: [{', '.join(periods)}]\n"
        f"indicators: [{', '.join('{id: ' + i + '}' for i in indicators)}]\n"
        f"tree:\n{textwrap.indent(textwrap.dedent(tree).strip(), '  ')}\n"
    )
    (root / "spec.yaml").write_text(spec, encoding="utf-8")
    return root / "spec.yaml"


FOUR_UNITS = """
    unit,period,x1,x2,x3,y1
    A,2022,1,2,3,5
    B,2022,2,3,1,6
    C,2022,3,5,4,7
    D,2022,4,4,2,8
    A,2023,2,1,3,5
    B,2023,3,4,2,7
    C,2023,5,5,4,6
    D,2023,4,3,1,9
"""
FOUR_TREE = """
    id: index
    children:
      - {id: p1, weight: 2, children: [x1, x2, {id: x3, weight: 2}]}
      - {id: p2, children: [y1]}
"""


@pytest.fixture
def four(tmp_path: Path) -> gdindex.IndexResult:
    spec = project(tmp_path / "four", FOUR_TREE, FOUR_UNITS, ["x1", "x2", "x3", "y1"])
    return gdindex.compute(gdindex.load_spec(spec))


def test_main_effects_of_four_units_are_missing_and_said_once(
    four: gdindex.IndexResult,
) -> None:
    found = audit(four)

    assert found.n_rows == 4
    assert found.importance["main_effect"].null_count() == found.importance.height
    assert found.importance["ratio"].null_count() == found.importance.height
    assert "importance_gap" not in found.kinds
    notes = found.notes.filter(found.notes["kind"] == "main_effect_missing")
    assert notes.height == 1 and notes["n"][0] == 4
    assert "p1" in notes["children"][0] and "--pooled" in notes["message"][0]
    # pooled, 8 rows with 5+ distinct values: the main effects are there
    pooled = audit(four, pooled=True)
    assert pooled.importance["main_effect"].null_count() == 0
    assert "main_effect_missing" not in pooled.notes["kind"].to_list()


TWO_UNITS = """
    unit,period,x1,x2,c1,m1
    G,2022,1,5,7,4
    S,2022,2,3,7,
    G,2023,3,4,7,
    S,2023,2,6,7,
"""
TWO_TREE = """
    id: index
    children:
      - {id: a, children: [{id: b, children: [x1]}]}
      - {id: c, children: [x2, c1, m1]}
"""


@pytest.fixture
def two(tmp_path: Path) -> gdindex.IndexResult:
    spec = project(tmp_path / "two", TWO_TREE, TWO_UNITS, ["x1", "x2", "c1", "m1"])
    return gdindex.compute(gdindex.load_spec(spec))


def test_an_audit_of_two_units_says_it_could_not_be_computed(
    two: gdindex.IndexResult,
) -> None:
    found = audit(two)

    assert found.notes["kind"].to_list() == ["too_few_units"]
    assert found.notes["n"][0] == 2
    assert "--pooled" in found.notes["message"][0]
    assert "too_few_units" in found.kinds  # counts for --fail-on any
    assert '"too_few_units"' in found.to_json()


SIX_UNITS = """
    unit,period,x1,x2,x3,c1,m1
    A,2022,1,2,3,1,4
    B,2022,2,3,1,2,
    C,2022,3,5,4,3,
    D,2022,4,4,2,4,4
    E,2022,6,1,5,5,
    F,2022,5,6,6,6,
    A,2023,2,1,3,7,
    B,2023,3,4,2,7,
    C,2023,5,5,4,7,
    D,2023,4,3,1,7,
    E,2023,6,2,6,7,
    F,2023,1,6,5,7,
"""
SIX_TREE = """
    id: index
    children:
      - {id: p, children: [x1, x2]}
      - {id: q, children: [x3, c1, m1]}
"""


@pytest.fixture
def six(tmp_path: Path) -> gdindex.IndexResult:
    spec = project(
        tmp_path / "six", SIX_TREE, SIX_UNITS, ["x1", "x2", "x3", "c1", "m1"]
    )
    return gdindex.compute(gdindex.load_spec(spec))


def test_constant_and_missing_children_are_named_and_left_out(
    six: gdindex.IndexResult,
) -> None:
    found = audit(six, 2023)  # c1 is constant in 2023, m1 missing (constant)

    notes = {r["kind"]: r for r in found.notes.iter_rows(named=True)}
    assert notes["constant_children"]["node"] == "q"
    assert notes["constant_children"]["children"] == "c1,m1"
    assert "only 1 child with a spread" in notes["no_components"]["message"]
    q = found.cronbach.filter(found.cronbach["node"] == "q").row(0, named=True)
    assert q["k"] == 1 and q["alpha"] is None
    assert found.pca.filter(found.pca["node"] == "q").is_empty()
    assert "low_alpha" not in found.flags.filter(found.flags["node"] == "q")["kind"]


def test_importance_reads_the_weights_the_aggregation_uses(
    two: gdindex.IndexResult,
) -> None:
    found = audit(two, pooled=True)  # c1 and m1 are missing: x2 carries node c

    child = found.importance.filter(
        (found.importance["relation"] == "child") & (found.importance["node"] == "c")
    )
    assert dict(zip(child["child"], child["weight"], strict=True)) == {
        "x2": 1.0,
        "c1": 0.0,
        "m1": 0.0,
    }
    against_root = found.importance.filter(found.importance["relation"] == "indicator")
    used = dict(zip(against_root["child"], against_root["weight"], strict=True))
    why = explain(two, "G")
    explained = dict(
        zip(
            why.contributions["indicator"],
            why.contributions["effective_weight"],
            strict=True,
        )
    )
    assert used["x2"] == pytest.approx(explained["x2"]) == pytest.approx(0.5)
    assert used["x1"] == pytest.approx(explained["x1"])
