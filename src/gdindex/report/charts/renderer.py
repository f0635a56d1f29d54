"""A vl-convert process beside this one, so that charts render while the report is
built (`Renderer`), and that process's side (`serve`, `python -m` this module).

vl-convert renders on one engine thread and holds the GIL while a Python thread
waits for it, so in one process the report's Python work and the rendering of its
28 charts take turns. In a second process they overlap, on a second core: the
report hands each chart's Vega-Lite spec over as it is made, goes on building, and
collects the SVGs at the end. The SVG is vl-convert's, the same bytes as rendered
in this process (the spec travels as JSON, which keeps every number).

The protocol is one JSON object a line each way: `{"fonts": DIR}` registers a font
directory (no answer), `{"spec": SPEC}` renders a spec and is answered, in order,
with `{"svg": TEXT}` or `{"error": TEXT}`. The process ends when its input does.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from typing import IO, Any


class Renderer:
    """A vl-convert process beside this one: `submit` a spec, `result` its SVG.

    Two threads of this process feed the process's input and read its answers, so
    that neither side waits on a full pipe while the other is busy.
    """

    def __init__(self) -> None:
        """Start the process (its engine boots at once, beside this process).

        Raises:
            OSError, ValueError: the process cannot be started (no Python
                executable to start it with, no processes allowed).
        """
        if not sys.executable:
            raise ValueError("no Python executable to start the renderer with")
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._outbox: queue.Queue[bytes | None] = queue.Queue()
        self._answers: list[dict[str, Any]] = []
        self._ended = False
        self._done = threading.Condition()
        self._sent = 0
        self._fonts: set[str] = set()
        assert self._process.stdin is not None and self._process.stdout is not None
        self._threads = [
            threading.Thread(target=target, args=(pipe,), daemon=True)
            for target, pipe in (
                (self._write, self._process.stdin),
                (self._read, self._process.stdout),
            )
        ]
        for thread in self._threads:
            thread.start()

    def register_fonts(self, folder: str) -> None:
        """Register a font directory in the process (once) for the specs that
        follow."""
        if folder not in self._fonts:
            self._fonts.add(folder)
            self._outbox.put(_line({"fonts": folder}))

    def submit(self, spec: dict[str, Any]) -> int:
        """Hand a Vega-Lite spec (a JSON-ready dict) over; return its ticket for
        `result`.

        Raises:
            TypeError, ValueError: the spec cannot be written as JSON.
        """
        message = _line({"spec": spec})
        ticket = self._sent
        self._sent += 1
        self._outbox.put(message)
        return ticket

    def result(self, ticket: int) -> str | None:
        """The SVG of the spec of `ticket`, once rendered (waits for it); None when
        vl-convert failed on it or the process has died (render it here instead:
        the same error, or the same SVG)."""
        with self._done:
            while len(self._answers) <= ticket and not self._ended:
                self._done.wait()
            if ticket >= len(self._answers):
                return None
            svg = self._answers[ticket].get("svg")
            return svg if isinstance(svg, str) else None

    @property
    def alive(self) -> bool:
        """The process is running and has answered everything asked so far."""
        return not self._ended and self._process.poll() is None

    def close(self) -> None:
        """End the process (it stops when its input ends) and wait for it, so its
        CPU time is counted with this process's children."""
        self._outbox.put(None)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a stuck engine
            self._process.kill()
            self._process.wait()
        for thread in self._threads:
            thread.join()

    def _write(self, pipe: IO[bytes]) -> None:
        try:
            while (message := self._outbox.get()) is not None:
                pipe.write(message)
                pipe.flush()
        except OSError:  # the process has died: `_read` sees its output end
            pass
        finally:
            try:
                pipe.close()
            except OSError:
                pass

    def _read(self, pipe: IO[bytes]) -> None:
        try:
            for raw in pipe:
                try:
                    answer = json.loads(raw)
                except ValueError:  # not the protocol's: trust nothing more
                    break
                with self._done:
                    self._answers.append(answer)
                    self._done.notify_all()
        finally:
            pipe.close()
            with self._done:
                self._ended = True
                self._done.notify_all()


def _line(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, allow_nan=True).encode() + b"\n"


def serve(source: IO[bytes], sink: IO[bytes]) -> None:
    """The process's side: answer every line of `source` on `sink` until
    `source` ends (see the module docstring)."""
    import vl_convert as vlc

    # an empty chart's HTML page needs no engine: creating the converter this way
    # boots the engine on its own thread while the first spec is read
    try:
        vlc.vegalite_to_html({"mark": "point"}, bundle=False)
    except Exception:  # noqa: BLE001 - another vl-convert: it boots when first asked
        pass
    compiled: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for raw in source:
        message = json.loads(raw)
        if "fonts" in message:
            try:
                vlc.register_font_directory(message["fonts"])
            except Exception:  # noqa: BLE001 - measured with the system fonts then,
                pass  # which gives the same SVG, only more slowly
            continue
        try:
            answer = {"svg": _render(vlc, message["spec"], compiled)}
        except Exception as exc:  # noqa: BLE001 - the caller renders it again itself
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        sink.write(_line(answer))
        sink.flush()


#: The Vega of each shape of Vega-Lite spec seen, with its datasets' names.
_Compiled = dict[str, tuple[dict[str, Any], list[str]]]


def _render(vlc: Any, spec: dict[str, Any], compiled: _Compiled) -> str:
    """`vlc.vegalite_to_svg(spec)`, compiling Vega-Lite to Vega once for specs that
    differ only in their datasets (the unit profiles: one chart, 21 units' data).

    Vega-Lite compiles a spec without reading its inline data, so the Vega of two
    such specs differs only in the datasets' names and values: the second is the
    first's with its values put in. (The SVG names no dataset.) `compiled` maps
    the shape of a spec (its JSON without the datasets) to its Vega.
    """
    datasets = spec.get("datasets")
    if not isinstance(datasets, dict) or not datasets:
        return str(vlc.vegalite_to_svg(spec, allowed_base_urls=[]))
    names = list(datasets)
    shape = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    for i, name in enumerate(names):
        shape = shape.replace(json.dumps(name), f'"@dataset {i}"')
    if shape not in compiled:
        compiled[shape] = (vlc.vegalite_to_vega(spec), names)
    vega, first = compiled[shape]
    values = {first[i]: datasets[name] for i, name in enumerate(names)}
    data, put = [], set()
    for d in vega.get("data", []):
        if "values" in d and d.get("name") in values:
            d = {**d, "values": values[d["name"]]}
            put.add(d["name"])
        data.append(d)
    if put != set(values):  # not compiled as above: no shortcut
        return str(vlc.vegalite_to_svg(spec, allowed_base_urls=[]))
    return str(vlc.vega_to_svg({**vega, "data": data}, allowed_base_urls=[]))


if __name__ == "__main__":  # pragma: no cover - run as a process by `Renderer`
    serve(sys.stdin.buffer, sys.stdout.buffer)
    sys.stdout.flush()
    os._exit(0)  # tearing the engine down costs more than the work it did
