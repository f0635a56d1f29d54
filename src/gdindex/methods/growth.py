"""Ranks, changes, growth, CAGR, contributions, groups and quadrants (DESIGN §4.5).

All functions work on score arrays `S[unit, period]` (NaN = missing) for one node, or
on stacks `S[node, unit, period]`; periods are in the spec's time order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdindex.methods.correlation import at_least, magnitude, tie_starts, tied

QUADRANTS = {
    "leader": {"zh": "双高", "en": "Leader"},
    "dark_horse": {"zh": "黑马", "en": "Dark horse"},
    "steady": {"zh": "稳健", "en": "Steady"},
    "lagging": {"zh": "追赶", "en": "Lagging"},
}


def ranks(S: np.ndarray) -> np.ndarray:
    """Rank units per period (axis −2 = units): 1 = highest, ties share the lowest
    rank ('min' method), missing scores get no rank. Scores within 1e-9 of each
    other relative to `period_scale(S)` are ties (`correlation.tied`)."""
    neg = np.ascontiguousarray(np.swapaxes(-S, -1, -2))  # units last: fast sorting
    order = np.argsort(neg, axis=-1)  # NaN sorts last
    ordered = np.take_along_axis(neg, order, axis=-1)
    pos = np.broadcast_to(np.arange(neg.shape[-1]), neg.shape)
    scale = np.swapaxes(period_scale(S), -1, -2)  # [..., period, 1]
    new = tie_starts(ordered, scale)
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=-1)
    sorted_ranks = np.where(np.isnan(ordered), np.nan, first + 1.0)
    out = np.empty(neg.shape)
    np.put_along_axis(out, order, sorted_ranks, axis=-1)
    return np.swapaxes(out, -1, -2)


def period_scale(S: np.ndarray) -> np.ndarray:
    """The scale of the ties among scores (`correlation.tied`): per period, the
    largest |score| of every unit — and of every node, for a stack
    `S[node, unit, period]` — shaped `[1, period]` (or `[1, 1, period]`) to broadcast
    against `S`. A node whose scores are all noise around 0 (a z-score composite of
    children that cancel) is measured against its siblings' size, not its own."""
    axes = tuple(range(S.ndim - 1))
    return magnitude(S, axis=axes, keepdims=True)


def _steady(S: np.ndarray) -> np.ndarray:
    """`[..., period−1]`: `S_t` tied to `S_{t−1}` at the scale of both periods."""
    scale = period_scale(S)
    both = np.maximum(scale[..., 1:], scale[..., :-1])
    return tied(S[..., 1:], S[..., :-1], both)


def changes(S: np.ndarray) -> np.ndarray:
    """`S_t − S_{t−1}`; missing for the first period; exactly 0 when the two scores
    are tied (`correlation.tied`), so noise never reads as a change."""
    out = np.full(S.shape, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        out[..., 1:] = np.where(_steady(S), 0.0, S[..., 1:] - S[..., :-1])
    return np.where(np.isfinite(out), out, np.nan)  # never inf: missing


def growth_pct(S: np.ndarray) -> np.ndarray:
    """`100 · (S_t / S_{t−1} − 1)`; missing when `S_{t−1} ≤ 0` or missing; exactly 0
    when the two scores are tied (`correlation.tied`)."""
    out = np.full(S.shape, np.nan)
    prev, cur = S[..., :-1], S[..., 1:]
    steady = _steady(S)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        grown = np.where(steady, 0.0, 100.0 * (cur / prev - 1.0))
        out[..., 1:] = np.where(prev > 0, grown, np.nan)
    return out  # ±inf (a previous score of almost 0): see `pipeline.stages`


def zero_base(S: np.ndarray) -> np.ndarray:
    """Where `growth_pct` is missing by its rule alone: both scores present and
    `S_{t−1} ≤ 0` (False in the first period)."""
    out = np.zeros(S.shape, dtype=bool)
    prev, cur = S[..., :-1], S[..., 1:]
    with np.errstate(invalid="ignore"):
        out[..., 1:] = (prev <= 0) & ~np.isnan(cur)
    return out


def cagr_zero_base(S: np.ndarray) -> np.ndarray:
    """Where `cagr` is missing by its rule alone: both ends present, `S_0 ≤ 0`."""
    if S.shape[-1] < 2:
        return np.zeros(S.shape[:-1], dtype=bool)
    with np.errstate(invalid="ignore"):
        return (S[..., 0] <= 0) & ~np.isnan(S[..., -1])


def rank_changes(R: np.ndarray) -> np.ndarray:
    """`rank_{t−1} − rank_t` (positive = moved up)."""
    out = np.full(R.shape, np.nan)
    out[..., 1:] = R[..., :-1] - R[..., 1:]
    return out


def cagr(S: np.ndarray) -> np.ndarray:
    """Compound annual growth over all periods: `(S_T / S_0)^(1/T) − 1`.

    Missing when `S_0 ≤ 0`, either end is missing, or there is one period only.
    """
    T = S.shape[-1] - 1
    if T < 1:
        return np.full(S.shape[:-1], np.nan)
    first, last = S[..., 0], S[..., -1]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out = np.where(first > 0, np.power(last / first, 1.0 / T) - 1.0, np.nan)
    return np.where(np.isfinite(out), out, np.nan)


def contributions(
    parent: np.ndarray, children: np.ndarray, w: np.ndarray
) -> np.ndarray:
    """Contribution of each child to its parent's growth, in percentage points.

    `100 · w_k (S_k,t − S_k,t−1) / P_{t−1}`; with every child present they sum to the
    parent's growth_pct (arithmetic nodes). Shape: `[unit, period, child]`.
    """
    out = np.full(children.shape, np.nan)
    prev = parent[:, :-1, None]
    delta = np.moveaxis(changes(np.moveaxis(children, -1, 0)), 0, -1)[:, 1:, :]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        out[:, 1:, :] = np.where(prev > 0, 100.0 * w * delta / prev, np.nan)
    return np.where(np.isfinite(out), out, np.nan)


def group_means(
    S: np.ndarray, labels: Sequence[str | None], weights: np.ndarray | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Mean score of each group per node and period (optionally weighted).

    Args:
        S: scores `[node, unit, period]`.
        labels: group of each unit (None = no group).
        weights: optional unit weights (e.g. population).

    Returns:
        The groups (in order of first appearance), the means `[group, node, period]`
        and the number of units in each mean `[group, node, period]`: those with a
        score and a weight > 0 (a group whose weights are all 0 has no mean and 0
        units).
    """
    groups = list(dict.fromkeys(g for g in labels if g is not None and g != ""))
    lab = np.array([g if g is not None else "" for g in labels], dtype=object)
    means = np.full((len(groups), S.shape[0], S.shape[2]), np.nan)
    counts = np.zeros((len(groups), S.shape[0], S.shape[2]), dtype=np.int64)
    w_all = np.ones(S.shape[1]) if weights is None else np.nan_to_num(weights)
    for g, name in enumerate(groups):
        member = lab == name
        sub = S[:, member, :]
        present = ~np.isnan(sub)
        w = np.where(present, w_all[member][None, :, None], 0.0)
        counts[g] = (w > 0).sum(axis=1)
        total = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means[g] = np.where(
                total > 0, np.sum(w * np.nan_to_num(sub), axis=1) / total, np.nan
            )
    return groups, means, counts


def group_means_by_period(
    S: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """`group_means` with groups (and weights) that may change between periods.

    Args:
        S: scores `[node, unit, period]`.
        labels: group of each unit in each period, `[unit, period]` (None = none).
        weights: optional unit weights `[unit, period]`.

    Returns:
        As `group_means`: the groups (first appearance, period by period), the
        means `[group, node, period]` of the units in the group that period, and
        their counts.
    """
    P = S.shape[2]
    order = list(
        dict.fromkeys(
            g for p in range(P) for g in labels[:, p] if g is not None and g != ""
        )
    )
    position = {g: k for k, g in enumerate(order)}
    means = np.full((len(order), S.shape[0], P), np.nan)
    counts = np.zeros((len(order), S.shape[0], P), dtype=np.int64)
    for p in range(P):
        w = None if weights is None else weights[:, p]
        names, m, c = group_means(S[:, :, p : p + 1], list(labels[:, p]), w)
        for k, name in enumerate(names):
            means[position[name], :, p] = m[k, :, 0]
            counts[position[name], :, p] = c[k, :, 0]
    return order, means, counts


def _median(x: np.ndarray) -> float:
    """Median of non-missing values (np.median would import numpy.ma: ~10 ms)."""
    v = np.sort(x)
    mid = len(v) // 2
    return float(v[mid]) if len(v) % 2 else float((v[mid - 1] + v[mid]) / 2)


def quadrants(
    S: np.ndarray,
    G: np.ndarray,
    level_scale: np.ndarray | float = 0.0,
    growth_scale: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Level × growth quadrant per unit and period (object array; None = undefined).

    Score ≥ median and growth ≥ median → `leader` (双高); score < median and growth
    ≥ median → `dark_horse` (黑马); score ≥ median, growth < median → `steady`;
    otherwise `lagging`. Medians are over the units with both values in that period;
    a value tied to its median (`correlation.tied`) counts as equal to it. The scale
    of those ties is the largest |value| of that period's scores (or growths), and
    at least `level_scale` (`growth_scale`), a number or one per period: the
    pipeline passes the period's score scale (`period_scale`) and 100 for growth in
    percent, so that a set that is all noise around 0 still ties.
    """
    out = np.full(S.shape, None, dtype=object)
    P = S.shape[1]
    floor_s = np.broadcast_to(np.asarray(level_scale, dtype=np.float64), (P,))
    floor_g = np.broadcast_to(np.asarray(growth_scale, dtype=np.float64), (P,))
    for p in range(P):
        s, g = S[:, p], G[:, p]
        ok = ~np.isnan(s) & ~np.isnan(g)
        if not ok.any():
            continue
        ms, mg = _median(s[ok]), _median(g[ok])
        high_s = at_least(s, ms, max(float(magnitude(s[ok])), float(floor_s[p])))
        high_g = at_least(g, mg, max(float(magnitude(g[ok])), float(floor_g[p])))
        q = np.where(
            high_s & high_g,
            "leader",
            np.where(
                ~high_s & high_g, "dark_horse", np.where(high_s, "steady", "lagging")
            ),
        )
        out[ok, p] = q[ok]
    return out
