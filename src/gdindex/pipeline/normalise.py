"""The normalise stage (DESIGN §4.2): each indicator by its method, in its scope.

Direction is applied here, once, before any method runs: methods receive `x = d · raw`
and never see `d`. The scope decides which rows feed the statistics: each period alone
(`period`), all periods pooled (`panel`, so growth stays comparable) or the base period
(`base`). The formulas are in `gdindex.methods.normalise`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gdindex.errors import Bilingual, IssueLog, examples
from gdindex.methods.normalise import (
    NORMALISERS,
    RatioSpec,
    _finite,
    _oriented,
    _scope_problem,
)
from gdindex.spec import IndexSpec


def normalise_values(
    values: np.ndarray,
    spec: IndexSpec,
    units: list[str],
    periods: list[Any],
    log: IssueLog,
) -> np.ndarray:
    """Normalise every indicator of `values[unit, period, indicator]`.

    Returns an array of the same shape. Constant indicators become missing in the
    scope where they are constant, with a warning naming them.
    """
    out = np.full_like(values, np.nan)
    reported: set[str] = set()  # a bad default is one problem, not one per indicator
    for i, ind in enumerate(spec.indicators):
        params = spec.normalise_for(ind)
        method = NORMALISERS.get(params.method)
        x = values[:, :, i] * ind.direction
        p = _oriented(params, ind.direction)
        own = ind.normalise.model_fields_set if ind.normalise is not None else set()

        def where(key: str, i: int = i, own: set[str] = own) -> str:
            return (
                f"indicators[{i}].normalise.{key}"
                if key in own
                else f"defaults.normalise.{key}"
            )

        for cols, ref, label in _scopes(x, p, units, periods, where, reported, log):
            problem = _scope_problem(p.method, method.needs_spread, ref, p)
            if problem is not None:
                if _finite(x[:, cols]).size:
                    log.warn(
                        f"indicator '{ind.id}'",
                        f"cannot be normalised {label}: {problem}; it is left missing",
                        "check the data, or use a fixed method such as goalposts",
                        "constant-indicator",
                        message_zh=f"{label.zh}无法标准化：{problem.zh}；按缺失处理",
                        hint_zh="请检查数据，或改用 goalposts 等固定阈值的方法",
                        where_zh=f"指标 '{ind.id}'",
                    )
                continue
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                got = method.fn(x[:, cols], ref, p)
            lost = ~np.isfinite(got) & np.isfinite(x[:, cols])
            if lost.any():  # e.g. a ratio to a tiny reference: left missing
                picked = list(np.asarray(periods, dtype=object)[cols])
                cells = [
                    (units[u], picked[t])
                    for u, t in zip(*np.nonzero(lost), strict=True)
                ]
                log.warn(
                    where("method"),
                    f"indicator '{ind.id}': normalising with {p.method} gives no "
                    f"finite number for {examples(cells)}; left missing",
                    "check those values (extreme magnitudes) and the reference, "
                    "or use minmax, rank or goalposts",
                    "non-finite",
                    message_zh=f"指标 '{ind.id}'：用 {p.method} 标准化后，"
                    f"{examples(cells, lang='zh')} 得不到有限数，按缺失处理",
                    hint_zh="请检查这些数值（是否量级极端）和参照值，或改用 minmax、"
                    "rank 或 goalposts",
                )
                got = np.where(lost, np.nan, got)
            out[:, cols, i] = got
    return out


def _scopes(
    x: np.ndarray,
    p: Any,
    units: list[str],
    periods: list[Any],
    where: Callable[[str], str],
    reported: set[str],
    log: IssueLog,
) -> list[tuple[Any, np.ndarray, Bilingual]]:
    """Return (period selector, reference values, label) per scope block."""
    unit_ref: int | None = None
    if isinstance(p, RatioSpec) and p.reference != "mean":
        if p.reference not in units:
            _error_once(
                log,
                reported,
                where("reference"),
                "unknown-unit",
                Bilingual(
                    f"reference unit '{p.reference}' has no data",
                    f"参照地区 '{p.reference}' 没有数据",
                ),
                Bilingual(
                    "use `mean` or the id of a unit in the data",
                    "请使用 `mean`，或数据中某个地区的 id",
                ),
            )
            return []
        unit_ref = units.index(p.reference)

    def ref_of(block: np.ndarray) -> np.ndarray:
        return (block[unit_ref] if unit_ref is not None else block).ravel()

    if p.scope == "panel":
        return [(slice(None), ref_of(x), Bilingual("over the panel", "在整个面板上"))]
    if p.scope == "period":
        return [
            (
                [j],
                ref_of(x[:, [j]]),
                Bilingual(f"in period {period!r}", f"在时期 {period!r} 中"),
            )
            for j, period in enumerate(periods)
        ]
    if p.base_period not in periods:
        _error_once(
            log,
            reported,
            where("base_period"),
            "bad-base-period",
            Bilingual(
                f"base period {p.base_period!r} is not among the periods {periods}",
                f"基期 {p.base_period!r} 不在时期 {periods} 之中",
            ),
            Bilingual(
                "set base_period to a period with data",
                "请将 base_period 设为有数据的时期",
            ),
        )
        return []
    b = periods.index(p.base_period)
    label = Bilingual(
        f"in base period {p.base_period!r}", f"在基期 {p.base_period!r} 中"
    )
    return [(slice(None), ref_of(x[:, [b]]), label)]


def _error_once(
    log: IssueLog,
    reported: set[str],
    where: str,
    code: str,
    message: Bilingual,
    hint: Bilingual,
) -> None:
    """Log an error for a spec key unless that key was already reported."""
    if where not in reported:
        reported.add(where)
        log.error(
            where, str(message), str(hint), code, message_zh=message.zh, hint_zh=hint.zh
        )
