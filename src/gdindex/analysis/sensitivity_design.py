"""The runs of a sensitivity analysis: inputs, their alternatives and the design.

A design is an integer matrix `positions[run, input]` holding the 1-based position of
the alternative each run picks (DESIGN §9.3); run 0 is the nominal spec and holds 0
for every input. `ua` draws each position uniformly (numpy's PCG64 seeded with
`seed`); `sobol` maps Saltelli's extension of the Sobol' sequence (SALib
`sample.sobol`, Saltelli 2002/2010) from [0, 1) onto the positions, `N·(d + 2)` runs.

Weight sets are tables per parent node, `[sets + 1, children]`, row 0 the nominal
(multiplier 1, nothing replaced): noisy sets multiply the nominal sibling weights by
`1 + U(−noise, noise)` (drawn from `seed` and the input's position), sets from a file
replace them by the file's weights (rescaled among siblings).
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from gdindex.errors import Bilingual, Issue, SpecError
from gdindex.spec import IndexSpec, NodeSpec, load_spec, pydantic_words
from gdindex.spec.sensitivity import (
    ExcludeInput,
    SensitivitySpec,
    SetInput,
    WeightsInput,
)


@dataclass(frozen=True)
class TreeNode:
    """Where a node sits: its parent, its position among siblings, its depth."""

    id: str
    parent: str | None
    position: int
    depth: int
    path: str
    """Its `--set` path by ids, e.g. `tree.children.industry.children.gdp`."""


def tree_nodes(spec: IndexSpec) -> dict[str, TreeNode]:
    """Every node of the tree (pre-order) by id."""
    out: dict[str, TreeNode] = {}

    def walk(
        node: NodeSpec, parent: str | None, pos: int, depth: int, path: str
    ) -> None:
        out[node.id] = TreeNode(node.id, parent, pos, depth, path)
        for k, child in enumerate(node.children or []):
            walk(child, node.id, k, depth + 1, f"{path}.children.{child.id}")

    walk(spec.tree, None, 0, 0, "tree")
    return out


def check_target(spec: IndexSpec, target: str, given: bool = False) -> None:
    """Raise unless `target` is a node of the tree.

    Raises:
        SpecError: located at the `target` argument (`given`) or the block's
            `sensitivity.target`; the hint names the closest id and the aggregate
            nodes.
    """
    import difflib

    ids = [nd.id for nd, _ in spec.tree.walk()]
    if target in ids:
        return
    close = difflib.get_close_matches(target, ids, 1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    hint_zh = f"是否想写 '{close[0]}'？" if close else ""
    aggregates = ", ".join(nd.id for nd, _ in spec.tree.walk() if not nd.is_leaf)
    raise SpecError(
        f"unknown target {target!r}",
        [
            Issue(
                "target (--target)" if given else "sensitivity.target",
                f"no node '{target}' in the tree",
                f"{hint}an aggregate ({aggregates}) or an indicator id",
                message_zh=f"指标树中没有节点 '{target}'",
                hint_zh=f"{hint_zh}应为聚合节点（{aggregates}）或指标 id",
                where_zh="分析对象（--target）" if given else None,
            )
        ],
        message_zh=f"未知的分析对象 {target!r}",
    )


def load_inputs(path: str | Path) -> SensitivitySpec:
    """Read `--inputs FILE`: a YAML holding a `sensitivity:` block (or its keys).

    Raises:
        SpecError: unreadable file or an invalid block (with the YAML path).
    """
    from pydantic import ValidationError

    path = Path(path)
    if not path.is_file():
        raise SpecError(
            f"cannot read the inputs {path}",
            [
                Issue(
                    f"--inputs {path}",
                    "no such file" if not path.exists() else "not a regular file",
                    "give the YAML file that holds the sensitivity: block",
                    message_zh="文件不存在" if not path.exists() else "不是普通文件",
                    hint_zh="请给出包含 sensitivity: 块的 YAML 文件",
                )
            ],
            message_zh=f"无法读取输入文件 {path}",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(
            f"cannot read the inputs {path}",
            [
                Issue(
                    str(path),
                    f"{type(exc).__name__}: {exc}",
                    "a YAML file",
                    message_zh=f"读取失败：{type(exc).__name__}: {exc}",
                    hint_zh="应为 YAML 文件",
                )
            ],
            message_zh=f"无法读取输入文件 {path}",
        ) from None
    if isinstance(data, dict) and "sensitivity" in data:
        data = data["sensitivity"]
    try:
        return SensitivitySpec.model_validate(data)
    except ValidationError as exc:
        issues = [
            Issue(
                f"{path}: sensitivity." + ".".join(str(p) for p in e["loc"]),
                e["msg"],
                "see docs/sensitivity.md",
                message_zh=pydantic_words(e, tuple(e["loc"])).message_zh,
                hint_zh="参见 docs/sensitivity.md",
            )
            for e in exc.errors()
        ]
        raise SpecError(
            f"invalid sensitivity inputs in {path}",
            issues,
            message_zh=f"{path} 中的敏感性分析输入无效",
        ) from None


@dataclass
class InputInfo:
    """One uncertain input with its alternatives.

    Attributes:
        id: the input's id.
        kind: `set`, `weights` or `exclude`.
        labels: a short text per alternative (position k is `labels[k − 1]`).
        path: the `--set` path (kind `set`).
        values: the alternatives (kind `set`).
        excluded: the indicator each alternative leaves out, None for none
            (kind `exclude`).
        multipliers: per parent node `[sets + 1, children]` weight multipliers.
        replaced: per parent node `[sets + 1, children]` raw weights (NaN: keep).
    """

    id: str
    kind: str
    labels: list[str]
    path: str | None = None
    values: list[Any] = field(default_factory=list)
    excluded: list[str | None] = field(default_factory=list)
    multipliers: dict[str, np.ndarray] = field(default_factory=dict)
    replaced: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.labels)

    def override(self, position: int) -> str | None:
        """The `--set` text of a `set` alternative (None for nominal or other
        kinds)."""
        if self.kind != "set" or position == 0:
            return None
        return f"{self.path}={yaml_value(self.values[position - 1])}"


def yaml_value(value: Any) -> str:
    """A value as `--set` reads it (flow YAML; JSON is YAML)."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def build_inputs(
    spec: IndexSpec, sens: SensitivitySpec, base_dir: Path
) -> list[InputInfo]:
    """Resolve every input against the spec (ids, depths, weight sets).

    Raises:
        SpecError: an excluded id is not an indicator of the tree, a depth has no
            node, or a weight-sets file is missing or malformed.
    """
    nodes = tree_nodes(spec)
    problems: list[Issue] = []
    out: list[InputInfo] = []
    for i, item in enumerate(sens.inputs):
        where = f"sensitivity.inputs[{i}]"
        if isinstance(item, SetInput):
            labels = [_short(v) for v in item.values]
            out.append(InputInfo(item.id, "set", labels, item.set, list(item.values)))
        elif isinstance(item, ExcludeInput):
            leaves = {n for n, nd in nodes.items() if _is_leaf(spec, n)}
            bad = [x for x in item.exclude if x not in leaves]
            if bad:
                problems.append(
                    Issue(
                        f"{where}.exclude",
                        f"not indicators of the tree: {', '.join(bad)}",
                        "list indicator ids that appear in `tree`",
                        message_zh=f"不是指标树中的指标：{', '.join(bad)}",
                        hint_zh="请列出出现在 `tree` 中的指标 id",
                    )
                )
            excluded: list[str | None] = [None, *item.exclude]
            labels = ["none"] + [f"−{x}" for x in item.exclude]
            out.append(InputInfo(item.id, "exclude", labels, excluded=excluded))
        elif isinstance(item, WeightsInput):
            try:
                out.append(_weights_input(item, i, spec, nodes, sens.seed, base_dir))
            except SpecError as exc:
                problems.extend(exc.issues)
    if problems:
        raise SpecError(
            "invalid sensitivity inputs", problems, message_zh=_INVALID_INPUTS_ZH
        )
    return out


_INVALID_INPUTS_ZH = "敏感性分析的输入无效"


def _is_leaf(spec: IndexSpec, node_id: str) -> bool:
    return node_id in spec.indicator_map


def _short(value: Any) -> str:
    """`minmax range=[1, 100]` for a method block, the YAML text otherwise (whole:
    the tables fold long labels)."""
    if isinstance(value, dict) and isinstance(value.get("method"), str):
        rest = [
            f"{k}={v if isinstance(v, str) else yaml_value(v)}"
            for k, v in value.items()
            if k != "method"
        ]
        text = " ".join([value["method"], *rest])
    else:
        text = value if isinstance(value, str) else yaml_value(value)
    return text


def _weights_input(
    item: WeightsInput,
    index: int,
    spec: IndexSpec,
    nodes: dict[str, TreeNode],
    seed: int,
    base_dir: Path,
) -> InputInfo:
    w = item.weights
    kids = {n: len(nd.children or []) for n, nd in _all_nodes(spec)}
    if w.sets_file is not None:
        return _sets_from_file(item, index, spec, nodes, kids, base_dir)
    noisy = [nd for nd in nodes.values() if nd.depth in w.depths]
    if not noisy:
        raise SpecError(
            "invalid sensitivity inputs",
            [
                Issue(
                    f"sensitivity.inputs[{index}].weights.depths",
                    f"no node at depths {w.depths}",
                    "depth 1 is the root's children, 2 their children, …",
                    message_zh=f"第 {w.depths} 层没有节点",
                    hint_zh="第 1 层是根节点的子节点，第 2 层是它们的子节点，依此类推",
                )
            ],
            message_zh=_INVALID_INPUTS_ZH,
        )
    # One stream per input, independent of the other inputs and of the design.
    rng = np.random.default_rng([seed, 1 + index])
    factors = 1.0 + rng.uniform(-w.noise, w.noise, size=(w.sets, len(noisy)))
    multipliers: dict[str, np.ndarray] = {}
    for j, nd in enumerate(noisy):
        assert nd.parent is not None
        table = multipliers.setdefault(
            nd.parent, np.ones((w.sets + 1, kids[nd.parent]))
        )
        table[1:, nd.position] = factors[:, j]
    labels = [f"set {s}" for s in range(1, w.sets + 1)]
    return InputInfo(item.id, "weights", labels, multipliers=multipliers)


def _all_nodes(spec: IndexSpec) -> list[tuple[str, NodeSpec]]:
    return [(n.id, n) for n, _ in spec.tree.walk()]


def _sets_from_file(
    item: WeightsInput,
    index: int,
    spec: IndexSpec,
    nodes: dict[str, TreeNode],
    kids: dict[str, int],
    base_dir: Path,
) -> InputInfo:
    assert item.weights.sets_file is not None
    path = Path(item.weights.sets_file)
    path = path if path.is_absolute() else base_dir / path
    where = f"sensitivity.inputs[{index}].weights.sets_file"
    try:
        frame = pl.read_csv(path)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SpecError(
            f"cannot read the weight sets {path}",
            [
                Issue(
                    where,
                    f"{type(exc).__name__}: {exc}",
                    "a CSV: set, node, weight",
                    message_zh=f"读取失败：{type(exc).__name__}: {exc}",
                    hint_zh="应为含 set, node, weight 三列的 CSV",
                )
            ],
            message_zh=f"无法读取权重组文件 {path}",
        ) from None
    missing = {"set", "node", "weight"} - set(frame.columns)
    bad = sorted(set(frame["node"].cast(pl.String)) - set(nodes)) if not missing else []
    if missing or bad or frame.is_empty():
        what = (
            f"missing columns {sorted(missing)}"
            if missing
            else f"unknown nodes {bad}"
            if bad
            else "no rows"
        )
        what_zh = (
            f"缺少列 {sorted(missing)}"
            if missing
            else f"未知的节点 {bad}"
            if bad
            else "没有数据行"
        )
        raise SpecError(
            f"invalid weight sets {path}",
            [
                Issue(
                    where,
                    what,
                    "columns set, node, weight; nodes by tree id",
                    message_zh=what_zh,
                    hint_zh="列为 set, node, weight；节点用指标树中的 id",
                )
            ],
            message_zh=f"权重组文件 {path} 无效",
        )
    sets = sorted(set(frame["set"].to_list()), key=str)
    index_of = {s: k + 1 for k, s in enumerate(sets)}
    replaced: dict[str, np.ndarray] = {}
    by_id = dict(_all_nodes(spec))
    for s, node, weight in frame.select("set", "node", "weight").iter_rows():
        nd = nodes[str(node)]
        if nd.parent is None:
            continue
        table = replaced.get(nd.parent)
        if table is None:
            table = np.full((len(sets) + 1, kids[nd.parent]), np.nan)
            replaced[nd.parent] = table
        row = table[index_of[s]]
        if np.isnan(row).all():  # first entry of this set for this parent
            row[:] = [c.weight for c in by_id[nd.parent].children or []]
        row[nd.position] = float(weight)
    labels = [f"set {s}" for s in sets]
    return InputInfo(item.id, "weights", labels, replaced=replaced)


# --- Designs --- #


def sample_ua(inputs: list[InputInfo], n: int, seed: int) -> np.ndarray:
    """`n` runs, each alternative drawn uniformly; row 0 (nominal) prepended."""
    rng = np.random.default_rng(seed)
    cols = [rng.integers(1, inp.count + 1, size=n) for inp in inputs]
    body = np.stack(cols, axis=1) if cols else np.zeros((n, 0), dtype=np.int64)
    return np.vstack([np.zeros((1, len(inputs)), dtype=np.int64), body])


def sample_sobol(
    inputs: list[InputInfo], n: int, seed: int
) -> tuple[np.ndarray, list[str]]:
    """Saltelli's design (SALib `sample.sobol`, no second order): `n·(d + 2)` runs
    in SALib's order (A, AB_1…AB_d, B per base sample), row 0 (nominal) prepended.

    Returns:
        The positions and notes (e.g. when `n` is not a power of 2).
    """
    from SALib.sample import sobol as sobol_sample  # type: ignore[import-untyped]

    d = len(inputs)
    problem = {
        "num_vars": d,
        "names": [inp.id for inp in inputs],
        "bounds": [[0.0, 1.0]] * d,
    }
    notes: list[str] = []
    if n & (n - 1):
        power = 1 << math.ceil(math.log2(n))
        notes.append(
            Bilingual(
                f"n = {n} is not a power of 2: the Sobol' sequence keeps its balance "
                f"properties only for powers of 2 (e.g. {power})",
                f"n = {n} 不是 2 的幂：Sobol' 序列只有在 2 的幂时才保持其均衡性"
                f"（例如 {power}）",
            )
        )
    with warnings.catch_warnings():  # the note above says it once, plainly
        warnings.simplefilter("ignore")
        X = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    counts = np.array([inp.count for inp in inputs])
    pos = np.minimum(np.floor(X * counts).astype(np.int64), counts - 1) + 1
    return np.vstack([np.zeros((1, d), dtype=np.int64), pos]), notes


def read_design(path: Path, inputs: list[InputInfo]) -> np.ndarray:
    """Read a `--design` CSV: `run` and one column per input id (1-based positions;
    0 = nominal). Run 0 (nominal) is prepended unless the file's first run is all 0.

    Raises:
        SpecError: missing columns, non-integer or out-of-range positions.
    """
    where = str(path)
    if not Path(path).is_file():
        raise SpecError(
            f"cannot read the design {path}",
            [
                Issue(
                    f"--design {path}",
                    "no such file" if not Path(path).exists() else "not a regular file",
                    "give a CSV with the columns run, <input ids> (e.g. a "
                    "sensitivity_runs.csv written by --out)",
                    message_zh="文件不存在"
                    if not Path(path).exists()
                    else "不是普通文件",
                    hint_zh="请给出含 run, <输入 id> 各列的 CSV（例如 --out 写出的 "
                    "sensitivity_runs.csv）",
                )
            ],
            message_zh=f"无法读取设计文件 {path}",
        )
    try:
        frame = pl.read_csv(path, infer_schema_length=None)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SpecError(
            f"cannot read the design {path}",
            [
                Issue(
                    where,
                    f"{type(exc).__name__}: {exc}",
                    "a CSV: run, <input ids>",
                    message_zh=f"读取失败：{type(exc).__name__}: {exc}",
                    hint_zh="应为含 run, <输入 id> 各列的 CSV",
                )
            ],
            message_zh=f"无法读取设计文件 {path}",
        ) from None
    ids = [inp.id for inp in inputs]
    missing = [c for c in ["run", *ids] if c not in frame.columns]
    problems = []
    if missing:
        problems.append(
            Issue(
                where,
                f"missing columns: {', '.join(missing)}",
                f"columns: run, {', '.join(ids)}",
                message_zh=f"缺少列：{', '.join(missing)}",
                hint_zh=f"应有的列：run, {', '.join(ids)}",
            )
        )
        raise SpecError(
            f"invalid design {path}", problems, message_zh=f"设计文件 {path} 无效"
        )
    frame = frame.sort("run", maintain_order=True)
    cols = []
    for inp in inputs:
        col = frame[inp.id]
        if not col.dtype.is_integer():
            problems.append(
                Issue(
                    f"{where}: column {inp.id}",
                    "positions must be integers",
                    None,
                    message_zh="位置须为整数",
                    where_zh=f"{where}：列 {inp.id}",
                )
            )
            continue
        values = col.to_numpy()
        bad = (values < 0) | (values > inp.count)
        if bad.any():
            runs = frame["run"].to_numpy()[bad][:5].tolist()
            problems.append(
                Issue(
                    f"{where}: column {inp.id}",
                    f"positions outside 0…{inp.count} in runs {runs}",
                    f"input '{inp.id}' has {inp.count} alternatives (0 = nominal)",
                    message_zh=f"第 {runs} 次运行的位置超出 0…{inp.count}",
                    hint_zh=f"输入 '{inp.id}' 有 {inp.count} 个备选（0 = 名义值）",
                    where_zh=f"{where}：列 {inp.id}",
                )
            )
        cols.append(values.astype(np.int64))
    if problems:
        raise SpecError(
            f"invalid design {path}", problems, message_zh=f"设计文件 {path} 无效"
        )
    pos = np.stack(cols, axis=1) if cols else np.zeros((frame.height, 0), np.int64)
    if pos.shape[0] and not pos[0].any():
        return pos
    return np.vstack([np.zeros((1, len(inputs)), dtype=np.int64), pos])


def run_overrides(
    spec: IndexSpec, inputs: list[InputInfo], positions: list[int]
) -> list[str]:
    """`--set` texts reproducing one run with `compute` (see
    `SensitivityResult.overrides`). A node whose weights the run changes (noisy
    weights; an excluded child where weights come from a method) is switched to explicit
    weights: the ones its method gives for the varied spec (derived by `compute`
    where they come from the data), as the run changes them."""
    from gdindex.pipeline import compute
    from gdindex.pipeline.tree_weights import child_weights, needs_data

    sets = [t for i, p in zip(inputs, positions, strict=True) if (t := i.override(p))]
    varied = load_spec(spec.path, [*spec.overrides, *sets]) if spec.path else spec
    nodes = tree_nodes(varied)
    by_id = {n.id: n for n, _ in varied.tree.walk()}
    derived: dict[str, np.ndarray] = {}
    if needs_data(varied):
        weighting = compute(varied).weighting
        assert weighting is not None  # the data-driven weights compute derived
        derived = {k: v.weights for k, v in weighting.nodes.items()}

    def base(parent: str) -> np.ndarray:
        return (
            derived[parent]
            if parent in derived
            else child_weights(varied, by_id[parent])
        )

    out = list(sets)
    weights: dict[str, np.ndarray] = {}
    for inp, pos in zip(inputs, positions, strict=True):
        if inp.kind != "weights" or pos == 0:
            continue
        for parent in sorted(set(inp.multipliers) | set(inp.replaced)):
            w = weights.get(parent)
            if w is None:
                w = base(parent)
            rep = inp.replaced.get(parent)
            if rep is not None and not np.isnan(rep[pos]).all():
                w = rep[pos] / np.nansum(rep[pos])
            mult = inp.multipliers.get(parent)
            if mult is not None:
                w = w * mult[pos]
            weights[parent] = w
    excluded = [
        str(inp.excluded[pos - 1])
        for inp, pos in zip(inputs, positions, strict=True)
        if inp.kind == "exclude" and pos > 0 and inp.excluded[pos - 1] is not None
    ]

    def explicit(parent: str) -> bool:
        return getattr(varied.weights_for(by_id[parent]), "method", None) == "explicit"

    for gone in excluded:  # weights of a method are fixed before a child leaves
        up = nodes[gone].parent
        if up is not None and not explicit(up) and up not in weights:
            weights[up] = base(up)
    for parent, w in weights.items():
        if not explicit(parent):
            out.append(f"{nodes[parent].path}.weights={{method: explicit}}")
        for kid, value in zip(by_id[parent].children or [], w, strict=True):
            out.append(f"{nodes[kid.id].path}.weight={float(value)!r}")
    out.extend(f"{nodes[gone].path}.weight=0" for gone in excluded)
    return out
