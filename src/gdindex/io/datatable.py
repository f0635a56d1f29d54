"""Reading one `data:` table (wide or long) into indicator columns.

Owns the unit and period keys of a data table, `rename:` aliases, the long-to-wide
pivot, numeric cells (`na_values:`) and the reports of bad cells and duplicate
rows. It never aligns tables into the dataset or reads the units table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from gdindex.errors import IssueLog, examples, is_are, numbered, plural
from gdindex.io.headers import missing_columns
from gdindex.io.numeric import (
    parse_numbers,
    parse_periods,
    percent_mix,
    sha256_of,
    unread_hint,
)
from gdindex.io.tables import InputFile, first_row, read_table
from gdindex.spec import DataTable, IndexSpec


@dataclass
class Table:
    """One data table, read: its rows keyed by unit and period, and the indicator
    (or denominator) columns it holds."""

    frame: pl.DataFrame  # unit, period, <indicator columns>, _row
    indicators: list[str]
    where: str
    unused: list[str] = field(default_factory=list)
    """Columns (wide) or indicator names (long) the spec never asks for."""
    rejected: Rejected = field(default_factory=lambda: Rejected())
    """What an error already reported took out of the table."""


@dataclass
class Rejected:
    """Rows and cells an error took out of a table (empty unit id or period, a cell
    that is not a number): the later checks must not report what follows from
    that (duplicate `None` rows, an empty period, an all-missing indicator)."""

    periods: set[object] = field(default_factory=set)
    """Periods of rejected rows; `None` in it: a row without a period."""
    units: bool = False
    """Some row lost its unit id."""
    indicators: set[str] = field(default_factory=set)
    """Indicators with cells that were not numbers."""
    cells: set[tuple[object, object, str]] = field(default_factory=set)
    """(unit, period, indicator) of the cells that were not numbers."""

    def __bool__(self) -> bool:
        return bool(self.periods or self.units or self.indicators)

    def touches_period(self, period: object) -> bool:
        """Rows of `period` (or rows without a period) were taken out, or cells of
        it were not numbers."""
        return (
            period in self.periods
            or None in self.periods
            or any(p == period for _, p, _ in self.cells)
        )

    def touches_unit(self, unit: object) -> bool:
        """Rows lost their unit id, or cells of `unit` were not numbers."""
        return self.units or any(u == unit for u, _, _ in self.cells)

    def rows_dropped(self) -> bool:
        """Whole rows were taken out (their values are unknown to every check)."""
        return bool(self.periods) or self.units


def read_data_table(
    spec: IndexSpec, index: int, table: DataTable, wanted: set[str], log: IssueLog
) -> tuple[Table | None, InputFile | None]:
    path = spec.resolve(table.file)
    text_cols = [table.unit, table.period]
    if table.format == "long":
        text_cols += [table.indicator, table.value]
    where = f"{table.file} (data[{index}])"
    frame, encoding = read_table(
        path,
        log,
        encoding=table.encoding,
        separator=table.separator,
        text_columns=text_cols,
        label=where,
        sheet=table.sheet,
        skip_rows=table.skip_rows,
        decimal=table.decimal,
    )
    if frame is None:
        return None, None
    info = InputFile(f"data[{index}]", path, sha256_of(path), encoding, frame.height)
    key_cols = {"unit": table.unit, "period": table.period}
    if table.format == "long":
        key_cols |= {"indicator": table.indicator, "value": table.value}
    if not missing_columns(frame, key_cols, where, log):
        return None, info
    # rows are file lines in a CSV, sheet rows in Excel, record numbers in Parquet
    offset = first_row(encoding, table.skip_rows)
    frame = frame.with_row_index("_row", offset=offset)
    if table.format == "long":
        wide = _long_to_wide(frame, table, wanted, where, log)
    else:
        wide = _wide(frame, table, wanted, where, log)
    if wide is None:
        return None, info
    return wide, info


_UNMERGE_ZH = "（合并单元格只在第一行保留值：请取消合并并逐行填写）"

#: The key columns of a table, in Chinese.
_KEYS_ZH = {"unit": "地区", "period": "时期", "indicator": "指标"}


def _keys(
    frame: pl.DataFrame, table: DataTable, where: str, log: IssueLog
) -> tuple[pl.DataFrame, pl.DataFrame, Rejected]:
    """The unit and period of every row; the rows without one are reported and
    taken out (of the keys and of the frame, returned too)."""
    units = frame[table.unit].cast(pl.String).str.strip_chars()
    periods = parse_periods(frame[table.period])
    bad_unit = np.flatnonzero(
        (units.is_null() | (units == "")).fill_null(True).to_numpy()
    )
    if len(bad_unit):
        rows = frame["_row"].gather(bad_unit).to_list()
        log.error(
            f"{where}: column '{table.unit}'",
            "empty unit ids in " + numbered("row", rows),
            "fill in the unit id or delete the rows (merged cells keep their value "
            "in the first row only: unmerge them and fill every row)",
            "missing-key",
            message_zh=f"{numbered('row', rows, 'zh')}的地区 id 为空",
            hint_zh="请填上地区 id 或删除这些行" + _UNMERGE_ZH,
            where_zh=f"{where}：列 '{table.unit}'",
        )
    bad_period = [frame["_row"][i] for i, p in enumerate(periods) if p is None]
    if bad_period:
        log.error(
            f"{where}: column '{table.period}'",
            f"empty periods in {numbered('row', bad_period)}",
            "fill in the period or delete the rows (merged cells keep their value "
            "in the first row only: unmerge them and fill every row)",
            "missing-key",
            message_zh=f"{numbered('row', bad_period, 'zh')}的时期为空",
            hint_zh="请填上时期或删除这些行" + _UNMERGE_ZH,
            where_zh=f"{where}：列 '{table.period}'",
        )
    kinds = {type(p) for p in periods if p is not None}
    if len(kinds) > 1:
        log.error(
            f"{where}: column '{table.period}'",
            "periods mix numbers and text",
            "write periods one way, e.g. 2021 or 2021H1",
            message_zh="时期混用了数字和文本",
            hint_zh="请统一时期的写法，例如 2021 或 2021H1",
            where_zh=f"{where}：列 '{table.period}'",
        )
    period_series = (
        pl.Series("period", periods, dtype=pl.Int64)
        if kinds <= {int}
        else pl.Series(
            "period", [None if p is None else str(p) for p in periods], dtype=pl.String
        )
    )
    keys = pl.DataFrame({"unit": units, "period": period_series, "_row": frame["_row"]})
    rejected = Rejected()
    drop = np.zeros(frame.height, dtype=bool)
    drop[bad_unit] = True
    drop[[i for i, p in enumerate(periods) if p is None]] = True
    if drop.any():
        rejected.units = len(bad_unit) > 0
        rejected.periods = {periods[i] for i in np.flatnonzero(drop)}
        keep = pl.Series(~drop)
        return keys.filter(keep), frame.filter(keep), rejected
    return keys, frame, rejected


def _wide(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> Table | None:
    for header in table.rename:
        if header not in frame.columns:
            log.warn(
                f"{where}: rename",
                f"header '{header}' not found in the table",
                "check the spelling of the alias",
                "unused-alias",
                message_zh=f"表中没有表头 '{header}'",
                hint_zh="请检查别名的拼写",
            )
    renamed = {h: i for h, i in table.rename.items() if h in frame.columns}
    clashes = [
        f"{h} → {i}"
        for h, i in renamed.items()
        if i in frame.columns and i not in renamed
    ]
    if clashes:
        log.error(
            f"{where}: rename",
            f"aliases onto columns that already exist: {examples(clashes)}",
            "drop the alias or the other column",
            "duplicate-column",
            message_zh=f"别名与已有的列重名：{examples(clashes, lang='zh')}",
            hint_zh="请删去该别名或另一列",
        )
        return None
    frame = frame.rename(renamed)
    keys, frame, rejected = _keys(frame, table, where, log)
    cols = [
        c for c in frame.columns if c in wanted and c not in (table.unit, table.period)
    ]
    parsed: dict[str, pl.Series] = {}
    # Columns Polars already typed as numbers need no parsing: cast them at once.
    numeric = [c for c in cols if frame[c].dtype.is_numeric()]
    if numeric:
        cast = frame.select(pl.col(numeric).cast(pl.Float64))
        block = cast.to_numpy()
        infinite = np.isinf(block)
        for j in np.flatnonzero(infinite.any(axis=0)):
            col = numeric[int(j)]
            _report_bad_cells(frame, col, pl.Series(infinite[:, j]), keys, where, log)
            rejected.indicators.add(col)
            _note_cells(rejected, keys, pl.Series(infinite[:, j]), col)
        if infinite.any():
            block = np.where(infinite, np.nan, block)
            cast = pl.from_numpy(block, schema=numeric).fill_nan(None)
        parsed.update(cast.to_dict())
    for col in cols:
        if col in parsed:
            continue
        values, bad = parse_numbers(frame[col], table.na_values, table.decimal)
        if bad.any():
            _report_bad_cells(frame, col, bad, keys, where, log, decimal=table.decimal)
            rejected.indicators.add(col)
            _note_cells(rejected, keys, bad, col)
        _warn_percent_mix(frame, col, keys, where, log, decimal=table.decimal)
        parsed[col] = values
    out = keys.with_columns(**parsed) if parsed else keys
    _check_duplicates(out, ["unit", "period"], where, log)
    unused = [
        c
        for c in frame.columns
        if c not in wanted and c not in (table.unit, table.period, "_row")
    ]
    return Table(out, cols, where, unused, rejected)


def _long_to_wide(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> Table | None:
    keys, frame, rejected = _keys(frame, table, where, log)
    names = frame[table.indicator].cast(pl.String).str.strip_chars()
    if table.rename:
        names = names.replace(table.rename)
    values, bad = parse_numbers(frame[table.value], table.na_values, table.decimal)
    if bad.any():
        _report_bad_cells(
            frame, table.value, bad, keys, where, log, names, table.decimal
        )
        rejected.indicators |= set(names.filter(bad).to_list())
        for name in set(names.filter(bad).to_list()):
            _note_cells(rejected, keys, bad & (names == name).fill_null(False), name)
    if frame[table.value].dtype == pl.String:
        for name in sorted({n for n in names.to_list() if n in wanted}):
            rows = frame.filter(names == name)
            _warn_percent_mix(
                rows,
                table.value,
                keys.filter(names == name),
                where,
                log,
                name,
                table.decimal,
            )
    long = keys.with_columns(indicator=names, value=values).filter(
        pl.col("indicator").is_in(list(wanted))
    )
    _check_duplicates(long, ["unit", "period", "indicator"], where, log)
    unused = sorted({n for n in names.to_list() if n and n not in wanted})
    if long.height == 0:
        return Table(keys.head(0), [], where, unused, rejected)
    long = long.unique(
        ["unit", "period", "indicator"], keep="first", maintain_order=True
    )
    wide = long.pivot(
        on="indicator",
        index=["unit", "period"],
        values="value",
        aggregate_function=None,
    )
    rows = long.group_by(["unit", "period"], maintain_order=True).agg(
        pl.col("_row").min()
    )
    wide = wide.join(rows, on=["unit", "period"], how="left", nulls_equal=True)
    inds = [c for c in wide.columns if c not in ("unit", "period", "_row")]
    return Table(wide, inds, where, unused, rejected)


def _note_cells(
    rejected: Rejected, keys: pl.DataFrame, bad: pl.Series, indicator: str
) -> None:
    picked = keys.filter(bad)
    rejected.cells |= {
        (u, p, indicator)
        for u, p in zip(
            picked["unit"].to_list(), picked["period"].to_list(), strict=True
        )
    }


def _report_bad_cells(
    frame: pl.DataFrame,
    col: str,
    bad: pl.Series,
    keys: pl.DataFrame,
    where: str,
    log: IssueLog,
    names: pl.Series | None = None,
    decimal: str = ".",
) -> None:
    idx = np.flatnonzero(bad.to_numpy())
    cells, cells_zh = [], []
    for i in idx[:5]:
        row, unit, period = (
            frame["_row"][int(i)],
            keys["unit"][int(i)],
            keys["period"][int(i)],
        )
        label = f"row {row} ({unit}, {period}"
        label_zh = f"第 {row} 行（{unit}, {period}"
        if names is not None:
            label += f", {names[int(i)]}"
            label_zh += f", {names[int(i)]}"
        cells.append(f"{label}): {frame[col][int(i)]!r}")
        cells_zh.append(f"{label_zh}）：{frame[col][int(i)]!r}")
    more = f" and {len(idx) - 5} more" if len(idx) > 5 else ""
    more_zh = f"，另有 {len(idx) - 5} 个" if len(idx) > 5 else ""
    unread = frame[col].gather(idx).to_list()
    log.error(
        f"{where}: column '{col}'",
        f"{is_are(len(idx), 'cell')} not "
        + ("a number: " if len(idx) == 1 else "numbers: ")
        + "; ".join(cells)
        + more,
        unread_hint(unread, decimal),
        "non-numeric",
        message_zh=f"{len(idx)} 个单元格不是数字：" + "；".join(cells_zh) + more_zh,
        hint_zh=unread_hint(unread, decimal, "zh"),
        where_zh=f"{where}：列 '{col}'",
    )


def _warn_percent_mix(
    frame: pl.DataFrame,
    col: str,
    keys: pl.DataFrame,
    where: str,
    log: IssueLog,
    indicator: str | None = None,
    decimal: str = ".",
) -> None:
    """Warn when a column holds both percent text (48.10%) and fractions written
    as plain numbers (0.5052): read as they are, they differ 100× in scale."""
    mix = percent_mix(frame[col], decimal)
    if mix is None:
        return
    percent, plain = mix

    def shown(idx: list[int], lang: str = "en") -> str:
        at = [
            (frame["_row"][i], keys["unit"][i], keys["period"][i], frame[col][i])
            for i in idx[:3]
        ]
        if lang == "zh":
            more = f"，另有 {len(idx) - 3} 个" if len(idx) > 3 else ""
            return (
                "；".join(f"第 {r} 行（{u}, {p}）：{v!r}" for r, u, p, v in at) + more
            )
        more = f" and {len(idx) - 3} more" if len(idx) > 3 else ""
        return "; ".join(f"row {r} ({u}, {p}): {v!r}" for r, u, p, v in at) + more

    what = f"column '{col}'" + (f" (indicator '{indicator}')" if indicator else "")
    what_zh = f"列 '{col}'" + (f"（指标 '{indicator}'）" if indicator else "")
    log.warn(
        f"{where}: {what}",
        "mixes percent text and fractions, read 100× apart in scale: "
        f"{plural(len(percent), 'cell')} with % ({shown(percent)}) beside "
        f"{plural(len(plain), 'fraction')} ≤ 1 without ({shown(plain)})",
        "write the column one way: all as percentages (48.10) or all as fractions "
        "(0.4810)",
        "percent-mix",
        message_zh="百分数文本与小数混用，两者读出的量级相差 100 倍："
        f"{len(percent)} 个带 % 的单元格（{shown(percent, 'zh')}）与 {len(plain)} 个"
        f"不带 % 且 ≤ 1 的小数（{shown(plain, 'zh')}）并存",
        hint_zh="请统一该列的写法：全部写成百分数（48.10），或全部写成小数（0.4810）",
        where_zh=f"{where}：{what_zh}",
    )


def _check_duplicates(
    frame: pl.DataFrame, keys: list[str], where: str, log: IssueLog
) -> None:
    dup = frame.filter(pl.struct(keys).is_duplicated())
    if dup.height:
        groups = (
            dup.group_by(keys, maintain_order=True)
            .agg(pl.col("_row"))
            .head(5)
            .iter_rows()
        )
        found = [(", ".join(str(v) for v in row[:-1]), row[-1]) for row in groups]
        shown = "; ".join(f"{k} in rows {r}" for k, r in found)
        shown_zh = "；".join(f"{k}（第 {r} 行）" for k, r in found)
        keys_zh = [_KEYS_ZH.get(k, k) for k in keys]
        log.error(
            where,
            f"duplicate ({', '.join(keys)}) rows: {shown}",
            "keep one row per " + " × ".join(keys),
            "duplicate-row",
            message_zh=f"（{', '.join(keys_zh)}）行重复：{shown_zh}",
            hint_zh="每个" + " × ".join(keys_zh) + "只保留一行",
        )


def from_frame(
    frame: pl.DataFrame, table: DataTable, wanted: set[str], where: str, log: IssueLog
) -> Table | None:
    key_cols = {"unit": table.unit, "period": table.period}
    if table.format == "long":
        key_cols |= {"indicator": table.indicator, "value": table.value}
    if not missing_columns(frame, key_cols, where, log):
        return None
    frame = frame.with_row_index("_row", offset=2)
    if table.format == "long":
        return _long_to_wide(frame, table, wanted, where, log)
    return _wide(frame, table, wanted, where, log)
