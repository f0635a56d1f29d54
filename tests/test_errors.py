"""Issues and error classes."""

from __future__ import annotations

import pytest

from gdindex.errors import DataError, Issue, IssueLog, SpecError, examples


def test_issue_text_and_dict() -> None:
    issue = Issue("spec.yaml:4: tree.weight", "negative weight -1", "use ≥ 0")

    assert str(issue) == "spec.yaml:4: tree.weight: negative weight -1 (hint: use ≥ 0)"
    assert issue.to_dict()["severity"] == "error"
    assert issue.to_dict()["hint"] == "use ≥ 0"


def test_log_raises_once_with_all_errors() -> None:
    log = IssueLog()
    log.error("a", "first")
    log.warn("b", "only a warning")
    log.error("c", "second")

    with pytest.raises(DataError, match="2 problems found") as info:
        log.raise_if_errors(DataError, "bad data")

    assert [i.where for i in info.value.issues] == ["a", "c"]
    assert "- a: first" in str(info.value) and "- c: second" in str(info.value)


def test_log_without_errors_does_not_raise() -> None:
    log = IssueLog()
    log.warn("b", "careful")

    log.raise_if_errors(SpecError, "spec")

    assert [i.severity for i in log.issues] == ["warning"]


def test_examples_are_capped() -> None:
    assert examples(["a", "b"]) == "'a', 'b'"
    assert examples(range(8), limit=3) == "0, 1, 2, … (5 more)"


def test_counted_nouns_agree_with_their_count() -> None:
    from gdindex.errors import is_are, numbered

    assert is_are(1, "cell") == "1 cell is" and is_are(2, "cell") == "2 cells are"
    assert numbered("row", [8]) == "row 8" and numbered("row", [8, 9]) == "rows 8, 9"
