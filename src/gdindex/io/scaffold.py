"""`gdindex init`: scaffold a new index project (spec, data and units, README).

The scaffold is a small, fully commented starting point: `index.yaml` (two pillars of
digital-economy indicators, every key explained, commented alternatives for the
methods), `data.csv` (one row per example unit × period, value cells empty — or
illustrative numbers with `example=True`), `units.csv` (five example units) and a
README with the next steps. The files depend only on the options (no dates), so the
same options always give byte-identical files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gdindex.errors import GdindexError, Issue, OutputError
from gdindex.io.template import Layout, Unit, generic_tail, generic_value, layout

Period = int | str

DEFAULT_PERIODS: tuple[Period, ...] = (2022, 2023)
DEFAULT_NAME = {"zh": "我的指数", "en": "My index"}
SPEC_FILE = "index.yaml"
DATA_FILE = "data.csv"
UNITS_FILE = "units.csv"
README_FILE = "README.md"
#: The files `init_project` writes, in order; `force` overwrites only these.
FILES = (SPEC_FILE, DATA_FILE, UNITS_FILE, README_FILE)

_PERIOD_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class _Indicator:
    id: str
    # illustrative values for `example=True`: base, step between units, change per
    # period, decimals, and each unit's position (0-4) in the spread
    base: float
    step: float
    trend: float
    decimals: int
    positions: tuple[int, ...]


UNITS = (
    Unit("C01", "甲市", "City A", "东部"),
    Unit("C02", "乙市", "City B", "东部"),
    Unit("C03", "丙市", "City C", "西部"),
    Unit("C04", "丁市", "City D", "东部"),
    Unit("C05", "戊市", "City E", "西部"),
)

# In the order of `indicators:` in the spec template (and of the data.csv columns).
INDICATORS = (
    _Indicator("fiveg_bs_per_10k", 12.0, 4.5, 3.2, 1, (4, 2, 0, 3, 1)),
    _Indicator("gigabit_broadband_share", 18.0, 6.0, 4.5, 1, (3, 4, 1, 2, 0)),
    _Indicator("mobile_data_price", 4.2, -0.35, -0.4, 2, (4, 3, 1, 2, 0)),
    _Indicator("digital_core_va_share", 6.0, 2.1, 0.6, 1, (2, 4, 0, 3, 1)),
    _Indicator("ecommerce_per_capita", 2.5, 1.3, 0.35, 2, (4, 3, 2, 1, 0)),
)


def parse_periods(text: str) -> list[Period]:
    """Periods from a comma-separated text: `"2022,2023"` → `[2022, 2023]`.

    Whole numbers become integers (years); anything else stays text (`2021H1`).

    Raises:
        GdindexError: empty, duplicated, mixed (numbers and text) or unusable periods.
    """
    return _check_periods([p.strip() for p in text.split(",")])


def _check_periods(raw: Sequence[Period]) -> list[Period]:
    hint = "give periods in time order, e.g. --periods 2022,2023 or 2021H1,2021H2"
    hint_zh = "请按时间顺序给出时期，例如 --periods 2022,2023 或 2021H1,2021H2"
    periods: list[Period] = []
    bad: list[str] = []
    for item in raw:
        if isinstance(item, int) and not isinstance(item, bool):
            periods.append(item)
        elif isinstance(item, str) and item.strip().isdigit():
            periods.append(int(item.strip()))
        elif isinstance(item, str) and _PERIOD_TEXT.match(item.strip()):
            periods.append(item.strip())
        else:
            bad.append(repr(item))
    problems: list[tuple[str, str]] = []  # (English, Chinese)
    if bad:
        problems.append(
            (
                f"not a period: {', '.join(bad)} (use digits, letters, '_', '.', '-')",
                f"不是有效的时期：{', '.join(bad)}（请使用数字、字母、'_'、'.'、'-'）",
            )
        )
    if not raw:
        problems.append(("no periods given", "没有给出时期"))
    if len({type(p) for p in periods}) > 1:
        problems.append(
            (
                "periods mix numbers and text; write them all one way",
                "时期混用了数字和文本，请统一写法",
            )
        )
    years = [p for p in periods if isinstance(p, int)]
    if len(years) == len(periods) and years != sorted(years):
        shown = ", ".join(str(p) for p in years)
        problems.append(
            (
                f"periods are not in time order ({shown}): list them from the "
                "earliest to the latest",
                f"时期未按时间顺序排列（{shown}）：请从早到晚列出",
            )
        )
    if len(set(periods)) != len(periods):
        dupes = ", ".join(sorted({str(p) for p in periods if periods.count(p) > 1}))
        problems.append((f"duplicate periods: {dupes}", f"时期重复：{dupes}"))
    if problems:
        raise GdindexError(
            f"invalid periods: {'; '.join(en for en, _ in problems)}",
            [
                Issue("--periods", en, hint, message_zh=zh, hint_zh=hint_zh)
                for en, zh in problems
            ],
            message_zh=f"时期无效：{'；'.join(zh for _, zh in problems)}",
        )
    return periods


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _slug(text: str) -> str:
    """A spec id from a name: `"Shenzhen DEI 2024"` → `shenzhen-dei-2024`."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "-".join(w.lower() for w in words) or "my-index"


def _yaml_text(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _yaml_period(period: Period) -> str:
    return str(period) if isinstance(period, int) else _yaml_text(period)


_CJK = re.compile(r"[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _empty_name(option: str) -> GdindexError:
    return GdindexError(
        "the index name is empty",
        [
            Issue(
                option,
                "the index name is empty",
                'e.g. --name "深圳数字经济指数"',
                message_zh="指数名称为空",
                hint_zh='例如 --name "深圳数字经济指数"',
            )
        ],
        message_zh="指数名称为空",
    )


def _names(
    name: str | None, name_en: str | None = None
) -> tuple[str | None, str | None, str]:
    """(zh, en) labels of the index and its spec id.

    A name with Chinese characters is the Chinese name, any other the English one;
    the English name is written only when given (`name_en`, or a non-Chinese
    `name`), never copied from the Chinese one.
    """
    if name is None and name_en is None:
        return DEFAULT_NAME["zh"], DEFAULT_NAME["en"], "my-index"
    text = _one_line(name) if name is not None else None
    english = _one_line(name_en) if name_en is not None else None
    if text == "":
        raise _empty_name("--name")
    if english == "":
        raise _empty_name("--name-en")
    zh: str | None = None
    en = english
    if text is not None and (_CJK.search(text) or english is not None):
        zh = text
    elif text is not None:
        en = text
    return zh, en, _slug(en or "")


def _label_yaml(zh: str | None, en: str | None) -> str:
    parts = [f"{k}: {_yaml_text(v)}" for k, v in (("zh", zh), ("en", en)) if v]
    return "{" + ", ".join(parts) + "}"


def _title(zh: str | None, en: str | None) -> str:
    if zh and en and zh != en:
        return f"{en} ({zh})"
    return en or zh or ""


def _value(ind: _Indicator, unit: int, period: int) -> str:
    """An illustrative, deterministic value: the units' order differs between
    indicators (so ranks differ), and every value changes from period to period."""
    value = ind.base + ind.step * ind.positions[unit] + ind.trend * period
    return f"{value:.{ind.decimals}f}"


def data_csv(
    periods: Sequence[Period], example: bool = False, lay: Layout | None = None
) -> str:
    """The data template: `unit,period,<indicator ids>`, one row per unit × period
    (unit by unit), values empty unless `example`."""
    units = UNITS if lay is None else lay.units
    ids = [ind.id for ind in INDICATORS] if lay is None else list(lay.indicators)
    lines = [",".join(["unit", "period", *ids])]
    for u, unit in enumerate(units):
        for p, period in enumerate(periods):
            if not example:
                cells = [""] * len(ids)
            elif lay is None:
                cells = [_value(ind, u, p) for ind in INDICATORS]
            else:
                cells = [generic_value(k, u, p, len(units)) for k in range(len(ids))]
            lines.append(",".join([unit.id, str(period), *cells]))
    return "\n".join(lines) + "\n"


def units_csv(lay: Layout | None = None) -> str:
    """The units template: `unit,name_zh,name_en,region`."""
    rows = ["unit,name_zh,name_en,region"]
    units = UNITS if lay is None else lay.units
    rows += [f"{u.id},{u.name_zh},{u.name_en},{u.region}" for u in units]
    return "\n".join(rows) + "\n"


_SPEC = """\
# {title}: a gdindex spec (指标体系配置), created by `gdindex init`.
#
# One file describes the whole composite index (综合指数): where the data are (数据),
# which units it covers (单位, e.g. cities 城市), the periods (时期), the indicators
# (指标), the indicator tree with its weights (指标树与权重) and the methods:
# normalisation (标准化), weighting (赋权) and aggregation (合成). Paths are relative to
# this file. Unknown keys are errors, so a typo is reported, not ignored.
#
# Workflow (工作流程), run from this directory:
#   1. fill data.csv: one row per unit and period, one column per indicator id
#   2. gdindex validate {spec}          # check spec + data, no computation (校验)
#   3. gdindex check {spec}             # data audit: coverage, outliers (数据体检)
#   4. gdindex compute {spec} --out out/
#                                           # ranked report; scores, ranks, growth in
#                                           # out/scores.csv and more (计算)
#   5. gdindex weights {spec}           # nominal, derived and effective weights (权重)
#   6. gdindex compare {spec} --set defaults.weights.method=entropy
#                                           # what moves under other weights (方案对比)
# Any value can be changed for one run, without editing this file, with
# --set KEY=VALUE, e.g. --set tree.children.digital_industry.weight=2
# Editor completion: gdindex schema > gdindex.schema.json, then add the line
# "# yaml-language-server: $schema=./gdindex.schema.json" at the top of this file.

spec_version: 1                # format version: always 1
id: {id}                   # short id of the index (letters, digits, _ . -)
name: {{zh: {name_zh}, en: {name_en}}}    # bilingual label (中英文名称)
# description: {{zh: …, en: …}}  # optional free text

# Units table (单位表): one row per unit. Ids are read as text, so codes such as
# 440100 or 0755 keep their leading zeros. A unit in the data must be in this table.
units:
  file: {units_file}
  id: unit                     # column of the unit ids
  name: {{zh: name_zh, en: name_en}}   # columns of the labels; --lang zh|en picks one
  groups:                      # grouping columns → group means in the report (分组汇总)
    - column: region
      name: {{zh: 区域, en: Region}}
      labels:                  # labels of the column's values, in report order
        东部: {{zh: 东部, en: East}}
        西部: {{zh: 西部, en: West}}
  # group_weight: population   # weight units in group means by a column of this table

# Data tables (数据表): one or more, merged on (unit, period). Each indicator comes
# from exactly one table. Cells are plain numbers (1234.5, 1,234.5 and 74.6% are read
# too; the % sign is dropped, not divided by 100); an empty cell is missing (缺失).
data:
  - file: {data_file}
    format: wide               # wide (宽表): one column per indicator id
                               # long (长表): columns unit, period, indicator, value
    unit: unit                 # column of the unit ids
    period: period             # column of the periods
    # na_values: ["—", "n/a"]  # cell texts that also mean missing
    # rename: {{"每万人5G基站数": fiveg_bs_per_10k}}   # column headers → indicator ids
    # encoding: gb18030        # default auto: UTF-8 (with or without BOM), else GB18030

# Periods (时期), in time order: years, or text such as 2021H1. Change and growth
# compare each period with the previous one in this list.
periods: [{periods}]

# Methods used wherever an indicator or node does not override them (默认方法).
# Uncomment one alternative instead of the active line to switch a method.
defaults:
  # 标准化 normalisation: min-max to [1, 100] with the statistics of all units and
  # periods pooled (scope: panel), so scores and growth are comparable across periods.
  # The floor 1 (not 0) keeps growth % and geometric means defined for the lowest unit.
  normalise: {{method: minmax, range: [1, 100], scope: panel}}
  # Each period on its own (scores comparable within a period only, 增长不可比):
  # normalise: {{method: minmax, range: [0, 100], scope: period}}
  # The scale of one base period for all periods (基期):
  # normalise: {{method: minmax, range: [0, 100], scope: base, base_period: {base}}}
  # normalise: {{method: zscore, mean: 0, sd: 1}}     # z-score (标准分)
  # normalise: {{method: percentile}}                 # 百分位, 0-100
  #
  # 合成 aggregation: the weighted arithmetic mean of the children a unit has; a node
  # needs at least half of its children's weight present (min_coverage) for a score.
  aggregate: {{method: arithmetic, min_coverage: 0.5}}
  # Geometric mean (几何平均): a weak child is less compensated by strong ones.
  # aggregate: {{method: geometric, min_coverage: 0.5, zero_policy: shift}}
  #
  # 赋权 weighting: explicit = the `weight:` values written in the tree (指定权重).
  # The other methods do not use those values (a warning says so when they differ).
  weights: {{method: explicit}}
  # weights: {{method: equal}}       # 等权: 1/m
  # weights: {{method: entropy}}     # 熵权法: from the spread of the data
  # weights: {{method: critic}}      # CRITIC法: spread × non-correlation
  # weights: {{method: cv}}          # 变异系数法: sd / mean of the raw values
  # weights: {{method: pca}}         # 主成分法: first principal component
  # AHP (层次分析法) needs a pairwise matrix for one node: see the tree's root below.
  #
  # Missing cells (插补: mean, median, group_mean, locf, linear) and outliers (异常值):
  # impute: {{method: mean}}
  # treat: {{method: winsorise}}

# Indicators (指标): the measured variables, the leaves of the tree.
#   id         the column header in {data_file} (letters, digits, _; unique)
#   name       bilingual label
#   unit       unit of measurement (计量单位), shown in reports
#   direction  1 = higher is better (正向指标), -1 = lower is better (逆向指标)
#   source     free text (数据来源)
# An indicator may override the default method: normalise, impute, treat.
indicators:
  # --------------------------------------------- 数字基础设施 digital infrastructure
  - id: fiveg_bs_per_10k
    name: {{zh: 每万人5G基站数, en: 5G base stations per 10k residents}}
    unit: 座/万人
    direction: 1
    source: 通信管理局 communications administration
  - id: gigabit_broadband_share
    name: {{zh: 千兆宽带用户占比, en: Share of broadband users on gigabit plans}}
    unit: "%"
    direction: 1
    # Distance to a target (目标值法), 100 once the target is reached:
    # normalise: {{method: target, target: 60}}
    # bounds: [0, 100]         # plausible raw values; `gdindex check` flags others
  - id: mobile_data_price
    name: {{zh: 移动流量平均资费, en: Average mobile data price}}
    unit: 元/GB
    direction: -1              # lower is better (逆向指标)
  # --------------------------------------------- 数字产业 digital industry
  - id: digital_core_va_share
    name:
      zh: 数字经济核心产业增加值占GDP比重
      en: Value added of digital-economy core industries as share of GDP
    unit: "%"
    direction: 1
  - id: ecommerce_per_capita
    name: {{zh: 人均电子商务交易额, en: E-commerce transactions per resident}}
    unit: 万元/人
    direction: 1
    # denominator: population  # divide the raw value by this column (data or units)
    # scale: 1                 # … and multiply by this (10000 for "per 10k")

# The index tree (指标树): the root is the index (总指数), its children the pillars
# (分指数), and the leaves are indicator ids. Trees can be deeper (pillars → sub-pillars
# → indicators). A `weight` is relative to its siblings (default 1); siblings are
# rescaled to sum to 1. A node may set its own `aggregate:` and `weights:`.
tree:
  id: index
  name: {{zh: {name_zh}, en: {name_en}}}
  # weights:                   # 层次分析法 AHP for the two pillars: infrastructure is
  #   method: ahp              # twice as important as industry (Saaty 1-9; the upper
  #   matrix: [[1, 2], [1]]    # triangle row by row, diagonal included; CR <= 0.1)
  #   combine: {{with: {{method: entropy}}, a: 0.5}}   # 组合赋权: ½ AHP + ½ entropy
  children:
    - id: infrastructure
      name: {{zh: 数字基础设施, en: Digital infrastructure}}
      weight: 1
      children: [fiveg_bs_per_10k, gigabit_broadband_share, mobile_data_price]
    - id: digital_industry
      name: {{zh: 数字产业, en: Digital industry}}
      weight: 1
      # aggregate: {{method: geometric, zero_policy: shift}}   # this node only
      children:
        - {{id: digital_core_va_share, weight: 2}}   # a leaf with its own weight
        - ecommerce_per_capita                     # a plain leaf: weight 1
"""


_README = """\
# {title}

A composite index project (综合指数) created by `gdindex init`.

- `{spec}`: the spec (指标体系配置): units, data, periods, methods, indicators and
  the indicator tree, every key commented.
- `{data_file}`: the indicator values (指标数据), one row per unit × period and one
  column per indicator id.
- `{units_file}`: the units (单位): id, Chinese and English names, and a region for
  group means.

{values_note}

## Steps

1. Replace the example units in `{units_file}` with yours, and list one row per unit
   × period in `{data_file}` (same unit ids; periods as in `periods:` of `{spec}`).
2. Edit `{spec}`: your indicators (their ids are the column headers of
   `{data_file}`), their `direction` (1 higher is better, -1 lower is better), the
   tree and the weights.
3. Fill `{data_file}` with plain numbers (`1234.5`, `74.6`). Leave a cell empty only
   when the value is really missing.
4. `gdindex validate {spec}`: checks the spec and the data without computing, and
   lists every problem with where it is and how to fix it (exit 1 on errors).
5. `gdindex check {spec}`: a data audit (coverage, outliers, constant indicators).
6. `gdindex compute {spec} --out out/`: prints the ranked report (`--lang en` for
   English) and writes `out/scores.csv` (scores, ranks, change and growth of every
   unit, period and node), `out/indicators.csv`, `out/weights.csv`,
   `out/groups.csv` and `out/manifest.json`.
7. Explore: `gdindex weights {spec}` shows the weights, and
   `gdindex compare {spec} --set defaults.weights.method=entropy` shows what moves
   under entropy weights (熵权法). The commented alternatives in `{spec}` list the
   other methods.
"""

_EMPTY_NOTE = """\
The value cells of `{data_file}` are empty. Until they are filled, `gdindex validate`
refuses the project with one error ("the data have no values yet"), as `compute`
would; once some values are in, it lists every period and indicator still empty:
that is the to-do list."""
_EXAMPLE_NOTE = """\
**The values in `{data_file}` are illustrative, made up so that the commands run at
once. Replace them with real data before using the scores.**"""


_TAIL_MARK = "# Indicators (指标): the measured variables, the leaves of the tree.\n"


def spec_yaml(
    name: str | None = None,
    periods: Sequence[Period] = DEFAULT_PERIODS,
    name_en: str | None = None,
    lay: Layout | None = None,
) -> str:
    """The commented spec template (of `lay`'s size when given)."""
    name_zh, english, spec_id = _names(name, name_en)
    template = _SPEC
    if lay is not None:
        template = _SPEC[: _SPEC.index(_TAIL_MARK)] + generic_tail(lay)
    label = _label_yaml(name_zh, english)
    if name is None and name_en is None:
        label = f"{{zh: {DEFAULT_NAME['zh']}, en: {DEFAULT_NAME['en']}}}"
    return (
        template.replace("{{zh: {name_zh}, en: {name_en}}}", "{name_label}")
        .replace("{name_label}", label.replace("{", "{{").replace("}", "}}"))
        .format(
            title=_title(name_zh, english),
            spec=SPEC_FILE,
            id=spec_id,
            units_file=UNITS_FILE,
            data_file=DATA_FILE,
            periods=", ".join(_yaml_period(p) for p in periods),
            base=_yaml_period(periods[0]),
        )
    )


def readme(
    name: str | None = None, example: bool = False, name_en: str | None = None
) -> str:
    """The project README: the files and the steps to a first report."""
    name_zh, english, _ = _names(name, name_en)
    note = (_EXAMPLE_NOTE if example else _EMPTY_NOTE).format(data_file=DATA_FILE)
    return _README.format(
        title=_title(name_zh, english),
        spec=SPEC_FILE,
        data_file=DATA_FILE,
        units_file=UNITS_FILE,
        values_note=note,
    )


def init_project(
    directory: str | Path,
    *,
    name: str | None = None,
    periods: Sequence[Period] | str = DEFAULT_PERIODS,
    force: bool = False,
    example: bool = False,
    name_en: str | None = None,
    units: int | None = None,
    indicators: int | Sequence[str] | str | None = None,
    pillars: int | None = None,
) -> list[Path]:
    """Create a new index project in `directory`; return the files written.

    Writes `index.yaml`, `data.csv`, `units.csv` and `README.md` atomically (all or
    none). The directory is created; an existing one must be empty unless `force`,
    which overwrites these four files and leaves every other file alone.

    Args:
        directory: the project directory.
        name: the index name (default 我的指数 / My index): the Chinese name when it
            has Chinese characters, else the English one.
        name_en: the English name (written only when given or `name` is English).
        units, indicators, pillars: the size of the template (a number each, or
            the indicator ids); default the hand-written 5 × 5 × 2 template.
        periods: the periods, in time order, or their comma-separated text.
        force: write into a non-empty directory, overwriting the scaffold's files.
        example: fill `data.csv` with illustrative numbers instead of empty cells,
            so that `validate` and `compute` run at once.

    Raises:
        GdindexError: invalid periods or name.
        OutputError: `directory` is a file, or is not empty and `force` is not set.
    """
    from gdindex.io.write import write_atomic

    out = Path(directory)
    chosen = (
        parse_periods(periods) if isinstance(periods, str) else _check_periods(periods)
    )
    lay = layout(units, indicators, pillars)
    contents = {
        SPEC_FILE: spec_yaml(name, chosen, name_en, lay),
        DATA_FILE: data_csv(chosen, example, lay),
        UNITS_FILE: units_csv(lay),
        README_FILE: readme(name, example, name_en),
    }
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"cannot create the project: {out} is a file",
            [
                Issue(
                    str(out),
                    "exists and is not a directory",
                    "choose another path",
                    message_zh="该路径已存在，且不是目录",
                    hint_zh="请换一个路径",
                )
            ],
            message_zh=f"无法创建项目：{out} 是一个文件",
        )
    if out.is_dir() and not force:
        present = sorted(p.name for p in out.iterdir())
        if present:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise OutputError(
                f"{out} is not empty",
                [
                    Issue(
                        str(out),
                        f"the directory is not empty ({shown})",
                        "choose a new or empty directory, or add --force to "
                        f"overwrite {', '.join(FILES)} there (other files are "
                        "left alone)",
                        code="not-empty",
                        message_zh=f"目录不为空（{shown}）",
                        hint_zh="请选择新的或空的目录，或加上 --force 覆盖其中的 "
                        f"{', '.join(FILES)}（其他文件不受影响）",
                    )
                ],
                message_zh=f"{out} 不为空",
            )

    return write_atomic(out, {f: _writer(text) for f, text in contents.items()})


def _writer(text: str) -> Callable[[Path], None]:
    """Write UTF-8 with `\\n` line ends on every platform (byte-identical files)."""

    def write(path: Path) -> None:
        path.write_bytes(text.encode("utf-8"))

    return write
