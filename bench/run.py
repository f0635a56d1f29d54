"""Benchmarks for `make bench`: print figures and ratios against the targets.

Figures (issue: core):
- `gdindex compute specs/guangdong.yaml` end to end vs the import floor
  `python -c "import polars, numpy, pydantic, yaml, rich, typer"`: median wall time,
  target ratio ≤ 1.5;
- `gdindex --version`: must not import polars;
- `gdindex.compute` in-process on the synthetic panel 3,000 units × 10 periods ×
  60 indicators (4 pillars): median time ≤ 2 s, peak RSS ≤ 1.5 GB; doubling the units
  costs at most 2.2 × the time.

Each in-process measurement runs in a fresh subprocess so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GDINDEX = str(Path(PY).with_name("gdindex"))
FLOOR = "import polars, numpy, pydantic, yaml, rich, typer"


def wall(cmd: list[str], repeats: int) -> float:
    """Median wall time of a command (output discarded)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `compute` in-process and report peak RSS."""
    import gdindex

    loaded = gdindex.load_spec(spec)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = gdindex.compute(loaded)
        times.append(time.perf_counter() - start)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Stage, contribution and CAGR frames are built on first use: time them with the
    # CSV export, so that the cost of a full `compute --out` run is visible too.
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        gdindex.write_outputs(result, out)
        export_s = time.perf_counter() - start
    after_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "peak_mb": peak_mb,
        "rows": result.scores.height,
        "export_s": export_s,
        "after_export_mb": after_mb,
    }
    print(json.dumps(figures))


def in_process(spec: Path, repeats: int) -> dict[str, float]:
    out = subprocess.run(
        [PY, __file__, "--worker", str(spec), "--repeats", str(repeats)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def status(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.repeats)
        return

    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    print(
        f"gdindex benchmarks (python {sys.version.split()[0]}, {os.cpu_count()} cpus)"
    )
    floor = wall([PY, "-c", FLOOR], 9)
    cli = wall([GDINDEX, "compute", "specs/guangdong.yaml"], 9)
    version = wall([GDINDEX, "--version"], 9)
    probe = (
        "import sys\nfrom gdindex.cli import app\ntry:\n    app(['--version'])\n"
        "except SystemExit:\n    pass\nprint('polars' in sys.modules)"
    )
    polars_loaded = (
        subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True)
        .stdout.strip()
        .endswith("True")
    )
    ratio = cli / floor
    print("\n[CLI end to end]")
    print(f"  import floor (median of 9)        {floor * 1000:8.0f} ms")
    print(f"  gdindex compute guangdong.yaml    {cli * 1000:8.0f} ms")
    print(
        f"  ratio compute / floor             {ratio:8.2f}   target ≤ 1.50  "
        f"{status(ratio <= 1.5)}"
    )
    print(
        f"  gdindex --version                 {version * 1000:8.0f} ms   imports "
        f"polars: {polars_loaded}  {status(not polars_loaded)}"
    )

    print("\n[synthetic panel: gdindex.compute in-process, median of 5]")
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for units in (3000, 6000):
            spec = synth.write(Path(tmp) / str(units), units, 10, 60)
            results[units] = in_process(spec, args.repeats)
            r = results[units]
            print(
                f"  {units:5d} units × 10 periods × 60 indicators: "
                f"{r['median_s']:6.3f} s (min {r['min_s']:.3f}), "
                f"peak RSS {r['peak_mb']:7.0f} MB, {r['rows']:,} score rows"
            )
            print(
                f"        then frames + CSV export (--out): {r['export_s']:.3f} s, "
                f"peak RSS {r['after_export_mb']:.0f} MB (no target)"
            )
    base, double = results[3000], results[6000]
    scale = double["median_s"] / base["median_s"]
    print(f"  3,000 units: time ≤ 2 s        {status(base['median_s'] <= 2.0)}")
    print(f"  3,000 units: peak ≤ 1,536 MB   {status(base['peak_mb'] <= 1536)}")
    print(
        f"  6,000 / 3,000 time ratio       {scale:6.2f}   target ≤ 2.20  "
        f"{status(scale <= 2.2)}"
    )


if __name__ == "__main__":
    main()
