"""The spec layer: models, YAML loading, semantic checks, `--set` overrides, schema.

It never reads data. Other layers import the public names from here; modules inside
the package import each other by their own module paths.
"""

from gdindex.methods.aggregate import (
    AggregateSpec,
    ArithmeticSpec,
    GeometricSpec,
    HarmonicSpec,
    PowerMeanSpec,
    TopsisSpec,
)
from gdindex.methods.impute import ImputeSpec
from gdindex.methods.normalise import (
    GoalpostsSpec,
    MinMaxSpec,
    NormaliseSpec,
    PercentileSpec,
    RankSpec,
    RatioSpec,
    TargetSpec,
    VectorSpec,
    ZScoreSpec,
)
from gdindex.methods.params import Model, Period
from gdindex.methods.treat import TreatSpec, WinsoriseSpec
from gdindex.methods.weighting import (
    DATA_DRIVEN,
    AhpWeightsSpec,
    CombineSpec,
    CriticWeightsSpec,
    CvWeightsSpec,
    EntropyWeightsSpec,
    EqualWeightsSpec,
    ExplicitWeightsSpec,
    PcaWeightsSpec,
    WeightsSpec,
)
from gdindex.spec.checks import check_spec, check_structure
from gdindex.spec.load import format_path, load_spec
from gdindex.spec.models import (
    DataTable,
    Defaults,
    GroupSpec,
    IndexSpec,
    IndicatorSpec,
    Label,
    NodeSpec,
    QuadrantSpec,
    ScreenSpec,
    UnitsSpec,
    merge_method,
    node_paths,
)
from gdindex.spec.schema import spec_json_schema
from gdindex.spec.wording import pydantic_words

__all__ = [
    "DATA_DRIVEN",
    "AggregateSpec",
    "AhpWeightsSpec",
    "ArithmeticSpec",
    "CombineSpec",
    "CriticWeightsSpec",
    "CvWeightsSpec",
    "DataTable",
    "Defaults",
    "EntropyWeightsSpec",
    "EqualWeightsSpec",
    "ExplicitWeightsSpec",
    "GeometricSpec",
    "GoalpostsSpec",
    "GroupSpec",
    "HarmonicSpec",
    "ImputeSpec",
    "IndexSpec",
    "IndicatorSpec",
    "Label",
    "MinMaxSpec",
    "Model",
    "NodeSpec",
    "NormaliseSpec",
    "PcaWeightsSpec",
    "PercentileSpec",
    "Period",
    "PowerMeanSpec",
    "RankSpec",
    "RatioSpec",
    "QuadrantSpec",
    "ScreenSpec",
    "TargetSpec",
    "VectorSpec",
    "TopsisSpec",
    "TreatSpec",
    "UnitsSpec",
    "WeightsSpec",
    "WinsoriseSpec",
    "ZScoreSpec",
    "check_spec",
    "check_structure",
    "format_path",
    "load_spec",
    "merge_method",
    "node_paths",
    "pydantic_words",
    "spec_json_schema",
]
