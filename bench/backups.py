"""Backup benchmarks on the demo archive: the online backup plus the check of the copy, as the program makes it.

The demo database (``bench/out/demo-<N>``) is opened read-only and never changed; the copy
goes to a scratch folder and is deleted. When the demo database is missing the figure
says so (it is not built here: ``python -m bench --only archive.demo_data`` builds it).
"""
from __future__ import annotations

from bench.core import Context, Result, benchmark
from bench.imports import backup_of_demo

BACKUP_TARGET_SECONDS = 5.0


@benchmark("backup.demo", "online backup of the demo archive + quick_check of the copy")
def demo(ctx: Context) -> Result:
    run = backup_of_demo(ctx, "manual", "quick")
    return Result("backup.demo", run["copy"] + run["check"], "s", target=BACKUP_TARGET_SECONDS,
                  note=f"{run['size'] / 1e6:.0f} MB: copy {run['copy']:.1f} s + quick_check {run['check']:.1f} s")


@benchmark("backup.demo_integrity", "the same with the full integrity_check (the 30-minute and manual backups)")
def demo_integrity(ctx: Context) -> Result:
    run = backup_of_demo(ctx, "manual", "integrity")
    return Result("backup.demo_integrity", run["copy"] + run["check"], "s",
                  note=f"copy {run['copy']:.1f} s + integrity_check {run['check']:.1f} s")
