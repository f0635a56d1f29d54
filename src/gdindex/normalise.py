"""Normalisers (DESIGN §4.2): put indicators on a common scale.

Direction is applied here, once, before any method runs: methods receive `x = d · raw`
and never see `d`. The scope decides which rows feed the statistics: each period alone
(`period`), all periods pooled (`panel`, so growth stays comparable) or the base period
(`base`). Each method is a pure function `fn(x, ref, params)` on NumPy arrays: `x` are
the values to transform, `ref` the (non-missing or missing) values of the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdindex.errors import IssueLog
from gdindex.registry import Registry
from gdindex.spec import (
    GoalpostsSpec,
    IndexSpec,
    MinMaxSpec,
    PercentileSpec,
    RankSpec,
    RatioSpec,
    TargetSpec,
    ZScoreSpec,
)

NormaliserFn = Callable[[np.ndarray, np.ndarray, Any], np.ndarray]
NORMALISERS: Registry[NormaliserFn] = Registry("normalisation")


def _finite(ref: np.ndarray) -> np.ndarray:
    return ref[~np.isnan(ref)]


@NORMALISERS.register("minmax", MinMaxSpec, needs_spread=True)
def minmax(x: np.ndarray, ref: np.ndarray, p: MinMaxSpec) -> np.ndarray:
    """Min-max: `(x − min) / (max − min) · (hi − lo) + lo`."""
    r = _finite(ref)
    lo, hi = p.range
    return (x - r.min()) / (r.max() - r.min()) * (hi - lo) + lo


@NORMALISERS.register("zscore", ZScoreSpec, needs_spread=True)
def zscore(x: np.ndarray, ref: np.ndarray, p: ZScoreSpec) -> np.ndarray:
    """Z-score: `(x − mean(x)) / sd(x) · sd' + mean'` with the sample sd (n − 1)."""
    r = _finite(ref)
    return (x - r.mean()) / r.std(ddof=1) * p.sd + p.mean


@NORMALISERS.register("target", TargetSpec, needs_spread=True)
def target(x: np.ndarray, ref: np.ndarray, p: TargetSpec) -> np.ndarray:
    """Distance to target: `(x − min) / (T' − min) · 100`, capped at 100 when `cap`.

    `p.target` arrives already oriented (`T' = direction · T`).
    """
    low = _finite(ref).min()
    out = (x - low) / (p.target - low) * 100.0
    return np.minimum(out, 100.0) if p.cap else out


@NORMALISERS.register("goalposts", GoalpostsSpec)
def goalposts(x: np.ndarray, ref: np.ndarray, p: GoalpostsSpec) -> np.ndarray:
    """Goalposts: `(raw − W) / (B − W) · 100`, clipped to [0, 100] when `clip`.

    `worst` and `best` arrive oriented like `x`, so the ratio equals the raw one.
    """
    out = (x - p.worst) / (p.best - p.worst) * 100.0
    return np.clip(out, 0.0, 100.0) if p.clip else out


@NORMALISERS.register("rank", RankSpec, needs_spread=True)
def rank(x: np.ndarray, ref: np.ndarray, p: RankSpec) -> np.ndarray:
    """Rank ascending, ties share the lowest rank, 1 = worst: `1 + #(ref < x)`."""
    r = np.sort(_finite(ref))
    out = np.searchsorted(r, x, side="left").astype(np.float64) + 1.0
    out[np.isnan(x)] = np.nan
    return out


@NORMALISERS.register("percentile", PercentileSpec, needs_spread=True)
def percentile(x: np.ndarray, ref: np.ndarray, p: PercentileSpec) -> np.ndarray:
    """Percentile rank: `100 · #(ref < x) / (n − 1)`."""
    r = np.sort(_finite(ref))
    out = np.searchsorted(r, x, side="left").astype(np.float64) * 100.0 / (len(r) - 1)
    out[np.isnan(x)] = np.nan
    return out


@NORMALISERS.register("ratio", RatioSpec)
def ratio(x: np.ndarray, ref: np.ndarray, p: RatioSpec) -> np.ndarray:
    """Ratio to a reference: `100 + 100 · (x − ref) / |ref|`.

    For direction 1 and a positive reference this is `100 · x / ref`; for direction
    −1 it is `200 − 100 · raw / ref`, so lower raw values score higher. `ref` is the
    mean of the scope or the reference unit's value(s).
    """
    reference = float(np.mean(_finite(ref)))
    return 100.0 + 100.0 * (x - reference) / abs(reference)


def _oriented(p: Any, direction: int) -> Any:
    """Orient method parameters expressed in raw units (targets, goalposts)."""
    if direction == 1:
        return p
    if isinstance(p, TargetSpec):
        return p.model_copy(update={"target": direction * p.target})
    if isinstance(p, GoalpostsSpec):
        return p.model_copy(update={"worst": -p.worst, "best": -p.best})
    return p


def _scope_problem(
    method: str, needs_spread: bool, ref: np.ndarray, p: Any
) -> str | None:
    """Why a scope's reference values cannot feed `method` (None when they can)."""
    if method == "goalposts":
        return None  # fixed goalposts need no statistics
    r = _finite(ref)
    if r.size == 0:
        return "no reference values in scope"
    if method == "ratio":
        return "the reference value is 0" if r.mean() == 0 else None
    if needs_spread and r.max() == r.min():
        return f"constant (every value is {r[0]:g})"
    if method == "target" and p.target <= r.min():
        return f"the target is not above the scope minimum {r.min():g}"
    return None


def normalise_values(
    values: np.ndarray,
    spec: IndexSpec,
    units: list[str],
    periods: list[Any],
    log: IssueLog,
) -> np.ndarray:
    """Normalise every indicator of `values[unit, period, indicator]`.

    Returns an array of the same shape. Constant indicators become missing in the
    scope where they are constant, with a warning naming them.
    """
    out = np.full_like(values, np.nan)
    reported: set[str] = set()  # a bad default is one problem, not one per indicator
    for i, ind in enumerate(spec.indicators):
        params = spec.normalise_for(ind)
        method = NORMALISERS.get(params.method)
        x = values[:, :, i] * ind.direction
        p = _oriented(params, ind.direction)
        own = ind.normalise.model_fields_set if ind.normalise is not None else set()

        def where(key: str, i: int = i, own: set[str] = own) -> str:
            return (
                f"indicators[{i}].normalise.{key}"
                if key in own
                else f"defaults.normalise.{key}"
            )

        for cols, ref, label in _scopes(x, p, units, periods, where, reported, log):
            problem = _scope_problem(p.method, method.needs_spread, ref, p)
            if problem is not None:
                if _finite(x[:, cols]).size:
                    log.warn(
                        f"indicator '{ind.id}'",
                        f"cannot be normalised {label}: {problem}; it is left missing",
                        "check the data, or use a fixed method such as goalposts",
                        "constant-indicator",
                    )
                continue
            with np.errstate(invalid="ignore", divide="ignore"):
                out[:, cols, i] = method.fn(x[:, cols], ref, p)
    return out


def _scopes(
    x: np.ndarray,
    p: Any,
    units: list[str],
    periods: list[Any],
    where: Callable[[str], str],
    reported: set[str],
    log: IssueLog,
) -> list[tuple[Any, np.ndarray, str]]:
    """Return (period selector, reference values, label) per scope block."""
    unit_ref: int | None = None
    if isinstance(p, RatioSpec) and p.reference != "mean":
        if p.reference not in units:
            _error_once(
                log,
                reported,
                where("reference"),
                f"reference unit '{p.reference}' has no data",
                "use `mean` or the id of a unit in the data",
                "unknown-unit",
            )
            return []
        unit_ref = units.index(p.reference)

    def ref_of(block: np.ndarray) -> np.ndarray:
        return (block[unit_ref] if unit_ref is not None else block).ravel()

    if p.scope == "panel":
        return [(slice(None), ref_of(x), "over the panel")]
    if p.scope == "period":
        return [
            ([j], ref_of(x[:, [j]]), f"in period {period!r}")
            for j, period in enumerate(periods)
        ]
    if p.base_period not in periods:
        _error_once(
            log,
            reported,
            where("base_period"),
            f"base period {p.base_period!r} is not among the periods {periods}",
            "set base_period to a period with data",
            "bad-base-period",
        )
        return []
    b = periods.index(p.base_period)
    return [(slice(None), ref_of(x[:, [b]]), f"in base period {p.base_period!r}")]


def _error_once(
    log: IssueLog, reported: set[str], where: str, message: str, hint: str, code: str
) -> None:
    """Log an error for a spec key unless that key was already reported."""
    if where not in reported:
        reported.add(where)
        log.error(where, message, hint, code)
