"""The base of every method's parameter model, and the types they share.

Parameter models are small frozen pydantic models (unknown keys forbidden); the spec
composes them into its unions. Nothing here reads files or knows the spec.
"""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from gdindex.errors import LocalisedValueError

Period = int | str


def _period_value(value: Any) -> Any:
    """Periods written as digit strings ("2021") are the years they spell."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


PeriodField = Annotated[int | str, BeforeValidator(_period_value)]
Scope = Literal["period", "panel", "base"]


class Model(BaseModel):
    """Base of every spec model: frozen, unknown keys forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Scoped(Model):
    """Methods whose statistics come from a scope of rows."""

    scope: Scope = Field(
        "panel",
        description="Rows feeding the statistics: `period` (each period alone), "
        "`panel` (all periods pooled) or `base` (those of `base_period`).",
    )
    base_period: PeriodField | None = Field(
        None, description="Period whose statistics are used when scope is `base`."
    )

    @model_validator(mode="after")
    def _base_needs_period(self) -> "Scoped":
        if self.scope == "base" and self.base_period is None:
            raise LocalisedValueError(
                "scope `base` needs `base_period`, e.g. base_period: 2021",
                "scope 为 `base` 时须给出 `base_period`，例如 base_period: 2021",
            )
        return self
