"""Typer plumbing shared by the commands of `gdindex` (the `cli` layer above).

Help without type noise (a flag shows no `<bool>`, a list `KEY=VALUE`, an argument
its name), shell completion of spec files, node ids and periods, and the options
every command spells the same way. Imports nothing of gdindex, so that
`gdindex --version` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from rich.console import Console


def plain_help(params: list[Any]) -> list[Any]:
    """Help without type noise: a flag shows no `<bool>`, an argument its name."""
    for param in params:
        if getattr(param, "is_flag", False):
            param.metavar = ""
        elif param.param_type_name == "argument" and param.metavar is None:
            param.metavar = param.name.upper()
    return params


class Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return plain_help(super().get_params(ctx))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        # `gdindex compute [OPTIONS] SPEC`, not `{spec}`.
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or param.name.upper()
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return plain_help(super().get_params(ctx))


class Typer(typer.Typer):
    """Every command gets the plain help of `_Command`."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)


def complete_spec(incomplete: str) -> list[str]:
    """Shell completion of SPEC: the YAML files under the typed directory."""
    folder, _, stem = incomplete.rpartition("/")
    base = Path(folder or ".")
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.iterdir()):
        if not path.name.startswith(stem) or path.name.startswith("."):
            continue
        shown = f"{folder}/{path.name}" if folder else path.name
        if path.is_dir():
            found.append(shown + "/")
        elif path.suffix in (".yaml", ".yml"):
            found.append(shown)
    return found


def spec_yaml() -> dict[str, Any]:
    """The raw YAML of the first spec typed on the command line ({} if none).

    The words come from `COMP_WORDS`, which the completion scripts of every shell
    set (typer hands the callbacks no parsed arguments here).
    """
    import os
    import shlex

    try:
        words = shlex.split(os.environ.get("COMP_WORDS", ""))
    except ValueError:
        return {}
    spec = next((w for w in words if w.endswith((".yaml", ".yml"))), None)
    if spec is None:
        return {}
    try:
        import yaml

        data = yaml.safe_load(Path(spec).read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - completion must never fail loudly
        return {}
    return data if isinstance(data, dict) else {}


def complete_node(incomplete: str) -> list[str]:
    """Shell completion of --node: the node ids of SPEC's tree."""
    ids: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            ids.append(node["id"])
            for child in node.get("children") or ():
                walk(child)

    walk(spec_yaml().get("tree"))
    return [i for i in ids if i.startswith(incomplete)]


def complete_period(incomplete: str) -> list[str]:
    """Shell completion of --period: the periods SPEC lists."""
    periods = spec_yaml().get("periods") or []
    return [str(p) for p in periods if str(p).startswith(incomplete)]


class BadValue(typer.BadParameter):
    """An option's value that cannot be used (exit 2), with its message in Chinese
    too (`gdindex.cli.usage` prints the one of the command line's `--lang`)."""

    def __init__(self, message: str, message_zh: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.message_zh = message_zh


def out_dir(value: str) -> Path:
    """`--out`: a directory; an empty path is a usage error (it would mean the
    current directory, and overwrite files there)."""
    if value.startswith("-") and len(value) > 1:
        raise BadValue(
            f"'{value}' looks like an option, not a directory: give the directory "
            f"right after --out (./{value} for a directory of that name)",
            f"'{value}' 像是选项而不是目录：请在 --out 后紧接着写目录"
            f"（目录确实叫这个名字时写 ./{value}）",
        )
    if not value.strip():
        raise BadValue(
            "an empty path; name a directory, e.g. --out out/results "
            "(or --out . for the current one)",
            "路径为空；请给出目录，例如 --out out/results（当前目录用 --out .）",
        )
    return Path(value)


def positive(value: int | None) -> int | None:
    if value is not None and value < 1:
        raise BadValue("must be 1 or more", "应为 1 或更大")
    return value


def not_negative(value: int) -> int:
    if value < 0:
        raise BadValue("must be 0 or more", "应为 0 或更大")
    return value


class Output(StrEnum):
    """What an analysis command prints: Rich tables or its JSON document."""

    table = "table"
    json = "json"


OutputOpt = Annotated[
    Output,
    typer.Option(
        "--format", metavar="table|json", help="Print tables, or the JSON document."
    ),
]


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    json = "json"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


SpecArg = Annotated[
    Path,
    typer.Argument(
        help="The index spec (YAML).",
        show_default=False,
        metavar="SPEC",
        autocompletion=complete_spec,
    ),
]


def period_option(help: str) -> Any:
    """`--period P`, completed from the spec's periods."""
    return typer.Option(
        "--period", metavar="P", help=help, autocompletion=complete_period
    )


def node_option(flag: str, help: str) -> Any:
    """A node option (`--node`, `--target`): `NODE`, completed from the spec's tree."""
    return typer.Option(flag, metavar="NODE", help=help, autocompletion=complete_node)


PeriodOpt = Annotated[
    str | None, period_option("Period of the report (default: the latest).")
]


def out_option(help: str) -> Any:
    """`--out DIR`, checked by `out_dir` (an empty DIR is a usage error)."""
    return typer.Option(
        "--out", metavar="DIR", parser=out_dir, help=help, show_default=False
    )


OutOpt = Annotated[
    Path | None, out_option("Write the result files into this directory.")
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Show the full traceback on errors.")
]
LangOpt = Annotated[
    Lang, typer.Option("--lang", metavar="zh|en", help="Label language.")
]
WideOpt = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Print every column even when the terminal is too narrow "
        "(the table is then wider than the screen).",
    ),
]


def set_option(effect: str) -> Any:
    return typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override a spec value by its YAML path, e.g. "
        "tree.children.industry.weight=0.4 or defaults.normalise.method=zscore "
        f"(repeatable; {effect}).",
        show_default=False,
    )


QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print only errors: for scripts and CI.",
    ),
]

SetOpt = Annotated[
    list[str] | None, set_option("the run uses them; the file is not changed")
]
ComputeSetOpt = Annotated[
    list[str] | None,
    set_option("the file is not changed; --out records them in manifest.json"),
]
ReportSetOpt = Annotated[
    list[str] | None,
    set_option("the file is not changed; the report's manifest records them"),
]


def console(stderr: bool = False, wide: bool = False) -> Console:
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
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped output read in a terminal (`| less`, `| head`): that terminal's
        # width. Fully redirected output (a file, a CI log): do not squeeze wide
        # tables into 80 columns. COLUMNS, when set, says how wide the reader is.
        seen = _terminal_width()
        if seen is not None:
            console.width = seen
        elif console.width < 160:
            console.width = 160
    if wide:
        # --wide: every column, however wide; the terminal wraps the long lines.
        console.width = max(console.width, 1000)
    return console


def _terminal_width() -> int | None:
    """The width of the terminal on stderr or stdin, if either is one."""
    import os

    for fd in (2, 0):
        try:
            if os.isatty(fd):
                return os.get_terminal_size(fd).columns
        except OSError:
            continue
    return None


def say_written(written: Sequence[Any], out: Any, lang: str) -> None:
    """Print on stderr, in green and in `lang`, that `written` went to `out`."""
    console(stderr=True).print(wrote(len(written), out, lang), style="green")


def wrote(count: int, out: Any, lang: str) -> str:
    """The line that says a result set was written, in `lang`."""
    if lang == "zh":
        return f"已写入 {count} 个文件：{out}"
    return f"wrote {count} file{'s' if count != 1 else ''} to {out}"


@contextmanager
def handle_errors(debug: bool, lang: str) -> Iterator[None]:
    """Turn gdindex errors into a red panel on stderr and exit code 1, in `lang`
    (the command's `--lang`; zh or en)."""
    from gdindex.errors import GdindexError

    try:
        yield
    except GdindexError as exc:
        from gdindex.report.terminal import render_error

        if debug:
            console(stderr=True).print_exception(show_locals=False)
        render_error(exc, console(stderr=True), lang)
        raise typer.Exit(1) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # unexpected: one line unless --debug
        if debug:
            console(stderr=True).print_exception(show_locals=False)
        else:
            from rich.panel import Panel

            zh = lang == "zh"
            console(stderr=True).print(
                Panel(
                    f"{type(exc).__name__}: {exc}\n"
                    + (
                        "（加 --debug 运行可查看完整调用栈）"
                        if zh
                        else "(run with --debug for the traceback)"
                    ),
                    title="意外错误" if zh else "unexpected error",
                    border_style="red",
                    expand=False,
                )
            )
        raise typer.Exit(1) from None


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """`gdindex compute … | head`: a reader that stops early is not an error."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so that later flushes do not fail again.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
