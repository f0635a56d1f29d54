"""Loading a spec: YAML with line numbers, `--set` overrides, pydantic validation.

Every problem is reported at once with its file, line and YAML path (or the `--set`
key it comes from) and a hint; pydantic's messages are translated into the spec's
words (unknown keys with "did you mean", unknown method names, negative weights).
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from gdindex.errors import Issue, IssueLog, SpecError, plural
from gdindex.spec.checks import check_spec, check_structure
from gdindex.spec.limits import (
    check_value_shape,
    check_yaml_size,
    not_a_regular_file,
)
from gdindex.spec.models import IndexSpec
from gdindex.spec.wording import method_names, pydantic_words
from gdindex.spec.yaml_errors import yaml_errors


def load_spec(
    source: str | Path | Mapping[str, Any], overrides: Sequence[str] = ()
) -> "IndexSpec":
    """Load and validate a spec from a YAML file (or from already-parsed data).

    Args:
        source: the spec file, or its parsed data.
        overrides: `KEY=VALUE` texts (the CLI's `--set`) applied in order to the
            parsed data before validation, e.g. `tree.children.industry.weight=0.4`
            (see `gdindex.spec.overrides`). The spec keeps them in `spec.overrides`.

    Raises:
        SpecError: listing every problem with its YAML path (and line).
    """
    if isinstance(source, Mapping):
        data, notes, sets = _overridden(dict(source), overrides)
        spec = _validate(data, path=None, lines=_Lines({}, sets))
        return _remember(spec, overrides, notes)
    path = Path(source)
    kind = not_a_regular_file(path)
    if kind is not None:
        raise SpecError(
            f"cannot read the spec {path}: it is {kind}",
            [
                Issue(
                    str(path),
                    f"{kind}, not a file",
                    "give the path of a YAML spec file",
                    code="not-a-file",
                    message_zh=f"这是{kind.zh}，不是文件",
                    hint_zh=_GIVE_SPEC_ZH,
                )
            ],
            message_zh=f"无法读取配置文件 {path}：它是{kind.zh}",
        )
    try:
        text = _spec_text(path.read_bytes())
    except FileNotFoundError:
        raise SpecError(
            f"spec file not found: {path}",
            [
                Issue(
                    str(path),
                    "file not found",
                    "check the path to the spec",
                    message_zh="文件不存在",
                    hint_zh="请检查配置文件的路径",
                )
            ],
            message_zh=f"找不到配置文件：{path}",
        ) from None
    except OSError as exc:  # a directory, no permission, …
        raise SpecError(
            f"cannot read the spec {path}",
            [
                Issue(
                    str(path),
                    f"{type(exc).__name__}: {exc.strerror or exc}",
                    "give the path of a YAML spec file",
                    message_zh=f"读取失败：{type(exc).__name__}: {exc.strerror or exc}",
                    hint_zh=_GIVE_SPEC_ZH,
                )
            ],
            message_zh=f"无法读取配置文件 {path}",
        ) from None
    except UnicodeDecodeError as exc:
        zeros = exc.object.count(0) > len(exc.object) // 4
        found = " (it looks like UTF-16: every other byte is 0)" if zeros else ""
        found_zh = "（看起来是 UTF-16：每隔一个字节就是 0）" if zeros else ""
        message = f"cannot decode as UTF-8{found}: {exc}"
        message_zh = f"无法按 UTF-8 解码{found_zh}：{exc}"
        if exc.encoding.startswith("utf-16") or exc.encoding.startswith("utf-32"):
            message = f"the spec is not UTF-8: {exc.reason}"
            reason_zh = (
                f"看起来是没有字节顺序标记（BOM）的 {exc.encoding.upper()}："
                "字节大多是 ASCII 字母之间的 0"
                if exc.reason.startswith("it looks like")
                else exc.reason
            )
            message_zh = f"配置文件不是 UTF-8 编码：{reason_zh}"
        raise SpecError(
            f"{path}: not UTF-8 text",
            [
                Issue(
                    str(path),
                    message,
                    "save it as UTF-8",
                    message_zh=message_zh,
                    hint_zh="请另存为 UTF-8 编码",
                )
            ],
            message_zh=f"{path}：不是 UTF-8 文本",
        ) from None
    data, lines, dup_issues = _parse_yaml(text, path)
    if not isinstance(data, dict):
        raise SpecError(
            f"{path}: the spec must be a YAML mapping",
            [
                Issue(
                    str(path),
                    f"found {type(data).__name__}",
                    "start with spec_version",
                    message_zh=f"实际为 {type(data).__name__}",
                    hint_zh="请以 spec_version 开头",
                )
            ],
            message_zh=f"{path}：配置文件须为 YAML 映射（key: value）",
        )
    data, notes, sets = _overridden(data, overrides)
    spec = _validate(data, path=path, lines=_Lines(lines, sets), pre_issues=dup_issues)
    return _remember(spec, overrides, notes)


def _overridden(
    data: dict[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[str], dict[tuple[Any, ...], str]]:
    if not overrides:
        return data, [], {}
    from gdindex.spec.overrides import apply_overrides_located

    return apply_overrides_located(data, overrides)


class _Lines(dict[tuple[Any, ...], int]):
    """The file line of every YAML location, and the locations `--set` wrote."""

    def __init__(
        self, lines: Mapping[tuple[Any, ...], int], sets: Mapping[tuple[Any, ...], str]
    ) -> None:
        super().__init__(lines)
        self.sets = dict(sets)

    def override_of(self, loc: tuple[Any, ...]) -> str | None:
        """The `--set` text an issue at `loc` comes from: one that wrote at or above
        `loc`, or below it when `loc` is its direct parent or was not in the file
        (a mapping the override created)."""
        for at, text in self.sets.items():
            if loc[: len(at)] == at:
                return text
            if at[: len(loc)] == loc and (len(loc) >= len(at) - 1 or loc not in self):
                return text
        return None


def _remember(
    spec: "IndexSpec", overrides: Sequence[str], notes: Sequence[str]
) -> "IndexSpec":
    spec._overrides = tuple(overrides)
    spec._override_notes = tuple(notes)
    return spec


def _validate(
    data: dict[str, Any],
    path: Path | None,
    lines: dict[tuple[Any, ...], int],
    pre_issues: list[Issue] | None = None,
) -> "IndexSpec":
    label = str(path) if path else "spec"
    check_value_shape(data, label)
    issues = list(pre_issues or [])
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, data, label, lines))
        raw_log = IssueLog()
        check_structure(data, raw_log)  # tree problems too, in the same report
        issues.extend(_locate(i, label, lines) for i in raw_log.errors)
        raise _invalid(label, issues) from None
    if path is not None:
        spec._path = path.resolve()
    for issue in check_spec(spec):
        if issue.severity == "error":
            issues.append(_locate(issue, label, lines))
    if issues:
        raise _invalid(label, issues)
    return spec


_GIVE_SPEC_ZH = "请给出 YAML 配置文件的路径"


def _invalid(label: str, issues: list[Issue]) -> SpecError:
    return SpecError(
        f"{label}: invalid spec ({plural(len(issues), 'problem')})",
        issues,
        message_zh=f"{label}：配置文件无效（{len(issues)} 个问题）",
    )


def _spec_text(raw: bytes) -> str:
    """A spec's text: UTF-8 (with or without BOM), or UTF-16/32 that a byte-order
    mark announces (YAML allows them; some Windows editors save "Unicode")."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec)
    head = raw[:4096]
    if head.count(0) >= len(head) // 4 > 0:  # YAML text never holds NUL bytes
        name = _wide_encoding(head)
        raise UnicodeDecodeError(
            name,
            raw,
            0,
            1,
            f"it looks like {name.upper()} without a byte-order mark: its bytes "
            "are mostly zeros between ASCII letters",
        )
    return raw.decode("utf-8-sig")


def _wide_encoding(head: bytes) -> str:
    """UTF-16 or UTF-32, LE or BE, from where the zero bytes of the text fall."""
    quads = [head[k::4].count(0) for k in range(4)]
    n = len(head) // 4
    if quads[2] >= n * 0.9 and quads[3] >= n * 0.9:
        return "utf-32-le"
    if quads[0] >= n * 0.9 and quads[1] >= n * 0.9:
        return "utf-32-be"
    return "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"


# libyaml's C loader when PyYAML was built with it (the wheels are): ~10× faster.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(
    text: str, path: Path
) -> tuple[Any, dict[tuple[Any, ...], int], list[Issue]]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:  # refuse an alias bomb before it expands
            check_yaml_size(root, str(path))
        data = loader.construct_document(root) if root is not None else None
    except (RecursionError, ValueError) as exc:  # nesting; a 5,000-digit number
        deep = isinstance(exc, RecursionError)
        raise SpecError(
            f"{path}: the YAML cannot be read",
            [
                Issue(
                    str(path),
                    "values nested too deeply"
                    if deep
                    else f"a value cannot be read: {exc}",
                    "write plain values a few levels deep",
                    code="malformed-yaml",
                    message_zh="数值嵌套过深" if deep else f"有一个值无法读取：{exc}",
                    hint_zh="请写只有几层嵌套的普通值",
                )
            ],
            message_zh=f"{path}：无法读取 YAML",
        ) from None
    except yaml.YAMLError as exc:
        issues = yaml_errors(text, path, exc, _Loader)
        many = len(issues) > 1
        count = f" ({len(issues)} problems)" if many else ""
        raise SpecError(
            f"{path}: malformed YAML{count}",
            issues,
            message_zh=f"{path}：YAML 格式错误"
            + (f"（{len(issues)} 处）" if many else ""),
        ) from None
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}
    dups: list[Issue] = []
    if root is not None:
        try:
            _map_lines(root, (), lines, dups, str(path))
        except RecursionError:
            raise SpecError(
                f"{path}: recursive YAML",
                [
                    Issue(
                        str(path),
                        "a YAML alias refers to itself",
                        "write the value out instead of using a recursive alias",
                        message_zh="YAML 别名引用了自身",
                        hint_zh="请直接写出该值，不要使用递归别名",
                    )
                ],
                message_zh=f"{path}：YAML 存在递归引用",
            ) from None
    return data, lines, dups


def _map_lines(
    node: yaml.Node,
    prefix: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    dups: list[Issue],
    label: str,
) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dups.append(
                    Issue(
                        f"{label}:{key_node.start_mark.line + 1}: "
                        f"{format_path(prefix + (key,))}",
                        f"duplicate key '{key}'",
                        "YAML keeps only the last one; remove the other",
                        code="duplicate-key",
                        message_zh=f"键 '{key}' 重复",
                        hint_zh="YAML 只保留最后一个；请删除另一个",
                    )
                )
            seen.add(key)
            _map_lines(value_node, prefix + (key,), lines, dups, label)
            lines[prefix + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _map_lines(item, prefix + (i,), lines, dups, label)


def format_path(loc: tuple[Any, ...]) -> str:
    """Format a location tuple as `tree.children[1].weight`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-tag and validator entries from a location."""
    out: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
                continue
            if isinstance(part, str) and (
                current.get("method", part) == part  # union tag (maybe inherited)
                and part in method_names()
                or "[" in part
                or "function" in part
            ):
                continue
            out.append(part)
            current = None
        elif isinstance(current, list) and isinstance(part, int):
            out.append(part)
            current = current[part] if part < len(current) else None
        elif isinstance(part, str) and ("[" in part or "function" in part):
            continue
        else:
            out.append(part)
            current = None
    return tuple(out)


def _line_of(loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _where(
    label: str, loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]
) -> str:
    if isinstance(lines, _Lines):
        text = lines.override_of(loc)
        if text is not None:
            key = text.partition("=")[0].strip()
            return f"--set {key}: {format_path(loc)}" if loc else f"--set {key}"
    line = _line_of(loc, lines)
    head = f"{label}:{line}" if line else label
    return f"{head}: {format_path(loc)}" if loc else head


def _locate(issue: Issue, label: str, lines: Mapping[tuple[Any, ...], int]) -> Issue:
    loc = _parse_path(issue.where)
    return replace(issue, where=_where(label, loc, lines))


def _parse_path(text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for chunk in text.replace("]", "").split("."):
        name, *indices = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in indices)
    return tuple(parts)


def _pydantic_issues(
    exc: ValidationError,
    data: Any,
    label: str,
    lines: Mapping[tuple[Any, ...], int],
) -> list[Issue]:
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]), data)
        words = pydantic_words(err, loc)
        issues.append(
            Issue(
                _where(label, loc, lines),
                words.message,
                words.hint,
                message_zh=words.message_zh,
                hint_zh=words.hint_zh,
            )
        )
    return issues
