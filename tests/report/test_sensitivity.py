"""The terminal rendering of a sensitivity analysis: what it shows, in both
languages, within 80 columns."""

from __future__ import annotations

import io
from functools import cache

import pytest
from rich.cells import cell_len
from rich.console import Console

from gdindex.analysis.sensitivity import SensitivityResult, sensitivity
from gdindex.report.sensitivity import explanations, render_sensitivity, runs_line
from tests.conftest import SPECS, separator_columns, table_blocks


@cache
def _sobol() -> SensitivityResult:
    return sensitivity(SPECS / "guangdong.yaml", n=32, method="sobol", seed=2)


def _render(result: SensitivityResult, lang: str, width: int = 80) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, highlight=False)
    render_sensitivity(result, console, lang)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_line_fits_80_columns_and_tables_align(lang: str) -> None:
    text = _render(_sobol(), lang)

    assert max(cell_len(line) for line in text.splitlines()) <= 80
    for block in table_blocks(text):
        assert (
            len({separator_columns(line) for line in block[1:-1] if "│" in line}) == 1
        )


def test_units_appear_by_nominal_rank_with_their_intervals() -> None:
    res = _sobol()
    text = _render(res, "en", width=120)

    first = res.rank_stats.sort("nominal").row(0, named=True)
    last = res.rank_stats.sort("nominal").row(-1, named=True)
    assert text.index("Shenzhen") < text.index("Guangzhou")
    assert (
        f"{first['min']}–{first['max']}" in text
        and f"{last['min']}–{last['max']}" in text
    )
    assert runs_line(res, "en") in text
    assert "Sobol indices" in text and "First order S1" in text


def test_each_input_is_explained_in_plain_words_largest_first() -> None:
    res = _sobol()
    assert res.indices is not None

    lines = explanations(res, "en")
    zh = explanations(res, "zh")

    top = res.indices.sort("ST", descending=True).row(0, named=True)["input"]
    # one sentence per input (then, maybe, the note on sampling error)
    assert len(lines) in (res.indices.height, res.indices.height + 1)
    assert lines[0].startswith(f"'{top}' alone")
    assert "of the rank uncertainty" in lines[0] and "单独解释" in zh[0]


def test_failed_runs_are_listed_with_their_reason(tiny_spec: object) -> None:
    from gdindex.spec.sensitivity import SensitivitySpec

    sens = SensitivitySpec.model_validate(
        {
            "n": 10,
            "inputs": [
                {
                    "id": "norm",
                    "set": "defaults.normalise",
                    "values": [{"method": "zscore"}],
                },
                {
                    "id": "agg",
                    "set": "defaults.aggregate.method",
                    "values": ["geometric"],
                },
            ],
        }
    )
    res = sensitivity(tiny_spec, inputs=sens)  # type: ignore[arg-type]

    text = _render(res, "en", width=120)

    assert res.n_failed == 10
    assert "10 runs: 0 done, 10 failed" in text and "Why runs failed" in text
    flat = " ".join(text.replace("│", " ").split())
    assert "tree node 'p1' (geometric): values ≤ 0 cannot enter a geometric" in flat


def test_estimates_that_break_0_le_s1_le_st_get_a_sampling_error_note() -> None:
    """0 ≤ S1 ≤ ST holds for the true indices; a sentence names the inputs whose
    estimates break it, and none is printed when every estimate keeps it."""
    import dataclasses

    import polars as pl

    import gdindex
    from gdindex.report.sensitivity import explanations
    from tests.conftest import SPECS

    res = gdindex.sensitivity(SPECS / "guangdong.yaml", method="sobol", n=16, seed=2)
    assert res.indices is not None
    clean = res.indices.with_columns(pl.col("S1").clip(0.0, None)).with_columns(
        pl.max_horizontal("S1", "ST").alias("ST")
    )
    first = clean["input"][0]
    broken = clean.with_columns(
        pl.when(pl.col("input") == first)
        .then(pl.col("S1") + 0.5)
        .otherwise(pl.col("S1"))
        .alias("S1")
    )

    kept = explanations(dataclasses.replace(res, indices=clean), "en")
    noted = explanations(dataclasses.replace(res, indices=broken), "en")
    noted_zh = explanations(dataclasses.replace(res, indices=broken), "zh")

    assert len(kept) == clean.height
    assert len(noted) == clean.height + 1 and f"'{first}'" in noted[-1]
    assert "N = 16" in noted[-1] and "--n" in noted[-1]
    assert f"「{first}」" in noted_zh[-1]


def test_weight_sets_are_named_in_chinese_under_zh() -> None:
    from gdindex.report.sensitivity import _zh_weight_set

    assert _zh_weight_set("set 3") == "第 3 组"
    assert _zh_weight_set("set x") == "set x" and _zh_weight_set("minmax") == "minmax"
