"""Weights (DESIGN §4.4): sibling weights of every node and effective weights.

`explicit` uses the tree's `weight` values rescaled to sum to 1 among siblings;
`equal` gives each of m children `1/m`. The effective weight of a node is the product
of the rescaled weights along its path from the root, so effective weights of the
indicators sum to 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from gdindex.registry import Registry
from gdindex.spec import EqualWeightsSpec, ExplicitWeightsSpec, IndexSpec, NodeSpec

WeightsFn = Callable[[np.ndarray], np.ndarray]
WEIGHTS: Registry[WeightsFn] = Registry("weighting")


@WEIGHTS.register("explicit", ExplicitWeightsSpec)
def explicit(nominal: np.ndarray) -> np.ndarray:
    """The tree's weights rescaled to sum to 1: `w_i / Σ w`."""
    return nominal / nominal.sum()


@WEIGHTS.register("equal", EqualWeightsSpec)
def equal(nominal: np.ndarray) -> np.ndarray:
    """Equal weights: `1/m`."""
    return np.full(len(nominal), 1.0 / len(nominal))


@dataclass(frozen=True)
class WeightRow:
    """One node's weights for `weights.csv`."""

    node: str
    parent: str | None
    nominal: float
    weight: float
    effective_weight: float
    method: str


def child_weights(spec: IndexSpec, node: NodeSpec) -> np.ndarray:
    """Rescaled weights of `node`'s children, in tree order."""
    nominal = np.array([c.weight for c in node.children or []], dtype=np.float64)
    return WEIGHTS.get(spec.weights_for(node).method).fn(nominal)


def weight_rows(spec: IndexSpec) -> list[WeightRow]:
    """Weights of every node in pre-order, the root first (weight 1)."""
    rows = [WeightRow(spec.tree.id, None, 1.0, 1.0, 1.0, "root")]
    rows.extend(_walk(spec, spec.tree, 1.0))
    return rows


def _walk(spec: IndexSpec, node: NodeSpec, effective: float) -> Iterator[WeightRow]:
    if node.is_leaf:
        return
    weights = child_weights(spec, node)
    method = spec.weights_for(node).method
    for child, w in zip(node.children or [], weights, strict=True):
        yield WeightRow(
            child.id, node.id, child.weight, float(w), effective * w, method
        )
        yield from _walk(spec, child, effective * float(w))
