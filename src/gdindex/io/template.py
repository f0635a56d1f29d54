"""Templates of any size for `gdindex init --units N --indicators M --pillars P`.

`layout` checks the sizes (or the indicator ids) and makes the units; the scaffold
writes the spec's indicators and tree, the data and the units from it. Values are
illustrative and depend only on the positions, so the same options always give the
same files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gdindex.errors import GdindexError, Issue

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Unit:
    id: str
    name_zh: str
    name_en: str
    region: str


@dataclass(frozen=True)
class Layout:
    """The size of a generated template: units, indicator ids, pillars."""

    units: tuple[Unit, ...]
    indicators: tuple[str, ...]
    pillars: int


def layout(
    units: int | None = None,
    indicators: int | Sequence[str] | None = None,
    pillars: int | None = None,
) -> Layout | None:
    """The layout of `--units N --indicators M|ids --pillars P` (None: the default,
    hand-written template of 5 units, 5 indicators and 2 pillars).

    Raises:
        GdindexError: sizes below their minimum, bad or repeated indicator ids.
    """
    if units is None and indicators is None and pillars is None:
        return None
    n_units = 5 if units is None else units
    if isinstance(indicators, str):
        indicators = [i.strip() for i in indicators.split(",")]
    if indicators is None or isinstance(indicators, int):
        n = 5 if indicators is None else indicators
        ids = tuple(f"ind{k + 1:0{len(str(max(n, 1)))}d}" for k in range(max(n, 0)))
    else:
        ids = tuple(indicators)
    n_pillars = min(2, len(ids)) if pillars is None else pillars
    problems: list[Issue] = []
    if n_units < 2:
        problems.append(
            Issue(
                "--units",
                f"only {n_units} unit{'' if n_units == 1 else 's'}: a ranking needs "
                "two",
                "give at least 2 units",
                message_zh=f"只有 {n_units} 个地区：排名至少需要 2 个",
                hint_zh="至少需要 2 个地区",
            )
        )
    if not ids:
        problems.append(
            Issue(
                "--indicators",
                "no indicators",
                "give at least 1",
                message_zh="没有指标",
                hint_zh="至少需要 1 个指标",
            )
        )
    bad = [i for i in ids if not _ID.match(i)]
    if bad:
        problems.append(
            Issue(
                "--indicators",
                f"not an indicator id: {', '.join(map(repr, bad))}",
                "ids start with a letter, then letters, digits or _",
                message_zh=f"不是有效的指标 id：{', '.join(map(repr, bad))}",
                hint_zh="id 须以字母开头，其后为字母、数字或 _",
            )
        )
    twice = sorted({i for i in ids if i and ids.count(i) > 1})
    if twice:
        problems.append(
            Issue(
                "--indicators",
                f"ids given twice: {', '.join(twice)}",
                "use unique ids",
                message_zh=f"id 重复：{', '.join(twice)}",
                hint_zh="请使用互不相同的 id",
            )
        )
    if ids and not 1 <= n_pillars <= len(ids):
        problems.append(
            Issue(
                "--pillars",
                f"{n_pillars} pillars for {len(ids)} indicators",
                "give between 1 pillar and one per indicator",
                message_zh=f"{len(ids)} 个指标分为 {n_pillars} 个分指数",
                hint_zh="分指数个数应在 1 到指标个数之间",
            )
        )
    if problems:
        raise GdindexError(
            f"cannot make the template: {problems[0].message}",
            problems,
            message_zh=f"无法生成模板：{problems[0].message_zh}",
        )
    width = len(str(n_units))
    made = tuple(
        Unit(
            f"U{u + 1:0{max(width, 2)}d}",
            f"单位{u + 1}",
            f"Unit {u + 1}",
            "东部" if u % 2 == 0 else "西部",
        )
        for u in range(n_units)
    )
    return Layout(made, ids, n_pillars)


def _pillar_of(k: int, lay: Layout) -> int:
    return k * lay.pillars // len(lay.indicators)


def generic_value(k: int, unit: int, period: int, n_units: int) -> str:
    """Illustrative value of indicator k: every indicator orders the units its own
    way, and every value grows from period to period."""
    position = (unit * (2 * k + 1) + k) % n_units
    value = 10 + 5 * k + (2 + k % 3) * position + (1 + 0.5 * (k % 4)) * period
    return f"{value:.1f}"


def generic_tail(lay: Layout) -> str:
    """The indicators and tree sections of a generated template."""
    lines = [
        "# Indicators (指标): the measured variables, the leaves of the tree.",
        "#   id         the column header in data.csv (letters, digits, _; unique)",
        "#   name       bilingual label; unit: unit of measurement (计量单位)",
        "#   direction  1 = higher is better (正向指标),",
        "#              -1 = lower is better (逆向指标)",
        "# Replace the placeholder names and units with yours.",
        "indicators:",
    ]
    for k, ind in enumerate(lay.indicators):
        lines += [
            f"  - id: {ind}",
            f"    name: {{{{zh: 指标{k + 1}, en: Indicator {k + 1}}}}}",
            '    unit: "%"',
            "    direction: 1",
        ]
    lines += [
        "",
        "# The index tree (指标树): the root is the index, its children the pillars",
        "# (分指数), the leaves indicator ids. A `weight` is relative to its siblings.",
        "tree:",
        "  id: index",
        "  name: {name_label}",
        "  children:",
    ]
    for p in range(lay.pillars):
        members = [i for k, i in enumerate(lay.indicators) if _pillar_of(k, lay) == p]
        lines += [
            f"    - id: pillar{p + 1}",
            f"      name: {{{{zh: 分项{p + 1}, en: Pillar {p + 1}}}}}",
            "      weight: 1",
            f"      children: [{', '.join(members)}]",
        ]
    return "\n".join(lines) + "\n"
