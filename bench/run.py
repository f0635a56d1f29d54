"""Benchmarks for `make bench`: print figures and ratios against the targets.

Figures (issue: core):
- `gdindex compute specs/guangdong.yaml` end to end vs the import floor
  `python -c "import polars, numpy, pydantic, yaml, rich, typer"`: median wall time,
  target ratio ≤ 1.5;
- `gdindex --version`: must not import polars;
- `gdindex.compute` in-process on the synthetic panel 3,000 units × 10 periods ×
  60 indicators (4 pillars): median time ≤ 2 s, peak RSS ≤ 1.5 GB; doubling the units
  costs at most 2.2 × the time.

Figures (issue 3: data preparation and the data audit), on the "messy" synthetic
panel 3,000 × 10 × 60 (5 % missing, 0.2 % outliers, a units table with regions and
population; the spec imputes by region, winsorises, divides 10 indicators by
population and screens at 0.5 coverage):
- `gdindex.compute` (load + prepare + normalise + aggregate): median time ≤ 3 s,
  peak RSS ≤ 1.5 GB; then the preparation step alone
  (`gdindex.pipeline.prepare.prepare` on the loaded dataset) and the load alone;
- `gdindex.datacheck.check_data` (`gdindex check`): median time ≤ 3 s, peak RSS
  ≤ 1.5 GB; "not available" while the module cannot be imported.

Figures (issue: compare), on the synthetic panel 3,000 × 10 × 60:
- `gdindex.compare` of two variants (A: min–max, equal pillar weights; B: z-scores,
  pillar weights 4:3:2:1) against one `gdindex.compute` of A: the ratio of median
  times, target ≤ 2 (the data are loaded once and shared by both variants).

Figures (issue 4: weights), on the synthetic panel 3,000 × 10 × 60:
- entropy, CRITIC, PCA (and cv) weights of every node, pooled over the panel
  (30,000 rows per pillar): the time spent deriving the weights inside one
  `gdindex.compute` (`node_weights`, summed over the 5 nodes), target ≤ 0.5 s each;
  and the whole `compute` with that method next to it.

Figures (issue 5: report):
- `gdindex report specs/guangdong.yaml --out DIR` end to end (compute, 28 charts
  rendered to SVG, HTML, Markdown, Excel): median wall time, target ≤ 3 s (issue
  15; its CPU time is printed too, as a figure a busy machine does not inflate); and the
  size of report.html, target ≤ 5 MB. `python bench/run.py --mode report` runs only
  these.

Figures (issue 12: audit and explain):
- `gdindex.audit` on the synthetic panel 3,000 × 10 × 60, all periods pooled (30,000
  rows), with main effects (124 spline fits): median time ≤ 5 s, peak RSS ≤ 1.5 GB
  (the `compute` before it is not counted);
- `gdindex audit specs/guangdong.yaml` end to end against `gdindex compute
  specs/guangdong.yaml`: ratio of median wall times ≤ 1.5;
- `gdindex explain specs/guangdong.yaml 肇庆` end to end against the same
  `compute`: ratio ≤ 1.2. `python bench/run.py --mode analysis` runs only these.

Figures (issue 14: robustness), on the synthetic panel 3,000 × 10 × 60:
- `gdindex compute SPEC -q --out DIR` against `gdindex compute SPEC -q`, end to end
  (the result set written, fsynced and swapped in): ratio of median wall times,
  target ≤ 1.5;
- `gdindex report SPEC --out DIR` on 3,000 units: wall time ≤ 30 s, report.html
  ≤ 20 MB. `python bench/run.py --mode scale` runs only these.

Figures (issue 13: sensitivity): see bench/sensitivity.py; `python bench/run.py
--mode sensitivity` runs only these.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GDINDEX = str(Path(PY).with_name("gdindex"))
FLOOR = "import polars, numpy, pydantic, yaml, rich, typer"


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


def worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `compute` in-process and report peak RSS."""
    import gdindex

    loaded = gdindex.load_spec(spec)
    times, result = timed(lambda: gdindex.compute(loaded), repeats)
    peak_mb = peak_rss_mb()
    # Stage, contribution and CAGR frames are built on first use: time them with the
    # CSV export, so that the cost of a full `compute --out` run is visible too.
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        gdindex.write_outputs(result, out)
        export_s = time.perf_counter() - start
    after_mb = peak_rss_mb()
    figures = {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "peak_mb": peak_mb,
        "rows": result.scores.height,
        "export_s": export_s,
        "after_export_mb": after_mb,
    }
    print(json.dumps(figures))


def prepare_worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `compute` with preparation (peak RSS after it),
    then the load and the preparation step alone."""
    import gdindex
    from gdindex.errors import IssueLog
    from gdindex.io import load_data
    from gdindex.pipeline import denominators_of, groups_of  # as `compute` does
    from gdindex.pipeline.prepare import prepare

    loaded = gdindex.load_spec(spec)
    times, result = timed(lambda: gdindex.compute(loaded), repeats)
    peak_mb = peak_rss_mb()
    load_times, dataset = timed(lambda: load_data(loaded), repeats)
    denominators = denominators_of(loaded, dataset)
    groups = groups_of(loaded, dataset)

    def prepare_once() -> Any:
        return prepare(
            dataset.values,
            loaded,
            dataset.units,
            dataset.periods,
            IssueLog(),
            denominators=denominators,
            groups=groups,
        )

    prep_times, prep = timed(prepare_once, repeats)
    counts = prep.counts()
    print(
        json.dumps(
            {
                "median_s": statistics.median(times),
                "min_s": min(times),
                "peak_mb": peak_mb,
                "rows": result.scores.height,
                "load_median_s": statistics.median(load_times),
                "prepare_median_s": statistics.median(prep_times),
                "prepare_min_s": min(prep_times),
                "cells": counts,
                "issues": len(result.issues),
            }
        )
    )


def check_worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `check_data` in-process and report peak RSS, or
    why it is not available."""
    import gdindex

    loaded = gdindex.load_spec(spec)
    try:
        from gdindex.analysis.datacheck import check_data
    except ImportError as exc:
        print(json.dumps({"unavailable": f"import failed: {exc}"}))
        return
    try:
        times, check = timed(lambda: check_data(loaded), repeats)
    except Exception as exc:  # the module is under construction: report, go on
        print(json.dumps({"unavailable": f"{type(exc).__name__}: {exc}"}))
        return
    print(
        json.dumps(
            {
                "median_s": statistics.median(times),
                "min_s": min(times),
                "peak_mb": peak_rss_mb(),
                "errors": len(check.errors),
                "warnings": len(check.warnings),
            }
        )
    )


def compare_worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: time `compare` of two variants of `spec` (B: z-scores and
    pillar weights 4:3:2:1, written beside it) and one `compute` of A."""
    import yaml

    import gdindex
    from gdindex.analysis.compare import compare

    data = yaml.safe_load(Path(spec).read_text(encoding="utf-8"))
    data["defaults"]["normalise"] = {"method": "zscore", "scope": "panel"}
    for child, weight in zip(data["tree"]["children"], (4, 3, 2, 1), strict=False):
        child["weight"] = weight
    spec_b = Path(spec).with_name("variant_b.yaml")
    spec_b.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded, variant = gdindex.load_spec(spec), gdindex.load_spec(spec_b)
    compute_times, _ = timed(lambda: gdindex.compute(loaded), repeats)
    compare_times, cmp = timed(lambda: compare(loaded, variant), repeats)
    print(
        json.dumps(
            {
                "compute_median_s": statistics.median(compute_times),
                "median_s": statistics.median(compare_times),
                "min_s": min(compare_times),
                "peak_mb": peak_rss_mb(),
                "units": cmp.summary["n_units"],
                "spearman": cmp.summary["spearman"],
                "mean_abs_rank_shift": cmp.summary["mean_abs_rank_shift"],
            }
        )
    )


def weights_worker(spec: str, repeats: int) -> None:
    """Run in a subprocess: for each data-driven method, time `compute` with
    `defaults.weights.method` set to it, and the weight derivation inside it."""
    import gdindex
    import gdindex.pipeline.stages as pipeline

    spent: list[float] = []
    derive = pipeline.node_weights

    def timed_derive(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return derive(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    pipeline.node_weights = timed_derive  # type: ignore[assignment]
    figures: dict[str, Any] = {}
    for method in ("explicit", "entropy", "critic", "pca", "cv"):
        loaded = gdindex.load_spec(spec, [f"defaults.weights.method={method}"])
        per_run: list[float] = []

        def once(loaded: Any = loaded, per_run: list[float] = per_run) -> Any:
            spent.clear()
            result = gdindex.compute(loaded)
            per_run.append(sum(spent))
            return result

        times, result = timed(once, repeats)
        figures[method] = {
            "compute_median_s": statistics.median(times),
            "weights_median_s": statistics.median(per_run),
            "weights_max_s": max(per_run),
            "root_weights": result.weighting.nodes[
                result.spec.tree.id
            ].weights.tolist(),
        }
    figures["peak_mb"] = peak_rss_mb()
    print(json.dumps(figures))


def sensitivity_worker(job: str, repeats: int) -> None:
    """Run in a subprocess: one workload of bench/sensitivity.py."""
    sys.path.insert(0, str(ROOT / "bench"))
    import sensitivity

    sensitivity.worker(job, repeats)


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


WORKERS = {
    "sensitivity": sensitivity_worker,
    "audit": audit_worker,
    "weights": weights_worker,
    "compute": worker,
    "prepare": prepare_worker,
    "check": check_worker,
    "compare": compare_worker,
}


def in_process(spec: Path, repeats: int, mode: str = "compute") -> dict[str, Any]:
    done = subprocess.run(
        [PY, __file__, "--worker", str(spec), "--repeats", str(repeats)]
        + ["--mode", mode],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.exit(f"bench worker --mode {mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cli_bench() -> None:
    """The CLI end to end against the import floor (wall and CPU time)."""
    # Interleaved rounds, so that a burst of load elsewhere hits both alike.
    rounds = [
        (
            wall_and_cpu([PY, "-c", FLOOR], 3),
            wall_and_cpu([GDINDEX, "compute", "specs/guangdong.yaml"], 3),
        )
        for _ in range(3)
    ]
    floor = statistics.median(r[0][0] for r in rounds)
    cli = statistics.median(r[1][0] for r in rounds)
    floor_cpu = statistics.median(r[0][1] for r in rounds)
    cli_cpu = statistics.median(r[1][1] for r in rounds)
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
    cpu_ratio = cli_cpu / floor_cpu
    print(
        f"  CPU time: floor {floor_cpu * 1000:.0f} ms, compute {cli_cpu * 1000:.0f} ms,"
        f" ratio {cpu_ratio:.2f}  (steadier under load)  {status(cpu_ratio <= 1.5)}"
    )
    print(
        f"  gdindex --version                 {version * 1000:8.0f} ms   imports "
        f"polars: {polars_loaded}  {status(not polars_loaded)}"
    )


def status(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--mode",
        choices=sorted([*WORKERS, "report", "cli", "analysis", "scale"]),
        default="compute",
    )
    args = parser.parse_args()
    if args.worker:
        WORKERS[args.mode](args.worker, args.repeats)
        return

    sys.path.insert(0, str(ROOT / "bench"))
    import synth

    if args.mode == "compare":  # only the compare figures
        compare_bench(synth, args.repeats)
        return
    if args.mode == "weights":  # only the weights figures
        weights_bench(synth, args.repeats)
        return
    if args.mode == "sensitivity":  # only the sensitivity figures (issue 13)
        import sensitivity

        sensitivity.bench(synth, args.repeats)
        return
    if args.mode == "scale":  # only the county-scale figures
        scale_bench(synth, min(args.repeats, 3))
        return
    if args.mode == "analysis":  # only the audit and explain figures
        analysis_bench(synth, args.repeats)
        return
    if args.mode == "cli":  # only the CLI figures
        cli_bench()
        return
    if args.mode == "report":  # only the report figures
        report_bench(args.repeats)
        return
    print(
        f"gdindex benchmarks (python {sys.version.split()[0]}, {os.cpu_count()} cpus)"
    )
    cli_bench()

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

    print(
        f"\n[messy panel 3000×10×60 (5% missing, outliers): in-process, median of "
        f"{args.repeats}]"
    )
    with tempfile.TemporaryDirectory() as tmp:
        spec = synth.write(Path(tmp), 3000, 10, 60, messy=True)
        prep = in_process(spec, args.repeats, "prepare")
        check = in_process(spec, args.repeats, "check")
    ratio = prep["median_s"] / 3.0
    print(
        f"  prepare+compute 3000×10×60 (5% missing, outliers): "
        f"{prep['median_s']:6.3f} s (min {prep['min_s']:.3f}), "
        f"peak RSS {prep['peak_mb']:7.0f} MB"
    )
    cells = ", ".join(f"{k} {v:,}" for k, v in prep["cells"].items())
    print(
        f"        of which load {prep['load_median_s']:.3f} s, preparation step "
        f"{prep['prepare_median_s']:.3f} s (min {prep['prepare_min_s']:.3f}); "
        f"cells: {cells}"
    )
    print(
        f"  time / 3 s                     {ratio:6.2f}   target ≤ 1.00  "
        f"{status(ratio <= 1.0)}"
    )
    print(
        f"  peak ≤ 1,536 MB                {prep['peak_mb'] / 1536:6.2f}   "
        f"target ≤ 1.00  {status(prep['peak_mb'] <= 1536)}"
    )
    if "unavailable" in check:
        print(f"  check 3000×10×60: not available ({check['unavailable']})")
    else:
        cratio = check["median_s"] / 3.0
        print(
            f"  check 3000×10×60: {check['median_s']:6.3f} s "
            f"(min {check['min_s']:.3f}), peak RSS {check['peak_mb']:7.0f} MB, "
            f"{check['errors']} error(s), {check['warnings']} warning(s)"
        )
        print(
            f"  time / 3 s                     {cratio:6.2f}   target ≤ 1.00  "
            f"{status(cratio <= 1.0)}"
        )
        print(
            f"  peak ≤ 1,536 MB                {check['peak_mb'] / 1536:6.2f}   "
            f"target ≤ 1.00  {status(check['peak_mb'] <= 1536)}"
        )
    weights_bench(synth, args.repeats)
    compare_bench(synth, args.repeats)
    report_bench(args.repeats)
    analysis_bench(synth, args.repeats)
    scale_bench(synth, min(args.repeats, 3))
    import sensitivity

    sensitivity.bench(synth, args.repeats)


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


def _cpu_seconds(cmd: list[str]) -> float:
    """User + system CPU time of one run of `cmd` (children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def report_bench(repeats: int) -> None:
    """`python bench/run.py --mode report`: the published report end to end."""
    print(f"\n[report: gdindex report specs/guangdong.yaml, median of {repeats}]")
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [GDINDEX, "report", "specs/guangdong.yaml", "--out", tmp]
        seconds = wall(cmd, repeats)
        cpu = _cpu_seconds(cmd)
        html = Path(tmp) / "report.html"
        size_mb = html.stat().st_size / 1024**2
        files = [p for p in Path(tmp).rglob("*") if p.is_file()]
        total_mb = sum(p.stat().st_size for p in files) / 1024**2
    print(
        f"  gdindex report guangdong.yaml   {seconds:8.2f} s    target ≤ 3.00 s  "
        f"{status(seconds <= 3.0)}"
    )
    print(f"  … its CPU time (all threads)    {cpu:8.2f} s    (load-independent)")
    print(
        f"  report.html                     {size_mb:8.2f} MB   target ≤ 5.00 MB "
        f"{status(size_mb <= 5.0)}   ({len(files)} files, {total_mb:.2f} MB in all)"
    )


def scale_bench(synth: Any, repeats: int) -> None:
    """`python bench/run.py --mode scale`: `compute --out` and `report` at county
    scale (3,000 units × 10 periods × 60 indicators)."""
    print(f"\n[county scale: 3,000 × 10 × 60, median of {repeats}]")
    with tempfile.TemporaryDirectory() as tmp:
        spec = str(synth.write(Path(tmp) / "panel", 3000, 10, 60))
        plain = wall([GDINDEX, "compute", spec, "-q"], repeats)
        out = str(Path(tmp) / "out")
        written = wall([GDINDEX, "compute", spec, "-q", "--out", out], repeats)
        ratio = written / plain
        print(f"  gdindex compute -q               {plain:8.2f} s")
        print(
            f"  gdindex compute -q --out DIR     {written:8.2f} s    ratio "
            f"{ratio:5.2f}  target ≤ 1.50  {status(ratio <= 1.5)}"
        )
        report = str(Path(tmp) / "report")
        seconds = wall([GDINDEX, "report", spec, "--out", report], 1)
        html_mb = (Path(report) / "report.html").stat().st_size / 1024**2
        xlsx_mb = (Path(report) / "report.xlsx").stat().st_size / 1024**2
        print(
            f"  gdindex report (3,000 units)     {seconds:8.2f} s    target ≤ 30 s   "
            f"{status(seconds <= 30.0)}"
        )
        print(
            f"  report.html                      {html_mb:8.2f} MB   target ≤ 20 MB  "
            f"{status(html_mb <= 20.0)}   (report.xlsx {xlsx_mb:.2f} MB)"
        )


def weights_bench(synth: Any, repeats: int) -> None:
    """`python bench/run.py --mode weights`: data-driven weights on the panel."""
    print(
        f"\n[weights: every node of the 3000×10×60 panel pooled, median of {repeats}]"
    )
    with tempfile.TemporaryDirectory() as tmp:
        spec = synth.write(Path(tmp), 3000, 10, 60)
        r = in_process(spec, repeats, "weights")
    for method in ("explicit", "entropy", "critic", "pca", "cv"):
        f = r[method]
        target = method in ("entropy", "critic", "pca", "cv")
        verdict = (
            f"target ≤ 0.50 s  {status(f['weights_max_s'] <= 0.5)}" if target else ""
        )
        print(
            f"  {method:8s} weights {f['weights_median_s']:6.3f} s "
            f"(max {f['weights_max_s']:.3f}); whole compute "
            f"{f['compute_median_s']:6.3f} s   {verdict}"
        )
    print(f"  peak RSS {r['peak_mb']:.0f} MB")


def compare_bench(synth: Any, repeats: int) -> None:
    """`python bench/run.py --mode compare`: compare of two variants vs one compute."""
    print(f"\n[compare: two variants of the 3000×10×60 panel, median of {repeats}]")
    with tempfile.TemporaryDirectory() as tmp:
        spec = synth.write(Path(tmp), 3000, 10, 60)
        r = in_process(spec, repeats, "compare")
    ratio = r["median_s"] / r["compute_median_s"]
    print(
        f"  compute (A):                   {r['compute_median_s']:6.3f} s\n"
        f"  compare (A: minmax, B: zscore + weights 4:3:2:1): {r['median_s']:6.3f} s "
        f"(min {r['min_s']:.3f}), peak RSS {r['peak_mb']:7.0f} MB; "
        f"Spearman {r['spearman']:.4f}, mean |rank shift| "
        f"{r['mean_abs_rank_shift']:.1f} over {r['units']:,} units"
    )
    print(
        f"  compare / compute              {ratio:6.2f}   target ≤ 2.00  "
        f"{status(ratio <= 2.0)}"
    )


if __name__ == "__main__":
    main()
