"""Ranks, changes, growth, CAGR, contributions, group means and quadrants
(DESIGN §4.5) on hand-computed arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from gdindex.methods import growth

nan = np.nan


# ---- ranks ---- #


def test_ranks_one_is_highest_ties_share_the_lowest_rank_missing_is_unranked() -> None:
    # arrange: S[unit, period], one period
    S = np.array([[50.0], [70.0], [50.0], [nan], [30.0]])

    # act
    R = growth.ranks(S)

    # assert: 70 → 1; the two 50s share 2 ('min'); 30 → 4 (rank 3 is skipped)
    assert_array_equal(R[:, 0], [2, 1, 2, nan, 4])


def test_ranks_are_per_period_and_per_node() -> None:
    # arrange: S[node, unit, period]
    S = np.array(
        [
            [[1.0, 9.0], [2.0, 8.0], [3.0, 7.0]],
            [[5.0, 5.0], [6.0, 6.0], [4.0, 4.0]],
        ]
    )

    # act
    R = growth.ranks(S)

    # assert
    assert_array_equal(R[0], [[3, 1], [2, 2], [1, 3]])
    assert_array_equal(R[1], [[2, 2], [1, 1], [3, 3]])


def test_ranks_use_unrounded_scores_but_not_float_noise() -> None:
    # arrange: 60.0000002 differs from 60 by 3.3e-9 relative (a real difference);
    # 60.00000000001 by 1.7e-13 (noise: within the relative 1e-9 of DESIGN §4.5)
    S = np.array([[60.0000002], [60.0], [60.00000000001]])

    # act
    R = growth.ranks(S)

    # assert
    assert_array_equal(R[:, 0], [1, 2, 2])


# ---- changes and growth ---- #


def test_changes() -> None:
    # arrange
    S = np.array([[10.0, 12.0, 9.0], [5.0, nan, 6.0]])

    # act
    C = growth.changes(S)

    # assert: 12 − 10 = 2, 9 − 12 = −3; anything next to a missing value is missing
    assert_allclose(C, [[nan, 2, -3], [nan, nan, nan]])


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        # 100 · (12/10 − 1) = 20; 100 · (9/12 − 1) = −25
        ([10.0, 12.0, 9.0], [nan, 20.0, -25.0]),
        # previous 0 → missing; 100 · (10/5 − 1) = 100
        ([0.0, 5.0, 10.0], [nan, nan, 100.0]),
        # previous negative → missing; 100 · (3/2 − 1) = 50
        ([-4.0, 2.0, 3.0], [nan, nan, 50.0]),
        # previous missing → missing
        ([nan, 2.0, 1.0], [nan, nan, -50.0]),
    ],
)
def test_growth_pct(series: list[float], expected: list[float]) -> None:
    # arrange
    S = np.array([series])

    # act
    G = growth.growth_pct(S)

    # assert
    assert_allclose(G[0], expected)


def test_rank_changes_positive_means_moved_up() -> None:
    # arrange
    R = np.array([[3.0, 1.0, 2.0], [1.0, nan, 1.0]])

    # act
    RC = growth.rank_changes(R)

    # assert: 3 − 1 = 2 (up), 1 − 2 = −1 (down)
    assert_allclose(RC, [[nan, 2, -1], [nan, nan, nan]])


# ---- CAGR ---- #


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        # T = 2: (121 / 100)^(1/2) − 1 = 1.1 − 1 = 0.1
        ([100.0, 110.0, 121.0], 0.1),
        # T = 2: (200 / 50)^(1/2) − 1 = 2 − 1 = 1; the middle value does not matter
        ([50.0, 10.0, 200.0], 1.0),
        # T = 3: (27 / 8)^(1/3) − 1 = 1.5 − 1 = 0.5
        ([8.0, 1.0, 1.0, 27.0], 0.5),
        # T = 2: (25 / 100)^(1/2) − 1 = −0.5
        ([100.0, 60.0, 25.0], -0.5),
    ],
)
def test_cagr(series: list[float], expected: float) -> None:
    # arrange
    S = np.array([series])

    # act
    out = growth.cagr(S)

    # assert
    assert out[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "series", [[0.0, 5.0, 10.0], [-8.0, 1.0, 27.0], [nan, 1.0, 2.0], [1.0, 2.0, nan]]
)
def test_cagr_missing_when_first_not_positive_or_an_end_missing(
    series: list[float],
) -> None:
    # act
    out = growth.cagr(np.array([series]))

    # assert
    assert np.isnan(out[0])


def test_cagr_of_one_period_is_missing() -> None:
    # act
    out = growth.cagr(np.array([[10.0]]))

    # assert
    assert np.isnan(out[0])


# ---- contributions ---- #


def test_contributions_sum_to_the_parent_growth() -> None:
    # arrange: arithmetic parent with weights 0.6, 0.4 over two periods
    #   child 1: 50 → 60; child 2: 25 → 30
    #   parent: 0.6·50 + 0.4·25 = 40 → 0.6·60 + 0.4·30 = 48; growth 100·(48/40 − 1) = 20
    w = np.array([0.6, 0.4])
    children = np.array([[[50.0, 25.0], [60.0, 30.0]]])  # [unit, period, child]
    parent = np.array([[40.0, 48.0]])

    # act
    C = growth.contributions(parent, children, w)

    # assert: 100·0.6·10/40 = 15; 100·0.4·5/40 = 5; 15 + 5 = 20
    assert np.isnan(C[0, 0]).all()
    assert_allclose(C[0, 1], [15.0, 5.0])
    assert C[0, 1].sum() == pytest.approx(20.0)


def test_contributions_missing_when_parent_was_not_positive() -> None:
    # arrange
    w = np.array([0.5, 0.5])
    children = np.array([[[0.0, 0.0], [10.0, 20.0]]])
    parent = np.array([[0.0, 15.0]])

    # act
    C = growth.contributions(parent, children, w)

    # assert
    assert np.isnan(C).all()


# ---- group means ---- #


def test_group_means_unweighted() -> None:
    # arrange: S[node=1, unit=4, period=2]; the fourth unit has no group
    S = np.array([[[10.0, 20.0], [30.0, 40.0], [50.0, nan], [99.0, 99.0]]])
    labels = ["prd", "prd", "east", None]

    # act
    names, means, counts = growth.group_means(S, labels)

    # assert: prd (10 + 30)/2 = 20, (20 + 40)/2 = 30; east 50, then no score
    assert names == ["prd", "east"]
    assert_allclose(means[:, 0, :], [[20.0, 30.0], [50.0, nan]])
    assert_array_equal(counts[:, 0, :], [[2, 2], [1, 0]])


def test_group_means_weighted() -> None:
    # arrange: unit weights 1, 3, 2, 5
    S = np.array([[[10.0, 20.0], [30.0, 40.0], [50.0, nan], [99.0, 99.0]]])
    labels = ["prd", "prd", "east", None]
    weights = np.array([1.0, 3.0, 2.0, 5.0])

    # act
    names, means, _ = growth.group_means(S, labels, weights)

    # assert: prd (1·10 + 3·30) / 4 = 25, (1·20 + 3·40) / 4 = 35; east 50
    assert names == ["prd", "east"]
    assert_allclose(means[:, 0, :], [[25.0, 35.0], [50.0, nan]])


def test_group_means_weighted_skips_units_without_a_score() -> None:
    # arrange: the middle unit has no score; weights 1, 5, 3
    S = np.array([[[10.0], [nan], [40.0]]])

    # act
    _, means, counts = growth.group_means(S, ["g", "g", "g"], np.array([1.0, 5.0, 3.0]))

    # assert: (1·10 + 3·40) / (1 + 3) = 130 / 4 = 32.5
    assert means[0, 0, 0] == pytest.approx(32.5)
    assert counts[0, 0, 0] == 2


def test_group_means_count_only_units_that_enter_the_mean() -> None:
    # arrange: group g has weights 0 and 2, group h only zero weights
    S = np.array([[[10.0], [40.0], [70.0], [80.0]]])
    labels = ["g", "g", "h", "h"]

    # act
    names, means, counts = growth.group_means(S, labels, np.array([0, 2, 0, 0.0]))

    # assert: g is the mean of its weighted unit; h has no mean and no units in it
    assert names == ["g", "h"]
    assert means[0, 0, 0] == 40.0 and np.isnan(means[1, 0, 0])
    assert counts[:, 0, 0].tolist() == [1, 0]


# ---- quadrants ---- #


def test_quadrants_each_kind() -> None:
    # arrange: scores 80, 40, 70, 20 (median 55); growth 10, 12, 2, 1 (median 6)
    S = np.array([[80.0], [40.0], [70.0], [20.0]])
    G = np.array([[10.0], [12.0], [2.0], [1.0]])

    # act
    Q = growth.quadrants(S, G)

    # assert
    assert Q[:, 0].tolist() == ["leader", "dark_horse", "steady", "lagging"]


def test_quadrants_medians_are_inclusive() -> None:
    # arrange: scores 10..50 (median 30), growth 5..1 (median 3)
    S = np.array([[10.0], [20.0], [30.0], [40.0], [50.0]])
    G = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]])

    # act
    Q = growth.quadrants(S, G)

    # assert: the unit at (30, 3) sits on both medians → leader
    assert Q[:, 0].tolist() == [
        "dark_horse",
        "dark_horse",
        "leader",
        "steady",
        "steady",
    ]


def test_quadrants_value_within_noise_of_the_median_sits_on_it() -> None:
    # arrange: the middle unit's score is one ulp below the median 100/3 of the
    # others' exact thirds (e.g. a sum of three ninths)
    third = 100 / 3
    below = np.nextafter(third, 0.0)
    S = np.array([[10.0], [third], [below], [third], [50.0]])
    G = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]])

    # act
    Q = growth.quadrants(S, G)

    # assert: the median is `below`… and `third` is tied with it; every unit within
    # noise of the median counts as ≥ median (high), as it would in exact arithmetic
    assert Q[:, 0].tolist() == [
        "dark_horse",
        "leader",
        "leader",
        "steady",
        "steady",
    ]


def test_quadrants_undefined_without_growth() -> None:
    # arrange: first period has no growth; unit c has no growth in the second
    S = np.array([[80.0, 90.0], [40.0, 30.0], [60.0, 50.0]])
    G = np.array([[nan, 12.5], [nan, -25.0], [nan, nan]])

    # act
    Q = growth.quadrants(S, G)

    # assert: medians over a and b only: score 60, growth −6.25
    assert Q[:, 0].tolist() == [None, None, None]
    assert Q[:, 1].tolist() == ["leader", "lagging", None]


@pytest.mark.parametrize(
    ("values", "expected"),
    [([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5), ([7.0], 7.0)],
)
def test_median_odd_and_even(values: list[float], expected: float) -> None:
    from gdindex.methods.growth import _median

    assert _median(np.array(values)) == expected


def test_growth_from_almost_zero_is_never_infinite() -> None:
    from gdindex.methods.growth import cagr, changes, growth_pct

    # two stacks: beside scores of 1e308, 1e-320 → 100 is float noise (a tie)
    tiny, huge = np.array([[1e-320, 100.0]]), np.array([[-1.7e308, 1.7e308]])
    S = np.vstack([tiny, huge])

    assert np.isinf(growth_pct(tiny)[0, 1])  # the pipeline turns it into a warning
    assert np.isnan(changes(huge)[0, 1]) and np.isfinite(changes(tiny)[0, 1])
    assert np.isnan(cagr(S)).all() or np.isfinite(cagr(S)).all()


# ---- ties near 0: the scale of the comparison set (review of issue 11) ---- #


def test_ranks_of_a_composite_that_is_zero_up_to_noise_are_all_one() -> None:
    # arrange: z-scores of x1 = 0.1, 0.2, 0.3, 0.4, 0.7 and x2 = 0.8 − x1 cancel, so
    # their mean is exactly 0 for every unit; in floats it is ±1e-16 or 0
    x1 = np.array([0.1, 0.2, 0.3, 0.4, 0.7])
    z1 = (x1 - x1.mean()) / x1.std(ddof=1)
    x2 = 0.8 - x1
    z2 = (x2 - x2.mean()) / x2.std(ddof=1)
    S = np.stack([(z1 + z2) / 2, z1, z2])[:, :, None]  # [node, unit, period]
    assert len(set(S[0, :, 0].tolist())) > 1  # the noise is there

    # act
    R = growth.ranks(S)

    # assert: the composite ties at the scale of the period's scores
    assert_array_equal(R[0, :, 0], [1, 1, 1, 1, 1])
    assert_array_equal(R[1, :, 0], [5, 4, 3, 2, 1])


def test_change_and_growth_are_exactly_zero_between_tied_scores() -> None:
    # arrange: unit C is 75 in both years, one ulp below in the second (issue 11's
    # review: growth −2.2e-14 printed "-0.00" and made C steady, not a leader)
    S = np.array(
        [[80.0, 78.0], [50.0, 49.0], [75.0, np.nextafter(75.0, 0.0)], [40.0, 40.0]]
    )

    # act
    C, G = growth.changes(S), growth.growth_pct(S)
    Q = growth.quadrants(S, G)

    # assert
    assert C[2, 1] == 0.0 and G[2, 1] == 0.0
    assert not np.signbit(C[2, 1]) and not np.signbit(G[2, 1])  # never "-0.00"
    assert Q[2, 1] == "leader"
    assert_allclose(C[:, 1], [-2.0, -1.0, 0.0, 0.0])


def test_quadrant_growth_near_a_zero_median_ties_at_the_growths_scale() -> None:
    # arrange: growths ±5 %, 0 and 1e-15 (noise): the median is 5e-16, and 0 is
    # on it at the scale of the growths (5), so unit 3 is a leader
    S = np.array([[60.0, 60.0], [50.0, 50.0], [70.0, 70.0], [80.0, 80.0]])
    G = np.array([[nan, 5.0], [nan, -5.0], [nan, 1e-15], [nan, 0.0]])

    # act
    Q = growth.quadrants(S, G)

    # assert
    assert Q[:, 1].tolist() == ["dark_horse", "lagging", "leader", "leader"]


def test_contributions_of_a_child_that_did_not_move_are_zero() -> None:
    parent = np.array([[50.0, 50.0]])
    children = np.array([[[30.0, 20.0], [np.nextafter(30.0, 0.0), 20.0]]])

    got = growth.contributions(parent, children, np.array([0.5, 0.5]))

    assert got[0, 1].tolist() == [0.0, 0.0]


@settings(max_examples=200, deadline=None)
@given(
    levels=st.lists(
        st.sampled_from([0.0, 1.0, 20.0, 50.0, 75.0]), min_size=6, max_size=6
    ),
    growths=st.lists(st.sampled_from([0.0, -2.5, 5.0, 10.0]), min_size=6, max_size=6),
    noise=st.lists(st.integers(-4, 4), min_size=12, max_size=12),
)
def test_a_few_ulps_of_noise_never_change_quadrants(
    levels: list[float], growths: list[float], noise: list[int]
) -> None:
    # arrange: scores and growths from a few tied values (0 among them), nudged by
    # a few ulps of the values' size — absolute noise, so 0 moves too
    S = np.array([[nan, v] for v in levels])
    G = np.array([[nan, g] for g in growths])
    ulp_s = np.array(noise[:6]) * np.spacing(max(levels) or 1.0)
    ulp_g = np.array(noise[6:]) * np.spacing(10.0)
    noisy_S, noisy_G = S.copy(), G.copy()
    noisy_S[:, 1] += ulp_s
    noisy_G[:, 1] += ulp_g

    # act / assert: with the pipeline's scales (the scores', 100 for growth %)
    scale = max(levels) or 1.0
    assert_array_equal(
        growth.quadrants(noisy_S, noisy_G, scale, 100.0),
        growth.quadrants(S, G, scale, 100.0),
    )
