"""Growth values a rule leaves missing are never silent (DESIGN §4.5, issue 11 item 5).

Panel min-max [0, 100] with unit A worst on everything in 2021: A's 2021 composite is
exactly 0, so its 2022 growth %, its CAGR and its 2022 quadrant are undefined.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import polars as pl
from rich.console import Console

import gdindex
from gdindex.errors import Issue, IssueLog
from gdindex.pipeline.gaps import gap_warnings
from gdindex.pipeline.outputs import manifest
from gdindex.pipeline.result import NodeInfo
from gdindex.report.publish import build_report
from gdindex.report.terminal import render_result
from gdindex.spec import load_spec
from tests.conftest import DATA_CSV, SPEC_YAML, UNITS_CSV, make_spec, write_project

# i1: panel min 1 (A 2021), max 8; i2: panel min 1 (A 2021), max 7
ZERO_BASE = pl.DataFrame(
    {
        "unit": ["A", "A", "B", "B", "C", "C", "D", "D"],
        "period": [2021, 2022] * 4,
        "i1": [1.0, 5.0, 3.0, 6.0, 4.0, 8.0, 2.0, 3.0],
        "i2": [1.0, 4.0, 2.0, 6.0, 5.0, 7.0, 3.0, 2.0],
    }
)


def compute(data: pl.DataFrame = ZERO_BASE) -> gdindex.IndexResult:
    return gdindex.compute(make_spec(["i1", "i2"]), data=data)


def issue(result: gdindex.IndexResult, code: str) -> Issue:
    found = [i for i in result.issues if i.code == code]
    assert len(found) == 1, [i.code for i in result.issues]
    return found[0]


def test_zero_base_growth_cagr_and_quadrant_are_each_named_with_the_fix() -> None:
    # act
    result = compute()

    # assert: A's composite is 0 in 2021, so the three values are missing …
    root = result.scores.filter((pl.col("node") == "root") & (pl.col("unit") == "A"))
    assert root["score"].to_list()[0] == 0.0
    assert root["growth_pct"].to_list()[1] is None
    assert "A" not in result.quadrants.filter(pl.col("period") == 2022)["unit"]
    # … and each is named: units, periods, nodes, and what to use instead
    growth = issue(result, "growth-zero-base")
    assert "node 'root': A 2022" in growth.message and growth.severity == "warning"
    assert "range: [1, 100]" in str(growth.hint)
    assert "quadrant: {growth: change}" in str(growth.hint)
    cagr = issue(result, "cagr-zero-base")
    assert "2021–2022" in cagr.message and "node 'root': A" in cagr.message
    quadrant = issue(result, "quadrant-missing")
    assert "node 'root': A 2022" in quadrant.message
    assert "quadrant: {growth: change}" in str(quadrant.hint)


def test_zero_base_warnings_reach_terminal_manifest_and_report_notes() -> None:
    # arrange
    result = compute()

    # act
    buffer = io.StringIO()
    render_result(result, Console(file=buffer, width=400, color_system=None), lang="en")
    terminal = buffer.getvalue()
    written = json.loads(json.dumps(manifest(result)))
    notes = build_report(result, lang="en").markdown()

    # assert
    assert "growth % is undefined where the previous score is ≤ 0" in terminal
    codes = {w["code"] for w in written["warnings"]}
    assert {"growth-zero-base", "cagr-zero-base", "quadrant-missing"} <= codes
    assert "growth % is undefined where the previous score is ≤ 0" in notes
    assert "No warnings were raised" not in notes


def test_quadrant_growth_change_classifies_every_unit() -> None:
    # arrange
    spec = make_spec(["i1", "i2"])
    change = spec.quadrant.model_copy(update={"growth": "change"})

    # act
    result = gdindex.compute(spec.model_copy(update={"quadrant": change}), ZERO_BASE)

    # assert: A (change +62.5…) gets a quadrant; the growth % gap is still named
    quads = result.quadrants.filter(
        (pl.col("period") == 2022) & (pl.col("node") == "root")
    )
    assert sorted(quads["unit"].to_list()) == ["A", "B", "C", "D"]
    assert not [i for i in result.issues if i.code == "quadrant-missing"]
    issue(result, "growth-zero-base")
    # the report's chart and definitions say which axis it is
    text = build_report(result, lang="en").markdown()
    assert "y: score change against 2021" in text
    assert "growth is the score change" in text


def test_quadrant_growth_is_a_spec_key_defaulting_to_pct() -> None:
    base = {
        "spec_version": 1,
        "id": "t",
        "name": "T",
        "data": [{"file": "d.csv"}],
        "indicators": [{"id": "i1", "name": "i1"}],
        "tree": {"id": "root", "children": ["i1"]},
    }

    assert load_spec(base).quadrant.growth == "pct"
    assert load_spec({**base, "quadrant": {"growth": "change"}}).quadrant.growth == (
        "change"
    )


def test_quadrant_of_a_unit_without_a_previous_score_is_named() -> None:
    # arrange: D has no data in 2021
    data = ZERO_BASE.with_columns(
        [
            pl.when((pl.col("unit") == "D") & (pl.col("period") == 2021))
            .then(None)
            .otherwise(pl.col(c))
            .alias(c)
            for c in ("i1", "i2")
        ]
    )

    # act
    result = compute(data)

    # assert
    messages = [i.message for i in result.issues if i.code == "quadrant-missing"]
    assert any("no previous score" in m and "D 2022" in m for m in messages)


def test_growth_of_z_scores_is_warned_about() -> None:
    # arrange
    spec = make_spec(["i1", "i2"], defaults={"normalise": {"method": "zscore"}})

    # act
    result = gdindex.compute(spec, data=ZERO_BASE)

    # assert
    signed = issue(result, "growth-of-signed-scores")
    assert "z-scores are centred on 0" in signed.message
    assert "node 'root'" in signed.message
    assert "quadrant: {growth: change}" in str(signed.hint)


def test_indicator_gaps_are_one_warning_and_positive_ranges_none() -> None:
    # arrange: minmax onto [1, 100] keeps every score positive
    spec = make_spec(
        ["i1", "i2"], defaults={"normalise": {"method": "minmax", "range": [1, 100]}}
    )

    # act
    zero = compute()
    positive = gdindex.compute(spec, data=ZERO_BASE)

    # assert
    gaps = issue(zero, "indicator-growth-zero-base")
    assert "indicator 'i1': A 2022" in gaps.message
    assert positive.issues == []


def test_group_growth_on_a_zero_mean_is_named() -> None:
    # arrange: group g=x has mean 0 in 2021 for node root
    groups = pl.DataFrame(
        {
            "group_by": ["g", "g", "g", "g"],
            "group": ["x", "x", "y", "y"],
            "period": [2021, 2022, 2021, 2022],
            "node": ["root"] * 4,
            "score": [0.0, 10.0, 5.0, 6.0],
            "growth_pct": [None, None, None, 20.0],
            "n_units": [1, 1, 1, 1],
        }
    )
    nodes = [NodeInfo("root", "index", 0, None, "root", "root", "arithmetic")]
    S = np.array([[[1.0, 2.0]]])
    log = IssueLog()

    # act
    spec = make_spec(["i1"])
    units = pl.DataFrame({"unit": ["A"]})
    gap_warnings(spec, nodes, ["A"], [2021, 2022], S, groups, units, log)

    # assert
    assert [i.code for i in log.issues] == ["group-growth-zero-base"]
    assert "g=x root 2022" in log.issues[0].message


def test_group_whose_weights_are_all_zero_is_named_not_silent(tmp_path: Path) -> None:
    # arrange: the tiny project weighted by `pop`; both units of 南 weigh 0
    units = UNITS_CSV.replace("region\n", "region,pop\n").replace("北\n", "北,4\n")
    units = units.replace("南\n", "南,0\n")
    spec = SPEC_YAML.replace(
        "groups: [region]", "groups: [region]\n  group_weight: pop"
    )

    # act
    result = gdindex.compute(write_project(tmp_path, spec, DATA_CSV, units))

    # assert: no mean, 0 units in it (not 2), and a warning naming group and units
    south = result.groups.filter(pl.col("group") == "南")
    assert south["score"].is_null().all() and (south["n_units"] == 0).all()
    zero = issue(result, "group-zero-weight")
    assert "'南'" in zero.message and "B, C" in zero.message
    assert "'pop'" in zero.where and "weight > 0" in str(zero.hint)
