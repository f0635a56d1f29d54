"""Numeric text and raw bytes: decoding, hashing and parsing cells.

Owns the decoding of file bytes (UTF-8 with or without BOM, GB18030/GBK), the
SHA-256 of input files, and the parsing of text cells into numbers (`1,234.5`,
`74.6%`, full-width digits) and periods. It never reads tables, logs issues or
decides what a column means.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import polars as pl

from gdindex.spec import Period

_BOM = b"\xef\xbb\xbf"
_FULL_WIDTH = [chr(0xFF10 + i) for i in range(10)] + [
    "．",
    "，",
    "－",
    "＋",
    "％",
    "　",
]
_HALF_WIDTH = [str(i) for i in range(10)] + [".", ",", "-", "+", "%", " "]
# A thousands-grouped number: its first group has no leading zero (`0,975` and
# `00,975` are decimal commas or typos, never thousands).
_THOUSANDS = r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$"
# The same with `decimal: ","`: dots group thousands, the comma is the decimal mark.
_THOUSANDS_COMMA = r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$"
_PLAIN_COMMA = r"^[+-]?\d+(,\d+)?([eE][+-]?\d+)?$"
# Spaces grouping thousands, as French and other European exports write them
# (`1 234,5`, also with a no-break or narrow no-break space).
_SPACES = " \xa0\u202f"
_THOUSANDS_SPACE_COMMA = rf"^[+-]?[1-9]\d{{0,2}}([{_SPACES}]\d{{3}})+(,\d+)?$"
_THOUSANDS_SPACE = rf"^[+-]?[1-9]\d{{0,2}}([{_SPACES}]\d{{3}})+([.,]\d+)?%?$"
_DECIMAL_DOT = r"^[+-]?\d+\.\d+%?$"
_DECIMAL_COMMA = r"^[+-]?\d+,\d+%?$"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Byte-order marks, longest first (UTF-32 LE's starts with UTF-16 LE's).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_RESAVE = "or re-save the file as UTF-8 (Excel: Save As → CSV UTF-8)"
_RESAVE_ZH = "或将文件另存为 UTF-8 编码（Excel：另存为 → CSV UTF-8）"


class DecodeError(ValueError):
    """File bytes that cannot be read as text: `message` says what was detected and
    `hint` how to read or re-save the file (`message_zh`, `hint_zh` in Chinese)."""

    def __init__(
        self, message: str, hint: str, *, message_zh: str, hint_zh: str
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.message_zh = message_zh
        self.hint_zh = hint_zh


def sniff_encoding(raw: bytes) -> tuple[str, bool] | None:
    """The UTF-16/UTF-32 encoding the bytes are in, and whether a byte-order mark
    says so (else it is guessed from the zero bytes of mostly-ASCII text); None
    for anything else (UTF-8, GB18030, …)."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name, True
    head = raw[:4096]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None  # text in an 8-bit or UTF-8 encoding has (almost) no zero bytes
    # UTF-32 puts every character of the Basic Multilingual Plane (ASCII and CJK
    # alike) in four bytes whose top two are zero; UTF-16 never zeroes two in a row.
    quads = [head[k::4].count(0) for k in range(4)]
    n = len(head) // 4
    if quads[2] >= n * 0.9 and quads[3] >= n * 0.9:
        return "utf-32-le", False
    if quads[0] >= n * 0.9 and quads[1] >= n * 0.9:
        return "utf-32-be", False
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return ("utf-16-le" if odd >= even else "utf-16-be"), False


def decode(raw: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; `auto` tries UTF-8 (with or without BOM), then GB18030.

    GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
    `auto` also reads UTF-16 and UTF-32 when a byte-order mark says which (Excel's
    "Unicode Text" export); without one it names the encoding the bytes look like.

    Raises:
        DecodeError: the bytes are not text in `encoding` (or, for `auto`, in any
            encoding read without asking): the message names what was detected.
    """
    sniffed = sniff_encoding(raw)
    if encoding == "auto" and sniffed is not None:
        name, marked = sniffed
        label = name.upper().replace("-LE", " LE").replace("-BE", " BE")
        if not marked:
            raise DecodeError(
                f"the file looks like {label} without a byte-order mark (its bytes "
                "are mostly zeros between ASCII letters)",
                f"set `encoding: {name}`, {_RESAVE}",
                message_zh=f"文件看起来是没有字节顺序标记（BOM）的 {label}"
                "（字节大多是 ASCII 字母之间的 0）",
                hint_zh=f"请设置 `encoding: {name}`，{_RESAVE_ZH}",
            )
        try:
            return raw.decode(name.rsplit("-", 1)[0]), name
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"the file starts with a {label} byte-order mark but is not "
                f"{label} text: {exc}",
                "re-save it as UTF-8 (Excel: Save As → CSV UTF-8)",
                message_zh=f"文件以 {label} 字节顺序标记开头，但内容不是 {label} "
                f"文本：{exc}",
                hint_zh="请将文件另存为 UTF-8 编码（Excel：另存为 → CSV UTF-8）",
            ) from None
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    try:
        if encoding == "auto":
            try:
                return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
            except UnicodeDecodeError:
                # Some tools put a UTF-8 BOM in front of GBK text: the body decides.
                return body.decode("gb18030"), "gb18030"
        if encoding in ("utf-8", "utf-8-sig"):
            return body.decode("utf-8"), encoding
        if encoding.startswith("utf-16") or encoding.startswith("utf-32"):
            _check_wide(raw, encoding, sniffed)
            text = raw.decode(encoding.removesuffix("-sig"))
            return text.removeprefix("\ufeff"), encoding
        return body.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        asked = "UTF-8 or GB18030" if encoding == "auto" else encoding
        readable = sniffed[0] if sniffed else None
        if readable is None and encoding != "auto":
            try:  # an explicit `encoding:` that is wrong: which one reads it?
                readable = decode(raw)[1]
            except DecodeError:
                readable = None
        has_bom = sniffed is not None and sniffed[1]
        found = (
            f"; it looks like {readable}" + (" (byte-order mark)" if has_bom else "")
            if readable
            else ""
        )
        found_zh = (
            f"；看起来是 {readable}" + ("（有字节顺序标记）" if has_bom else "")
            if readable
            else ""
        )
        asked_zh = "UTF-8 或 GB18030" if encoding == "auto" else encoding
        raise DecodeError(
            f"cannot decode the file as {asked}{found}: {exc}",
            f"set `encoding: {readable}`, {_RESAVE}"
            if readable
            else f"set `encoding:` to the file's encoding (utf-8, gb18030, utf-16), "
            f"{_RESAVE}",
            message_zh=f"无法按 {asked_zh} 解码文件{found_zh}：{exc}",
            hint_zh=f"请设置 `encoding: {readable}`，{_RESAVE_ZH}"
            if readable
            else "请把 `encoding:` 设为文件的编码（utf-8、gb18030、utf-16），"
            f"{_RESAVE_ZH}",
        ) from None


def _check_wide(raw: bytes, encoding: str, sniffed: tuple[str, bool] | None) -> None:
    """An explicit `encoding: utf-16…`/`utf-32…` that the bytes contradict: UTF-8
    or GB18030 text (no zero bytes: every line holds ASCII separators and digits,
    two bytes each in UTF-16) or the other width. Raises DecodeError naming the
    encoding the bytes look like."""
    width = encoding[:6]
    if sniffed is not None and sniffed[0][:6] == width:
        return
    if sniffed is None and 0 in raw[:4096]:
        return  # some zero bytes, no clear pattern: let the codec decide
    try:
        found = sniffed[0] if sniffed else decode(raw)[1]
    except DecodeError:
        return
    raise DecodeError(
        f"the file is not {encoding.upper()} text: it looks like {found}"
        + (" (its bytes have no zeros)" if sniffed is None else ""),
        f"set `encoding: {found}` (or leave `encoding:` out to detect it), " + _RESAVE,
        message_zh=f"文件不是 {encoding.upper()} 文本：看起来是 {found}"
        + ("（字节中没有 0）" if sniffed is None else ""),
        hint_zh=f"请设置 `encoding: {found}`（或删去 `encoding:` 以自动识别），"
        + _RESAVE_ZH,
    )


def parse_numbers(
    column: pl.Series, na_values: Iterable[str] = (), decimal: str = "."
) -> tuple[pl.Series, pl.Series]:
    """Parse a text column into Float64.

    Accepts plain numbers, surrounding spaces, full-width digits, thousands separators
    (`1,234.5`) and a trailing percent sign (`74.6%` → 74.6). Empty cells and
    `na_values` are missing. Anything else (`—`, `n/a`, `约100`, `1,23`, `0,975`)
    is not guessed. With `decimal=","` the roles swap, as in European exports:
    `0,975` → 0.975, `1.234,5` → 1234.5, and `1.5` or `0.975` are not guessed.

    Returns:
        The parsed values and a boolean mask of the cells that could not be read.
    """
    if column.dtype.is_numeric():
        values = column.cast(pl.Float64)
        bad = values.is_infinite().fill_null(False)
        return values.set(bad, None) if bad.any() else values, bad
    comma = decimal == ","
    if not list(na_values) and not comma:
        quick = column.cast(pl.Float64, strict=False)
        if quick.null_count() == column.null_count():
            bad = quick.is_infinite().fill_null(False)
            return (quick.set(bad, None) if bad.any() else quick), bad
    text = column.cast(pl.String).str.strip_chars(" \t\u3000\xa0\u202f")
    missing = (
        text.is_null()
        | (text == "")
        | text.is_in(list(na_values))
        | (text.str.to_lowercase() == "nan")  # NaN is missing, whatever `decimal`
    )
    if comma:
        values = pl.Series(column.name, [None] * len(text), dtype=pl.Float64)
    else:
        values = text.cast(pl.Float64, strict=False)
    unread = values.is_null() & ~missing
    if unread.any():
        cleaned = (
            text.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
            .str.strip_chars(" ")
            .str.strip_suffix("%")
            .str.strip_chars(" ")
        )
        if comma:
            spaced = cleaned.str.contains(_THOUSANDS_SPACE_COMMA).fill_null(False)
            cleaned = pl.select(
                pl.when(spaced)
                .then(cleaned.str.replace_all(f"[{_SPACES}]", ""))
                .otherwise(cleaned)
                .alias("c")
            ).to_series()
            grouped = cleaned.str.contains(_THOUSANDS_COMMA).fill_null(False)
            plain = cleaned.str.contains(_PLAIN_COMMA).fill_null(False)
            swapped = cleaned.str.replace_all(".", "", literal=True).str.replace(
                ",", ".", literal=True
            )
            cleaned = pl.select(
                pl.when(grouped | plain).then(swapped).otherwise(None).alias("c")
            ).to_series()
        else:
            thousands = cleaned.str.contains(_THOUSANDS).fill_null(False)
            # polars, not numpy: an object array whose first cell is empty (None)
            # cannot be cast back to text
            cleaned = pl.select(
                pl.when(thousands)
                .then(cleaned.str.replace_all(",", ""))
                .otherwise(cleaned)
                .alias("v")
            ).to_series()
        retry = cleaned.cast(pl.Float64, strict=False)
        values = pl.select(
            pl.when(unread).then(retry).otherwise(values).alias("v")
        ).to_series()
        unread = values.is_null() & ~missing
    bad = unread | values.is_infinite().fill_null(False)
    values = pl.select(
        pl.when(missing | bad).then(None).otherwise(values).alias(column.name)
    ).to_series()
    return values, bad


def unread_hint(cells: Iterable[object], decimal: str = ".", lang: str = "en") -> str:
    """How to fix cells `parse_numbers` rejected, in the table's decimal mark; names
    `decimal: ","` when some of them look like decimal commas (`0,975`), `decimal:
    "."` when, under `decimal: ","`, they look like decimal points (`1.5`), and the
    space thousands separator (`1 234,5`) that only `decimal: ","` reads. In
    English, or in Chinese with `lang="zh"`."""
    shown = [str(c).strip() for c in cells if c is not None]
    comma = decimal == ","
    zh = lang == "zh"
    numbers = "1234,5; 74,6" if comma else "1234.5, 74.6"
    base = (
        f"请填写普通数字（{numbers}）；缺失的单元格请留空，或把其文本列入 `na_values:`"
        if zh
        else f"write plain numbers ({numbers}); leave missing cells empty or list "
        "their text in `na_values:`"
    )
    if not comma and any(re.match(_DECIMAL_COMMA, c) for c in shown):
        if zh:
            return (
                "数字之间的逗号只有在非零数字后每三位一组时（1,234）才被视为千分位"
                '分隔符；若文件用逗号作小数点（0,975），请在该表上设置 `decimal: ","`，'
                "否则" + base
            )
        return (
            "a comma between digits is read as a thousands separator only in "
            "groups of three after a non-zero digit (1,234); if the file writes "
            'decimal commas (0,975), set `decimal: ","` on the table, else ' + base
        )
    if comma and any(re.match(_DECIMAL_DOT, c) for c in shown):
        if zh:
            return (
                '在 `decimal: ","` 下，数字之间的点只有每三位一组时（1.234,5）才被视为'
                "千分位分隔符；若文件用点作小数点（1.5），请在该表上设置 "
                '`decimal: "."`，否则' + base
            )
        return (
            'with `decimal: ","` a dot between digits is read as a thousands '
            "separator only in groups of three (1.234,5); if the file writes "
            'decimal points (1.5), set `decimal: "."` on the table, else ' + base
        )
    if any(re.match(_THOUSANDS_SPACE, c) for c in shown):
        if zh:
            return (
                '数字组之间的空格（1 234）只有在 `decimal: ","` 下（1 234,5）才被视为'
                '千分位分隔符：若文件用逗号作小数点，请在该表上设置 `decimal: ","`，'
                "否则请删去空格；" + base
                if not comma
                else "空格只有在逗号小数点之前才作千分位分隔（1 234,5）；" + base
            )
        return (
            "spaces between digit groups (1 234) are read as a thousands separator "
            'only with `decimal: ","` (1 234,5): set it on the table if the file '
            "writes decimal commas, else remove the spaces; " + base
            if not comma
            else "spaces group thousands only before a decimal comma (1 234,5); " + base
        )
    return base


def percent_mix(
    column: pl.Series, decimal: str = "."
) -> tuple[list[int], list[int]] | None:
    """Row positions of the percent cells (`48.10%`, `48,10%` with `decimal=","`)
    and of the fractions written as plain decimals (`0.5052`, `0,5052`, `０．５`:
    |x| ≤ 1 with a decimal mark) of a text column that holds both: a likely 100×
    scale mix. Cells are read with the table's decimal mark (`1.000` is 1000
    under `decimal=","`, not a fraction). None when the column uses one form only
    (or is not text)."""
    if column.dtype != pl.String:
        return None
    text = (
        column.str.strip_chars(" \t\u3000\xa0")
        .str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
        .str.strip_chars(" ")
    )
    percent = text.str.ends_with("%").fill_null(False)
    if not percent.any():
        return None
    plain = pl.select(pl.when(percent).then(None).otherwise(text).alias("t"))
    values, _ = parse_numbers(plain.to_series(), decimal=decimal)
    fraction = (
        (values.abs() <= 1) & text.str.contains(decimal, literal=True)
    ).fill_null(False)
    if not fraction.any():
        return None
    return (
        np.flatnonzero(percent.to_numpy()).tolist(),
        np.flatnonzero(fraction.to_numpy()).tolist(),
    )


def parse_periods(column: pl.Series) -> list[Period | None]:
    """Periods as ints when they are whole numbers (2021, "2021", 2021.0), else text."""
    text = column.cast(pl.String).str.strip_chars()
    text = pl.select(pl.when(text == "").then(None).otherwise(text)).to_series()
    as_float = text.cast(pl.Float64, strict=False)
    whole = as_float.is_not_null() & (as_float == as_float.floor())
    if whole.sum() == text.count():
        return as_float.cast(pl.Int64).to_list()
    out: list[Period | None] = []
    for value, is_int in zip(text.to_list(), whole.to_list(), strict=True):
        out.append(None if value is None else int(float(value)) if is_int else value)
    return out
