"""`--set KEY=VALUE`: override any spec value by its YAML path before validation.

The key is a path into the spec's YAML data: segments separated by `.`, where
`name[3]` or a purely numeric segment is a position in a list, and any other segment
inside a list selects the item whose `id` is that segment (tree leaves written as a
plain string count too). A segment may be quoted (`rename."GDP.1"`) when it holds a
dot or a bracket. The value is YAML (`0.4`, `zscore`, `[0, 100]`, `{method: entropy}`);
`null` removes the key, so the spec's default applies again.

    tree.children.industry.weight=0.4
    tree.children[1].weight=2
    defaults.weights={method: entropy, shift: 0.001}
    indicators.fiveg_bs_per_10k.normalise.target=40

Setting a `method` drops the sibling parameters the new method does not take (e.g.
`range` when minmax becomes zscore) and says so in a note. Every problem of every
override is collected and reported in one `SpecError`.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from gdindex.errors import Bilingual, Issue, IssueLog, SpecError
from gdindex.spec.limits import check_value_shape
from gdindex.spec.models import METHOD_MODELS

_Segment = str | int

_FORM_HINT = "write KEY=VALUE, e.g. tree.children.industry.weight=0.4"
_FORM_HINT_ZH = "请写成 KEY=VALUE，例如 tree.children.industry.weight=0.4"
_PATH_HINT = (
    "separate names by single dots and write positions as [0], "
    "e.g. tree.children[1].weight"
)
_PATH_HINT_ZH = "各级名称用单个点分隔，位置写成 [0]，例如 tree.children[1].weight"
_MAX_IDS = 10

# The key holding a method block → the method kind of `METHOD_MODELS`.
_METHOD_KINDS = {
    "normalise": "normalisation",
    "aggregate": "aggregation",
    "weights": "weighting",
    "impute": "imputation",
    "treat": "treatment",
}

# Lists whose plain-string items stand for a mapping with another key than `id`.
_ITEM_KEYS = {"groups": "column"}


@dataclass(frozen=True)
class Override:
    """One `--set KEY=VALUE`, parsed.

    Attributes:
        text: the option as typed, e.g. `tree.children.industry.weight=0.4`.
        path: the key's segments, e.g. `("tree", "children", "industry", "weight")`;
            positions in lists are ints.
        value: the YAML-parsed value (`0.4`); None removes the key.
    """

    text: str
    path: tuple[str | int, ...]
    value: Any


class _OverrideError(Exception):
    """A problem with one override; becomes an `Issue` naming its key."""

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        message_zh: str,
        hint_zh: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.message_zh = message_zh
        self.hint_zh = hint_zh


def parse_override(text: str) -> Override:
    """Parse `KEY=VALUE` (split on the first `=`, the value read as YAML).

    Raises:
        SpecError: the text has no `=`, an empty key or value, a malformed path or
            a value that is not valid YAML.
    """
    try:
        return _parse(text)
    except _OverrideError as problem:
        raise SpecError(
            f"invalid --set {text}",
            [_issue(text, problem)],
            message_zh=f"--set {text} 无效",
        ) from None


def apply_overrides(
    data: Mapping[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[str]]:
    """Apply every `KEY=VALUE` in order to a copy of the spec's YAML data.

    Returns:
        The overridden copy (`data` itself is left untouched) and notes (`Bilingual`
        texts, English with their Chinese) on what was
        done implicitly, e.g. `defaults.normalise: dropped range (not a zscore
        parameter)`.

    Raises:
        SpecError: listing the problems of all the overrides at once, each with its
            key and a hint.
    """
    result, notes, _ = apply_overrides_located(data, overrides)
    return result, notes


def apply_overrides_located(
    data: Mapping[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[str], dict[tuple[Any, ...], str]]:
    """`apply_overrides`, also returning where each override wrote: the location
    with list positions resolved (`("tree", "children", 1, "weight")`) → the text,
    so that validation can blame `--set` rather than a line of the file."""
    result: dict[str, Any] = {str(k): _copy(v) for k, v in data.items()}
    notes: list[str] = []
    located: dict[tuple[Any, ...], str] = {}
    log = IssueLog()
    for text in overrides:
        try:
            override = _parse(text)
            located[_apply(result, override, notes)] = text
        except _OverrideError as problem:
            log.extend([_issue(text, problem)])
    log.raise_if_errors(SpecError, "--set", "--set 参数")
    return result, notes, located


# --- Parsing --- #


def _parse(text: str) -> Override:
    key, equals, raw = text.partition("=")
    key = key.strip()
    if not equals:
        raise _OverrideError(
            f"no '=' in {text!r}",
            _FORM_HINT,
            message_zh=f"{text!r} 中没有 '='",
            hint_zh=_FORM_HINT_ZH,
        )
    if not key:
        raise _OverrideError(
            f"no key before '=' in {text!r}",
            _FORM_HINT,
            message_zh=f"{text!r} 中 '=' 前没有键",
            hint_zh=_FORM_HINT_ZH,
        )
    if not raw.strip():
        raise _OverrideError(
            "no value after '='",
            f"give a value, e.g. {key}=1, or use {key}=null to remove the key",
            message_zh="'=' 后没有值",
            hint_zh=f"请给出值，例如 {key}=1；或用 {key}=null 删除该键",
        )
    path = _parse_path(key)
    try:
        value = yaml.safe_load(raw)
    except (RecursionError, ValueError):
        raise _OverrideError(
            f"the value of {key} cannot be read: nested too deeply or a number "
            "too long",
            "give a plain value a few levels deep",
            message_zh=f"无法读取 {key} 的值：嵌套过深或数字过长",
            hint_zh="请给出只有几层嵌套的普通值",
        ) from None
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise _OverrideError(
            f"the value {raw.strip()!r} is not valid YAML ({reason})",
            "quote text holding YAML characters, e.g. "
            f"--set '{key}=\"a: b\"'; write lists as [a, b] and mappings as {{k: v}}",
            message_zh=f"值 {raw.strip()!r} 不是有效的 YAML（{reason}）",
            hint_zh="含 YAML 特殊字符的文本请加引号，例如 "
            f"--set '{key}=\"a: b\"'；列表写成 [a, b]，映射写成 {{k: v}}",
        ) from None
    try:
        check_value_shape(value, f"--set {key}")
    except SpecError as exc:
        first = exc.issues[0]
        raise _OverrideError(
            first.message,
            first.hint or "",
            message_zh=first.in_lang("zh").message,
            hint_zh=first.in_lang("zh").hint or "",
        ) from None
    return Override(text=text, path=path, value=value)


def _parse_path(key: str) -> tuple[_Segment, ...]:
    """Split a key into segments: names, quoted names, `[i]` positions."""
    segments: list[_Segment] = []
    i, n = 0, len(key)
    need_segment = True  # at the start or after a dot
    while i < n:
        char = key[i]
        if need_segment and char in "\"'":
            end = key.find(char, i + 1)
            if end < 0:
                raise _OverrideError(
                    f"unclosed quote {char} in the key",
                    _PATH_HINT,
                    message_zh=f"键中的引号 {char} 没有闭合",
                    hint_zh=_PATH_HINT_ZH,
                )
            segments.append(key[i + 1 : end])
            i, need_segment = end + 1, False
        elif char == "[":
            if need_segment:
                where = "at the start" if not segments else "right after '.'"
                where_zh = "开头" if not segments else "紧跟在 '.' 之后"
                raise _OverrideError(
                    f"'[' {where} of the key",
                    _PATH_HINT,
                    message_zh=f"'[' 出现在键的{where_zh}",
                    hint_zh=_PATH_HINT_ZH,
                )
            end = key.find("]", i + 1)
            if end < 0:
                raise _OverrideError(
                    "unclosed '[' in the key",
                    _PATH_HINT,
                    message_zh="键中的 '[' 没有闭合",
                    hint_zh=_PATH_HINT_ZH,
                )
            segments.append(_bracket(key[i + 1 : end].strip()))
            i = end + 1
        elif char == ".":
            if need_segment:
                raise _OverrideError(
                    "empty name in the key (two dots or a leading dot)",
                    _PATH_HINT,
                    message_zh="键中有空名称（连续两个点或以点开头）",
                    hint_zh=_PATH_HINT_ZH,
                )
            i, need_segment = i + 1, True
        elif need_segment:
            end = i
            while end < n and key[end] not in ".[]":
                end += 1
            name = key[i:end]
            segments.append(int(name) if _is_index(name) else name)
            i, need_segment = end, False
        else:
            raise _OverrideError(
                f"unexpected {char!r} in the key at position {i}",
                _PATH_HINT,
                message_zh=f"键的第 {i} 个位置出现意外的 {char!r}",
                hint_zh=_PATH_HINT_ZH,
            )
    if need_segment:
        raise _OverrideError(
            "the key ends with '.'",
            _PATH_HINT,
            message_zh="键以 '.' 结尾",
            hint_zh=_PATH_HINT_ZH,
        )
    return tuple(segments)


def _bracket(inner: str) -> _Segment:
    if not inner:
        raise _OverrideError(
            "empty [] in the key",
            "write a position, e.g. children[0]",
            message_zh="键中有空的 []",
            hint_zh="请写出位置，例如 children[0]",
        )
    if _is_index(inner):
        return int(inner)
    if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "\"'":
        inner = inner[1:-1]
    return inner


def _is_index(name: str) -> bool:
    return name.isascii() and name.isdigit()


# --- Applying --- #


def _apply(
    root: dict[str, Any], override: Override, notes: list[str]
) -> tuple[Any, ...]:
    """Apply one override; return the location written, list positions resolved."""
    path, value = override.path, override.value
    container: Any = root
    resolved: list[Any] = []
    for depth, segment in enumerate(path[:-1]):
        resolved.append(
            _mapping_key(container, segment)
            if isinstance(container, dict)
            else _list_index(container, segment, path, depth)
        )
        container = _descend(container, segment, path, depth, create=value is not None)
        if container is None:
            return tuple(resolved)  # removing a key under a missing one: no-op
    last = path[-1]
    where = _display(path[:-1])
    if isinstance(container, dict):
        key = _mapping_key(container, last)
        resolved.append(key)
        if value is None:
            container.pop(key, None)
            return tuple(resolved)
        if last == "method" and isinstance(value, str) and len(path) >= 2:
            _switch_method(container, path[-2], value, where, notes)
        container[key] = value
        return tuple(resolved)
    index = _list_index(container, last, path, len(path) - 1)
    if value is None:
        raise _OverrideError(
            f"cannot remove an item of the list {where} with null",
            f"set the whole list instead, e.g. {where}=[...]",
            message_zh=f"不能用 null 删除列表 {where} 中的一项",
            hint_zh=f"请改为设置整个列表，例如 {where}=[...]",
        )
    container[index] = value
    return (*resolved, index)


def _descend(
    container: Any,
    segment: _Segment,
    path: tuple[_Segment, ...],
    depth: int,
    create: bool,
) -> Any:
    """The child of `container` at `segment`, promoted or created when needed.

    A missing mapping key is created as an empty mapping when `create`, otherwise
    the result is None.
    """
    here = _display(path[: depth + 1])
    following = path[depth + 1]
    if isinstance(container, dict):
        key = _mapping_key(container, segment)
        child = container.get(key)
        if child is None:
            if not create:
                return None
            if isinstance(following, int):
                raise _OverrideError(
                    f"{here} is not set, so it has no position [{following}]",
                    f"set the whole list, e.g. {here}=[...]",
                    message_zh=f"{here} 未设置，因此没有位置 [{following}]",
                    hint_zh=f"请设置整个列表，例如 {here}=[...]",
                )
            child = container[key] = {}
        elif not isinstance(child, dict | list):
            raise _not_a_container(here, child)
        return child
    index = _list_index(container, segment, path, depth)
    child = container[index]
    if isinstance(child, str):
        item_key = _ITEM_KEYS.get(str(path[depth - 1]) if depth else "", "id")
        child = container[index] = {item_key: child}
    elif not isinstance(child, dict | list):
        raise _not_a_container(here, child)
    return child


def _not_a_container(here: str, child: Any) -> _OverrideError:
    return _OverrideError(
        f"{here} is {child!r}, not a mapping or list, so nothing can be set under it",
        f"check the path, or set {here} itself: {here}=VALUE",
        message_zh=f"{here} 的值为 {child!r}，不是映射或列表，其下不能再设置",
        hint_zh=f"请检查路径，或直接设置 {here}：{here}=VALUE",
    )


def _mapping_key(container: dict[Any, Any], segment: _Segment) -> Any:
    """A numeric segment names an existing int key, else the key as text."""
    if isinstance(segment, int) and segment in container:
        return segment
    return str(segment)


def _list_index(
    items: list[Any], segment: _Segment, path: tuple[_Segment, ...], depth: int
) -> int:
    """The position in `items` of a numeric segment or of the item with that id."""
    where = _display(path[:depth])
    item_key = _ITEM_KEYS.get(str(path[depth - 1]) if depth else "", "id")
    if isinstance(segment, int):
        if segment < len(items):
            return segment
        if not items:
            raise _OverrideError(
                f"{where} is an empty list, so it has no position [{segment}]",
                f"set the whole list, e.g. {where}=[...]",
                message_zh=f"{where} 是空列表，没有位置 [{segment}]",
                hint_zh=f"请设置整个列表，例如 {where}=[...]",
            )
        raise _OverrideError(
            f"position [{segment}] is out of range: {where} has {len(items)} "
            f"item{'s' if len(items) != 1 else ''}",
            f"use a position from 0 to {len(items) - 1}",
            message_zh=f"位置 [{segment}] 超出范围：{where} 只有 {len(items)} 项",
            hint_zh=f"请使用 0 到 {len(items) - 1} 之间的位置",
        )
    ids = [_item_id(item, item_key) for item in items]
    if segment in ids:
        return ids.index(segment)
    known = [i for i in ids if i is not None]
    if not known:
        raise _OverrideError(
            f"no item with {item_key} {segment!r} in {where}: "
            f"its items have no {item_key}",
            f"use a position, e.g. {where}[0] ({len(items)} "
            f"item{'s' if len(items) != 1 else ''})",
            message_zh=f"{where} 中没有 {item_key} 为 {segment!r} 的项："
            f"其各项都没有 {item_key}",
            hint_zh=f"请使用位置，例如 {where}[0]（共 {len(items)} 项）",
        )
    close = difflib.get_close_matches(segment, known, n=1)
    shown = ", ".join(known[:_MAX_IDS])
    shown_zh = shown
    if len(known) > _MAX_IDS:
        shown += f", … ({len(known) - _MAX_IDS} more)"
        shown_zh += f", …（另 {len(known) - _MAX_IDS} 项）"
    guess = f"did you mean {close[0]!r}? " if close else ""
    guess_zh = f"是否想用 {close[0]!r}？" if close else ""
    raise _OverrideError(
        f"no item with {item_key} {segment!r} in {where}",
        f"{guess}{item_key}s here: {shown}",
        message_zh=f"{where} 中没有 {item_key} 为 {segment!r} 的项",
        hint_zh=f"{guess_zh}此处的 {item_key} 有：{shown_zh}",
    )


def _item_id(item: Any, item_key: str) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get(item_key), str):
        return item[item_key]
    return None


def _switch_method(
    block: dict[Any, Any], holder: _Segment, method: str, where: str, notes: list[str]
) -> None:
    """Drop the parameters of `block` the new method does not take, with a note."""
    kind = _METHOD_KINDS.get(holder) if isinstance(holder, str) else None
    if kind is None or block.get("method") == method:
        return
    # Looked up now, so methods added to the registry later are known.
    models = METHOD_MODELS.get(kind, ())
    model = next((m for m in models if _method_name(m) == method), None)
    if model is None:
        return  # unknown: validation reports it with a "did you mean"
    accepted = set(model.model_fields)
    accepted.update(f.alias for f in model.model_fields.values() if f.alias)
    dropped = [k for k in block if k != "method" and k not in accepted]
    for key in dropped:
        del block[key]
    if dropped:
        names = ", ".join(str(k) for k in dropped)
        what = f"a {method} parameter" if len(dropped) == 1 else f"{method} parameters"
        notes.append(
            Bilingual(
                f"{where}: dropped {names} (not {what})",
                f"{where}：已删除 {names}（不是 {method} 的参数）",
            )
        )


def _method_name(model: type[Any]) -> Any:
    field = model.model_fields.get("method")
    return field.default if field is not None else None


# --- Helpers --- #


def _copy(value: Any) -> Any:
    """A deep copy as plain dicts and lists; YAML aliases become independent."""
    if isinstance(value, Mapping):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copy(v) for v in value]
    return copy.deepcopy(value)


def _display(path: Sequence[_Segment]) -> str:
    """A path as typed: `tree.children[1].weight`."""
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


def _issue(text: str, problem: _OverrideError) -> Issue:
    key = text.partition("=")[0].strip() if "=" in text else text.strip()
    return Issue(
        where=f"--set {key or text}",
        message=problem.message,
        hint=problem.hint,
        code="bad-override",
        message_zh=problem.message_zh,
        hint_zh=problem.hint_zh,
    )
