"""The statistics `gdindex check` reports, and the values they are taken on.

Owns the column statistics (n, min, max, mean, sd, G1, G2, zeros) of a
`[observation, column]` array, the outlier rule of DESIGN §4.1 as `check` applies
it, and `prepared_view`: the values each preparation step leaves for the next
(denominated, imputed, screened), so that `check` audits what `compute` treats and
normalises, not only the raw cells. It never renders or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gdindex.errors import IssueLog
from gdindex.io import Dataset
from gdindex.pipeline.prepare import (
    DENOMINATED,
    IMPUTED,
    LOG,
    SCREENED,
    WINSORISED,
)
from gdindex.pipeline.stages import prepare_dataset
from gdindex.spec import IndexSpec, WinsoriseSpec

OUTLIER_SKEW = 2.0
"""Default |G1| threshold of the outlier rule (DESIGN §4.1) unless `treat:` sets it."""
OUTLIER_KURT = 3.5
"""Default G2 threshold of the outlier rule, unless `treat:` sets one."""


def column_stats(x: np.ndarray) -> dict[str, np.ndarray]:
    """Statistics of each column of a 2-D array (rows are observations), NaN ignored.

    With `n` present values and central moments `m_k = Σ(x − mean)^k / n`:

    - `sd = sqrt(Σ(x − mean)² / (n − 1))` (NaN when n < 2);
    - `skew`: bias-corrected sample skewness `G1 = sqrt(n(n−1))/(n−2) · m3/m2^1.5`
      (NaN when n < 3);
    - `kurt`: bias-corrected excess kurtosis
      `G2 = (n−1)/((n−2)(n−3)) · ((n+1)·(m4/m2² − 3) + 6)` (NaN when n < 4);
    - `zeros_share`: the share of the present values equal to 0.

    These are `prepare.skew_kurt`'s G1 and G2, for every column at once. A constant
    column (at least two values, max = min) has sd 0 and NaN skew and kurt.

    Returns:
        Arrays of one value per column: `n`, `min`, `max`, `mean`, `sd`, `skew`,
        `kurt`, `zeros_share`, `constant` (bool).
    """
    present = ~np.isnan(x)
    n = present.sum(axis=0)
    nf = n.astype(np.float64)
    lo = np.where(present, x, np.inf).min(axis=0)
    hi = np.where(present, x, -np.inf).max(axis=0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=0) / nf
        d = np.where(present, x - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0) / nf
        m3 = (d2 * d).sum(axis=0) / nf
        m4 = (d2 * d2).sum(axis=0) / nf
        constant = (n >= 2) & (lo == hi)
        spread = (m2 > 0) & ~constant
        sd = np.where(n >= 2, np.sqrt(m2 * nf / (nf - 1)), np.nan)
        sd = np.where(constant, 0.0, sd)
        g1 = np.sqrt(nf * (nf - 1)) / (nf - 2) * m3 / m2**1.5
        g2 = (nf - 1) / ((nf - 2) * (nf - 3)) * ((nf + 1) * (m4 / (m2 * m2) - 3) + 6)
        zeros = (x == 0).sum(axis=0) / nf
    skew = np.where(spread & (n >= 3), g1, np.nan)
    kurt = np.where(spread & (n >= 4), g2, np.nan)
    empty = n == 0
    return {
        "n": n,
        "min": np.where(empty, np.nan, lo),
        "max": np.where(empty, np.nan, hi),
        "mean": np.where(empty, np.nan, mean),
        "sd": sd,
        "skew": skew,
        "kurt": kurt,
        "zeros_share": np.where(empty, np.nan, zeros),
        "constant": constant,
    }


def fails_outlier_rule(
    skew: np.ndarray, kurt: np.ndarray, skew_max: Any, kurt_max: Any
) -> np.ndarray:
    """True where `prepare.passes` would be False: `|G1| ≥ skew_max` and
    `G2 ≥ kurt_max`. Columns whose G1 or G2 cannot be computed pass."""
    with np.errstate(invalid="ignore"):
        return (np.abs(skew) >= skew_max) & (kurt >= kurt_max)


def outlier_thresholds(spec: IndexSpec) -> tuple[np.ndarray, np.ndarray]:
    """The outlier rule's thresholds per indicator: its `treat: winsorise` ones or
    the defaults."""
    skew, kurt = [], []
    for ind in spec.indicators:
        treat = spec.treat_for(ind)
        if isinstance(treat, WinsoriseSpec):
            skew.append(treat.skew)
            kurt.append(treat.kurt)
        else:
            skew.append(OUTLIER_SKEW)
            kurt.append(OUTLIER_KURT)
    return np.array(skew), np.array(kurt)


@dataclass(frozen=True)
class PreparedView:
    """What the preparation of `compute` makes of the raw values, per indicator.

    Attributes:
        values: `[unit, period, indicator]` after denomination, imputation and the
            units screen: the values the outlier treatment (and, without one, the
            normaliser) sees.
        prepared_by: per indicator, the steps that changed its values before the
            treatment (`÷ population; imputed:group_mean`), or None when its values
            are the raw ones.
        treated: per indicator, the cells `compute` winsorises or logs.
        by_period: per indicator, True when its treatment runs on each period's
            column alone (`treat: {scope: period}`).
    """

    values: np.ndarray
    prepared_by: list[str | None]
    treated: np.ndarray
    by_period: np.ndarray


def prepared_view(spec: IndexSpec, ds: Dataset, log: IssueLog) -> PreparedView:
    """Run the preparation as `compute` does; its warnings and errors (zero or
    negative denominators, values that cannot be imputed, …) go to `log`."""
    prep = prepare_dataset(spec, ds, log)
    flags = prep.flags
    described: list[str | None] = []
    for i, ind in enumerate(spec.indicators):
        parts = []
        if (flags[:, :, i] & DENOMINATED).any():
            scale = f" × {ind.scale:g}" if ind.scale != 1 else ""
            parts.append(f"÷ {ind.denominator}{scale}")
        imputed = int(((flags[:, :, i] & IMPUTED) > 0).sum())
        if imputed:
            parts.append(f"imputed:{prep.impute_methods[i]} ({imputed})")
        screened = int(((flags[:, :, i] & SCREENED) > 0).sum())
        if screened:
            parts.append(f"screened ({screened})")
        described.append("; ".join(parts) or None)
    treated = ((flags & (WINSORISED | LOG)) > 0).sum(axis=(0, 1))
    by_period = np.array(
        [
            isinstance(t := spec.treat_for(ind), WinsoriseSpec) and t.scope == "period"
            for ind in spec.indicators
        ]
    )
    return PreparedView(prep.screened, described, treated, by_period)
