"""`gdindex check`, `compare` and `weights`: the data, two variants and the weights of
an index, shown as tables or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gdindex.cli.app import app
from gdindex.shell import (
    DebugOpt,
    Lang,
    LangOpt,
    Output,
    OutputOpt,
    QuietOpt,
    SetOpt,
    SpecArg,
    WideOpt,
    complete_spec,
    handle_errors,
    node_option,
    not_negative,
    out_option,
    period_option,
    say_written,
)
from gdindex.shell import console as _console
from gdindex.shell import reader_may_leave as _reader_may_leave


@app.command()
def check(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        out_option("Write check_*.csv and check.json into DIR."),
    ] = None,
    fmt: OutputOpt = Output.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the errors.")
    ] = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Audit the data of SPEC before computing; exit 1 when there are errors."""
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.analysis.datacheck import check_data, write_check
        from gdindex.report.check import issue_table, render_check

        result = check_data(gdindex.load_spec(spec, tuple(overrides or ())))
        if out is not None:
            written = write_check(result, out)
            if not quiet:
                say_written(written, out, lang.value)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(result.to_json() + "\n")
        elif not quiet:
            render_check(result, _console(wide=wide), lang.value, wide=wide)
        elif result.errors:
            _console(stderr=True).print(issue_table(result.errors, lang.value))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def compare(
    spec_a: Annotated[
        Path,
        typer.Argument(
            help="Variant A: the index spec (YAML).",
            show_default=False,
            metavar="SPEC_A",
            autocompletion=complete_spec,
        ),
    ],
    spec_b: Annotated[
        Path | None,
        typer.Argument(
            help="Variant B: the same spec changed, or another spec on the same "
            "units (default: SPEC_A with the --set overrides).",
            show_default=False,
            metavar="SPEC_B",
            autocompletion=complete_spec,
        ),
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="KEY=VALUE",
            help="Override a value of variant B (SPEC_B, or SPEC_A when no SPEC_B "
            "is given) by its YAML path, e.g. tree.children.industry.weight=0.4 "
            "(repeatable; variant A stays as the file says).",
            show_default=False,
        ),
    ] = None,
    node: Annotated[
        str | None,
        node_option("--node", "Node to compare (default: the index)."),
    ] = None,
    period: Annotated[
        str | None,
        period_option("Period to compare (default: the latest)."),
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            metavar="N",
            callback=not_negative,
            help="How many biggest movers to list.",
        ),
    ] = 5,
    out: Annotated[
        Path | None,
        out_option("Write compare_*.csv and compare.json here."),
    ] = None,
    fmt: OutputOpt = Output.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Compare two variants of an index: scores, ranks, rank shifts and weights."""
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.analysis.compare import compare as compare_variants
        from gdindex.analysis.compare import write_comparison
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
            if not quiet:
                say_written(written, out, lang.value)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(result.to_json() + "\n")
        elif not quiet:
            render_comparison(result, _console(wide=wide), lang.value, wide=wide)


@app.command()
def weights(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        out_option("Write weights.csv and weights.json here."),
    ] = None,
    fmt: OutputOpt = Output.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    quiet: QuietOpt = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show the weights of SPEC: nominal, derived and effective.

    Also how each node's weights were derived (data-driven methods compute the
    index first)."""
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.analysis.derivation import write_weights
        from gdindex.report.weights import render_weights

        found = gdindex.derive_weights(spec, overrides=tuple(overrides or ()))
        if out is not None:
            written = write_weights(found, out)
            if not quiet:
                say_written(written, out, lang.value)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(found.to_json() + "\n")
        elif not quiet:
            render_weights(found, _console(wide=wide), lang.value, wide=wide)
