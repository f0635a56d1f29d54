"""Spec shape limits: wrong shapes, huge numbers, deep nesting and alias bombs get
a located SpecError; only regular files are read; and a fuzzed spec never lets
anything but a gdindex error escape."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdindex.errors import GdindexError, SpecError
from gdindex.spec import load_spec
from gdindex.spec.limits import MAX_NODES, not_a_regular_file
from tests.conftest import SPEC_YAML, write_project


def _error(spec: Path, *sets: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load_spec(spec, sets)
    return caught.value


def test_children_that_are_not_a_list_are_located(tmp_path: Path) -> None:
    spec = write_project(
        tmp_path, SPEC_YAML.replace("children: [i1, i2]", "children: -1")
    )

    error = _error(spec)

    assert any("tree.children[0].children" in i.where for i in error.issues)


def test_a_400_digit_weight_is_a_number_too_large(tmp_path: Path) -> None:
    spec = write_project(
        tmp_path, SPEC_YAML.replace("weight: 2\n", f"weight: 1{'0' * 400}\n")
    )

    (issue,) = _error(spec).issues

    assert issue.code == "number-too-large" and "tree.children[0].weight" in issue.where


@pytest.mark.parametrize("where", ["tree.children.p1.weight", "defaults.normalise"])
def test_a_value_500_levels_deep_in_a_set_is_refused(
    tmp_path: Path, where: str
) -> None:
    spec = write_project(tmp_path)
    deep = "[" * 500 + "1" + "]" * 500

    error = _error(spec, f"{where}={deep}")

    assert "--set" in error.issues[0].where and "deep" in error.issues[0].message


def test_a_spec_nested_500_levels_deep_is_refused(tmp_path: Path) -> None:
    deep = "{a: " * 500 + "1" + "}" * 500
    spec = write_project(tmp_path, SPEC_YAML + f"extra: {deep}\n")

    error = _error(spec, "id=x")

    assert error.issues[0].code in ("too-deep", "malformed-yaml")


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, 9):
        lines.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 8)}]")
    spec = write_project(tmp_path, SPEC_YAML + "\n".join(lines) + "\n")

    (issue,) = _error(spec).issues

    assert issue.code == "too-large" and f"{MAX_NODES:,}" in issue.message


def test_special_files_are_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    assert not_a_regular_file(tmp_path) == "a directory"
    assert not_a_regular_file(fifo) == "a named pipe (FIFO)"
    assert not_a_regular_file(Path("/dev/zero")) == "a device"
    assert not_a_regular_file(tmp_path / "nothing") is None
    for path in (tmp_path, fifo, Path("/dev/zero")):  # no hang, no memory growth
        assert _error(path).issues[0].code == "not-a-file"


# --- fuzzing: mutate the tiny spec; only gdindex's own errors may escape --- #

_BASE = yaml.safe_load(SPEC_YAML)
_ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.sampled_from(["id", "weight", "method", "x"]), st.integers()),
)


def _paths(value: object, at: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [at]
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, (*at, i))
    return found


_PATHS = _paths(_BASE)[1:]


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _ODD), min_size=1, max_size=3))
def test_fuzzed_specs_give_a_gdindex_error_or_a_spec(
    tmp_path: Path, changes: list[tuple[tuple[object, ...], object]]
) -> None:
    import copy

    data = copy.deepcopy(_BASE)
    for path, value in changes:
        target = data
        try:
            for key in path[:-1]:
                target = target[key]  # type: ignore[index]
            target[path[-1]] = value  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            continue
    spec = tmp_path / "spec.yaml"
    text = yaml.safe_dump(data, allow_unicode=True)
    spec.write_text(text, encoding="utf-8")

    try:
        load_spec(spec)
    except GdindexError:
        pass


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=200))
def test_fuzzed_yaml_text_gives_a_gdindex_error_or_a_spec(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "spec.yaml"
        spec.write_text(SPEC_YAML + text, encoding="utf-8")
        try:
            load_spec(spec)
        except GdindexError:
            pass
