"""`gdindex audit`, `explain` and `sensitivity`: what is computed about an index —
its statistical coherence, one unit's standing, how far its ranking can be trusted."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdindex.cli.app import _period, _progress, app
from gdindex.shell import (
    BadValue,
    DebugOpt,
    Lang,
    LangOpt,
    Output,
    OutputOpt,
    QuietOpt,
    SetOpt,
    SpecArg,
    handle_errors,
    node_option,
    out_option,
    period_option,
    say_written,
)
from gdindex.shell import console as _console
from gdindex.shell import reader_may_leave as _reader_may_leave


class Optimise(StrEnum):
    balance = "balance"
    infomax = "infomax"


def _fail_on_option(text: str | None) -> str | None:
    from gdindex.analysis.flags import FLAG_KINDS

    if text is None:
        return None
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in FLAG_KINDS and k != "any"]
    if unknown or not kinds:
        named = ", ".join(unknown) or repr(text)
        raise BadValue(
            f"unknown flag kind {named}; use any of: {', '.join(FLAG_KINDS)} (or any)",
            f"未知的标记类型 {named}；可选：{', '.join(FLAG_KINDS)}（或 any）",
        )
    return ",".join(kinds)


def _thresholds(items: list[str] | None) -> Any:
    from dataclasses import fields, replace

    from gdindex.analysis.flags import Thresholds

    found = Thresholds()
    names = [f.name for f in fields(Thresholds)]
    for item in items or ():
        key, _, value = item.partition("=")
        try:
            found = replace(found, **{key.strip(): float(value)})
        except (TypeError, ValueError):
            raise BadValue(
                f"{item!r}: use KEY=NUMBER with KEY one of {', '.join(names)}",
                f"{item!r}：请写成 KEY=数值，KEY 可选：{', '.join(names)}",
                param_hint="'--threshold'",
            ) from None
    return found


@app.command()
def audit(
    spec: SpecArg,
    period: Annotated[
        str | None,
        period_option("Period to audit (default: the latest)."),
    ] = None,
    pooled: Annotated[
        bool, typer.Option("--pooled", help="Pool every period (unit × period rows).")
    ] = False,
    node: Annotated[
        str | None,
        node_option("--node", "Audit only this node's subtree (id or name)."),
    ] = None,
    out: Annotated[
        Path | None,
        out_option("Write audit_*.csv and audit.json here."),
    ] = None,
    fmt: OutputOpt = Output.table,
    lang: LangOpt = Lang.zh,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a flag of these kinds is found, e.g. "
            "negative,collinear (or any). Flags are findings: without this the "
            "exit code is 0.",
            callback=_fail_on_option,
        ),
    ] = None,
    threshold: Annotated[
        list[str] | None,
        typer.Option(
            "--threshold",
            help="Change a flag threshold, e.g. weak=0.4, collinear=0.9, "
            "low_alpha=0.6, eigenvalue=1, ratio_low=0.5, ratio_high=2 (repeatable).",
            show_default=False,
        ),
    ] = None,
    optimise: Annotated[
        Optimise | None,
        typer.Option(
            "--optimise",
            help="Find weights for the children of --node (default: the index) that "
            "make their correlations with it equal (balance) or largest (infomax).",
        ),
    ] = None,
    quiet: QuietOpt = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Audit the statistical coherence of SPEC: correlations, Cronbach's alpha, PCA,
    importance against weight, and flags with what to do about them."""
    thresholds = _thresholds(threshold)
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.analysis.audit import audit as run_audit
        from gdindex.analysis.audit import write_audit

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        result = gdindex.compute(loaded)
        if optimise is not None:
            from gdindex.analysis.optimise import optimise_weights
            from gdindex.report.optimise import render_optimised

            found = optimise_weights(
                result, optimise.value, node=node, period=period, pooled=pooled
            )
            with _reader_may_leave():
                if fmt is Output.json:
                    sys.stdout.write(found.to_json() + "\n")
                elif not quiet:
                    render_optimised(found, _console(), lang.value)
            return
        chosen = None if period is None else _period(period, result.periods)
        found_audit = run_audit(
            result, chosen, pooled=pooled, node=node, thresholds=thresholds
        )
        if out is not None:
            written = write_audit(found_audit, out)
            if not quiet:
                say_written(written, out, lang.value)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(found_audit.to_json() + "\n")
        elif not quiet:
            from gdindex.report.audit import render_audit

            render_audit(found_audit, _console(), lang.value)
    if fail_on:
        wanted = fail_on.split(",")
        hit = [k for k in found_audit.kinds if "any" in wanted or k in wanted]
        if hit:
            from gdindex.report.audit import fail_on_message

            _console(stderr=True).print(
                fail_on_message(hit, fail_on, lang.value), style="red"
            )
            raise typer.Exit(1)


@app.command()
def explain(
    spec: SpecArg,
    unit: Annotated[
        str,
        typer.Argument(
            help="The unit: its id, or its Chinese or English name.",
            show_default=False,
        ),
    ],
    period: Annotated[
        str | None,
        period_option("Period to explain (default: the latest)."),
    ] = None,
    vs: Annotated[
        str,
        typer.Option(
            "--vs",
            help="Compare with the median unit, or with a group's mean "
            "(a group value or label, e.g. 珠三角, PRD or region=粤北).",
        ),
    ] = "median",
    fmt: OutputOpt = Output.table,
    lang: LangOpt = Lang.zh,
    top: Annotated[
        int | None,
        typer.Option("--top", min=1, help="Show only the first N indicators."),
    ] = None,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Why UNIT stands where it does: its score and rank at every node, each
    indicator's contribution and gap to the median (or a group), sorted so that
    what holds it back comes first, its strongest and weakest indicators, its
    history."""
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.analysis.explain import explain as run_explain

        result = gdindex.compute(gdindex.load_spec(spec, tuple(overrides or ())))
        chosen = _period(period, result.periods)
        found = run_explain(result, unit, chosen, vs=vs)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(found.to_json() + "\n")
        else:
            from gdindex.report.explain import render_explanation

            render_explanation(found, _console(), lang.value, top)


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
    target: Annotated[
        str | None,
        node_option("--target", "The node studied (default: the index)."),
    ] = None,
    period: Annotated[
        str | None,
        period_option("The period studied (default: the block's, else the latest)."),
    ] = None,
    bootstrap: Annotated[
        int | None,
        typer.Option(
            "--bootstrap",
            metavar="B",
            min=0,
            help="Bootstrap resamples of the Sobol intervals.",
        ),
    ] = None,
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
        out_option("Write the sensitivity_*.csv files here."),
    ] = None,
    fmt: OutputOpt = Output.table,
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
    quiet: QuietOpt = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """How far the ranking can be trusted: rank intervals over the uncertain
    choices of SPEC's sensitivity: block (ua), and which choice drives them
    (sobol)."""
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.report.sensitivity import render_sensitivity

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        with _progress(shown=not quiet) as progress:
            result = gdindex.sensitivity(
                loaded,
                n=n,
                method=None if method is None else method.value,
                seed=seed,
                design=design,
                inputs=inputs,
                target=target,
                period=period,
                bootstrap=bootstrap,
                workers=workers,
                scheduler=scheduler,
                progress=progress,
            )
        if out is not None:
            written = result.write(out)
            if not quiet:
                say_written(written, out, lang.value)
    with _reader_may_leave():
        if fmt is Output.json:
            sys.stdout.write(result.to_json() + "\n")
        elif not quiet:
            render_sensitivity(result, _console(), lang.value, top)
