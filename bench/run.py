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
  ≤ 20 MB. `python bench/run.py --mode scale` runs only these; `--mode scale-out`
  only the first (in interleaved rounds, with CPU time; `--repeats` rounds).

Figures (issue 13: sensitivity): see bench/sensitivity.py; `python bench/run.py
--mode sensitivity` runs only these.

Each in-process measurement runs in a fresh subprocess so that peak memory is its own.

The workloads live beside this file: cli.py (end to end: cli, report, scale),
panel.py (the synthetic panels: compute, prepare, check, weights, compare),
analysis.py (audit, explain), sensitivity.py; measure.py holds the timing they share.
This file parses the options and runs them (`--worker` runs one in-process workload).
"""

from __future__ import annotations

import argparse
import os
import sys

from analysis import analysis_bench, audit_worker
from cli import cli_bench, report_bench, scale_bench, scale_out_bench
from measure import ROOT
from panel import (
    check_worker,
    compare_bench,
    compare_worker,
    panel_bench,
    prepare_worker,
    weights_bench,
    weights_worker,
    worker,
)


def sensitivity_worker(job: str, repeats: int) -> None:
    """Run in a subprocess: one workload of bench/sensitivity.py."""
    sys.path.insert(0, str(ROOT / "bench"))
    import sensitivity

    sensitivity.worker(job, repeats)


WORKERS = {
    "sensitivity": sensitivity_worker,
    "audit": audit_worker,
    "weights": weights_worker,
    "compute": worker,
    "prepare": prepare_worker,
    "check": check_worker,
    "compare": compare_worker,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worker")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--mode",
        choices=sorted([*WORKERS, "report", "cli", "analysis", "scale", "scale-out"]),
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
    if args.mode == "scale-out":  # only compute --out against compute, at scale
        scale_out_bench(synth, args.repeats)
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

    panel_bench(synth, args.repeats)
    weights_bench(synth, args.repeats)
    compare_bench(synth, args.repeats)
    report_bench(args.repeats)
    analysis_bench(synth, args.repeats)
    scale_bench(synth, min(args.repeats, 3))
    import sensitivity

    sensitivity.bench(synth, args.repeats)


if __name__ == "__main__":
    main()
