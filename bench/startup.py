"""Start-up benchmarks: process start to the first screen painted, signed out and signed in, against a bare window."""
from __future__ import annotations

from bench.core import (BENCH_DIR, DEMO_PASSWORD, DEMO_SUPERVISOR, Context, Result, benchmark, median_time,
                        time_to_line)

BARE_WINDOW = BENCH_DIR / "bare_window.py"
#: the sign-in window may take at most this many times as long as a bare window
FIRST_SCREEN_RATIO = 1.5
#: seconds from start to the main window of a signed-in user
SIGNED_IN_SECONDS = 0.6


def bare_window_seconds(ctx: Context) -> float:
    """Median start-to-painted time of a bare PySide6 QMainWindow (measured once per run)."""
    if "startup.bare_window" not in ctx.cache:
        ctx.cache["startup.bare_window"] = median_time(
            lambda: time_to_line([ctx.python, str(BARE_WINDOW)], ctx.env(), ctx.root), ctx.runs)
    return ctx.cache["startup.bare_window"]


@benchmark("startup.first_screen")
def first_screen(ctx: Context) -> Result:
    """Process start to the sign-in window painted, over the demo database (target: ratio to a bare window)."""
    data_dir = ctx.demo_dir()
    env = ctx.env(DESKTOP_CS_EXIT_AFTER_SHOWN="1")
    value = median_time(lambda: time_to_line(ctx.app_command(data_dir), env, ctx.root), ctx.runs)
    return Result("startup.first_screen", value, "s", baseline=bare_window_seconds(ctx),
                  target=FIRST_SCREEN_RATIO, target_on="ratio")


@benchmark("startup.signed_in")
def signed_in(ctx: Context) -> Result:
    """Process start to the main window painted with --user supervisor and $DESKTOP_CS_PASSWORD (target: 0.6 s)."""
    data_dir = ctx.demo_dir()
    env = ctx.env(DESKTOP_CS_EXIT_AFTER_SHOWN="1", DESKTOP_CS_PASSWORD=DEMO_PASSWORD)
    command = ctx.app_command(data_dir, "--user", DEMO_SUPERVISOR)
    value = median_time(lambda: time_to_line(command, env, ctx.root), ctx.runs)
    return Result("startup.signed_in", value, "s", baseline=bare_window_seconds(ctx), target=SIGNED_IN_SECONDS)
