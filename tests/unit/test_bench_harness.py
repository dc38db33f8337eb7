"""The benchmark harness (bench/core.py) on fake benchmarks: selection, table, JSON keys and the ok rule; no timing."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:   # bench/ sits beside the package, outside the installed distribution
    sys.path.insert(0, str(ROOT))

from bench import core  # noqa: E402


@pytest.fixture
def registry():
    reg = core.Registry()

    @reg.benchmark("fake.ratio")
    def ratio(ctx):
        """A figure judged by its ratio to the baseline."""
        return core.Result("fake.ratio", 0.3, "s", baseline=0.2, target=1.5, target_on="ratio")

    @reg.benchmark("fake.absolute")
    def absolute(ctx):
        return [core.Result("fake.absolute", 0.9, "s", baseline=0.3, target=0.6),
                core.Result("fake.absolute_extra", 42.0, "rows")]

    @reg.benchmark("other.broken")
    def broken(ctx):
        raise core.BenchError("the program printed nothing")

    @reg.benchmark("other.faster")
    def faster(ctx):
        return core.Result("other.faster", 2000.0, "rows/s", target=1000.0, higher_is_better=True)

    return reg


def test_ok_rule():
    assert core.Result("a.b", 0.5, target=0.6).ok is True
    assert core.Result("a.b", 0.6, target=0.6).ok is True
    assert core.Result("a.b", 0.7, target=0.6).ok is False
    assert core.Result("a.b", 0.3, baseline=0.2, target=1.5, target_on="ratio").ok is True   # ratio 1.5
    assert core.Result("a.b", 0.4, baseline=0.2, target=1.5, target_on="ratio").ok is False  # ratio 2
    assert core.Result("a.b", 0.4, target=1.5, target_on="ratio").ok is None   # no baseline, no ratio
    assert core.Result("a.b", 0.4).ok is None                                   # no target
    assert core.Result("a.b", None, target=1.0).ok is False                     # nothing measured
    assert core.Result("a.b", 5.0, target=4.0, higher_is_better=True).ok is True


def test_selection_by_name_or_prefix(registry):
    assert [b.name for b in registry.select(None)] == ["fake.ratio", "fake.absolute", "other.broken",
                                                       "other.faster"]
    assert [b.name for b in registry.select(["fake"])] == ["fake.ratio", "fake.absolute"]
    assert [b.name for b in registry.select(["fake.abs"])] == ["fake.absolute"]
    assert [b.name for b in registry.select(["other.faster", "fake.ratio"])] == ["fake.ratio", "other.faster"]
    with pytest.raises(ValueError):
        registry.benchmark("fake.ratio")(lambda ctx: None)
    with pytest.raises(ValueError):
        registry.benchmark("no_area")


def test_table_and_json(registry, tmp_path, capsys):
    out = tmp_path / "results" / "bench.json"
    code = core.main(["--only", "fake", "--json", str(out)], registry=registry, ctx=core.Context(out_dir=tmp_path))
    assert code == 0
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in rows] == ["fake.ratio", "fake.absolute", "fake.absolute_extra"]
    assert all(tuple(r) == core.JSON_KEYS for r in rows)
    assert core.JSON_KEYS == ("name", "value", "unit", "baseline", "ratio", "target", "ok")
    first, second, third = rows
    assert first == {"name": "fake.ratio", "value": 0.3, "unit": "s", "baseline": 0.2, "ratio": 1.5,
                     "target": 1.5, "ok": True}
    assert second["ratio"] == 3.0 and second["ok"] is False
    assert third["baseline"] is None and third["ratio"] is None and third["target"] is None and third["ok"] is None
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["figure", "value", "unit", "baseline", "ratio", "target", "ok"]
    assert table[2].split()[0] == "fake.ratio" and table[2].split()[-1] == "yes"
    assert table[3].split()[-1] == "NO"
    assert table[4].split()[-1] == "-"


def test_a_failing_benchmark_gives_an_empty_row_and_exit_1(registry, tmp_path, capsys):
    out = tmp_path / "bench.json"
    code = core.main(["--only", "other", "--json", str(out)], registry=registry, ctx=core.Context(out_dir=tmp_path))
    assert code == 1
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows[0] == {"name": "other.broken", "value": None, "unit": "", "baseline": None, "ratio": None,
                       "target": None, "ok": False}
    assert rows[1]["ok"] is True
    assert "printed nothing" in capsys.readouterr().err


def test_strict_fails_on_a_missed_target(registry, tmp_path):
    ctx = core.Context(out_dir=tmp_path)
    assert core.main(["--only", "fake.absolute"], registry=registry, ctx=ctx) == 0
    assert core.main(["--only", "fake.absolute", "--strict"], registry=registry, ctx=ctx) == 1
    assert core.main(["--only", "nothing"], registry=registry, ctx=ctx) == 2


def test_the_real_benchmarks_are_discovered():
    names = set(core.discover().benchmarks)
    assert {"archive.demo_data", "startup.first_screen", "startup.signed_in"} <= names


def test_time_to_line_reads_the_line_of_a_program(tmp_path):
    ctx = core.Context(out_dir=tmp_path)
    seconds = core.time_to_line([sys.executable, "-c", "print('starting'); print('shown', flush=True)"],
                                ctx.env(), tmp_path)
    assert seconds > 0
    with pytest.raises(core.BenchError):
        core.time_to_line([sys.executable, "-c", "import sys; sys.exit(3)"], ctx.env(), tmp_path)
