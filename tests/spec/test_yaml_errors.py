"""Malformed YAML in a spec: one error at the line to fix, for each mistake, and
no cascade (`gdindex.spec.yaml_errors`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.errors import Issue, SpecError
from gdindex.spec import load_spec


def yaml_issues(tmp_path: Path, text: str) -> list[Issue]:
    """The issues `load_spec` raises for a spec file holding `text`."""
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec(path)
    return info.value.issues


@pytest.mark.parametrize("value", ["none", "[]", "x  # a comment", "none\n#"])
def test_a_key_with_a_value_and_a_block_under_it_is_one_error_at_the_key(
    tmp_path: Path, value: str
) -> None:
    issues = yaml_issues(
        tmp_path,
        "spec_version: 1\n"
        f"indicators: {value}\n"  # 2: a value, and the list under it
        "  - id: a\n"
        "    name: A\n"
        "  - id: b\n"
        "    name: B\n"
        "tree:\n"
        "  id: t\n"
        "  children: [a, b]\n",
    )

    [issue] = issues
    shown = value.split("  #")[0].split("\n")[0]
    assert issue.where.endswith("bad.yaml:2")
    assert f"'indicators' has a value ({shown}) and also an indented block" in (
        issue.message
    )
    assert (
        issue.hint == f"remove '{shown}' after 'indicators:' to keep the block, "
        "or remove the block"
    )
    assert "已有值" in issue.in_lang("zh").message


@pytest.mark.parametrize(
    ("line", "quote"), [('  unit: "%', '"'), ("  unit: 'per cent", "'")]
)
def test_an_unclosed_quote_is_one_error_at_its_line(
    tmp_path: Path, line: str, quote: str
) -> None:
    issues = yaml_issues(
        tmp_path,
        "spec_version: 1\n"
        "indicators:\n"
        "  - id: a\n"
        f"  {line}\n"  # 4: never closed
        "    name: A\n"
        "  - id: b\n"
        '    unit: "x"\n'
        "    name: B\n"
        "tree: {id: t, children: [a, b]}\n",
    )

    [issue] = issues
    assert issue.where.rsplit(":", 2)[-2] == "4"
    assert f"the quoted value is not closed: it opens with {quote}" in issue.message
    assert issue.hint == f"close the {quote} on the same line"


def test_a_line_indented_too_far_under_a_flow_value_is_not_a_hanging_block(
    tmp_path: Path,
) -> None:
    issues = yaml_issues(
        tmp_path,
        "spec_version: 1\n"
        "defaults:\n"
        "  normalise: {method: minmax}\n"
        "   aggregate: {method: geometric}\n"  # 4: one space too far
        "tree: {id: t, children: [a]}\n",
    )

    assert all("has a value" not in i.message for i in issues)


def test_an_unclosed_bracket_is_one_error_at_the_line_that_opens_it(
    tmp_path: Path,
) -> None:
    issues = yaml_issues(
        tmp_path,
        "spec_version: 1\n"
        "periods: [2021, 2022\n"  # 2: never closed
        "indicators:\n"
        "  - id: a\n"
        "    name: A\n"
        "  - {id: b, name: B\n"  # 6: never closed either
        "tree:\n"
        "  id: t\n"
        "  children: [a, b]\n",
    )

    wheres = [i.where.rsplit(":", 2)[-2] for i in issues]
    assert wheres == ["2", "6"], [i.where for i in issues]
    assert "line 2, column 10" in issues[0].message
    assert "line 6, column 5: a {mapping} in braces is not closed" in (
        issues[1].message
    )
