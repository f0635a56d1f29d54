"""Usage errors (exit 2) speak the command line's `--lang`: Chinese by default, as
every command; English with `--lang en`, as Typer prints them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gdindex.cli.usage import language
from tests.cli.helpers import run

#: English words of Click's messages; none may be left in a Chinese one.
ENGLISH = re.compile(
    r"\b(?:Usage|Try|Error|Invalid|value|Missing|argument|option|No such|Got|"
    r"unexpected|requires|does not|Input|should|must|is not one of|unknown|use)\b"
)

#: (command line after SPEC, what the Chinese message says, what the English says)
CASES = [
    (["--top", "0"], "'--top' 的值无效：应为 1 或更大", "must be 1 or more"),
    (["--top", "x"], "'--top' 的值无效：应为整数", "'--top': not a whole number"),
    (["--format", "xml"], "'xml' 不是可选值，可选：'csv', 'parquet', 'json'", "xml"),
    (["--out"], "选项 '--out' 需要一个值。", "requires an argument"),
    (["--quiet=3"], "选项 '--quiet' 不接受值。", "does not take a value"),
    (["extra"], "多余的参数：extra", "unexpected extra"),
    (["--bogus"], "没有选项 --bogus", "No such option: --bogus"),
    (["--out", ""], "'--out' 的值无效：路径为空", "an empty path"),
    (["--out", "-q"], "'-q' 像是选项而不是目录", "'-q' looks like an option"),
]


@pytest.mark.parametrize(("args", "zh", "en"), CASES)
def test_compute_usage_errors_in_both_languages(
    tiny_spec: Path, args: list[str], zh: str, en: str
) -> None:
    code, _, err = run("compute", str(tiny_spec), *args)
    code_en, _, err_en = run("compute", "--lang", "en", str(tiny_spec), *args)

    assert code == code_en == 2
    assert zh in err and "错误" in err
    outside_quotes = re.sub(r"'[^']*'|--\w+|extra|[A-Z]+\]?", "", err)
    assert not ENGLISH.findall(outside_quotes), err
    assert en in err_en and "Error" in err_en
    # the usage line where Typer prints one (not for an option's missing value)
    assert ("Usage: gdindex compute" in err_en) == ("用法：gdindex compute" in err)
    assert ("Try 'gdindex compute --help'" in err_en) == (
        "运行 'gdindex compute --help' 查看帮助。" in err
    )


@pytest.mark.parametrize(
    ("args", "zh"),
    [
        (["sensitivity", "{spec}", "--n", "0"], "'--n' 的值无效：应为 1 或更大"),
        (["explain", "{spec}", "A", "--top", "0"], "'--top' 的值无效：应为 1 或更大"),
        (["sensitivity", "{spec}", "--method", "x"], "'x' 不是可选值，可选：'ua'"),
        (["audit", "{spec}", "--fail-on", "x"], "未知的标记类型 x；可选："),
        (["audit", "{spec}", "--threshold", "a=b"], "请写成 KEY=数值"),
        (["report", "{spec}", "--with", "x"], "未知的部分 x；可选：audit"),
        (["init", "{dir}", "--periods", "a b"], "'--periods' 的值无效：时期无效"),
        (["compute"], "缺少参数 'SPEC'。"),
        (["bogus"], "没有命令 'bogus'。"),
    ],
)
def test_every_kind_of_usage_error_has_its_chinese(
    tmp_path: Path, tiny_spec: Path, args: list[str], zh: str
) -> None:
    line = [a.format(spec=tiny_spec, dir=tmp_path / "new") for a in args]

    code, out, err = run(*line)

    assert code == 2 and zh in err, err
    assert not (tmp_path / "new").exists()  # nothing was done


def test_language_is_the_last_lang_given_and_zh_by_default() -> None:
    assert language([]) == "zh"
    assert language(["compute", "s.yaml", "--lang", "en"]) == "en"
    assert language(["--lang=en", "--lang", "zh"]) == "zh"
    assert language(["--lang", "fr"]) == "zh"  # itself the usage error
    assert language(["--", "--lang", "en"]) == "zh"  # after --: an argument


def test_a_bad_lang_is_reported_in_chinese(tiny_spec: Path) -> None:
    code, _, err = run("compute", str(tiny_spec), "--lang", "fr")

    assert code == 2 and "'--lang' 的值无效：'fr' 不是可选值，可选：'zh', 'en'" in err


def test_help_and_version_still_exit_0() -> None:
    code, out, _ = run("compute", "--help")
    assert code == 0 and "Usage" in out
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("gdindex ")
