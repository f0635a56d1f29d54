"""Evaluate many runs of an index at once, without rebuilding it per run.

Runs are grouped by the choices that change the prepared or normalised values (the
`set` inputs outside aggregation and weights): few distinct combinations. Each group's
preparation and normalisation are computed once, as `compute` does them; then every
run of the group is aggregated together, bottom-up over the target's subtree, as
array operations: the weights are a `runs × children` matrix (the nominal sibling
weights of the run's aggregation choices, times its weight-set multipliers, 0 for an
excluded indicator), and a node's values are, for every run at once,

    inv( Σ_k w_rk · f(x_k) · present_k / Σ_k w_rk · present_k )

with `f, inv` = (x, x) arithmetic, (ln, exp) geometric, (1/x, 1/x) harmonic,
(x^p, y^(1/p)) power mean — the formulas of DESIGN §4.3 with the weights of present
children rescaled; children that are indicators enter through one matrix product.
Coverage (`min_coverage`) and the zero policies are applied per run exactly as
`gdindex.methods.aggregate.aggregate_node` applies them; a run whose policy is
`error` and meets a value ≤ 0 fails with that reason. TOPSIS nodes are aggregated
run by run.

Only the target period is aggregated, unless a value could fail a zero policy in
another period (which makes `compute` fail) or a TOPSIS node pools periods: then all
periods are. A task (one group's runs, in fixed chunks) needs nothing but the
`Setup`, so tasks run anywhere — in process, or on Dask workers — with identical
results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdindex.analysis.sensitivity_design import InputInfo
from gdindex.errors import DataError, GdindexError, IssueLog
from gdindex.io import Dataset, load_data
from gdindex.methods.aggregate import AGGREGATORS
from gdindex.methods.correlation import magnitude, tie_starts
from gdindex.pipeline import compute, denominators_of, groups_of
from gdindex.pipeline.normalise import normalise_values
from gdindex.pipeline.prepare import prepare
from gdindex.pipeline.tree_weights import child_weights, needs_data
from gdindex.spec import IndexSpec, NodeSpec, load_spec

CHUNK = 2048
"""Runs per task: fixed, so that results never depend on how tasks are spread."""

_DATA_KEYS = ("data", "units", "periods")


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
    """Prepared values by preparation choices (a few, in this process): groups
    that differ only in normalisation share one preparation."""


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


def tasks_of(setup: Setup, positions: np.ndarray) -> list[np.ndarray]:
    """The runs of each task: runs whose preparation is the same (the group inputs
    that are not normalisers; in order of first appearance) share a task, so that
    its worker prepares the data once; cut into chunks of `CHUNK` runs."""
    prep_cols = [j for j in setup.group_cols if not _normaliser(setup.inputs[j])]
    buckets: dict[tuple[int, ...], list[int]] = {}
    for r in range(positions.shape[0]):
        buckets.setdefault(tuple(positions[r, prep_cols].tolist()), []).append(r)
    out: list[np.ndarray] = []
    for runs in buckets.values():
        arr = np.asarray(runs, dtype=np.int64)
        out.extend(arr[i : i + CHUNK] for i in range(0, len(arr), CHUNK))
    return out


def _normaliser(inp: InputInfo) -> bool:
    """Whether a `set` input changes normalisers only."""
    parts = (inp.path or "").replace("[", ".").replace("]", "").split(".")
    return "normalise" in parts and parts[0] in ("defaults", "indicators")


@dataclass
class TaskResult:
    """Scores `[runs, units]` of the target node in the period (NaN: no score or
    failed run), and the reason of each failed run (None: it ran)."""

    runs: np.ndarray
    scores: np.ndarray
    reasons: list[str | None]


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
    return TaskResult(runs, scores, reasons)


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


def _reason(exc: GdindexError) -> str:
    issues = getattr(exc, "issues", None) or []
    if issues:
        return "; ".join(f"{i.where}: {i.message}" for i in issues[:3])
    return str(exc)


def _sets(setup: Setup, row: np.ndarray, cols: list[int]) -> list[str]:
    out = []
    for j in cols:
        text = setup.inputs[j].override(int(row[j]))
        if text is not None:
            out.append(text)
    return out


def _normalised(
    spec: IndexSpec, dataset: Dataset, cache: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """`[unit, period, indicator]` normalised values, as `compute` makes them; the
    prepared values are kept in `cache` by the choices that make them."""
    log = IssueLog()
    key = _preparation_key(spec, dataset)
    treated = None if cache is None else cache.get(key)
    if treated is None:
        prep = prepare(
            dataset.values,
            spec,
            dataset.units,
            dataset.periods,
            log,
            denominators=denominators_of(spec, dataset),
            groups=groups_of(spec, dataset),
        )
        log.raise_if_errors(DataError, "cannot prepare the data")
        treated = prep.treated
        if cache is not None:
            while len(cache) >= 4:  # a few arrays of the panel's size at most
                cache.pop(next(iter(cache)))
            cache[key] = treated
    out = normalise_values(treated, spec, dataset.units, dataset.periods, log)
    log.raise_if_errors(DataError, "cannot normalise the data")
    return out


def _preparation_key(spec: IndexSpec, dataset: Dataset) -> str:
    """What `prepare` reads of a spec (and which data), as text."""
    dump = spec.dump()
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


# --- Means as transforms --- #

_Fn = Callable[[np.ndarray], np.ndarray]


def _transforms(p: Any) -> tuple[_Fn, _Fn, _Fn | None]:
    """`f`, `inv` and the invalid-input test of a mean (None: any value)."""
    m = p.method
    if m == "arithmetic":
        return (lambda x: x), (lambda y: y), None
    if m == "geometric":
        return np.log, np.exp, lambda x: x <= 0
    if m == "harmonic":
        return (lambda x: 1.0 / x), (lambda y: 1.0 / y), lambda x: x <= 0
    q = float(p.p)

    def inv(y: np.ndarray) -> np.ndarray:
        if q.is_integer() and int(q) % 2 == 1:
            return np.sign(y) * np.power(np.abs(y), 1.0 / q)
        return np.power(y, 1.0 / q)

    invalid: _Fn | None = None
    if q < 0:
        invalid = lambda x: x <= 0  # noqa: E731
    elif not q.is_integer():
        invalid = lambda x: x < 0  # noqa: E731
    return (lambda x: np.power(x, q)), inv, invalid


class _Evaluator:
    """Aggregates the target's subtree for the runs of one task."""

    def __init__(
        self,
        setup: Setup,
        spec_g: IndexSpec,
        normalised: np.ndarray,
        derived: dict[str, np.ndarray] | None,
        positions: np.ndarray,
    ) -> None:
        self.setup = setup
        self.spec_g = spec_g
        self.positions = positions
        self.derived = derived
        self.index_of = {ind.id: i for i, ind in enumerate(spec_g.indicators)}
        self.periods = list(setup.dataset.periods)
        self.failed: dict[int, str] = {}
        # aggregation choices: one spec per distinct combination
        keys = [tuple(row[setup.agg_cols].tolist()) for row in positions]
        self.combo_keys = list(dict.fromkeys(keys))
        self.combo_of = np.array([self.combo_keys.index(k) for k in keys])
        self.combos: list[IndexSpec | None] = []
        for key, row in zip(self.combo_keys, _first_rows(keys, positions), strict=True):
            del key
            sets = _sets(setup, row, setup.group_cols + setup.agg_cols)
            try:
                self.combos.append(load_spec(setup.base, sets) if sets else spec_g)
            except GdindexError as exc:
                self.combos.append(None)
                for r in np.nonzero(self.combo_of == len(self.combos) - 1)[0]:
                    self.failed[int(r)] = _reason(exc)
        self.target = _find(spec_g.tree, setup.target)
        self.normalised = normalised
        self._use(False)

    # -- set-up helpers --

    def _use(self, full: bool) -> None:
        """Aggregate all periods (`full`) or the target period only."""
        U, P = self.normalised.shape[:2]
        self.full = full
        if full:
            self.X = self.normalised.reshape(U * P, -1)
            self.cols = np.arange(U) * P + self.setup.period
        else:
            self.X = self.normalised[:, self.setup.period, :]
            self.cols = np.arange(U)

    def _nodes(self, node: NodeSpec) -> list[NodeSpec]:
        return [n for n, _ in node.walk() if not n.is_leaf]

    def _params(self, combo: int, node: NodeSpec) -> Any:
        spec = self.combos[combo]
        return None if spec is None else spec.aggregate_for(_find(spec.tree, node.id))

    def _methods(self, combo: int) -> set[str]:
        """The aggregators of the target's subtree under one combination (`topsis*`
        for a TOPSIS that pools periods)."""
        out = set()
        for node in self._nodes(self.target):
            p = self._params(combo, node)
            if p is not None:
                pooled = p.method == "topsis" and p.scope != "period"
                out.add("topsis*" if pooled else p.method)
        return out

    def _needs_all_periods(self, combos: list[int]) -> bool:
        """Whether another period can change these combinations' runs: a TOPSIS
        pooling periods, or a value ≤ 0 that a zero policy meets (which fails or
        shifts the whole node in `compute`)."""
        methods = set().union(*(self._methods(c) for c in combos))
        if "topsis*" in methods or "topsis" in methods:
            return True
        if methods <= {"arithmetic"}:
            return False
        leaves = [self.index_of[n.id] for n, _ in self.target.walk() if n.is_leaf]
        vals = self.normalised[:, :, leaves]
        vals = vals[~np.isnan(vals)]
        return bool(vals.size and vals.min() <= 0)

    # -- evaluation --

    def run(self) -> tuple[np.ndarray, dict[int, str]]:
        """Target scores of every run; runs whose aggregators are all arithmetic
        aggregate the target period only, the others all periods when needed
        (each run's values are the same either way)."""
        R = self.positions.shape[0]
        ok = np.array([r not in self.failed for r in range(R)])
        U = self.normalised.shape[0]
        out = np.full((R, U), np.nan)
        simple = np.array(
            [self._methods(c) <= {"arithmetic"} for c in range(len(self.combos))]
        )
        is_simple = simple[self.combo_of]
        for part in (ok & is_simple, ok & ~is_simple):
            if not part.any():
                continue
            idx = np.nonzero(part)[0]
            combos = sorted(set(self.combo_of[idx].tolist()))
            self._use(self._needs_all_periods(combos))
            values = self._value(self.target, idx)
            values = np.broadcast_to(values, (len(idx), values.shape[-1]))
            out[idx] = values[:, self.cols]
        return out, self.failed

    def _value(self, node: NodeSpec, runs: np.ndarray) -> np.ndarray:
        """`[runs, cells]` (or `[cells]` for an indicator: the same for all runs)."""
        if node.is_leaf:
            return self.X[:, self.index_of[node.id]]
        kids = node.children or []
        children = [self._value(c, runs) for c in kids]
        W = self._weights(node, runs)
        out = np.full((len(runs), self.X.shape[0]), np.nan)
        params = [self._params(c, node) for c in range(len(self.combos))]
        keys = [None if p is None else p.model_dump_json() for p in params]
        uniq = list(dict.fromkeys(k for k in keys if k is not None))
        key_of = np.array([-1 if k is None else uniq.index(k) for k in keys])
        run_keys = key_of[self.combo_of[runs]]
        for u, key in enumerate(uniq):
            sub = np.nonzero(run_keys == u)[0]
            if not len(sub):
                continue
            p = params[keys.index(key)]
            kid_vals = [c if c.ndim == 1 else c[sub] for c in children]
            out[sub] = self._mean(node, kid_vals, W[sub], p, runs[sub])
        return out

    def _weights(self, node: NodeSpec, runs: np.ndarray) -> np.ndarray:
        """`[runs, children]` sibling weights of every run."""
        base = []
        for c in range(len(self.combos)):
            spec = self.combos[c]
            if self.derived is not None:
                base.append(self.derived[node.id])
            elif spec is None:
                base.append(np.ones(len(node.children or [])))
            else:
                base.append(child_weights(spec, _find(spec.tree, node.id)))
        W = np.stack(base)[self.combo_of[runs]]
        for j, inp in enumerate(self.setup.inputs):
            s = self.positions[runs, j]
            if inp.kind == "weights":
                rep = inp.replaced.get(node.id)
                if rep is not None:
                    new = rep[s]
                    keep = np.isnan(new).all(axis=1)
                    sums = np.where(keep, 1.0, np.nansum(new, axis=1))
                    W = np.where(keep[:, None], W, new / sums[:, None])
                mult = inp.multipliers.get(node.id)
                if mult is not None:
                    W = W * mult[s]
            elif inp.kind == "exclude":
                for k, child in enumerate(node.children or []):
                    at = [a + 1 for a, x in enumerate(inp.excluded) if x == child.id]
                    hit = np.isin(s, at)
                    if hit.any():
                        W = W.copy()
                        W[hit, k] = 0.0
        return W

    def _fail(self, runs: np.ndarray, mask: np.ndarray, why: str) -> None:
        for r in runs[mask]:
            self.failed.setdefault(int(r), why)

    def _mean(
        self,
        node: NodeSpec,
        kids: list[np.ndarray],
        W: np.ndarray,
        p: Any,
        runs: np.ndarray,
    ) -> np.ndarray:
        if p.method == "topsis":
            return self._topsis(kids, W, p)
        f, inv, invalid = _transforms(p)
        R = W.shape[0]
        if invalid is None:
            return self._plain(kids, W, p, f, inv, None)
        bad = np.zeros((R, len(kids)), dtype=bool)
        for k, x in enumerate(kids):
            with np.errstate(invalid="ignore"):
                b = invalid(x) & ~np.isnan(x)
            bad[:, k] = b.any(axis=-1)
        trigger: np.ndarray = np.asarray((bad & (W > 0)).any(axis=1))
        out = np.full((R, self.X.shape[0]), np.nan)
        calm = ~trigger
        if calm.any():
            sub = [x if x.ndim == 1 else x[calm] for x in kids]
            out[calm] = self._plain(sub, W[calm], p, f, inv, invalid)
        if not trigger.any():
            return out
        why = (
            f"tree node '{node.id}' ({p.method}): values ≤ 0 cannot enter a "
            f"{p.method} mean"
        )
        if p.zero_policy == "error":
            self._fail(runs, trigger, why)
            return out
        sub = [x if x.ndim == 1 else x[trigger] for x in kids]
        if p.zero_policy == "shift":
            sub = [x + p.epsilon for x in sub]
        else:  # floor
            with np.errstate(invalid="ignore"):
                sub = [np.where(invalid(x) & ~np.isnan(x), p.epsilon, x) for x in sub]
        Wt = W[trigger]
        still = np.zeros(len(Wt), dtype=bool)
        for k, x in enumerate(sub):
            with np.errstate(invalid="ignore"):
                b = (invalid(x) & ~np.isnan(x)).any(axis=-1)
            still |= b & (Wt[:, k] > 0)
        self._fail(runs[trigger], still, why)
        out[trigger] = self._plain(sub, Wt, p, f, inv, invalid)
        return out

    def _plain(
        self,
        kids: list[np.ndarray],
        W: np.ndarray,
        p: Any,
        f: _Fn,
        inv: _Fn,
        invalid: _Fn | None,
    ) -> np.ndarray:
        R, C = W.shape[0], self.X.shape[0]
        num = np.zeros((R, C))
        den = np.zeros((R, C))
        # Child by child, element-wise: every run's value is computed the same way
        # whatever the other runs of the batch (a matrix product would not be:
        # BLAS blocks by size), so a replayed or redistributed run is bit-identical.
        # One scratch buffer: a [runs, cells] temporary per child and step would be
        # mmap-ed and page-faulted afresh each time under a low malloc trim
        # threshold (as Dask sets for its workers), several times slower.
        buf = np.empty((R, C))
        with np.errstate(invalid="ignore", divide="ignore"):
            for k, x in enumerate(kids):
                pres = ~np.isnan(x)
                if invalid is not None:
                    pres &= ~invalid(np.where(pres, x, 1.0))
                fx = f(np.where(pres, x, 1.0))
                fx[~pres] = 0.0
                w = W[:, k : k + 1]
                np.multiply(w, fx, out=buf)
                num += buf
                np.multiply(w, pres, out=buf)
                den += buf
            total = W.sum(axis=1, keepdims=True)
            share = np.where(total > 0, den / np.where(total > 0, total, 1.0), 0.0)
            covered = share > 0
            if p.min_coverage > 0:
                covered &= share >= p.min_coverage - 1e-12
            return np.where(covered, inv(num / den), np.nan)

    def _topsis(self, kids: list[np.ndarray], W: np.ndarray, p: Any) -> np.ndarray:
        """TOPSIS run by run with `gdindex.methods.aggregate`'s own function."""
        fn = AGGREGATORS.get("topsis").fn
        U = len(self.setup.dataset.units)
        P = len(self.periods) if self.full else 1
        periods = self.periods if self.full else [self.periods[self.setup.period]]
        R = W.shape[0]
        out = np.full((R, self.X.shape[0]), np.nan)
        for r in range(R):
            X = np.stack([x if x.ndim == 1 else x[r] for x in kids], axis=-1)
            X = X.reshape(U, P, -1)
            present = ~np.isnan(X)
            raw_w = np.where(present, W[r], 0.0)
            total = W[r].sum()
            share = raw_w.sum(axis=-1) / total if total > 0 else np.zeros((U, P))
            covered = share > 0
            if p.min_coverage > 0:
                covered &= share >= p.min_coverage - 1e-12
            with np.errstate(invalid="ignore", divide="ignore"):
                Wc = np.nan_to_num(raw_w / raw_w.sum(axis=-1, keepdims=True))
                res = fn(X, Wc, p, periods)
            out[r] = np.where(covered, res, np.nan).reshape(-1)
        return out


def _first_rows(keys: list[tuple[int, ...]], positions: np.ndarray) -> list[np.ndarray]:
    seen: dict[tuple[int, ...], np.ndarray] = {}
    for key, row in zip(keys, positions, strict=True):
        seen.setdefault(key, row)
    return list(seen.values())


def _find(node: NodeSpec, node_id: str) -> NodeSpec:
    for n, _ in node.walk():
        if n.id == node_id:
            return n
    raise KeyError(node_id)


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
