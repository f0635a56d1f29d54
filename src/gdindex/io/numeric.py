"""Numeric text and raw bytes: decoding, hashing and parsing cells.

Owns the decoding of file bytes (UTF-8 with or without BOM, GB18030/GBK), the
SHA-256 of input files, and the parsing of text cells into numbers (`1,234.5`,
`74.6%`, full-width digits) and periods. It never reads tables, logs issues or
decides what a column means.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

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
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def decode(raw: bytes, encoding: str = "auto") -> tuple[str, str]:
    """Decode file bytes; `auto` tries UTF-8 (with or without BOM), then GB18030.

    GB18030 is a superset of GBK and GB2312, which Excel on Chinese Windows writes.
    """
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    if encoding == "auto":
        try:
            return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
        except UnicodeDecodeError:
            # Some tools put a UTF-8 BOM in front of GBK text: the body decides.
            return body.decode("gb18030"), "gb18030"
    if encoding in ("utf-8", "utf-8-sig"):
        return body.decode("utf-8"), encoding
    return body.decode(encoding), encoding


def parse_numbers(
    column: pl.Series, na_values: Iterable[str] = ()
) -> tuple[pl.Series, pl.Series]:
    """Parse a text column into Float64.

    Accepts plain numbers, surrounding spaces, full-width digits, thousands separators
    (`1,234.5`) and a trailing percent sign (`74.6%` → 74.6). Empty cells and
    `na_values` are missing. Anything else (`—`, `n/a`, `约100`, `1,23`) is not guessed.

    Returns:
        The parsed values and a boolean mask of the cells that could not be read.
    """
    if column.dtype.is_numeric():
        values = column.cast(pl.Float64)
        bad = values.is_infinite().fill_null(False)
        return values.set(bad, None) if bad.any() else values, bad
    if not list(na_values):
        quick = column.cast(pl.Float64, strict=False)
        if quick.null_count() == column.null_count():
            bad = quick.is_infinite().fill_null(False)
            return (quick.set(bad, None) if bad.any() else quick), bad
    text = column.cast(pl.String).str.strip_chars(" \t\u3000\xa0")
    missing = text.is_null() | (text == "") | text.is_in(list(na_values))
    values = text.cast(pl.Float64, strict=False)
    unread = values.is_null() & ~missing
    if unread.any():
        cleaned = (
            text.str.replace_many(_FULL_WIDTH, _HALF_WIDTH)
            .str.strip_chars(" ")
            .str.strip_suffix("%")
            .str.strip_chars(" ")
        )
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
