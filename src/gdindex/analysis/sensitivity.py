"""`gdindex.sensitivity`: uncertainty and sensitivity analysis of an index's ranks.

DESIGN §9.3. The uncertain inputs (the spec's `sensitivity:` block, or a separate
YAML) each have discrete alternatives; a run picks one of each. `ua` samples runs
uniformly and reports each unit's rank distribution; `sobol` samples a Saltelli design
and also reports, for the scalar output `mean_abs_rank_change` (mean over units of
|rank − nominal rank|) and per unit (|rank − nominal rank|), the first-order (Saltelli
2010) and total-effect (Jansen 1999) Sobol' indices with bootstrap quantile
intervals, as SALib computes them and as COINr's `get_sensitivity` reports them.
Run 0 is always the nominal spec and equals `compute`. How the runs are evaluated
fast is in `gdindex.analysis.sensitivity_engine`.

This module computes and returns a `SensitivityResult`; it never prints nor writes.
"""

from __future__ import annotations

import json
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from gdindex.analysis import sensitivity_engine as engine
from gdindex.analysis.sensitivity_design import (
    InputInfo,
    build_inputs,
    check_target,
    load_inputs,
    read_design,
    run_overrides,
    sample_sobol,
    sample_ua,
)
from gdindex.analysis.sensitivity_setup import Setup, make_setup
from gdindex.analysis.sobol import sobol_indices
from gdindex.errors import Bilingual, Issue, SpecError, text_in
from gdindex.io import json_records, load_data, write_frame, write_set
from gdindex.spec import IndexSpec, Period, load_spec
from gdindex.spec.sensitivity import SensitivitySpec

if TYPE_CHECKING:
    from gdindex.analysis.sensitivity_dask import Cluster

Progress = Callable[[int, int], None]
"""Called with (runs done, runs in all) as tasks finish."""

FILES = (
    "sensitivity_runs.csv",
    "sensitivity_scores.csv",
    "sensitivity_ranks.csv",
    "sensitivity_indices.csv",
    "sensitivity_unit_indices.csv",
)


@dataclass(repr=False)
class SensitivityResult:
    """The runs of a sensitivity analysis and what they show.

    Attributes:
        spec: the nominal spec; target: the node studied; period: its period.
        method: `ua` or `sobol`; n: runs (ua) or base samples (sobol); seed.
        inputs: the uncertain inputs with their alternatives.
        runs: `run, <input id>…, error` — 1-based positions (0 = nominal; run 0 is
            the nominal spec); `error` is the reason a run failed (null when it ran).
        scores: `run, unit, score, rank` of the target node in the period, for the
            runs that ran.
        rank_stats: `unit, nominal, mean, median, q05, q95, min, max` over the runs
            that ran (run 0 excluded), quantiles as numpy's default (type 7).
        indices: (sobol) `input, S1, ST, S1_q05, S1_q95, ST_q05, ST_q95` of
            `mean_abs_rank_change`.
        unit_indices: (sobol) `unit, input, S1, ST` of |rank − nominal rank|.
        failed: the reasons of the failed runs with their counts.
        notes: remarks on the design (e.g. base samples dropped for failed runs).
    """

    spec: IndexSpec
    target: str
    period: Period
    method: str
    n: int
    seed: int
    inputs: list[InputInfo]
    runs: pl.DataFrame
    scores: pl.DataFrame
    rank_stats: pl.DataFrame
    indices: pl.DataFrame | None = None
    unit_indices: pl.DataFrame | None = None
    failed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    units: pl.DataFrame | None = None

    def __repr__(self) -> str:
        return (
            f"SensitivityResult({self.spec.id!r}, target={self.target!r}, "
            f"period={self.period!r}, method={self.method!r}, runs={self.n_runs}, "
            f"failed={self.n_failed})"
        )

    @property
    def n_runs(self) -> int:
        """Runs sampled (run 0 not counted)."""
        return self.runs.height - 1

    @property
    def n_failed(self) -> int:
        """Sampled runs that failed (run 0 not counted)."""
        return int(self.runs["error"][1:].is_not_null().sum())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (NaN → null)."""
        out: dict[str, Any] = {
            "spec": {"id": self.spec.id, "name": self.spec.name.model_dump()},
            "target": self.target,
            "period": self.period,
            "method": self.method,
            "n": self.n,
            "seed": self.seed,
            "inputs": [
                {"id": i.id, "kind": i.kind, "alternatives": i.labels}
                for i in self.inputs
            ],
            "summary": {
                "runs": self.n_runs,
                "done": self.n_runs - self.n_failed,
                "failed": self.n_failed,
                "reasons": [{"reason": k, "runs": v} for k, v in self.failed.items()],
            },
            "notes": self.notes,
            "runs": json_records(self.runs),
            "scores": json_records(self.scores),
            "rank_stats": json_records(self.rank_stats),
        }
        if self.indices is not None and self.unit_indices is not None:
            out["indices"] = json_records(self.indices)
            out["unit_indices"] = json_records(self.unit_indices)
        return out

    def to_json(self, indent: int | None = None) -> str:
        """Serialise `to_dict()` deterministically."""
        return json.dumps(
            self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False
        )

    def files(self) -> dict[str, Callable[[Path], None]]:
        """The files of DESIGN §9.3 by name, each with its writer (for
        `write`)."""
        frames = {
            "sensitivity_runs.csv": self.runs,
            "sensitivity_scores.csv": self.scores,
            "sensitivity_ranks.csv": self.rank_stats,
        }
        if self.indices is not None and self.unit_indices is not None:
            frames["sensitivity_indices.csv"] = self.indices
            frames["sensitivity_unit_indices.csv"] = self.unit_indices

        def writer(frame: pl.DataFrame) -> Callable[[Path], None]:
            return lambda path: write_frame(frame, path, "csv")

        return {name: writer(frame) for name, frame in frames.items()}

    def write(self, out_dir: str | Path) -> list[Path]:
        """Write `files()` into `out_dir` as one set (`gdindex.io.write_set`):
        files of an earlier analysis there (`sensitivity_*`) are replaced
        whole, other files stay.

        Raises:
            OutputError: the directory cannot be written.
        """
        out = Path(out_dir)
        what = Bilingual(f"sensitivity files to {out}", f"敏感性分析结果（{out}）")
        return write_set(
            out, self.files(), what, owns=lambda name: name.startswith("sensitivity_")
        )

    def overrides(self, run: int) -> list[str]:
        """The `--set` texts that make `compute` give run `run` (explicit weights):
        the `set` choices, then the perturbed weights, then 0 for an excluded
        indicator."""
        row = self.runs.row(run, named=True)
        return run_overrides(self.spec, self.inputs, [row[i.id] for i in self.inputs])


def sensitivity(
    spec: IndexSpec | str | Path,
    n: int | None = None,
    method: str | None = None,
    seed: int | None = None,
    design: str | Path | np.ndarray | None = None,
    inputs: SensitivitySpec | str | Path | None = None,
    *,
    target: str | None = None,
    period: Period | None = None,
    bootstrap: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Run the uncertainty (and Sobol sensitivity) analysis of `spec`.

    Args:
        spec: a spec or its path.
        n, method, seed, target, period, bootstrap: override the block's values.
        design: runs to replay instead of sampling: a CSV (`run`, one column per
            input id, 1-based positions; 0 = nominal) or an array `[run, input]`.
        inputs: the `sensitivity:` block, or a YAML file holding it (default: the
            spec's own block).
        workers: spread the tasks over this many local processes (Dask).
        scheduler: address of a Dask scheduler to spread the tasks over.
        progress: called as tasks finish.

    Raises:
        SpecError: no inputs, an unknown target or period, invalid inputs or
            design, a design that does not fit `sobol`.
        DataError: the nominal spec's data cannot be read.
    """
    if not isinstance(spec, IndexSpec):
        spec = load_spec(spec)
    base_dir = spec.base_dir
    if inputs is None:
        if spec.sensitivity is None:
            raise SpecError(
                "no uncertain inputs",
                [
                    Issue(
                        str(spec.path or spec.id),
                        "the spec has no `sensitivity:` block",
                        "add one (see docs/sensitivity.md) or give --inputs FILE",
                        message_zh="配置文件中没有 `sensitivity:` 部分",
                        hint_zh="请添加该部分（参见 docs/sensitivity.md），"
                        "或用 --inputs FILE 给出",
                    )
                ],
                message_zh="没有不确定性输入",
            )
        sens = spec.sensitivity
    elif isinstance(inputs, SensitivitySpec):
        sens = inputs
    else:
        sens = load_inputs(inputs)
        base_dir = Path(inputs).parent
    n = sens.n if n is None else n
    method = sens.method if method is None else method
    seed = sens.seed if seed is None else seed
    bootstrap = sens.bootstrap if bootstrap is None else bootstrap
    target_arg = target
    target = target or sens.target or spec.tree.id
    check_target(spec, target, given=bool(target_arg))
    infos = build_inputs(spec, sens, base_dir)
    cluster = None
    if workers is not None or scheduler is not None:
        from gdindex.analysis.sensitivity_dask import Cluster

        cluster = Cluster(workers, scheduler)  # starts while the data load
    try:
        return _analyse(
            spec,
            sens,
            infos,
            n,
            method,
            seed,
            design,
            target,
            period,
            bootstrap,
            cluster,
            progress,
        )
    finally:
        if cluster is not None:
            cluster.close()


def _analyse(
    spec: IndexSpec,
    sens: SensitivitySpec,
    infos: list[InputInfo],
    n: int,
    method: str,
    seed: int,
    design: str | Path | np.ndarray | None,
    target: str,
    period: Period | None,
    bootstrap: int,
    cluster: Cluster | None,
    progress: Progress | None,
) -> SensitivityResult:
    dataset = load_data(spec)
    periods = list(dataset.periods)
    period_given = period is not None
    period = period if period is not None else sens.period
    if period is None:
        period = periods[-1]
    if str(period) not in [str(p) for p in periods]:
        where = "period (--period)" if period_given else "sensitivity.period"
        known = ", ".join(str(p) for p in periods)
        raise SpecError(
            f"unknown period {period!r}",
            [
                Issue(
                    where,
                    f"no period {period!r} in the data",
                    "one of " + known,
                    message_zh=f"数据中没有时期 {period!r}",
                    hint_zh="可选：" + known,
                    where_zh="时期（--period）" if period_given else None,
                )
            ],
            message_zh=f"未知的时期 {period!r}",
        )
    p_index = [str(p) for p in periods].index(str(period))
    period = periods[p_index]
    notes: list[str] = []
    if design is not None:
        positions = (
            read_design(Path(design), infos)
            if not isinstance(design, np.ndarray)
            else np.asarray(design, dtype=np.int64)
        )
        if method == "sobol" and (positions.shape[0] - 1) % (len(infos) + 2):
            raise SpecError(
                "the design does not fit sobol",
                [
                    Issue(
                        str(design) if not isinstance(design, np.ndarray) else "design",
                        f"{positions.shape[0] - 1} runs are not N·(d + 2), d = "
                        f"{len(infos)}",
                        "give a Saltelli design, or use --method ua",
                        message_zh=f"{positions.shape[0] - 1} 次运行不是 N·(d + 2) 次，"
                        f"d = {len(infos)}",
                        hint_zh="请给出 Saltelli 设计，或使用 --method ua",
                    )
                ],
                message_zh="该设计不适用于 sobol 方法",
            )
        if method == "sobol":
            n = (positions.shape[0] - 1) // (len(infos) + 2)
        else:
            n = positions.shape[0] - 1
    elif method == "sobol":
        positions, notes = sample_sobol(infos, n, seed)
    else:
        positions = sample_ua(infos, n, seed)
    setup = make_setup(spec, dataset, infos, target, p_index)
    S, ranks, reasons = _evaluate(setup, positions, cluster, progress)
    return _assemble(
        spec,
        setup,
        positions,
        S,
        ranks,
        reasons,
        method,
        n,
        seed,
        bootstrap,
        notes,
        period,
    )


def _evaluate(
    setup: Setup,
    positions: np.ndarray,
    cluster: Cluster | None,
    progress: Progress | None,
) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    """Scores and ranks `[run, unit]` of every run, and why each failed run failed."""
    tasks = engine.tasks_of(setup, positions)
    R, U = positions.shape[0], len(setup.dataset.units)
    S = np.full((R, U), np.nan)
    ranks = np.full((R, U), np.nan)
    reasons: list[str | None] = [None] * R
    done = 0
    if progress is not None:
        progress(0, R)

    def collect(res: engine.TaskResult) -> None:
        nonlocal done
        S[res.runs] = res.scores
        assert res.ranks is not None  # a task ranks its own runs
        ranks[res.runs] = res.ranks
        for r, why in zip(res.runs, res.reasons, strict=True):
            reasons[int(r)] = why
        done += len(res.runs)
        if progress is not None:
            progress(done, R)

    if cluster is None:
        for runs in tasks:
            collect(engine.run_task(setup, runs, positions[runs]))
    else:
        from gdindex.analysis.sensitivity_dask import run_on_dask

        for res in run_on_dask(cluster, setup, tasks, positions):
            collect(res)
    return S, ranks, reasons


def _assemble(
    spec: IndexSpec,
    setup: Setup,
    positions: np.ndarray,
    S: np.ndarray,
    ranks: np.ndarray,
    reasons: list[str | None],
    method: str,
    n: int,
    seed: int,
    bootstrap: int,
    notes: list[str],
    period: Period,
) -> SensitivityResult:
    units = list(setup.dataset.units)
    infos = setup.inputs
    ok = np.array([r is None for r in reasons])
    runs = pl.DataFrame(
        {
            "run": np.arange(positions.shape[0], dtype=np.int64),
            **{inp.id: positions[:, j] for j, inp in enumerate(infos)},
            "error": pl.Series(reasons, dtype=pl.String),
        }
    )
    scores = _scores_frame(S, ranks, ok, units)
    nominal = ranks[0]
    sampled = ok.copy()
    sampled[0] = False
    stats = _rank_stats(ranks[sampled], nominal, units)
    failed = Counter(r for r in reasons[1:] if r is not None)
    if reasons[0] is not None:
        why = reasons[0]
        notes = [
            *notes,
            Bilingual(
                f"the nominal spec fails: {why}",
                f"名义方案计算失败：{text_in(why, 'zh')}",
            ),
        ]
    result = SensitivityResult(
        spec=spec,
        target=setup.target,
        period=period,
        method=method,
        n=n,
        seed=seed,
        inputs=infos,
        runs=runs,
        scores=scores,
        rank_stats=stats,
        failed=dict(failed.most_common()),
        notes=list(notes),
        units=setup.dataset.unit_table,
    )
    if method == "sobol":
        _add_sobol(result, ranks, ok, nominal, bootstrap, seed, units)
    return result


def _scores_frame(
    S: np.ndarray, ranks: np.ndarray, ok: np.ndarray, units: list[str]
) -> pl.DataFrame:
    R, U = S.shape
    run_ids = np.repeat(np.arange(R), U)
    keep = np.repeat(ok, U)
    unit_idx = np.tile(np.arange(U), R)
    return pl.DataFrame(
        {
            "run": run_ids[keep].astype(np.int64),
            "unit": pl.Series(units, dtype=pl.String).gather(unit_idx[keep]),
            "score": pl.Series(S.reshape(-1)[keep], nan_to_null=True),
            "rank": pl.Series(ranks.reshape(-1)[keep], nan_to_null=True).cast(pl.Int64),
        }
    )


def _rank_stats(
    ranks: np.ndarray, nominal: np.ndarray, units: list[str]
) -> pl.DataFrame:
    """`unit, nominal, mean, median, q05, q95, min, max` (NaN-aware, type 7)."""
    with warnings.catch_warnings():  # a unit without ranks gives NaN, on purpose
        warnings.simplefilter("ignore", RuntimeWarning)
        if ranks.shape[0]:
            mean = np.nanmean(ranks, axis=0)
            med, q05, q95 = _quantiles(ranks, [0.5, 0.05, 0.95])
            lo, hi = np.nanmin(ranks, axis=0), np.nanmax(ranks, axis=0)
        else:
            mean = med = q05 = q95 = lo = hi = np.full(len(units), np.nan)
    return pl.DataFrame(
        {
            "unit": pl.Series(units, dtype=pl.String),
            "nominal": pl.Series(nominal, nan_to_null=True).cast(pl.Int64),
            "mean": pl.Series(mean, nan_to_null=True),
            "median": pl.Series(med, nan_to_null=True),
            "q05": pl.Series(q05, nan_to_null=True),
            "q95": pl.Series(q95, nan_to_null=True),
            "min": pl.Series(lo, nan_to_null=True).cast(pl.Int64),
            "max": pl.Series(hi, nan_to_null=True).cast(pl.Int64),
        }
    )


def _quantiles(values: np.ndarray, q: list[float]) -> np.ndarray:
    """`[len(q), columns]`: `np.nanquantile(values, q, axis=0)`, with the columns
    that hold no NaN (usually all) done at once by `np.quantile` (the same values;
    `nanquantile` goes column by column in Python)."""
    clean = ~np.isnan(values).any(axis=0)
    out = np.full((len(q), values.shape[1]), np.nan)
    out[:, clean] = np.quantile(values[:, clean], q, axis=0)
    if not clean.all():
        out[:, ~clean] = np.nanquantile(values[:, ~clean], q, axis=0)
    return out


def _add_sobol(
    result: SensitivityResult,
    ranks: np.ndarray,
    ok: np.ndarray,
    nominal: np.ndarray,
    bootstrap: int,
    seed: int,
    units: list[str],
) -> None:
    d = len(result.inputs)
    step = d + 2
    body_ok: np.ndarray = np.asarray(ok[1:].reshape(-1, step).all(axis=1))
    dev = np.abs(ranks[1:] - nominal[None, :])  # [run, unit]
    rated = ~np.isnan(nominal)
    keep = np.repeat(body_ok, step)
    dropped = int((~body_ok).sum())
    if dropped:
        result.notes.append(
            Bilingual(
                f"{dropped} of {len(body_ok)} base samples left out: one of their "
                "runs failed (Saltelli's estimators need every run of a sample)",
                f"{len(body_ok)} 个基础样本中有 {dropped} 个未计入：其中有运行失败"
                "（Saltelli 估计量需要一个样本的全部运行）",
            )
        )
    per_unit = np.nan_to_num(dev[keep][:, rated])
    Y = per_unit.mean(axis=1) if per_unit.shape[1] else np.zeros(int(keep.sum()))
    ids = [inp.id for inp in result.inputs]
    if not body_ok.any():
        nan = np.full(d, np.nan)
        S1 = ST = q = nan
        S1q05 = S1q95 = ST05 = ST95 = q
        unit_S1 = unit_ST = np.full((d, int(rated.sum())), np.nan)
    else:
        main = sobol_indices(Y, d, bootstrap, seed)
        S1, ST = main.S1, main.ST
        (S1q05, ST05), (S1q95, ST95) = main.quantiles(0.05), main.quantiles(0.95)
        each = sobol_indices(per_unit, d, 0, seed)
        unit_S1, unit_ST = each.S1, each.ST
    result.indices = pl.DataFrame(
        {
            "input": pl.Series(ids, dtype=pl.String),
            "S1": S1,
            "ST": ST,
            "S1_q05": S1q05,
            "S1_q95": S1q95,
            "ST_q05": ST05,
            "ST_q95": ST95,
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
    rated_units = [u for u, r in zip(units, rated, strict=True) if r]
    U = len(rated_units)
    result.unit_indices = pl.DataFrame(
        {
            "unit": pl.Series(rated_units, dtype=pl.String).gather(
                np.repeat(np.arange(U), d)
            ),
            "input": pl.Series(ids, dtype=pl.String).gather(np.tile(np.arange(d), U)),
            "S1": np.asarray(unit_S1).T.reshape(-1),
            "ST": np.asarray(unit_ST).T.reshape(-1),
        }
    ).with_columns(pl.col(pl.Float64).fill_nan(None))
