"""The small measuring font: a cached subset of the CJK font, letters-only family,
the same SVG bytes as measuring with the system fonts, and a no-op without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdindex.report.charts import fonts, svg

CHART = {
    "data": {"values": [{"a": "深圳 Shenzhen", "b": 1}, {"a": "汕尾", "b": 2}]},
    "mark": "bar",
    "encoding": {
        "y": {"field": "a", "type": "nominal"},
        "x": {"field": "b", "type": "quantitative", "title": "得分"},
    },
    "config": {"font": '"Noto Sans CJK SC", sans-serif'},
}


@pytest.mark.skipif(not fonts.SOURCE.is_file(), reason="no system CJK font")
def test_subset_measures_like_the_system_font(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    plain = svg.to_svg(CHART)

    family = fonts.measure_with(["深圳 Shenzhen", "汕尾", "得分"])

    assert family is not None and family.isalpha()
    assert list(tmp_path.glob("gdindex/fonts/*/measure.otf"))
    folder = fonts.folder(family)
    assert folder is not None and (folder / "measure.otf").is_file()
    assert fonts.folder("Noto Sans CJK SC") is None
    svg.measure_text_with(family)
    try:
        measured = svg.to_svg(CHART)
    finally:
        svg.measure_text_with(None)
    assert measured == plain and family not in measured
    assert fonts.measure_with(["汕尾", "深圳 Shenzhen", "得分"]) == family  # cached


def test_no_system_font_no_subset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "SOURCE", tmp_path / "missing.ttc")

    assert fonts.measure_with(["深圳"]) is None
