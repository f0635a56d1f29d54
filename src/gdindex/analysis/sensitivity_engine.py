"""Evaluate many runs of an index at once, without rebuilding it per run.

Runs are grouped by the choices that change the prepared or normalised values (the
`set` inputs outside aggregation and weights): few distinct combinations. Each group's
preparation and normalisation are computed once, as `compute` does them; then every
run of the group is aggregated together, bottom-up over the target's subtree, as
array operations (`gdindex.analysis.sensitivity_aggregate`).

A task (one group's runs, in fixed chunks) needs nothing but the `Setup`
(`gdindex.analysis.sensitivity_setup`), so tasks run anywhere — in process, or on
Dask workers — with identical results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from gdindex.analysis.sensitivity_aggregate import _Evaluator
from gdindex.analysis.sensitivity_design import InputInfo
from gdindex.analysis.sensitivity_setup import Setup, _reason, _sets
from gdindex.errors import DataError, GdindexError, IssueLog
from gdindex.io import Dataset, load_data
from gdindex.methods.correlation import magnitude, tie_starts
from gdindex.pipeline import compute, prepare_dataset
from gdindex.pipeline.normalise import normalise_values
from gdindex.spec import IndexSpec, load_spec

CHUNK = 512
"""Runs per task: fixed, so that results never depend on how tasks are spread.
Smaller chunks share work more evenly over workers but cost each group's
aggregation set-up again (on the Guangdong sample, N = 10,000 takes 0.35 s in
chunks of 2,048, 0.7 s in chunks of 512 and 2.2 s in chunks of 128)."""

_DATA_KEYS = ("data", "units", "periods")


def tasks_of(setup: Setup, positions: np.ndarray) -> list[np.ndarray]:
    """The runs of each task: runs whose preparation is the same (the group inputs
    that are not normalisers; in order of first appearance) share a task, so that
    its worker prepares the data once; cut into chunks of `CHUNK` runs."""
    out: list[np.ndarray] = []
    for runs in _by_preparation(setup, positions):
        out.extend(runs[i : i + CHUNK] for i in range(0, len(runs), CHUNK))
    return out


#: What preparing a group's data costs, in runs aggregated (on the synthetic panel
#: 3,000 × 10 × 60 one preparation takes as long as 150–350 runs).
PREPARATION_COST = 256


def task_costs(setup: Setup, positions: np.ndarray) -> list[int]:
    """The cost of each task of `tasks_of`, in runs: its runs, plus
    `PREPARATION_COST` for the first chunk of each preparation group (the one that
    prepares the data; its group's next chunks reuse them on the same worker)."""
    out: list[int] = []
    for runs in _by_preparation(setup, positions):
        sizes = [len(runs[i : i + CHUNK]) for i in range(0, len(runs), CHUNK)]
        out.extend(n + (PREPARATION_COST if i == 0 else 0) for i, n in enumerate(sizes))
    return out


def _by_preparation(setup: Setup, positions: np.ndarray) -> list[np.ndarray]:
    """The runs of each preparation, in order of first appearance. Runs are put
    together by the preparation their choices make (`_preparation_key`), not by the
    choices themselves: the nominal run 0 joins the runs whose alternative is the
    nominal value, and so do choices that change nothing prepared. Beyond
    `KEYED_GROUPS` distinct choices, by the choices alone (keying each costs a spec
    load in the main process)."""
    prep_cols = [j for j in setup.group_cols if not _normaliser(setup.inputs[j])]
    chosen: dict[tuple[int, ...], list[int]] = {}
    for r in range(positions.shape[0]):
        chosen.setdefault(tuple(positions[r, prep_cols].tolist()), []).append(r)
    if len(chosen) > KEYED_GROUPS:
        return [np.asarray(runs, dtype=np.int64) for runs in chosen.values()]
    buckets: dict[str, list[int]] = {}
    for runs in chosen.values():
        key = _made_by(setup, positions[runs[0]], prep_cols)
        buckets.setdefault(key, []).extend(runs)
    return [np.asarray(sorted(runs), dtype=np.int64) for runs in buckets.values()]


KEYED_GROUPS = 64
"""Distinct preparation choices up to which runs are grouped by what they prepare."""


def _made_by(setup: Setup, row: np.ndarray, cols: list[int]) -> str:
    """The preparation a run's choices make, as text (its choices when they do not
    make a valid spec: such runs fail together)."""
    sets = _sets(setup, row, cols)
    try:
        spec = load_spec(setup.base, sets) if sets else setup.spec
    except GdindexError:
        return "choices " + json.dumps(row[cols].tolist())
    return _preparation_key(spec, setup.dataset)


def _normaliser(inp: InputInfo) -> bool:
    """Whether a `set` input changes normalisers only."""
    parts = (inp.path or "").replace("[", ".").replace("]", "").split(".")
    return "normalise" in parts and parts[0] in ("defaults", "indicators")


@dataclass
class TaskResult:
    """Scores `[runs, units]` of the target node in the period (NaN: no score or
    failed run), their ranks (`rank_rows`, computed where the task runs), and the
    reason of each failed run (None: it ran)."""

    runs: np.ndarray
    scores: np.ndarray
    reasons: list[str | None]
    ranks: np.ndarray | None = None


def run_task(setup: Setup, runs: np.ndarray, positions: np.ndarray) -> TaskResult:
    """Evaluate the runs of one task (`positions[run, input]` of these runs), group
    by group (the group inputs' choices, in order of first appearance)."""
    U = len(setup.dataset.units)
    scores = np.full((len(runs), U), np.nan)
    reasons: list[str | None] = [None] * len(runs)
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, row in enumerate(positions):
        groups.setdefault(tuple(row[setup.group_cols].tolist()), []).append(i)
    for rows in groups.values():
        idx = np.asarray(rows, dtype=np.int64)
        part = _run_group(setup, runs[idx], positions[idx])
        scores[idx] = part.scores
        for i, why in zip(idx, part.reasons, strict=True):
            reasons[int(i)] = why
    return TaskResult(runs, scores, reasons, rank_rows(scores))


def _run_group(setup: Setup, runs: np.ndarray, positions: np.ndarray) -> TaskResult:
    """Evaluate runs that make the same group choices."""
    U = len(setup.dataset.units)
    scores = np.full((len(runs), U), np.nan)
    reasons: list[str | None] = [None] * len(runs)
    sets = _sets(setup, positions[0], setup.group_cols)
    try:
        spec_g = load_spec(setup.base, sets) if sets else setup.spec
        dataset = setup.dataset
        if any(s.split(".", 1)[0] in _DATA_KEYS or "denominator" in s for s in sets):
            dataset = load_data(spec_g)
        normalised = _normalised(spec_g, dataset, setup.prepared)
        derived = None
        if setup.data_driven:
            res = compute(spec_g, dataset=dataset)
            assert res.weighting is not None
            derived = {k: v.weights for k, v in res.weighting.nodes.items()}
    except GdindexError as exc:
        return TaskResult(runs, scores, [_reason(exc)] * len(runs))
    ev = _Evaluator(setup, spec_g, normalised, derived, positions)
    values, failed = ev.run()
    scores[:] = values
    for r, why in failed.items():
        reasons[r] = why
        scores[r] = np.nan
    return TaskResult(runs, scores, reasons)


def _normalised(
    spec: IndexSpec, dataset: Dataset, cache: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """`[unit, period, indicator]` normalised values, as `compute` makes them
    (read-only). The prepared and the normalised values are kept in `cache` by the
    choices that make them: a task's chunks, and a worker's next task of the same
    group, prepare and normalise once."""
    log = IssueLog()
    key = _preparation_key(spec, dataset)
    norm_key = "normalised " + key + _normalisation_key(spec)
    found = None if cache is None else cache.get(norm_key)
    if found is not None:
        return found
    treated = None if cache is None else cache.get(key)
    if treated is None:
        prep = prepare_dataset(spec, dataset, log)
        log.raise_if_errors(DataError, "cannot prepare the data", "无法完成数据预处理")
        treated = prep.treated
        _keep(cache, key, treated)
    out = normalise_values(treated, spec, dataset.units, dataset.periods, log)
    log.raise_if_errors(DataError, "cannot normalise the data", "无法完成数据标准化")
    out.setflags(write=False)
    _keep(cache, norm_key, out)
    return out


def _keep(cache: dict[str, np.ndarray] | None, key: str, values: np.ndarray) -> None:
    if cache is not None:
        while len(cache) >= 6:  # a few arrays of the panel's size at most
            cache.pop(next(iter(cache)))
        cache[key] = values


def _normalisation_key(spec: IndexSpec) -> str:
    """What `normalise_values` reads of a spec, as text."""
    return json.dumps(
        [
            [ind.id, ind.direction, spec.normalise_for(ind).model_dump(mode="json")]
            for ind in spec.indicators
        ],
        sort_keys=True,
        default=str,
    )


def _preparation_key(spec: IndexSpec, dataset: Dataset) -> str:
    """What `prepare` reads of a spec (and which data), as text."""
    dump = spec.dump()
    for table in [*dump.get("data", []), dump.get("units") or {}]:
        if "file" in table:  # the nominal spec's paths are relative, the runs' not
            table["file"] = str(spec.resolve(table["file"]).resolve())
    return json.dumps(
        {
            "dataset": id(dataset),
            "data": [dump.get(k) for k in _DATA_KEYS],
            "screen": dump.get("screen"),
            "leaves": [n.id for n, _ in spec.tree.walk() if n.is_leaf],
            "indicators": [
                [
                    ind.id,
                    ind.denominator,
                    ind.scale,
                    spec.impute_for(ind).model_dump(mode="json"),
                    spec.treat_for(ind).model_dump(mode="json"),
                ]
                for ind in spec.indicators
            ],
        },
        sort_keys=True,
        default=str,
    )


def rank_rows(S: np.ndarray) -> np.ndarray:
    """Rank the units of every run at once (`S[run, unit]`): 1 = highest, ties share
    the lowest rank ('min'), tied scores by `correlation.tied` at the scale of the
    run's scores (DESIGN §4.5), NaN gets no rank."""
    order = np.argsort(-S, axis=1, kind="stable")  # NaN last
    ordered = np.take_along_axis(S, order, axis=1)
    new = tie_starts(ordered, magnitude(S, axis=1, keepdims=True))
    pos = np.broadcast_to(np.arange(S.shape[1]), S.shape)
    first = np.maximum.accumulate(np.where(new, pos, 0), axis=1)
    ranks = np.where(np.isnan(ordered), np.nan, first + 1.0)
    out = np.empty(S.shape)
    np.put_along_axis(out, order, ranks, axis=1)
    return out
