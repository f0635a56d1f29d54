"""The audit's terminal tables, in both languages, at 80 columns: nothing wider,
every number whole."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

import gdindex
from gdindex.analysis.audit import AuditResult, audit
from gdindex.report.audit import KIND_NAMES, flags_table, num, render_audit
from tests.conftest import SPECS, render


@pytest.fixture(scope="module")
def asem() -> AuditResult:
    return audit(gdindex.compute(gdindex.load_spec(SPECS / "asem.yaml")))


class _Capture:
    def __init__(self, width: int) -> None:
        import io

        from rich.console import Console

        self.buffer = io.StringIO()
        self.console = Console(file=self.buffer, width=width, color_system=None)


def printed(result: AuditResult, lang: str, width: int = 80) -> str:
    capture = _Capture(width)
    render_audit(result, capture.console, lang)
    return capture.buffer.getvalue()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fits_80_columns_and_shows_every_number_whole(
    asem: AuditResult, lang: str
) -> None:
    text = printed(asem, lang)

    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "…" not in text.replace("… +", "")  # nothing cut, apart from "… +N"
    for row in asem.cronbach.iter_rows(named=True):
        assert num(row["alpha"]) in text
    corr = asem.correlations.filter(asem.correlations["relation"] == "parent")
    for value in corr["pearson"].drop_nulls().to_list():
        assert num(value) in text
    for value in asem.importance["ratio"].drop_nulls().to_list():
        assert num(value, 2) in text


def test_languages_label_the_tables_and_flags(asem: AuditResult) -> None:
    zh, en = printed(asem, "zh", 160), printed(asem, "en", 160)

    assert "各节点一致性" in zh and "Consistency by node" in en
    assert "重要性与权重" in zh and "Importance vs weight" in en
    for kind in asem.kinds:
        assert KIND_NAMES[kind]["zh"] in zh and KIND_NAMES[kind]["en"] in en
    wide = printed(asem, "en", 400)
    for row in asem.flags.head(5).iter_rows(named=True):
        assert row["message"] in wide and row["advice"] in wide
    assert f"({asem.flags.height})" in zh and f"({asem.flags.height})" in en


def test_no_findings_is_said(asem: AuditResult) -> None:
    clean = AuditResult(**{**asem.__dict__, "flags": asem.flags.clear()})

    assert "no findings" in render(flags_table(clean, "en"))


def test_fail_on_message_follows_the_language() -> None:
    from gdindex.report.audit import fail_on_message

    en = fail_on_message(["negative", "too_few_units"], "any", "en")
    zh = fail_on_message(["negative"], "negative", "zh")

    assert en == "audit: negative, too few units found (--fail-on any)"
    assert zh == "audit：发现 负相关（--fail-on negative）"
    assert "(s)" not in en + zh
