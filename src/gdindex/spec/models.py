"""The spec's pydantic models: units, data tables, indicators, the tree, defaults.

A spec is a frozen value: the indicator tree, weights, methods and where the data is.
The methods' parameter models come from `gdindex.methods` and are composed here into
the spec's unions. This module never reads files (see `gdindex.spec.load`).
"""

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from gdindex.errors import LocalisedValueError
from gdindex.methods.aggregate import (
    AggregateSpec,
    ArithmeticSpec,
)
from gdindex.methods.impute import (
    ImputeSpec,
    NoImputeSpec,
)
from gdindex.methods.normalise import (
    MinMaxSpec,
    NormaliseSpec,
)
from gdindex.methods.params import Model, Period, PeriodField
from gdindex.methods.treat import NoTreatSpec, TreatSpec
from gdindex.methods.weighting import ExplicitWeightsSpec, WeightsSpec
from gdindex.spec.sensitivity import SensitivitySpec

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"


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
            raise LocalisedValueError(
                "a label needs `zh`, `en` or both", "名称须有 `zh`、`en` 或两者"
            )
        return self

    def get(self, lang: str = "zh") -> str:
        """Return the label in `lang`, falling back to the other language."""
        first, second = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or second or ""


LabelField = Annotated[Label, BeforeValidator(_label_from_str)]


def _name_defaults_to_id(data: Any) -> Any:
    """A spec, node or indicator without `name:` is named by its id (a minimal spec
    needs no labels)."""
    if isinstance(data, dict) and data.get("name") is None and "id" in data:
        if isinstance(data["id"], str):
            return {**data, "name": data["id"]}
    return data


class QuadrantSpec(Model):
    """How the level × growth quadrants measure growth."""

    growth: Literal["pct", "change"] = Field(
        "pct",
        description="`pct`: growth % (missing where the previous score is ≤ 0, so "
        "such units get no quadrant); `change`: the score change S_t − S_{t−1}, "
        "defined for every unit scored in both periods",
    )


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


Encoding = Literal[
    "auto",
    "utf-8",
    "utf-8-sig",
    "gb18030",
    "gbk",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
]


def _separator_for_decimal(data: Any) -> Any:
    """`decimal: ","` makes `;` the default separator. `separator: ","` with it is
    allowed: quoted fields (`"0,975"`, as Sheets and LibreOffice export) make it
    unambiguous, and an unquoted decimal comma splits its row into extra fields,
    which the reader reports as a ragged row."""
    if not isinstance(data, dict) or data.get("decimal") != ",":
        return data
    if "separator" not in data:
        return {**data, "separator": ";"}
    return data


# Keys every table file takes (the units table and each data table).
Sheet = Annotated[
    str | int | None,
    Field(
        description="Excel workbooks: the sheet's name, or its number counting from 1 "
        "(default: the first sheet)"
    ),
]
SkipRows = Annotated[
    int, Field(ge=0, description="Rows above the header to skip (e.g. a title row)")
]
DecimalMark = Annotated[
    Literal[".", ","],
    Field(
        description='Decimal mark of numbers written as text: "." (1,234.5) or "," '
        "(1.234,5 and 0,975, as European exports write them; the separator then "
        'defaults to ";")'
    ),
]


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
    sheet: Sheet = None
    skip_rows: SkipRows = 0
    period: str | None = Field(
        None,
        description="Panel form: the column holding the period, one row per unit "
        "and period (groups, group weights and denominators may change over time)",
    )
    decimal: DecimalMark = "."

    @model_validator(mode="before")
    @classmethod
    def _decimal_comma_separator(cls, data: Any) -> Any:
        return _separator_for_decimal(data)


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
    sheet: Sheet = None
    skip_rows: SkipRows = 0
    decimal: DecimalMark = "."

    @model_validator(mode="before")
    @classmethod
    def _decimal_comma_separator(cls, data: Any) -> Any:
        return _separator_for_decimal(data)


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, Mapping) else value


# --- Indicators and the tree --- #


class IndicatorSpec(Model):
    """A measured indicator: a leaf of the tree."""

    id: str = Field(pattern=ID_PATTERN, description="Unique id, used as column name")
    name: LabelField = Field(description="Label (default: the id)")
    unit: LabelField | None = Field(
        None,
        description="Unit of measurement, bilingual like names: "
        "{zh: 座/万人, en: per 10k residents}; a plain string serves both languages",
    )
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

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        return _name_defaults_to_id(data)

    @field_validator("scale")
    @classmethod
    def _scale_non_zero(cls, value: float) -> float:
        if value == 0:
            raise LocalisedValueError(
                "scale 0 would make every value 0", "scale 为 0 会使所有数值变为 0"
            )
        return value

    @field_validator("bounds")
    @classmethod
    def _bounds_ordered(
        cls, value: tuple[float, float] | None
    ) -> tuple[float, float] | None:
        if value is not None and value[0] > value[1]:
            raise LocalisedValueError(
                f"bounds {list(value)}: the low end exceeds the high",
                f"bounds {list(value)}：下限大于上限",
            )
        return value


def _leaf_from_str(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class NodeSpec(Model):
    """A node of the indicator tree; a node without children is an indicator leaf."""

    id: str = Field(pattern=ID_PATTERN)
    name: LabelField | None = Field(
        None, description="Label (default: the id; a leaf shows its indicator's)"
    )
    weight: float = Field(
        1.0, ge=0, allow_inf_nan=False, description="Relative to siblings"
    )
    children: "list[Annotated[NodeSpec, BeforeValidator(_leaf_from_str)]] | None" = None
    aggregate: AggregateSpec | None = Field(None, description="Override of defaults")
    weights: WeightsSpec | None = Field(None, description="How children are weighted")

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        # Leaves are shown by their indicator's name; inner nodes default to the id.
        if isinstance(data, dict) and data.get("children") is not None:
            return _name_defaults_to_id(data)
        return data

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
    name: LabelField = Field(description="Label (default: the id)")
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
    quadrant: QuadrantSpec = Field(
        default_factory=QuadrantSpec,
        description="Growth axis of the quadrants, e.g. {growth: change}",
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
        data = _name_defaults_to_id(data)

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
        if not value:
            raise LocalisedValueError(
                "an empty list: list the periods to compute, e.g. [2022, 2023], or "
                "drop `periods:` to use every period in the data",
                "列表为空：请列出要计算的时期，例如 [2022, 2023]；"
                "或删去 `periods:`，使用数据中的全部时期",
            )
        kinds = {type(p) for p in value}
        if len(kinds) > 1:
            raise LocalisedValueError(
                "periods mix numbers and text; write them all one way",
                "时期混用了数字和文本，请统一写法",
            )
        if len(set(value)) != len(value):
            twice = ", ".join(sorted({str(p) for p in value if value.count(p) > 1}))
            raise LocalisedValueError(
                f"periods contain duplicates: {twice}", f"时期有重复：{twice}"
            )
        for p in value:
            parts = str(p).replace(",", " ").split()
            if len(parts) > 1 and all(part.isdigit() for part in parts):
                raise LocalisedValueError(
                    f"'{p}' looks like {len(parts)} periods: separate them with "
                    f"', ', e.g. [{', '.join(parts)}]",
                    f"'{p}' 像是 {len(parts)} 个时期：请用 ', ' 分隔，"
                    f"例如 [{', '.join(parts)}]",
                )
        years = [p for p in value if isinstance(p, int)]
        for before, after in zip(years, years[1:], strict=False):
            if after < before:
                raise LocalisedValueError(
                    f"periods are not in time order: {before} comes before {after}; "
                    "list them from the earliest to the latest (growth compares "
                    "each period with the one before it)",
                    f"时期未按时间顺序排列：{before} 排在 {after} 之前；请从早到晚列出"
                    "（增长率用每个时期与前一时期比较）",
                )
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


def node_paths(spec: IndexSpec) -> Iterator[tuple[NodeSpec, str]]:
    """Every inner node in pre-order with its YAML path (`tree.children[1]`)."""

    def walk(node: NodeSpec, path: str) -> Iterator[tuple[NodeSpec, str]]:
        if node.is_leaf:
            return
        yield node, path
        for i, child in enumerate(node.children or []):
            yield from walk(child, f"{path}.children[{i}]")

    yield from walk(spec.tree, "tree")


def union_members(union: Any) -> tuple[type[Model], ...]:
    """The parameter models of a discriminated union `Annotated[A | B | …, Field]`."""
    return tuple(get_args(get_args(union)[0]))


#: The parameter models of each method kind, read from the spec's unions, so that a
#: new method needs only its model in its union (in `gdindex.methods`).
METHOD_MODELS: dict[str, tuple[type[Model], ...]] = {
    "normalisation": union_members(NormaliseSpec),
    "aggregation": union_members(AggregateSpec),
    "weighting": union_members(WeightsSpec),
    "imputation": union_members(ImputeSpec),
    "treatment": union_members(TreatSpec),
}
