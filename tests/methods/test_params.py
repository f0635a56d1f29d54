"""The shared base of parameter models: frozen, strict, periods read as years."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import TypeAdapter, ValidationError

from gdindex.methods.params import Model, PeriodField, Scoped


class _Toy(Scoped):
    method: Literal["toy"] = "toy"


def test_digit_strings_are_years_and_other_text_stays_text() -> None:
    period = TypeAdapter(PeriodField)

    assert period.validate_python("2021") == 2021
    assert period.validate_python(" 2022 ") == 2022
    assert period.validate_python("2020H1") == "2020H1"


def test_models_are_frozen_and_forbid_unknown_keys() -> None:
    toy = _Toy()

    with pytest.raises(ValidationError):
        toy.scope = "period"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="extra"):
        _Toy.model_validate({"sccope": "period"})
    assert issubclass(_Toy, Model)


def test_a_base_scope_needs_its_base_period() -> None:
    with pytest.raises(ValidationError, match="base_period"):
        _Toy(scope="base")

    assert _Toy(scope="base", base_period="2021").base_period == 2021
    assert _Toy().scope == "panel"
