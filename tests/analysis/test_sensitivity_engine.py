"""Runs grouped into tasks: chunks of any size give the same result; ranks of every
run at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gdindex.analysis.sensitivity import sensitivity
from gdindex.analysis.sensitivity_engine import CHUNK, rank_rows
from gdindex.methods.growth import ranks
from tests.analysis.sensitivity_helpers import _inputs


def test_runs_split_into_chunks_give_what_one_chunk_gives(
    tiny_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = sensitivity(tiny_spec, inputs=_inputs(n=40))
    monkeypatch.setattr("gdindex.analysis.sensitivity_engine.CHUNK", 3)

    split = sensitivity(tiny_spec, inputs=_inputs(n=40))

    assert CHUNK > 40
    assert split.to_json() == whole.to_json()


def test_rank_rows_equals_growth_ranks_and_ties_within_1e_9() -> None:
    rng = np.random.default_rng(0)
    S = rng.integers(0, 6, size=(50, 12)).astype(float)
    S[rng.random(S.shape) < 0.1] = np.nan

    assert np.array_equal(rank_rows(S), ranks(S.T).T, equal_nan=True)
    noisy = np.array([[100.0, 100.0 * (1 + 1e-10), 99.0, np.nan, 100.0 * (1 - 1e-8)]])
    assert rank_rows(noisy).tolist()[0][:3] == [1.0, 1.0, 4.0]
    assert rank_rows(noisy)[0, 4] == 3.0 and np.isnan(rank_rows(noisy)[0, 3])
    near_zero = np.array([[0.0, 1.1e-16, -2.2e-16, 1.0, -1.0]])  # scale 1: one score
    assert rank_rows(near_zero).tolist() == [[2.0, 2.0, 2.0, 1.0, 5.0]]
