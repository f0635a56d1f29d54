"""Reports at county scale: above LARGE_REPORT units the report shows the top and
bottom units in full, summarises the rest and never crashes."""

from __future__ import annotations

from pathlib import Path

from gdindex.report.publish import build_report, write_report
from gdindex.report.sections.view import LARGE_REPORT, PROFILE_CAP, SHOWN_EACH
from tests.report.conftest import synthetic_result, tables


def test_a_large_report_shows_top_and_bottom_and_caps_profiles(
    tmp_path: Path,
) -> None:
    result = synthetic_result(tmp_path / "panel", LARGE_REPORT + 40)

    report = build_report(result, "en")

    sections = {s.anchor: s for s in report.document.sections}
    (ranking,) = tables(sections["ranking"])
    assert len(ranking.rows) == 2 * SHOWN_EACH + 1  # and a "…" row between
    assert ranking.rows[SHOWN_EACH][0] == "…"
    names = [f.name for f in report.document.figures()]
    assert "distribution" in names
    assert sum(n.startswith("profile-") for n in names) == PROFILE_CAP
    assert "report.xlsx" in report.html()


def test_1500_units_report_without_crashing(tmp_path: Path) -> None:
    result = synthetic_result(tmp_path / "panel", 1500, indicators=4)

    written = write_report(result, tmp_path / "out", "en")

    html = tmp_path / "out" / "report.html"
    assert html in written and html.stat().st_size < 5_000_000
