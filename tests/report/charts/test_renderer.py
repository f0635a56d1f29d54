"""The vl-convert process beside this one: the same SVG as rendering here, in order,
errors and a dead process answered with None (the caller renders it here)."""

from __future__ import annotations

import io
import json

import pytest
import vl_convert as vlc

from gdindex.pipeline import IndexResult
from gdindex.report.charts import plots
from gdindex.report.charts.renderer import Renderer, _render, serve
from gdindex.report.charts.svg import _rename_ids
from tests.report.conftest import all_charts

BAR = {
    "data": {"values": [{"a": "深圳", "b": 1.5}, {"a": "汕尾", "b": 2.25}]},
    "mark": "bar",
    "encoding": {
        "y": {"field": "a", "type": "nominal"},
        "x": {"field": "b", "type": "quantitative", "title": "得分"},
    },
}
POINT = {"mark": "point", "data": {"values": [{"x": 0.1 + 0.2, "y": 1e-12}]}}
POINT["encoding"] = {
    "x": {"field": "x", "type": "quantitative"},
    "y": {"field": "y", "type": "quantitative"},
}
BROKEN = {"mark": "bar", "data": {"url": "https://example.com/data.csv"}}


@pytest.fixture
def renderer() -> Renderer:
    r = Renderer()
    yield r
    r.close()


def test_the_svg_is_vl_convert_s_in_this_process(renderer: Renderer) -> None:
    tickets = [renderer.submit(spec) for spec in (BAR, POINT, BAR)]

    assert tickets == [0, 1, 2]
    here = [vlc.vegalite_to_svg(s, allowed_base_urls=[]) for s in (BAR, POINT, BAR)]
    assert [renderer.result(t) for t in reversed(tickets)] == here[::-1]
    assert renderer.alive


def test_an_error_is_none_and_the_next_spec_still_renders(renderer: Renderer) -> None:
    bad = renderer.submit(BROKEN)  # no network: loading data from a URL fails
    good = renderer.submit(BAR)

    assert renderer.result(bad) is None
    assert renderer.result(good) == vlc.vegalite_to_svg(BAR, allowed_base_urls=[])


def test_a_dead_process_answers_none(renderer: Renderer) -> None:
    renderer._process.kill()
    renderer._process.wait()

    ticket = renderer.submit(BAR)

    assert renderer.result(ticket) is None
    assert not renderer.alive


def test_a_spec_that_is_not_json_is_refused_here(renderer: Renderer) -> None:
    with pytest.raises(TypeError):
        renderer.submit({"mark": "bar", "data": {"values": [{"a": object()}]}})


def test_serve_answers_each_spec_in_order_and_fonts_silently(tmp_path: object) -> None:
    lines = [{"fonts": "/no/such/folder"}, {"spec": BAR}, {"spec": BROKEN}]
    source = io.BytesIO(b"".join(json.dumps(m).encode() + b"\n" for m in lines))
    sink = io.BytesIO()

    serve(source, sink)

    answers = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert len(answers) == 2
    assert answers[0] == {"svg": vlc.vegalite_to_svg(BAR, allowed_base_urls=[])}
    assert "error" in answers[1]


def test_specs_that_differ_in_their_data_are_compiled_once(
    guangdong: IndexResult,
) -> None:
    period = guangdong.latest_period
    charts = list(all_charts(guangdong).values()) + [
        plots.profile_chart(guangdong, unit, period)
        for unit in guangdong.units["unit"].to_list()[:6]
    ]
    specs = [c.to_dict(validate=False) for c in charts]  # type: ignore[attr-defined]
    compiled: dict[str, tuple[dict[str, object], list[str]]] = {}

    for spec in specs:
        # gradients are numbered by a counter of the engine: `to_svg` renames them
        svg = _rename_ids(_render(vlc, spec, compiled), "c")

        assert svg == _rename_ids(vlc.vegalite_to_svg(spec, allowed_base_urls=[]), "c")
    assert len(compiled) == len(specs) - 6  # the profiles: one chart, 7 units


def test_a_spec_without_datasets_or_compiled_otherwise_is_rendered_whole() -> None:
    compiled: dict[str, tuple[dict[str, object], list[str]]] = {}
    odd = {**BAR, "datasets": {"unused": [{"a": 1}]}}  # no data entry holds it

    assert _render(vlc, BAR, compiled) == vlc.vegalite_to_svg(BAR)
    assert _render(vlc, odd, compiled) == vlc.vegalite_to_svg(odd)
    assert _render(vlc, odd, compiled) == vlc.vegalite_to_svg(odd)  # compiled
