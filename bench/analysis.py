"""`--mode analysis`: `gdindex.audit` in process on the pooled panel, and `gdindex
audit` / `explain` end to end against `compute` (issue 12)."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import (
    GDINDEX,
    ROOT,
    in_process,
    peak_rss_mb,
    status,
    timed,
)


def audit_worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `audit(pooled=True)` with main effects on a
    computed index, and report peak RSS."""
    import gdindex
    from gdindex.analysis.audit import audit

    result = gdindex.compute(gdindex.load_spec(spec))
    times, found = timed(lambda: audit(result, pooled=True), repeats)
    print(
        json.dumps(
            {
                "median_s": statistics.median(times),
                "min_s": min(times),
                "peak_mb": peak_rss_mb(),
                "rows": found.n_rows,
                "fits": found.importance.height,
                "pairs": found.correlations.height,
                "flags": found.flags.height,
            }
        )
    )


def analysis_bench(synth: Any, repeats: int) -> None:
    """`python bench/run.py --mode analysis`: audit and explain (issue 12)."""
    print(f"\n[audit: 3000×10×60 panel pooled, with main effects, median of {repeats}]")
    with tempfile.TemporaryDirectory() as tmp:
        spec = synth.write(Path(tmp), 3000, 10, 60)
        r = in_process(spec, repeats, "audit")
    print(
        f"  audit (pooled, {r['rows']:,} rows, {r['pairs']} correlations, "
        f"{r['fits']} main effects): {r['median_s']:6.3f} s (min {r['min_s']:.3f}), "
        f"peak RSS {r['peak_mb']:7.0f} MB"
    )
    print(f"  time ≤ 5 s                     {status(r['median_s'] <= 5.0)}")
    print(f"  peak ≤ 1,536 MB                {status(r['peak_mb'] <= 1536)}")
    runs = max(repeats, 7)
    print(
        f"\n[audit and explain end to end: guangdong.yaml, interleaved, median of "
        f"{runs}; cpu = user + sys of the process]"
    )
    cmds = {
        "compute": [GDINDEX, "compute", "specs/guangdong.yaml"],
        "audit": [GDINDEX, "audit", "specs/guangdong.yaml"],
        "explain": [GDINDEX, "explain", "specs/guangdong.yaml", "肇庆"],
    }
    walls, cpus = interleaved(cmds, runs)
    for name, target in (("audit", 1.5), ("explain", 1.2)):
        ratio = walls[name] / walls["compute"]
        cpu_ratio = cpus[name] / cpus["compute"]
        print(
            f"  gdindex {name:7s} {walls[name] * 1000:6.0f} ms vs compute "
            f"{walls['compute'] * 1000:6.0f} ms: ratio {ratio:5.2f} (cpu "
            f"{cpu_ratio:4.2f})   target ≤ {target:.2f}  {status(ratio <= target)}"
        )


def interleaved(
    cmds: dict[str, list[str]], runs: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU time of each command, run in turn `runs` times, so that
    a busy machine slows them alike."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
            walls[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[name].append(
                after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            )
    return (
        {k: statistics.median(v) for k, v in walls.items()},
        {k: statistics.median(v) for k, v in cpus.items()},
    )
