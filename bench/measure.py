"""What the benchmarks of bench/run.py share: where things are, timing a command or
a function, peak memory, a worker in a fresh subprocess, and ok/MISSED."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GDINDEX = str(Path(PY).with_name("gdindex"))
RUN = str(ROOT / "bench" / "run.py")  # its --worker mode runs one workload


def wall(cmd: list[str], repeats: int) -> float:
    """Median wall time of a command (output discarded)."""
    return wall_and_cpu(cmd, repeats)[0]


def wall_and_cpu(cmd: list[str], repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a command.

    CPU time is what the process itself spends; on a machine shared with other jobs
    it varies far less than wall time, so ratios of it are the steadier figure.
    """
    walls, cpus = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(func: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    """Run `func` `repeats` times; return the wall times and the last result."""
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return times, result


def in_process(spec: Path, repeats: int, mode: str = "compute") -> dict[str, Any]:
    done = subprocess.run(
        [PY, RUN, "--worker", str(spec), "--repeats", str(repeats)] + ["--mode", mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.exit(f"bench worker --mode {mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def status(ok: bool) -> str:
    return "ok" if ok else "MISSED"
