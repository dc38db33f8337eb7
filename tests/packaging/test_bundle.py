"""The built one-folder bundle runs: its smoke check prints ok, the window opens, no network is needed.

Slow and opt-in: set DESKTOP_CS_TEST_BUNDLE=1 (CI runs installer/build.sh instead, which does the same
and more). The bundle in dist/desktop-cs is used when it exists, otherwise it is built first.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_cs import version
from desktop_cs.reports.fonts import pdf_embeds_cjk_font
from desktop_cs.smoke import SMOKE_PDF

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "desktop-cs"
PROGRAM = BUNDLE / ("desktop-cs-cli.exe" if sys.platform == "win32" else "desktop-cs")
OPT_IN = "DESKTOP_CS_TEST_BUNDLE"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.environ.get(OPT_IN) != "1",
                       reason=f"builds and runs the packaged program; set {OPT_IN}=1 (CI runs installer/build.sh)"),
]


@pytest.fixture(scope="module")
def program() -> Path:
    if not PROGRAM.exists():
        subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                        str(ROOT / "installer" / "desktop-cs.spec")], cwd=ROOT, check=True, timeout=900)
    assert PROGRAM.exists()
    return PROGRAM


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_CS_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def _run(command: list, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=180, env=_env(**extra))


@pytest.mark.timeout(1200)
def test_the_bundle_passes_its_smoke_check(program, tmp_path):
    result = _run([program, "--data-dir", tmp_path / "data", "smoke"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert pdf_embeds_cjk_font((tmp_path / "data" / "pdf" / SMOKE_PDF).read_bytes())


def test_the_bundle_opens_its_window(program, tmp_path):
    result = _run([program, "--data-dir", tmp_path / "data"], DESKTOP_CS_EXIT_AFTER_SHOWN="1")
    assert result.stdout.strip() == "shown", result.stderr


def test_the_bundle_knows_its_version(program):
    result = _run([program, "--version"])
    assert result.stdout.strip() == f"desktop-cs {version()}"


def test_the_bundle_needs_no_network(program, tmp_path):
    if not shutil.which("unshare") or subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode:
        pytest.skip("unshare -n (a network namespace) is not permitted here")
    result = _run(["unshare", "-n", "--", program, "--data-dir", tmp_path / "data", "smoke"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
