"""`desktop-cs smoke`: the packaged-build self-check, as a separate process and with the network blocked."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from desktop_cs import paths
from desktop_cs.reports.fonts import pdf_embeds_cjk_font
from desktop_cs.smoke import SMOKE_PDF, run_smoke


@pytest.mark.slow
def test_smoke_prints_ok_and_writes_a_pdf_with_the_font(tmp_path):
    folder = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", paths.DATA_DIR_ENV)}
    result = subprocess.run([sys.executable, "-m", "desktop_cs", "--data-dir", str(folder), "smoke"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    pdf = folder / "pdf" / SMOKE_PDF
    assert pdf_embeds_cjk_font(pdf.read_bytes())
    assert not (folder / paths.DATABASE_FILE).exists()      # the real database is never touched


def test_smoke_needs_no_network(monkeypatch, data_dir, qapp):
    def refuse(*args, **kwargs):
        raise OSError("network blocked by the test")

    class RefusedSocket(socket.socket):
        """A socket class that cannot be made (a class, so modules subclassing it at import, like ssl, still load)."""

        def __init__(self, *args, **kwargs):
            refuse()

    monkeypatch.setattr(socket, "socket", RefusedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert run_smoke(route_qt=False) == []
    assert (data_dir / "pdf" / SMOKE_PDF).exists()
