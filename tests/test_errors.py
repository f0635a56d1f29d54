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


def test_issue_in_chinese_falls_back_to_english_field_by_field() -> None:
    issue = Issue(
        "data.csv: row 8",
        "not a number",
        "fix the cell",
        message_zh="不是数字",
        where_zh="data.csv：第 8 行",
    )

    zh = issue.in_lang("zh")
    assert (zh.where, zh.message, zh.hint) == (
        "data.csv：第 8 行",
        "不是数字",
        "fix the cell",
    )
    assert issue.in_lang("en") == issue
    assert issue.line("zh") == "data.csv：第 8 行：不是数字（建议：fix the cell）"
    assert (
        str(issue)
        == issue.line("en")
        == ("data.csv: row 8: not a number (hint: fix the cell)")
    )


def test_issue_dict_carries_both_languages() -> None:
    issue = Issue("spec.yaml", "bad", "fix", message_zh="有误", hint_zh="请修改")

    found = issue.to_dict()

    assert (found["message"], found["hint"]) == ("bad", "fix")
    assert (found["message_zh"], found["hint_zh"], found["where_zh"]) == (
        "有误",
        "请修改",
        "spec.yaml",
    )


def test_log_takes_chinese_and_the_raised_error_has_a_chinese_headline() -> None:
    log = IssueLog()
    log.error("a", "first", "fix", message_zh="第一个", hint_zh="修改")
    log.warn("b", "careful", message_zh="注意")

    with pytest.raises(DataError) as info:
        log.raise_if_errors(DataError, "bad data", "数据有误")

    assert info.value.issues[0].in_lang("zh").message == "第一个"
    assert log.warnings[0].in_lang("zh").message == "注意"
    assert info.value.headline("zh") == "数据有误：发现 1 个问题"
    assert info.value.headline("en") == "bad data: 1 problem found"
    assert SpecError("only English").headline("zh") == "only English"


def test_examples_cap_in_chinese() -> None:
    assert examples(range(8), limit=3, lang="zh") == "0, 1, 2, …（另 5 项）"
