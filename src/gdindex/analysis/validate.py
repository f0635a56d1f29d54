"""Data-versus-spec checks without computing: what `gdindex validate` runs.

Returns every issue (errors and warnings) instead of raising on the first problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from gdindex.errors import GdindexError, Issue, IssueLog, examples
from gdindex.spec import IndexSpec, check_spec, load_spec

_UNFILLED_CODES = {"empty-period", "all-missing"}


def _unfilled(values: np.ndarray, found: list[Issue]) -> bool:
    """No value at all, and nothing wrong but the emptiness itself. Rows for other
    periods than the spec's (`ignored-periods`) mean the data are not a blank
    template but a `periods:` list none of which are in the data: an error."""
    errors = [i for i in found if i.severity == "error"]
    return (
        values.size > 0
        and bool(np.isnan(values).all())
        and all(i.code in _UNFILLED_CODES for i in errors)
        and not any(i.code == "ignored-periods" for i in found)
    )


def shared_names(spec: IndexSpec, table: pl.DataFrame | None) -> list[Issue]:
    """Warnings for names that several units share in one language (two 鼓楼区):
    legal, but a reader cannot tell them apart and `explain` needs their ids."""
    if table is None or spec.units is None or spec.units.name is None:
        return []
    out = []
    for lang in ("zh", "en"):
        column = getattr(spec.units.name, lang)
        key = f"name_{lang}"
        if not column or key not in table.columns:
            continue
        named = table.select("unit", key).unique(maintain_order=True)
        named = named.filter(pl.col(key).is_not_null() & (pl.col(key) != ""))
        shared = named.group_by(key, maintain_order=True).agg(pl.col("unit"))
        shared = shared.filter(pl.col("unit").list.len() > 1)
        if shared.height:
            shown = [f"{n} ({', '.join(us)})" for n, us in shared.iter_rows()]
            out.append(
                Issue(
                    f"{spec.units.file}: column '{column}'",
                    f"units share a name: {examples(shown)}",
                    "tell them apart in the names (e.g. 鼓楼区（福州）) if readers "
                    "will see them; `explain` takes the unit id for these",
                    "warning",
                    "shared-unit-name",
                    message_zh=f"有地区同名：{examples(shown, lang='zh')}",
                    hint_zh="如果读者会看到这些名称，请在名称中加以区分（例如 "
                    "鼓楼区（福州））；`explain` 对这些地区请用地区 id",
                    where_zh=f"{spec.units.file}：列 '{column}'",
                )
            )
    return out


def validate(
    spec: IndexSpec | str | Path, overrides: Sequence[str] = ()
) -> list[Issue]:
    """Check a spec and its data; return all issues found (never raises on bad input).

    Covers the spec's own rules, then reading every table (files, encodings,
    columns, cells, duplicates, unknown units, empty periods, all-missing indicators),
    then what preparing and normalising the data would report.
    """
    from gdindex.io import load_data
    from gdindex.pipeline.normalise import normalise_values
    from gdindex.pipeline.stages import prepare_dataset

    if not isinstance(spec, IndexSpec):
        try:
            spec = load_spec(spec, overrides)
        except GdindexError as exc:
            return exc.issues or [
                Issue("spec", str(exc), message_zh=exc.headline("zh"))
            ]
    issues = [i for i in check_spec(spec) if i.severity == "warning"]
    try:
        dataset = load_data(spec, strict=False)
    except GdindexError as exc:
        return issues + exc.issues
    notice = dataset.unused_notice()
    if notice is not None:
        issues.append(notice)
    issues.extend(shared_names(spec, dataset.unit_table))
    if _unfilled(dataset.values, dataset.issues):
        # A template as `gdindex init` writes it: rows for every unit and period,
        # no value yet. compute refuses it, so validate does, with one error that
        # says what to do next instead of one per period and indicator.
        files = ", ".join(t.file for t in spec.data)
        return issues + [
            Issue(
                files,
                "the data have no values yet (every indicator cell is empty)",
                "fill in the template, then run validate again and compute",
                "error",
                "unfilled-template",
                message_zh="数据中还没有数值（所有指标单元格均为空）",
                hint_zh="请填写模板，然后再次运行 validate 并计算",
            )
        ]
    if any(i.severity == "error" for i in dataset.issues):
        return issues + dataset.issues
    log = IssueLog(issues + dataset.issues)
    # Preparing and normalising are cheap and find what only the data reveal:
    # zero denominators, logs of values ≤ 0, an empty screen, constant indicators.
    prep = prepare_dataset(spec, dataset, log)
    normalise_values(prep.treated, spec, dataset.units, dataset.periods, log)
    if not log.errors:
        # What only aggregating reveals (a geometric, harmonic or power mean over
        # children whose worst unit scores 0; data-driven weights over a constant
        # pool): run the computation as `compute` would, writing nothing, so that
        # whatever `compute` refuses, `validate` reports.
        from gdindex.pipeline import GROWTH_CODES, compute

        try:
            result = compute(spec, dataset=dataset)
        except GdindexError as exc:
            log.extend(exc.issues)
        else:
            seen = set(log.issues)
            # growth warnings are about computed scores, which validate does not show
            log.extend(
                i for i in result.issues if i not in seen and i.code not in GROWTH_CODES
            )
    return log.issues
