"""Method registries: lookup, suggestions, registration rules."""

from __future__ import annotations

import pytest

from gdindex.errors import MethodError
from gdindex.methods.aggregate import AGGREGATORS
from gdindex.methods.normalise import NORMALISERS
from gdindex.methods.registry import Registry
from gdindex.methods.weighting import WEIGHTS
from gdindex.spec import MinMaxSpec


def test_registries_hold_the_contract_methods() -> None:
    assert NORMALISERS.names() == [
        "minmax",
        "zscore",
        "target",
        "goalposts",
        "rank",
        "percentile",
        "ratio",
        "vector",
    ]
    assert AGGREGATORS.names() == [
        "arithmetic",
        "geometric",
        "harmonic",
        "power_mean",
        "topsis",
    ]
    assert WEIGHTS.names() == [
        "explicit",
        "equal",
        "entropy",
        "cv",
        "critic",
        "sd",
        "pca",
        "ahp",
    ]


def test_unknown_method_suggests_closest() -> None:
    with pytest.raises(MethodError, match="did you mean 'zscore'"):
        NORMALISERS.get("zscor")


def test_double_registration_is_refused() -> None:
    registry: Registry = Registry("test")
    registry.register("a", MinMaxSpec)(lambda: None)

    with pytest.raises(ValueError, match="registered twice"):
        registry.register("a", MinMaxSpec)(lambda: None)


def test_method_summary_is_the_formula_line() -> None:
    assert NORMALISERS.get("minmax").summary.startswith("Min-max: `(x − min)")
    assert "minmax" in NORMALISERS and "nope" not in NORMALISERS
