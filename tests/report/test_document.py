"""The report document model renders the same content as HTML and as Markdown."""

from __future__ import annotations

from gdindex.report.document import (
    FONT_STACK,
    Bullets,
    Cell,
    Code,
    Document,
    Figure,
    Grid,
    Links,
    Para,
    Section,
    Table,
    to_html,
    to_markdown,
)

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


def sample() -> Document:
    table = Table(
        ["地区", "得分"],
        [["深圳 <SZ>", Cell("98.6", "strong")], ["a|b", Cell("+1.2", "up")]],
        numeric=[False, True],
        caption="排名",
    )
    return Document(
        title="测试 & 报告",
        subtitle="2023",
        lang="zh",
        toc_title="目录",
        sections=[
            Section(
                "one",
                "第一节",
                [
                    Para("说明 *不是* 强调"),
                    Bullets(["甲", "乙"]),
                    Links([("unit-a", "1. 甲")]),
                    Grid([[Figure("chart-a", "bar", "图一", SVG)], [table]]),
                    Section(
                        "unit-a",
                        "甲",
                        [Code('{"a": 1}', "json")],
                        3,
                        "profile",
                        {"data-unit": "A"},
                    ),
                ],
            )
        ],
        footer="页脚",
        generator="gdindex test",
    )


def test_html_is_one_self_contained_page() -> None:
    page = to_html(sample())

    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<title>测试 &amp; 报告</title>" in page
    assert FONT_STACK in page  # CJK fonts first
    assert "<link" in page and 'href="data:,"' in page  # no favicon request
    assert 'href="#one"' in page and 'href="#unit-a"' in page
    assert page.rstrip().endswith("</html>")


def test_html_escapes_text_and_aligns_numbers() -> None:
    page = to_html(sample())

    assert "深圳 &lt;SZ&gt;" in page
    assert '<td class="num strong">98.6</td>' in page
    assert '<td class="num up">+1.2</td>' in page
    assert '<th class="num">得分</th>' in page
    assert "<caption>排名</caption>" in page


def test_html_figures_are_inlined_with_their_role() -> None:
    page = to_html(sample())

    assert '<figure class="chart" id="chart-chart-a" data-chart="bar">' in page
    assert SVG in page
    assert '<section id="unit-a" class="profile" data-unit="A">' in page
    assert '<div class="grid">' in page


def test_markdown_has_the_same_content() -> None:
    md = to_markdown(sample(), "charts")

    assert md.startswith("# 测试 & 报告\n")
    assert "1. [第一节](#one)" in md
    assert '<a id="one"></a>\n\n## 第一节' in md
    assert "说明 \\*不是\\* 强调" in md
    assert "![图一](charts/chart-a.svg)" in md
    assert "| 地区 | 得分 |\n|---|---:|" in md
    assert "| 深圳 \\<SZ\\> | **98.6** |" in md
    assert "| a\\|b | +1.2 |" in md
    assert "### 甲" in md and '```json\n{"a": 1}\n```' in md
    assert "- [1. 甲](#unit-a)" in md
    assert md.endswith("页脚\n")


def test_code_fences_grow_around_backticks() -> None:
    doc = Document("t", "s", "en", [Section("a", "A", [Code("x ``` y")])])

    assert "````\nx ``` y\n````" in to_markdown(doc)


def test_figures_are_listed_in_document_order() -> None:
    assert [f.name for f in sample().figures()] == ["chart-a"]


def test_bold_survives_a_full_width_space() -> None:
    # a tree indented with full-width spaces: CommonMark ignores `** 基础**`
    table = Table(
        ["节点", "得分"],
        [[Cell("\u3000\u3000基础", "strong"), Cell("98.6", "strong")]],
        caption="\u3000说明",
    )
    doc = Document(
        title="t",
        subtitle="",
        lang="zh",
        toc_title="目录",
        sections=[Section("s", "一", [table, Para("\u3000注 ", "note")])],
    )

    md = to_markdown(doc)

    assert "| \u3000\u3000**基础** | **98.6** |" in md
    assert "\u3000**说明**" in md and "\u3000*注* " in md
    assert "** " not in md.replace("** |", "") and "**\u3000" not in md
