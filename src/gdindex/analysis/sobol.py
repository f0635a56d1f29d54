"""Sobol' sensitivity indices from a Saltelli design, vectorised over outputs.

The estimators are SALib's (`SALib.analyze.sobol`, no second order), written for many
outputs at once (one column per unit) and without warnings:

- outputs are standardised, `y = (Y − mean) / sd` (population sd), as SALib does;
- first order (Saltelli et al. 2010, eq. (b)): `S1_j = mean(B · (AB_j − A)) / V`;
- total effect (Jansen 1999): `ST_j = ½ · mean((A − AB_j)²) / V`;

with `V` the population variance of `[A; B]`, and `A`, `B`, `AB_j` the rows of the
design in SALib's order (per base sample: A, AB_1 … AB_d, B; Saltelli 2002). The
intervals are quantiles of the estimates over `bootstrap` resamples of the base
samples, drawn as SALib draws them (`numpy.random.default_rng(seed).integers(N,
size=(N, bootstrap))`), so `S1_q05`, `S1_q95` are the 5 % and 95 % quantiles of
SALib's `S1_conf_all` (`keep_resamples=True`). A constant output gives 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_EPS = float(np.finfo(float).eps)


@dataclass(frozen=True)
class SobolIndices:
    """Indices per input (`[input]`, or `[input, output]` for several outputs).

    Attributes:
        S1, ST: first-order and total-effect indices.
        S1_boot, ST_boot: the bootstrap estimates `[resample, input(, output)]`
            (empty when `bootstrap` is 0).
    """

    S1: np.ndarray
    ST: np.ndarray
    S1_boot: np.ndarray
    ST_boot: np.ndarray

    def quantiles(self, q: float) -> tuple[np.ndarray, np.ndarray]:
        """The `q` quantile of the bootstrap estimates of S1 and ST (NaN without
        resamples)."""
        if self.S1_boot.shape[0] == 0:
            nan = np.full(self.S1.shape, np.nan)
            return nan, nan
        return (
            np.quantile(self.S1_boot, q, axis=0),
            np.quantile(self.ST_boot, q, axis=0),
        )


def split(Y: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`A [N, …]`, `B [N, …]`, `AB [N, d, …]` from outputs in Saltelli order."""
    step = d + 2
    if Y.shape[0] % step:
        raise ValueError(f"{Y.shape[0]} outputs are not a multiple of d + 2 = {step}")
    blocks = Y.reshape(Y.shape[0] // step, step, *Y.shape[1:])
    return blocks[:, 0], blocks[:, -1], blocks[:, 1:-1]


def _first(A: np.ndarray, AB: np.ndarray, B: np.ndarray, V: np.ndarray) -> np.ndarray:
    num = np.mean(B[:, None] * (AB - A[:, None]), axis=0)
    return np.divide(num, V, out=np.zeros_like(num), where=V > _EPS)


def _total(A: np.ndarray, AB: np.ndarray, V: np.ndarray) -> np.ndarray:
    num = 0.5 * np.mean((A[:, None] - AB) ** 2, axis=0)
    return np.divide(num, V, out=np.zeros_like(num), where=V > _EPS)


def _indices(
    A: np.ndarray, B: np.ndarray, AB: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    y = np.concatenate([A, B], axis=0)
    V = np.var(y, axis=0)
    const = np.ptp(y, axis=0) <= _EPS
    S1, ST = _first(A, AB, B, V[None]), _total(A, AB, V[None])
    return np.where(const[None], 0.0, S1), np.where(const[None], 0.0, ST)


def sobol_indices(
    Y: np.ndarray, d: int, bootstrap: int = 100, seed: int = 1
) -> SobolIndices:
    """First-order and total-effect indices of `d` inputs.

    Args:
        Y: outputs `[N·(d + 2)]` or `[N·(d + 2), outputs]` in Saltelli order.
        d: number of inputs.
        bootstrap: resamples for the intervals (0: none).
        seed: seed of the resampling.

    Raises:
        ValueError: the number of outputs is not a multiple of d + 2.
    """
    Y = np.asarray(Y, dtype=np.float64)
    sd = Y.std(axis=0)
    Yn = np.divide(
        Y - Y.mean(axis=0), sd, out=np.zeros_like(Y), where=np.asarray(sd > 0)
    )
    A, B, AB = split(Yn, d)
    S1, ST = _indices(A, B, AB)
    N = A.shape[0]
    if bootstrap <= 0:
        empty = np.empty((0, *S1.shape))
        return SobolIndices(S1, ST, empty, empty)
    r = np.random.default_rng(seed).integers(N, size=(N, bootstrap))
    Ar, Br, ABr = A[r], B[r], AB[r]  # [N, resample, …]
    # SALib tests constancy over all resamples at once (np.ptp of the whole array)
    y = np.concatenate([Ar, Br], axis=0)
    V = np.var(y, axis=0)  # [resample, …]
    const = np.ptp(y.reshape(2 * N * bootstrap, -1), axis=0) <= _EPS
    S1b = _first(Ar, np.moveaxis(ABr, 2, 1), Br, V[None])  # [d, resample, …]
    STb = _total(Ar, np.moveaxis(ABr, 2, 1), V[None])
    shape = const.reshape((1, 1, *S1.shape[1:]))
    S1b = np.where(shape, 0.0, np.moveaxis(S1b, 0, 1))
    STb = np.where(shape, 0.0, np.moveaxis(STb, 0, 1))
    return SobolIndices(S1, ST, S1b, STb)
