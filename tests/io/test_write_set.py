"""Result sets are all-or-nothing: a kill at any step of `write_set` leaves the
complete old set or the complete new one, the user's own files stay, and the next
run removes what the killed one left behind."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gdindex.errors import OutputError
from gdindex.io import write as write_module
from gdindex.io.write import write_set

# Runs the CLI in a child process that kills itself (SIGKILL) at one named step of
# writing, or records every step into a file when the step is "record:<file>".
CHILD = """
import os, signal, sys
from gdindex.io import write
step = sys.argv[1]
def hook(name):
    if step.startswith("record:"):
        with open(step[7:], "a", encoding="utf-8") as fh:
            fh.write(name + "\\n")
    elif name == step:
        os.kill(os.getpid(), signal.SIGKILL)
write.STEP_HOOK = hook
from gdindex.cli import app
sys.argv = ["gdindex", *sys.argv[2:]]
app()
"""


def _run(step: str, *args: str) -> int:
    return subprocess.run(
        [sys.executable, "-c", CHILD, step, *args],
        capture_output=True,
        check=False,
        timeout=120,
    ).returncode


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _kill_at_every_step(
    tmp_path: Path, command: list[str], spec: Path, every: int = 1
) -> None:
    """Kill a run at each step; between kills, the set flips between A and B."""
    tmp_path.mkdir()
    out = tmp_path / "out"
    variants = {
        "a": [*command, str(spec), "--set", "tree.children.p1.weight=5"],
        "b": [*command, str(spec)],
    }
    sets = {}
    steps: list[str] = []
    for name, args in variants.items():  # each complete set, and the steps
        steps_file = tmp_path / f"steps-{name}.txt"
        assert _run(f"record:{steps_file}", *args, "--out", str(tmp_path / name)) == 0
        sets[name] = {**_snapshot(tmp_path / name), "notes.txt": b"mine"}
        steps = steps_file.read_text(encoding="utf-8").splitlines()
    assert sets["a"] != sets["b"] and "swapped" in steps and len(steps) > 4
    chosen = steps[::every] + [s for s in steps[-4:] if s not in steps[::every]]
    assert _run("none", *variants["a"], "--out", str(out)) == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # the user's own file
    now = "a"
    for step in chosen:
        other = "b" if now == "a" else "a"

        code = _run(step, *variants[other], "--out", str(out))

        assert code == -9, step
        seen = _snapshot(out)
        assert seen in (sets[now], sets[other]), f"a mix after a kill at {step!r}"
        now = now if seen == sets[now] else other
    # the next run completes and removes every temporary the killed ones left
    assert _run(steps[0], *variants["a"], "--out", str(out)) == -9
    assert list(tmp_path.rglob(".gdindex-*"))
    assert _run("none", *variants["b"], "--out", str(out)) == 0
    assert _snapshot(out) == sets["b"]
    assert not list(tmp_path.rglob(".gdindex-*"))


@pytest.mark.skipif(write_module._renameat2() is None, reason="needs renameat2")
def test_compute_killed_at_any_step_leaves_the_old_or_the_new_set(
    tiny_spec: Path, tmp_path: Path
) -> None:
    _kill_at_every_step(tmp_path / "runs", ["compute", "-q"], tiny_spec)


@pytest.mark.skipif(write_module._renameat2() is None, reason="needs renameat2")
def test_report_killed_at_any_step_leaves_the_old_or_the_new_set(
    tiny_spec: Path, tmp_path: Path
) -> None:
    # every third step of writing the files, and every step of the swap
    _kill_at_every_step(tmp_path / "runs", ["report"], tiny_spec, every=3)


def _two_files() -> dict[str, Callable[[Path], None]]:
    return {
        "a.csv": lambda p: p.write_text("new a", encoding="utf-8"),
        "b.csv": lambda p: p.write_text("new b", encoding="utf-8"),
    }


def test_the_set_replaces_its_own_files_and_keeps_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir(mode=0o750)
    (out / "a.csv").write_text("old a", encoding="utf-8")
    (out / "a.parquet").write_text("old format", encoding="utf-8")
    (out / "mine").mkdir()
    (out / "mine" / "notes.txt").write_text("mine", encoding="utf-8")
    (out / ".gdindex-abc123").mkdir()  # an older version's temporary

    write_set(out, _two_files(), owns=lambda n: n.endswith(".parquet"))

    assert _snapshot(out) == {
        "a.csv": b"new a",
        "b.csv": b"new b",
        "mine/notes.txt": b"mine",
    }
    assert out.stat().st_mode & 0o777 == 0o750
    assert not list(tmp_path.glob(".gdindex-*"))


def test_a_crowded_directory_is_written_file_by_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(write_module, "MAX_CARRIED", 2)
    out = tmp_path / "out"
    out.mkdir()
    for k in range(5):
        (out / f"user{k}.txt").write_text(str(k), encoding="utf-8")
    inode = out.stat().st_ino

    write_set(out, _two_files())

    assert out.stat().st_ino == inode  # not swapped: the same directory
    assert _snapshot(out)["a.csv"] == b"new a" and len(_snapshot(out)) == 7


def test_the_current_directory_is_not_swapped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inode = tmp_path.stat().st_ino

    write_set(Path("."), _two_files())

    assert Path.cwd().stat().st_ino == inode
    assert (tmp_path / "b.csv").read_text(encoding="utf-8") == "new b"


def test_a_file_in_the_way_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")

    with pytest.raises(OutputError) as caught:
        write_set(tmp_path / "out", _two_files(), "the results")

    assert caught.value.issues[0].code == "not-a-directory"


def test_a_failed_set_removes_the_folders_it_made(tmp_path: Path) -> None:
    def broken(path: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError, match="cannot write the results"):
        write_set(
            tmp_path / "new" / "deeper" / "out",
            {"a.csv": broken, "b.csv": broken},
            "the results",
        )

    assert list(tmp_path.iterdir()) == []


def test_a_writer_error_is_raised_unchanged_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    (tmp_path / "mine.txt").write_text("mine", encoding="utf-8")

    def refused(path: Path) -> None:
        raise ValueError("not this one")

    with pytest.raises(ValueError, match="not this one"):
        write_set(tmp_path / "out", {**_two_files(), "c.csv": refused}, threads=2)

    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]
