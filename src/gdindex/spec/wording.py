"""What a spec's problems say: PyYAML's and pydantic's messages in the spec's words,
in English and Chinese (`spec.load` places them at their file, line and YAML path).

Unknown keys get a "did you mean", unknown method names the list of methods, a
negative weight says that weights are relative; a validator's `LocalisedValueError`
keeps its own Chinese; any other pydantic message is translated by its type.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel

from gdindex.errors import Words, zh_text
from gdindex.methods.params import Model
from gdindex.spec.models import METHOD_MODELS, IndexSpec

#: PyYAML's problems in plain words: (start of the parser's text, what it means,
#: what to do, and both in Chinese).
YAML_PROBLEMS = [
    (
        "did not find expected '-' indicator",
        "this list item is not lined up with the items above it",
        "start every item of a list with '-' at the same indentation",
        "这一列表项没有与上面的各项对齐",
        "列表的每一项都应以 '-' 开头，且缩进相同",
    ),
    (
        "did not find expected key",
        "this line is not indented like the keys around it",
        "line the key up with its siblings, or quote a value that starts with a "
        "special character",
        "这一行的缩进与周围的键不一致",
        "请把该键与同级的键对齐，或给以特殊字符开头的值加引号",
    ),
    (
        "mapping values are not allowed here",
        "a 'key: value' where none can start",
        "put a space after ':' on the line above, quote a value that contains ': ', "
        "or fix the indentation",
        "此处不能开始一个 'key: value'",
        "请在上一行的 ':' 后加空格，给含有 ': ' 的值加引号，或修正缩进",
    ),
    (
        "found character '\\t' that cannot start any token",
        "a tab character",
        "indent with spaces only; YAML does not allow tabs",
        "出现了制表符（Tab）",
        "请只用空格缩进；YAML 不允许使用制表符",
    ),
    (
        "found a tab character",
        "a tab character",
        "indent with spaces only; YAML does not allow tabs",
        "出现了制表符（Tab）",
        "请只用空格缩进；YAML 不允许使用制表符",
    ),
    (
        "found unexpected end of stream",
        "the file ends inside a quoted text",
        "close the quote that is opened here",
        "文件在引号内的文本中结束",
        "请闭合此处开始的引号",
    ),
    (
        "could not find expected ':'",
        "a line that is neither 'key: value' nor a list item",
        "add the ':' after the key, or close a quote opened earlier",
        "这一行既不是 'key: value'，也不是列表项",
        "请在键后加上 ':'，或闭合前面开始的引号",
    ),
    (
        "expected ',' or ']'",
        "a [list] in brackets is not closed, or its items are not separated by commas",
        "close the ']' and separate the items with ', '",
        "方括号中的 [列表] 没有闭合，或各项之间没有用逗号分隔",
        "请补上 ']'，并用 ', ' 分隔各项",
    ),
    (
        "expected ',' or '}'",
        "a {mapping} in braces is not closed, or its entries are not separated by "
        "commas",
        "close the '}' and separate the entries with ', '",
        "花括号中的 {映射} 没有闭合，或各项之间没有用逗号分隔",
        "请补上 '}'，并用 ', ' 分隔各项",
    ),
    (
        "expected <block end>",
        "the indentation of this line does not match the block it belongs to",
        "line it up with its siblings (spaces only)",
        "这一行的缩进与所属的块不一致",
        "请与同级各行对齐（只用空格）",
    ),
    (
        "found undefined alias",
        "a '*alias' with no '&anchor' before it",
        "define the anchor first, or write the value out",
        "'*别名' 之前没有对应的 '&锚点'",
        "请先定义锚点，或直接写出该值",
    ),
]


def yaml_words(problem: str, raw: str, position: tuple[int, int] | None) -> Words:
    """A PyYAML syntax error in plain words: `problem` is the parser's problem,
    `raw` its full text, `position` the 1-based line and column."""
    found = next(
        (
            row[1:]
            for row in YAML_PROBLEMS
            if problem.startswith(row[0]) or row[0] in raw
        ),
        (
            "the YAML cannot be read here",
            "check the indentation (spaces only), the quotes and the brackets",
            "此处的 YAML 无法读取",
            "请检查缩进（只用空格）、引号和括号",
        ),
    )
    plain, hint, plain_zh, hint_zh = found
    at = at_zh = ""
    if position is not None:
        at = f"line {position[0]}, column {position[1]}: "
        at_zh = f"第 {position[0]} 行第 {position[1]} 列："
    return Words(
        f"malformed YAML: {at}{plain}",
        f"{hint} (the YAML parser said: {raw})",
        f"YAML 格式错误：{at_zh}{plain_zh}",
        f"{hint_zh}（YAML 解析器原文：{raw}）",
    )


#: pydantic's messages by error type, in plain English (its context fills the
#: braces); a type not listed keeps pydantic's words.
_PYDANTIC_EN = {
    "list_type": "should be a list",
    "tuple_type": "should be a list",
    "string_type": "should be text",
    "bool_type": "should be true or false",
    "bool_parsing": "should be true or false",
    "int_type": "should be a whole number",
    "int_parsing": "should be a whole number",
    "int_from_float": "should be a whole number, not a fraction",
    "float_type": "should be a number",
    "float_parsing": "should be a number",
    "greater_than": "should be more than {gt}",
    "greater_than_equal": "should be {ge} or more",
    "less_than": "should be less than {lt}",
    "less_than_equal": "should be {le} or less",
    "too_short": "should have at least {min_length} items, not {actual_length}",
    "too_long": "should have at most {max_length} items, not {actual_length}",
}

#: pydantic's messages by error type, in Chinese (its context fills the braces).
_PYDANTIC_ZH = {
    "model_type": "应为映射（key: value）",
    "model_attributes_type": "应为映射（key: value）",
    "dict_type": "应为映射（key: value）",
    "mapping_type": "应为映射（key: value）",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "iterable_type": "应为列表",
    "string_type": "应为文本",
    "string_unicode": "应为文本",
    "string_too_short": "至少应有 {min_length} 个字符",
    "string_too_long": "至多只能有 {max_length} 个字符",
    "string_not_ascii": "只能含 ASCII 字符",
    "bool_type": "应为布尔值（true 或 false）",
    "bool_parsing": "应为布尔值（true 或 false）",
    "int_type": "应为整数",
    "int_parsing": "应为整数，无法把文本解析为整数",
    "int_parsing_size": "整数过大，无法解析",
    "int_from_float": "应为整数，实际是带小数的数",
    "float_type": "应为数字",
    "float_parsing": "应为数字，无法把文本解析为数字",
    "finite_number": "应为有限数",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应大于或等于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应小于或等于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "too_short": "至少应有 {min_length} 项，实际 {actual_length} 项",
    "too_long": "至多只能有 {max_length} 项，实际 {actual_length} 项",
    "none_required": "应为空（null）",
    "enum": "应为 {expected}",
    "literal_error": "应为 {expected}",
    "recursion_loop": "存在循环引用",
    "sensitivity_input": "每个输入须有 set、weights 或 exclude 之一",
}

#: The method blocks of a spec, by key → (English, Chinese) kind.
_KINDS = {
    "normalise": ("normalisation", "标准化"),
    "aggregate": ("aggregation", "聚合"),
    "impute": ("imputation", "插补"),
    "treat": ("treatment", "异常值处理"),
    "weights": ("weighting", "赋权"),
}


def pydantic_words(err: Any, loc: tuple[Any, ...]) -> Words:
    """One pydantic error (`ValidationError.errors()` item) in the spec's words;
    `loc` is its location cleaned of pydantic's union tags."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        owners = _methods_with_param(key)
        close = difflib.get_close_matches(key, _all_field_names(), n=1)
        if owners:
            hint = f"'{key}' belongs to method {' or '.join(owners)}: set `method:`"
            hint_zh = f"'{key}' 是方法 {' 或 '.join(owners)} 的参数：请设置 `method:`"
        elif close and close[0] == key:  # a real key, at another level
            parent = ".".join(str(p) for p in loc[:-1]) or "the top level"
            if key in IndexSpec.model_fields:
                hint = f"'{key}' belongs at the top level of the spec, not in {parent}"
                hint_zh = f"'{key}' 应写在配置文件的顶层，而不是 {parent} 下"
            else:
                hint = f"'{key}' is a key elsewhere in the spec, not of {parent}"
                hint_zh = f"'{key}' 是配置文件中别处的键，不属于 {parent}"
        elif close:
            hint, hint_zh = f"did you mean '{close[0]}'?", f"是否想写 '{close[0]}'？"
        else:
            hint, hint_zh = "remove it", "请删除"
        return Words(f"unknown key '{key}'", hint, f"未知的键 '{key}'", hint_zh)
    if kind == "union_tag_not_found":
        what, what_zh = _method_kind(loc)
        example, example_zh = _method_example(what)
        return Words(
            f"missing `method:` for the {what} settings".replace("  ", " "),
            "add `method:`, e.g. " + example,
            f"{what_zh}设置缺少 `method:`",
            "请添加 `method:`，例如 " + example_zh,
        )
    if kind == "union_tag_invalid":
        tag = ctx.get("tag")
        expected = [t.strip(" '") for t in str(ctx.get("expected_tags")).split(",")]
        what, what_zh = _method_kind(loc)
        close = difflib.get_close_matches(str(tag), expected, n=1)
        return Words(
            f"unknown {what} method '{tag}'",
            (f"did you mean '{close[0]}'? " if close else "")
            + ("available: " + ", ".join(expected)),
            f"未知的{what_zh}方法 '{tag}'",
            (f"是否想用 '{close[0]}'？" if close else "")
            + ("可选：" + ", ".join(expected)),
        )
    if kind == "missing":
        if loc:
            return Words(
                f"missing required key '{loc[-1]}'",
                "add it",
                f"缺少必填的键 '{loc[-1]}'",
                "请补上",
            )
        return Words("missing value", "add it", "缺少值", "请补上")
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace(" or ", " 或 ")
        return Words(
            f"{err['msg'].lower()}, found {value!r}",
            None,
            f"应为 {allowed}，实际为 {value!r}",
            None,
        )
    if kind in {"greater_than_equal", "greater_than"} and loc[-1:] == ("weight",):
        return Words(
            f"negative weight {value!r}",
            "weights are relative to siblings and must be ≥ 0",
            f"权重为负：{value!r}",
            "权重是相对于同级节点的，须 ≥ 0",
        )
    if kind == "string_pattern_mismatch":
        return Words(
            f"invalid id {value!r}",
            "ids start with a letter and use only letters, digits and _",
            f"id {value!r} 无效",
            "id 须以字母开头，只能含字母、数字和 _",
        )
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        msg = "should be keys and values (key: value)"  # not pydantic's class name
        if loc[-1:] == ("name",):
            msg = "should be a name: text, or {zh: …, en: …}"
    elif kind in _PYDANTIC_EN:
        try:
            shown_ctx = {
                k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()
            }
            msg = _PYDANTIC_EN[kind].format(**shown_ctx)
        except (KeyError, IndexError):
            pass  # pydantic's own words
    shown = value if not isinstance(value, dict | list) else None
    found = f", found {shown!r}" if shown is not None else ""
    found_zh = f"，实际为 {shown!r}" if shown is not None else ""
    hints = _TYPE_HINTS.get(kind)
    if hints is not None and loc[-1:] == ("name",) and kind != "string_type":
        hints = _NAME  # a label: text, or one text per language
    elif hints is _MAPPING and loc and str(loc[-1]) in _KINDS:
        method = value if isinstance(value, str) else "…"
        block = f"{loc[-1]}: {{method: {method}}}"
        hints = (f"a method block: write {block}", f"这是方法设置：请写成 {block}")
    return Words(
        f"{msg}{found}",
        hints[0] if hints else None,
        f"{_pydantic_zh(kind, ctx, msg)}{found_zh}",
        hints[1] if hints else None,
    )


_NUMBER = (
    "write a plain number, e.g. 0.4 (no unit, % or thousands separator)",
    "请写一个数字，例如 0.4（不带单位、% 或千位分隔符）",
)
_WHOLE = ("write a whole number, e.g. 3", "请写一个整数，例如 3")
_MAPPING = (
    "write keys and values: one `key: value` per line below it, or {key: value, …}",
    "请写成键和值：在其下每行一个 `键: 值`，或写成 {键: 值, …}",
)
_NAME = (
    "write the name as text, or as {zh: 中文名, en: English name}",
    "请把名称写成文本，或写成 {zh: 中文名, en: English name}",
)
#: What to write instead of a value of the wrong type, by pydantic's error type.
_TYPE_HINTS: dict[str, tuple[str, str]] = {
    "float_parsing": _NUMBER,
    "float_type": _NUMBER,
    "int_parsing": _WHOLE,
    "int_type": _WHOLE,
    "int_from_float": _WHOLE,
    "bool_parsing": ("write true or false", "请写 true 或 false"),
    "bool_type": ("write true or false", "请写 true 或 false"),
    "string_type": (
        "write a text; quote it when YAML would read a number or a date, e.g. "
        "'2021H1' or '440100'",
        "请写文本；YAML 会读成数字或日期时请加引号，例如 '2021H1' 或 '440100'",
    ),
    "list_type": (
        "write a list, e.g. [a, b], or one `- item` per line",
        "请写成列表，例如 [a, b]，或每行一个 `- 项`",
    ),
    "dict_type": _MAPPING,
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
}


def _pydantic_zh(kind: str, ctx: dict[str, Any], msg: str) -> str:
    """pydantic's message in Chinese: a validator's own Chinese, a translated
    template, or the English inside a Chinese sentence for a type not listed."""
    if kind == "value_error":
        own = zh_text(ctx.get("error"))
        return own if own is not None else f"取值无效（{msg}）"
    template = _PYDANTIC_ZH.get(kind)
    if template is None:
        return f"取值无效（{msg}）"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def method_names() -> set[str]:
    """Every method name of every kind (normalisation, aggregation, …)."""
    return {
        m.model_fields["method"].default
        for models in METHOD_MODELS.values()
        for m in models
    }


def _all_field_names() -> list[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [IndexSpec]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for sub in Model.__subclasses__():
            stack.append(sub)
            stack.extend(sub.__subclasses__())
    return sorted(names)


def _methods_with_param(key: str) -> list[str]:
    """Methods that take `key` as a parameter (for hints on misplaced keys)."""
    if key in {"method", "scope", "base_period", "min_coverage"}:
        return []
    return [
        f"'{m.model_fields['method'].default}'"
        for models in METHOD_MODELS.values()
        for m in models
        if key in m.model_fields
    ]


def _method_example(what: str) -> tuple[str, str]:
    models = METHOD_MODELS.get(what)
    if not models:
        return "method: minmax", "method: minmax"
    names = [m.model_fields["method"].default for m in models]
    return (
        f"method: {names[0]} (one of {', '.join(names)})",
        f"method: {names[0]}（可选 {', '.join(names)}）",
    )


def _method_kind(loc: tuple[Any, ...]) -> tuple[str, str]:
    for part in reversed(loc):
        if part in _KINDS:
            return _KINDS[str(part)]
    return "", ""
