"""The `sensitivity:` block of a spec (DESIGN §9.3): the uncertain inputs of an index.

Pydantic models only, with the conventions of `gdindex.spec` (frozen, unknown keys are
errors). Each input is discrete — a run picks one of its alternatives:

- `set`: any spec value by its `--set` path, with `values:` as alternatives;
- `weights`: weight sets, noisy copies `w·(1 + U(−noise, noise))` of the nominal
  weights of the nodes at `depths` (`sets:` of them), or given in `sets_file`
  (columns `set, node, weight`);
- `exclude`: leave out one indicator; alternative 1 keeps them all, alternative
  k + 1 leaves out the k-th listed indicator.

This module imports only pydantic and `gdindex.errors`; it never reads data.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from gdindex.errors import LocalisedValueError

INPUT_ID = r"^[A-Za-z][A-Za-z0-9_]*$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SetInput(_Model):
    """Any spec value by its `--set` path, e.g. `defaults.aggregate.method`."""

    id: str = Field(pattern=INPUT_ID)
    set: str = Field(min_length=1, description="The value's --set path")
    values: list[Any] = Field(min_length=1, description="The alternatives")

    @property
    def n_alternatives(self) -> int:
        return len(self.values)


class WeightNoise(_Model):
    """Weight sets: noisy copies of the nominal weights, or sets read from a file."""

    noise: float = Field(0.25, ge=0, lt=1, description="w·(1 + U(−noise, noise))")
    depths: list[int] = Field(
        default_factory=lambda: [1], description="Depths of the perturbed nodes"
    )
    sets: int = Field(100, ge=1, le=1_000_000, description="Number of noisy sets")
    sets_file: str | None = Field(
        None, description="CSV `set, node, weight` (replaces the noisy sets)"
    )

    @field_validator("depths")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if not value or any(d < 1 for d in value):
            raise LocalisedValueError(
                "depths are ≥ 1 (depth 0 is the root, which has no weight)",
                "depths 须 ≥ 1（第 0 层是根节点，没有权重）",
            )
        return sorted(set(value))


class WeightsInput(_Model):
    """Weight sets as one input: a run picks one set."""

    id: str = Field(pattern=INPUT_ID)
    weights: WeightNoise


class ExcludeInput(_Model):
    """Leave one indicator out (or none)."""

    id: str = Field(pattern=INPUT_ID)
    exclude: list[str] = Field(min_length=1, description="Indicators to leave out")

    @property
    def n_alternatives(self) -> int:
        return len(self.exclude) + 1


def _input_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("set", "weights", "exclude"):
            if key in value:
                return key
        return None
    if isinstance(value, BaseModel):
        return {SetInput: "set", WeightsInput: "weights", ExcludeInput: "exclude"}.get(
            type(value)
        )
    return None


Input = Annotated[
    Annotated[SetInput, Tag("set")]
    | Annotated[WeightsInput, Tag("weights")]
    | Annotated[ExcludeInput, Tag("exclude")],
    Discriminator(
        _input_kind,
        custom_error_type="sensitivity_input",
        custom_error_message="an input needs one of the keys set, weights or exclude",
    ),
]


class SensitivitySpec(_Model):
    """The uncertainty and sensitivity analysis of an index (DESIGN §9.3)."""

    target: str | None = Field(None, description="Node studied (default: the root)")
    period: int | str | None = Field(None, description="Default: the latest")
    n: int = Field(1000, ge=1, description="Runs (ua) or base sample size (sobol)")
    method: Literal["ua", "sobol"] = "ua"
    seed: int = Field(1, ge=0)
    bootstrap: int = Field(100, ge=0, description="Resamples for Sobol intervals")
    inputs: list[Input] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SensitivitySpec:
        seen: set[str] = set()
        for item in self.inputs:
            if item.id in seen:
                raise LocalisedValueError(
                    f"input id '{item.id}' is used twice",
                    f"输入 id '{item.id}' 用了两次",
                )
            seen.add(item.id)
        return self
