"""The Excel report: read back, every number matches the result it was written from."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl
import pytest

import gdindex
from gdindex.errors import OutputError
from gdindex.pipeline import STAGES, IndexResult
from gdindex.pipeline.outputs import spec_sha256
from gdindex.report import workbook
from gdindex.report.workbook import (
    Column,
    bilingual,
    column_width,
    flatten,
    node_header,
    sheet_name,
    wrap_lines,
    write_workbook,
)
from tests.conftest import SPECS, write_project

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TOL = 1e-9

SHEETS_ZH = [
    "指数 Scores",
    "分组 Groups",
    "权重 Weights",
    "原始数据 Raw",  # no preparation ran: denominated … treated are left out
    "标准化 Normalised",
    "运行清单 Manifest",
]


@pytest.fixture(scope="module")
def result() -> IndexResult:
    return gdindex.compute(SPECS / "guangdong.yaml")


@pytest.fixture(scope="module")
def book(result: IndexResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(result, tmp_path_factory.mktemp("wb") / "report.xlsx")


def read(path: Path, sheet: str) -> pl.DataFrame:
    frame = pl.read_excel(
        path,
        sheet_name=sheet,
        infer_schema_length=None,
        drop_empty_rows=False,
        drop_empty_cols=False,
    )
    assert isinstance(frame, pl.DataFrame)
    return frame


def same(got: Any, want: Any) -> bool:
    """Equal numbers (within TOL), or both missing."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None
    return got is not None and abs(float(got) - float(want)) <= TOL


def assert_same_column(got: list[Any], want: list[Any], what: str) -> None:
    assert len(got) == len(want), what
    bad = [(i, g, w) for i, (g, w) in enumerate(zip(got, want, strict=True))]
    bad = [b for b in bad if not same(b[1], b[2])]
    assert bad == [], f"{what}: {bad[:5]}"


def sheet_xml(path: Path) -> dict[str, str]:
    """The XML of every worksheet, by sheet name."""
    with zipfile.ZipFile(path) as z:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        names = [s.get("name") or "" for s in book.iter(f"{MAIN}sheet")]
        return {
            name: z.read(f"xl/worksheets/sheet{i}.xml").decode("utf-8")
            for i, name in enumerate(names, start=1)
        }


def test_sheets_are_named_bilingually_within_31_characters(book: Path) -> None:
    names = list(sheet_xml(book))

    assert names == SHEETS_ZH
    assert all(len(name) <= 31 for name in names)
    assert all(len(sheet_name(key, "en")) <= 31 for key in workbook.SHEETS)


def test_scores_sheet_matches_the_result_value_for_value(
    result: IndexResult, book: Path
) -> None:
    sheet = read(book, "指数 Scores")
    units, periods = len(result.units), len(result.periods)
    assert sheet.height == units * periods
    keys = sheet.select(
        pl.col("代码 Unit").alias("unit"),
        pl.col("时期 Period").cast(pl.Int64).alias("period"),
    )
    assert keys.n_unique() == sheet.height
    assert set(keys["unit"]) == set(result.units["unit"])
    checked = 0
    for node in result.nodes:
        want = keys.join(
            result.scores.filter(pl.col("node") == node.id),
            on=["unit", "period"],
            how="left",
            maintain_order="left",
        )
        measures = ["score", "rank"]
        if node.kind != "indicator" and node.depth <= 1:
            measures += ["growth_pct", "rank_change"]
        else:
            assert node_header(node, "growth_pct") not in sheet.columns
        for measure in measures:
            col = node_header(node, measure)
            assert sheet[col].dtype.is_numeric(), col
            assert_same_column(
                sheet[col].to_list(), want[measure].to_list(), f"{node.id} {measure}"
            )
            checked += sheet.height
    assert checked >= len(result.scores) * 2  # every score and rank


def test_scores_sheet_layout(result: IndexResult, book: Path) -> None:
    sheet = read(book, "指数 Scores")
    root = result.nodes[0]

    assert sheet.columns[:7] == [
        "代码 Unit",
        "中文名称 Name (zh)",
        "英文名称 Name (en)",
        "时期 Period",
        "珠三角与粤东西北 PRD vs rest",
        "四大区域 Four regions",
        "一核一带一区 Core, coastal belt & northern zone",
    ]
    assert sheet.columns[7] == "数字经济指数 Digital Economy Index · 得分 Score"
    assert sheet.columns[8:11] == [
        "数字经济指数 Digital Economy Index · 排名 Rank",
        "数字经济指数 Digital Economy Index · 增速% Growth %",
        "数字经济指数 Digital Economy Index · 排名变动 Rank change",
    ]
    assert root.kind == "index"
    # the aggregates come before every indicator
    kinds = {node_header(n, "score"): n.kind for n in result.nodes}
    order = [kinds[c] for c in sheet.columns if c in kinds]
    assert order == sorted(order, key=["index", "aggregate", "indicator"].index)
    first = sheet.row(0, named=True)
    unit = result.units.row(0, named=True)
    assert first["中文名称 Name (zh)"] == unit["name_zh"] == "广州"
    assert first["珠三角与粤东西北 PRD vs rest"] == "珠三角"
    assert first["四大区域 Four regions"] == "珠三角"
    assert first["一核一带一区 Core, coastal belt & northern zone"] == "珠三角核心区"


@pytest.mark.parametrize("stage", ["raw", "normalised"])
def test_stage_sheets_match_the_result(
    result: IndexResult, book: Path, stage: str
) -> None:
    name = sheet_name(stage)
    sheet = read(book, name)
    want = result.stages[stage]

    assert sheet.height == want.height
    assert sheet["代码 Unit"].to_list() == want["unit"].to_list()
    assert sheet["时期 Period"].cast(pl.Int64).to_list() == want["period"].to_list()
    for ind in result.spec.indicators:
        col = f"{ind.name.zh} {ind.name.en}"
        assert sheet[col].dtype.is_numeric(), col
        assert_same_column(sheet[col].to_list(), want[ind.id].to_list(), ind.id)
    assert len(sheet.columns) == 4 + len(result.spec.indicators)


def test_stages_that_changed_nothing_are_left_out_and_said(
    result: IndexResult, book: Path, tmp_path: Path
) -> None:
    manifest = read(book, "运行清单 Manifest")
    rows = dict(
        zip(manifest[manifest.columns[0]], manifest[manifest.columns[1]], strict=True)
    )

    assert workbook.unchanged_stages(result) == [
        "denominated",
        "imputed",
        "screened",
        "treated",
    ]
    assert "没有单元格被改动" in rows["stages_left_out"]
    # with preparation, the stages that changed cells keep their sheets
    prepared = gdindex.compute(SPECS / "guangdong_workbook.yaml")
    kept = write_workbook(prepared, tmp_path / "p.xlsx")
    names = list(sheet_xml(kept))
    assert "分母折算 Denominated" in names and "缺失插补 Imputed" in names
    assert "异常值处理 Treated" in names
    assert all(stage in STAGES for stage in workbook.unchanged_stages(prepared))


def test_missing_values_are_empty_cells(result: IndexResult, book: Path) -> None:
    raw = result.stages["raw"]
    missing = sum(raw.null_count().row(0))
    sheet = read(book, "原始数据 Raw")
    xml = "".join(sheet_xml(book).values())

    assert missing > 0  # the sample has gaps
    assert sum(sheet.null_count().row(0)) == missing
    assert not re.search(r"(?i)>(nan|inf|-inf|none|null)<", xml)
    assert 't="e"' not in xml  # no error cells (#NUM!)


def test_weights_sheet_matches_the_result(result: IndexResult, book: Path) -> None:
    sheet = read(book, "权重 Weights")
    want = result.weights
    assert result.weighting is not None
    nominal = [r.nominal for r in result.weighting.rows]

    assert sheet["节点 Node"].to_list() == want["node"].to_list()
    assert sheet["上级节点 Parent"].to_list() == want["parent"].to_list()
    assert sheet["赋权方法 Method"].to_list() == want["method"].to_list()
    for col, values in (
        ("派生权重 Derived weight", want["weight"].to_list()),
        ("有效权重 Effective weight", want["effective_weight"].to_list()),
        ("名义权重 Nominal weight", nominal),
    ):
        assert sheet[col].dtype == pl.Float64, col
        assert_same_column(sheet[col].to_list(), values, col)
    names = {n.id: n.name_en for n in result.nodes}
    assert sheet["英文名称 Name (en)"].to_list() == [names[n] for n in want["node"]]


def test_groups_sheet_matches_the_result(result: IndexResult, book: Path) -> None:
    sheet = read(book, "分组 Groups")
    want = result.groups

    assert sheet.height == want.height > 0
    assert sheet["节点 Node"].to_list() == want["node"].to_list()
    assert sheet["时期 Period"].cast(pl.Int64).to_list() == want["period"].to_list()
    assert_same_column(sheet["得分 Score"].to_list(), want["score"].to_list(), "score")
    assert_same_column(
        sheet["增速% Growth %"].to_list(), want["growth_pct"].to_list(), "growth"
    )
    assert_same_column(
        sheet["单位数 Units"].to_list(), want["n_units"].to_list(), "n_units"
    )
    # grouping and group labels in the report's language
    assert sheet["分组方式 Grouping"][0] == "珠三角与粤东西北"
    assert "北部生态发展区" in sheet["分组 Group"].to_list()


def test_manifest_sheet_holds_the_manifest(result: IndexResult, book: Path) -> None:
    sheet = read(book, "运行清单 Manifest")
    rows = dict(zip(sheet["项目 Key"], sheet["内容 Value"], strict=True))

    assert rows["spec.id"] == result.spec.id
    assert rows["spec.sha256"] == spec_sha256(result)
    assert rows["periods"] == "[2021, 2022, 2023]"
    assert rows["format"] == "xlsx"
    assert float(rows["rows.scores"]) == result.units.height * len(result.periods)
    assert any(key.startswith("inputs[0].sha256") for key in rows)
    assert len(rows) == sheet.height  # keys are unique


def test_header_row_and_id_columns_are_frozen(book: Path) -> None:
    panes = {
        name: re.search(r"<pane [^>]*/>", xml) for name, xml in sheet_xml(book).items()
    }

    for name, pane in panes.items():
        assert pane is not None, name
        assert 'state="frozen"' in pane.group(0), name
        assert 'ySplit="1"' in pane.group(0), name
    wide = ["指数 Scores", *(sheet_name(s) for s in ("raw", "normalised"))]
    for name in wide:
        pane = panes[name]
        assert pane is not None and 'xSplit="4"' in pane.group(0), name


def _formats(path: Path) -> list[str]:
    """The number format of every cell style (by style index)."""
    with zipfile.ZipFile(path) as z:
        styles = ElementTree.fromstring(z.read("xl/styles.xml"))
    custom = {
        f.get("numFmtId"): f.get("formatCode") for f in styles.iter(f"{MAIN}numFmt")
    }
    builtin = {"0": "General", "1": "0", "2": "0.00"}
    xfs = styles.find(f"{MAIN}cellXfs")
    assert xfs is not None
    out = []
    for xf in xfs:
        fid = xf.get("numFmtId", "0")
        out.append(custom.get(fid) or builtin.get(fid, fid))
    return out


def _style(xml: str, cell: str) -> int:
    found = re.search(rf'<c r="{cell}"(?: s="(\d+)")?', xml)
    assert found is not None, cell
    return int(found.group(1) or 0)


def test_number_formats(book: Path) -> None:
    formats = _formats(book)
    xml = sheet_xml(book)

    assert formats[_style(xml["指数 Scores"], "H2")] == "0.00"  # index score
    assert formats[_style(xml["指数 Scores"], "I2")] == "0"  # index rank
    assert formats[_style(xml["权重 Weights"], "I2")] == "0.0000"  # effective
    assert formats[_style(xml["标准化 Normalised"], "E2")] == "0.00"
    # numbers are numbers: score cells carry no type attribute (t="s" is text)
    assert re.search(r'<c r="H2" s="\d+"><v>[0-9.]+</v>', xml["指数 Scores"])


def test_column_widths_count_cjk_double() -> None:
    latin = Column("x", ["Guangzhou"])
    cjk = Column("x", ["广州市天河区"])
    numbers = Column("x", [12.3456789, None, math.nan], "score")

    assert column_width(latin) == 9 + 2
    assert column_width(cjk) == 12 + 2
    assert column_width(numbers) == 7  # "12.35" → 5 + 2 (missing cells show nothing)
    assert column_width(Column("x", [None], "score")) == 4  # the floor
    assert column_width(Column("y" * 200, [1.0], "score")) == 22  # headers wrap
    assert column_width(Column("x", ["z" * 500])) == workbook.MAX_WIDTH


def test_wrap_lines() -> None:
    assert wrap_lines("排名 Rank", 20) == 1
    assert wrap_lines("aaaa bbbb cccc", 9) == 2
    assert wrap_lines("人均工业互联网标识注册量", 10) == 3  # 24 cells


def test_widths_are_written(book: Path) -> None:
    xml = sheet_xml(book)["权重 Weights"]
    cols = re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml)

    assert cols  # every column has a fitted width
    widths = [float(w) for _, _, w in cols]
    assert max(widths) <= workbook.MAX_WIDTH + 1


def test_rerun_is_byte_identical(
    result: IndexResult, book: Path, tmp_path: Path
) -> None:
    again = gdindex.compute(SPECS / "guangdong.yaml")
    second = write_workbook(again, tmp_path / "other.xlsx")
    third = write_workbook(result, tmp_path / "other.xlsx")  # overwrites in place

    assert second.read_bytes() == book.read_bytes()
    assert third.read_bytes() == book.read_bytes()
    with zipfile.ZipFile(book) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "2000-01-01T00:00:00Z" in core
    assert "广东省数字经济指数" in core  # the title, in the report's language
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.xlsx"]


def test_english_labels_lead_with_lang_en(result: IndexResult, tmp_path: Path) -> None:
    path = write_workbook(result, tmp_path / "report.xlsx", lang="en")
    names = list(sheet_xml(path))
    sheet = read(path, "Scores 指数")
    groups = read(path, "Groups 分组")

    assert names[0] == "Scores 指数" and names[-1] == "Manifest 运行清单"
    assert groups.columns[:2] == ["Grouping 分组方式", "Group 分组"]
    assert "Digital Economy Index 数字经济指数 · Rank 排名" in sheet.columns
    assert sheet["PRD vs rest 珠三角与粤东西北"][0] == "Pearl River Delta"
    assert groups["Grouping 分组方式"][0] == "PRD vs rest"


def test_unknown_lang_is_refused(result: IndexResult, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown language"):
        write_workbook(result, tmp_path / "report.xlsx", lang="fr")
    assert not (tmp_path / "report.xlsx").exists()


def test_failed_write_keeps_the_old_file(
    result: IndexResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"old")

    def broken(target: Path, *args: Any) -> None:
        target.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook, "_write_book", broken)
    with pytest.raises(OutputError, match="cannot write the workbook"):
        write_workbook(result, path)

    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_unwritable_directory_is_an_output_error(
    result: IndexResult, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")

    with pytest.raises(OutputError) as caught:
        write_workbook(result, blocker / "report.xlsx")
    assert caught.value.issues and "report.xlsx" in caught.value.issues[0].where


def test_tiny_project_missing_cell_and_text_periods(tmp_path: Path) -> None:
    spec = write_project(tmp_path / "p")
    result = gdindex.compute(spec)
    path = write_workbook(result, tmp_path / "out" / "report.xlsx")
    raw = read(path, "原始数据 Raw")
    scores = read(path, "指数 Scores")

    row = raw.filter(
        (pl.col("代码 Unit") == "B") & (pl.col("时期 Period").cast(pl.Int64) == 2021)
    )
    assert row["指标三 Three"].to_list() == [None]  # B's i3 is missing in 2021
    assert row["指标一 One"].to_list() == [20.0]
    # first period: no growth, an empty cell
    first = scores.filter(pl.col("时期 Period").cast(pl.Int64) == 2021)
    assert first["总指数 Index · 增速% Growth %"].null_count() == first.height == 3
    assert scores["总指数 Index · 得分 Score"].dtype == pl.Float64


def test_bilingual_labels() -> None:
    assert bilingual("排名", "Rank") == "排名 Rank"
    assert bilingual("排名", "Rank", "en") == "Rank 排名"
    assert bilingual("广州", None) == "广州"
    assert bilingual(None, "Index", "zh") == "Index"
    assert bilingual("dei", "dei") == "dei"


def test_flatten_nested_values() -> None:
    rows = flatten(
        {
            "a": {"b": 1, "c": [1, 2]},
            "d": [{"e": "x"}, {"e": None}],
            "f": {},
            "g": [],
        }
    )

    assert rows == [
        ("a.b", 1),
        ("a.c", "[1, 2]"),
        ("d[0].e", "x"),
        ("d[1].e", None),
        ("f", "{}"),
        ("g", "[]"),
    ]


def test_duplicate_headers_get_the_node_id() -> None:
    cols = [Column("same", [1.0]), Column("same", [2.0]), Column("other", [3.0])]

    out = workbook._unique(cols, ["a", "b", "c"])

    assert [c.header for c in out] == ["same [a]", "same [b]", "other"]


def test_nan_and_infinity_are_written_as_empty_cells(
    result: IndexResult, tmp_path: Path
) -> None:
    values = [1.5, math.nan, math.inf, -math.inf, None, 2]
    sheet = workbook.Sheet("scores", [Column("x", values, "score")], frozen=0)
    path = tmp_path / "nan.xlsx"

    workbook._write_book(path, result, [sheet], "zh")

    got = read(path, "指数 Scores")
    assert got["x"].to_list() == [1.5, None, None, None, None, 2.0]
    xml = sheet_xml(path)["指数 Scores"]
    assert not re.search(r"(?i)nan|inf", re.sub(r"<[^>]+>", " ", xml))


def test_tables_too_large_for_excel_are_refused(
    result: IndexResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 50)

    with pytest.raises(OutputError, match="too large") as caught:
        write_workbook(result, tmp_path / "report.xlsx")

    where = {issue.where for issue in caught.value.issues}
    assert "指数 Scores" in where and "权重 Weights" not in where  # 64 rows vs 48
    assert not (tmp_path / "report.xlsx").exists()
