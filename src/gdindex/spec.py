"""The spec: pydantic models of the YAML index description, `load_spec()`, JSON Schema.

A spec is a frozen value: the indicator tree, weights, methods and where the data is.
This module validates the spec on its own (keys, types, ids, weights, method names)
and reports every problem at once with its YAML path and line. It never reads data.
"""

import difflib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from gdindex.errors import Issue, IssueLog, SpecError
from gdindex.sensitivity_models import SensitivitySpec

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"

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

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Labels --- #


def _label_from_str(value: Any) -> Any:
    if isinstance(value, str):
        return {"zh": value, "en": value}
    return value


class Label(Model):
    """A bilingual label; either language may be omitted, not both."""

    zh: str | None = Field(None, description="Chinese label")
    en: str | None = Field(None, description="English label")

    @model_validator(mode="after")
    def _one_language(self) -> "Label":
        if not self.zh and not self.en:
            raise ValueError("a label needs `zh`, `en` or both")
        return self

    def get(self, lang: str = "zh") -> str:
        """Return the label in `lang`, falling back to the other language."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second or ""


LabelField = Annotated[Label, BeforeValidator(_label_from_str)]


# --- Normalisers (DESIGN §4.2) --- #


class _Scoped(Model):
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
    def _base_needs_period(self) -> "_Scoped":
        if self.scope == "base" and self.base_period is None:
            raise ValueError("scope `base` needs `base_period`, e.g. base_period: 2021")
        return self


class _NormaliseBase(_Scoped):
    pass


class MinMaxSpec(_NormaliseBase):
    """`(x − min) / (max − min) · (hi − lo) + lo`."""

    method: Literal["minmax"] = "minmax"
    range: tuple[float, float] = Field((0.0, 100.0), description="[lo, hi]")

    @field_validator("range")
    @classmethod
    def _ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        if not value[0] < value[1]:
            raise ValueError(
                f"range must be [lo, hi] with lo < hi, found {list(value)}"
            )
        return value


class ZScoreSpec(_NormaliseBase):
    """`(x − mean(x)) / sd(x) · sd' + mean'` (sample sd)."""

    method: Literal["zscore"] = "zscore"
    mean: float = Field(0.0, description="Mean of the output")
    sd: float = Field(1.0, gt=0, description="Standard deviation of the output")


class TargetSpec(_NormaliseBase):
    """`(x − min) / (T' − min) · 100`, `T' = direction · T`, capped at 100."""

    method: Literal["target"] = "target"
    target: float = Field(description="Target in the indicator's raw units")
    cap: bool = Field(True, description="Cap scores at 100 once the target is met")


class GoalpostsSpec(_NormaliseBase):
    """`(raw − W) / (B − W) · 100`, clipped to [0, 100]."""

    method: Literal["goalposts"] = "goalposts"
    worst: float = Field(description="Raw value scoring 0")
    best: float = Field(description="Raw value scoring 100")
    clip: bool = Field(True, description="Clip scores to [0, 100]")

    @model_validator(mode="after")
    def _distinct(self) -> "GoalpostsSpec":
        if self.worst == self.best:
            raise ValueError(f"worst and best must differ, both are {self.worst}")
        return self


class RankSpec(_NormaliseBase):
    """Rank of x, ascending, ties share the lowest rank, 1 = worst."""

    method: Literal["rank"] = "rank"


class PercentileSpec(_NormaliseBase):
    """`100 · (number of units with a lower x) / (n − 1)`."""

    method: Literal["percentile"] = "percentile"


def _as_text(value: Any) -> Any:
    """Unit ids are text, even when YAML reads 440100 as a number."""
    return (
        str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    )


class RatioSpec(_NormaliseBase):
    """`100 · x / reference` (direction 1)."""

    method: Literal["ratio"] = "ratio"
    reference: Annotated[str, BeforeValidator(_as_text)] = Field(
        "mean", description="`mean` of the scope, or a unit id whose value is 100"
    )


NormaliseSpec = Annotated[
    MinMaxSpec
    | ZScoreSpec
    | TargetSpec
    | GoalpostsSpec
    | RankSpec
    | PercentileSpec
    | RatioSpec,
    Field(discriminator="method"),
]


# --- Aggregators (DESIGN §4.3) --- #


class _AggregateBase(Model):
    min_coverage: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="Minimum weight share of available children; below it the node "
        "is missing for that unit and period.",
    )


ZeroPolicy = Literal["error", "shift", "floor"]


class ArithmeticSpec(_AggregateBase):
    """`Σ w_i x_i`."""

    method: Literal["arithmetic"] = "arithmetic"


class _PositiveMean(_AggregateBase):
    """Means that need positive inputs: what to do with values ≤ 0."""

    zero_policy: ZeroPolicy = Field(
        "error",
        description="Values ≤ 0: `error`, `shift` (add epsilon to every value of the "
        "node) or `floor` (replace them by epsilon)",
    )
    epsilon: float = Field(0.01, gt=0, description="Shift or floor value")


class GeometricSpec(_PositiveMean):
    """`exp(Σ w_i ln x_i)`."""

    method: Literal["geometric"] = "geometric"


class HarmonicSpec(_PositiveMean):
    """`1 / Σ (w_i / x_i)`."""

    method: Literal["harmonic"] = "harmonic"


class PowerMeanSpec(_PositiveMean):
    """`(Σ w_i x_i^p)^(1/p)`; the zero policy applies when p < 0 or p is fractional."""

    method: Literal["power_mean"] = "power_mean"
    p: float = Field(description="Exponent (≠ 0; p = 1 is arithmetic)")

    @field_validator("p")
    @classmethod
    def _non_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("p = 0 is the geometric mean: use method: geometric")
        return value


class TopsisSpec(_AggregateBase, _Scoped):
    """`100 · d⁻ / (d⁺ + d⁻)` with weighted Euclidean distances; the scope gives the
    units whose best and worst values are the ideal points."""

    method: Literal["topsis"] = "topsis"


AggregateSpec = Annotated[
    ArithmeticSpec | GeometricSpec | HarmonicSpec | PowerMeanSpec | TopsisSpec,
    Field(discriminator="method"),
]


# --- Weights (DESIGN §4.4) --- #


class _WeightsBase(Model):
    combine: "CombineSpec | None" = Field(
        None,
        description="Mix with a second method: w = a·w1 + (1 − a)·w2, renormalised "
        "(w1: this method, w2: `with`)",
    )


class ExplicitWeightsSpec(_WeightsBase):
    """The tree's `weight` values, rescaled to sum to 1 among siblings."""

    method: Literal["explicit"] = "explicit"


class EqualWeightsSpec(_WeightsBase):
    """`1/m` for m children."""

    method: Literal["equal"] = "equal"


class _DataDriven(_WeightsBase):
    """Weights computed from the children's values, pooled over the panel."""

    pool: Literal["panel", "base"] = Field(
        "panel",
        description="Rows feeding the weights: `panel` (every unit and period "
        "pooled) or `base` (the units of `base_period` only)",
    )
    base_period: PeriodField | None = Field(
        None, description="Period whose rows are used when pool is `base`"
    )

    @model_validator(mode="after")
    def _base_needs_period(self) -> "_DataDriven":
        if self.pool == "base" and self.base_period is None:
            raise ValueError("pool `base` needs `base_period`, e.g. base_period: 2021")
        if self.pool == "panel" and self.base_period is not None:
            raise ValueError("base_period is only used with `pool: base`")
        return self


class EntropyWeightsSpec(_DataDriven):
    """Entropy (熵权法): `y = minmax + shift`, `p = y / Σ y`,
    `e = −Σ p ln p / ln n`, `w ∝ 1 − e`."""

    method: Literal["entropy"] = "entropy"
    shift: float = Field(
        1e-4,
        ge=0,
        allow_inf_nan=False,
        description="Added to every y so that ln p is defined (0 allowed: 0·ln 0 = 0)",
    )
    prenormalise: bool = Field(
        True,
        description="Min-max the children to [0, 1] before p (else use the values "
        "as they are, which must be ≥ 0)",
    )


class CvWeightsSpec(_DataDriven):
    """Coefficient of variation: `w ∝ sd / mean` of the raw (positive) values."""

    method: Literal["cv"] = "cv"


class CriticWeightsSpec(_DataDriven):
    """CRITIC: `C_j = sd_j · Σ_k (1 − r_jk)` on min-max values; `w ∝ C`."""

    method: Literal["critic"] = "critic"


class PcaWeightsSpec(_DataDriven):
    """First principal component of the correlation matrix: `w ∝ loading²`."""

    method: Literal["pca"] = "pca"


AhpCell = float | str | None


class AhpWeightsSpec(_WeightsBase):
    """AHP: principal eigenvector of a Saaty pairwise matrix; `CR ≤ max_cr`."""

    method: Literal["ahp"] = "ahp"
    matrix: list[list[AhpCell]] = Field(
        description="Pairwise comparisons (Saaty 1–9, fractions like '1/3'), rows "
        "and columns in the order of the children (or `order`): a full matrix, an "
        "upper triangle with 0 or null below, or ragged rows [[1, 3, 5], [1, 3], [1]]"
    )
    order: list[str] | None = Field(
        None, description="Child ids in the order of the matrix (default: tree order)"
    )
    max_cr: float = Field(
        0.1, ge=0, description="Largest consistency ratio accepted (Saaty: 0.1)"
    )


WeightsSpec = Annotated[
    ExplicitWeightsSpec
    | EqualWeightsSpec
    | EntropyWeightsSpec
    | CvWeightsSpec
    | CriticWeightsSpec
    | PcaWeightsSpec
    | AhpWeightsSpec,
    Field(discriminator="method"),
]

DATA_DRIVEN = ("entropy", "cv", "critic", "pca")


class CombineSpec(Model):
    """A second weighting method mixed in: `w = a·w1 + (1 − a)·w2`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, serialize_by_alias=True, validate_by_name=False
    )

    with_: WeightsSpec = Field(
        alias="with", description="The second method, e.g. {method: entropy}"
    )
    a: float = Field(
        0.5, ge=0, le=1, description="Share of the node's own method (1 − a: `with`)"
    )


_WEIGHTS_MODELS: tuple[type[Model], ...] = (
    ExplicitWeightsSpec,
    EqualWeightsSpec,
    EntropyWeightsSpec,
    CvWeightsSpec,
    CriticWeightsSpec,
    PcaWeightsSpec,
    AhpWeightsSpec,
)
_REBUILD: tuple[type[Model], ...] = (_WeightsBase, _DataDriven, *_WEIGHTS_MODELS)
for _model in _REBUILD:  # resolve the forward reference to CombineSpec
    _model.model_rebuild()


# --- Preparation (DESIGN §4.1) --- #


class NoImputeSpec(Model):
    """Leave missing cells missing."""

    method: Literal["none"] = "none"


class MeanImputeSpec(Model):
    """The mean of the indicator's observed values in the same period."""

    method: Literal["mean"] = "mean"


class MedianImputeSpec(Model):
    """The median of the indicator's observed values in the same period."""

    method: Literal["median"] = "median"


class _GroupImpute(Model):
    group: str | None = Field(
        None,
        description="Grouping column of the units table (one of `units.groups`); "
        "default: the first of `units.groups`",
    )


class GroupMeanImputeSpec(_GroupImpute):
    """The mean of the unit's group in the same period."""

    method: Literal["group_mean"] = "group_mean"


class GroupMedianImputeSpec(_GroupImpute):
    """The median of the unit's group in the same period."""

    method: Literal["group_median"] = "group_median"


class _PanelImpute(Model):
    max_gap: int | None = Field(
        None,
        ge=1,
        description="Longest run of missing periods that is filled; longer runs "
        "stay missing (default: no limit)",
    )


class LocfImputeSpec(_PanelImpute):
    """Last observation carried forward: the unit's latest earlier value."""

    method: Literal["locf"] = "locf"


class LinearImputeSpec(_PanelImpute):
    """Linear interpolation between the unit's neighbouring observed periods; the
    ends take the nearest observed value."""

    method: Literal["linear"] = "linear"


ImputeSpec = Annotated[
    NoImputeSpec
    | MeanImputeSpec
    | MedianImputeSpec
    | GroupMeanImputeSpec
    | GroupMedianImputeSpec
    | LocfImputeSpec
    | LinearImputeSpec,
    Field(discriminator="method"),
]


class NoTreatSpec(Model):
    """Leave outliers as they are."""

    method: Literal["none"] = "none"


class WinsoriseSpec(Model):
    """Winsorise while `|skew| ≥ skew` and `kurt ≥ kurt`, at most `winmax` points;
    if the indicator still fails, `log(x − min + 0.01·(max − min))` instead."""

    method: Literal["winsorise"] = "winsorise"
    winmax: int = Field(5, ge=1, description="Most points winsorised per column")
    skew: float = Field(2.0, gt=0, description="Threshold of |skewness| (G1)")
    kurt: float = Field(3.5, description="Threshold of excess kurtosis (G2)")
    fallback: Literal["log", "none"] = Field(
        "log", description="What to do when winsorising is not enough"
    )
    scope: Literal["period", "panel"] = Field(
        "period",
        description="Treat each period's column alone (`period`) or all periods "
        "pooled (`panel`)",
    )


class LogTreatSpec(Model):
    """`ln(x)`; every value must be positive."""

    method: Literal["log"] = "log"


TreatSpec = Annotated[
    NoTreatSpec | WinsoriseSpec | LogTreatSpec, Field(discriminator="method")
]


class ScreenSpec(Model):
    """Drop units (per period) whose share of available indicators is too low."""

    min_coverage: float = Field(
        gt=0.0,
        le=1.0,
        description="Least share of the tree's indicators a unit must have in a "
        "period to be kept (e.g. 0.9)",
    )
    coverage_of: Literal["imputed", "observed"] = Field(
        "imputed",
        description="Count values after imputation (`imputed`, the pipeline order) "
        "or only those observed in the data (`observed`)",
    )


class Defaults(Model):
    """Method defaults; any node or indicator may override them."""

    normalise: NormaliseSpec = Field(default_factory=MinMaxSpec)
    aggregate: AggregateSpec = Field(default_factory=ArithmeticSpec)
    weights: WeightsSpec = Field(default_factory=ExplicitWeightsSpec)
    impute: ImputeSpec = Field(default_factory=NoImputeSpec)
    treat: TreatSpec = Field(default_factory=NoTreatSpec)


# --- Units and data tables --- #


class NameColumns(Model):
    """Columns of the units table holding the unit's labels."""

    zh: str | None = None
    en: str | None = None


def _group_from_str(value: Any) -> Any:
    return {"column": value} if isinstance(value, str) else value


class GroupSpec(Model):
    """A grouping column of the units table (e.g. region), with bilingual labels."""

    column: str
    name: LabelField | None = None
    labels: dict[str, LabelField] = Field(
        default_factory=dict, description="Labels of the column's values"
    )

    def label(self, value: str, lang: str = "zh") -> str:
        """Return the label of one group value."""
        found = self.labels.get(value)
        return found.get(lang) if found else value

    def title(self, lang: str = "zh") -> str:
        return self.name.get(lang) if self.name else self.column


Encoding = Literal["auto", "utf-8", "utf-8-sig", "gb18030", "gbk"]


class UnitsSpec(Model):
    """The table of units (cities): ids, labels, grouping columns."""

    file: str = Field(
        description="CSV, Excel (.xlsx) or Parquet file, relative to the spec"
    )
    id: str = Field("unit", description="Unit id column")
    name: NameColumns | None = Field(None, description="Label columns")
    groups: list[Annotated[GroupSpec, BeforeValidator(_group_from_str)]] = Field(
        default_factory=list, description="Grouping columns for group aggregates"
    )
    group_weight: str | None = Field(
        None, description="Column weighting units in group means (e.g. population)"
    )
    encoding: Encoding = "auto"
    separator: str = Field(",", min_length=1, max_length=1)
    sheet: str | int | None = Field(
        None,
        description="Excel workbooks: the sheet's name, or its number counting from 1 "
        "(default: the first sheet)",
    )
    skip_rows: int = Field(
        0, ge=0, description="Rows above the header to skip (e.g. a title row)"
    )


class DataTable(Model):
    """One input table; several are merged on (unit, period)."""

    file: str = Field(
        description="CSV, Excel (.xlsx) or Parquet file, relative to the spec"
    )
    format: Literal["wide", "long"] = Field(
        "wide", description="wide: a column per indicator; long: indicator,value"
    )
    unit: str = Field("unit", description="Column holding the unit id")
    period: str = Field("period", description="Column holding the period")
    indicator: str = Field("indicator", description="Long form: indicator column")
    value: str = Field("value", description="Long form: value column")
    rename: dict[str, str] = Field(
        default_factory=dict, description="Header (or long-form name) → indicator id"
    )
    na_values: list[str] = Field(
        default_factory=list, description="Cell texts meaning 'missing' (e.g. '—')"
    )
    encoding: Encoding = "auto"
    separator: str = Field(",", min_length=1, max_length=1)
    sheet: str | int | None = Field(
        None,
        description="Excel workbooks: the sheet's name, or its number counting from 1 "
        "(default: the first sheet)",
    )
    skip_rows: int = Field(
        0, ge=0, description="Rows above the header to skip (e.g. a title row)"
    )


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, Mapping) else value


# --- Indicators and the tree --- #


class IndicatorSpec(Model):
    """A measured indicator: a leaf of the tree."""

    id: str = Field(pattern=ID_PATTERN, description="Unique id, used as column name")
    name: LabelField
    unit: str | None = Field(None, description="Unit of measurement, e.g. 座/万人")
    direction: Literal[1, -1] = Field(
        1, description="1: higher is better; -1: lower is better"
    )
    source: str | None = None
    description: LabelField | None = None
    normalise: NormaliseSpec | None = Field(None, description="Override of defaults")
    impute: ImputeSpec | None = Field(None, description="Override of defaults")
    treat: TreatSpec | None = Field(None, description="Override of defaults")
    denominator: str | None = Field(
        None,
        description="Column (of a data table or the units table) the raw value is "
        "divided by: value / denominator · scale",
    )
    scale: float = Field(
        1.0, allow_inf_nan=False, description="Multiplier after denomination"
    )
    bounds: tuple[float, float] | None = Field(
        None,
        description="Plausible [min, max] of raw values, checked by `gdindex check` "
        "(e.g. [0, 100] for a percentage)",
    )

    @field_validator("scale")
    @classmethod
    def _scale_non_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("scale 0 would make every value 0")
        return value

    @field_validator("bounds")
    @classmethod
    def _bounds_ordered(
        cls, value: tuple[float, float] | None
    ) -> tuple[float, float] | None:
        if value is not None and value[0] > value[1]:
            raise ValueError(f"bounds {list(value)}: the low end exceeds the high")
        return value


def _leaf_from_str(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class NodeSpec(Model):
    """A node of the indicator tree; a node without children is an indicator leaf."""

    id: str = Field(pattern=ID_PATTERN)
    name: LabelField | None = None
    weight: float = Field(
        1.0, ge=0, allow_inf_nan=False, description="Relative to siblings"
    )
    children: "list[Annotated[NodeSpec, BeforeValidator(_leaf_from_str)]] | None" = None
    aggregate: AggregateSpec | None = Field(None, description="Override of defaults")
    weights: WeightsSpec | None = Field(None, description="How children are weighted")

    @property
    def is_leaf(self) -> bool:
        return self.children is None

    def walk(self, depth: int = 0) -> "Iterator[tuple[NodeSpec, int]]":
        """Yield (node, depth) in pre-order."""
        yield self, depth
        for child in self.children or ():
            yield from child.walk(depth + 1)


# --- The spec --- #


class IndexSpec(Model):
    """A composite index: units, data tables, indicators, tree and methods."""

    spec_version: Literal[1] = Field(description="Spec format version")
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    name: LabelField
    description: LabelField | None = None
    units: UnitsSpec | None = Field(
        None, description="Units table; without it units come from the data"
    )
    data: Annotated[list[DataTable], BeforeValidator(_as_list)] = Field(min_length=1)
    periods: list[PeriodField] | None = Field(
        None, description="Periods in time order; default: all found, sorted"
    )
    defaults: Defaults = Field(default_factory=Defaults)
    screen: ScreenSpec | None = Field(
        None, description="Units screen by data coverage, e.g. {min_coverage: 0.9}"
    )
    indicators: list[IndicatorSpec] = Field(min_length=1)
    tree: NodeSpec
    sensitivity: SensitivitySpec | None = Field(
        None, description="Uncertain inputs for `gdindex sensitivity` (DESIGN §9.3)"
    )

    _path: Path | None = PrivateAttr(None)
    _overrides: tuple[str, ...] = PrivateAttr(())
    _override_notes: tuple[str, ...] = PrivateAttr(())

    @model_validator(mode="before")
    @classmethod
    def _inherit_method_names(cls, data: Any) -> Any:
        """Let overrides omit `method:` — it is taken from `defaults`."""
        if not isinstance(data, dict):
            return data

        def method_of(key: str, fallback: str) -> str:
            defaults = data.get("defaults")
            block = defaults.get(key) if isinstance(defaults, dict) else None
            found = block.get("method") if isinstance(block, dict) else None
            return found if isinstance(found, str) else fallback

        inherited = {
            key: method_of(key, fallback)
            for key, fallback in (
                ("normalise", "minmax"),
                ("impute", "none"),
                ("treat", "none"),
            )
        }
        agg_method = method_of("aggregate", "arithmetic")
        weights_method = method_of("weights", "explicit")
        indicators = data.get("indicators")
        if isinstance(indicators, list):
            data = dict(data)
            for key, method in inherited.items():
                indicators = [_with_method(ind, key, method) for ind in indicators]
            data["indicators"] = indicators
        if isinstance(data.get("tree"), dict):
            data = dict(data)
            data["tree"] = _tree_with_method(data["tree"], agg_method, weights_method)
        return data

    @field_validator("periods")
    @classmethod
    def _periods_consistent(cls, value: list[Period] | None) -> list[Period] | None:
        if value is None:
            return value
        kinds = {type(p) for p in value}
        if len(kinds) > 1:
            raise ValueError("periods mix numbers and text; write them all one way")
        if len(set(value)) != len(value):
            raise ValueError("periods contain duplicates")
        return value

    @property
    def path(self) -> Path | None:
        """The spec file, when loaded from one."""
        return self._path

    @property
    def overrides(self) -> tuple[str, ...]:
        """The `--set KEY=VALUE` overrides applied when loading, in order."""
        return self._overrides

    @property
    def override_notes(self) -> tuple[str, ...]:
        """What applying the overrides did implicitly (e.g. dropped parameters)."""
        return self._override_notes

    @property
    def base_dir(self) -> Path:
        """Directory that relative paths in the spec are resolved against."""
        return self._path.parent if self._path else Path.cwd()

    def resolve(self, file: str) -> Path:
        """Resolve a path written in the spec."""
        path = Path(file)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def indicator_map(self) -> dict[str, IndicatorSpec]:
        return {ind.id: ind for ind in self.indicators}

    def normalise_for(self, indicator: IndicatorSpec) -> Any:
        """The normaliser of an indicator: its override merged over the default."""
        return merge_method(self.defaults.normalise, indicator.normalise)

    def impute_for(self, indicator: IndicatorSpec) -> Any:
        """The imputation of an indicator: its override merged over the default."""
        return merge_method(self.defaults.impute, indicator.impute)

    def treat_for(self, indicator: IndicatorSpec) -> Any:
        """The outlier treatment of an indicator: override merged over default."""
        return merge_method(self.defaults.treat, indicator.treat)

    def aggregate_for(self, node: NodeSpec) -> Any:
        """The aggregator of a node: its override merged over the default."""
        return merge_method(self.defaults.aggregate, node.aggregate)

    def weights_for(self, node: NodeSpec) -> Any:
        """The weighting of a node's children: its override merged over the
        default."""
        return merge_method(self.defaults.weights, node.weights)

    def weights_where(self, node_path: str, node: NodeSpec) -> str:
        """YAML path of the weights block that applies to a node."""
        return (
            f"{node_path}.weights" if node.weights is not None else "defaults.weights"
        )

    def dump(self) -> dict[str, Any]:
        """Return the spec as plain data (what `load_spec` would accept)."""
        return self.model_dump(mode="json", exclude_none=True)


def _with_method(item: Any, key: str, method: str) -> Any:
    if isinstance(item, dict) and isinstance(item.get(key), dict):
        if "method" not in item[key]:
            item = dict(item)
            item[key] = {"method": method, **item[key]}
    return item


def _tree_with_method(
    node: dict[str, Any], method: str, weights_method: str
) -> dict[str, Any]:
    node = _with_method(node, "aggregate", method)
    node = _with_method(node, "weights", weights_method)
    children = node.get("children")
    if isinstance(children, list):
        node = dict(node)
        node["children"] = [
            _tree_with_method(c, method, weights_method) if isinstance(c, dict) else c
            for c in children
        ]
    return node


_SHARED_KEYS = ("scope", "pool", "base_period", "min_coverage")


def merge_method(default: Any, override: Any) -> Any:
    """Merge a method override over a default.

    Same method: keys the override does not set come from the default. Another method:
    only the shared keys (scope, pool, base_period, min_coverage) are inherited, so
    that e.g.
    a `target` indicator keeps the spec-wide scope.
    """
    if override is None:
        return default
    set_keys = override.model_fields_set
    if override.method == default.method:
        update = {k: getattr(override, k) for k in set_keys}
        for key in ("scope", "pool"):  # leaving `base`: the base period goes too
            if (
                key in set_keys
                and update[key] != "base"
                and "base_period" not in set_keys
            ):
                update["base_period"] = None
        return default.model_copy(update=update)
    inherit = {
        k: getattr(default, k)
        for k in _SHARED_KEYS
        if k not in set_keys
        and k in type(override).model_fields
        and k in type(default).model_fields
    }
    return override.model_copy(update=inherit) if inherit else override


# --- Semantic checks (spec alone, no data) --- #


def check_spec(spec: IndexSpec) -> list[Issue]:
    """Cross-check ids, tree and weights; return every issue (errors and warnings)."""
    log = IssueLog()
    check_structure(spec.model_dump(mode="python", exclude_none=True), log)
    if spec.periods is not None:
        for where, base in _base_periods(spec):
            if base is not None and base not in spec.periods:
                log.error(
                    where,
                    f"base_period {base!r} is not one of the periods {spec.periods}",
                    "use one of the listed periods",
                    "bad-base-period",
                )
    _check_preparation(spec, log)
    _check_weights(spec, log)
    if spec.units and spec.units.group_weight and not spec.units.groups:
        log.warn(
            "units.group_weight",
            "group_weight is set but no groups are declared",
            "add units.groups or remove group_weight",
        )
    return log.issues


def _check_weights(spec: IndexSpec, log: IssueLog) -> None:
    """AHP matrices (size, order, consistency), pool base periods, and tree weights
    a method ignores — all checkable without data."""
    from gdindex.weights import ahp_result, method_chain, node_paths

    reported: set[str] = set()
    for node, path in node_paths(spec):
        where = spec.weights_where(path, node)
        chain = method_chain(spec.weights_for(node))
        children = [c.id for c in node.children or []]
        for k, params in enumerate(chain):
            at = where + ".combine.with" * k
            if params.method == "ahp":
                try:
                    result = ahp_result(params, children)
                except ValueError as exc:
                    key = f"{at}.matrix:{node.id}"
                    if key not in reported:
                        reported.add(key)
                        used = "" if at.startswith(path) else f" (used by '{node.id}')"
                        log.error(
                            f"{at}.matrix",
                            f"AHP weights of '{node.id}'{used}: {exc}",
                            "give a reciprocal Saaty matrix (1-9) with one row per "
                            "child, or raise max_cr to accept it",
                            "bad-ahp",
                        )
                else:
                    if result.cr > 0.1:
                        log.warn(
                            f"{at}.matrix",
                            f"AHP judgements of '{node.id}' are inconsistent "
                            f"(CR = {result.cr:.3f} > 0.1), accepted by max_cr "
                            f"{params.max_cr}",
                            code="ahp-inconsistent",
                        )
            base = getattr(params, "base_period", None)
            if spec.periods is not None and base is not None:
                if base not in spec.periods and f"{at}.base" not in reported:
                    reported.add(f"{at}.base")
                    log.error(
                        f"{at}.base_period",
                        f"base_period {base!r} is not one of the periods "
                        f"{spec.periods}",
                        "use one of the listed periods",
                        "bad-base-period",
                    )
        if all(p.method != "explicit" for p in chain):
            kids = node.children or []
            set_weights = [c.id for c in kids if c.weight != kids[0].weight]
            if set_weights:
                set_weights = [c.id for c in kids]
                log.warn(
                    f"{path}.children",
                    f"the `weight` of {', '.join(set_weights)} is ignored: the "
                    f"children of '{node.id}' are weighted by "
                    f"{'+'.join(p.method for p in chain)}",
                    "remove the weights, or combine with `explicit` to use them",
                    "ignored-weights",
                )


def _check_preparation(spec: IndexSpec, log: IssueLog) -> None:
    """Group imputation needs a declared group column; denominators another column."""
    columns = [g.column for g in spec.units.groups] if spec.units else []
    reported: set[str] = set()
    for i, ind in enumerate(spec.indicators):
        params = spec.impute_for(ind)
        if params.method in ("group_mean", "group_median"):
            own = ind.impute is not None and "group" in ind.impute.model_fields_set
            where = (
                f"indicators[{i}].impute.group"
                if own
                else "defaults.impute.group"
                if spec.defaults.impute.method == params.method
                and "group" in spec.defaults.impute.model_fields_set
                else f"indicators[{i}].impute"
                if ind.impute is not None
                else "defaults.impute"
            )
            group = params.group or (columns[0] if columns else None)
            if where in reported:
                pass
            elif group is None:
                reported.add(where)
                log.error(
                    where,
                    f"{params.method} imputation needs a group, and `units.groups` "
                    "declares none",
                    "declare the grouping column in units.groups (e.g. groups: "
                    "[region]) or set `group:`",
                    "missing-group",
                )
            elif group not in columns:
                reported.add(where)
                close = difflib.get_close_matches(group, columns, n=1)
                log.error(
                    where,
                    f"group '{group}' is not one of units.groups {columns}",
                    f"did you mean '{close[0]}'?"
                    if close
                    else "add the column to units.groups",
                    "unknown-group",
                )
        if ind.denominator is not None and ind.denominator == ind.id:
            log.error(
                f"indicators[{i}].denominator",
                f"indicator '{ind.id}' is divided by itself",
                "name another column, e.g. population",
            )


def check_structure(data: Mapping[str, Any], log: IssueLog) -> None:
    """Check indicator ids and the tree on plain spec data.

    Works on raw YAML data too (defensively), so that a spec whose types are wrong
    still gets its tree problems reported in the same run.
    """
    raw = data.get("indicators")
    ids: list[str] = []
    seen: dict[str, int] = {}
    for i, ind in enumerate(raw if isinstance(raw, list) else []):
        ind_id = ind.get("id") if isinstance(ind, dict) else None
        if not isinstance(ind_id, str):
            continue
        if ind_id in seen:
            log.error(
                f"indicators[{i}].id",
                f"duplicate indicator id '{ind_id}' (also indicators[{seen[ind_id]}])",
                "give every indicator a unique id",
                "duplicate-id",
            )
        seen.setdefault(ind_id, i)
        ids.append(ind_id)
    tree = data.get("tree")
    if not isinstance(tree, dict):
        return
    defaults = data.get("defaults")
    weights = defaults.get("weights") if isinstance(defaults, dict) else None
    default_method = weights.get("method") if isinstance(weights, dict) else None
    if not isinstance(tree.get("children"), list):
        log.error(
            "tree",
            "the tree root has no children",
            "the root is the index: give it pillars or indicators as children",
            "empty-tree",
        )
        return
    leaves: dict[str, str] = {}
    nodes: dict[str, str] = {}
    _check_node(tree, "tree", set(ids), leaves, nodes, log, default_method)
    for ind_id in ids:
        if ind_id not in leaves:
            log.warn(
                "indicators",
                f"indicator '{ind_id}' is declared but not used in the tree",
                "add it to a node's children or remove it",
                "unused-indicator",
            )


def _base_periods(spec: IndexSpec) -> Iterator[tuple[str, Period | None]]:
    yield "defaults.normalise.base_period", spec.defaults.normalise.base_period
    for i, ind in enumerate(spec.indicators):
        if ind.normalise is not None:
            yield f"indicators[{i}].normalise.base_period", ind.normalise.base_period
    yield from _tree_base_periods(spec.tree, "tree")


def _tree_base_periods(
    node: NodeSpec, where: str
) -> Iterator[tuple[str, Period | None]]:
    if node.aggregate is not None:
        yield (
            f"{where}.aggregate.base_period",
            getattr(node.aggregate, "base_period", None),
        )
    for i, child in enumerate(node.children or []):
        yield from _tree_base_periods(child, f"{where}.children[{i}]")


def _check_node(
    node: dict[str, Any],
    where: str,
    indicators: set[str],
    leaves: dict[str, str],
    nodes: dict[str, str],
    log: IssueLog,
    default_method: str | None,
) -> None:
    node_id = node.get("id")
    if not isinstance(node_id, str):
        return  # pydantic reports the missing or malformed id
    children = node.get("children")
    if children is None:
        if node_id not in indicators:
            close = difflib.get_close_matches(node_id, sorted(indicators), n=1)
            hint = (
                f"did you mean '{close[0]}'?" if close else "declare it in indicators"
            )
            log.error(
                f"{where}.id",
                f"leaf '{node_id}' is not a declared indicator",
                hint,
                "unknown-indicator",
            )
        if node_id in leaves:
            log.error(
                f"{where}.id",
                f"indicator '{node_id}' appears twice in the tree "
                f"(also at {leaves[node_id]})",
                "use each indicator once",
                "duplicate-id",
            )
        leaves.setdefault(node_id, where)
        extra = [k for k in ("name", "aggregate", "weights") if node.get(k)]
        if extra and node_id in indicators:
            log.error(
                where,
                f"leaf '{node_id}' sets {', '.join(extra)}, which leaves cannot take",
                "set names and methods on the indicator in `indicators`",
            )
        return
    if node_id in indicators:
        log.error(
            f"{where}.id",
            f"'{node_id}' is both a tree node and an indicator",
            "rename the node",
            "duplicate-id",
        )
    if node_id in nodes:
        log.error(
            f"{where}.id",
            f"duplicate node id '{node_id}' (also at {nodes[node_id]})",
            "give every node a unique id",
            "duplicate-id",
        )
    nodes.setdefault(node_id, where)
    kids = [{"id": c} if isinstance(c, str) else c for c in children]
    kids_ok = [c for c in kids if isinstance(c, dict)]
    if not kids:
        log.error(f"{where}.children", f"node '{node_id}' has no children")
        return
    own = node.get("weights")
    method = own.get("method") if isinstance(own, dict) else default_method
    weights: list[float] = [
        float(w)
        for w in (c.get("weight", 1.0) for c in kids_ok)
        if isinstance(w, int | float) and not isinstance(w, bool) and w >= 0
    ]
    valid = len(weights) == len(kids_ok)  # negative or malformed: reported elsewhere
    if (method or "explicit") == "explicit" and valid and sum(weights) <= 0:
        log.error(
            f"{where}.children",
            f"the weights of the children of '{node_id}' sum to 0",
            "give at least one child a positive weight",
            "zero-weights",
        )
    for i, child in enumerate(kids):
        if isinstance(child, dict):
            _check_node(
                child,
                f"{where}.children[{i}]",
                indicators,
                leaves,
                nodes,
                log,
                default_method,
            )


# --- Loading --- #


def load_spec(
    source: str | Path | Mapping[str, Any], overrides: Sequence[str] = ()
) -> "IndexSpec":
    """Load and validate a spec from a YAML file (or from already-parsed data).

    Args:
        source: the spec file, or its parsed data.
        overrides: `KEY=VALUE` texts (the CLI's `--set`) applied in order to the
            parsed data before validation, e.g. `tree.children.industry.weight=0.4`
            (see `gdindex.overrides`). The spec keeps them in `spec.overrides`.

    Raises:
        SpecError: listing every problem with its YAML path (and line).
    """
    if isinstance(source, Mapping):
        data, notes, sets = _overridden(dict(source), overrides)
        spec = _validate(data, path=None, lines=_Lines({}, sets))
        return _remember(spec, overrides, notes)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SpecError(
            f"spec file not found: {path}",
            [Issue(str(path), "file not found", "check the path to the spec")],
        ) from None
    except OSError as exc:  # a directory, no permission, …
        raise SpecError(
            f"cannot read the spec {path}",
            [
                Issue(
                    str(path),
                    f"{type(exc).__name__}: {exc.strerror or exc}",
                    "give the path of a YAML spec file",
                )
            ],
        ) from None
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"{path}: not UTF-8 text",
            [Issue(str(path), f"cannot decode as UTF-8: {exc}", "save it as UTF-8")],
        ) from None
    data, lines, dup_issues = _parse_yaml(text, path)
    if not isinstance(data, dict):
        raise SpecError(
            f"{path}: the spec must be a YAML mapping",
            [
                Issue(
                    str(path), f"found {type(data).__name__}", "start with spec_version"
                )
            ],
        )
    data, notes, sets = _overridden(data, overrides)
    spec = _validate(data, path=path, lines=_Lines(lines, sets), pre_issues=dup_issues)
    return _remember(spec, overrides, notes)


def _overridden(
    data: dict[str, Any], overrides: Sequence[str]
) -> tuple[dict[str, Any], list[str], dict[tuple[Any, ...], str]]:
    if not overrides:
        return data, [], {}
    from gdindex.overrides import apply_overrides_located

    return apply_overrides_located(data, overrides)


class _Lines(dict[tuple[Any, ...], int]):
    """The file line of every YAML location, and the locations `--set` wrote."""

    def __init__(
        self, lines: Mapping[tuple[Any, ...], int], sets: Mapping[tuple[Any, ...], str]
    ) -> None:
        super().__init__(lines)
        self.sets = dict(sets)

    def override_of(self, loc: tuple[Any, ...]) -> str | None:
        """The `--set` text an issue at `loc` comes from: one that wrote at or above
        `loc`, or below it when `loc` is its direct parent or was not in the file
        (a mapping the override created)."""
        for at, text in self.sets.items():
            if loc[: len(at)] == at:
                return text
            if at[: len(loc)] == loc and (len(loc) >= len(at) - 1 or loc not in self):
                return text
        return None


def _remember(
    spec: "IndexSpec", overrides: Sequence[str], notes: Sequence[str]
) -> "IndexSpec":
    spec._overrides = tuple(overrides)
    spec._override_notes = tuple(notes)
    return spec


def _validate(
    data: dict[str, Any],
    path: Path | None,
    lines: dict[tuple[Any, ...], int],
    pre_issues: list[Issue] | None = None,
) -> "IndexSpec":
    label = str(path) if path else "spec"
    issues = list(pre_issues or [])
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, data, label, lines))
        raw_log = IssueLog()
        check_structure(data, raw_log)  # tree problems too, in the same report
        issues.extend(_locate(i, label, lines) for i in raw_log.errors)
        raise SpecError(
            f"{label}: invalid spec ({len(issues)} problems)"
            if len(issues) != 1
            else f"{label}: invalid spec",
            issues,
        ) from None
    if path is not None:
        spec._path = path.resolve()
    for issue in check_spec(spec):
        if issue.severity == "error":
            issues.append(_locate(issue, label, lines))
    if issues:
        raise SpecError(f"{label}: invalid spec ({len(issues)} problems)", issues)
    return spec


# libyaml's C loader when PyYAML was built with it (the wheels are): ~10× faster.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(
    text: str, path: Path
) -> tuple[Any, dict[tuple[Any, ...], int], list[Issue]]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(
            f"{path}: malformed YAML",
            [
                Issue(
                    where, f"malformed YAML: {problem}", "check indentation and quotes"
                )
            ],
        ) from None
    finally:
        loader.dispose()
    lines: dict[tuple[Any, ...], int] = {}
    dups: list[Issue] = []
    if root is not None:
        try:
            _map_lines(root, (), lines, dups, str(path))
        except RecursionError:
            raise SpecError(
                f"{path}: recursive YAML",
                [
                    Issue(
                        str(path),
                        "a YAML alias refers to itself",
                        "write the value out instead of using a recursive alias",
                    )
                ],
            ) from None
    return data, lines, dups


def _map_lines(
    node: yaml.Node,
    prefix: tuple[Any, ...],
    lines: dict[tuple[Any, ...], int],
    dups: list[Issue],
    label: str,
) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                dups.append(
                    Issue(
                        f"{label}:{key_node.start_mark.line + 1}: "
                        f"{format_path(prefix + (key,))}",
                        f"duplicate key '{key}'",
                        "YAML keeps only the last one; remove the other",
                        code="duplicate-key",
                    )
                )
            seen.add(key)
            _map_lines(value_node, prefix + (key,), lines, dups, label)
            lines[prefix + (key,)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _map_lines(item, prefix + (i,), lines, dups, label)


def format_path(loc: tuple[Any, ...]) -> str:
    """Format a location tuple as `tree.children[1].weight`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Drop pydantic's union-tag and validator entries from a location."""
    out: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict):
            if part in current:
                out.append(part)
                current = current[part]
                continue
            if isinstance(part, str) and (
                current.get("method", part) == part  # union tag (maybe inherited)
                and part in _method_names()
                or "[" in part
                or "function" in part
            ):
                continue
            out.append(part)
            current = None
        elif isinstance(current, list) and isinstance(part, int):
            out.append(part)
            current = current[part] if part < len(current) else None
        elif isinstance(part, str) and ("[" in part or "function" in part):
            continue
        else:
            out.append(part)
            current = None
    return tuple(out)


def _line_of(loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _where(
    label: str, loc: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]
) -> str:
    if isinstance(lines, _Lines):
        text = lines.override_of(loc)
        if text is not None:
            key = text.partition("=")[0].strip()
            return f"--set {key}: {format_path(loc)}" if loc else f"--set {key}"
    line = _line_of(loc, lines)
    head = f"{label}:{line}" if line else label
    return f"{head}: {format_path(loc)}" if loc else head


def _locate(issue: Issue, label: str, lines: Mapping[tuple[Any, ...], int]) -> Issue:
    loc = _parse_path(issue.where)
    return Issue(
        _where(label, loc, lines), issue.message, issue.hint, issue.severity, issue.code
    )


def _parse_path(text: str) -> tuple[Any, ...]:
    parts: list[Any] = []
    for chunk in text.replace("]", "").split("."):
        name, *indices = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(i) for i in indices)
    return tuple(parts)


def _all_field_names() -> list[str]:
    names: set[str] = set()
    stack: list[type[BaseModel]] = [IndexSpec]
    seen: set[type[BaseModel]] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        names.update(model.model_fields)
        for sub in Model.__subclasses__():
            stack.append(sub)
            stack.extend(sub.__subclasses__())
    return sorted(names)


def _pydantic_issues(
    exc: ValidationError,
    data: Any,
    label: str,
    lines: Mapping[tuple[Any, ...], int],
) -> list[Issue]:
    issues: list[Issue] = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]), data)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        hint: str | None = None
        value = err.get("input")
        if kind == "extra_forbidden":
            key = str(loc[-1]) if loc else "?"
            message = f"unknown key '{key}'"
            owners = _methods_with_param(key)
            close = difflib.get_close_matches(key, _all_field_names(), n=1)
            if owners:
                hint = f"'{key}' belongs to method {' or '.join(owners)}: set `method:`"
            else:
                hint = f"did you mean '{close[0]}'?" if close else "remove it"
        elif kind == "union_tag_not_found":
            what = _method_kind(loc)
            message = f"missing `method:` for the {what} settings".replace("  ", " ")
            hint = "add `method:`, e.g. " + _method_example(what)
        elif kind == "union_tag_invalid":
            tag = ctx.get("tag")
            expected = [t.strip(" '") for t in str(ctx.get("expected_tags")).split(",")]
            what = _method_kind(loc)
            message = f"unknown {what} method '{tag}'"
            close = difflib.get_close_matches(str(tag), expected, n=1)
            hint = (f"did you mean '{close[0]}'? " if close else "") + (
                "available: " + ", ".join(expected)
            )
        elif kind == "missing":
            message = f"missing required key '{loc[-1]}'" if loc else "missing value"
            hint = "add it"
        elif kind == "literal_error":
            message = f"{err['msg'].lower()}, found {value!r}"
        elif kind in {"greater_than_equal", "greater_than"} and loc[-1:] == ("weight",):
            message = f"negative weight {value!r}"
            hint = "weights are relative to siblings and must be ≥ 0"
        elif kind == "string_pattern_mismatch":
            message = f"invalid id {value!r}"
            hint = "ids start with a letter and use only letters, digits and _"
        else:
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            shown = value if not isinstance(value, dict | list) else None
            message = f"{msg}" + (f", found {shown!r}" if shown is not None else "")
        issues.append(Issue(_where(label, loc, lines), message, hint))
    return issues


_METHOD_MODELS: dict[str, tuple[type[BaseModel], ...]] = {
    "normalisation": (
        MinMaxSpec,
        ZScoreSpec,
        TargetSpec,
        GoalpostsSpec,
        RankSpec,
        PercentileSpec,
        RatioSpec,
    ),
    "aggregation": (
        ArithmeticSpec,
        GeometricSpec,
        HarmonicSpec,
        PowerMeanSpec,
        TopsisSpec,
    ),
    "weighting": _WEIGHTS_MODELS,
    "imputation": (
        NoImputeSpec,
        MeanImputeSpec,
        MedianImputeSpec,
        GroupMeanImputeSpec,
        GroupMedianImputeSpec,
        LocfImputeSpec,
        LinearImputeSpec,
    ),
    "treatment": (NoTreatSpec, WinsoriseSpec, LogTreatSpec),
}


def _method_names() -> set[str]:
    return {
        m.model_fields["method"].default
        for models in _METHOD_MODELS.values()
        for m in models
    }


def _methods_with_param(key: str) -> list[str]:
    """Methods that take `key` as a parameter (for hints on misplaced keys)."""
    if key in {"method", "scope", "base_period", "min_coverage"}:
        return []
    return [
        f"'{m.model_fields['method'].default}'"
        for models in _METHOD_MODELS.values()
        for m in models
        if key in m.model_fields
    ]


def _method_example(what: str) -> str:
    models = _METHOD_MODELS.get(what)
    if not models:
        return "method: minmax"
    names = [m.model_fields["method"].default for m in models]
    return f"method: {names[0]} (one of {', '.join(names)})"


def _method_kind(loc: tuple[Any, ...]) -> str:
    names = {
        "normalise": "normalisation",
        "aggregate": "aggregation",
        "impute": "imputation",
        "treat": "treatment",
    }
    for part in reversed(loc):
        if part in names:
            return names[str(part)]
        if part == "weights":
            return "weighting"
    return ""


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec, for editors and documentation."""
    schema = IndexSpec.model_json_schema()
    schema["title"] = "gdindex spec"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
