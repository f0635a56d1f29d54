"""gdindex check, compare and weights (more in tests/analysis/test_datacheck.py,
test_compare.py and tests/weights_helpers.py)."""

from __future__ import annotations

import gdindex
from gdindex.cli import app
from tests.cli.helpers import runner


def test_units_of_measure_follow_lang() -> None:
    from gdindex.analysis.datacheck import check_data
    from tests.conftest import SPECS

    spec = gdindex.load_spec(SPECS / "guangdong.yaml")
    fiveg = spec.indicator_map["fiveg_bs_per_10k"]
    assert fiveg.unit is not None
    assert fiveg.unit.get("zh") == "座/万人"
    assert fiveg.unit.get("en") == "per 10k residents"
    out = runner.invoke(
        app, ["check", str(SPECS / "guangdong.yaml"), "--lang", "en"]
    ).stdout
    assert "per 10k residents" in out and "座" not in out and "万人" not in out
    assert check_data(spec).indicators["unit_en"][0] == "per 10k residents"
