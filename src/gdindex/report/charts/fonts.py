"""A small font for measuring chart text: the CJK font cut down to the characters
of one report.

vl-convert measures every label against the system fonts, and looking glyphs up in
the 19 MB Noto Sans CJK collection costs most of a chart's rendering time. With
`measure_with(texts)` the charts are measured against a subset of that font holding
only the characters of `texts` (glyph advances and layout tables unchanged, so the
widths, and the SVG, are the same; the subset's family name is removed from the SVG
again by `to_svg`). The subset is made once with fontTools and kept in the user's
cache directory (`$XDG_CACHE_HOME/gdindex/fonts`, keyed by the source font and the
characters), so only the first report of a new set of names pays for it. Without
the system font or fontTools nothing changes.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: The CJK face the charts ask for first (`plots.FONT`), and where Debian puts it.
SOURCE = Path(
    os.environ.get(
        "GDINDEX_CJK_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    )
)
SOURCE_FAMILY = "Noto Sans CJK SC"
#: Characters every chart may show besides the report's names.
BASE = (
    "".join(chr(c) for c in range(0x20, 0x7F)) + "（）·—–…“”‘’、，。：；！？％＋－▲▼≥≤×"
)

_registered: dict[str, str] = {}
#: The folder of each registered family (for a vl-convert process beside this one).
_folders: dict[str, Path] = {}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gdindex" / "fonts"


def measure_with(texts: Iterable[str]) -> str | None:
    """Register a subset of the CJK font holding the characters of `texts` with
    vl-convert; return its family name (None when that cannot be done)."""
    chars = "".join(sorted(set(BASE).union(*map(set, texts))))
    if not SOURCE.is_file():
        return None
    stat = SOURCE.stat()
    key = hashlib.sha256(
        f"{SOURCE}|{stat.st_size}|{stat.st_mtime_ns}|{chars}".encode()
    ).hexdigest()[:16]
    if key in _registered:
        return _registered[key]
    # letters only: vl-convert does not find a family whose name has spaces and
    # digits in it
    family = "gdindexmeasure" + key.translate(str.maketrans("0123456789", "ghijklmnop"))
    folder = cache_dir() / key
    font = folder / "measure.otf"
    try:
        if not font.is_file():
            _subset(chars, family, font)
        import vl_convert as vlc

        vlc.register_font_directory(str(folder))
    except Exception:  # noqa: BLE001 - no fontTools, no cache dir, an odd font: the
        return None  # charts are then measured with the system fonts, as before
    _registered[key] = family
    _folders[family] = folder
    return family


def folder(family: str) -> Path | None:
    """The directory holding `family`, a subset registered by `measure_with` (None
    for any other family): what another process registers to measure alike."""
    return _folders.get(family)


def _subset(chars: str, family: str, target: Path) -> None:
    """Write the subset of `SOURCE`'s `SOURCE_FAMILY` face holding `chars`,
    renamed `family`, atomically (a concurrent run may write the same file)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    index = 0
    if SOURCE.suffix.lower() == ".ttc":
        with TTCollection(str(SOURCE), lazy=True) as collection:
            names = [f["name"].getDebugName(1) for f in collection.fonts]
        if SOURCE_FAMILY not in names:
            raise ValueError(f"{SOURCE_FAMILY} not in {SOURCE}")
        index = names.index(SOURCE_FAMILY)
    with TTFont(str(SOURCE), fontNumber=index, lazy=True) as font:
        _cut(font, chars, family, target, subset)


def _cut(font: Any, chars: str, family: str, target: Path, subset: Any) -> None:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = family
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    font.save(str(partial))
    os.replace(partial, target)
