"""`gdindex report --with audit`: the audit section, its charts and its wiring."""

from __future__ import annotations

from pathlib import Path

import pytest

import gdindex
from gdindex.analysis.audit import audit
from gdindex.cli import app
from gdindex.report.audit_section import audit_section, heatmap, importance_chart
from gdindex.report.document import Figure, Table
from gdindex.report.publish import build_report
from tests.conftest import SPECS, CliRunner


@pytest.fixture(scope="module")
def result() -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(SPECS / "guangdong.yaml"))


@pytest.fixture
def tiny(tiny_spec: Path) -> gdindex.IndexResult:
    return gdindex.compute(gdindex.load_spec(tiny_spec))


def test_section_has_a_heatmap_per_pillar_the_chart_and_the_flags(
    tiny: gdindex.IndexResult,
) -> None:
    found = audit(tiny, pooled=True)  # 3 units: too few for main effects alone

    section = audit_section(found, "en")

    figures = [b for b in section.blocks if isinstance(b, Figure)]
    tables = [b for b in section.blocks if isinstance(b, Table)]
    pillars = [n.id for n in tiny.nodes if n.depth == 1]
    assert [f.kind for f in figures].count("audit-heatmap") == len(pillars)
    assert [f.kind for f in figures].count("audit-importance") == 1
    assert all(f.svg.startswith("<svg") for f in figures)
    assert found.flags.height > 0 and len(tables[-1].rows) == found.flags.height
    assert tables[0].rows[0][2] == f"{found.cronbach['alpha'][0]:.3f}"
    assert section.anchor == "audit"


def test_charts_validate_against_vega_lite(result: gdindex.IndexResult) -> None:
    found = audit(result)

    for chart in (heatmap(found, "industry", "zh"), importance_chart(found, "zh")):
        spec = chart.to_dict(validate=True)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite")


def test_build_report_puts_extra_sections_before_the_notes_and_manifest(
    tiny: gdindex.IndexResult,
) -> None:
    section = audit_section(audit(tiny, pooled=True), "zh")

    report = build_report(tiny, "zh", extra=[section])

    anchors = [s.anchor for s in report.document.sections]
    assert anchors.count("audit") == 1 and anchors[-3] == "audit"
    assert anchors[-2:] == ["notes", "manifest"]
    assert 'id="audit"' in report.html()
    assert "charts/audit-importance.svg" in report.markdown()


def test_cli_report_with_audit(tiny_spec: Path, tmp_path: Path) -> None:
    runner = CliRunner()

    done = runner.invoke(
        app, ["report", str(tiny_spec), "--out", str(tmp_path / "r"), "--with", "audit"]
    )
    bad = runner.invoke(
        app, ["report", str(tiny_spec), "--out", str(tmp_path / "x"), "--with", "audt"]
    )

    assert done.exit_code == 0, done.stderr
    # 3 units in the latest period: main effects are left missing, and said so
    assert not (tmp_path / "r" / "charts" / "audit-importance.svg").exists()
    markdown = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "统计一致性审计" in markdown  # the default language is zh
    assert "主效应留空" in markdown
    assert bad.exit_code == 2 and "audit" in bad.stderr


def test_an_audit_of_too_few_units_says_it_could_not_be_computed(
    tmp_path: Path,
) -> None:
    from tests.analysis.test_audit_notes import TWO_TREE, TWO_UNITS, project

    spec = project(tmp_path / "two", TWO_TREE, TWO_UNITS, ["x1", "x2", "c1", "m1"])
    found = audit(gdindex.compute(gdindex.load_spec(spec)))

    for lang, said in (("en", "could not be computed"), ("zh", "无法计算")):
        section = audit_section(found, lang)
        text = " ".join(getattr(b, "text", "") for b in section.blocks)
        assert said in text and "--pooled" in text
        assert not [b for b in section.blocks if isinstance(b, Figure)]
        assert "No findings" not in text and "未发现问题" not in text
