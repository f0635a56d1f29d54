"""`gdindex compute`, `validate`, `init`, `report` and `schema`: an index from its spec
to its results and published report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gdindex.cli.app import _period, _progress, app
from gdindex.errors import plural
from gdindex.shell import (
    BadValue,
    ComputeSetOpt,
    DebugOpt,
    Format,
    Lang,
    LangOpt,
    OutOpt,
    PeriodOpt,
    QuietOpt,
    ReportSetOpt,
    SetOpt,
    SpecArg,
    WideOpt,
    handle_errors,
    out_option,
    positive,
    say_written,
    wrote,
)
from gdindex.shell import console as _console
from gdindex.shell import reader_may_leave as _reader_may_leave


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
    with handle_errors(debug, lang.value):
        import gdindex
        from gdindex.report.terminal import render_result

        loaded = gdindex.load_spec(spec, tuple(overrides or ()))
        if out is None:
            result = gdindex.compute(loaded)
            chosen = _period(period, result.periods)
        else:
            from gdindex.pipeline import compute_outputs

            # the files are written while the computation finishes
            result, written = compute_outputs(
                loaded,
                out,
                fmt.value,
                manifest_time,
                check=lambda r: _period(period, r.periods),  # before the swap
            )
            chosen = _period(period, result.periods)
            if not quiet:
                say_written(written, out, lang.value)
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
    with handle_errors(debug, lang.value):
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


def _periods_option(text: str) -> str:
    from gdindex.errors import GdindexError
    from gdindex.io.scaffold import parse_periods

    try:
        parse_periods(text)
    except GdindexError as exc:
        raise BadValue(exc.headline("en"), exc.headline("zh")) from None
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
    lang: LangOpt = Lang.zh,
    debug: DebugOpt = False,
) -> None:
    """Create a new index project in DIR: spec, data and units templates.

    Writes a commented spec (index.yaml), data and units templates (data.csv,
    units.csv) and a README with the next steps."""
    with handle_errors(debug, lang.value):
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
    zh = lang is Lang.zh
    console = _console()
    console.print(
        f"已在 {directory} 中创建 {len(written)} 个文件："
        if zh
        else f"created {len(written)} files in {directory}:",
        style="green",
    )
    for path in written:
        console.print(f"  {path}")
    fill = (
        f"填写 {written[1]}（每个单位、每个时期一行）"
        if zh
        else f"fill {written[1]} (one row per unit and period)"
    )
    steps = [] if example else [fill]
    steps += [
        f"gdindex validate {written[0]}",
        f"gdindex compute {written[0]} --out {directory / 'out'}",
    ]
    console.print("下一步：" if zh else "next steps:")
    for k, step in enumerate(steps, 1):
        console.print(f"  {k}. {step}")


REPORT_SECTIONS = ("audit", "sensitivity")


def _with_option(text: str | None) -> str | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in REPORT_SECTIONS]
    if unknown or not names:
        named = ", ".join(unknown) or repr(text)
        raise BadValue(
            f"unknown section {named}; use: " + ", ".join(REPORT_SECTIONS),
            f"未知的部分 {named}；可选：" + ", ".join(REPORT_SECTIONS),
        )
    return ",".join(names)


@app.command()
def report(
    spec: SpecArg,
    out: Annotated[
        Path,
        out_option("Directory of the report files."),
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
    quiet: QuietOpt = False,
    overrides: ReportSetOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write the published report of SPEC into DIR: HTML, Markdown and Excel.

    report.html (self-contained, charts inlined), report.md with charts/*.svg,
    and report.xlsx."""
    with handle_errors(debug, lang.value):
        from gdindex.report.charts.svg import start_renderer, stop_renderer

        start_renderer()  # the chart engine boots while the index is computed
        try:
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

                with _progress(shown=not quiet) as progress:
                    sens = gdindex.sensitivity(loaded, period=chosen, progress=progress)
                extra.append(sensitivity_section(sens, lang.value))
            written = write_report(
                result, out, lang.value, chosen, manifest_time, extra=extra
            )
        finally:
            stop_renderer()  # and is waited for, its CPU time counted
    if quiet:
        return
    console = _console()
    console.print(wrote(len(written), out, lang.value), style="green")
    for path in written:
        console.print(f"  {path}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the spec format."""
    import json

    from gdindex.spec import spec_json_schema

    sys.stdout.write(
        json.dumps(spec_json_schema(), ensure_ascii=False, indent=2) + "\n"
    )
