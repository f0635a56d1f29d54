"""Helpers shared by the tests of spec."""

from __future__ import annotations

import json

import pytest

from gdindex.errors import SpecError
from gdindex.spec import (
    load_spec,
)

BASE = {
    "spec_version": 1,
    "id": "t",
    "name": {"en": "T"},
    "data": [{"file": "d.csv"}],
    "indicators": [
        {"id": "a", "name": "A"},
        {"id": "b", "name": {"zh": "乙"}, "direction": -1},
    ],
    "tree": {"id": "root", "name": "Root", "children": ["a", {"id": "b", "weight": 2}]},
}


def spec_with(**changes: object) -> dict:
    data = json.loads(json.dumps(BASE))
    data.update(changes)
    return data


def errors_of(source: object) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(source)  # type: ignore[arg-type]
    return str(info.value)
