"""The README's set-up is true on a fresh machine: `make test` and `make report`
install the Debian packages they need (scripts/system-deps.sh), say so, use sudo
when not root, and do nothing when the packages are there. Checked with --dry-run
against fake paths, so no package is installed by the test."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "system-deps.sh"


def run(tmp_path: Path, *args: str, chromium: bool, font: bool, uid: int = 0) -> str:
    browser = tmp_path / "chromium"
    cjk = tmp_path / "NotoSansCJK-Regular.ttc"
    if chromium:
        browser.write_text("#!/bin/sh\n")
        browser.chmod(0o755)
    if font:
        cjk.write_bytes(b"font")
    shims = tmp_path / "bin"
    shims.mkdir(exist_ok=True)
    (shims / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (shims / "id").chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{shims}:{os.environ['PATH']}",
        "GDINDEX_CHROMIUM": str(browser),
        "GDINDEX_CJK_FONT": str(cjk),
    }
    done = subprocess.run(
        ["bash", str(SCRIPT), "--dry-run", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout


def test_nothing_to_do_when_present(tmp_path: Path) -> None:
    out = run(tmp_path, chromium=True, font=True)

    assert "already there" in out and "apt-get" not in out


def test_installs_what_is_missing_and_says_so(tmp_path: Path) -> None:
    out = run(tmp_path, chromium=False, font=False)

    assert "installing chromium fonts-noto-cjk" in out
    assert "+ apt-get update" in out
    assert "install -y -qq --no-install-recommends chromium fonts-noto-cjk" in out
    assert "sudo" not in out


def test_fonts_only_for_the_report(tmp_path: Path) -> None:
    out = run(tmp_path, "fonts", chromium=False, font=False)

    assert "fonts-noto-cjk" in out and " chromium" not in out


def test_sudo_when_not_root(tmp_path: Path) -> None:
    out = run(tmp_path, chromium=True, font=False, uid=1000)

    assert "+ sudo apt-get update" in out and "+ sudo env" in out


def test_make_and_ci_do_the_set_up() -> None:
    makefile = (ROOT / "Makefile").read_text()
    ci = (ROOT / ".ci" / "run").read_text()

    assert "test: $(STAMP) system-deps" in makefile
    assert "report: $(STAMP) fonts" in makefile
    commands = [
        line
        for line in ci.splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("set ")
    ]
    assert all(c.startswith(("make ", "cd ")) for c in commands), commands
