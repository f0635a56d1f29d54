"""Shape limits of a spec, checked before anything walks it: nesting depth, the
number of values (a YAML alias bomb expands 1 KB into 10⁸ values) and numbers too
large for a float. A spec over a limit is refused with a located SpecError instead
of taking all memory or the stack."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import yaml

from gdindex.errors import Bilingual, Issue, SpecError

#: The deepest nesting a spec may have (a real spec is ~10 levels deep).
MAX_DEPTH = 64
#: The most values (mappings, lists, scalars) a spec may expand to, aliases
#: counted each time they are used (a 21-city spec has ~2,000).
MAX_NODES = 100_000


def check_yaml_size(root: yaml.Node, label: str) -> None:
    """Refuse a composed YAML document that is nested deeper than `MAX_DEPTH` or
    expands (aliases included) to more than `MAX_NODES` values.

    Raises:
        SpecError: naming the line where the limit was crossed.
    """
    count = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise _too_deep(f"{label}:{node.start_mark.line + 1}")
        if count > MAX_NODES:
            raise _too_big(f"{label}:{node.start_mark.line + 1}")
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def check_value_shape(value: Any, where: str) -> None:
    """The same limits for already-parsed data (a `--set` value, a spec given as a
    mapping), and integers too large to be a float (`weight: 1000…0`, 400 digits).

    Raises:
        SpecError: naming `where` and the path inside the value.
    """
    count = 0
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        item, path, depth = stack.pop()
        count += 1
        if depth > MAX_DEPTH:
            raise _too_deep(where)
        if count > MAX_NODES:
            raise _too_big(where)
        if isinstance(item, dict):
            stack.extend(
                (v, f"{path}.{k}" if path else str(k), depth + 1)
                for k, v in item.items()
            )
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]", depth + 1) for i, v in enumerate(item))
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > sys.float_info.max:
                big = abs(item) < 10**4000
                digits = len(str(abs(item))) if big else "over 4000"
                digits_zh = len(str(abs(item))) if big else "超过 4000"
                raise SpecError(
                    f"{where}: a number too large",
                    [
                        Issue(
                            f"{where}: {path}" if path else where,
                            f"a whole number of {digits} digits is larger than any "
                            "value gdindex can compute with (about 1.8e308)",
                            "write an ordinary number (weights are relative: 2 and 1 "
                            "weigh as 2000 and 1000)",
                            code="number-too-large",
                            message_zh=f"{digits_zh} 位的整数超出了 gdindex 能计算的"
                            "最大值（约 1.8e308）",
                            hint_zh="请写普通大小的数（权重是相对的：2 与 1 和 "
                            "2000 与 1000 效果相同）",
                        )
                    ],
                    message_zh=f"{where}：数值过大",
                )


def _too_deep(where: str) -> SpecError:
    return SpecError(
        f"{where}: the spec is nested too deeply",
        [
            Issue(
                where,
                f"values are nested more than {MAX_DEPTH} levels deep "
                "(or an alias refers to itself)",
                "a spec's tree is a few levels deep: flatten the value, or write it "
                "out instead of using a recursive alias",
                code="too-deep",
                message_zh=f"数值嵌套超过 {MAX_DEPTH} 层（或有别名引用自身）",
                hint_zh="指标体系通常只有几层：请把该值展平，或直接写出，"
                "不要使用递归别名",
            )
        ],
        message_zh=f"{where}：配置文件嵌套过深",
    )


def _too_big(where: str) -> SpecError:
    return SpecError(
        f"{where}: the spec is too large",
        [
            Issue(
                where,
                f"the spec expands to more than {MAX_NODES:,} values (YAML aliases "
                "are counted each time they are used)",
                "write the values out instead of nesting aliases inside aliases; "
                "a spec of a few thousand indicators stays far below the limit",
                code="too-large",
                message_zh=f"配置文件展开后超过 {MAX_NODES:,} 个值（YAML 别名每使用"
                "一次计一次）",
                hint_zh="请直接写出各值，不要在别名里再嵌套别名；即使有几千个指标，"
                "配置文件也远低于此上限",
            )
        ],
        message_zh=f"{where}：配置文件过大",
    )


def not_a_regular_file(path: Path) -> Bilingual | None:
    """What is at `path` when it is not a regular file (a directory, a FIFO, a
    device such as /dev/zero): gdindex reads only regular files, so that an input
    can neither hang the run nor fill the memory. None for a regular file or a
    path that does not exist (reported as missing elsewhere)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Bilingual("a directory", "目录")
    if stat.S_ISFIFO(mode):
        return Bilingual("a named pipe (FIFO)", "命名管道（FIFO）")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Bilingual("a device", "设备文件")
    if stat.S_ISSOCK(mode):
        return Bilingual("a socket", "套接字")
    return Bilingual("not a regular file", "非普通文件")
