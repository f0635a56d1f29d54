"""Imputation (DESIGN §4.1): parameter models and the per-unit panel fills.

`locf` and `linear` work on one unit's series over the periods; the cross-sectional
methods (mean, median, group mean/median) are column statistics applied by the
pipeline's preparation stage (`gdindex.pipeline.prepare`).
"""

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from gdindex.methods.params import Model


class NoImputeSpec(Model):
    """Leave missing cells missing."""

    method: Literal["none"] = "none"


class MeanImputeSpec(Model):
    """The mean of the indicator's observed values in the same period."""

    method: Literal["mean"] = "mean"


class MedianImputeSpec(Model):
    """The median of the indicator's observed values in the same period."""

    method: Literal["median"] = "median"


class _GroupImpute(Model):
    group: str | None = Field(
        None,
        description="Grouping column of the units table (one of `units.groups`); "
        "default: the first of `units.groups`",
    )


class GroupMeanImputeSpec(_GroupImpute):
    """The mean of the unit's group in the same period."""

    method: Literal["group_mean"] = "group_mean"


class GroupMedianImputeSpec(_GroupImpute):
    """The median of the unit's group in the same period."""

    method: Literal["group_median"] = "group_median"


class _PanelImpute(Model):
    max_gap: int | None = Field(
        None,
        ge=1,
        description="Longest run of missing periods that is filled; longer runs "
        "stay missing (default: no limit)",
    )


class LocfImputeSpec(_PanelImpute):
    """Last observation carried forward: the unit's latest earlier value."""

    method: Literal["locf"] = "locf"


class LinearImputeSpec(_PanelImpute):
    """Linear interpolation between the unit's neighbouring observed periods; the
    ends take the nearest observed value."""

    method: Literal["linear"] = "linear"


ImputeSpec = Annotated[
    NoImputeSpec
    | MeanImputeSpec
    | MedianImputeSpec
    | GroupMeanImputeSpec
    | GroupMedianImputeSpec
    | LocfImputeSpec
    | LinearImputeSpec,
    Field(discriminator="method"),
]


def _last_observed(observed: np.ndarray) -> np.ndarray:
    """Index of the latest observed period at or before each period (−1: none).

    `observed` is [unit, period]; the result has the same shape.
    """
    P = observed.shape[1]
    idx = np.where(observed, np.arange(P), -1)
    return np.maximum.accumulate(idx, axis=1)


def _next_observed(observed: np.ndarray) -> np.ndarray:
    """Index of the earliest observed period at or after each period (P: none)."""
    P = observed.shape[1]
    idx = np.where(observed, np.arange(P), P)
    return np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]


def impute_locf(x: np.ndarray, max_gap: int | None) -> np.ndarray:
    """Last observation carried forward along periods ([unit, period] array).

    A cell takes the unit's latest earlier value when that value is at most
    `max_gap` periods back; cells before the first observation stay missing.
    """
    observed = ~np.isnan(x)
    last = _last_observed(observed)
    P = x.shape[1]
    gap = np.arange(P) - last
    fill = ~observed & (last >= 0)
    if max_gap is not None:
        fill &= gap <= max_gap
    out = x.copy()
    rows = np.nonzero(fill)
    out[rows] = x[rows[0], last[rows]]
    return out


def impute_linear(x: np.ndarray, times: np.ndarray, max_gap: int | None) -> np.ndarray:
    """Linear interpolation along periods ([unit, period] array), ends held flat.

    Between two observations at times t0 < t1 a missing cell at t gets
    `x0 + (x1 − x0)·(t − t0)/(t1 − t0)`; before the first (after the last)
    observation it gets the first (last) observed value. A run of missing periods
    longer than `max_gap` stays missing.
    """
    observed = ~np.isnan(x)
    P = x.shape[1]
    prev = _last_observed(observed)
    nxt = _next_observed(observed)
    missing = ~observed & observed.any(axis=1, keepdims=True)
    has_prev, has_next = prev >= 0, nxt < P
    run = np.where(
        has_prev & has_next,
        nxt - prev - 1,
        np.where(has_prev, P - 1 - prev, nxt),
    )
    fill = missing.copy()
    if max_gap is not None:
        fill &= run <= max_gap
    out = x.copy()
    u, t = np.nonzero(fill)
    p0 = prev[u, t]
    p1 = nxt[u, t]
    both = (p0 >= 0) & (p1 < P)
    x0 = np.where(p0 >= 0, x[u, np.clip(p0, 0, P - 1)], np.nan)
    x1 = np.where(p1 < P, x[u, np.clip(p1, 0, P - 1)], np.nan)
    t0 = times[np.clip(p0, 0, P - 1)]
    t1 = times[np.clip(p1, 0, P - 1)]
    with np.errstate(invalid="ignore", divide="ignore"):
        inner = x0 + (x1 - x0) * (times[t] - t0) / (t1 - t0)
    out[u, t] = np.where(both, inner, np.where(p0 >= 0, x0, x1))
    return out
