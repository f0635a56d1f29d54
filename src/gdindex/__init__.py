"""gdindex: composite digital-economy indices from a YAML spec and tables.

    import gdindex
    spec = gdindex.load_spec("specs/guangdong.yaml")
    result = gdindex.compute(spec)
    result.scores        # unit, period, node, kind, depth, score, rank, …

Heavy modules (polars, numpy, pydantic) are imported on first use, so that
`gdindex --version` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Comparison",
    "DataCheck",
    "DataError",
    "GdindexError",
    "IndexResult",
    "IndexSpec",
    "Issue",
    "SensitivityResult",
    "SpecError",
    "Weighting",
    "__version__",
    "check_data",
    "compare",
    "compute",
    "derive_weights",
    "init_project",
    "load_spec",
    "sensitivity",
    "spec_json_schema",
    "validate",
    "write_outputs",
]

_LAZY = {
    "check_data": "gdindex.datacheck",
    "DataCheck": "gdindex.datacheck",
    "compare": "gdindex.comparison",
    "Comparison": "gdindex.comparison",
    "compute": "gdindex.pipeline",
    "derive_weights": "gdindex.weights",
    "init_project": "gdindex.scaffold",
    "Weighting": "gdindex.weights",
    "IndexResult": "gdindex.pipeline",
    "load_spec": "gdindex.spec",
    "sensitivity": "gdindex.analysis.sensitivity",
    "SensitivityResult": "gdindex.analysis.sensitivity",
    "IndexSpec": "gdindex.spec",
    "spec_json_schema": "gdindex.spec",
    "validate": "gdindex.checks",
    "write_outputs": "gdindex.export",
    "GdindexError": "gdindex.errors",
    "SpecError": "gdindex.errors",
    "DataError": "gdindex.errors",
    "Issue": "gdindex.errors",
}

if TYPE_CHECKING:
    from gdindex.analysis.sensitivity import SensitivityResult, sensitivity
    from gdindex.checks import validate
    from gdindex.comparison import Comparison, compare
    from gdindex.datacheck import DataCheck, check_data
    from gdindex.errors import DataError, GdindexError, Issue, SpecError
    from gdindex.export import write_outputs
    from gdindex.pipeline import IndexResult, compute
    from gdindex.scaffold import init_project
    from gdindex.spec import IndexSpec, load_spec, spec_json_schema
    from gdindex.weights import Weighting, derive_weights


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gdindex' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
