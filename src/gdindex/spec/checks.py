"""Semantic checks of a spec on its own (no data): ids, the tree, weights, methods.

Every problem is collected as an `Issue` with its YAML path; `gdindex.spec.load`
locates them in the file.
"""

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from gdindex.errors import Issue, IssueLog, zh_text
from gdindex.methods.ahp import ahp_hint
from gdindex.methods.weighting import ahp_result, method_chain
from gdindex.spec.models import IndexSpec, NodeSpec, Period, node_paths


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
                    message_zh=f"base_period {base!r} 不在时期 {spec.periods} 之中",
                    hint_zh="请使用所列时期之一",
                )
    _check_preparation(spec, log)
    _check_weights(spec, log)
    if spec.units and spec.units.group_weight and not spec.units.groups:
        log.warn(
            "units.group_weight",
            "group_weight is set but no groups are declared",
            "add units.groups or remove group_weight",
            message_zh="设置了 group_weight，但没有声明任何分组",
            hint_zh="请添加 units.groups，或删除 group_weight",
        )
    return log.issues


def _check_weights(spec: IndexSpec, log: IssueLog) -> None:
    """AHP matrices (size, order, consistency), pool base periods, and tree weights
    a method ignores — all checkable without data."""
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
                        mine = at.startswith(path)
                        used = "" if mine else f" (used by '{node.id}')"
                        used_zh = "" if mine else f"（用于 '{node.id}'）"
                        log.error(
                            f"{at}.matrix",
                            f"AHP weights of '{node.id}'{used}: {exc}",
                            ahp_hint(str(exc)),
                            "bad-ahp",
                            message_zh=f"'{node.id}' 的层次分析法权重{used_zh}："
                            f"{zh_text(exc) or exc}",
                            hint_zh=ahp_hint(str(exc), "zh"),
                        )
                else:
                    if result.cr > 0.1:
                        log.warn(
                            f"{at}.matrix",
                            f"AHP judgements of '{node.id}' are inconsistent "
                            f"(CR = {result.cr:.3f} > 0.1), accepted by max_cr "
                            f"{params.max_cr}",
                            code="ahp-inconsistent",
                            message_zh=f"'{node.id}' 的层次分析法判断不一致"
                            f"（CR = {result.cr:.3f} > 0.1），因 max_cr 为 "
                            f"{params.max_cr} 而予以接受",
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
                        message_zh=f"base_period {base!r} 不在时期 {spec.periods} 之中",
                        hint_zh="请使用所列时期之一",
                    )
        if all(p.method != "explicit" for p in chain):
            kids = node.children or []
            set_weights = [c.id for c in kids if c.weight != kids[0].weight]
            if set_weights:
                set_weights = [c.id for c in kids]
                methods = "+".join(p.method for p in chain)
                log.warn(
                    f"{path}.children",
                    f"the `weight` of {', '.join(set_weights)} is ignored: the "
                    f"children of '{node.id}' are weighted by {methods}",
                    "remove the weights, or combine with `explicit` to use them",
                    "ignored-weights",
                    message_zh=f"{', '.join(set_weights)} 的 `weight` 不起作用："
                    f"'{node.id}' 的子节点按 {methods} 赋权",
                    hint_zh="请删除这些权重，或与 `explicit` 组合使用",
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
                    message_zh=f"{params.method} 插补需要分组，但 `units.groups` "
                    "没有声明任何分组",
                    hint_zh="请在 units.groups 中声明分组列（例如 groups: [region]），"
                    "或设置 `group:`",
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
                    message_zh=f"分组 '{group}' 不在 units.groups {columns} 之中",
                    hint_zh=f"是否想写 '{close[0]}'？"
                    if close
                    else "请把该列加入 units.groups",
                )
        if ind.denominator is not None and ind.denominator == ind.id:
            log.error(
                f"indicators[{i}].denominator",
                f"indicator '{ind.id}' is divided by itself",
                "name another column, e.g. population",
                message_zh=f"指标 '{ind.id}' 以自身为分母",
                hint_zh="请指定另一列，例如 population（人口）",
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
                message_zh=f"指标 id '{ind_id}' 重复"
                f"（另见 indicators[{seen[ind_id]}]）",
                hint_zh="请给每个指标一个唯一的 id",
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
            message_zh="指标树的根节点没有子节点",
            hint_zh="根节点即总指数：请给它添加分指数或指标作为子节点",
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
                message_zh=f"指标 '{ind_id}' 已声明，但指标树中没有使用",
                hint_zh="请把它加入某个节点的子节点，或删除该指标",
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
                message_zh=f"叶节点 '{node_id}' 不是已声明的指标",
                hint_zh=f"是否想写 '{close[0]}'？"
                if close
                else "请在 indicators 中声明它",
            )
        if node_id in leaves:
            log.error(
                f"{where}.id",
                f"indicator '{node_id}' appears twice in the tree "
                f"(also at {leaves[node_id]})",
                "use each indicator once",
                "duplicate-id",
                message_zh=f"指标 '{node_id}' 在指标树中出现了两次"
                f"（另见 {leaves[node_id]}）",
                hint_zh="每个指标只能使用一次",
            )
        leaves.setdefault(node_id, where)
        extra = [k for k in ("name", "aggregate", "weights") if node.get(k)]
        if extra and node_id in indicators:
            log.error(
                where,
                f"leaf '{node_id}' sets {', '.join(extra)}, which leaves cannot take",
                "set names and methods on the indicator in `indicators`",
                message_zh=f"叶节点 '{node_id}' 设置了 {', '.join(extra)}，"
                "叶节点不能设置这些",
                hint_zh="请在 `indicators` 中为该指标设置名称和方法",
            )
        return
    if node_id in indicators:
        log.error(
            f"{where}.id",
            f"'{node_id}' is both a tree node and an indicator",
            "rename the node",
            "duplicate-id",
            message_zh=f"'{node_id}' 既是指标树节点又是指标",
            hint_zh="请给该节点改名",
        )
    if node_id in nodes:
        log.error(
            f"{where}.id",
            f"duplicate node id '{node_id}' (also at {nodes[node_id]})",
            "give every node a unique id",
            "duplicate-id",
            message_zh=f"节点 id '{node_id}' 重复（另见 {nodes[node_id]}）",
            hint_zh="请给每个节点一个唯一的 id",
        )
    nodes.setdefault(node_id, where)
    if not isinstance(children, list):
        return  # pydantic reports a `children:` that is not a list
    kids = [{"id": c} if isinstance(c, str) else c for c in children]
    kids_ok = [c for c in kids if isinstance(c, dict)]
    if not kids:
        log.error(
            f"{where}.children",
            f"node '{node_id}' has no children",
            message_zh=f"节点 '{node_id}' 没有子节点",
        )
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
            message_zh=f"'{node_id}' 的子节点权重之和为 0",
            hint_zh="请至少给一个子节点正的权重",
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
