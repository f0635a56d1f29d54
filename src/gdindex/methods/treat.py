"""Outlier treatment (DESIGN §4.1): parameter models, skewness/kurtosis, winsorising.

`winsorise` works on one column (one indicator, one period or the pooled panel) in
raw units; the pipeline's preparation stage chooses the columns and flags the cells.
"""

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from gdindex.methods.params import Model


class NoTreatSpec(Model):
    """Leave outliers as they are."""

    method: Literal["none"] = "none"


class WinsoriseSpec(Model):
    """Winsorise while `|skew| ≥ skew` and `kurt ≥ kurt`, at most `winmax` points;
    if the indicator still fails, `log(x − min + 0.01·(max − min))` instead."""

    method: Literal["winsorise"] = "winsorise"
    winmax: int = Field(5, ge=1, description="Most points winsorised per column")
    skew: float = Field(2.0, gt=0, description="Threshold of |skewness| (G1)")
    kurt: float = Field(3.5, description="Threshold of excess kurtosis (G2)")
    fallback: Literal["log", "none"] = Field(
        "log", description="What to do when winsorising is not enough"
    )
    scope: Literal["period", "panel"] = Field(
        "period",
        description="Treat each period's column alone (`period`) or all periods "
        "pooled (`panel`)",
    )


class LogTreatSpec(Model):
    """`ln(x)`; every value must be positive."""

    method: Literal["log"] = "log"


TreatSpec = Annotated[
    NoTreatSpec | WinsoriseSpec | LogTreatSpec, Field(discriminator="method")
]


# --- Statistics --- #


def skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Bias-corrected sample skewness G1 and excess kurtosis G2 of the non-missing x.

    `G1 = sqrt(n(n−1))/(n−2) · m3/m2^1.5`,
    `G2 = (n−1)/((n−2)(n−3)) · ((n+1)·(m4/m2² − 3) + 6)` with central moments
    `m_k = Σ(x − mean)^k / n`. NaN when n < 3 (G1), n < 4 (G2) or x is constant.
    """
    v = x[~np.isnan(x)]
    n = v.size
    if n < 3:
        return float("nan"), float("nan")
    d = v - v.mean()
    s = float(np.sqrt(np.mean(d * d)))
    if not s > 0.0 or not np.isfinite(s):
        return float("nan"), float("nan")
    z = d / s  # standardised first: the moments of tiny spreads do not underflow
    z2 = z * z  # products, not z**3 / z**4: NumPy's general pow is 100× slower
    m3 = float(np.mean(z2 * z))
    g1 = np.sqrt(n * (n - 1)) / (n - 2) * m3
    if n < 4:
        return float(g1), float("nan")
    m4 = float(np.mean(z2 * z2))
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * (m4 - 3.0) + 6.0)
    return float(g1), float(g2)


def passes(x: np.ndarray, skew: float = 2.0, kurt: float = 3.5) -> bool:
    """The outlier test of §4.1: `|G1| < skew` or `G2 < kurt`.

    A column whose statistics cannot be computed (too few values, constant) passes.
    """
    return _passes(*skew_kurt(x), skew, kurt)


def _passes(g1: float, g2: float, skew: float, kurt: float) -> bool:
    if np.isnan(g1) or np.isnan(g2):
        return True
    return bool(abs(g1) < skew or g2 < kurt)


# --- The steps --- #


def winsorise(x: np.ndarray, p: WinsoriseSpec) -> tuple[np.ndarray, np.ndarray, str]:
    """Winsorise one column by the skew/kurtosis rule, falling back to the log.

    While the column fails `passes` and fewer than `winmax` points are treated: when
    G1 ≥ 0 every value equal to the maximum becomes the largest value below it, else
    the same at the minimum. If it still fails, the original column becomes
    `ln(x − min + 0.01·(max − min))` (with `fallback: log`).

    Returns the new column, the mask of treated cells and `"winsorised"`, `"log"` or
    `""` (untouched).
    """
    treated = np.zeros(x.shape, dtype=bool)
    g1, g2 = skew_kurt(x)
    if _passes(g1, g2, p.skew, p.kurt):
        return x, treated, ""
    out = x.copy()
    observed = ~np.isnan(out)
    ok = False
    while int(treated.sum()) < p.winmax:
        edge = np.nanmax(out) if g1 >= 0 else np.nanmin(out)
        at = observed & (out == edge)
        rest = out[observed & ~at]
        if rest.size == 0:
            break
        out[at] = rest.max() if g1 >= 0 else rest.min()
        treated |= at
        g1, g2 = skew_kurt(out)
        if _passes(g1, g2, p.skew, p.kurt):
            ok = True
            break
    if ok or p.fallback == "none":
        return out, treated, "winsorised"
    lo, hi = float(np.nanmin(x)), float(np.nanmax(x))
    return np.log(x - lo + 0.01 * (hi - lo)), observed, "log"
