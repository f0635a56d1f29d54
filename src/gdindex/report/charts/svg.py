"""Static SVG of a chart: `to_svg` renders a Vega-Lite chart with vl-convert (no
browser, no network; imported only when a chart is rendered) and rewrites the SVG's
element ids so that the output is byte-identical on every run and several charts can
share one HTML page.
"""

from __future__ import annotations

import re
from typing import Any

_ID = re.compile(r'\bid="([^"]+)"')

#: The family charts are measured with (`fonts.measure_with`), or None.
_measuring: str | None = None


def measure_text_with(family: str | None) -> None:
    """Measure the text of the charts rendered from now on with `family` first (a
    subset font registered by `fonts.measure_with`); None: the system fonts."""
    global _measuring
    _measuring = family


def start_renderer() -> None:
    """Start vl-convert's JavaScript engine now, on its own thread, and return at once.

    vl-convert boots its engine (V8 with Vega and Vega-Lite, ~0.5 s of CPU) the first
    time a conversion needs it, on a thread of its own; a conversion blocks the
    calling Python thread, holding the GIL, until it is done. Asking first for
    something the engine is not needed for — the HTML page of an empty chart, built
    in Rust — creates the converter, so the boot runs beside the Python work that
    follows (loading the spec, computing the index) instead of in front of the first
    chart. Call it before that work; nothing changes in the SVG, and without
    vl-convert it does nothing.
    """
    try:
        import vl_convert as vlc
    except ImportError:  # pragma: no cover - vl-convert is a dependency
        return
    vlc.vegalite_to_html({"mark": "point"}, bundle=False)


def to_svg(chart: Any, prefix: str = "chart") -> str:
    """Render `chart` to a standalone SVG string with vl-convert.

    No network is used (no external data may be loaded). Element ids (clip paths,
    gradients) are renamed `<prefix>-1`, `<prefix>-2`, … in order of appearance, so
    the SVG is byte-identical on every run and ids stay unique when several SVGs are
    inlined in one page.
    """
    import vl_convert as vlc

    # Validation against the Vega-Lite schema costs ~10 ms a chart; the tests
    # validate every chart function instead.
    spec = chart.to_dict(validate=False) if hasattr(chart, "to_dict") else chart
    family = _measuring
    font = (spec.get("config") or {}).get("font")
    if family and isinstance(font, str):
        spec = {**spec, "config": {**spec["config"], "font": f'"{family}", {font}'}}
    svg: str = vlc.vegalite_to_svg(spec, allowed_base_urls=[])
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
