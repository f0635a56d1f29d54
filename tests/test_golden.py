"""Golden files for the shipped samples: scores, groups and the printed report.

Refresh with `make golden` (pytest --update-golden) only in a reviewed commit.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from rich.console import Console

import gdindex
from gdindex.report.terminal import render_result
from tests.conftest import SPECS

GOLDEN = Path(__file__).parent / "golden"
SAMPLES = ["guangdong", "provinces_innovation", "asem"]


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request: pytest.FixtureRequest) -> tuple[str, gdindex.IndexResult]:
    name = request.param
    return name, gdindex.compute(SPECS / f"{name}.yaml")


def check_frame(frame: pl.DataFrame, path: Path, update: bool) -> None:
    if update:
        path.parent.mkdir(exist_ok=True)
        frame.write_csv(path)
        return
    expected = pl.read_csv(path, schema=frame.schema)
    assert_frame_equal(frame, expected, abs_tol=1e-9, rel_tol=0)


def test_sample_scores_match_golden(
    sample: tuple[str, gdindex.IndexResult], update_golden: bool
) -> None:
    name, result = sample

    check_frame(result.scores, GOLDEN / f"{name}.scores.csv", update_golden)


def test_sample_groups_and_weights_match_golden(
    sample: tuple[str, gdindex.IndexResult], update_golden: bool
) -> None:
    name, result = sample

    check_frame(result.groups, GOLDEN / f"{name}.groups.csv", update_golden)
    check_frame(result.weights, GOLDEN / f"{name}.weights.csv", update_golden)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_guangdong_report_matches_golden(lang: str, update_golden: bool) -> None:
    result = gdindex.compute(SPECS / "guangdong.yaml")
    buffer = io.StringIO()
    console = Console(file=buffer, width=150, color_system=None, force_terminal=False)

    render_result(result, console, lang=lang)

    path = GOLDEN / f"guangdong.report.{lang}.txt"
    if update_golden:
        path.write_text(buffer.getvalue(), encoding="utf-8")
    assert buffer.getvalue() == path.read_text(encoding="utf-8")


# Research variants of the shipped samples, stated as `--set` overrides: AHP on the
# pillars mixed with CRITIC, entropy inside them (Guangdong); entropy weights on the
# real 31-province panel, as Chinese studies weight it.
VARIANTS = {
    "guangdong_ahp_critic_entropy": (
        "guangdong",
        [
            "defaults.weights.method=entropy",
            "tree.weights={method: ahp, matrix: [[1, 2, 3, 2], [1, 2, 1], "
            '[1, "1/2"], [1]], combine: {with: {method: critic}, a: 0.6}}',
        ],
    ),
    "provinces_innovation_entropy": (
        "provinces_innovation",
        ["defaults.weights={method: entropy, pool: base, base_period: 2021}"],
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_weight_variants_match_golden(variant: str, update_golden: bool) -> None:
    name, overrides = VARIANTS[variant]
    spec = gdindex.load_spec(SPECS / f"{name}.yaml", overrides)

    result = gdindex.compute(spec)

    check_frame(result.weights, GOLDEN / f"{variant}.weights.csv", update_golden)
    latest = result.scores.filter(pl.col("period") == result.latest_period)
    check_frame(latest, GOLDEN / f"{variant}.scores.csv", update_golden)
