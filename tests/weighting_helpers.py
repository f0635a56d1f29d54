"""Helpers shared by the tests of weighting."""

from __future__ import annotations

import math

from hypothesis import settings

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)


def power_iteration(R: list[list[float]], steps: int = 500) -> list[float]:
    v = [1.0] * len(R)
    for _ in range(steps):
        u = [sum(R[i][k] * v[k] for k in range(len(v))) for i in range(len(v))]
        norm = math.sqrt(sum(x * x for x in u))
        v = [x / norm for x in u]
    return v
