"""The flag texts: every kind has a message and advice in both languages, which
name the nodes and quote the numbers."""

from __future__ import annotations

import polars as pl
import pytest

from gdindex.analysis.flags import ADVICE, FLAG_KINDS, MESSAGES, findings
from gdindex.pipeline import NodeInfo


def test_every_kind_has_texts_in_both_languages() -> None:
    assert set(MESSAGES) == set(ADVICE) == set(FLAG_KINDS)
    for kind in FLAG_KINDS:
        assert set(MESSAGES[kind]) == set(ADVICE[kind]) == {"en", "zh"}


def test_a_finding_names_the_nodes_and_quotes_the_value() -> None:
    info = {
        "root": NodeInfo("root", "index", 0, None, "总", "Total", "arithmetic"),
        "x": NodeInfo("x", "indicator", 1, "root", "甲", "Ex", "minmax"),
        "y": NodeInfo("y", "indicator", 1, "root", "乙", "Why", "minmax"),
    }
    values = {("root", "x"): -0.5, ("root", "y"): 0.95, ("x", "y"): -0.25}

    def corr(a: str, b: str) -> tuple[float, float, int]:
        key = (a, b) if a <= b else (b, a)
        return values[key], values[key], 10

    empty = pl.DataFrame(
        schema={"node": pl.String, "alpha": pl.Float64, "eigenvalue": pl.Float64}
    )
    importance = pl.DataFrame(
        schema={
            "node": pl.String,
            "child": pl.String,
            "ratio": pl.Float64,
            "main_effect_share": pl.Float64,
            "weight": pl.Float64,
        }
    )
    from gdindex.analysis.flags import Thresholds

    found = findings(
        corr,
        {"root": ["x", "y"], "x": [], "y": []},
        info,
        Thresholds(),
        empty,
        empty,
        importance,
    )

    assert [f.kind for f in found] == ["negative"]
    assert found[0].message["en"] == (
        "Ex (x) correlates negatively with its parent Total (root) (r = -0.500)"
    )
    assert "甲 (x)" in found[0].message["zh"] and "-0.500" in found[0].message["zh"]
    assert "direction" in found[0].advice["en"]


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        (0.92000256, 0.92, "0.920003"),  # not "0.920 > 0.92"
        (0.95, 0.92, "0.9500"),
        (0.299996, 0.3, "0.299996"),
        (-0.00004, 0.0, "-0.00004"),
        (0.61234, 0.7, "0.612"),
    ],
)
def test_a_flag_shows_enough_digits_for_its_comparison_to_read_true(
    value: float, threshold: float, expected: str
) -> None:
    from gdindex.analysis.flags import beside

    shown, _ = beside(value, threshold)

    assert shown == expected
    assert (float(shown) > threshold) == (value > threshold)
    assert float(shown) != threshold
