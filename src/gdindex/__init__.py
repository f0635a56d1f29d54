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

from gdindex.version import __version__

__all__ = [
    "AuditResult",
    "Comparison",
    "DataCheck",
    "DataError",
    "Explanation",
    "GdindexError",
    "IndexResult",
    "IndexSpec",
    "Issue",
    "SensitivityResult",
    "SpecError",
    "Weighting",
    "__version__",
    "audit",
    "check_data",
    "compare",
    "compute",
    "derive_weights",
    "explain",
    "init_project",
    "load_spec",
    "sensitivity",
    "spec_json_schema",
    "validate",
    "write_audit",
    "write_check",
    "write_comparison",
    "write_outputs",
    "write_report",
    "write_weights",
]

_LAZY = {
    "check_data": "gdindex.analysis.datacheck",
    "DataCheck": "gdindex.analysis.datacheck",
    "compare": "gdindex.analysis.compare",
    "Comparison": "gdindex.analysis.comparison",
    "audit": "gdindex.analysis.audit",
    "AuditResult": "gdindex.analysis.audit",
    "explain": "gdindex.analysis.explain",
    "Explanation": "gdindex.analysis.explain",
    "compute": "gdindex.pipeline",
    "derive_weights": "gdindex.analysis.derivation",
    "init_project": "gdindex.io.scaffold",
    "Weighting": "gdindex.pipeline.tree_weights",
    "IndexResult": "gdindex.pipeline",
    "load_spec": "gdindex.spec",
    "sensitivity": "gdindex.analysis.sensitivity",
    "SensitivityResult": "gdindex.analysis.sensitivity",
    "IndexSpec": "gdindex.spec",
    "spec_json_schema": "gdindex.spec",
    "validate": "gdindex.analysis.validate",
    "write_outputs": "gdindex.pipeline.outputs",
    "write_check": "gdindex.analysis.datacheck",
    "write_comparison": "gdindex.analysis.compare",
    "write_weights": "gdindex.analysis.derivation",
    "write_audit": "gdindex.analysis.audit",
    "write_report": "gdindex.report.publish",
    "GdindexError": "gdindex.errors",
    "SpecError": "gdindex.errors",
    "DataError": "gdindex.errors",
    "Issue": "gdindex.errors",
}

if TYPE_CHECKING:
    from gdindex.analysis.audit import AuditResult, audit, write_audit
    from gdindex.analysis.compare import compare, write_comparison
    from gdindex.analysis.comparison import Comparison
    from gdindex.analysis.datacheck import DataCheck, check_data, write_check
    from gdindex.analysis.derivation import derive_weights, write_weights
    from gdindex.analysis.explain import Explanation, explain
    from gdindex.analysis.sensitivity import SensitivityResult, sensitivity
    from gdindex.analysis.validate import validate
    from gdindex.errors import DataError, GdindexError, Issue, SpecError
    from gdindex.io.scaffold import init_project
    from gdindex.pipeline import IndexResult, compute
    from gdindex.pipeline.outputs import write_outputs
    from gdindex.pipeline.tree_weights import Weighting
    from gdindex.report.publish import write_report
    from gdindex.spec import IndexSpec, load_spec, spec_json_schema


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gdindex' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
