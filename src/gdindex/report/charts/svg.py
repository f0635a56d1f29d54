"""Static SVG of a chart: `to_svg` renders a Vega-Lite chart with vl-convert (no
browser, no network; imported only when a chart is rendered) and rewrites the SVG's
element ids so that the output is byte-identical on every run and several charts can
share one HTML page.

A report renders its charts beside its own work: inside `collecting(batch)` (or
`rendering_beside()`), `render_into` hands each chart to a vl-convert process next
to this one (`renderer.Renderer`, started by `start_renderer` or on first use), and
`batch.finish()` fills in the SVGs when they are needed. The SVG is the same as
`to_svg`'s; whatever that process cannot do is rendered here instead.
"""

from __future__ import annotations

import atexit
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from gdindex.report.charts import fonts
from gdindex.report.charts.renderer import Renderer

_ID = re.compile(r'\bid="([^"]+)"')

#: The family charts are measured with (`fonts.measure_with`), or None.
_measuring: str | None = None

#: The vl-convert process beside this one, once started.
_renderer: Renderer | None = None

#: The batch `render_into` hands charts to (inside `collecting()`), or None.
_batch: Batch | None = None


class HasSVG(Protocol):
    """What `render_into` fills in (a report `Figure`)."""

    svg: str


def measure_text_with(family: str | None) -> None:
    """Measure the text of the charts rendered from now on with `family` first (a
    subset font registered by `fonts.measure_with`); None: the system fonts."""
    global _measuring
    _measuring = family


def start_renderer() -> None:
    """Start the vl-convert process beside this one now (if not yet running): its
    engine (V8 with Vega and Vega-Lite, ~0.5 s of CPU) boots on the second core
    while this process loads the spec and computes the index. Nothing happens
    when the process cannot be started: charts are then rendered here."""
    global _renderer
    if _renderer is not None and _renderer.alive:
        return
    try:
        _renderer = Renderer()
    except (OSError, ValueError):  # pragma: no cover - no subprocess here (no
        _renderer = None  # `sys.executable`, a sandbox): render in this process


def stop_renderer() -> None:
    """End the vl-convert process beside this one, if any, and wait for it."""
    global _renderer
    if _renderer is not None:
        _renderer.close()
        _renderer = None


atexit.register(stop_renderer)


class Batch:
    """Charts handed to the vl-convert process beside this one (`render_into`
    inside `collecting(batch)`), whose targets `finish` fills in."""

    def __init__(self) -> None:
        start_renderer()
        self._items: list[tuple[Any, str, HasSVG, str | None, int | None]] = []

    def add(self, chart: Any, prefix: str, target: HasSVG) -> None:
        """Hand `chart` over to be rendered as `to_svg(chart, prefix)` would."""
        family, ticket = _measuring, None
        if _renderer is not None and _renderer.alive:
            folder = fonts.folder(family) if family else None
            if folder is not None:
                _renderer.register_fonts(str(folder))
            try:
                ticket = _renderer.submit(_spec(chart, family))
            except (TypeError, ValueError):  # not JSON: rendered here at the end
                ticket = None
        self._items.append((chart, prefix, target, family, ticket))

    def finish(self) -> None:
        """Wait for the charts handed over and fill in every target's `svg`, in
        order; a chart the process could not render is rendered here (the same
        SVG, or vl-convert's error). Again: nothing more to do."""
        items, self._items = self._items, []
        for chart, prefix, target, family, ticket in items:
            raw = None
            if ticket is not None and _renderer is not None:
                raw = _renderer.result(ticket)
            if raw is None:
                raw = _render_here(_spec(chart, family))
            target.svg = _finish(raw, prefix, family)


@contextmanager
def collecting(batch: Batch) -> Iterator[Batch]:
    """Within the block, `render_into` hands charts to `batch` and goes on; call
    `batch.finish()` when their SVGs are needed."""
    global _batch
    outer, _batch = _batch, batch
    try:
        yield batch
    finally:
        _batch = outer


@contextmanager
def rendering_beside() -> Iterator[Batch]:
    """`collecting` a new batch, finished at the end of the block (not when the
    block raises)."""
    with collecting(Batch()) as batch:
        yield batch
    batch.finish()


def render_into(chart: Any, prefix: str, target: HasSVG) -> None:
    """Set `target.svg` to `to_svg(chart, prefix)`: at once, or, inside
    `collecting(batch)`, when the batch is finished (the chart is rendered in the
    process beside this one meanwhile)."""
    if _batch is None:
        target.svg = to_svg(chart, prefix)
    else:
        _batch.add(chart, prefix, target)


def to_svg(chart: Any, prefix: str = "chart") -> str:
    """Render `chart` to a standalone SVG string with vl-convert, in this process.

    No network is used (no external data may be loaded). Element ids (clip paths,
    gradients) are renamed `<prefix>-1`, `<prefix>-2`, … in order of appearance, so
    the SVG is byte-identical on every run and ids stay unique when several SVGs are
    inlined in one page.
    """
    family = _measuring
    return _finish(_render_here(_spec(chart, family)), prefix, family)


def _render_here(spec: dict[str, Any]) -> str:
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
    return svg


def _spec(chart: Any, family: str | None) -> dict[str, Any]:
    """The Vega-Lite spec of `chart`, measured with `family` first."""
    # Validation against the Vega-Lite schema costs ~10 ms a chart; the tests
    # validate every chart function instead.
    spec: dict[str, Any] = (
        chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart
    )
    font = (spec.get("config") or {}).get("font")
    if family and isinstance(font, str):
        spec = {**spec, "config": {**spec["config"], "font": f'"{family}", {font}'}}
    return spec


def _finish(svg: str, prefix: str, family: str | None) -> str:
    """vl-convert's SVG without the measuring `family`, with ids renamed."""
    if family:
        # the subset only measured the text: readers' fonts are the spec's
        svg = re.sub(rf'(&quot;|"|\'){re.escape(family)}\1,\s*', "", svg)
    return _rename_ids(svg, prefix)


def _rename_ids(svg: str, prefix: str) -> str:
    ids = list(dict.fromkeys(_ID.findall(svg)))
    if not ids:
        return svg
    new = {old: f"{prefix}-{i}" for i, old in enumerate(ids, 1)}
    pattern = re.compile(
        r'(\bid="|url\(#|href="#)('
        + "|".join(re.escape(i) for i in ids)
        + r')(?=["\)])'
    )
    return pattern.sub(lambda m: m.group(1) + new[m.group(2)], svg)
