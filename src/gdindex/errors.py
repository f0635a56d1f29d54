"""Errors and issues: what gdindex tells a user when input is wrong.

Every check collects `Issue`s (where, message, hint) instead of raising on the first
problem; a stage then raises one `SpecError` or `DataError` holding all of them. The
CLI catches only `GdindexError`.

Every text a user reads comes in English and Chinese: an `Issue` carries
`message_zh`/`hint_zh` (and `where_zh` when its place is in words), a `GdindexError`
its `message_zh`; `Issue.in_lang`, `Issue.line` and `GdindexError.headline` give the
text of `--lang`, English where a Chinese text is missing. `str()` stays English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]

MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Issue:
    """One problem found in a spec or its data.

    Attributes:
        where: file and YAML path (`spec.yaml: tree.children[1].weight`) or file, row,
            unit, period and column of a data cell.
        message: what is wrong, quoting the offending value.
        hint: how to fix it.
        severity: `error` stops the computation; `warning` is reported and kept in
            `IndexResult.issues`.
        code: a short stable identifier (e.g. `constant-indicator`) for tests and tools.
        message_zh, hint_zh: the message and hint in Chinese (`--lang zh`).
        where_zh: `where` in Chinese when it holds words (`第 8 行`); None when it
            is only a file, a YAML path or an option, the same in both languages.
    """

    where: str
    message: str
    hint: str | None = None
    severity: Severity = "error"
    code: str = "invalid"
    message_zh: str | None = None
    hint_zh: str | None = None
    where_zh: str | None = None

    def in_lang(self, lang: str) -> Issue:
        """This issue with `where`, `message` and `hint` in `lang` (`zh` or `en`):
        under zh the Chinese texts, each falling back to the English one it lacks."""
        if lang != "zh":
            return self
        return replace(
            self,
            where=self.where_zh or self.where,
            message=self.message_zh or self.message,
            hint=self.hint_zh or self.hint,
        )

    def line(self, lang: str = "en") -> str:
        """The issue on one line in `lang`: `where: message (hint: …)`, or
        `where：message（建议：…）`; `str(issue)` is the English line."""
        shown = self.in_lang(lang)
        zh = lang == "zh"
        colon = "：" if zh else ": "
        text = f"{shown.where}{colon}{shown.message}" if shown.where else shown.message
        if shown.hint:
            text += f"（建议：{shown.hint}）" if zh else f" (hint: {shown.hint})"
        return text

    def __str__(self) -> str:
        return self.line("en")

    def to_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping, with the Chinese texts under `*_zh` (the
        English where there is no Chinese one)."""
        zh = self.in_lang("zh")
        return {
            "severity": self.severity,
            "code": self.code,
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
            "where_zh": zh.where,
            "message_zh": zh.message,
            "hint_zh": zh.hint,
        }


class GdindexError(Exception):
    """Base class of every error gdindex raises on purpose.

    `message` (the exception's text) is English; `message_zh` its Chinese, shown
    under `--lang zh` by `headline`.
    """

    def __init__(
        self,
        message: str,
        issues: Iterable[Issue] = (),
        *,
        message_zh: str | None = None,
    ) -> None:
        self.issues: list[Issue] = list(issues)
        self.message_zh = message_zh
        super().__init__(message)

    def headline(self, lang: str = "en") -> str:
        """The error's own message in `lang` (English when it has no Chinese)."""
        head = super().__str__()
        return (self.message_zh or head) if lang == "zh" else head

    def __str__(self) -> str:
        head = super().__str__()
        if not self.issues:
            return head
        lines = [head] + [f"- {issue}" for issue in self.issues]
        return "\n".join(lines)


class SpecError(GdindexError):
    """The spec file is malformed or inconsistent."""


class DataError(GdindexError):
    """The input tables do not fit the spec or cannot be computed."""


class OutputError(GdindexError):
    """The result files cannot be written."""


class MethodError(SpecError):
    """An unknown method name or invalid method parameters."""


class LocalisedValueError(ValueError):
    """A `ValueError` whose text a user reads, with its Chinese: a spec value that
    a validator rejects, data a weighting scheme cannot weigh. The code that turns
    it into an `Issue` takes `message_zh` from it."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message_zh = message_zh


class Bilingual(str):
    """An English text that carries its Chinese (`zh`): a note kept in a list of
    texts (an override's note, a sensitivity note). It is the English wherever a
    `str` is expected (JSON, comparisons, `str()`)."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Bilingual:
        text = super().__new__(cls, en)
        text.zh = zh
        return text

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (str(self), self.zh)  # pickles and copies keep the Chinese

    def in_lang(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def text_in(text: str, lang: str) -> str:
    """A text in `lang`: the Chinese of a `Bilingual` under zh, else the text."""
    return text.zh if lang == "zh" and isinstance(text, Bilingual) else str(text)


def zh_text(source: object) -> str | None:
    """The Chinese text of an exception or a text, if it has one: the `message_zh`
    of a `LocalisedValueError` or `GdindexError`, the `zh` of a `Bilingual`."""
    found = getattr(source, "message_zh", None) or getattr(source, "zh", None)
    return found if isinstance(found, str) else None


class Words(NamedTuple):
    """A problem's message and hint, in English and Chinese (what a helper that
    words an issue returns)."""

    message: str
    hint: str | None
    message_zh: str
    hint_zh: str | None


@dataclass
class IssueLog:
    """Collects issues during a stage; `raise_if_errors` fails once with all of them.

    `error` and `warn` take the Chinese message and hint as keywords (and `where_zh`
    when `where` holds words)."""

    issues: list[Issue] = field(default_factory=list)

    def error(
        self,
        where: str,
        message: str,
        hint: str | None = None,
        code: str = "invalid",
        *,
        message_zh: str | None = None,
        hint_zh: str | None = None,
        where_zh: str | None = None,
    ) -> None:
        self.issues.append(
            Issue(where, message, hint, "error", code, message_zh, hint_zh, where_zh)
        )

    def warn(
        self,
        where: str,
        message: str,
        hint: str | None = None,
        code: str = "warning",
        *,
        message_zh: str | None = None,
        hint_zh: str | None = None,
        where_zh: str | None = None,
    ) -> None:
        self.issues.append(
            Issue(where, message, hint, "warning", code, message_zh, hint_zh, where_zh)
        )

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(
        self, kind: type[GdindexError], what: str, what_zh: str | None = None
    ) -> None:
        errors = self.errors
        if errors:
            raise kind(
                f"{what}: {plural(len(errors), 'problem')} found",
                errors,
                message_zh=f"{what_zh or what}：发现 {len(errors)} 个问题",
            )


def plural(count: int, noun: str) -> str:
    """`1 problem`, `2 problems`, `0 warnings`: a count with its noun in English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def is_are(count: int, noun: str) -> str:
    """`1 cell is`, `2 cells are`: a counted subject with its verb."""
    return plural(count, noun) + (" is" if count == 1 else " are")


#: The nouns `numbered` counts, in Chinese.
_NOUNS_ZH = {"row": "行", "line": "行", "column": "列", "field": "字段"}


def numbered(noun: str, values: Iterable[object], lang: str = "en") -> str:
    """`row 8`, `rows 8, 9`: a noun before the capped list of its numbers (`第 8, 9
    行` under zh)."""
    items = list(values)
    if lang == "zh":
        return f"第 {examples(items, lang='zh')} {_NOUNS_ZH.get(noun, noun)}"
    return f"{noun if len(items) == 1 else noun + 's'} {examples(items)}"


def examples(
    values: Iterable[object], limit: int = MAX_EXAMPLES, lang: str = "en"
) -> str:
    """Format a capped, comma-separated list of offending values (`… (3 more)`,
    or `…（另 3 项）` under zh)."""
    items = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in items[:limit])
    if len(items) > limit:
        more = len(items) - limit
        shown += f", …（另 {more} 项）" if lang == "zh" else f", … ({more} more)"
    return shown
