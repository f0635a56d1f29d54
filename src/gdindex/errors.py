"""Errors and issues: what gdindex tells a user when input is wrong.

Every check collects `Issue`s (where, message, hint) instead of raising on the first
problem; a stage then raises one `SpecError` or `DataError` holding all of them. The
CLI catches only `GdindexError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

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
    """

    where: str
    message: str
    hint: str | None = None
    severity: Severity = "error"
    code: str = "invalid"

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready mapping."""
        return {
            "severity": self.severity,
            "code": self.code,
            "where": self.where,
            "message": self.message,
            "hint": self.hint,
        }


class GdindexError(Exception):
    """Base class of every error gdindex raises on purpose."""

    def __init__(self, message: str, issues: Iterable[Issue] = ()) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__(message)

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


@dataclass
class IssueLog:
    """Collects issues during a stage; `raise_if_errors` fails once with all of them."""

    issues: list[Issue] = field(default_factory=list)

    def error(
        self, where: str, message: str, hint: str | None = None, code: str = "invalid"
    ) -> None:
        self.issues.append(Issue(where, message, hint, "error", code))

    def warn(
        self, where: str, message: str, hint: str | None = None, code: str = "warning"
    ) -> None:
        self.issues.append(Issue(where, message, hint, "warning", code))

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self, kind: type[GdindexError], what: str) -> None:
        errors = self.errors
        if errors:
            raise kind(f"{what}: {plural(len(errors), 'problem')} found", errors)


def plural(count: int, noun: str) -> str:
    """`1 problem`, `2 problems`, `0 warnings`: a count with its noun in English."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def is_are(count: int, noun: str) -> str:
    """`1 cell is`, `2 cells are`: a counted subject with its verb."""
    return plural(count, noun) + (" is" if count == 1 else " are")


def numbered(noun: str, values: Iterable[object]) -> str:
    """`row 8`, `rows 8, 9`: a noun before the capped list of its numbers."""
    items = list(values)
    return f"{noun if len(items) == 1 else noun + 's'} {examples(items)}"


def examples(values: Iterable[object], limit: int = MAX_EXAMPLES) -> str:
    """Format a capped, comma-separated list of offending values."""
    items = list(values)
    shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in items[:limit])
    if len(items) > limit:
        shown += f", … ({len(items) - limit} more)"
    return shown
