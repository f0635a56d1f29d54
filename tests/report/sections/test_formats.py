"""The report's labels and number formats."""

from __future__ import annotations

from gdindex.report.document import Cell
from gdindex.report.sections import formats
from tests.conftest import make_spec


def test_number_formats() -> None:
    assert formats.fmt(1.23456) == "1.23" and formats.fmt(None) == "—"
    assert formats.fmt(float("nan")) == "—" and formats.fmt(7) == "7"
    assert formats.fmt_signed(2.5) == Cell("+2.50", "up")
    assert formats.fmt_signed(-0.1, 1) == Cell("-0.1", "down")
    assert formats.fmt_signed(None) == Cell("—", "muted")
    assert formats.fmt_rank_change(2) == Cell("▲2", "up")
    assert formats.fmt_rank_change(-1) == Cell("▼1", "down")
    assert formats.fmt_rank_change(0) == Cell("–", "muted")
    assert formats.fmt_raw(76879.0) == "76,879"
    assert formats.fmt_raw(43.3912) == "43.39" and formats.fmt_raw(9.9) == "9.9"


def test_method_labels() -> None:
    spec = make_spec(["a"], defaults={"normalise": {"method": "target", "target": 90}})
    params = spec.normalise_for(spec.indicators[0])

    assert formats.method_name("ahp+entropy", "zh") == "层次分析法 + 熵权法"
    assert formats.method_name("entropy", "en") == "entropy"
    assert (
        formats._params_text(params, "zh") == "目标值法 target · target=90 · cap=true"
    )
    assert (
        formats._params_text(params, "en")
        == "distance to target · target=90 · cap=true"
    )
