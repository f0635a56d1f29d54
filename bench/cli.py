"""The CLI end to end (`--mode cli`, `--mode report`, `--mode scale`): `gdindex
compute` against the import floor and `--version` without polars; `gdindex report`
on the Guangdong sample; `compute --out` and `report` at county scale."""

from __future__ import annotations

import resource
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from measure import (
    GDINDEX,
    PY,
    ROOT,
    status,
    wall,
    wall_and_cpu,
)

FLOOR = "import polars, numpy, pydantic, yaml, rich, typer"


def compile_gdindex() -> None:
    """Byte-compile gdindex, as any install does, so that an environment with
    PYTHONDONTWRITEBYTECODE (this one) does not charge the CLI for compiling its own
    source on every run (the floor's libraries were byte-compiled by pip)."""
    subprocess.run(
        [PY, "-m", "compileall", "-q", str(ROOT / "src" / "gdindex")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def cli_bench() -> None:
    """The CLI end to end against the import floor (wall and CPU time)."""
    compile_gdindex()
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


def scale_out_bench(synth: Any, repeats: int, tmp: Path | None = None) -> Path:
    """`python bench/run.py --mode scale-out`: `compute -q --out DIR` against
    `compute -q` at county scale (3,000 × 10 × 60), in interleaved rounds so that a
    burst of load elsewhere hits both alike; wall and CPU time. Returns the spec."""
    if tmp is None:
        with tempfile.TemporaryDirectory() as own:
            return scale_out_bench(synth, repeats, Path(own))
    print(f"\n[county scale: 3,000 × 10 × 60, median of {repeats}]")
    spec = str(synth.write(tmp / "panel", 3000, 10, 60))
    out = str(tmp / "out")
    compile_gdindex()
    rounds = [
        (
            wall_and_cpu([GDINDEX, "compute", spec, "-q"], 1),
            wall_and_cpu([GDINDEX, "compute", spec, "-q", "--out", out], 1),
        )
        for _ in range(repeats)
    ]
    plain = statistics.median(r[0][0] for r in rounds)
    written = statistics.median(r[1][0] for r in rounds)
    plain_cpu = statistics.median(r[0][1] for r in rounds)
    written_cpu = statistics.median(r[1][1] for r in rounds)
    ratio = written / plain
    print(f"  gdindex compute -q               {plain:8.2f} s")
    print(
        f"  gdindex compute -q --out DIR     {written:8.2f} s    ratio "
        f"{ratio:5.2f}  target ≤ 1.50  {status(ratio <= 1.5)}"
    )
    print(
        f"  CPU time: compute {plain_cpu:.2f} s, with --out {written_cpu:.2f} s, "
        f"ratio {written_cpu / plain_cpu:.2f}  (all threads: not the target)"
    )
    return Path(spec)


def scale_bench(synth: Any, repeats: int) -> None:
    """`python bench/run.py --mode scale`: `compute --out` and `report` at county
    scale (3,000 units × 10 periods × 60 indicators)."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = str(scale_out_bench(synth, repeats, Path(tmp)))
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
