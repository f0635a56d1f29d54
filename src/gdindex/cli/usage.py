"""Usage errors (exit 2) in the language of the command line's `--lang`.

Click writes its parsing errors (a missing argument, an unknown option, a value that is
not a number, …) in English. `show_usage_error` prints them as Typer does — the usage
line, where to find help, the message in a red panel — in English, or in Chinese
(the CLI's default language) with the message translated: by the exception's kind
and fields, and for values by the known shapes of Click's, Typer's and gdindex's own
messages (`shell.BadValue` carries its Chinese). A message of an unknown shape keeps
its English words inside a Chinese frame.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from rich.markup import escape
from rich.panel import Panel

from gdindex.shell import BadValue, console


def language(args: Sequence[str]) -> str:
    """The `--lang` of a command line (the last one given), else `zh`, the
    default of every command."""
    found = "zh"
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in ("zh", "en"):
            found = value
    return found


def show_usage_error(exc: Any, lang: str) -> None:
    """Print `exc` on stderr in `lang` (zh or en), as Typer prints usage errors:
    the usage line, where to find help, the message in a red panel."""
    from typer import rich_utils

    if exc.__class__.__name__ == "NoArgsIsHelpError":
        rich_utils.rich_format_error(exc)  # the help itself, as Typer shows it
        return
    zh = lang == "zh"
    err = console(stderr=True)
    ctx: Any = getattr(exc, "ctx", None)
    if ctx is not None:
        usage = ctx.get_usage().removeprefix("Usage:").strip()
        err.print(
            escape(("用法：" if zh else "Usage: ") + usage),
            style=rich_utils.STYLE_USAGE_COMMAND,
        )
        if ctx.command.get_help_option(ctx) is not None:
            command = escape(f"{ctx.command_path} {ctx.help_option_names[0]}")
            err.print(
                f"运行 '{command}' 查看帮助。" if zh else f"Try '{command}' for help.",
                style=rich_utils.STYLE_ERRORS_SUGGESTION,
            )
    err.print(
        Panel(
            escape(message_zh(exc) if zh else message_en(exc)),
            border_style=rich_utils.STYLE_ERRORS_PANEL_BORDER,
            title="错误" if zh else "Error",
            title_align=rich_utils.ALIGN_ERRORS_PANEL,
            expand=False,
        )
    )


def show_output_error(exc: OSError, lang: str) -> None:
    """The standard output cannot be written (a full disk, /dev/full): one line on
    stderr, not a traceback."""
    why = exc.strerror or str(exc)
    console(stderr=True).print(
        f"无法写出输出：{why}（请检查输出重定向到的磁盘或设备）"
        if lang == "zh"
        else f"cannot write the output: {why} (check the disk or device it goes to)",
        style="red",
    )


def show_abort(lang: str) -> None:
    """Ctrl-C / end of input at a prompt: one line on stderr."""
    console(stderr=True).print("已中止。" if lang == "zh" else "Aborted!", style="red")


def message_zh(exc: Any) -> str:
    """The message of a Click usage error, in Chinese: Click's English message read
    by its known shapes (Click's classes are Typer's own copy or Click's, and their
    fields differ between versions; the messages do not)."""
    text = str(exc.format_message())
    if isinstance(exc, BadValue):
        found = re.match(r"Invalid value for (.+?): ", text)
        return f"{found[1] if found else '参数'} 的值无效：{exc.message_zh}"
    return _translate(text, _USAGE_MESSAGES)


def message_en(exc: Any) -> str:
    """Click's English message, with Typer's validation wording ("Input should be
    a valid integer, unable to parse string as an integer") in plain words."""
    text = str(exc.format_message())
    found = re.fullmatch(r"(Invalid value for .+?: )(.*)", text, flags=re.DOTALL)
    if found and not isinstance(exc, BadValue):
        return found[1] + _translate(found[2], _VALUE_MESSAGES_EN)
    return text


#: Typer's validation wording in plain English.
_VALUE_MESSAGES_EN: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"Input should be a valid integer.*", lambda m: "not a whole number"),
    (r"Input should be a valid number.*", lambda m: "not a number"),
    (r"Input should be a valid boolean.*", lambda m: "not true or false"),
    (
        r"Input should be greater than or equal to (\S+)",
        lambda m: f"must be {m[1]} or more",
    ),
    (r"Input should be greater than (\S+)", lambda m: f"must be more than {m[1]}"),
    (
        r"Input should be less than or equal to (\S+)",
        lambda m: f"must be {m[1]} or less",
    ),
    (r"Input should be less than (\S+)", lambda m: f"must be less than {m[1]}"),
    (r"Value error, (.+)", lambda m: m[1]),
]

_KIND = {"argument": "参数", "option": "选项"}

_Rule = tuple[str, Callable[[re.Match[str]], str]]

#: Click's and Typer's own messages about a value, by their shape.
_VALUE_MESSAGES: list[_Rule] = [
    (
        r"Input should be a valid integer.*",
        lambda m: "应为整数",
    ),
    (
        r"Input should be a valid number.*",
        lambda m: "应为数字",
    ),
    (
        r"Input should be a valid boolean.*",
        lambda m: "应为 true 或 false",
    ),
    (
        r"Input should be greater than or equal to (\S+)",
        lambda m: f"应为 {m[1]} 或更大",
    ),
    (
        r"Input should be greater than (\S+)",
        lambda m: f"应大于 {m[1]}",
    ),
    (
        r"Input should be less than or equal to (\S+)",
        lambda m: f"应为 {m[1]} 或更小",
    ),
    (
        r"Input should be less than (\S+)",
        lambda m: f"应小于 {m[1]}",
    ),
    (
        r"(?:Value error, )?(.+) is not one of (.+?)\.?",
        lambda m: f"{m[1]} 不是可选值，可选：{m[2]}",
    ),
    (
        r"(.+) is not a valid (integer|float|boolean)\.?",
        lambda m: (
            f"{m[1]} 不是有效的"
            + {"integer": "整数", "float": "数字", "boolean": "布尔值"}[m[2]]
        ),
    ),
    (
        r"(.+) is not in the range (.+)\.?",
        lambda m: f"{m[1]} 不在范围 {m[2]} 内",
    ),
]

#: Click's messages about the command line.
_USAGE_MESSAGES: list[_Rule] = [
    (
        r"Invalid value for (.+?): (.*)",
        lambda m: f"{m[1]} 的值无效：{_translate(m[2], _VALUE_MESSAGES)}",
    ),
    (
        r"Invalid value: (.*)",
        lambda m: f"值无效：{_translate(m[1], _VALUE_MESSAGES)}",
    ),
    (
        r"Missing (argument|option|parameter) (.+?)\.?",
        lambda m: f"缺少{_KIND.get(m[1], '参数')} {m[2]}。",
    ),
    (
        r"No such option: (\S+) ?\(Possible options: (.+)\)",
        lambda m: f"没有选项 {m[1]}（是否想用：{m[2]}）",
    ),
    (
        r"No such option: (\S+) ?Did you mean (.+)\?",
        lambda m: f"没有选项 {m[1]}（是否想用：{m[2]}）",
    ),
    (
        r"No such option: (\S+)",
        lambda m: f"没有选项 {m[1]}",
    ),
    (
        r"Option '(.+)' requires an argument\.",
        lambda m: f"选项 '{m[1]}' 需要一个值。",
    ),
    (
        r"Option '(.+)' requires (\d+) arguments\.",
        lambda m: f"选项 '{m[1]}' 需要 {m[2]} 个值。",
    ),
    (
        r"Option '(.+)' does not take a value\.",
        lambda m: f"选项 '{m[1]}' 不接受值。",
    ),
    (
        r"Got unexpected extra arguments? ?(?:\(s\))? \((.*)\)",
        lambda m: f"多余的参数：{m[1]}",
    ),
    (
        r"No such command '(.+)'\.",
        lambda m: f"没有命令 '{m[1]}'。",
    ),
    (
        r"Missing command\.",
        lambda m: "缺少命令。",
    ),
]


def _translate(text: str, rules: list[_Rule]) -> str:
    for pattern, make in rules:
        match = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
        if match:
            return make(match)
    return text
