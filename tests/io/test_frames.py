"""Frames to files: NaN as empty, ±inf refused, and a table in row blocks written
with the bytes of the whole."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from gdindex.errors import OutputError
from gdindex.io import frames
from gdindex.io.frames import row_blocks, write_frame, write_frames


def test_write_frame_refuses_infinite_values_and_writes_nan_as_empty(
    tmp_path: Path,
) -> None:
    write_frame(pl.DataFrame({"a": [1.0, float("nan")]}), tmp_path / "ok.csv", "csv")
    with pytest.raises(OutputError) as caught:
        write_frame(
            pl.DataFrame({"a": [1.0, float("inf")]}), tmp_path / "bad.csv", "csv"
        )

    assert (tmp_path / "ok.csv").read_text() == "a\n1.0\n\n"
    assert "column 'a'" in caught.value.issues[0].where
    assert "row(s) 3" in caught.value.issues[0].message
    assert not (tmp_path / "bad.csv").exists()


def _blocks() -> list[pl.DataFrame]:
    return [
        pl.DataFrame({"unit": ["A", "B"], "x": [1.5, float("nan")]}),
        pl.DataFrame({"unit": ["C"], "x": [0.1]}).clear(),  # an empty block
        pl.DataFrame({"unit": ['D "x", y'], "x": [1e-7]}),
    ]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json"])
def test_write_frames_writes_the_bytes_of_the_whole_table(
    tmp_path: Path, fmt: str
) -> None:
    write_frame(pl.concat(_blocks()), tmp_path / f"whole.{fmt}", fmt)

    rows = write_frames(iter(_blocks()), tmp_path / f"blocks.{fmt}", fmt)

    assert rows == 3
    whole = (tmp_path / f"whole.{fmt}").read_bytes()
    assert (tmp_path / f"blocks.{fmt}").read_bytes() == whole


def test_write_frames_writes_one_header_and_counts_rows_across_blocks(
    tmp_path: Path,
) -> None:
    empty_first = [_blocks()[1], *_blocks()]
    write_frames(empty_first, tmp_path / "t.csv", "csv")
    bad = [*_blocks(), pl.DataFrame({"unit": ["E", "F"], "x": [2.0, float("-inf")]})]
    with pytest.raises(OutputError) as caught:
        write_frames(bad, tmp_path / "bad.csv", "csv")
    with pytest.raises(ValueError, match="no rows and no columns"):
        write_frames([], tmp_path / "none.csv", "csv")

    lines = (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()
    assert lines == ["unit,x", "A,1.5", "B,", '"D ""x"", y",1e-7']
    assert "row(s) 6" in caught.value.issues[0].message  # header, A, B, D, E, F


def test_row_blocks_slice_a_frame_and_keep_an_empty_one_whole() -> None:
    frame = pl.DataFrame({"a": list(range(5))})

    blocks = list(row_blocks(frame, 2))
    (empty,) = row_blocks(frame.clear(), 2)

    assert [b["a"].to_list() for b in blocks] == [[0, 1], [2, 3], [4]]
    assert empty.columns == ["a"] and empty.height == 0


def test_write_frames_starts_the_writeback_of_every_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the disk writes a block while the next is formatted; the bytes are the same
    started: list[int] = []
    monkeypatch.setattr(frames, "_start_writeback", lambda fd: started.append(fd))

    write_frames(_blocks(), tmp_path / "t.csv", "csv")

    assert len(started) == 3 and len(set(started)) == 1


def test_the_writeback_of_a_real_file_changes_nothing_in_it(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n")

    with path.open("rb+") as fh:
        frames._start_writeback(fh.fileno())  # no error, on Linux or elsewhere

    assert path.read_bytes() == b"a,b\n1,2\n"
