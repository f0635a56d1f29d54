"""pydantic's and PyYAML's messages in the spec's words, in English and Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.errors import SpecError
from gdindex.spec import load_spec
from gdindex.spec.wording import YAML_PROBLEMS, pydantic_words, yaml_words
from tests.conftest import SPEC_YAML, write_project


def _issues(tmp_path: Path, spec: str) -> list[tuple[str, str | None, str, str | None]]:
    with pytest.raises(SpecError) as info:
        load_spec(write_project(tmp_path, spec))
    return [
        (i.message, i.hint, i.in_lang("zh").message, i.in_lang("zh").hint)
        for i in info.value.issues
    ]


@pytest.mark.parametrize(
    ("change", "english", "chinese"),
    [
        (
            ("id: tiny", "id: tiny\ncolour: red"),
            "unknown key 'colour'",
            "未知的键 'colour'",
        ),
        (("weight: 2", "weight: -2"), "negative weight -2", "权重为负：-2"),
        (
            ("periods:", "defaults:\n  normalise: {method: minmx}\nperiods:"),
            "unknown normalisation method 'minmx'",
            "未知的标准化方法 'minmx'",
        ),
        (
            ("periods:", "defaults:\n  normalise: {range: [0, 1]}\nperiods:"),
            "missing `method:` for the normalisation settings",
            "标准化设置缺少 `method:`",
        ),
        (
            ("weight: 2", "weight: lots"),
            "should be a number, found 'lots'",
            "应为数字",
        ),
        (("direction: -1", "direction: 2"), "input should be 1 or -1", "应为 1 或 -1"),
        (("id: tiny", "id: 'tiny x'"), "invalid id 'tiny x'", "id 'tiny x' 无效"),
        (
            ("unit: 个}", "unit: 个, bounds: [1, 2, 3]}"),
            "at most 2 items",
            "至多只能有 2 项",
        ),
        (
            ("unit: 个}", "unit: 个, scale: 0}"),
            "scale 0 would make every value 0",
            "scale 为 0 会使所有数值变为 0",
        ),
        (
            ("periods: [2021, 2022]", "periods: [2021, 2021]"),
            "periods contain duplicates: 2021",
            "时期有重复：2021",
        ),
        (
            ("periods: [2021, 2022]", "periods: []"),
            "an empty list: list the periods to compute",
            "列表为空：请列出要计算的时期",
        ),
        (
            ("periods: [2021, 2022]", "periods: [2021 2022]"),
            "'2021 2022' looks like 2 periods: separate them with ', ', "
            "e.g. [2021, 2022]",
            "'2021 2022' 像是 2 个时期：请用 ', ' 分隔",
        ),
        (
            ("periods: [2021, 2022]", "periods: [2022, 2021]"),
            "periods are not in time order: 2022 comes before 2021",
            "时期未按时间顺序排列：2022 排在 2021 之前",
        ),
    ],
)
def test_pydantic_problems_have_both_languages(
    tmp_path: Path, change: tuple[str, str], english: str, chinese: str
) -> None:
    found = _issues(tmp_path, SPEC_YAML.replace(*change))

    assert any(english in m and chinese in z for m, _, z, _ in found), found


@pytest.mark.parametrize(
    ("change", "hint", "hint_zh"),
    [
        (("weight: 2", "weight: lots"), "write a plain number", "请写一个数字"),
        (("weight: 2", "weight: [1]"), "write a plain number", "请写一个数字"),
        (("id: tiny", "id: [a]"), "write a text", "请写文本"),
        (("periods: [2021, 2022]", "periods: 2021"), "write a list", "请写成列表"),
    ],
)
def test_a_value_of_the_wrong_type_says_what_to_write(
    tmp_path: Path, change: tuple[str, str], hint: str, hint_zh: str
) -> None:
    found = _issues(tmp_path, SPEC_YAML.replace(*change))

    assert any(h and hint in h and z and hint_zh in z for _, h, _, z in found), found


def test_hints_of_a_misspelt_method_are_chinese_too(tmp_path: Path) -> None:
    spec = SPEC_YAML.replace(
        "periods:", "defaults:\n  weights: {method: entrophy}\nperiods:"
    )

    [(_, hint, zh, hint_zh)] = _issues(tmp_path, spec)

    assert hint is not None and hint.startswith("did you mean 'entropy'? available:")
    assert zh == "未知的赋权方法 'entrophy'"
    assert hint_zh is not None and hint_zh.startswith("是否想用 'entropy'？可选：")


def test_an_unlisted_pydantic_type_keeps_its_english_inside_chinese() -> None:
    err = {"type": "date_type", "msg": "Input should be a valid date", "input": 3}

    words = pydantic_words(err, ("a",))

    assert words.message == "Input should be a valid date, found 3"
    assert words.message_zh == "取值无效（Input should be a valid date），实际为 3"


def test_yaml_problems_are_worded_in_both_languages() -> None:
    tab = yaml_words("found character '\\t' that cannot start any token", "", (3, 1))
    odd = yaml_words("something new", "something new", None)

    assert tab.message == "malformed YAML: line 3, column 1: a tab character"
    assert tab.message_zh == "YAML 格式错误：第 3 行第 1 列：出现了制表符（Tab）"
    assert tab.hint_zh is not None and "制表符" in tab.hint_zh
    assert odd.message == "malformed YAML: the YAML cannot be read here"
    assert odd.message_zh == "YAML 格式错误：此处的 YAML 无法读取"
    assert all(len(row) == 5 and all(row) for row in YAML_PROBLEMS)


def test_a_real_key_at_the_wrong_level_is_not_told_to_be_itself(tmp_path: Path) -> None:
    """`screen:` under `defaults:` is a top-level key: the hint says where it goes,
    not "did you mean 'screen'?"."""
    from gdindex.errors import SpecError
    from gdindex.spec import load_spec
    from tests.conftest import SPEC_YAML, write_project

    spec = write_project(
        tmp_path, SPEC_YAML.replace("periods:", "defaults:\n  screen: {}\nperiods:")
    )

    with pytest.raises(SpecError) as info:
        load_spec(spec)

    found = [i for i in info.value.issues if "screen" in i.message]
    assert found and "did you mean" not in (found[0].hint or "")
    assert "top level" in (found[0].hint or "") and "顶层" in (found[0].hint_zh or "")
