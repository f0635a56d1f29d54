"""In-process workloads on the synthetic panels: `compute` (3,000 and 6,000 units),
the messy panel's preparation and `check`, data-driven weights (`--mode weights`),
`compare` of two variants (`--mode compare`)."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from measure import (
    in_process,
    peak_rss_mb,
    status,
    timed,
)


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


def panel_bench(synth: Any, repeats: int) -> None:
    """The full run's panel figures: `compute` on the synthetic panel at 3,000 and
    6,000 units, then `compute` with preparation and `check` on the messy panel."""
    print("\n[synthetic panel: gdindex.compute in-process, median of 5]")
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for units in (3000, 6000):
            spec = synth.write(Path(tmp) / str(units), units, 10, 60)
            results[units] = in_process(spec, repeats)
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
        f"{repeats}]"
    )
    with tempfile.TemporaryDirectory() as tmp:
        spec = synth.write(Path(tmp), 3000, 10, 60, messy=True)
        prep = in_process(spec, repeats, "prepare")
        check = in_process(spec, repeats, "check")
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
