"""The `gdindex` command: typer wiring only (load → call the library → render → exit).

`app` (in `gdindex.cli.app`) is the Typer object and `main` the console script; the
commands are defined in `index` (compute, validate, init, report, schema), `data`
(check, compare, weights) and `analysis` (audit, explain, sensitivity), and register
themselves on `app` when imported here. They import `gdindex.cli.app`, never this
package, so that no import goes round in a circle.
"""

from gdindex.cli import analysis, data, index  # noqa: F401  (registers the commands)
from gdindex.cli.app import app, main

__all__ = ["app", "main"]
