"""The published report: `report.html`, `report.md` with `charts/*.svg`, and
`report.xlsx`, written together and atomically by `write_report`.

`build_report` turns a computed index into a `Document` (the sections of
`gdindex.report.sections`, whose figures are the SVG charts of
`gdindex.report.charts`); `document.to_html` and `document.to_markdown` render it.
Re-running with the same inputs gives byte-identical files (no time unless
`with_time`, no random ids).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdindex.analysis.common import choose_period
from gdindex.errors import Bilingual
from gdindex.methods.growth import QUADRANTS
from gdindex.pipeline import IndexResult
from gdindex.pipeline.outputs import manifest
from gdindex.report.charts import fonts, plots, svg
from gdindex.report.document import Document, Figure, Section, to_html, to_markdown
from gdindex.report.sections import View, report_document
from gdindex.spec import Period

CHART_DIR = "charts"


@dataclass
class Report:
    """A built report: the document and the extra files it refers to."""

    document: Document
    period: Period
    lang: str
    manifest: dict[str, Any]

    def html(self) -> str:
        return to_html(self.document)

    def markdown(self) -> str:
        return to_markdown(self.document, CHART_DIR)

    def charts(self) -> dict[str, str]:
        """`charts/<name>.svg` → SVG text, in document order."""
        return {f"{CHART_DIR}/{f.name}.svg": f.svg for f in self.document.figures()}


def build_report(
    result: IndexResult,
    lang: str = "zh",
    period: Period | None = None,
    with_time: bool = False,
    extra: Sequence[Section] = (),
) -> Report:
    """The report of `period` (default: the latest) as a document with its charts;
    `extra` sections (e.g. `report.audit_section`) go before the manifest.

    Raises:
        GdindexError: `period` is not one of the result's periods.
    """
    report, charts = _build(result, lang, period, with_time, extra)
    charts.finish()
    return report


def _build(
    result: IndexResult,
    lang: str,
    period: Period | None,
    with_time: bool,
    extra: Sequence[Section],
) -> tuple[Report, svg.Batch]:
    """`build_report`'s report, its figures' SVGs still rendering in the batch
    (in the vl-convert process beside this one): `finish()` it to fill them in."""
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}; use zh or en")
    period = choose_period(result, period)
    meta = _manifest(result, lang, period, with_time)
    svg.measure_text_with(fonts.measure_with(_chart_texts(result)))
    try:
        # each chart goes to the vl-convert process beside this one as it is made,
        # and renders while the rest of the report is built
        with svg.collecting(svg.Batch()) as charts:
            doc = report_document(View(result, period, lang), meta)
    finally:
        svg.measure_text_with(None)
    # sections asked for with `--with` go before the notes and the manifest
    doc.sections[-2:-2] = list(extra)
    return Report(doc, period, lang, meta), charts


def _chart_texts(result: IndexResult) -> list[str]:
    """Every name a chart may show: units, nodes, groups, the index, the labels."""
    texts = [result.spec.name.get("zh"), result.spec.name.get("en")]
    for column in ("name_zh", "name_en"):
        if column in result.units.columns:
            texts += [str(v) for v in result.units[column].drop_nulls().to_list()]
    texts += [n.name_zh for n in result.nodes] + [n.name_en for n in result.nodes]
    if result.spec.units is not None:
        for g in result.spec.units.groups:
            texts += [g.title("zh"), g.title("en")]
            texts += [str(v) for v in result.groups["group"].unique().to_list()]
            for value in result.groups["group"].unique().to_list():
                texts += [g.label(value, "zh"), g.label(value, "en")]
    texts += [v for labels in plots.LABELS.values() for v in labels.values()]
    texts += [v for labels in QUADRANTS.values() for v in labels.values()]
    return [t for t in texts if t]


def _manifest(
    result: IndexResult, lang: str, period: Period, with_time: bool
) -> dict[str, Any]:
    """`manifest.json` of `compute --out` (what was computed from what), without
    its result-file entries, plus the report's language and period."""
    meta = manifest(result, with_time=with_time)
    meta.pop("format", None)
    meta.pop("rows", None)
    meta["report"] = {"lang": lang, "period": period}
    if "created" in meta:  # keep the time last
        meta["created"] = meta.pop("created")
    return meta


# --------------------------------------------------------------------------- write


def write_report(
    result: IndexResult,
    out_dir: str | Path,
    lang: str = "zh",
    period: Period | None = None,
    with_time: bool = False,
    extra: Sequence[Section] = (),
) -> list[Path]:
    """Write `report.html`, `report.md`, `charts/*.svg` and `report.xlsx` into
    `out_dir` as one set (`gdindex.io.write_set`): everything is written to a fresh
    folder first and swapped in with one rename once complete. Chart files an
    earlier run left behind that this report does not use are removed.

    Args:
        result: what `compute` returned.
        out_dir: directory (created if needed).
        lang: `zh` or `en` labels.
        period: the report period (default: the latest).
        with_time: record the creation time in the manifest (breaks byte-identity).
        extra: further sections (`report --with audit,sensitivity`), placed
            before the notes and the manifest.

    Returns:
        The files written: the HTML, the Markdown, the workbook, then the charts.
    """
    from gdindex.io import write_set
    from gdindex.report.workbook import write_workbook

    report, charts = _build(result, lang, period, with_time, extra)

    def charted(make: Callable[[], str]) -> Callable[[], str]:
        def text() -> str:
            charts.finish()
            return make()

        return text

    writers: dict[str, Callable[[Path], None]] = {
        # the workbook first: it is written while the charts are still rendering
        "report.xlsx": lambda path: _ignore(
            write_workbook(result, path, lang, report.period)
        ),
        "report.html": _text_writer(charted(report.html)),
        "report.md": _text_writer(report.markdown),
    }
    for figure in report.document.figures():
        name = f"{CHART_DIR}/{figure.name}.svg"
        writers[name] = _text_writer(charted(_svg_of(figure)))
    out = Path(out_dir)
    # The report's files and its charts folder are one set: charts an earlier
    # report used and this one does not are not carried over.
    what = Bilingual(f"the report to {out}", f"报告文件（{out}）")
    written = write_set(out, writers, what, owns=REPORT_FILES.__contains__)
    first = ["report.html", "report.md", "report.xlsx"]
    return [out / name for name in first] + written[len(first) :]


#: The names a report set owns in its directory.
REPORT_FILES = frozenset({"report.html", "report.md", "report.xlsx", CHART_DIR})


def _svg_of(figure: Figure) -> Callable[[], str]:
    return lambda: figure.svg


def _ignore(_: object) -> None:
    """A writer returns nothing; the workbook's writer returns its path."""


def _text_writer(make: Callable[[], str]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        text = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return write
