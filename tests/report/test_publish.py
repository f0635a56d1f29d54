"""`gdindex report`: the HTML/Markdown/Excel report, byte-stable and self-contained."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import gdindex
from gdindex.cli import app
from gdindex.errors import GdindexError, OutputError
from gdindex.pipeline import IndexResult
from gdindex.report.publish import build_report, write_report
from tests.conftest import SPECS, CliRunner

MAX_BYTES = 5 * 1024 * 1024
EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?\s*(?:[a-z]+:)?//"""
    r"""|url\(\s*["']?\s*(?:[a-z]+:)?//|@import)""",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def guangdong() -> IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


@pytest.fixture(scope="module")
def written(
    guangdong: IndexResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("report")
    return out, write_report(guangdong, out)


def test_writes_html_markdown_workbook_and_charts(
    written: tuple[Path, list[Path]],
) -> None:
    out, files = written
    names = [p.relative_to(out).as_posix() for p in files]

    assert names[:3] == ["report.html", "report.md", "report.xlsx"]
    charts = sorted(n for n in names if n.startswith("charts/"))
    assert len(charts) == 4 + 3 + 21  # ranking, heatmap, quadrant, trend; groups
    assert "charts/quadrant.svg" in charts and "charts/profile-440300.svg" in charts
    assert all((out / n).stat().st_size > 0 for n in names)
    assert not list(out.glob(".gdindex-*"))  # the temporary directory is gone


def test_html_is_self_contained_and_small(written: tuple[Path, list[Path]]) -> None:
    out, _ = written
    page = (out / "report.html").read_text(encoding="utf-8")

    assert (out / "report.html").stat().st_size <= MAX_BYTES
    assert EXTERNAL.findall(page) == []
    assert "<script" not in page
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei"' in page


def test_html_has_every_section_chart_and_profile(
    written: tuple[Path, list[Path]],
) -> None:
    page = (written[0] / "report.html").read_text(encoding="utf-8")

    for anchor in (
        "method",
        "ranking",
        "pillars",
        "quadrants",
        "trend",
        "groups",
        "profiles",
        "notes",
        "manifest",
    ):
        assert f'<section id="{anchor}"' in page
    kinds = re.findall(r'data-chart="([a-z]+)"', page)
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "ranking": 1,
        "heatmap": 1,
        "quadrant": 1,
        "trend": 1,
        "group": 3,
        "profile": 21,
    }
    assert page.count("<svg") == 28
    assert len(re.findall(r'class="profile" data-unit="\d{6}"', page)) == 21
    for text in ("双高", "黑马", "稳健", "追赶", "珠三角", "粤东西北", "深圳 Shenzhen"):
        assert text in page


def test_ranking_table_shows_growth_and_rank_changes(
    written: tuple[Path, list[Path]],
) -> None:
    page = (written[0] / "report.html").read_text(encoding="utf-8")
    ranking = page[page.index('<section id="ranking"') : page.index('id="pillars"')]

    assert "<th>名次变动</th>" in ranking and '<th class="num">增速%</th>' in ranking
    # 佛山 moved up one place to rank 3 with +16.59 % (README tour)
    row = re.search(r"<tr><td class=\"num\">3</td>.*?</tr>", ranking)
    assert row is not None
    assert "▲1" in row.group(0) and "佛山 Foshan" in row.group(0)
    assert "+16.59" in row.group(0)


def test_profiles_list_contributions_strongest_and_weakest_indicators(
    written: tuple[Path, list[Path]],
) -> None:
    page = (written[0] / "report.html").read_text(encoding="utf-8")
    start = page.index('data-unit="441500"')  # 汕尾, last
    profile = page[start : page.index("</section>", start)]

    assert "优势指标（排名最前）" in profile and "短板指标（排名最后）" in profile
    assert "中位数地区" in profile and "历年表现" in profile  # explain's reference
    assert "差距贡献：拖后腿最多与助力最多的指标" in profile
    # three strongest, three weakest, six gap contributions (three at each end)
    assert profile.count("/21</td>") == 12


def test_markdown_references_existing_charts(
    written: tuple[Path, list[Path]],
) -> None:
    out, _ = written
    md = (out / "report.md").read_text(encoding="utf-8")
    referenced = re.findall(r"\]\((charts/[^)]+\.svg)\)", md)

    assert len(referenced) == 28
    assert all((out / ref).is_file() for ref in referenced)
    assert sorted(referenced) == sorted(
        p.relative_to(out).as_posix() for p in (out / "charts").glob("*.svg")
    )
    assert md.startswith("# 广东省数字经济指数 · 2023\n")
    assert "| 排名 | 名次变动 | 地区 |" in md
    assert "```json\n{" in md  # the manifest


def test_regeneration_is_byte_identical(
    guangdong: IndexResult, written: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    first, files = written

    again = write_report(guangdong, tmp_path)

    assert [p.relative_to(tmp_path) for p in again] == [
        p.relative_to(first) for p in files
    ]
    for path in files:
        if path.suffix in (".html", ".md", ".svg"):
            rel = path.relative_to(first)
            assert (tmp_path / rel).read_bytes() == path.read_bytes(), rel


def test_manifest_time_is_opt_in(guangdong: IndexResult) -> None:
    import gdindex.report.publish as publish

    plain = publish._manifest(guangdong, "zh", 2023, with_time=False)
    timed = publish._manifest(guangdong, "zh", 2023, with_time=True)

    assert "created" not in plain and "created" in timed
    assert list(timed)[-1] == "created"
    assert plain["report"] == {"lang": "zh", "period": 2023}
    assert "format" not in plain and plain["spec"]["id"] == "gd-dei"


def test_english_labels(tiny_spec: Path) -> None:
    report = build_report(gdindex.compute(tiny_spec), lang="en")
    page, md = report.html(), report.markdown()

    assert '<html lang="en">' in page
    for text in ("Ranking", "Unit profiles", "Data notes", "Manifest", "Alpha"):
        assert text in page and text in md
    assert "综合排名" not in page and "地区画像" not in page
    assert "Strongest indicators" in page


def test_first_period_has_no_growth_and_no_quadrants(tiny_spec: Path) -> None:
    report = build_report(gdindex.compute(tiny_spec), period=2021)
    page = report.html()

    assert report.period == 2021
    assert 'data-chart="quadrant"' not in page
    assert "是第一期" in page
    assert "增速%" not in page[page.index('id="ranking"') : page.index('id="pillars"')]


def test_unknown_period_is_an_error(tiny_spec: Path) -> None:
    with pytest.raises(GdindexError, match="1999"):
        build_report(gdindex.compute(tiny_spec), period=1999)


def test_data_notes_list_imputed_cells(tiny_spec: Path) -> None:
    spec = gdindex.load_spec(tiny_spec, ["defaults.impute.method=mean"])

    page = build_report(gdindex.compute(spec)).html()
    notes = page[page.index('<section id="notes"') : page.index('id="manifest"')]

    assert "缺失插补" in notes and "乙城 2021" in notes
    assert "imputed:mean" in notes
    assert "defaults.impute.method=mean" in page  # overrides in the method table


def test_stale_charts_are_removed_other_files_kept(
    tiny_spec: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "charts").mkdir(parents=True)
    (out / "charts" / "profile-OLD.svg").write_text("<svg/>", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")

    files = write_report(gdindex.compute(tiny_spec), out)

    assert not (out / "charts" / "profile-OLD.svg").exists()
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert all(p.exists() for p in files)


def test_unwritable_directory_is_an_output_error(
    tiny_spec: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")

    with pytest.raises(OutputError, match="cannot write the report"):
        write_report(gdindex.compute(tiny_spec), blocker / "out")


def test_cli_report_lists_the_files(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "rep"
    result = CliRunner().invoke(
        app, ["report", str(tiny_spec), "--out", str(out), "--lang", "en"]
    )

    assert result.exit_code == 0, result.output
    assert f"wrote {3 + 4 + 1 + 3} files to {out}" in result.stdout
    assert str(out / "report.html") in result.stdout
    assert "Ranking" in (out / "report.html").read_text(encoding="utf-8")
    assert not any(line.startswith("{") for line in result.stdout.splitlines())


def test_cli_report_period_and_errors(tiny_spec: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(
        app,
        ["report", str(tiny_spec), "--out", str(tmp_path / "a"), "--period", "2021"],
    )
    bad = runner.invoke(
        app,
        ["report", str(tiny_spec), "--out", str(tmp_path / "b"), "--period", "1999"],
    )
    usage = runner.invoke(app, ["report", str(tiny_spec)])

    assert ok.exit_code == 0, ok.output
    assert "2021" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
    assert bad.exit_code == 1 and "1999" in bad.stderr
    assert not (tmp_path / "b").exists()
    assert usage.exit_code == 2


def test_cli_manifest_time(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "t"
    result = CliRunner().invoke(
        app, ["report", str(tiny_spec), "--out", str(out), "--manifest-time"]
    )

    assert result.exit_code == 0, result.output
    md = (out / "report.md").read_text(encoding="utf-8")
    manifest = json.loads(md.split("```json\n", 1)[1].split("\n```", 1)[0])
    assert "created" in manifest
