"""Semantic checks of a spec on its own (no data): ids, the tree, weights, methods.

Every problem is collected as an `Issue` with its YAML path; `gdindex.spec.load`
locates them in the file.
"""

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from gdindex.errors import Issue, IssueLog
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
                            ahp_hint(str(exc)),
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
    if not isinstance(children, list):
        return  # pydantic reports a `children:` that is not a list
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
