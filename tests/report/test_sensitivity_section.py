"""The report section of a sensitivity analysis: rank-interval and Sobol charts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from gdindex.analysis.sensitivity import SensitivityResult, sensitivity
from gdindex.cli import app
from gdindex.report.document import Bullets, Figure, Table
from gdindex.report.sensitivity_section import rank_interval_chart, sensitivity_section
from tests.conftest import SPECS, CliRunner

GUANGDONG = SPECS / "guangdong.yaml"


@cache
def _sobol() -> SensitivityResult:
    return sensitivity(GUANGDONG, n=16, method="sobol", seed=6, bootstrap=20)


def test_the_section_has_both_charts_the_table_and_the_sentences() -> None:
    res = _sobol()
    assert res.indices is not None

    section = sensitivity_section(res, "en")

    figures = [b for b in section.blocks if isinstance(b, Figure)]
    assert [f.name for f in figures] == ["sensitivity-ranks", "sensitivity-sobol"]
    assert all(f.svg.lstrip().startswith("<svg") for f in figures)
    table = next(b for b in section.blocks if isinstance(b, Table))
    assert [row[0] for row in table.rows] == res.indices["input"].to_list()
    bullets = [b for b in section.blocks if isinstance(b, Bullets)]
    assert any("alone explains" in item for b in bullets for item in b.items)


def test_rank_chart_lists_units_by_nominal_rank() -> None:
    res = _sobol()

    spec = rank_interval_chart(res, "en").to_dict()

    layer = spec["layer"][0]
    order = layer["encoding"]["y"]["sort"]
    names = dict(zip(res.units["unit"], res.units["name_en"], strict=True))  # type: ignore[index]
    expected = [names[u] for u in res.rank_stats.sort("nominal")["unit"]]
    assert order == expected and order[0] == "Shenzhen"
    assert layer["encoding"]["x"]["field"] == "q05"
    assert layer["encoding"]["x2"]["field"] == "q95"


def test_report_with_sensitivity_adds_the_section(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        ["report", str(GUANGDONG), "--out", str(out), "--with", "sensitivity"]
        + ["--set", "sensitivity.n=20", "--lang", "en"],
    )

    assert result.exit_code == 0, result.stderr
    assert (out / "charts" / "sensitivity-ranks.svg").exists()
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "How far the ranks can be trusted" in md
    assert md.index("## How far the ranks can be trusted") < md.index("## Data notes")


def test_report_with_an_unknown_section_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["report", str(GUANGDONG), "--out", str(tmp_path), "--with", "audit2"]
    )

    assert result.exit_code == 2 and "audit2" in result.stderr
