"""`compare_results`: two results lined up by hand."""

from __future__ import annotations

from pathlib import Path

import gdindex
from gdindex.analysis.compare import compare
from gdindex.analysis.comparison import (
    compare_results,
)
from tests.compare_helpers import prepared_project


def test_shared_data_gives_the_independent_result(tmp_path: Path) -> None:
    a, b = (gdindex.load_spec(p) for p in prepared_project(tmp_path))

    cmp = compare(a, b)
    alone = compare_results(
        gdindex.compute(a), gdindex.compute(b), labels=(cmp.label_a, cmp.label_b)
    )

    assert cmp.to_dict() == alone.to_dict()
    assert cmp.summary["units_moved"] > 0 or cmp.summary["mean_abs_score_change"] > 0
