"""The `Dataset` of a spec: every table read and aligned into arrays.

Owns `load_data` and the assembling of the units table and the data tables into
`[unit, period, indicator]` values: indicators in no table or in two, unknown
units, periods, coverage and denominators. It never parses cells or reads files
itself (that is `tables`, `units`, `datatable`), and never computes scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from gdindex.errors import DataError, Issue, IssueLog, examples, is_are, plural
from gdindex.io.datatable import Rejected, Table, from_frame, read_data_table
from gdindex.io.tables import InputFile
from gdindex.io.units import denominator_names, read_units
from gdindex.spec import IndexSpec, Period


@dataclass
class Dataset:
    """The data of one spec, aligned to arrays.

    `values[u, p, i]` holds the raw value of indicator `i` for unit `u` in period
    `p` (NaN when missing); axes follow `units`, `periods` and `indicators`.
    """

    units: list[str]
    periods: list[Period]
    indicators: list[str]
    values: np.ndarray
    unit_table: pl.DataFrame
    inputs: list[InputFile] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    denominators: dict[str, np.ndarray] = field(default_factory=dict)
    """`[unit, period]` values of every `denominator:` column, by name."""
    groups: dict[str, np.ndarray] = field(default_factory=dict)
    """`[unit, period]` group labels (object; None: no group) by grouping column:
    the same in every period unless the units table is in panel form."""
    group_weights: np.ndarray | None = None
    """`[unit, period]` group weights (`units.group_weight`), or None."""
    rejected: Rejected = field(default_factory=Rejected)
    """What errors took out of the tables, over all of them: later checks (here
    and in `check`) do not report what follows from it."""
    unused: dict[str, list[str]] = field(default_factory=dict)
    """Data columns (long form: indicator names) the spec never uses, by table."""

    def unused_notice(self) -> Issue | None:
        """One notice listing the data columns the spec never uses (an indicator
        that was never declared?), for `validate` and `check`; None when every
        column is used."""
        if not self.unused:
            return None
        count = sum(len(cols) for cols in self.unused.values())
        listed = "; ".join(f"{w}: {examples(c, 10)}" for w, c in self.unused.items())
        listed_zh = "；".join(
            f"{w}：{examples(c, 10, 'zh')}" for w, c in self.unused.items()
        )
        return Issue(
            "data",
            f"{is_are(count, 'data column')} not used by the spec: {listed}",
            "declare them as indicators (and place them in the tree) if they are "
            "meant to count, or ignore this notice",
            "warning",
            "unused-column",
            message_zh=f"有 {count} 个数据列没有在配置文件中使用：{listed_zh}",
            hint_zh="如果这些列应当计入，请把它们声明为指标（并放入指标树）；"
            "否则可忽略此提示",
        )

    @property
    def period_dtype(self) -> pl.DataType:
        return (
            pl.Int64() if all(isinstance(p, int) for p in self.periods) else pl.String()
        )


def load_data(
    spec: IndexSpec,
    frames: Sequence[pl.DataFrame] | None = None,
    *,
    strict: bool = True,
) -> Dataset:
    """Read every table of a spec and align it into a `Dataset`.

    Args:
        spec: the validated spec.
        frames: optional in-memory tables replacing `spec.data` one for one (same
            column conventions as the files).
        strict: raise on problems found after the tables were read (duplicates,
            unknown units, bad cells, …). With `strict=False` (the data audit) the
            dataset is returned with those errors in `issues`; tables that cannot
            be read at all still raise.

    Raises:
        DataError: listing every problem found (missing files and columns,
            unreadable cells, duplicate rows, unknown units, empty periods, …).
    """
    log = IssueLog()
    wanted = {ind.id for ind in spec.indicators} | denominator_names(spec)
    unit_table, units_info, panel = read_units(spec, log)
    inputs: list[InputFile] = [units_info] if units_info else []
    tables: list[Table] = []
    unreadable = False
    for i, table in enumerate(spec.data):
        if frames is not None and i < len(frames):
            t = from_frame(frames[i], table, wanted, f"data[{i}] (in memory)", log)
        else:
            t, info = read_data_table(spec, i, table, wanted, log)
            if info:
                inputs.append(info)
        if t is not None:
            tables.append(t)
        else:
            unreadable = True
    # Bad cells still leave a table to check; a table that could not be read at all
    # would only cause follow-up errors (its indicators "missing"), so stop here; so
    # does a units table that names a unit twice (no cell would know its row).
    twice = any(i.code == "duplicate-unit" for i in log.errors)
    if unreadable or twice or unit_table is None and spec.units is not None:
        log.raise_if_errors(DataError, "cannot read the data", "无法读取数据")
    dataset = _assemble(spec, tables, unit_table, log, panel)
    dataset.inputs = inputs
    ignored = _known_columns(spec)
    dataset.unused = {
        t.where: cols
        for t in tables
        if (cols := [c for c in t.unused if c not in ignored])
    }
    if not strict:
        dataset.issues = log.issues
        return dataset
    log.raise_if_errors(DataError, "the data do not fit the spec", "数据与配置文件不符")
    dataset.issues = log.warnings
    return dataset


def _known_columns(spec: IndexSpec) -> set[str]:
    """Columns with a role besides indicators: the units table's id, names, groups
    and group weight (a data table may repeat them)."""
    units = spec.units
    if units is None:
        return set()
    names = [units.name.zh, units.name.en] if units.name else []
    known = {units.id, units.group_weight, units.period, *names}
    known |= {g.column for g in units.groups}
    return {c for c in known if c}


def _period_key(p: Period) -> tuple[int, Any]:
    return (0, p) if isinstance(p, int) else (1, str(p))


def _assemble(
    spec: IndexSpec,
    tables: list[Table],
    unit_table: pl.DataFrame | None,
    log: IssueLog,
    panel: pl.DataFrame | None = None,
) -> Dataset:
    indicators = [ind.id for ind in spec.indicators]
    used = {node.id for node, _ in spec.tree.walk() if node.is_leaf}
    owner: dict[str, str] = {}
    den_tables: dict[str, Table] = {}
    for t in tables:
        ids = set(indicators)
        for name in [c for c in t.indicators if c not in ids]:
            den_tables.setdefault(name, t)
        t.indicators = [c for c in t.indicators if c in ids]
    for t in tables:
        for ind in t.indicators:
            if ind in owner:
                log.error(
                    t.where,
                    f"indicator '{ind}' is also in {owner[ind]}",
                    "keep each indicator in one table",
                    "duplicate-column",
                    message_zh=f"指标 '{ind}' 也出现在 {owner[ind]} 中",
                    hint_zh="每个指标只放在一个表中",
                )
            owner.setdefault(ind, t.where)
    for ind in indicators:
        if ind not in owner and ind in used:  # unused ones are a spec warning
            log.error(
                "data",
                f"indicator '{ind}' is in no data table",
                "add its column (wide) or rows (long), or a `rename:` alias",
                "missing-indicator",
                message_zh=f"指标 '{ind}' 不在任何数据表中",
                hint_zh="请添加它的列（宽表）或行（长表），或设置 `rename:` 别名",
            )

    kinds = {t.where: t.frame["period"].dtype == pl.String for t in tables}
    if len(set(kinds.values())) > 1:
        numbers = ", ".join(w for w, text in kinds.items() if not text)
        texts = ", ".join(w for w, text in kinds.items() if text)
        log.error(
            "data",
            f"periods are numbers in {numbers} but text in {texts}",
            "write periods one way in every table (2021, or 2021H1 everywhere)",
            "period-types",
            message_zh=f"时期在 {numbers} 中是数字，在 {texts} 中却是文本",
            hint_zh="请在所有表中统一时期的写法（都写 2021，或都写 2021H1）",
        )
        return Dataset([], [], indicators, np.empty((0, 0, len(indicators))), _EMPTY)
    keys = (
        pl.concat(
            [t.frame.select("unit", "period") for t in tables], how="vertical_relaxed"
        )
        if tables
        else pl.DataFrame({"unit": [], "period": []})
    )
    found_periods = sorted(
        {p for p in keys["period"].to_list() if p is not None}, key=_period_key
    )
    if spec.periods is not None:
        periods = list(spec.periods)
        extra = [p for p in found_periods if p not in periods]
        if extra:
            log.warn(
                "data",
                f"rows for periods {examples(extra)} are not in `periods` "
                "and are ignored",
                "add them to `periods:` to use them",
                "ignored-periods",
                message_zh=f"时期 {examples(extra, lang='zh')} 的数据行不在 `periods` "
                "中，已忽略",
                hint_zh="如需使用，请把这些时期加入 `periods:`",
            )
    else:
        periods = found_periods
    data_units = sorted({u for u in keys["unit"].to_list() if u})
    if unit_table is not None:
        # A units-table row without an id was reported: the data's units it held
        # are not "unknown" (a follow-on error), so they are not reported again.
        lost_ids = bool((unit_table["unit"] == "").any())
        unit_table = unit_table.filter(pl.col("unit") != "")
        known = unit_table["unit"].to_list()
        known_set = set(known)
        unknown = [u for u in data_units if u not in known_set]
        if unknown and not lost_ids:
            where = ", ".join(
                sorted(
                    {
                        t.where
                        for t in tables
                        if t.frame.filter(pl.col("unit").is_in(unknown)).height
                    }
                )
            )
            log.error(
                where,
                f"units not in the units table: {examples(unknown)}",
                "add them to the units table or fix the ids (codes are text: "
                "check leading zeros)",
                "unknown-unit",
                message_zh=f"这些地区不在地区表中：{examples(unknown, lang='zh')}",
                hint_zh="请把它们加入地区表，或更正 id"
                "（代码按文本处理：请检查开头的 0）",
            )
        with_data = set(data_units)
        units = [u for u in known if u in with_data]
        no_data = [u for u in known if u not in with_data]
        if no_data and not any(t.rejected.units for t in tables):
            log.warn(
                "units",
                f"units without any data are left out: {examples(no_data)}",
                "add their rows to the data tables",
                "unit-without-data",
                message_zh="没有任何数据的地区未参与计算："
                f"{examples(no_data, lang='zh')}",
                hint_zh="请在数据表中添加它们的行",
            )
        table = unit_table.filter(pl.col("unit").is_in(units))
    else:
        units = data_units
        table = pl.DataFrame({"unit": units, "name_zh": units, "name_en": units})

    values = np.full((len(units), len(periods), len(indicators)), np.nan)
    if not units or not periods:
        log.error(
            "data",
            "no rows to compute",
            "check the unit and period columns",
            "empty-table",
            message_zh="没有可计算的数据行",
            hint_zh="请检查地区列和时期列",
        )
        return Dataset(units, periods, indicators, values, table)
    u_index = {u: i for i, u in enumerate(units)}
    p_index = {p: i for i, p in enumerate(periods)}
    i_index = {ind: i for i, ind in enumerate(indicators)}
    for t in tables:
        if not t.indicators:
            continue
        ui, pi, keep = _cells_of(t, u_index, p_index)
        cols = [i_index[c] for c in t.indicators]
        block = t.frame.select(t.indicators).to_numpy().astype(np.float64)
        sub = values[ui[keep], pi[keep]]
        sub[:, cols] = block[keep]
        values[ui[keep], pi[keep]] = sub
    rejected = Rejected()
    for t in tables:
        rejected.periods |= t.rejected.periods
        rejected.units |= t.rejected.units
        rejected.indicators |= t.rejected.indicators
        rejected.cells |= t.rejected.cells
    _check_coverage(values, units, periods, indicators, used, rejected, log)
    at = _UnitPeriods(table, panel, u_index, p_index)
    dens = _denominators(spec, den_tables, at, log)
    groups = {
        c.removeprefix("group:"): at.labels(c)
        for c in table.columns
        if c.startswith("group:")
    }
    weights = at.numbers("group_weight") if "group_weight" in table.columns else None
    if panel is not None:
        _check_panel_rows(at, values, units, periods, log)
        for column, labels in groups.items():
            _warn_group_moves(column, labels, units, periods, log)
    table = table.drop([c for c in table.columns if c.startswith("den:")])
    return Dataset(
        units,
        periods,
        indicators,
        values,
        table,
        denominators=dens,
        groups=groups,
        group_weights=weights,
        rejected=rejected,
    )


@dataclass
class _UnitPeriods:
    """Columns of the units table as `[unit, period]` arrays: the same value in
    every period, or per period from the panel form's rows."""

    table: pl.DataFrame
    panel: pl.DataFrame | None
    u_index: dict[str, int]
    p_index: dict[Period, int]

    def _cells(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        assert self.panel is not None
        ui = np.array([self.u_index.get(u, -1) for u in self.panel["unit"].to_list()])
        pi = np.array([self.p_index.get(p, -1) for p in self.panel["period"].to_list()])
        return ui, pi, (ui >= 0) & (pi >= 0)

    def shape(self) -> tuple[int, int]:
        return len(self.u_index), len(self.p_index)

    def numbers(self, column: str) -> np.ndarray:
        if self.panel is None:
            col = self.table[column].cast(pl.Float64).to_numpy()
            return np.repeat(col[:, None], len(self.p_index), axis=1)
        out = np.full(self.shape(), np.nan)
        ui, pi, keep = self._cells()
        col = self.panel[column].cast(pl.Float64).to_numpy()
        out[ui[keep], pi[keep]] = col[keep]
        return out

    def labels(self, column: str) -> np.ndarray:
        out = np.full(self.shape(), None, dtype=object)
        if self.panel is None:
            col = np.array(self.table[column].to_list(), dtype=object)
            out[:] = col[:, None]
            return out
        ui, pi, keep = self._cells()
        col = np.array(self.panel[column].to_list(), dtype=object)
        out[ui[keep], pi[keep]] = col[keep]
        return out

    def present(self) -> np.ndarray:
        """Which (unit, period) has a row in the units table."""
        out = np.ones(self.shape(), dtype=bool)
        if self.panel is not None:
            out[:] = False
            ui, pi, keep = self._cells()
            out[ui[keep], pi[keep]] = True
        return out


def _warn_group_moves(
    column: str,
    labels: np.ndarray,
    units: list[str],
    periods: list[Period],
    log: IssueLog,
) -> None:
    """Units that change group between periods: a group's growth then compares
    different sets of units (A and C in 2021, C alone in 2022)."""
    moves: list[str] = []
    touched: dict[str, set[str]] = {}
    for p in range(1, len(periods)):
        for u, unit in enumerate(units):
            before, after = labels[u, p - 1], labels[u, p]
            if before is None or after is None or before == after:
                continue
            moves.append(f"{unit} {before} → {after} ({periods[p - 1]} → {periods[p]})")
            span = f"{periods[p - 1]} → {periods[p]}"
            touched.setdefault(span, set()).update((str(before), str(after)))
    if not moves:
        return
    groups = "; ".join(f"{', '.join(sorted(g))} in {s}" for s, g in touched.items())
    groups_zh = "；".join(f"{', '.join(sorted(g))}（{s}）" for s, g in touched.items())
    log.warn(
        f"units: column '{column}'",
        f"{plural(len(moves), 'unit')} {'changes' if len(moves) == 1 else 'change'} "
        f"group between periods: {examples(moves)}; the growth of groups "
        f"{groups} compares different sets of units",
        "read those groups' growth with care (it mixes membership and "
        "performance), or keep each unit in one group over the panel",
        "group-membership-changes",
        message_zh=f"{len(moves)} 个地区在各时期之间变更了分组："
        f"{examples(moves, lang='zh')}；分组 {groups_zh} 的增速比较的是不同的地区集合",
        hint_zh="解读这些分组的增速时请谨慎（其中混合了成员变动与表现变化），"
        "或让每个地区在整个面板期内只属于一个分组",
        where_zh=f"units：列 '{column}'",
    )


def _check_panel_rows(
    at: _UnitPeriods,
    values: np.ndarray,
    units: list[str],
    periods: list[Period],
    log: IssueLog,
) -> None:
    """Units with data in a period the panel-form units table has no row for."""
    lacking = (~np.isnan(values)).any(axis=2) & ~at.present()
    assert at.panel is not None
    # a unit with a row rejected for its empty period: that error is the finding
    unread = set(at.panel.filter(pl.col("period").is_null())["unit"].to_list())
    lacking[[u for u, unit in enumerate(units) if unit in unread]] = False
    if lacking.any():
        shown = [
            f"{units[u]} {periods[p]}"
            for u, p in zip(*np.nonzero(lacking), strict=True)
        ]
        log.warn(
            "units",
            "the units table has no row for "
            f"{plural(len(shown), 'unit-period')} with data: "
            f"{examples(shown)}; they have no group, group weight or units-table "
            "denominator there",
            "add their rows to the units table (one row per unit and period)",
            "unit-period-missing",
            message_zh=f"有数据的 {len(shown)} 个地区-时期在地区表中没有对应的行："
            f"{examples(shown, lang='zh')}；它们在这些时期没有分组、分组权重或来自"
            "地区表的分母",
            hint_zh="请在地区表中添加它们的行（每个地区每个时期一行）",
        )


def _cells_of(
    t: Table, u_index: dict[str, int], p_index: dict[Period, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit and period positions of a table's rows, and which rows are in the
    dataset (units and periods it keeps)."""
    ui = np.array([u_index.get(u, -1) for u in t.frame["unit"].to_list()])
    pi = np.array([p_index.get(p, -1) for p in t.frame["period"].to_list()])
    return ui, pi, (ui >= 0) & (pi >= 0)


def _denominators(
    spec: IndexSpec,
    tables: dict[str, Table],
    at: _UnitPeriods,
    log: IssueLog,
) -> dict[str, np.ndarray]:
    """`[unit, period]` arrays of the denominator columns: from a data table (same
    unit and period) or else the units table (the same value every period, or per
    period in panel form)."""
    out: dict[str, np.ndarray] = {}
    ids = {ind.id for ind in spec.indicators}
    for i, ind in enumerate(spec.indicators):
        name = ind.denominator
        if name is None or name in out or name in ids:
            continue  # an indicator denominator is taken from `values` by compute
        arr = np.full(at.shape(), np.nan)
        t = tables.get(name)
        if t is not None:
            ui, pi, keep = _cells_of(t, at.u_index, at.p_index)
            col = t.frame[name].cast(pl.Float64).to_numpy()
            arr[ui[keep], pi[keep]] = col[keep]
        elif f"den:{name}" in at.table.columns:
            arr = at.numbers(f"den:{name}")
        else:
            log.error(
                f"indicators[{i}].denominator",
                f"denominator '{name}' of indicator '{ind.id}' is a column of no "
                "data table nor of the units table",
                "add the column (e.g. population) to a data table or the units "
                "table, or fix the name",
                "missing-column",
                message_zh=f"指标 '{ind.id}' 的分母 '{name}' 既不是任何数据表的列，"
                "也不是地区表的列",
                hint_zh="请把该列（如 population 人口）加入某个数据表或地区表，"
                "或更正名称",
            )
            continue
        out[name] = arr
    return out


def _check_coverage(
    values: np.ndarray,
    units: list[str],
    periods: list[Period],
    indicators: list[str],
    used: set[str],
    rejected: Rejected,
    log: IssueLog,
) -> None:
    """Empty periods and all-missing indicators, except where rows or cells an
    error already reported are the cause."""
    present = ~np.isnan(values)
    for p, period in enumerate(periods):
        if rejected.touches_period(period):
            continue
        if not present[:, p, :].any():
            log.error(
                "data",
                f"period {period!r} has no data",
                "add its rows or remove it from `periods:`",
                "empty-period",
                message_zh=f"时期 {period!r} 没有数据",
                hint_zh="请添加该时期的行，或把它从 `periods:` 中删除",
            )
    for i, ind in enumerate(indicators):
        if ind not in used or ind in rejected.indicators:
            continue
        if not present[:, :, i].any():
            log.error(
                f"data: indicator '{ind}'",
                "every value is missing",
                "fill the column or remove the indicator from the tree",
                "all-missing",
                message_zh="全部数值缺失",
                hint_zh="请填写该列，或把该指标从指标树中删除",
                where_zh=f"data：指标 '{ind}'",
            )
            continue
        for p, period in enumerate(periods):
            if rejected.touches_period(period):
                continue
            if present[:, p, :].any() and not present[:, p, i].any():
                log.warn(
                    f"data: indicator '{ind}'",
                    f"every value is missing in period {period!r}",
                    "its parent is computed from the other children there",
                    "missing-period",
                    message_zh=f"时期 {period!r} 的数值全部缺失",
                    hint_zh="该时期其上级节点将由其他子节点计算",
                    where_zh=f"data：指标 '{ind}'",
                )


_EMPTY = pl.DataFrame(
    schema={"unit": pl.String, "name_zh": pl.String, "name_en": pl.String}
)
