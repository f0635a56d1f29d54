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
from typing import Annotated, Any

import typer

from gdindex.errors import plural
from gdindex.shell import (
    ComputeSetOpt,
    DebugOpt,
    Format,
    Group,
    Lang,
    LangOpt,
    OutOpt,
    PeriodOpt,
    ReportSetOpt,
    SetOpt,
    SpecArg,
    Typer,
    WideOpt,
    complete_node,
    complete_period,
    complete_spec,
    handle_errors,
    not_negative,
    out_dir,
    positive,
)
from gdindex.shell import console as _console
from gdindex.shell import reader_may_leave as _reader_may_leave
from gdindex.version import __version__

app = Typer(
    name="gdindex",
    help="Composite digital-economy index calculator: YAML spec + tables → scores, "
    "ranks and growth. 数字经济综合指数计算工具。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    cls=Group,
)


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
    period: PeriodOpt = None,
    out: OutOpt = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            metavar="csv|parquet|json",
            help="File format; json also prints to stdout.",
        ),
    ] = Format.csv,
    lang: LangOpt = Lang.zh,
    top: Annotated[
        int | None,
        typer.Option(
            "--top",
            metavar="N",
            callback=positive,
            help="Show only the first N units.",
        ),
    ] = None,
    wide: WideOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print no report, only errors.")
    ] = False,
    manifest_time: Annotated[
        bool,
        typer.Option("--manifest-time", help="Record the time in manifest.json."),
    ] = False,
    overrides: ComputeSetOpt = None,
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
            render_result(
                result, _console(wide=wide), chosen, lang.value, top, wide=wide
            )


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
    n_e, n_w = len(errors), len(issues) - len(errors)
    zh = lang is Lang.zh
    title = "校验" if zh else "validate"
    render_issues(issues, _console(stderr=bool(errors)), f"{title}: {spec}", lang.value)
    if errors:
        _console(stderr=True).print(
            f"{n_e} 个错误，{n_w} 个警告"
            if zh
            else f"{plural(n_e, 'error')}, {plural(n_w, 'warning')}",
            style="red",
        )
        raise typer.Exit(1)
    _console().print(
        f"✓ {spec}: 有效（{n_w} 个警告）"
        if zh
        else f"✓ {spec}: valid ({plural(n_w, 'warning')})",
        style="green",
    )


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def check(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            parser=out_dir,
            help="Write check_*.csv and check.json into DIR.",
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format", metavar="table|json", help="Print tables, or the JSON document."
        ),
    ] = CheckFormat.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the errors.")
    ] = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Audit the data of SPEC before computing; exit 1 when there are errors."""
    with handle_errors(debug):
        import gdindex
        from gdindex.analysis.datacheck import check_data, write_check
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
            render_check(result, _console(wide=wide), lang.value, wide=wide)
        elif result.errors:
            _console(stderr=True).print(issue_table(result.errors, lang.value))
    if not result.ok:
        raise typer.Exit(1)


class CompareFormat(StrEnum):
    table = "table"
    json = "json"


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
        typer.Option(
            "--node",
            metavar="NODE",
            help="Node to compare (default: the index).",
            autocompletion=complete_node,
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="P",
            help="Period to compare (default: the latest).",
            autocompletion=complete_period,
        ),
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
        typer.Option(
            "--out",
            metavar="DIR",
            parser=out_dir,
            help="Write compare_*.csv and compare.json here.",
        ),
    ] = None,
    fmt: Annotated[
        CompareFormat,
        typer.Option(
            "--format", metavar="table|json", help="Print tables, or the JSON document."
        ),
    ] = CompareFormat.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Compare two variants of an index: scores, ranks, rank shifts and weights."""
    with handle_errors(debug):
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
            _console(stderr=True).print(
                f"wrote {len(written)} files to {out}", style="green"
            )
    with _reader_may_leave():
        if fmt is CompareFormat.json:
            sys.stdout.write(result.to_json() + "\n")
        else:
            render_comparison(result, _console(wide=wide), lang.value, wide=wide)


@app.command()
def weights(
    spec: SpecArg,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            parser=out_dir,
            help="Write weights.csv and weights.json here.",
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format", metavar="table|json", help="Print tables, or the JSON document."
        ),
    ] = CheckFormat.table,
    lang: LangOpt = Lang.zh,
    wide: WideOpt = False,
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show the weights of SPEC: nominal, derived and effective.

    Also how each node's weights were derived (data-driven methods compute the
    index first)."""
    with handle_errors(debug):
        import gdindex
        from gdindex.analysis.derivation import write_weights
        from gdindex.report.weights import render_weights

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
            render_weights(found, _console(wide=wide), lang.value, wide=wide)


class AuditFormat(StrEnum):
    table = "table"
    json = "json"


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
        raise typer.BadParameter(
            f"unknown flag kind {', '.join(unknown) or repr(text)}; use any of: "
            f"{', '.join(FLAG_KINDS)} (or any)"
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
            raise typer.BadParameter(
                f"{item!r}: use KEY=NUMBER with KEY one of {', '.join(names)}",
                param_hint="--threshold",
            ) from None
    return found


@app.command()
def audit(
    spec: SpecArg,
    period: Annotated[
        str | None,
        typer.Option("--period", help="Period to audit (default: the latest)."),
    ] = None,
    pooled: Annotated[
        bool, typer.Option("--pooled", help="Pool every period (unit × period rows).")
    ] = False,
    node: Annotated[
        str | None,
        typer.Option("--node", help="Audit only this node's subtree (id or name)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write audit_*.csv and audit.json here."),
    ] = None,
    fmt: Annotated[
        AuditFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = AuditFormat.table,
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
    overrides: SetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Audit the statistical coherence of SPEC: correlations, Cronbach's alpha, PCA,
    importance against weight, and flags with what to do about them."""
    thresholds = _thresholds(threshold)
    with handle_errors(debug):
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
                if fmt is AuditFormat.json:
                    sys.stdout.write(found.to_json() + "\n")
                else:
                    render_optimised(found, _console(), lang.value)
            return
        chosen = None if period is None else _period(period, result.periods)
        found_audit = run_audit(
            result, chosen, pooled=pooled, node=node, thresholds=thresholds
        )
        if out is not None:
            written = write_audit(found_audit, out)
            _console(stderr=True).print(
                f"wrote {len(written)} files to {out}", style="green"
            )
    with _reader_may_leave():
        if fmt is AuditFormat.json:
            sys.stdout.write(found_audit.to_json() + "\n")
        else:
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
        typer.Option("--period", help="Period to explain (default: the latest)."),
    ] = None,
    vs: Annotated[
        str,
        typer.Option(
            "--vs",
            help="Compare with the median unit, or with a group's mean "
            "(a group value or label, e.g. 珠三角, PRD or region=粤北).",
        ),
    ] = "median",
    fmt: Annotated[
        AuditFormat,
        typer.Option("--format", help="Print tables, or the JSON document."),
    ] = AuditFormat.table,
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
    with handle_errors(debug):
        import gdindex
        from gdindex.analysis.explain import explain as run_explain

        result = gdindex.compute(gdindex.load_spec(spec, tuple(overrides or ())))
        chosen = _period(period, result.periods)
        found = run_explain(result, unit, chosen, vs=vs)
    with _reader_may_leave():
        if fmt is AuditFormat.json:
            sys.stdout.write(found.to_json() + "\n")
        else:
            from gdindex.report.explain import render_explanation

            render_explanation(found, _console(), lang.value, top)


def _periods_option(text: str) -> str:
    from gdindex.errors import GdindexError
    from gdindex.io.scaffold import parse_periods

    try:
        parse_periods(text)
    except GdindexError as exc:
        raise typer.BadParameter(str(exc).split("\n")[0]) from None
    return text


@app.command()
def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The new project's directory.", show_default=False, metavar="DIR"
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="TEXT",
            help="Name of the index, e.g. 深圳数字经济指数: the Chinese name when "
            "it has Chinese characters, else the English one "
            "(default: 我的指数 / My index).",
            show_default=False,
        ),
    ] = None,
    name_en: Annotated[
        str | None,
        typer.Option(
            "--name-en",
            metavar="TEXT",
            help="English name of the index (written only when given).",
            show_default=False,
        ),
    ] = None,
    units: Annotated[
        int | None,
        typer.Option(
            "--units",
            metavar="N",
            help="Number of example units (default 5).",
            show_default=False,
        ),
    ] = None,
    indicators: Annotated[
        str | None,
        typer.Option(
            "--indicators",
            metavar="M|ID,ID,…",
            help="Number of indicators, or their ids separated by commas "
            "(default: 5 digital-economy examples).",
            show_default=False,
        ),
    ] = None,
    pillars: Annotated[
        int | None,
        typer.Option(
            "--pillars",
            metavar="P",
            help="Number of pillars the indicators are split into (default 2).",
            show_default=False,
        ),
    ] = None,
    periods: Annotated[
        str,
        typer.Option(
            "--periods",
            metavar="P,P,…",
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
    """Create a new index project in DIR: spec, data and units templates.

    Writes a commented spec (index.yaml), data and units templates (data.csv,
    units.csv) and a README with the next steps."""
    with handle_errors(debug):
        from gdindex.io.scaffold import init_project

        count = indicators.strip() if indicators is not None else None
        written = init_project(
            directory,
            name=name,
            name_en=name_en,
            periods=periods,
            force=force,
            example=example,
            units=units,
            indicators=int(count) if count and count.isdigit() else count,
            pillars=pillars,
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


REPORT_SECTIONS = ("audit", "sensitivity")


def _with_option(text: str | None) -> str | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in REPORT_SECTIONS]
    if unknown or not names:
        raise typer.BadParameter(
            f"unknown section {', '.join(unknown) or repr(text)}; use: "
            + ", ".join(REPORT_SECTIONS)
        )
    return ",".join(names)


@app.command()
def report(
    spec: SpecArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            parser=out_dir,
            help="Directory of the report files.",
            show_default=False,
        ),
    ],
    lang: LangOpt = Lang.zh,
    period: PeriodOpt = None,
    manifest_time: Annotated[
        bool,
        typer.Option("--manifest-time", help="Record the time in the manifest."),
    ] = False,
    with_sections: Annotated[
        str | None,
        typer.Option(
            "--with",
            help="Add analysis sections, comma-separated: audit, sensitivity (runs "
            "the spec's sensitivity: block).",
            callback=_with_option,
        ),
    ] = None,
    overrides: ReportSetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write the published report of SPEC into DIR: HTML, Markdown and Excel.

    report.html (self-contained, charts inlined), report.md with charts/*.svg,
    and report.xlsx."""
    with handle_errors(debug):
        import gdindex
        from gdindex.report.publish import write_report

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        result = gdindex.compute(loaded)
        chosen = _period(period, result.periods)
        extra = []
        if with_sections and "audit" in with_sections.split(","):
            from gdindex.analysis.audit import audit as run_audit
            from gdindex.report.audit_section import audit_section

            extra.append(audit_section(run_audit(result, chosen), lang.value))
        if with_sections and "sensitivity" in with_sections.split(","):
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
