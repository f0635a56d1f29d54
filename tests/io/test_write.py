"""Writing outputs: an unwritable place is an OutputError and leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.errors import OutputError
from gdindex.io.write import write_atomic


def test_write_atomic_turns_an_unwritable_place_into_an_output_error(
    tmp_path: Path,
) -> None:
    # arrange: the "directory" is a file, so nothing can be written under it
    blocker = tmp_path / "out"
    blocker.write_text("a file", encoding="utf-8")

    # act
    writers = {
        "a.csv": lambda p: p.write_text("x"),
        "b.csv": lambda p: p.write_text("y"),
    }
    with pytest.raises(OutputError) as caught:
        write_atomic(blocker, writers, "the check")

    # assert: one issue naming the place, the reason and a hint; nothing left behind
    assert str(caught.value).startswith("cannot write the check")
    (issue,) = caught.value.issues
    assert issue.where == str(blocker) and "--out" in (issue.hint or "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_frame_refuses_infinite_values_and_writes_nan_as_empty(
    tmp_path: Path,
) -> None:
    import polars as pl

    from gdindex.io.write import write_frame

    write_frame(pl.DataFrame({"a": [1.0, float("nan")]}), tmp_path / "ok.csv", "csv")
    with pytest.raises(OutputError) as caught:
        write_frame(
            pl.DataFrame({"a": [1.0, float("inf")]}), tmp_path / "bad.csv", "csv"
        )

    assert (tmp_path / "ok.csv").read_text() == "a\n1.0\n\n"
    assert "column 'a'" in caught.value.issues[0].where
    assert "row(s) 3" in caught.value.issues[0].message
    assert not (tmp_path / "bad.csv").exists()
