"""Deriving the tree's weights without a full report: what `gdindex weights` runs.

Explicit, equal and AHP weights come from the spec alone; data-driven ones from a
computation of the index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gdindex.errors import Bilingual, Issue, IssueLog, SpecError
from gdindex.pipeline.tree_weights import Weighting, needs_data, spec_weights
from gdindex.spec import IndexSpec

if TYPE_CHECKING:
    import polars as pl


def _about_weights(issue: Issue) -> bool:
    return issue.where.startswith(("tree", "defaults.weights"))


def derive_weights(
    spec: IndexSpec | str | Path,
    data: pl.DataFrame | Sequence[pl.DataFrame] | None = None,
    overrides: Sequence[str] = (),
) -> Weighting:
    """The weights of every node of `spec`, and how they were derived.

    Explicit, equal and AHP weights come from the spec alone, so no data is read;
    when a node uses a data-driven method the index is computed and its weights
    are taken from the result (`IndexResult.weighting`).

    Raises:
        SpecError: the spec is invalid (a bad AHP matrix is a spec error).
        DataError: the data cannot be read, or a method cannot use them.
    """
    from gdindex.spec import check_spec, load_spec

    if not isinstance(spec, IndexSpec):
        spec = load_spec(spec, overrides)
    if needs_data(spec):
        from gdindex.pipeline.stages import compute

        result = compute(spec, data)
        assert result.weighting is not None
        found = result.weighting
        found.issues = [i for i in result.issues if _about_weights(i)]
        return found
    log = IssueLog([i for i in check_spec(spec) if i.severity == "warning"])
    nodes = spec_weights(spec, log)
    log.raise_if_errors(SpecError, "cannot derive the weights", "无法推导权重")
    return Weighting(
        spec,
        nodes,
        from_data=False,
        issues=[i for i in log.issues if _about_weights(i)],
    )


def write_weights(found: Weighting, out_dir: str | Path) -> list[Path]:
    """Write `weights.csv` (the contract columns) and `weights.json` (the full
    derivation) into `out_dir`, atomically."""
    from gdindex.io import write_frame, write_set

    frame = found.frame()
    text = found.to_json(indent=2) + "\n"

    def write_json(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    out = Path(out_dir)
    writers: dict[str, Callable[[Path], None]] = {
        "weights.csv": lambda path: write_frame(frame, path, "csv"),
        "weights.json": write_json,
    }
    return write_set(
        out, writers, Bilingual(f"the weights to {out}", f"权重文件（{out}）")
    )
