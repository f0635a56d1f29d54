"""What every task of a sensitivity analysis shares, and how the inputs are classified.

`Setup` is sent once to each worker (in process, or on Dask). The `set` inputs whose
choice changes the prepared or normalised values make a run's group
(`Setup.group_cols`); those that change only aggregation methods or weights are
aggregated within the group (`Setup.agg_cols`), unless weights are derived from the
data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdindex.analysis.sensitivity_design import InputInfo
from gdindex.errors import Bilingual, GdindexError
from gdindex.io import Dataset
from gdindex.pipeline.tree_weights import needs_data
from gdindex.spec import IndexSpec, load_spec


@dataclass
class Setup:
    """Everything a task needs (sent once to each worker).

    Attributes:
        spec: the nominal spec.
        base: its data (`spec.dump()`, file paths made absolute) for overrides.
        dataset: the nominal spec's data, reused by every group that reads the same.
        inputs: the uncertain inputs.
        target: the node studied; period: the index of the period studied.
        group_cols: inputs whose choice changes the prepared/normalised values.
        agg_cols: `set` inputs that change only aggregation methods or weights.
        data_driven: some weights are derived from the data (then every `set`
            input is in `group_cols` and weights come from `compute`).
    """

    spec: IndexSpec
    base: dict[str, Any]
    dataset: Dataset
    inputs: list[InputInfo]
    target: str
    period: int
    group_cols: list[int]
    agg_cols: list[int]
    data_driven: bool
    prepared: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    """Prepared and normalised values by the choices that make them (a few, in this
    process): groups that differ only in normalisation share one preparation, and
    the chunks of a group one normalisation."""


def make_setup(
    spec: IndexSpec, dataset: Dataset, inputs: list[InputInfo], target: str, period: int
) -> Setup:
    """Classify the inputs and freeze what the tasks share."""
    base = spec.dump()
    for table in base.get("data", []):
        table["file"] = str(spec.resolve(table["file"]).resolve())
    if "units" in base and "file" in base["units"]:
        base["units"]["file"] = str(spec.resolve(base["units"]["file"]).resolve())
    data_driven = needs_data(spec)
    agg_cols: list[int] = []
    group_cols: list[int] = []
    for j, inp in enumerate(inputs):
        if inp.kind != "set":
            continue
        if not data_driven and _aggregation_only(inp.path or ""):
            agg_cols.append(j)
        else:
            group_cols.append(j)
    if agg_cols and not data_driven:  # an alternative may switch to data weights
        for j in agg_cols:
            inp = inputs[j]
            for k in range(1, inp.count + 1):
                try:
                    alt = load_spec(base, [s for s in [inp.override(k)] if s])
                except GdindexError:
                    continue
                if needs_data(alt):
                    data_driven = True
        if data_driven:
            group_cols, agg_cols = sorted(group_cols + agg_cols), []
    return Setup(
        spec, base, dataset, inputs, target, period, group_cols, agg_cols, data_driven
    )


def _aggregation_only(path: str) -> bool:
    """Whether a `--set` path changes only aggregation or weights."""
    parts = path.replace("[", ".").replace("]", "").split(".")
    if parts[0] == "defaults":
        return len(parts) > 1 and parts[1] in ("aggregate", "weights")
    if parts[0] == "tree":
        return any(p in ("aggregate", "weights", "weight") for p in parts[1:])
    return False


def _reason(exc: GdindexError) -> Bilingual:
    """Why a run failed: its first issues (or the error), in both languages."""
    issues = getattr(exc, "issues", None) or []
    if issues:
        zh = [i.in_lang("zh") for i in issues[:3]]
        return Bilingual(
            "; ".join(f"{i.where}: {i.message}" for i in issues[:3]),
            "；".join(f"{i.where}：{i.message}" for i in zh),
        )
    return Bilingual(str(exc), exc.headline("zh"))


def _sets(setup: Setup, row: np.ndarray, cols: list[int]) -> list[str]:
    out = []
    for j in cols:
        text = setup.inputs[j].override(int(row[j]))
        if text is not None:
            out.append(text)
    return out
