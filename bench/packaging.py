"""Packaged build against the source: start-up to the main window, and the bundle's size (figures of issue 10).

Both need a bundle in dist/desktop-cs (``bash installer/build.sh``); without one they are skipped and say so.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Callable

from bench.core import (DEMO_PASSWORD, DEMO_SUPERVISOR, STAMP_FILE, BenchSkipped, Context, Result, benchmark,
                        demo_stamp, read_stamp, time_to_line)

#: the packaged program may take at most this many times as long as the source to show the main window
PACKAGED_RATIO = 1.3
#: the unpacked one-folder bundle, in MiB
BUNDLE_LIMIT_MB = 200


def bundle_program(ctx: Context) -> Path:
    """The packaged program in dist/desktop-cs; BenchSkipped when it has not been built."""
    folder = ctx.root / "dist" / "desktop-cs"
    program = folder / ("desktop-cs-cli.exe" if sys.platform == "win32" else "desktop-cs")
    if not program.exists():
        raise BenchSkipped(f"no packaged build in {folder}: run `bash installer/build.sh` first")
    return program


def existing_demo_dir(ctx: Context) -> Path:
    """The demo database if it exists and is current; BenchSkipped otherwise (built by the other benchmarks,
    e.g. ``python -m bench --only archive``; this one does not spend minutes building it)."""
    folder = ctx.out_dir / f"demo-{ctx.customers}"
    if read_stamp(folder) != demo_stamp(ctx.customers):
        raise BenchSkipped(f"no current demo database in {folder} ({STAMP_FILE} missing or stale): build it with "
                           f"`python -m bench --only startup.signed_in` first")
    return folder


def interleaved_medians(measures: list[Callable[[], float]], runs: int, warmup: int = 1) -> list[float]:
    """The median of RUNS measurements of each of MEASURES, taken in turn (A B A B ...) after WARMUP rounds,
    so a busy moment of the machine falls on both sides of the comparison alike."""
    for _ in range(warmup):
        for measure in measures:
            measure()
    values: list[list[float]] = [[] for _ in measures]
    for _ in range(runs):
        for measure, taken in zip(measures, values):
            taken.append(measure())
    return [statistics.median(taken) for taken in values]


@benchmark("startup.packaged_vs_source")
def packaged_vs_source(ctx: Context) -> Result:
    """Packaged program start to the main window painted, signed in over the demo database (target: ratio to source)."""
    program = bundle_program(ctx)
    data_dir = existing_demo_dir(ctx)
    env = ctx.env(DESKTOP_CS_EXIT_AFTER_SHOWN="1", DESKTOP_CS_PASSWORD=DEMO_PASSWORD)
    args = ["--data-dir", str(data_dir), "--user", DEMO_SUPERVISOR]
    source, packaged = interleaved_medians(
        [lambda: time_to_line([ctx.python, "-m", "desktop_cs", *args], env, ctx.root),
         lambda: time_to_line([str(program), *args], env, ctx.root)], ctx.runs)
    newest_source = max(p.stat().st_mtime for p in (ctx.root / "desktop_cs").rglob("*.py"))
    note = "the bundle is older than the sources" if program.stat().st_mtime < newest_source else ""
    return Result("startup.packaged_vs_source", packaged, "s", baseline=source, target=PACKAGED_RATIO,
                  target_on="ratio", note=note)


@benchmark("packaging.bundle_size")
def bundle_size(ctx: Context) -> Result:
    """Unpacked size of the one-folder bundle in MiB (target: 200)."""
    folder = bundle_program(ctx).parent
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return Result("packaging.bundle_size", total / 2 ** 20, "MiB", target=BUNDLE_LIMIT_MB)
