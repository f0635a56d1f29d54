"""report.html in a real browser: headless Chromium from the system packages, driven
by Playwright (no browser download). `make test` installs Chromium and the CJK fonts
(scripts/system-deps.sh).

The test opens the report of specs/guangdong.yaml from disk and checks that it loads
with no console error and no network request, that every chart and every unit's
profile is there and drawn, that the Chinese text is set in a CJK font, and saves a
full-page screenshot: `$GDINDEX_SCREENSHOT` (default: under pytest's tmp_path), copied
to `out/test-artifacts/report.png` (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gdindex
from gdindex.report.publish import write_report
from tests.conftest import ROOT, SPECS

CHROMIUM = Path(os.environ.get("GDINDEX_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "out" / "test-artifacts"
CJK_FONT = re.compile(r"CJK|Han|Hei|PingFang|Song|Ming|Kai|WenQuanYi", re.IGNORECASE)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    write_report(gdindex.compute(SPECS / "guangdong.yaml"), out)
    return out / "report.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: install the system Chromium and CJK fonts "
            "(`make test` does it: scripts/system-deps.sh) or set "
            "GDINDEX_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        found = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture(scope="module")
def page(browser: Any, report: Path) -> Iterator[tuple[Any, dict[str, list[str]]]]:
    seen: dict[str, list[str]] = {"console": [], "errors": [], "requests": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    tab.on(
        "console",
        lambda m: (
            seen["console"].append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    tab.on("pageerror", lambda e: seen["errors"].append(str(e)))
    tab.on("requestfailed", lambda r: seen["errors"].append(f"failed: {r.url}"))
    tab.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(("file:", "data:"))
            else seen["requests"].append(r.url)
        ),
    )
    tab.goto(report.as_uri(), wait_until="load")
    try:
        yield tab, seen
    finally:
        context.close()


def test_loads_without_errors_or_network(
    page: tuple[Any, dict[str, list[str]]],
) -> None:
    tab, seen = page

    assert tab.title() == "广东省数字经济指数 · 2023"
    assert seen["console"] == []
    assert seen["errors"] == []
    assert seen["requests"] == []


def test_every_chart_is_present_and_drawn(
    page: tuple[Any, dict[str, list[str]]],
) -> None:
    tab, _ = page
    counts = tab.evaluate(
        """() => {
          const out = {};
          for (const fig of document.querySelectorAll('figure[data-chart]')) {
            const svg = fig.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            const marks = svg ? svg.querySelectorAll(
              '.mark-rect path, .mark-symbol path, .mark-line path, .mark-area path'
            ).length : 0;
            const kind = fig.dataset.chart;
            out[kind] = out[kind] || {n: 0, drawn: 0};
            out[kind].n += 1;
            if (box.width > 150 && box.height > 100 && marks > 0) out[kind].drawn += 1;
          }
          return out;
        }"""
    )

    assert counts == {
        "ranking": {"n": 1, "drawn": 1},
        "heatmap": {"n": 1, "drawn": 1},
        "quadrant": {"n": 1, "drawn": 1},
        "trend": {"n": 1, "drawn": 1},
        "group": {"n": 3, "drawn": 3},
        "profile": {"n": 21, "drawn": 21},
    }
    bars = 'figure[data-chart="ranking"] svg .mark-rect.role-mark path'
    dots = 'figure[data-chart="quadrant"] svg .mark-symbol.role-mark path'
    assert tab.locator(bars).count() == 21
    assert tab.locator(dots).count() == 21


def test_every_unit_has_its_profile(page: tuple[Any, dict[str, list[str]]]) -> None:
    tab, _ = page
    units = tab.evaluate(
        "() => [...document.querySelectorAll('section.profile')]"
        ".map(s => [s.dataset.unit, s.querySelector('h3').textContent])"
    )

    assert len(units) == 21
    assert units[0] == ["440300", "1. 深圳 Shenzhen"]
    assert len({u for u, _ in units}) == 21
    links = tab.locator("#profiles ul.index a").count()
    assert links == 21


def test_chinese_text_uses_a_cjk_font(page: tuple[Any, dict[str, list[str]]]) -> None:
    tab, _ = page
    cdp = tab.context.new_cdp_session(tab)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    used = {}
    for selector in ("header h1", "#ranking table td:nth-child(3)", "svg text"):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
        used[selector] = [f["familyName"] for f in fonts["fonts"]]

    for selector, families in used.items():
        assert any(CJK_FONT.search(f) for f in families), (selector, families)


def test_full_page_screenshot(
    page: tuple[Any, dict[str, list[str]]], tmp_path: Path
) -> None:
    tab, _ = page
    target = Path(os.environ.get("GDINDEX_SCREENSHOT") or tmp_path / "report.png")
    target.parent.mkdir(parents=True, exist_ok=True)

    tab.screenshot(path=str(target), full_page=True)

    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 100_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target, ARTIFACTS / "report.png")


def test_printed_report_fits_the_page(browser: Any, report: Path) -> None:
    """Printed to A4 (Chromium's `page.pdf`): no table is wider than the page, and
    the unit profiles take about half a page each, not one each."""
    # A4 is 210 mm wide; the print CSS leaves 11 mm margins: 188 mm at 96 dpi.
    content = round((210 - 2 * 11) / 25.4 * 96)
    context = browser.new_context(viewport={"width": content, "height": 1100})
    tab = context.new_page()
    try:
        tab.goto(report.as_uri(), wait_until="load")
        tab.emulate_media(media="print")
        too_wide = tab.evaluate(
            """(width) => [...document.querySelectorAll('table')]
              .filter(t => t.getBoundingClientRect().width > width + 1
                        || t.scrollWidth > width + 1)
              .map(t => (t.closest('section') || {}).id + ': ' + t.scrollWidth)""",
            content,
        )
        pdf = tab.pdf(format="A4", print_background=False)
    finally:
        context.close()

    assert too_wide == []
    assert pdf[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 10 <= pages <= 30, pages  # 21 profiles on about 11 pages, not 21+
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
