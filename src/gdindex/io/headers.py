"""Checks of a table's header and columns, shared by the CSV and Excel readers.

Owns the messages about a header row (empty, a title read as header, duplicate
names), columns without a header, wanted columns that are missing, and the
"did you mean" suggestions. It never reads files or parses cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from gdindex.errors import MAX_EXAMPLES, IssueLog, examples, plural


def header_ok(
    names: list[str],
    below: Sequence[object],
    labels: Sequence[str],
    skip_rows: int,
    nouns: tuple[str, str],
    where: str,
    log: IssueLog,
    first_filled: int | None = None,
    where_zh: str | None = None,
) -> bool:
    """Log a missing header, a title row read as header, or duplicate headers.

    `labels` name the columns in messages (Excel letters, or field numbers in a CSV);
    `nouns` are ("row", "column") for a sheet, ("line", "field") for a CSV;
    `first_filled` is the first row below the skipped ones holding any text;
    `where_zh` is `where` in Chinese when it holds words (a sheet's name).
    """
    noun, column = nouns
    column_zh = NOUNS_ZH[column]
    header_at = skip_rows + 1
    filled = [n for n in names if n]
    if not filled:
        log.error(
            where,
            f"{noun} {header_at}, the header, is empty",
            f"the first {noun} with text is {first_filled}: set "
            f"`skip_rows: {first_filled - 1}`"
            if first_filled
            else f"set `skip_rows:` to the number of {noun}s above the header "
            f"(now {skip_rows})",
            "empty-header",
            message_zh=f"第 {header_at} 行（表头）为空",
            hint_zh=f"第一个有内容的是第 {first_filled} 行：请设置 "
            f"`skip_rows: {first_filled - 1}`"
            if first_filled
            else f"请把 `skip_rows:` 设为表头上方的行数（现为 {skip_rows}）",
            where_zh=where_zh,
        )
        return False
    values_below = [v for v in below if v is not None and str(v).strip()]
    if len(filled) == 1 and len(values_below) > 1:
        log.error(
            where,
            f"{noun} {header_at} looks like a title, not a header: it has one "
            f"cell ('{filled[0]}') while the {noun} below has {len(values_below)}",
            f"set `skip_rows: {skip_rows + 1}` to skip the {noun}s above the header",
            "title-row",
            message_zh=f"第 {header_at} 行看起来是标题而不是表头：它只有一个单元格"
            f"（'{filled[0]}'），而下一行有 {len(values_below)} 个",
            hint_zh=f"请设置 `skip_rows: {skip_rows + 1}`，跳过表头上方的各行",
            where_zh=where_zh,
        )
        return False
    if _group_header(names, below):
        gaps = [label for label, n in zip(labels, names, strict=True) if not n]
        shown = ", ".join(repr(n) for n in filled[:MAX_EXAMPLES])
        log.error(
            where,
            f"{noun} {header_at} looks like a group header above the real one "
            f"(merged cells?): it names {plural(len(filled), 'group')} "
            f"({shown}) and leaves "
            f"{column}s {', '.join(gaps[:MAX_EXAMPLES])} empty, while the {noun} "
            "below names every column",
            f"set `skip_rows: {skip_rows + 1}` to read the {noun} below as the header",
            "group-header",
            message_zh=f"第 {header_at} 行看起来是真正表头上方的分组表头"
            f"（合并单元格？）：它列出 {len(filled)} 个分组（{shown}），第 "
            f"{', '.join(gaps[:MAX_EXAMPLES])} {column_zh}为空，而下一行每列都有名称",
            hint_zh=f"请设置 `skip_rows: {skip_rows + 1}`，把下一行作为表头",
            where_zh=where_zh,
        )
        return False
    seen: dict[str, list[str]] = {}
    for label, name in zip(labels, names, strict=True):
        if name:
            seen.setdefault(name, []).append(label)
    twice = [(n, at) for n, at in seen.items() if len(at) > 1][:MAX_EXAMPLES]
    if twice:
        dups = [f"'{n}' ({column}s {', '.join(at)})" for n, at in twice]
        dups_zh = [f"'{n}'（第 {', '.join(at)} {column_zh}）" for n, at in twice]
        log.error(
            where,
            "duplicate column names: " + "; ".join(dups),
            "give every column a distinct header",
            "duplicate-column",
            message_zh="列名重复：" + "；".join(dups_zh),
            hint_zh="请给每一列不同的表头",
            where_zh=where_zh,
        )
        return False
    return True


def _group_header(names: list[str], below: Sequence[object]) -> bool:
    """A header with empty cells (the rest of merged group cells) above a row of
    text that fills them, and no numbers: the real header is the row below."""
    text = [str(v).strip() if v is not None else "" for v in below]
    gaps = [j for j, n in enumerate(names) if not n]
    if not gaps or len(text) < len(names) or not all(text[j] for j in gaps):
        return False
    return not any(_number(v) for v in text if v)


def _number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def drop_headerless(
    frame: pl.DataFrame,
    placeholders: dict[str, str],
    where: str,
    noun: str,
    log: IssueLog,
    where_zh: str | None = None,
) -> pl.DataFrame:
    """Drop the columns read under a placeholder name (→ their letter or number)."""
    if not placeholders:
        return frame
    used = [
        label
        for name, label in placeholders.items()
        if frame[name].cast(pl.String).str.strip_chars().replace("", None).count()
    ]
    if used:
        shown = ", ".join(used[:MAX_EXAMPLES])
        log.warn(
            where,
            f"{noun if len(used) == 1 else noun + 's'} "
            f"{shown} "
            f"{'holds' if len(used) == 1 else 'hold'} values but no "
            "header; they are ignored",
            "give them a header if they are needed",
            "no-header",
            message_zh=f"第 {shown} {NOUNS_ZH[noun]}有数值但没有表头，已忽略",
            hint_zh="如需使用，请给它们加上表头",
            where_zh=where_zh,
        )
    return frame.drop(list(placeholders))


def missing_columns(
    frame: pl.DataFrame, wanted: dict[str, str], where: str, log: IssueLog
) -> bool:
    """Log each wanted column that is absent; return True when all are present.

    When a header holds the column's name beside another separator (`unit;period`
    read with `,`, a TAB-separated export read with `;`), the hint names
    `separator:` rather than the column's key."""
    ok = True
    for key, col in wanted.items():
        if col not in frame.columns:
            ok = False
            close = close_match(col, frame.columns)
            split = _separator_in_header(frame.columns, col)
            log.error(
                f"{where}: column '{col}'",
                f"the {key} column '{col}' is missing; columns are "
                f"{examples(frame.columns, 8)}",
                f"the header looks separated by {_SEPARATORS[split][0]}: set "
                f'`separator: "{_SEPARATORS[split][1]}"` on the table'
                if split
                else f"did you mean '{close}'? set `{key}:`"
                if close
                else f"set `{key}:` to the right column name",
                "missing-column",
                message_zh=f"缺少 {key} 列 '{col}'；现有的列为 "
                f"{examples(frame.columns, 8, 'zh')}",
                hint_zh=f"表头看起来是用{_SEPARATORS[split][2]}分隔的：请在该表上设置 "
                f'`separator: "{_SEPARATORS[split][1]}"`'
                if split
                else f"是否想写 '{close}'？请设置 `{key}:`"
                if close
                else f"请把 `{key}:` 设为正确的列名",
                where_zh=f"{where}：列 '{col}'",
            )
    return ok


# separator: (its name, how a spec writes it, its name in Chinese)
_SEPARATORS = {
    ";": ("semicolons", ";", "分号"),
    "\t": ("TABs", "\\t", "制表符"),
    ",": ("commas", ",", "逗号"),
    "|": ("bars", "|", "竖线"),
}

#: The nouns of rows and columns (of a sheet, a CSV) in Chinese.
NOUNS_ZH = {"row": "行", "line": "行", "column": "列", "field": "字段"}


def _separator_in_header(columns: Sequence[str], col: str) -> str | None:
    """The separator that splits a header cell into fields, one of them `col`."""
    for name in columns:
        for sep in _SEPARATORS:
            parts = [p.strip().strip('"') for p in name.split(sep)]
            if len(parts) > 1 and col in parts:
                return sep
    return None


def close_match(name: str, options: Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return found[0] if found else None
