"""Compare two variants of an index: `compare(spec_a, spec_b)` and its files.

Both variants are computed (on one shared `Dataset` when both specs read the same
tables) and lined up by `gdindex.analysis.comparison.compare_results`. This module
never prints: `report/comparison.py` renders a `Comparison`; `write_comparison`
writes its files through `gdindex.io`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from gdindex.analysis.comparison import (
    Comparison,
    compare_results,
)
from gdindex.errors import Bilingual, Issue, examples
from gdindex.io import load_data, write_frame, write_set
from gdindex.pipeline import IndexResult, compute
from gdindex.spec import IndexSpec, Period, load_spec

# --- Computing both variants --- #


def compare(
    spec_a: IndexSpec | str | Path,
    spec_b: IndexSpec | str | Path | None = None,
    *,
    overrides: Sequence[str] = (),
    node: str | None = None,
    period: Period | None = None,
    top: int = 5,
) -> Comparison:
    """Compute two variants of an index and compare them (see `compare_results`).

    Args:
        spec_a: variant A (a spec or the path of one).
        spec_b: variant B; without it, B is A with `overrides` applied (A itself when
            there are none: every shift is then 0).
        overrides: `--set KEY=VALUE` texts applied to B.
        node, period, top: as in `compare_results`.

    When both specs read the same tables (same units, data and periods entries,
    same spec folder, same indicators and denominators, same tree leaves) the data
    are loaded once and both variants are computed on that `Dataset`; otherwise each
    reads its own, and when the input files differ a `different-data` warning says
    so.

    Raises:
        SpecError, DataError: a variant cannot be loaded or computed.
        CompareError: see `compare_results`.
    """
    a = spec_a if isinstance(spec_a, IndexSpec) else load_spec(spec_a)
    if spec_b is None:
        b = _with_overrides(a, overrides) if overrides else a
    elif isinstance(spec_b, IndexSpec):
        b = _with_overrides(spec_b, overrides) if overrides else spec_b
    else:
        b = load_spec(spec_b, overrides=tuple(overrides))
    if b is a:
        result_a = result_b = compute(a)
    elif same_inputs(a, b):
        dataset = load_data(a)
        result_a = compute(a, dataset=dataset)
        result_b = compute(b, dataset=dataset)
    else:
        result_a, result_b = compute(a), compute(b)
    labels = variant_labels(a, b)
    cmp = compare_results(
        result_a, result_b, node=node, period=period, top=top, labels=labels
    )
    cmp.overrides = tuple(getattr(b, "overrides", ()) or ()) if b is not a else ()
    notes: list[Issue] = []  # B's --set notes are among its compute warnings
    if b is a:
        notes.append(
            Issue(
                "",
                f"{labels[0]} is compared with itself: every shift is 0",
                "give a second spec or --set KEY=VALUE to change variant B",
                "warning",
                "same-spec",
                message_zh=f"{labels[0]} 在与自身比较：所有变动均为 0",
                hint_zh="请给出第二个配置文件，或用 --set KEY=VALUE 修改方案 B",
            )
        )
    differ = different_inputs(result_a, result_b)
    if differ:
        notes.append(
            Issue(
                "data",
                "the two specs read different data: " + "; ".join(differ),
                "scores then differ for the data as well as the methods; point "
                "both specs at the same tables to isolate the method change",
                "warning",
                "different-data",
                message_zh="两个配置文件读取的数据不同："
                + "；".join(d.zh for d in differ),
                hint_zh="此时得分的差异既来自方法也来自数据；请让两个配置文件读取相同"
                "的表格，以单独考察方法的改变",
            )
        )
    cmp.issues = notes + cmp.issues
    return cmp


def _with_overrides(spec: IndexSpec, overrides: Sequence[str]) -> IndexSpec:
    """`spec` with `--set` overrides applied after those it was loaded with (paths
    stay relative to its file)."""
    sets = (*getattr(spec, "overrides", ()), *overrides)
    if spec.path is not None:
        return load_spec(spec.path, overrides=sets)
    return load_spec(spec.dump(), overrides=tuple(overrides))


def same_inputs(a: IndexSpec, b: IndexSpec) -> bool:
    """Whether `load_data(a)` is also `load_data(b)`: the same units, data and periods
    entries read from the same folder, the same indicator ids (in order) with the
    same denominators, and the same tree leaves."""

    def key(spec: IndexSpec) -> tuple[Any, ...]:
        return (
            spec.units.model_dump(mode="json") if spec.units else None,
            [t.model_dump(mode="json") for t in spec.data],
            list(spec.periods) if spec.periods is not None else None,
            spec.base_dir.resolve(),
            [(i.id, i.denominator, i.scale) for i in spec.indicators],
            sorted(n.id for n, _ in spec.tree.walk() if n.is_leaf),
        )

    return key(a) == key(b)


def different_inputs(a: IndexResult, b: IndexResult) -> list[Bilingual]:
    """How the inputs of two results differ (empty when they read the same bytes
    for the same roles, over the same units and periods)."""
    if a is b:
        return []
    out = []
    files_a = {f.role: f for f in a.inputs}
    files_b = {f.role: f for f in b.inputs}
    for role in dict.fromkeys([*files_a, *files_b]):
        fa, fb = files_a.get(role), files_b.get(role)
        if fa is None or fb is None:
            out.append(
                Bilingual(
                    f"{role} is read by one spec only", f"只有一个配置文件读取 {role}"
                )
            )
        elif fa.sha256 != fb.sha256:
            out.append(
                Bilingual(
                    f"{role}: {fa.path} ≠ {fb.path}", f"{role}：{fa.path} ≠ {fb.path}"
                )
            )
    if [str(p) for p in a.periods] != [str(p) for p in b.periods]:
        out.append(
            Bilingual(
                f"periods {examples(a.periods)} vs {examples(b.periods)}",
                f"时期 {examples(a.periods, lang='zh')} 与 "
                f"{examples(b.periods, lang='zh')}",
            )
        )
    if not out and a.units["unit"].to_list() != b.units["unit"].to_list():
        out.append(Bilingual("the units differ", "地区不同"))
    return out


def variant_labels(a: IndexSpec, b: IndexSpec) -> tuple[str, str]:
    """Names of the two variants: their spec file names ("A"/"B" without a file),
    B followed by its `--set` overrides; made distinct when the names clash."""
    name_a = a.path.name if a.path else "A"
    name_b = b.path.name if b.path else "B"
    if b is not a and name_a == name_b and a.path != b.path:
        if a.path and b.path and a.path.parent.name != b.path.parent.name:
            name_a = f"{a.path.parent.name}/{name_a}"
            name_b = f"{b.path.parent.name}/{name_b}"
        else:
            name_a, name_b = f"A: {name_a}", f"B: {name_b}"
    sets = tuple(getattr(b, "overrides", ()) or ()) if b is not a else ()
    if sets:
        name_b = f"{name_b} (--set {' '.join(sets)})"
    return name_a, name_b


# --- Writing --- #


def write_comparison(cmp: Comparison, out_dir: str | Path) -> list[Path]:
    """Write the comparison into `out_dir` atomically.

    Files: `compare_units.csv`, `compare_nodes.csv`, `compare_weights.csv` (UTF-8,
    full float precision, missing values empty) and `compare.json`
    (`to_json(indent=2)`). Re-running on the same inputs gives byte-identical files.

    Returns:
        The paths written, in the order above.
    """
    tables = {
        "compare_units.csv": cmp.units,
        "compare_nodes.csv": cmp.nodes,
        "compare_weights.csv": cmp.weights,
    }

    def csv_writer(frame: pl.DataFrame) -> Any:
        return lambda path: write_frame(frame, path, "csv")

    def json_writer(path: Path) -> None:
        path.write_text(cmp.to_json(indent=2) + "\n", encoding="utf-8")

    writers = {name: csv_writer(frame) for name, frame in tables.items()}
    writers["compare.json"] = json_writer
    what = Bilingual(f"the comparison to {out_dir}", f"比较结果（{out_dir}）")
    return write_set(Path(out_dir), writers, what)
