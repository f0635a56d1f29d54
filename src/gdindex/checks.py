"""Data-versus-spec checks without computing: what `gdindex validate` runs.

Returns every issue (errors and warnings) instead of raising on the first problem.
"""

from __future__ import annotations

from pathlib import Path

from gdindex.errors import GdindexError, Issue, IssueLog
from gdindex.spec import IndexSpec, check_spec, load_spec


def validate(spec: IndexSpec | str | Path) -> list[Issue]:
    """Check a spec and its data; return all issues found (never raises on bad input).

    Covers the spec's own rules, then reading every table (files, encodings,
    columns, cells, duplicates, unknown units, empty periods, all-missing indicators).
    """
    from gdindex.io import load_data
    from gdindex.normalise import normalise_values

    if not isinstance(spec, IndexSpec):
        try:
            spec = load_spec(spec)
        except GdindexError as exc:
            return exc.issues or [Issue("spec", str(exc))]
    issues = [i for i in check_spec(spec) if i.severity == "warning"]
    try:
        dataset = load_data(spec)
    except GdindexError as exc:
        return issues + exc.issues
    log = IssueLog(issues + dataset.issues)
    # Normalising is cheap and finds constant indicators and bad base periods.
    normalise_values(dataset.values, spec, dataset.units, dataset.periods, log)
    return log.issues
