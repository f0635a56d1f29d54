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
