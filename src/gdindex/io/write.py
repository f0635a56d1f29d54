"""Writing outputs: atomically, with one error type for every failed write.

Owns `write_set` and `write_atomic` (all files or none) and `output_error`; what a
file holds is its writer's (frames: `io.frames`). It never reads inputs or decides
what a result file contains.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gdindex.errors import Bilingual, Issue, OutputError, zh_text

#: Called with the name of each step of `write_set` and `write_atomic` ("wrote
#: scores.csv", "synced", "swapped", …). Tests set it to kill the process at a
#: chosen step; it is None otherwise.
STEP_HOOK: Callable[[str], None] | None = None

#: Temporaries of an interrupted run: `.gdindex-<name>-<pid>-<random>`.
TEMP_PREFIX = ".gdindex-"
#: A temporary whose process is alive is left alone unless it is older than this.
STALE_AFTER_S = 24 * 3600


def _step(name: str) -> None:
    if STEP_HOOK is not None:
        STEP_HOOK(name)


def write_set(
    out_dir: Path,
    files: dict[str, Callable[[Path], None]],
    what: str | None = None,
    owns: Callable[[str], bool] | None = None,
    threads: int = 1,
) -> list[Path]:
    """Write a result set into `out_dir` all at once: a reader of the directory sees
    the complete old set or the complete new one, never a mix.

    The set is written into a fresh sibling folder (`.gdindex-<name>-<pid>-…` beside
    `out_dir`) and every file and folder is fsynced. Entries of `out_dir` that are
    not part of the set are carried over into the new folder unchanged (hard links,
    so the same files; a copy where a link is refused); entries the set `owns` (its
    own names, e.g. `scores.parquet` of an earlier run in another format) are not.
    Then the new folder and `out_dir` are exchanged with one rename
    (`renameat2(RENAME_EXCHANGE)`; a plain rename when `out_dir` does not exist
    yet) and the old folder is removed. Temporaries that interrupted runs left
    beside `out_dir` (or, from older versions, inside it) are removed first.

    With `threads` > 1 the writers but the last run in that many threads (the
    last, e.g. a manifest, runs after all of them).

    Where the exchange is impossible (not Linux, `out_dir` is a mount point or the
    current directory, its parent is not writable), the files are moved in one at
    a time after all have been written, as `write_atomic` does.

    A failed set (a writer raised, the disk is full) leaves `out_dir` as it was
    and removes the folders it created for it.

    Raises:
        OutputError: `out_dir` is not a directory (a file, a dangling symlink), or
            cannot be written; the message says what is there and what to do.
        Whatever a writer raises that is not an OSError, unchanged.
    """
    out_dir = Path(out_dir)
    where_is = _not_a_directory(out_dir, what)
    if where_is is not None:
        raise where_is
    if out_dir.is_symlink():  # a link to a directory: write where it points
        out_dir = out_dir.resolve()
    target = Path(os.path.abspath(out_dir))
    owned = set(files) | {n.split("/", 1)[0] for n in files}
    created = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)

        def owned_by_set(name: str) -> bool:
            return name in owned or (owns or _no)(name)

        if not _can_exchange(target) or not _can_carry(target, owned_by_set):
            return write_atomic(target, files, what, owns)
        remove_stale(target.parent, f"{TEMP_PREFIX}{target.name}-")
        if target.is_dir():
            remove_stale(target, TEMP_PREFIX)
        fresh = _fresh_dir(target.parent, target.name)
        try:
            _write_all(fresh, files, threads)
            if target.is_dir():
                shutil.copystat(target, fresh)  # the directory keeps its mode
                _carry_over(target, fresh, owned_by_set)
            _fsync_tree(fresh, files=False)  # the links' folders (files: written)
            _step("synced")
            if not target.exists():
                os.rename(fresh, target)
            else:
                try:
                    _exchange(fresh, target)
                except OSError as exc:
                    if exc.errno not in _NO_EXCHANGE:
                        raise
                    _move_in(fresh, target, files, owns)
            _step("swapped")
            _fsync_dir(target.parent)
        finally:
            _remove_set(fresh)  # the old set after the swap, or an unfinished one
        _step("cleaned")
        return [target / name for name in files]
    except BaseException as exc:
        _remove_empty(created)  # the folders made for a set that failed
        if isinstance(exc, OSError):
            raise output_error(what or _files_to(out_dir), out_dir, exc) from exc
        raise


def write_atomic(
    out_dir: Path,
    files: dict[str, Callable[[Path], None]],
    what: str | None = None,
    owns: Callable[[str], bool] | None = None,
) -> list[Path]:
    """Write several files so that none is left half-written (each file is whole,
    old or new; for a whole set use `write_set`).

    Each writer writes into a temporary directory inside `out_dir`; only when all
    have succeeded are the files moved into place (a rename each). Entries that
    `owns` claims and the set does not contain are removed afterwards.

    Raises:
        OutputError: the directory cannot be written (`cannot write {what}`, default
            `the files to {out_dir}`), with the reason and a hint.
    """
    out_dir = Path(out_dir)
    one = out_dir / next(iter(files)) if len(files) == 1 else None
    where_is = _not_a_directory(out_dir, what, one)
    if where_is is not None:
        raise where_is
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale(out_dir, TEMP_PREFIX)
        tmp = _fresh_dir(out_dir, "files")
        try:
            _write_all(tmp, files)
            _fsync_tree(tmp, files=False)
            written = []
            for name in files:
                target = out_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp / name, target)
                _step(f"moved {name}")
                written.append(target)
            if owns is not None:
                _remove_owned(out_dir, set(files), owns)
            return written
        finally:
            _remove_tree(tmp)
    except OSError as exc:
        # one file: name it; several: the directory they go to
        where = out_dir / next(iter(files)) if len(files) == 1 else out_dir
        raise output_error(what or _files_to(out_dir), where, exc) from exc


def _files_to(out_dir: Path) -> Bilingual:
    return Bilingual(f"the files to {out_dir}", f"文件（{out_dir}）")


#: Errors that mean "this file system cannot exchange": fall back to moving files.
_NO_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.EPERM}


def _move_in(
    fresh: Path,
    target: Path,
    files: dict[str, Callable[[Path], None]],
    owns: Callable[[str], bool] | None,
) -> None:
    """The fallback of `write_set`: move the written files in one at a time."""
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(fresh / name, target / name)
    if owns is not None:
        _remove_owned(target, set(files), owns)


def _remove_empty(folders: list[Path]) -> None:
    """Remove `folders` (deepest first) that are still empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or gone): neither are its parents


def _no(name: str) -> bool:
    return False


def _not_a_directory(
    out_dir: Path, what: str | None, where: Path | None = None
) -> OutputError | None:
    """An OutputError saying what is at `out_dir` when it cannot be a directory."""
    if out_dir.is_symlink() and not out_dir.exists():
        found = f"a symbolic link to {os.readlink(out_dir)}, which does not exist"
        found_zh = f"指向 {os.readlink(out_dir)} 的符号链接，而目标不存在"
        hint = (
            "create the directory it points to, remove the link, or choose another "
            "--out directory"
        )
        hint_zh = "请创建它指向的目录、删除该链接，或换一个 --out 目录"
    elif out_dir.exists() and not out_dir.is_dir():
        kind = "a file" if out_dir.is_file() else "a special file (not a directory)"
        kind_zh = "一个文件" if out_dir.is_file() else "一个特殊文件（不是目录）"
        found = f"{kind} ({out_dir.stat().st_size} bytes)"
        found_zh = f"{kind_zh}（{out_dir.stat().st_size} 字节）"
        hint = "--out names a directory: choose another path, or move the file away"
        hint_zh = "--out 应为目录：请换一个路径，或把该文件移走"
    else:
        for parent in out_dir.parents:
            if parent.exists() and not parent.is_dir():
                return _not_a_directory(parent, what, where)
        return None
    return OutputError(
        f"cannot write {what or f'to {out_dir}'}: {out_dir} is not a directory",
        [
            Issue(
                str(where or out_dir),
                f"there is {found}"
                if where is None
                else f"{out_dir}: there is {found}",
                hint,
                code="not-a-directory",
                message_zh=f"此处是{found_zh}"
                if where is None
                else f"{out_dir}：此处是{found_zh}",
                hint_zh=hint_zh,
            )
        ],
        message_zh=f"无法写入{zh_text(what) or f' {out_dir}'}：{out_dir} 不是目录",
    )


def _can_exchange(target: Path) -> bool:
    """Whether the whole directory can be swapped with one rename."""
    if _renameat2() is None or not os.access(target.parent, os.W_OK):
        return False
    if not target.exists():
        return True
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        cwd = None
    real = target.resolve()
    if cwd is not None and (cwd == real or real in cwd.parents):
        return False  # renaming the shell's current directory would strand it
    return not os.path.ismount(real)


#: The most entries of other files (recursively) `write_set` carries over into a
#: new set by hard links; a directory holding more (`--out ~`) is written file by
#: file instead.
MAX_CARRIED = 1000


def _can_carry(target: Path, owned: Callable[[str], bool]) -> bool:
    """Whether the entries of `target` that are not the set's can be carried over:
    at most `MAX_CARRIED` of them, all on `target`'s file system (hard links)."""
    if not target.is_dir():
        return True
    device = target.stat().st_dev
    stack = [
        e
        for e in os.scandir(target)
        if not (owned(e.name) or e.name.startswith(TEMP_PREFIX))
    ]
    seen = 0
    while stack:
        entry = stack.pop()
        seen += 1
        if seen > MAX_CARRIED:
            return False
        if entry.is_symlink():
            continue
        if entry.stat(follow_symlinks=False).st_dev != device:
            return False  # a mount point inside: links cannot cross it
        if entry.is_dir(follow_symlinks=False):
            stack.extend(os.scandir(entry.path))
    return True


def _fresh_dir(parent: Path, name: str) -> Path:
    import secrets

    path = parent / f"{TEMP_PREFIX}{name}-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def _write_all(
    tmp: Path, files: dict[str, Callable[[Path], None]], threads: int = 1
) -> None:
    def write(name: str) -> None:
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        files[name](tmp / name)
        _fsync_file(tmp / name)  # here, so that one file's flush overlaps the next
        _step(f"wrote {name}")

    names = list(files)
    if threads > 1 and len(names) > 2:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as pool:
            for done in [pool.submit(write, n) for n in names[:-1]]:
                done.result()  # the first failure is raised here
        names = names[-1:]
    for name in names:
        write(name)


def _carry_over(old: Path, new: Path, owned: Callable[[str], bool]) -> None:
    """Link every entry of `old` that the set does not own into `new`."""
    for entry in sorted(os.scandir(old), key=lambda e: e.name):
        if owned(entry.name) or entry.name.startswith(TEMP_PREFIX):
            continue
        _link_tree(Path(entry.path), new / entry.name)
    _step("carried over")


def _link_tree(src: Path, dst: Path) -> None:
    if src.is_symlink():
        os.symlink(os.readlink(src), dst)
    elif src.is_dir():
        dst.mkdir()
        shutil.copystat(src, dst)
        for entry in sorted(os.scandir(src), key=lambda e: e.name):
            _link_tree(Path(entry.path), dst / entry.name)
    else:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)


def _remove_owned(out_dir: Path, kept: set[str], owns: Callable[[str], bool]) -> None:
    """Remove what the set owns but did not write (another format's tables, charts
    of an earlier report) from `out_dir`."""
    top = {n.split("/", 1)[0] for n in kept}
    for entry in os.scandir(out_dir):
        if entry.name in kept or not (entry.name in top or owns(entry.name)):
            continue
        if entry.name in top and entry.is_dir(follow_symlinks=False):
            for inner in os.scandir(entry.path):
                if f"{entry.name}/{inner.name}" not in kept:
                    _remove_tree(Path(inner.path))
        elif entry.name not in top:
            _remove_tree(Path(entry.path))


def _fsync_tree(root: Path, files: bool = True) -> None:
    """fsync every folder under `root` and `root` itself, and every file unless
    `files` is False (the writers' files were synced as each was written)."""
    for folder, _, names in os.walk(root):
        for name in names if files else ():
            _fsync_file(Path(folder) / name)
        _fsync_dir(Path(folder))


def _fsync_file(path: Path) -> None:
    if path.is_symlink() or not path.is_file():
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a platform without directory fds (Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a directory
    finally:
        os.close(fd)


def _remove_set(path: Path) -> None:
    """Remove a set's folder: its files two at a time (unlinking a file of hundreds
    of MB is the kernel freeing its pages and blocks, ~0.03 s each at county scale,
    and the swapped-out set is removed last, while the user waits), then the rest."""
    try:
        files = [e.path for e in os.scandir(path) if e.is_file(follow_symlinks=False)]
    except OSError:
        files = []
    if len(files) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(2) as pool:
            for _ in pool.map(_unlink, files):
                pass
    _remove_tree(path)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass  # left to _remove_tree, or to the next run's remove_stale


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def remove_stale(folder: Path, prefix: str) -> list[Path]:
    """Remove `prefix…` temporaries in `folder` that interrupted runs left behind:
    those of processes that are gone, and any older than a day."""
    import time

    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix):
            continue
        if _owner_alive(entry.name) and (
            time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_AFTER_S
        ):
            continue
        _remove_tree(Path(entry.path))
        removed.append(Path(entry.path))
    return removed


def _owner_alive(name: str) -> bool:
    """Whether the process whose id is in a temporary's name is still running."""
    parts = name.rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False  # an older version's temporary: no owner to ask
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2_fn: Any = None


def _renameat2() -> Any:
    """libc's `renameat2`, or None where it does not exist (not Linux)."""
    global _renameat2_fn
    if _renameat2_fn is None:
        _renameat2_fn = False
        if sys.platform.startswith("linux"):
            import ctypes
            import ctypes.util

            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
                fn = libc.renameat2
            except (OSError, AttributeError):
                return None
            fn.argtypes = (
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_uint,
            )
            fn.restype = ctypes.c_int
            _renameat2_fn = fn
    return _renameat2_fn or None


def _exchange(a: Path, b: Path) -> None:
    """Swap two directory entries atomically (`renameat2(RENAME_EXCHANGE)`)."""
    import ctypes

    fn = _renameat2()
    if fn is None:  # pragma: no cover - checked by _can_exchange
        raise OSError(errno.ENOSYS, "cannot exchange directories here")
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE):
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), str(b))


def output_error(what: str, where: Path, exc: BaseException) -> OutputError:
    """`cannot write {what}`: the reason, and a hint to choose another place
    (`what` a `Bilingual` text for the Chinese message)."""
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return OutputError(
        f"cannot write {what}",
        [
            Issue(
                str(where),
                f"{type(exc).__name__}: {reason}",
                "choose a directory you can write to, or free some space",
                message_zh=f"写入失败：{type(exc).__name__}: {reason}",
                hint_zh="请选择有写入权限的目录，或腾出磁盘空间",
            )
        ],
        message_zh=f"无法写入{zh_text(what) or f'文件（{where}）'}",
    )
