"""The `gdindex` command: typer wiring only (load → call the library → render → exit).

Exit codes: 0 success; 1 invalid spec or data, or a failed computation (message on
stderr); 2 usage error. Heavy modules are imported inside the commands so that
`gdindex --version` returns at once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gdindex import __version__

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="gdindex",
    help="Composite digital-economy index calculator: YAML spec + tables → scores, "
    "ranks and growth. 数字经济综合指数计算工具。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


SpecArg = Annotated[
    Path, typer.Argument(help="The index spec (YAML).", show_default=False)
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback on errors.")
]
LangOpt = Annotated[Lang, typer.Option("--lang", help="Label language.")]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a spec value by its YAML path, e.g. "
        "tree.children.industry.weight=0.4 or defaults.normalise.method=zscore "
        "(repeatable; compute records them in manifest.json).",
        show_default=False,
    ),
]


def _console(stderr: bool = False) -> Console:
    import os

    from rich.console import Console

    class QuietOnBrokenPipe(Console):
        def on_broken_pipe(self) -> None:
            # `gdindex compute … | head`: the reader has what it wanted; Rich's
            # default exits with 1, which would fail a `set -o pipefail` job.
            self.quiet = True
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    # Labels are data, not markup: no markup/emoji parsing (also faster).
    console = QuietOnBrokenPipe(
        stderr=stderr, highlight=False, soft_wrap=False, markup=False, emoji=False
    )
    if not console.is_terminal and console.width < 160:
        # Piped or captured output: do not squeeze wide tables into 80 columns.
        console.width = 160
    return console


@contextmanager
def handle_errors(debug: bool) -> Iterator[None]:
    """Turn gdindex errors into a red panel on stderr and exit code 1."""
    from gdindex.errors import GdindexError

    try:
        yield
    except GdindexError as exc:
        from gdindex.report.terminal import render_error

        if debug:
            _console(stderr=True).print_exception(show_locals=False)
        render_error(exc, _console(stderr=True))
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # unexpected: one line unless --debug
        if debug:
            _console(stderr=True).print_exception(show_locals=False)
        else:
            from rich.panel import Panel

            _console(stderr=True).print(
                Panel(
                    f"{type(exc).__name__}: {exc}\n"
                    "(run with --debug for the traceback)",
                    title="unexpected error",
                    border_style="red",
                    expand=False,
                )
            )
        raise typer.Exit(1) from None


@contextmanager
def _reader_may_leave() -> Iterator[None]:
    """`gdindex compute … | head`: a reader that stops early is not an error."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that later flushes do not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gdindex {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """gdindex: composite index calculator."""


def _period(text: str | None, periods: list[Any]) -> Any:
    if text is None:
        return None
    from gdindex.errors import GdindexError, Issue

    for p in periods:
        if str(p) == text.strip():
            return p
    raise GdindexError(
        f"period {text!r} is not in the data",
        [
            Issue(
                "--period",
                f"unknown period {text!r}",
                f"use one of: {', '.join(str(p) for p in periods)}",
            )
        ],
    )


@app.command()
def compute(
    spec: SpecArg,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period of the report (default: the latest)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the result files into this directory."),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="File format; json also prints to stdout."),
    ] = Format.csv,
    lang: LangOpt = Lang.zh,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="Show only the first N units.")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no report, only errors.")
    ] = False,
    manifest_time: Annotated[
        bool,
        typer.Option("--manifest-time", help="Record the time in manifest.json."),
    ] = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Compute the index of SPEC and print the ranked report."""
    with handle_errors(debug):
        import gdindex
        from gdindex.report.terminal import render_result

        result = gdindex.compute(gdindex.load_spec(spec, tuple(overrides or ())))
        chosen = _period(period, result.periods)
        if out is not None:
            written = gdindex.write_outputs(result, out, fmt.value, manifest_time)
            if not quiet:
                _console(stderr=True).print(
                    f"wrote {len(written)} files to {out}", style="green"
                )
    with _reader_may_leave():
        if fmt is Format.json:
            sys.stdout.write(result.to_json() + "\n")
        elif not quiet:
            render_result(result, _console(), chosen, lang.value, top)


@app.command()
def validate(
    spec: SpecArg,
    lang: LangOpt = Lang.zh,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Check SPEC and its data without computing; exit 1 when there are errors."""
    with handle_errors(debug):
        import gdindex
        from gdindex.report.terminal import render_issues

        issues = gdindex.validate(spec, tuple(overrides or ()))
    errors = [i for i in issues if i.severity == "error"]
    title = "validate" if lang is Lang.en else "校验 validate"
    render_issues(issues, _console(stderr=bool(errors)), f"{title}: {spec}")
    if errors:
        _console(stderr=True).print(
            f"{len(errors)} error(s), {len(issues) - len(errors)} warning(s)",
            style="red",
        )
        raise typer.Exit(1)
    _console().print(f"✓ {spec}: valid ({len(issues)} warning(s))", style="green")


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def check(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write check_*.csv and check.json into this dir."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = CheckFormat.table,
    lang: LangOpt = Lang.zh,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the errors.")
    ] = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Audit the data of SPEC before computing; exit 1 when there are errors."""
    with handle_errors(debug):
        import gdindex
        from gdindex.datacheck import check_data, write_check
        from gdindex.report.check import issue_table, render_check

        result = check_data(gdindex.load_spec(spec, tuple(overrides or ())))
        if out is not None:
            written = write_check(result, out)
            if not quiet:
                _console(stderr=True).print(
                    f"wrote {len(written)} files to {out}", style="green"
                )
    with _reader_may_leave():
        if fmt is CheckFormat.json:
            sys.stdout.write(result.to_json() + "\n")
        elif not quiet:
            render_check(result, _console(), lang.value)
        elif result.errors:
            _console(stderr=True).print(issue_table(result.errors, lang.value))
    if not result.ok:
        raise typer.Exit(1)


class CompareFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def compare(
    spec_a: SpecArg,
    spec_b: Annotated[
        Path | None,
        typer.Argument(
            help="Variant B (default: SPEC_A with the --set overrides).",
            show_default=False,
        ),
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Override a value of variant B, e.g. "
            "tree.children.industry.weight=0.4 (repeatable).",
            show_default=False,
        ),
    ] = None,
    node: Annotated[
        str | None,
        typer.Option("--node", help="Node to compare (default: the index)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period to compare (default: the latest)."),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=0, help="How many biggest movers to list.")
    ] = 5,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write compare_*.csv and compare.json here."),
    ] = None,
    fmt: Annotated[
        CompareFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = CompareFormat.table,
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Compare two variants of an index: scores, ranks, rank shifts and weights."""
    with handle_errors(debug):
        import gdindex
        from gdindex.comparison import compare as compare_variants
        from gdindex.comparison import write_comparison
        from gdindex.report.comparison import render_comparison

        sets = tuple(overrides or ())
        spec = gdindex.load_spec(spec_a)
        other = (
            gdindex.load_spec(spec_a if spec_b is None else spec_b, overrides=sets)
            if spec_b is not None or sets
            else spec
        )
        result = compare_variants(spec, other, node=node, period=period, top=top)
        if out is not None:
            written = write_comparison(result, out)
            _console(stderr=True).print(
                f"wrote {len(written)} files to {out}", style="green"
            )
    with _reader_may_leave():
        if fmt is CompareFormat.json:
            sys.stdout.write(result.to_json() + "\n")
        else:
            render_comparison(result, _console(), lang.value)


@app.command()
def weights(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write weights.csv and weights.json here."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = CheckFormat.table,
    lang: LangOpt = Lang.zh,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show the weights of SPEC: nominal, derived and effective, and how each node's
    weights were derived (data-driven methods compute the index first)."""
    with handle_errors(debug):
        import gdindex
        from gdindex.report.weights import render_weights
        from gdindex.weights import write_weights

        found = gdindex.derive_weights(spec, overrides=tuple(overrides or ()))
        if out is not None:
            written = write_weights(found, out)
            _console(stderr=True).print(
                f"wrote {len(written)} files to {out}", style="green"
            )
    with _reader_may_leave():
        if fmt is CheckFormat.json:
            sys.stdout.write(found.to_json() + "\n")
        else:
            render_weights(found, _console(), lang.value)


def _periods_option(text: str) -> str:
    from gdindex.errors import GdindexError
    from gdindex.scaffold import parse_periods

    try:
        parse_periods(text)
    except GdindexError as exc:
        raise typer.BadParameter(str(exc).split("\n")[0]) from None
    return text


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(help="The new project's directory.", show_default=False),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            help="Name of the index, e.g. 深圳数字经济指数 "
            "(default: My index / 我的指数).",
            show_default=False,
        ),
    ] = None,
    periods: Annotated[
        str,
        typer.Option(
            "--periods",
            help="The periods, in time order, separated by commas.",
            callback=_periods_option,
        ),
    ] = "2022,2023",
    example: Annotated[
        bool,
        typer.Option(
            "--example",
            help="Fill data.csv with illustrative numbers, so that validate and "
            "compute run at once (replace them before using the scores).",
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a non-empty directory, overwriting only the files "
            "init creates.",
        ),
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Create a new index project in DIRECTORY: a commented spec (index.yaml), data
    and units templates (data.csv, units.csv) and a README with the next steps."""
    with handle_errors(debug):
        from gdindex.scaffold import init_project

        written = init_project(
            directory, name=name, periods=periods, force=force, example=example
        )
    console = _console()
    console.print(f"created {len(written)} files in {directory}:", style="green")
    for path in written:
        console.print(f"  {path}")
    steps = [] if example else [f"fill {written[1]} (one row per unit and period)"]
    steps += [
        f"gdindex validate {written[0]}",
        f"gdindex compute {written[0]} --out {directory / 'out'}",
    ]
    console.print("next steps:")
    for k, step in enumerate(steps, 1):
        console.print(f"  {k}. {step}")


@app.command()
def report(
    spec: SpecArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Directory of the report files.", show_default=False
        ),
    ],
    lang: LangOpt = Lang.zh,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period of the report (default: the latest)."),
    ] = None,
    manifest_time: Annotated[
        bool,
        typer.Option("--manifest-time", help="Record the time in the manifest."),
    ] = False,
    with_: Annotated[
        str | None,
        typer.Option(
            "--with",
            help="Add analysis sections, comma-separated: sensitivity (runs the "
            "spec's sensitivity: block).",
        ),
    ] = None,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write the published report of SPEC into OUT: report.html (self-contained,
    charts inlined), report.md with charts/*.svg, and report.xlsx."""
    wanted = [w.strip() for w in (with_ or "").split(",") if w.strip()]
    unknown = [w for w in wanted if w not in ("sensitivity",)]
    if unknown:
        raise typer.BadParameter(
            f"unknown section {', '.join(unknown)}; available: sensitivity",
            param_hint="--with",
        )
    with handle_errors(debug):
        import gdindex
        from gdindex.report.publish import write_report

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        result = gdindex.compute(loaded)
        chosen = _period(period, result.periods)
        extra = []
        if "sensitivity" in wanted:
            from gdindex.report.sensitivity_section import sensitivity_section

            with _progress() as progress:
                sens = gdindex.sensitivity(loaded, period=chosen, progress=progress)
            extra.append(sensitivity_section(sens, lang.value))
        written = write_report(
            result, out, lang.value, chosen, manifest_time, extra=extra
        )
    console = _console()
    console.print(f"wrote {len(written)} files to {out}", style="green")
    for path in written:
        console.print(f"  {path}")


class SensitivityMethod(StrEnum):
    ua = "ua"
    sobol = "sobol"


@app.command()
def sensitivity(
    spec: SpecArg,
    method: Annotated[
        SensitivityMethod | None,
        typer.Option("--method", help="ua: rank intervals; sobol: also Sobol indices."),
    ] = None,
    n: Annotated[
        int | None,
        typer.Option("--n", min=1, help="Runs (ua) or base sample size (sobol)."),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Seed.")] = None,
    inputs: Annotated[
        Path | None,
        typer.Option("--inputs", help="YAML with the sensitivity: block to use."),
    ] = None,
    design: Annotated[
        Path | None,
        typer.Option("--design", help="Replay these runs (CSV: run, <input ids>)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the sensitivity_*.csv files here."),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = CheckFormat.table,
    lang: LangOpt = Lang.zh,
    top: Annotated[
        int | None, typer.Option("--top", min=1, help="List the first N units only.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Spread runs over K local processes."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Spread runs over this Dask scheduler."),
    ] = None,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """How far the ranking can be trusted: rank intervals over the uncertain
    choices of SPEC's sensitivity: block (ua), and which choice drives them
    (sobol)."""
    with handle_errors(debug):
        import gdindex
        from gdindex.io import write_atomic
        from gdindex.report.sensitivity import render_sensitivity

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        with _progress() as progress:
            result = gdindex.sensitivity(
                loaded,
                n=n,
                method=None if method is None else method.value,
                seed=seed,
                design=design,
                inputs=inputs,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
            )
        if out is not None:
            written = write_atomic(out, result.files())
            _console(stderr=True).print(
                f"wrote {len(written)} files to {out}", style="green"
            )
    with _reader_may_leave():
        if fmt is CheckFormat.json:
            sys.stdout.write(result.to_json() + "\n")
        else:
            render_sensitivity(result, _console(), lang.value, top)


@contextmanager
def _progress() -> Iterator[Any]:
    """A Rich progress bar of runs on stderr; yields the callback to feed it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("runs"),
        BarColumn(),
        MofNCompleteColumn(),
        console=_console(stderr=True),
        transient=True,
    )
    task = bar.add_task("runs", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


@app.command()
def schema() -> None:
    """Print the JSON Schema of the spec format."""
    import json

    from gdindex.spec import spec_json_schema

    sys.stdout.write(
        json.dumps(spec_json_schema(), ensure_ascii=False, indent=2) + "\n"
    )


def main() -> None:
    """Console-script entry point.

    Exits with `os._exit` once the output is flushed: tearing down the interpreter
    with Polars, NumPy and pydantic loaded costs more than a small index takes to
    compute, and every file has been written and closed by then.
    """
    import os

    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BrokenPipeError:  # `gdindex compute … | head`: the reader has gone
        code = 0
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
