"""Loading a spec: YAML with line numbers, `--set` overrides, pydantic validation.

Every problem is reported at once with its file, line and YAML path (or the `--set`
key it comes from) and a hint; pydantic's messages are translated into the spec's
words (unknown keys with "did you mean", unknown method names, negative weights).
"""

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from gdindex.errors import Issue, IssueLog, SpecError, plural
from gdindex.methods.params import Model
from gdindex.spec.checks import check_spec, check_structure
from gdindex.spec.limits import (
    check_value_shape,
    check_yaml_size,
    not_a_regular_file,
)
from gdindex.spec.models import METHOD_MODELS, IndexSpec


def load_spec(
    source: str | Path | Mapping[str, Any], overrides: Sequence[str] = ()
) -> "IndexSpec":
    """Load and validate a spec from a YAML file (or from already-parsed data).

    Args:
        source: the spec file, or its parsed data.
        overrides: `KEY=VALUE` texts (the CLI's `--set`) applied in order to the
            parsed data before validation, e.g. `tree.children.industry.weight=0.4`
            (see `gdindex.spec.overrides`). The spec keeps them in `spec.overrides`.

    Raises:
        SpecError: listing every problem with its YAML path (and line).
    """
    if isinstance(source, Mapping):
        data, notes, sets = _overridden(dict(source), overrides)
        spec = _validate(data, path=None, lines=_Lines({}, sets))
        return _remember(spec, overrides, notes)
    path = Path(source)
    kind = not_a_regular_file(path)
    if kind is not None:
        raise SpecError(
            f"cannot read the spec {path}: it is {kind}",
            [
                Issue(
                    str(path),
                    f"{kind}, not a file",
                    "give the path of a YAML spec file",
                    code="not-a-file",
                )
            ],
        )
    try:
        text = _spec_text(path.read_bytes())
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
        zeros = exc.object.count(0) > len(exc.object) // 4
        found = " (it looks like UTF-16: every other byte is 0)" if zeros else ""
        message = f"cannot decode as UTF-8{found}: {exc}"
        if exc.encoding.startswith("utf-16") or exc.encoding.startswith("utf-32"):
            message = f"the spec is not UTF-8: {exc.reason}"
        raise SpecError(
            f"{path}: not UTF-8 text",
            [
                Issue(
                    str(path),
                    message,
                    "save it as UTF-8",
                )
            ],
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
    from gdindex.spec.overrides import apply_overrides_located

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
    check_value_shape(data, label)
    issues = list(pre_issues or [])
    try:
        spec = IndexSpec.model_validate(data)
    except ValidationError as exc:
        issues.extend(_pydantic_issues(exc, data, label, lines))
        raw_log = IssueLog()
        check_structure(data, raw_log)  # tree problems too, in the same report
        issues.extend(_locate(i, label, lines) for i in raw_log.errors)
        raise SpecError(
            f"{label}: invalid spec ({plural(len(issues), 'problem')})", issues
        ) from None
    if path is not None:
        spec._path = path.resolve()
    for issue in check_spec(spec):
        if issue.severity == "error":
            issues.append(_locate(issue, label, lines))
    if issues:
        raise SpecError(
            f"{label}: invalid spec ({plural(len(issues), 'problem')})", issues
        )
    return spec


def _spec_text(raw: bytes) -> str:
    """A spec's text: UTF-8 (with or without BOM), or UTF-16/32 that a byte-order
    mark announces (YAML allows them; some Windows editors save "Unicode")."""
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec)
    head = raw[:4096]
    if head.count(0) >= len(head) // 4 > 0:  # YAML text never holds NUL bytes
        name = _wide_encoding(head)
        raise UnicodeDecodeError(
            name,
            raw,
            0,
            1,
            f"it looks like {name.upper()} without a byte-order mark: its bytes "
            "are mostly zeros between ASCII letters",
        )
    return raw.decode("utf-8-sig")


def _wide_encoding(head: bytes) -> str:
    """UTF-16 or UTF-32, LE or BE, from where the zero bytes of the text fall."""
    quads = [head[k::4].count(0) for k in range(4)]
    n = len(head) // 4
    if quads[2] >= n * 0.9 and quads[3] >= n * 0.9:
        return "utf-32-le"
    if quads[0] >= n * 0.9 and quads[1] >= n * 0.9:
        return "utf-32-be"
    return "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"


# libyaml's C loader when PyYAML was built with it (the wheels are): ~10× faster.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: PyYAML's problems in plain words: (start of the parser's text, what it means).
_YAML_PROBLEMS = [
    (
        "did not find expected '-' indicator",
        "this list item is not lined up with the items above it",
        "start every item of a list with '-' at the same indentation",
    ),
    (
        "did not find expected key",
        "this line is not indented like the keys around it",
        "line the key up with its siblings, or quote a value that starts with a "
        "special character",
    ),
    (
        "mapping values are not allowed here",
        "a 'key: value' where none can start",
        "put a space after ':' on the line above, quote a value that contains ': ', "
        "or fix the indentation",
    ),
    (
        "found character '\\t' that cannot start any token",
        "a tab character",
        "indent with spaces only; YAML does not allow tabs",
    ),
    (
        "found a tab character",
        "a tab character",
        "indent with spaces only; YAML does not allow tabs",
    ),
    (
        "found unexpected end of stream",
        "the file ends inside a quoted text",
        "close the quote that is opened here",
    ),
    (
        "could not find expected ':'",
        "a line that is neither 'key: value' nor a list item",
        "add the ':' after the key, or close a quote opened earlier",
    ),
    (
        "expected ',' or ']'",
        "a [list] in brackets is not closed, or its items are not separated by commas",
        "close the ']' and separate the items with ', '",
    ),
    (
        "expected ',' or '}'",
        "a {mapping} in braces is not closed, or its entries are not separated by "
        "commas",
        "close the '}' and separate the entries with ', '",
    ),
    (
        "expected <block end>",
        "the indentation of this line does not match the block it belongs to",
        "line it up with its siblings (spaces only)",
    ),
    (
        "found undefined alias",
        "a '*alias' with no '&anchor' before it",
        "define the anchor first, or write the value out",
    ),
]

#: How many further syntax errors are looked for after the first.
_MAX_YAML_ERRORS = 10


def _yaml_issue(exc: yaml.YAMLError, path: Path) -> tuple[Issue, int | None]:
    """One malformed-YAML issue in plain words, and the 0-based line it names."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    raw = f"{context}, {problem}" if context else problem
    for start, plain, hint in _YAML_PROBLEMS:
        if problem.startswith(start) or (start in raw):
            message, advice = plain, hint
            break
    else:
        message = "the YAML cannot be read here"
        advice = "check the indentation (spaces only), the quotes and the brackets"
    position = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    issue = Issue(
        where,
        f"malformed YAML: {position}{message}",
        f"{advice} (the YAML parser said: {raw})",
    )
    return issue, (mark.line if mark else None)


def _yaml_errors(text: str, path: Path, first: yaml.YAMLError) -> list[Issue]:
    """Every syntax error found: the first, then those found by blanking each bad
    line in turn and reading again (later ones may follow from earlier ones)."""
    issue, line = _yaml_issue(first, path)
    issues, seen = [issue], {line}
    lines = text.split("\n")
    while line is not None and len(issues) < _MAX_YAML_ERRORS and line < len(lines):
        lines[line] = ""
        try:
            loader = _Loader("\n".join(lines))
            try:
                loader.get_single_node()
            finally:
                loader.dispose()
            break
        except yaml.YAMLError as exc:
            issue, line = _yaml_issue(exc, path)
            if line in seen:
                break
            seen.add(line)
            issues.append(issue)
    return issues


def _parse_yaml(
    text: str, path: Path
) -> tuple[Any, dict[tuple[Any, ...], int], list[Issue]]:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is not None:  # refuse an alias bomb before it expands
            check_yaml_size(root, str(path))
        data = loader.construct_document(root) if root is not None else None
    except (RecursionError, ValueError) as exc:  # nesting; a 5,000-digit number
        raise SpecError(
            f"{path}: the YAML cannot be read",
            [
                Issue(
                    str(path),
                    "values nested too deeply"
                    if isinstance(exc, RecursionError)
                    else f"a value cannot be read: {exc}",
                    "write plain values a few levels deep",
                    code="malformed-yaml",
                )
            ],
        ) from None
    except yaml.YAMLError as exc:
        issues = _yaml_errors(text, path, exc)
        count = f" ({len(issues)} problems)" if len(issues) > 1 else ""
        raise SpecError(f"{path}: malformed YAML{count}", issues) from None
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


def _method_names() -> set[str]:
    return {
        m.model_fields["method"].default
        for models in METHOD_MODELS.values()
        for m in models
    }


def _methods_with_param(key: str) -> list[str]:
    """Methods that take `key` as a parameter (for hints on misplaced keys)."""
    if key in {"method", "scope", "base_period", "min_coverage"}:
        return []
    return [
        f"'{m.model_fields['method'].default}'"
        for models in METHOD_MODELS.values()
        for m in models
        if key in m.model_fields
    ]


def _method_example(what: str) -> str:
    models = METHOD_MODELS.get(what)
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
