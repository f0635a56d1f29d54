"""Reading the units table (`units:` of the spec) into the unit frame.

Owns the unit id, name, group, group-weight and denominator columns of the units
table, and their checks (empty or duplicate ids, bad group weights). In panel form
(`units: {period: <column>}`) the table has one row per unit and period: groups,
group weights and denominators may change over time, names may not. It never reads
the data tables or aligns the dataset.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from gdindex.errors import IssueLog, examples, numbered
from gdindex.io.headers import missing_columns
from gdindex.io.numeric import (
    parse_numbers,
    parse_periods,
    percent_mix,
    sha256_of,
    unread_hint,
)
from gdindex.io.tables import InputFile, first_row, read_table
from gdindex.spec import IndexSpec, UnitsSpec


def read_units(
    spec: IndexSpec, log: IssueLog
) -> tuple[pl.DataFrame | None, InputFile | None, pl.DataFrame | None]:
    """Read the units table: `unit`, `name_zh`, `name_en`, group and weight columns.

    Returns the unit frame (one row per unit, in first-appearance order; rows whose
    empty id was reported have the id ""), the file read, and in panel form the
    frame of every (unit, period) row: `unit, period`, `group:<column>`,
    `group_weight`, `den:<name>` (the unit frame then holds the latest period's
    groups and weights, for labels); rows whose empty period was reported come
    last, with a null period.
    """
    units = spec.units
    if units is None:
        return None, None, None
    path = spec.resolve(units.file)
    where = f"{units.file} (units.file)"
    numeric = denominator_names(spec) | {units.group_weight or ""}
    frame, encoding = read_table(
        path,
        log,
        encoding=units.encoding,
        separator=units.separator,
        # every column but the numbers is text (ids keep leading zeros)
        text_columns=_text_columns(units, numeric),
        label=where,
        sheet=units.sheet,
        skip_rows=units.skip_rows,
        decimal=units.decimal,
    )
    if frame is None:
        return None, None, None
    wanted = {"id": units.id}
    if units.period:
        wanted["period"] = units.period
    if units.name and units.name.zh:
        wanted["name.zh"] = units.name.zh
    if units.name and units.name.en:
        wanted["name.en"] = units.name.en
    for group in units.groups:
        wanted[f"groups ({group.column})"] = group.column
    if units.group_weight:
        wanted["group_weight"] = units.group_weight
    if not missing_columns(frame, wanted, where, log):
        return None, None, None
    first = first_row(encoding, units.skip_rows)
    out = _units_frame(frame, units, where, log, first)
    for name in sorted(denominator_names(spec)):
        if name in frame.columns and name != units.id:
            values, bad = parse_numbers(frame[name], decimal=units.decimal)
            idx = np.flatnonzero(bad.to_numpy())
            if len(idx):
                rows, cells = (idx + first).tolist(), frame[name].gather(idx).to_list()
                log.error(
                    f"{where}: column '{name}'",
                    "denominator cells that are not numbers in "
                    f"{numbered('row', rows)}: {examples(cells)}",
                    unread_hint(cells, units.decimal),
                    "non-numeric",
                    message_zh=f"{numbered('row', rows, 'zh')}的分母单元格不是数字："
                    f"{examples(cells, lang='zh')}",
                    hint_zh=unread_hint(cells, units.decimal, "zh"),
                    where_zh=f"{where}：列 '{name}'",
                )
            mix = percent_mix(frame[name], units.decimal)
            if mix is not None:
                percent, plain = (
                    [f"row {i + first}: {frame[name][i]!r}" for i in idx[:3]]
                    for idx in mix
                )
                percent_zh, plain_zh = (
                    [f"第 {i + first} 行：{frame[name][i]!r}" for i in idx[:3]]
                    for idx in mix
                )
                log.warn(
                    f"{where}: column '{name}'",
                    "mixes percent text and fractions, read 100× apart in scale: "
                    f"{', '.join(percent)} beside {', '.join(plain)}",
                    "write the column one way: all as percentages or all as fractions",
                    "percent-mix",
                    message_zh="百分数文本与小数混用，两者读出的量级相差 100 倍："
                    f"{'，'.join(percent_zh)}；与之并存的有 {'，'.join(plain_zh)}",
                    hint_zh="请统一该列的写法：全部写成百分数，或全部写成小数",
                    where_zh=f"{where}：列 '{name}'",
                )
            out = out.with_columns(values.alias(f"den:{name}"))
    info = InputFile("units", path, sha256_of(path), encoding, frame.height)
    if units.period:
        panel = _panel(frame, out, units, where, log, first)
        return _latest(out, panel), info, panel
    return out, info, None


def _text_columns(units: UnitsSpec, numeric: set[str]) -> list[str]:
    """The units table's columns read as text: all but the denominators and group
    weights (named by the spec; the others are ids, names, groups, periods)."""
    named = [units.id, units.period or ""] + [g.column for g in units.groups]
    if units.name:
        named += [units.name.zh or "", units.name.en or ""]
    return [c for c in named if c and c not in numeric]


def denominator_names(spec: IndexSpec) -> set[str]:
    """Columns named by `denominator:` that are not indicators themselves."""
    ids = {ind.id for ind in spec.indicators}
    return {
        ind.denominator
        for ind in spec.indicators
        if ind.denominator and ind.denominator not in ids
    }


def _units_frame(
    frame: pl.DataFrame, units: UnitsSpec, where: str, log: IssueLog, first: int = 2
) -> pl.DataFrame:
    ids = frame[units.id].cast(pl.String).str.strip_chars()
    cols: dict[str, pl.Series] = {"unit": ids}
    for lang in ("zh", "en"):
        col = getattr(units.name, lang) if units.name else None
        cols[f"name_{lang}"] = (
            frame[col].cast(pl.String).str.strip_chars() if col else ids.clone()
        )
    for group in units.groups:
        cols[f"group:{group.column}"] = (
            frame[group.column].cast(pl.String).str.strip_chars()
        )
    if units.group_weight:
        weights, bad = parse_numbers(frame[units.group_weight], decimal=units.decimal)
        # unreadable cells come back as null too: one check covers all three cases
        invalid = weights.is_null() | (weights < 0).fill_null(False)
        if invalid.any():
            rows = (np.flatnonzero(invalid.to_numpy()) + first).tolist()
            unread = frame[units.group_weight].filter(bad)
            log.error(
                f"{where}: column '{units.group_weight}'",
                "missing, negative or non-numeric group weights in "
                + numbered("row", rows),
                "give every unit a plain number ≥ 0 (e.g. its population)"
                + _decimal_hint(unread, units.decimal),
                message_zh=f"{numbered('row', rows, 'zh')}的分组权重缺失、为负"
                "或不是数字",
                hint_zh="请给每个地区一个 ≥ 0 的普通数字（例如其人口）"
                + _decimal_hint(unread, units.decimal, "zh"),
                where_zh=f"{where}：列 '{units.group_weight}'",
            )
        cols["group_weight"] = weights
    out = pl.DataFrame(cols)
    empty = np.flatnonzero(
        out["unit"].is_null().to_numpy()
        | (out["unit"] == "").fill_null(True).to_numpy()
    )
    if len(empty):
        rows = (empty + first).tolist()
        log.error(
            f"{where}: column '{units.id}'",
            f"empty unit ids in {numbered('row', rows)}",
            "give every row an id or delete it",
            message_zh=f"{numbered('row', rows, 'zh')}的地区 id 为空",
            hint_zh="请给每一行一个 id，或删除该行",
            where_zh=f"{where}：列 '{units.id}'",
        )
    dup = out.filter(pl.col("unit").is_duplicated() & (pl.col("unit") != ""))
    if dup.height and not units.period:  # panel form: checked by (unit, period)
        twice = sorted(set(dup["unit"].to_list()))
        log.error(
            f"{where}: column '{units.id}'",
            f"duplicate unit ids: {examples(twice)}",
            "each unit must appear once in the units table",
            "duplicate-unit",
            message_zh=f"地区 id 重复：{examples(twice, lang='zh')}",
            hint_zh="每个地区在地区表中只能出现一次",
            where_zh=f"{where}：列 '{units.id}'",
        )
    return out.with_columns(pl.col("unit").fill_null(""))


def _decimal_hint(cells: pl.Series, decimal: str, lang: str = "en") -> str:
    """`; <how to read the cells>` when unread cells look written with the other
    decimal mark (`0,975`, or `1.5` under `decimal: ","`) or space thousands."""
    hint = unread_hint(cells.to_list(), decimal)
    if "`decimal:" not in hint and "spaces" not in hint:
        return ""
    return (
        f"；{unread_hint(cells.to_list(), decimal, 'zh')}"
        if lang == "zh"
        else f"; {hint}"
    )


def _panel(
    frame: pl.DataFrame,
    rows: pl.DataFrame,
    units: UnitsSpec,
    where: str,
    log: IssueLog,
    first: int,
) -> pl.DataFrame:
    """The (unit, period) rows of a units table in panel form; reports empty
    periods, duplicate (unit, period) rows and names that change over time."""
    column = units.period or ""
    periods = parse_periods(frame[column])
    kinds = {type(p) for p in periods if p is not None}
    series = (
        pl.Series("period", periods, dtype=pl.Int64)
        if kinds <= {int}
        else pl.Series(
            "period", [None if p is None else str(p) for p in periods], dtype=pl.String
        )
    )
    panel = rows.with_columns(
        series, pl.Series("_row", range(first, first + len(rows)))
    )
    no_period = panel.filter(pl.col("period").is_null() & (pl.col("unit") != ""))
    if no_period.height:
        at = no_period["_row"].to_list()
        log.error(
            f"{where}: column '{column}'",
            f"empty periods in {numbered('row', at)}",
            "give every row its period (the table is in panel form: `units.period`)",
            "missing-key",
            message_zh=f"{numbered('row', at, 'zh')}的时期为空",
            hint_zh="请给每一行填上时期（该表为面板形式：`units.period`）",
            where_zh=f"{where}：列 '{column}'",
        )
    # rows without a period stay at the end (period null, matching no period):
    # the dataset then knows their unit had a row, so "no row for …" is not said
    unread = no_period
    panel = panel.filter(pl.col("period").is_not_null() & (pl.col("unit") != ""))
    dup = panel.filter(pl.struct("unit", "period").is_duplicated())
    if dup.height:
        found = list(
            dup.group_by("unit", "period", maintain_order=True)
            .agg(pl.col("_row"))
            .iter_rows()
        )
        shown = [f"{u}, {p} in rows {r}" for u, p, r in found]
        shown_zh = [f"{u}、{p}（第 {r} 行）" for u, p, r in found]
        log.error(
            where,
            f"duplicate (unit, period) rows: {examples(shown)}",
            "keep one row per unit × period",
            "duplicate-unit",
            message_zh=f"（地区, 时期）行重复：{examples(shown_zh, lang='zh')}",
            hint_zh="每个地区 × 时期只保留一行",
        )
    for lang in ("zh", "en"):
        col = getattr(units.name, lang) if units.name else None
        if not col:
            continue
        names = panel.group_by("unit", maintain_order=True).agg(
            pl.col(f"name_{lang}").unique(maintain_order=True)
        )
        changed = names.filter(pl.col(f"name_{lang}").list.len() > 1)
        if changed.height:
            shown = [
                f"{u}: {' → '.join(str(n) for n in ns)}"
                for u, ns in changed.iter_rows()
            ]
            log.error(
                f"{where}: column '{col}'",
                f"unit names change between periods: {examples(shown)}",
                "a unit keeps its name in every period (a renamed city is a new "
                "unit id, or give it one name)",
                "unit-name-changes",
                message_zh="地区名称在各时期之间发生变化："
                f"{examples(shown, lang='zh')}",
                hint_zh="同一地区在各时期应保持同一名称（更名的城市请用新的地区 id，"
                "或统一用一个名称）",
                where_zh=f"{where}：列 '{col}'",
            )
    return pl.concat([panel, unread]).drop("_row")


def _latest(rows: pl.DataFrame, panel: pl.DataFrame) -> pl.DataFrame:
    """One row per unit (first-appearance order): its latest period's values (and
    one row without an id when some rows had none: the loader says so)."""
    order = rows.select("unit").unique(maintain_order=True)
    latest = panel.sort("period", maintain_order=True).group_by("unit").last()
    return order.join(latest.drop("period"), on="unit", how="left")
