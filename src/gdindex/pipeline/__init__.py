"""The pipeline layer: applies the spec's methods to a dataset in the fixed stage order.

load → check → denominate → impute → screen → treat → normalise → weight → aggregate
→ rank → growth; `compute()` returns an `IndexResult` holding every stage. Never prints.
"""

from gdindex.pipeline.gaps import GROWTH_CODES
from gdindex.pipeline.outputs import compute_outputs, write_outputs
from gdindex.pipeline.result import STAGES, IndexResult, NodeInfo
from gdindex.pipeline.stages import (
    compute,
    denominators_of,
    groups_of,
    prepare_dataset,
)

__all__ = [
    "GROWTH_CODES",
    "STAGES",
    "IndexResult",
    "NodeInfo",
    "compute",
    "compute_outputs",
    "denominators_of",
    "groups_of",
    "prepare_dataset",
    "write_outputs",
]
