"""`compare_results`: two results lined up by hand."""

from __future__ import annotations

from pathlib import Path

import gdindex
from gdindex.analysis.compare import compare
from gdindex.analysis.comparison import (
    compare_results,
)
from tests.conftest import (
    SPEC_YAML,
    write_project,
)


def prepared_project(root: Path) -> tuple[Path, Path]:
    """The tiny project with mean imputation (B's i3 in 2021 is missing) and a
    variant B with other pillar weights and z-scores."""
    text = SPEC_YAML.replace(
        "indicators:\n", "defaults:\n  impute: {method: mean}\nindicators:\n"
    )
    a = write_project(root, text)
    b = root / "b.yaml"
    b.write_text(
        text.replace("weight: 2", "weight: 0.5").replace(
            "defaults:\n", "defaults:\n  normalise: {method: zscore}\n"
        ),
        encoding="utf-8",
    )
    return a, b


def test_shared_data_gives_the_independent_result(tmp_path: Path) -> None:
    a, b = (gdindex.load_spec(p) for p in prepared_project(tmp_path))

    cmp = compare(a, b)
    alone = compare_results(
        gdindex.compute(a), gdindex.compute(b), labels=(cmp.label_a, cmp.label_b)
    )

    assert cmp.to_dict() == alone.to_dict()
    assert cmp.summary["units_moved"] > 0 or cmp.summary["mean_abs_score_change"] > 0
