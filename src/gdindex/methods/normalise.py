"""Normalisers (DESIGN §4.2): put indicators on a common scale.

Each method is a pure function `fn(x, ref, params)` on NumPy arrays, registered with
its parameter model: `x` are the values to transform (direction already applied,
`x = d · raw`), `ref` the values of the scope that feed the statistics. The pipeline
(`gdindex.pipeline.normalise`) chooses the scope and applies the direction.
"""

import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, field_validator, model_validator

from gdindex.errors import Bilingual, LocalisedValueError
from gdindex.methods.correlation import count_below, tied
from gdindex.methods.params import Scoped
from gdindex.methods.registry import Registry


class _NormaliseBase(Scoped):
    pass


class MinMaxSpec(_NormaliseBase):
    """`(x − min) / (max − min) · (hi − lo) + lo`."""

    method: Literal["minmax"] = "minmax"
    range: tuple[float, float] = Field((0.0, 100.0), description="[lo, hi]")

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise LocalisedValueError(
                f"range must be [lo, hi] with lo < hi, found {list(value)}",
                f"range 须为 [lo, hi] 且 lo < hi，实际为 {list(value)}",
            )
        return value


class ZScoreSpec(_NormaliseBase):
    """`(x − mean(x)) / sd(x) · sd' + mean'` (sample sd)."""

    method: Literal["zscore"] = "zscore"
    mean: float = Field(0.0, description="Mean of the output")
    sd: float = Field(1.0, gt=0, description="Standard deviation of the output")


class TargetSpec(_NormaliseBase):
    """`(x − min) / (T' − min) · 100`, `T' = direction · T`, capped at 100."""

    method: Literal["target"] = "target"
    target: float = Field(description="Target in the indicator's raw units")
    cap: bool = Field(True, description="Cap scores at 100 once the target is met")


class GoalpostsSpec(_NormaliseBase):
    """`(raw − W) / (B − W) · 100`, clipped to [0, 100]."""

    method: Literal["goalposts"] = "goalposts"
    worst: float = Field(description="Raw value scoring 0")
    best: float = Field(description="Raw value scoring 100")
    clip: bool = Field(True, description="Clip scores to [0, 100]")

    @model_validator(mode="after")
    def _distinct(self) -> "GoalpostsSpec":
        if self.worst == self.best:
            raise LocalisedValueError(
                f"worst and best must differ, both are {self.worst}",
                f"worst 与 best 不能相同，现均为 {self.worst}",
            )
        return self


class RankSpec(_NormaliseBase):
    """Rank of x, ascending, ties share the lowest rank, 1 = worst."""

    method: Literal["rank"] = "rank"


class PercentileSpec(_NormaliseBase):
    """`100 · (number of units with a lower x) / (n − 1)`."""

    method: Literal["percentile"] = "percentile"


def _as_text(value: Any) -> Any:
    """Unit ids are text, even when YAML reads 440100 as a number."""
    return (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    )


class RatioSpec(_NormaliseBase):
    """`100 · x / reference` (direction 1)."""

    method: Literal["ratio"] = "ratio"
    reference: Annotated[str, BeforeValidator(_as_text)] = Field(
        "mean", description="`mean` of the scope, or a unit id whose value is 100"
    )


class VectorSpec(_NormaliseBase):
    """`x / √(Σ x²) · 100` over the scope (vector normalisation, classical TOPSIS)."""

    method: Literal["vector"] = "vector"


NormaliseSpec = Annotated[
    MinMaxSpec
    | ZScoreSpec
    | TargetSpec
    | GoalpostsSpec
    | RankSpec
    | PercentileSpec
    | RatioSpec
    | VectorSpec,
    Field(discriminator="method"),
]

#: The parameter models of the normalisers, in the order of `NormaliseSpec`.
NORMALISE_MODELS: tuple[type[_NormaliseBase], ...] = (
    MinMaxSpec,
    ZScoreSpec,
    TargetSpec,
    GoalpostsSpec,
    RankSpec,
    PercentileSpec,
    RatioSpec,
    VectorSpec,
)


NormaliserFn = Callable[[np.ndarray, np.ndarray, Any], np.ndarray]
NORMALISERS: Registry[NormaliserFn] = Registry("normalisation", "标准化")


def _finite(ref: np.ndarray) -> np.ndarray:
    return ref[~np.isnan(ref)]


@NORMALISERS.register("minmax", MinMaxSpec, needs_spread=True)
def minmax(x: np.ndarray, ref: np.ndarray, p: MinMaxSpec) -> np.ndarray:
    """Min-max: `(x − min) / (max − min) · (hi − lo) + lo`."""
    r = _finite(ref)
    lo, hi = p.range
    k = _scale(r)  # scaled: max − min of ±1e308 would overflow
    low = r.min() / k
    return (x / k - low) / (r.max() / k - low) * (hi - lo) + lo


@NORMALISERS.register("zscore", ZScoreSpec, needs_spread=True)
def zscore(x: np.ndarray, ref: np.ndarray, p: ZScoreSpec) -> np.ndarray:
    """Z-score: `(x − mean(x)) / sd(x) · sd' + mean'` with the sample sd (n − 1)."""
    k = _scale(_finite(ref))  # scaled: the squares of 1e200 would overflow
    r = _finite(ref) / k
    return (x / k - r.mean()) / r.std(ddof=1) * p.sd + p.mean


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
    """Rank ascending, ties share the lowest rank, 1 = worst: `1 + #(ref < x)`.

    Values within 1e-9 of each other relative to the largest |value| of the
    reference are ties (`correlation.tied`): 0.0 and 0.1 + 0.2 − 0.3 share a rank.
    """
    r = np.sort(_finite(ref))
    out = count_below(r, x) + 1.0
    out[np.isnan(x)] = np.nan
    return out


@NORMALISERS.register("percentile", PercentileSpec, needs_spread=True)
def percentile(x: np.ndarray, ref: np.ndarray, p: PercentileSpec) -> np.ndarray:
    """Percentile rank: `100 · #(ref < x) / (n − 1)`; ties as in `rank`."""
    r = np.sort(_finite(ref))
    out = count_below(r, x) * 100.0 / (len(r) - 1)
    out[np.isnan(x)] = np.nan
    return out


@NORMALISERS.register("ratio", RatioSpec)
def ratio(x: np.ndarray, ref: np.ndarray, p: RatioSpec) -> np.ndarray:
    """Ratio to a reference: `100 + 100 · (x − ref) / |ref|`.

    For direction 1 and a positive reference this is `100 · x / ref`; for direction
    −1 it is `200 − 100 · raw / ref`, so lower raw values score higher. `ref` is the
    mean of the scope or the reference unit's value(s).
    """
    r = _finite(ref)
    k = _scale(r)  # scaled, so that values near the float limit do not overflow
    reference = float(np.mean(r / k)) * k
    if k == 1.0:
        return 100.0 + 100.0 * (x - reference) / abs(reference)
    return 100.0 + 100.0 * (x / abs(reference) - np.sign(reference))


def _scale(r: np.ndarray) -> float:
    """1 for ordinary values; for values beyond 1e150 a power of two near the
    largest |value|, so that statistics of `r / scale` (squares, sums, spans)
    cannot overflow, however close the values come to the float limit. A power of
    two divides exactly, and ordinary data are not touched at all."""
    big = float(np.max(np.abs(r))) if r.size else 1.0
    if not (1e150 < big < np.inf):
        return 1.0
    return math.ldexp(1.0, math.frexp(big)[1] - 1)  # ≤ 2**1023: |r / it| < 2


@NORMALISERS.register("vector", VectorSpec)
def vector(x: np.ndarray, ref: np.ndarray, p: VectorSpec) -> np.ndarray:
    """Vector normalisation: `x / √(Σ ref²) · 100`.

    With direction −1, `x = −raw`, so every score is ≤ 0 and the smallest raw value
    scores highest: the cost criterion of the textbook TOPSIS (Hwang & Yoon 1981),
    whose distances to the ideal points are the same as on `raw / √(Σ raw²)`.
    """
    r = _finite(ref)
    return x / np.sqrt(np.sum(r * r)) * 100.0


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
) -> Bilingual | None:
    """Why a scope's reference values cannot feed `method` (None when they can)."""
    if method == "goalposts":
        return None  # fixed goalposts need no statistics
    r = _finite(ref)
    if r.size == 0:
        return Bilingual("no reference values in scope", "范围内没有参照值")
    if method == "ratio":
        if (r / _scale(r)).mean() == 0:
            return Bilingual("the reference value is 0", "参照值为 0")
        return None
    if method == "vector":
        if not np.any(r):
            return Bilingual("every value is 0", "所有数值均为 0")
        return None
    if needs_spread and tied(r.max(), r.min()):  # constant up to float noise
        return Bilingual(
            f"constant (every value is {r[0]:g})", f"为常数（所有数值均为 {r[0]:g}）"
        )
    if method == "target" and p.target <= r.min():
        return Bilingual(
            f"the target is not above the scope minimum {r.min():g}",
            f"目标值不高于范围内的最小值 {r.min():g}",
        )
    return None
