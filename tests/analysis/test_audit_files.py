"""`write_audit`: the §9.1 files, written atomically and byte-identically."""

from __future__ import annotations

from pathlib import Path

import gdindex
from gdindex.analysis.audit import audit
from gdindex.analysis.audit_files import FILES, write_audit
from tests.analysis.test_audit_notes import TWO_TREE, TWO_UNITS, project


def test_files_are_written_byte_identically_with_the_notes(tmp_path: Path) -> None:
    spec = project(tmp_path / "two", TWO_TREE, TWO_UNITS, ["x1", "x2", "c1", "m1"])
    found = audit(gdindex.compute(gdindex.load_spec(spec)))

    first = write_audit(found, tmp_path / "a")
    second = write_audit(found, tmp_path / "b")

    assert sorted(p.name for p in first) == sorted(FILES)
    for a, b in zip(sorted(first), sorted(second), strict=True):
        assert a.read_bytes() == b.read_bytes()
    assert "too_few_units" in (tmp_path / "a" / "audit.json").read_text("utf-8")
