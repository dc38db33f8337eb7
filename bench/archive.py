"""Archive benchmarks: building the demo archive with the command line (archive.demo_data)."""
from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path

from bench.core import Context, Result, benchmark, build_demo

#: seconds allowed for 100,000 customers; other sizes scale linearly (never below the floor)
TARGET_SECONDS_PER_100K = 60.0
TARGET_FLOOR = 3.0
#: rows per table the raw baseline writes before it extrapolates to the table's full count
SAMPLE_ROWS = 50_000


@benchmark("archive.demo_data")
def demo_data(ctx: Context) -> Result:
    """Wall time of `desktop-cs --data-dir DIR demo-data --customers N` into an empty folder.

    The folder then becomes the shared demo database (bench/out/demo-N) the other
    benchmarks reuse. Baseline: a raw executemany of the same rows into tables without
    indexes, constraints or triggers (extrapolated from a sample of each table).
    """
    target_dir = ctx.out_dir / f"demo-{ctx.customers}"
    seconds = build_demo(ctx, target_dir)
    baseline = raw_executemany_seconds(target_dir / "desktop_cs.sqlite3")
    target = max(TARGET_FLOOR, TARGET_SECONDS_PER_100K * ctx.customers / 100_000)
    return Result("archive.demo_data", seconds, "s", baseline=baseline, target=round(target, 1))


def raw_executemany_seconds(database: Path, sample: int = SAMPLE_ROWS) -> float:
    """Seconds a plain executemany of every row of DATABASE into bare tables takes, commit included."""
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    total_rows = sampled_rows = 0
    seconds = 0.0
    with tempfile.TemporaryDirectory() as folder:
        target = sqlite3.connect(str(Path(folder) / "raw.sqlite3"), isolation_level=None)
        target.execute("PRAGMA journal_mode = wal")
        target.execute("PRAGMA synchronous = full")
        target.execute("BEGIN IMMEDIATE")
        tables = [name for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            count = source.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            if not count:
                continue
            columns = [row[1] for row in source.execute(f'PRAGMA table_info("{table}")')]
            rows = source.execute(f'SELECT * FROM "{table}" LIMIT {int(sample)}').fetchall()
            target.execute(f'CREATE TABLE "{table}" ({", ".join(f"{c!r}" for c in columns)})')
            insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})'
            start = time.perf_counter()
            target.executemany(insert, rows)
            seconds += (time.perf_counter() - start) * count / len(rows)
            total_rows += count
            sampled_rows += len(rows)
        start = time.perf_counter()
        target.execute("COMMIT")
        seconds += (time.perf_counter() - start) * total_rows / max(1, sampled_rows)
        target.close()
    source.close()
    return seconds
