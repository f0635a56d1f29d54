"""Outlier treatment (DESIGN §4.1): G1/G2 by hand, winsorising, the log fallback."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gdindex.methods.treat import passes, skew_kurt, winsorise
from gdindex.spec import WinsoriseSpec

NAN = math.nan


def test_skew_kurt_match_the_hand_formulas() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    n, d = 5, x - 4.0  # mean 4
    m2, m3, m4 = (d**2).mean(), (d**3).mean(), (d**4).mean()  # 10, 36, 276.4...
    assert m2 == pytest.approx(10.0)
    g1 = math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (m4 / m2**2 - 3) + 6)
    got = skew_kurt(np.append(x, NAN))  # missing values are ignored
    assert got == pytest.approx((g1, g2))
    assert got[0] == pytest.approx(1.6970562748477143)


def test_too_few_or_constant_values_pass_the_outlier_test() -> None:
    assert math.isnan(skew_kurt(np.array([1.0, 2.0]))[0])
    assert passes(np.array([5.0, 5.0, 5.0, 5.0]))
    assert passes(np.array([1.0, 2.0, 100.0]))  # no kurtosis with n = 3


def test_one_outlier_is_winsorised_to_the_next_value() -> None:
    x = np.array([*range(1, 11), 100.0])
    g1, g2 = skew_kurt(x)
    assert g1 > 2 and g2 > 3.5 and not passes(x)  # fails: |skew| ≥ 2 and kurt ≥ 3.5
    out, treated, how = winsorise(x, WinsoriseSpec())
    assert how == "winsorised"
    assert out.tolist() == [*range(1, 11), 10.0]
    assert treated.tolist() == [False] * 10 + [True]
    assert passes(out)


def test_ties_at_the_maximum_are_winsorised_together() -> None:
    x = np.array([*range(1, 21), 500.0, 500.0])
    out, treated, how = winsorise(x, WinsoriseSpec())
    assert how == "winsorised"
    assert out[-2:].tolist() == [20.0, 20.0]
    assert int(treated.sum()) == 2


def test_negative_skew_winsorises_the_minimum() -> None:
    x = np.array([-100.0, *range(1, 11)])
    out, treated, how = winsorise(x, WinsoriseSpec())
    assert how == "winsorised" and out[0] == 1.0 and treated.tolist()[0]


def test_still_failing_after_winmax_falls_back_to_the_log() -> None:
    x = np.array([*range(1, 21), 1000.0, 2000.0])
    # one point (2000 → 1000) leaves G1 = 3.06, G2 = 8.08: still failing
    once = x.copy()
    once[-1] = 1000.0
    assert not passes(once)
    out, treated, how = winsorise(x, WinsoriseSpec(winmax=1))
    assert how == "log"
    # ln(x − min + 0.01·(max − min)) on the ORIGINAL column: ln(x − 1 + 19.99)
    assert out.tolist() == pytest.approx(np.log(x + 18.99).tolist())
    assert treated.all()


def test_fallback_none_keeps_the_winsorised_column() -> None:
    x = np.array([*range(1, 21), 1000.0, 2000.0])
    out, treated, how = winsorise(x, WinsoriseSpec(winmax=1, fallback="none"))
    assert how == "winsorised" and out[-1] == 1000.0 and int(treated.sum()) == 1


def test_a_passing_column_is_left_alone() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    out, treated, how = winsorise(x, WinsoriseSpec())
    assert how == "" and out is x and not treated.any()


@settings(max_examples=80, deadline=None)
@given(
    arrays(np.float64, st.integers(5, 40), elements=st.floats(-1e3, 1e3)),
    st.integers(1, 6),
)
def test_winsorisation_only_touches_the_extremes(x: np.ndarray, winmax: int) -> None:
    out, treated, how = winsorise(x, WinsoriseSpec(winmax=winmax))
    again = winsorise(x, WinsoriseSpec(winmax=winmax))
    assert np.array_equal(out, again[0], equal_nan=True)  # deterministic
    if how != "winsorised":
        return
    kept = x[~treated]
    assert np.array_equal(out[~treated], kept)
    # every treated cell lay beyond every untreated one (at the top or the bottom:
    # the side follows the sign of the skewness, which may change on the way)
    assert all(v >= kept.max() or v <= kept.min() for v in x[treated])
    # and ends inside the range of the untreated cells
    assert out[treated].min() >= kept.min() and out[treated].max() <= kept.max()
