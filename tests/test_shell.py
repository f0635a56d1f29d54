"""The typer plumbing of the CLI: plain help, completion, shared option checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from gdindex import shell


def test_complete_spec_lists_yaml_files_and_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text("id: a\n")
    (tmp_path / "specs" / "b.csv").write_text("")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)

    assert shell.complete_spec("specs/") == ["specs/a.yaml"]
    assert shell.complete_spec("s") == ["specs/", "sub/"]
    assert shell.complete_spec("nowhere/x") == []


def test_complete_node_and_period_read_the_typed_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "periods: [2021, 2022]\n"
        "tree: {id: idx, children: [{id: p1, children: [i1]}, {id: p2}]}\n"
    )
    monkeypatch.setenv("COMP_WORDS", f"gdindex compare {spec} --node p")

    assert shell.complete_node("p") == ["p1", "p2"]
    assert shell.complete_period("") == ["2021", "2022"]
    monkeypatch.setenv("COMP_WORDS", "gdindex compare missing.yaml --node ")
    assert shell.complete_node("") == []


def test_counts_must_be_in_range() -> None:
    assert shell.positive(None) is None and shell.positive(3) == 3
    with pytest.raises(typer.BadParameter):
        shell.positive(0)
    with pytest.raises(typer.BadParameter):
        shell.not_negative(-1)


@pytest.mark.parametrize(
    ("lang", "said", "not_said"),
    [
        ("zh", ["错误", "出错了", "建议：换一个"], ["error", "hint:", "broken"]),
        ("en", ["error", "broken", "hint: try another"], ["错误", "出错了", "建议"]),
    ],
)
def test_handle_errors_prints_the_error_in_the_commands_language(
    capsys: pytest.CaptureFixture[str], lang: str, said: list[str], not_said: list[str]
) -> None:
    from gdindex.errors import GdindexError, Issue

    issue = Issue(
        "x.yaml", "broken", "try another", message_zh="出错了", hint_zh="换一个"
    )
    with pytest.raises(typer.Exit), shell.handle_errors(False, lang):
        raise GdindexError("it failed", [issue], message_zh="失败了")

    err = capsys.readouterr().err
    assert all(s in err for s in said) and not any(s in err for s in not_said)
    assert ("失败了" if lang == "zh" else "it failed") in err


@pytest.mark.parametrize(
    ("lang", "title", "debug"),
    [("zh", "意外错误", "--debug"), ("en", "unexpected error", "--debug")],
)
def test_an_unexpected_error_has_its_panel_in_the_commands_language(
    capsys: pytest.CaptureFixture[str], lang: str, title: str, debug: str
) -> None:
    with pytest.raises(typer.Exit), shell.handle_errors(False, lang):
        raise RuntimeError("boom")

    err = capsys.readouterr().err
    assert title in err and "RuntimeError: boom" in err and debug in err
    assert ("traceback" in err) == (lang == "en")


@pytest.mark.parametrize(("seen", "width"), [(90, 90), (None, 160)])
def test_piped_output_takes_the_width_of_the_terminal_it_is_read_in(
    monkeypatch: pytest.MonkeyPatch, seen: int | None, width: int
) -> None:
    """`gdindex compute … | less` in an 80-column terminal: that terminal's width,
    not 160; output redirected away from any terminal keeps 160."""

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(shell, "_terminal_width", lambda: seen)

    assert shell.console().width == width
