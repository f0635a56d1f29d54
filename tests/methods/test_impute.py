"""Panel imputation (DESIGN §4.1): locf and linear interpolation with max_gap."""

from __future__ import annotations

import math

import numpy as np

from gdindex.methods.impute import impute_linear, impute_locf

NAN = math.nan


def test_locf_carries_forward_within_max_gap() -> None:
    x = np.array([[NAN, 1.0, NAN, NAN, NAN, 5.0, NAN]])
    assert impute_locf(x, None)[0].tolist()[1:] == [1, 1, 1, 1, 5, 5]
    assert math.isnan(impute_locf(x, None)[0, 0])  # nothing earlier
    limited = impute_locf(x, 2)[0]
    assert limited[1:4].tolist() == [1.0, 1.0, 1.0] and math.isnan(limited[4])
    assert limited[6] == 5.0


def test_linear_interpolates_and_holds_the_ends() -> None:
    times = np.arange(2018, 2025, dtype=float)
    x = np.array([[NAN, 2.0, NAN, NAN, 8.0, NAN, NAN]])
    out = impute_linear(x, times, None)[0]
    assert out.tolist() == [2.0, 2.0, 4.0, 6.0, 8.0, 8.0, 8.0]


def test_linear_leaves_gaps_longer_than_max_gap() -> None:
    times = np.arange(7, dtype=float)
    x = np.array(
        [
            [1.0, NAN, 3.0, NAN, NAN, NAN, 7.0],  # a 1-gap and a 3-gap
            [NAN, NAN, 5.0, NAN, NAN, NAN, NAN],  # ends: 2 before, 4 after
        ]
    )
    out = impute_linear(x, times, 2)
    assert out[0, 1] == 2.0
    assert np.isnan(out[0, 3:6]).all()
    assert out[1, :2].tolist() == [5.0, 5.0]
    assert np.isnan(out[1, 3:]).all()


def test_a_unit_with_no_value_at_all_is_not_interpolated() -> None:
    x = np.array([[NAN, NAN, NAN], [1.0, NAN, 3.0]])
    out = impute_linear(x, np.arange(3.0), None)
    assert np.isnan(out[0]).all() and out[1, 1] == 2.0
