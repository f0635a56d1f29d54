"""A small document model for published reports, rendered as HTML and Markdown.

The report's content is built once as blocks (headings, paragraphs, tables, figures,
code) and rendered twice, so that `report.html` and `report.md` say the same thing.
The HTML is one self-contained page: CSS inlined, figures inlined as SVG, no
reference to anything outside the file. Nothing here knows about indices.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    "sans-serif"
)


@dataclass(frozen=True)
class Cell:
    """A table cell with a style class (`up`, `down`, `muted`, `strong`)."""

    text: str
    cls: str | None = None


@dataclass
class Heading:
    level: int
    text: str
    anchor: str | None = None


@dataclass
class Para:
    text: str
    cls: str | None = None


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Links:
    """Links to anchors of the document: `(anchor, text)`."""

    items: list[tuple[str, str]]
    cls: str | None = None


@dataclass
class Table:
    header: list[str]
    rows: list[list[str | Cell]]
    numeric: list[bool] = field(default_factory=list)
    """Right-align these columns (one flag per column; missing = False)."""
    caption: str | None = None
    cls: str | None = None


@dataclass
class Figure:
    """A chart: `name` is its file stem (`charts/<name>.svg`), `kind` its role
    (the HTML `data-chart` attribute)."""

    name: str
    kind: str
    caption: str
    svg: str


@dataclass
class Code:
    text: str
    lang: str = ""


@dataclass
class Details:
    """Content folded under a summary line (HTML `<details>`, which GitHub's
    Markdown renders too); keep what a printed copy needs outside it."""

    summary: str
    blocks: list[Block]


@dataclass
class Grid:
    """Columns side by side in HTML (one after the other in Markdown)."""

    columns: list[list[Block]]
    cls: str | None = None


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block]
    level: int = 2
    cls: str | None = None
    attrs: dict[str, str] = field(default_factory=dict)
    """Extra HTML attributes (`data-unit` …)."""


Block = (
    Heading | Para | Bullets | Links | Table | Figure | Code | Details | Grid | Section
)


@dataclass
class Document:
    title: str
    subtitle: str
    lang: str
    sections: list[Section]
    toc_title: str = "Contents"
    footer: str = ""
    generator: str = ""

    def figures(self) -> list[Figure]:
        """Every figure, in document order."""
        found: list[Figure] = []

        def walk(blocks: list[Block]) -> None:
            for b in blocks:
                if isinstance(b, Figure):
                    found.append(b)
                elif isinstance(b, Section):
                    walk(b.blocks)
                elif isinstance(b, Details):
                    walk(b.blocks)
                elif isinstance(b, Grid):
                    for col in b.columns:
                        walk(col)

        walk(list(self.sections))
        return found


# --------------------------------------------------------------------------- HTML

CSS = """
:root { --fg: #1f2328; --muted: #59636e; --line: #d9dee3; --head: #f2f5f8;
  --accent: #1f5fa8; --up: #1a7f37; --down: #c62828; }
* { box-sizing: border-box; }
html { font-family: FONTS; color: var(--fg); background: #fff;
  -webkit-text-size-adjust: 100%; }
body { max-width: 1200px; margin: 0 auto; padding: 28px 32px 56px; font-size: 14px;
  line-height: 1.55; }
header h1 { font-size: 28px; margin: 0 0 6px; line-height: 1.25; }
header .subtitle { color: var(--muted); margin: 0 0 18px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 5px;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 17px; margin: 26px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; color: var(--muted); }
p { margin: 6px 0 10px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.strong { font-weight: 700; }
.up { color: var(--up); }
.down { color: var(--down); }
nav.toc { background: var(--head); border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 18px; margin: 10px 0 24px; }
nav.toc h2 { font-size: 15px; margin: 0 0 4px; border: 0; padding: 0; }
nav.toc ol { margin: 0; padding-left: 22px; columns: 2; }
.table-wrap { overflow-x: auto; margin: 8px 0 16px; }
table { border-collapse: collapse; font-size: 13px; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 2px 0 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 9px; text-align: left;
  vertical-align: top; white-space: nowrap; }
td.wrap, th.wrap { white-space: normal; min-width: 14em; }
table.wide td, table.wide th { white-space: normal; }
thead th { background: var(--head); font-weight: 600;
  border-bottom: 1px solid #b9c1ca; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 10px 0 22px; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(330px, 1fr));
  gap: 6px 28px; align-items: start; }
.grid > div { min-width: 0; }
section.profile { border: 1px solid var(--line); border-radius: 8px;
  padding: 4px 18px 6px; margin: 18px 0; }
section.profile h3 { margin-top: 12px; }
ul.index { list-style: none; padding: 0; display: flex; flex-wrap: wrap;
  gap: 4px 14px; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 6px;
  padding: 10px 12px; font-size: 11.5px; line-height: 1.45; white-space: pre-wrap;
  word-break: break-all; }
details { margin: 8px 0 16px; }
summary { cursor: pointer; color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px;
  border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4; margin: 12mm 11mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; line-height: 1.4; }
  header h1 { font-size: 22px; }
  h2 { font-size: 17px; margin: 0 0 8px; break-before: page; }
  h3 { font-size: 14px; margin: 10px 0 4px; }
  h2, h3, h4 { break-after: avoid; }
  nav.toc { display: none; }
  figure, pre, tr { break-inside: avoid; }
  figure { margin: 4px 0 10px; }
  figure svg { max-height: 120mm; width: auto; max-width: 100%; }
  .table-wrap { overflow: visible; margin: 4px 0 10px; }
  /* tables fit the page: text wraps, numbers do not */
  table { font-size: 9px; max-width: 100%; }
  th, td { white-space: normal; padding: 1px 4px; overflow-wrap: anywhere; }
  td.num, th.num { white-space: nowrap; overflow-wrap: normal; }
  td.wrap, th.wrap { min-width: 0; }
  /* a unit profile on half a page: its table and chart side by side */
  section.profile { break-inside: avoid; border: 0; border-top: 1px solid var(--line);
    border-radius: 0; padding: 2px 0 0; margin: 6px 0; }
  section.profile figure svg { max-height: 55mm; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 2px 14px; }
  ul.index { display: none; }
  a { color: inherit; }
  tbody tr:nth-child(even) td { background: none; }
}
""".replace("FONTS", FONT_STACK)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _attrs(items: dict[str, str]) -> str:
    return "".join(f' {k}="{_e(v)}"' for k, v in items.items())


def to_html(doc: Document) -> str:
    """The document as one self-contained HTML page."""
    lang = "zh-CN" if doc.lang == "zh" else doc.lang
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if doc.generator:
        out.append(f'<meta name="generator" content="{_e(doc.generator)}">')
    out += [
        '<link rel="icon" href="data:,">',
        f"<title>{_e(doc.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(doc.title)}</h1>",
        f'<p class="subtitle">{_e(doc.subtitle)}</p>',
        "</header>",
        '<nav class="toc">',
        f"<h2>{_e(doc.toc_title)}</h2>",
        "<ol>",
    ]
    out += [
        f'<li><a href="#{_e(s.anchor)}">{_e(s.title)}</a></li>' for s in doc.sections
    ]
    out += ["</ol>", "</nav>", "<main>"]
    for section in doc.sections:
        _html_block(section, out)
    out.append("</main>")
    if doc.footer:
        out.append(f"<footer>{_e(doc.footer)}</footer>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _html_block(block: Block, out: list[str]) -> None:
    if isinstance(block, Section):
        attrs = {"id": block.anchor, **({"class": block.cls} if block.cls else {})}
        attrs.update(block.attrs)
        out.append(f"<section{_attrs(attrs)}>")
        level = min(max(block.level, 1), 6)
        out.append(f"<h{level}>{_e(block.title)}</h{level}>")
        for b in block.blocks:
            _html_block(b, out)
        out.append("</section>")
    elif isinstance(block, Heading):
        level = min(max(block.level, 1), 6)
        anchor = f' id="{_e(block.anchor)}"' if block.anchor else ""
        out.append(f"<h{level}{anchor}>{_e(block.text)}</h{level}>")
    elif isinstance(block, Para):
        cls = f' class="{_e(block.cls)}"' if block.cls else ""
        out.append(f"<p{cls}>{_e(block.text)}</p>")
    elif isinstance(block, Bullets):
        out.append("<ul>")
        out += [f"<li>{_e(item)}</li>" for item in block.items]
        out.append("</ul>")
    elif isinstance(block, Links):
        cls = f' class="{_e(block.cls)}"' if block.cls else ""
        out.append(f"<ul{cls}>")
        out += [f'<li><a href="#{_e(a)}">{_e(t)}</a></li>' for a, t in block.items]
        out.append("</ul>")
    elif isinstance(block, Table):
        _html_table(block, out)
    elif isinstance(block, Figure):
        out.append(
            f'<figure class="chart" id="chart-{_e(block.name)}" '
            f'data-chart="{_e(block.kind)}">'
        )
        out.append(block.svg.strip())
        out.append(f"<figcaption>{_e(block.caption)}</figcaption>")
        out.append("</figure>")
    elif isinstance(block, Code):
        out.append(f"<pre><code>{_e(block.text)}</code></pre>")
    elif isinstance(block, Details):
        out.append(f"<details><summary>{_e(block.summary)}</summary>")
        for b in block.blocks:
            _html_block(b, out)
        out.append("</details>")
    elif isinstance(block, Grid):
        cls = "grid" + (f" {block.cls}" if block.cls else "")
        out.append(f'<div class="{_e(cls)}">')
        for col in block.columns:
            out.append("<div>")
            for b in col:
                _html_block(b, out)
            out.append("</div>")
        out.append("</div>")
    else:  # pragma: no cover - exhaustive over Block
        raise TypeError(f"unknown block {type(block).__name__}")


def _html_table(table: Table, out: list[str]) -> None:
    def num(i: int) -> bool:
        return i < len(table.numeric) and table.numeric[i]

    cls = f' class="{_e(table.cls)}"' if table.cls else ""
    out.append(f'<div class="table-wrap"><table{cls}>')
    if table.caption:
        out.append(f"<caption>{_e(table.caption)}</caption>")
    right = ' class="num"'
    head = "".join(
        f"<th{right if num(i) else ''}>{_e(h)}</th>" for i, h in enumerate(table.header)
    )
    out.append(f"<thead><tr>{head}</tr></thead>")
    out.append("<tbody>")
    for row in table.rows:
        cells = []
        for i, cell in enumerate(row):
            text, extra = (
                (cell.text, cell.cls) if isinstance(cell, Cell) else (cell, None)
            )
            classes = " ".join(c for c in ("num" if num(i) else None, extra) if c)
            attr = f' class="{_e(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_e(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")


# --------------------------------------------------------------------------- Markdown


def _md_inline(text: str) -> str:
    """Escape what Markdown would otherwise interpret inside running text."""
    for ch in ("\\", "*", "_", "`", "<", ">", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return text


def _emphasis(text: str, marker: str) -> str:
    """`**text**` (or `*text*`) with the markers inside any leading or trailing white
    space (a full-width space `\u3000` too): CommonMark ignores a `**` that is
    followed or preceded by white space, which left a bold cell unbolded."""
    core = text.strip()
    if not core:
        return text
    start = text.index(core)
    return f"{text[:start]}{marker}{core}{marker}{text[start + len(core) :]}"


def _md_cell(cell: str | Cell) -> str:
    text = cell.text if isinstance(cell, Cell) else cell
    text = _md_inline(text).replace("|", "\\|").replace("\n", " ")
    if isinstance(cell, Cell) and "strong" in (cell.cls or "").split() and text:
        text = _emphasis(text, "**")
    return text


def to_markdown(doc: Document, chart_dir: str = "charts") -> str:
    """The document as Markdown; figures are images `chart_dir/<name>.svg`."""
    out = [f"# {_md_inline(doc.title)}", "", _md_inline(doc.subtitle), ""]
    out += [f"## {_md_inline(doc.toc_title)}", ""]
    out += [
        f"{i}. [{_md_inline(s.title)}](#{s.anchor})"
        for i, s in enumerate(doc.sections, 1)
    ]
    out.append("")
    for section in doc.sections:
        _md_block(section, out, chart_dir)
    if doc.footer:
        out += ["---", "", _md_inline(doc.footer), ""]
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _md_block(block: Block, out: list[str], chart_dir: str) -> None:
    if isinstance(block, Section):
        level = min(max(block.level, 1), 6)
        out += [f'<a id="{_e(block.anchor)}"></a>', ""]
        out += [f"{'#' * level} {_md_inline(block.title)}", ""]
        for b in block.blocks:
            _md_block(b, out, chart_dir)
    elif isinstance(block, Heading):
        if block.anchor:
            out += [f'<a id="{_e(block.anchor)}"></a>', ""]
        out += [f"{'#' * min(max(block.level, 1), 6)} {_md_inline(block.text)}", ""]
    elif isinstance(block, Para):
        text = _md_inline(block.text)
        out += [_emphasis(text, "*") if block.cls == "note" else text, ""]
    elif isinstance(block, Bullets):
        out += [f"- {_md_inline(item)}" for item in block.items]
        out.append("")
    elif isinstance(block, Links):
        out += [f"- [{_md_inline(t)}](#{a})" for a, t in block.items]
        out.append("")
    elif isinstance(block, Table):
        if block.caption:
            out += [_emphasis(_md_inline(block.caption), "**"), ""]
        numeric = block.numeric + [False] * (len(block.header) - len(block.numeric))
        out.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
        out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
        for row in block.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out.append("")
    elif isinstance(block, Figure):
        alt = block.caption.replace("[", "(").replace("]", ")")
        out += [f"![{alt}]({chart_dir}/{block.name}.svg)", ""]
        out += [_emphasis(_md_inline(block.caption), "*"), ""]
    elif isinstance(block, Code):
        fence = "```"
        while fence in block.text:
            fence += "`"
        out += [f"{fence}{block.lang}", block.text.rstrip("\n"), fence, ""]
    elif isinstance(block, Details):
        out += [f"<details><summary>{_e(block.summary)}</summary>", ""]
        for b in block.blocks:
            _md_block(b, out, chart_dir)
        out += ["</details>", ""]
    elif isinstance(block, Grid):
        for col in block.columns:
            for b in col:
                _md_block(b, out, chart_dir)
    else:  # pragma: no cover - exhaustive over Block
        raise TypeError(f"unknown block {type(block).__name__}")
