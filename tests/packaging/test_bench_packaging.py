"""bench/packaging.py without a bundle: its figures are skipped with the reason, and a skip is not a failure."""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:   # bench/ sits beside the package, outside the installed distribution
    sys.path.insert(0, str(ROOT))

from bench import core, packaging  # noqa: E402


def test_without_a_bundle_the_packaging_figures_are_skipped_with_the_reason(tmp_path, capsys):
    registry = core.Registry()
    registry.benchmark("startup.packaged_vs_source")(packaging.packaged_vs_source)
    registry.benchmark("packaging.bundle_size")(packaging.bundle_size)
    out = tmp_path / "bench.json"
    code = core.main(["--json", str(out)], registry=registry, ctx=core.Context(root=tmp_path, out_dir=tmp_path))
    assert code == 0                       # skipped, not failed
    printed = capsys.readouterr()
    assert "installer/build.sh" in printed.err and "skipped" in printed.out
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["name"], r["value"], r["ok"]) for r in rows] == [
        ("startup.packaged_vs_source", None, None), ("packaging.bundle_size", None, None)]


def test_a_bundle_without_a_current_demo_database_is_skipped_too(tmp_path):
    program = tmp_path / "dist" / "desktop-cs" / ("desktop-cs-cli.exe" if sys.platform == "win32" else "desktop-cs")
    program.parent.mkdir(parents=True)
    program.write_bytes(b"")
    ctx = core.Context(root=tmp_path, out_dir=tmp_path / "out", customers=10)
    [result] = core.run([core.Benchmark("startup.packaged_vs_source", packaging.packaged_vs_source)], ctx)
    assert result.skipped and "demo database" in result.note
    [size] = core.run([core.Benchmark("packaging.bundle_size", packaging.bundle_size)], ctx)
    assert size.value == 0 and size.ok is True


def test_interleaved_medians_alternate_the_programs():
    calls = []

    def measure(name, value):
        return lambda: calls.append(name) or value

    assert packaging.interleaved_medians([measure("a", 1.0), measure("b", 2.0)], runs=3) == [1.0, 2.0]
    assert calls == ["a", "b"] * 4         # one warm-up round, then three
