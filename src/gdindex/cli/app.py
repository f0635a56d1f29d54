"""The `gdindex` app: the Typer object, `--version`, `main`, and what the commands of
several modules share (`_period`, `_progress`).

Exit codes: 0 success; 1 invalid spec or data, or a failed computation (message on
stderr); 2 usage error. Heavy modules are imported inside the commands so that
`gdindex --version` returns at once.

The commands live in `gdindex.cli.index`, `.data` and `.analysis`, which register
themselves on `app` when `gdindex.cli` imports them; `gdindex --help` lists them in the
order of `COMMANDS`, whichever module defines them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from gdindex.shell import Group, Typer
from gdindex.shell import console as _console
from gdindex.version import __version__

#: The commands in the order `gdindex --help` lists them.
COMMANDS = (
    "compute",
    "validate",
    "check",
    "compare",
    "weights",
    "audit",
    "explain",
    "init",
    "report",
    "sensitivity",
    "schema",
)


#: The base of Click's exceptions, whichever Click Typer uses (its own copy since
#: 0.25): usage errors are printed in the command line's language.
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


class _Ordered(Group):
    """Lists the commands in the order of `COMMANDS` (then any other, as defined),
    and prints usage errors in the command line's `--lang` (`gdindex.cli.usage`)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        def run() -> Any:
            return super(_Ordered, self).main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )

        if not standalone_mode:
            return run()
        argv = sys.argv[1:] if args is None else list(args)
        try:
            rv = run()
        except _CLICK_ERROR as exc:
            from gdindex.cli.usage import language, show_usage_error

            show_usage_error(exc, language(argv))
            sys.exit(getattr(exc, "exit_code", 2))
        except typer.Abort:
            from gdindex.cli.usage import language, show_abort

            show_abort(language(argv))
            sys.exit(1)
        except BrokenPipeError:
            raise  # `… | head`: the reader has gone (main() exits 0)
        except OSError as exc:  # stdout cannot be written: a full disk, /dev/full
            from gdindex.cli.usage import language, show_output_error

            show_output_error(exc, language(argv))
            sys.exit(1)
        # Typer returns a command's `typer.Exit` code, and None when it returned
        sys.exit(rv if isinstance(rv, int) else 0)

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(
            names,
            key=lambda n: COMMANDS.index(n) if n in COMMANDS else len(COMMANDS),
        )


app = Typer(
    name="gdindex",
    help="Composite digital-economy index calculator: YAML spec + tables → scores, "
    "ranks and growth. 数字经济综合指数计算工具。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    cls=_Ordered,
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
    """The period `--period` names; None when it was not given."""
    if text is None:
        return None
    from gdindex.analysis.common import find_period

    return find_period(periods, text)


@contextmanager
def _progress(shown: bool = True) -> Iterator[Any]:
    """A Rich progress bar of runs on stderr; yields the callback to feed it (None
    when not `shown`, `--quiet`, or when stderr is not a terminal)."""
    err = _console(stderr=True)
    if not shown or not err.is_terminal:  # a log gets no bar (nor its blank line)
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("runs"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("runs", total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update


def _only_invoked(group: Typer, args: list[str]) -> Typer:
    """`group` keeping only the command `args` invoke, when they name one.

    Typer builds every command's Click parameters before it dispatches; the one being
    run is all a command line needs (Click's "lazily loading subcommands" idea). The
    group's own help (`gdindex`, `gdindex --help`) and shell completion, which list
    every command, keep them all.
    """
    import copy
    import os

    if not args or args[0] not in COMMANDS or os.environ.get("_GDINDEX_COMPLETE"):
        return group
    only = copy.copy(group)
    only.registered_commands = [
        c for c in group.registered_commands if _name(c) == args[0]
    ]
    return only


def _name(command: Any) -> str:
    return command.name or command.callback.__name__.replace("_", "-")


def main() -> None:
    """Console-script entry point.

    Exits with `os._exit` once the output is flushed: tearing down the interpreter
    with Polars, NumPy and pydantic loaded costs more than a small index takes to
    compute, and every file has been written and closed by then.
    """
    import os

    # pydantic looks for plugins in every installed distribution's entry points the
    # first time a model validates (several ms; a broken plugin even warns). The
    # spec's models are gdindex's own: no plugin observes them (typer does the same
    # for its parameters). A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        _only_invoked(app, sys.argv[1:])()
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
    except OSError as exc:  # the last of stdout did not fit (a full disk)
        from gdindex.cli.usage import language, show_output_error

        show_output_error(exc, language(sys.argv[1:]))
        code = 1
    os._exit(code)
