"""Where a spec's YAML is malformed, in plain words: every syntax error at the line
to fix.

PyYAML stops at the first error, often lines after the mistake: an unclosed `[`, `{`
or quote is noticed where the parser runs out, and a key that has a value and an
indented block under it (`indicators: none` above a list) at each line of the block.
`yaml_errors` names the line that opens the bracket or quote, or the key, blanks what
the mistake spoils and reads again, to report the further errors without a cascade.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gdindex.errors import Issue
from gdindex.spec.wording import yaml_words

#: How many further syntax errors are looked for after the first.
_MAX_YAML_ERRORS = 10


_KEY_WITH_VALUE = re.compile(
    r"^(\s*)(?:- +)?([A-Za-z_][\w .-]*?):[ \t]+([^\s#].*?)\s*(?:#.*)?$"
)
#: Values after which an indented block is a hanging block, not a slip: a word, a
#: number, an empty list or mapping, null. A non-empty [list] or {mapping} on the
#: key's line is a value meant as such: a line under it is mis-indented instead.
_PLAIN_VALUE = re.compile(r"^(?:[\w.+-]+|\[\s*\]|\{\s*\}|~)$")


def _owner_with_value(lines: list[str], line: int) -> tuple[int, str, str]:
    """(0-based line, key, value) of the key that the indented block starting at
    `line` hangs under, when that key already has a value on its own line
    (`indicators: none` above an indented list); else (-1, "", "")."""
    if not 0 <= line < len(lines):
        return -1, "", ""
    first = lines[line]
    column = len(first) - len(first.lstrip(" "))
    for k in range(line - 1, -1, -1):
        text = lines[k]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip(" "))
        if indent >= column:
            continue
        found = _KEY_WITH_VALUE.match(text)
        under = found is not None and column >= found.start(2) + 2  # a block's step
        if found and under and _PLAIN_VALUE.match(found[3]):
            return k, found[2].strip(), found[3]
        return -1, "", ""
    return -1, "", ""


def _block_end(lines: list[str], owner: int) -> int:
    """The line after the indented block under line `owner` (0-based)."""
    indent = len(lines[owner]) - len(lines[owner].lstrip(" "))
    k = owner + 1
    while k < len(lines):
        text = lines[k]
        if text.strip() and not text.strip().startswith("#"):
            if len(text) - len(text.lstrip(" ")) <= indent:
                break
        k += 1
    return k


def _yaml_issue(exc: yaml.YAMLError, path: Path) -> tuple[Issue, int | None]:
    """One malformed-YAML issue in plain words, and the 0-based line it names: for
    a `[` or `{` left open, the line that opens it (the parser notices only lines
    later, and blanking those lines would find the same open bracket again)."""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    opened = getattr(exc, "context_mark", None)
    starts = ("while parsing a flow", "while scanning a quoted scalar")
    if not (opened and context and context.startswith(starts)):
        opened = None
    mark = (
        opened
        or getattr(exc, "problem_mark", None)
        or getattr(exc, "context_mark", None)
    )
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
    raw = f"{context}, {problem}" if context else problem
    words = yaml_words(problem, raw, (mark.line + 1, mark.column + 1) if mark else None)
    issue = Issue(
        where,
        words.message,
        words.hint,
        message_zh=words.message_zh,
        hint_zh=words.hint_zh,
    )
    return issue, (mark.line if mark else None)


def _hanging_block(
    exc: yaml.YAMLError, path: Path, lines: list[str]
) -> tuple[Issue, int, int] | None:
    """The issue of an indented block under a key that already has a value, at that
    key's line, and the lines of the block (to blank them all: each of its lines
    would otherwise be reported in turn); None for any other error."""
    mark = getattr(exc, "problem_mark", None)
    context = str(getattr(exc, "context", "") or "")
    problem = str(getattr(exc, "problem", "") or "")
    if mark is None or not (
        "block" in context or problem.startswith("mapping values are not allowed")
    ):
        return None
    owner, key, value = _owner_with_value(lines, mark.line)
    if owner < 0:
        return None
    issue = Issue(
        f"{path}:{owner + 1}",
        f"malformed YAML: line {owner + 1}: '{key}' has a value ({value}) and also "
        f"an indented block under it (from line {mark.line + 1})",
        f"remove '{value}' after '{key}:' to keep the block, or remove the block",
        message_zh=f"YAML 格式错误：第 {owner + 1} 行：'{key}' 已有值（{value}），"
        f"其下（从第 {mark.line + 1} 行起）又有缩进的内容",
        hint_zh=f"若要保留下面的内容，请删去 '{key}:' 后的 '{value}'；"
        "否则删去下面的内容",
    )
    return issue, owner, _block_end(lines, owner)


_QUOTED_VALUE = re.compile(r"^\s*(?:- +)?[^#\"']*?:[ \t]+([\"'])(.*)$")


def _open_quote(
    exc: yaml.YAMLError, path: Path, lines: list[str]
) -> tuple[Issue, int] | None:
    """The issue of a quoted value left open, at its line, and that line (0-based):
    the parser reads on to the next quote, lines later, and fails there or beyond."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    for k in range(min(mark.line, len(lines) - 1) + 1):
        found = _QUOTED_VALUE.match(lines[k])
        if found is None:
            continue
        quote, rest = found[1], found[2]
        rest = re.sub(r"\\.", "", rest) if quote == '"' else rest.replace("''", "")
        if quote in rest:
            continue
        issue = Issue(
            f"{path}:{k + 1}:{found.start(1) + 1}",
            f"malformed YAML: line {k + 1}: the quoted value is not closed: it opens "
            f"with {quote} and runs on to the next {quote}, lines further",
            f"close the {quote} on the same line",
            message_zh=f"YAML 格式错误：第 {k + 1} 行：引号中的值没有闭合：以 {quote} "
            f"开头，一直延续到后面几行的下一个 {quote}",
            hint_zh=f"请在同一行补上 {quote}",
        )
        return issue, k
    return None


def yaml_errors(
    text: str, path: Path, first: yaml.YAMLError, loader_class: Any
) -> list[Issue]:
    """Every syntax error found: the first (`first`, raised reading `text`), then
    those found by blanking what each spoils and reading again with `loader_class`
    (the spec's loader); at most `_MAX_YAML_ERRORS`."""
    lines = text.split("\n")
    issues: list[Issue] = []
    seen: set[int | None] = set()
    exc: yaml.YAMLError | None = first
    while exc is not None and len(issues) < _MAX_YAML_ERRORS:
        hanging = _hanging_block(exc, path, lines)
        quoted = _open_quote(exc, path, lines)
        line: int | None
        if quoted is not None:
            issue, line = quoted
            blank = range(line, line + 1)
        elif hanging is not None:
            issue, owner, end = hanging
            blank, line = range(owner + 1, end), owner
        else:
            issue, line = _yaml_issue(exc, path)
            blank = range(line, line + 1) if line is not None else range(0)
        if line in seen or line is None or line >= len(lines):
            if line not in seen:
                issues.append(issue)
            break
        seen.add(line)
        issues.append(issue)
        for k in blank:
            lines[k] = ""
        exc = None
        try:
            loader = loader_class("\n".join(lines))
            try:
                loader.get_single_node()
            finally:
                loader.dispose()
        except yaml.YAMLError as again:
            exc = again
    return issues
