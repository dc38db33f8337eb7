"""The benchmark harness: a registry of figures, the shared context (demo database, app processes), table and JSON.

A benchmark is a function ``fn(ctx) -> Result | list[Result]`` registered with
``@benchmark("area.figure")`` in any module of this folder; ``discover()`` imports
them all, so a new benchmark is a new module (or a new function in one).
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
#: modules of this folder that hold no benchmarks
NOT_BENCHMARKS = frozenset({"core", "bare_window", "__main__"})

DEFAULT_CUSTOMERS = 100_000
CUSTOMERS_ENV = "BENCH_CUSTOMERS"
RUNS_ENV = "BENCH_RUNS"
DEMO_SEED = 1
DEMO_PASSWORD = "demo1234"
DEMO_SUPERVISOR = "supervisor"

JSON_KEYS = ("name", "value", "unit", "baseline", "ratio", "target", "ok")


class BenchError(Exception):
    """A benchmark could not measure (the program failed, timed out or printed nothing)."""


class BenchSkipped(Exception):
    """A benchmark cannot run here for a reason that is not a failure (e.g. no packaged build); the message says why."""


@dataclass
class Result:
    """One figure: VALUE in UNIT, against an optional BASELINE measured in the same run, and a TARGET.

    TARGET bounds the value itself (``target_on="value"``) or value / baseline
    (``target_on="ratio"``); lower is better unless ``higher_is_better``.
    """

    name: str
    value: float | None
    unit: str = "s"
    baseline: float | None = None
    target: float | None = None
    target_on: str = "value"
    higher_is_better: bool = False
    note: str = ""
    skipped: bool = False

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def ok(self) -> bool | None:
        """True or False against the target; None without a target or when skipped; False when nothing was measured."""
        if self.skipped:
            return None
        if self.value is None:
            return False
        if self.target is None:
            return None
        measured = self.ratio if self.target_on == "ratio" else self.value
        if measured is None:
            return None
        return measured >= self.target if self.higher_is_better else measured <= self.target

    def as_dict(self) -> dict:
        ratio = self.ratio
        return {"name": self.name, "value": _round(self.value), "unit": self.unit,
                "baseline": _round(self.baseline), "ratio": _round(ratio), "target": self.target, "ok": self.ok}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass
class Benchmark:
    """A registered benchmark function and the name (area.figure) it is selected by."""

    name: str
    fn: Callable[["Context"], "Result | list[Result]"]
    description: str = ""


class Registry:
    """Benchmarks by name, in registration order."""

    def __init__(self) -> None:
        self.benchmarks: dict[str, Benchmark] = {}

    def benchmark(self, name: str, description: str = "") -> Callable:
        """Decorator: register FN as benchmark NAME (``area.figure``)."""
        if "." not in name:
            raise ValueError(f"benchmark names start with their area: {name!r}")

        def decorate(fn: Callable) -> Callable:
            if name in self.benchmarks:
                raise ValueError(f"benchmark {name!r} registered twice")
            self.benchmarks[name] = Benchmark(name, fn, description or (fn.__doc__ or "").strip().split("\n")[0])
            return fn

        return decorate

    def select(self, only: Iterable[str] | None) -> list[Benchmark]:
        """The benchmarks whose name equals or starts with one of ONLY (all when ONLY is empty)."""
        wanted = [w for w in (only or []) if w]
        return [b for b in self.benchmarks.values()
                if not wanted or any(b.name == w or b.name.startswith(w) for w in wanted)]


REGISTRY = Registry()
benchmark = REGISTRY.benchmark


def discover() -> Registry:
    """Import every benchmark module of this folder (they register in REGISTRY on import); return REGISTRY."""
    for module in sorted(m.name for m in pkgutil.iter_modules([str(BENCH_DIR)])):
        if module not in NOT_BENCHMARKS and not module.startswith("_"):
            importlib.import_module(f"bench.{module}")
    return REGISTRY


# -- the context shared by the benchmarks of one run ----------------------------------------------

@dataclass
class Context:
    """What the benchmarks of one run share: sizes, folders, the demo database, cached baselines."""

    root: Path = ROOT
    out_dir: Path = OUT_DIR
    customers: int = DEFAULT_CUSTOMERS
    runs: int = 5
    python: str = sys.executable
    cache: dict = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> "Context":
        return cls(customers=int(os.environ.get(CUSTOMERS_ENV) or DEFAULT_CUSTOMERS),
                   runs=max(1, int(os.environ.get(RUNS_ENV) or 5)))

    def env(self, **extra: str) -> dict[str, str]:
        """Environment of a program under test: offscreen Qt, none of our variables, bytecode cached.

        PYTHONDONTWRITEBYTECODE is dropped: an installed program starts from compiled
        bytecode, so the warm-up run writes the .pyc files that the measured runs read.
        """
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("DESKTOP_CS_") and k != "PYTHONDONTWRITEBYTECODE"}
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.root), env.get("PYTHONPATH", "")]))
        env.update(extra)
        return env

    def app_command(self, data_dir: Path, *args: str) -> list[str]:
        return [self.python, "-m", "desktop_cs", "--data-dir", str(data_dir), *args]

    def demo_dir(self) -> Path:
        """The data folder holding the demo database of ``customers`` customers; built when missing or stale."""
        target = self.out_dir / f"demo-{self.customers}"
        if read_stamp(target) != demo_stamp(self.customers):
            print(f"bench: building the demo database of {self.customers} customers in {target} ...",
                  file=sys.stderr, flush=True)
            build_demo(self, target)
        return target


def demo_stamp(customers: int) -> dict:
    """What a demo folder must have been built with to be reused: size, seed and schema version."""
    from desktop_cs.models.migrations import latest_version
    return {"customers": customers, "seed": DEMO_SEED, "schema_version": latest_version()}


STAMP_FILE = "bench-stamp.json"


def read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def build_demo(ctx: Context, target: Path) -> float:
    """Build the demo database into TARGET (replacing it) with the command line; return the seconds it took.

    The database is built in a fresh folder next to TARGET and moved into place only when
    the command succeeded, so a failed build never leaves a half-filled demo database.
    """
    ctx.out_dir.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f"building-{target.name}-", dir=ctx.out_dir))
    try:
        seconds = run_demo_data(ctx, fresh, ctx.customers)
        (fresh / STAMP_FILE).write_text(json.dumps(demo_stamp(ctx.customers)), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        fresh.rename(target)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
    return seconds


#: fallback for a program without the demo-data command: the service, called the same way
_DEMO_FALLBACK = (
    "import sys; from desktop_cs import paths; paths.set_data_dir(sys.argv[1]); "
    "from desktop_cs.services.database import open_app_database; open_app_database(); "
    "from desktop_cs.services import demo_data; "
    "demo_data.generate(None, int(sys.argv[2]), seed=int(sys.argv[3]), password=sys.argv[4])")


def run_demo_data(ctx: Context, data_dir: Path, customers: int) -> float:
    """Run ``desktop-cs --data-dir DIR demo-data --customers N`` into an empty DATA_DIR; the wall seconds."""
    command = ctx.app_command(data_dir, "demo-data", "--customers", str(customers), "--seed", str(DEMO_SEED),
                              "--password", DEMO_PASSWORD)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ctx.root, env=ctx.env(), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode == 2 and "demo-data" in (done.stderr or ""):   # no such command (yet)
        command = [ctx.python, "-c", _DEMO_FALLBACK, str(data_dir), str(customers), str(DEMO_SEED), DEMO_PASSWORD]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ctx.root, env=ctx.env(), capture_output=True, text=True)
        seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchError(f"demo-data exited with {done.returncode}: {_tail(done.stderr or done.stdout)}")
    return seconds


# -- measuring programs --------------------------------------------------------------------------

def time_to_line(command: list[str], env: dict[str, str], cwd: Path, line: str = "shown",
                 timeout: float = 120.0) -> float:
    """Seconds from just before starting COMMAND until it prints LINE on its own (then it must end)."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=cwd)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        elapsed = None
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                if raw.strip() == line.encode():
                    elapsed = time.perf_counter() - start
                    break
        finally:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            timer.cancel()
            if process.stdout is not None:
                process.stdout.close()
        if elapsed is None:
            errors.seek(0)
            text = errors.read().decode("utf-8", "replace")
            raise BenchError(f"{' '.join(command[1:4])}... never printed {line!r} (exit {process.returncode}): "
                             f"{_tail(text)}")
        return elapsed


def median_time(measure: Callable[[], float], runs: int, warmup: int = 1) -> float:
    """The median of RUNS measurements after WARMUP unmeasured ones (bytecode, disk cache)."""
    for _ in range(warmup):
        measure()
    return statistics.median(measure() for _ in range(runs))


def _tail(text: str, lines: int = 8) -> str:
    return " | ".join((text or "").strip().splitlines()[-lines:]) or "(no output)"


# -- running and reporting -----------------------------------------------------------------------

def run(benchmarks: list[Benchmark], ctx: Context) -> list[Result]:
    """Run each benchmark; one that fails gives a row without a value (and its error on stderr)."""
    results: list[Result] = []
    for bench in benchmarks:
        print(f"bench: {bench.name} ...", file=sys.stderr, flush=True)
        try:
            produced = bench.fn(ctx)
        except BenchSkipped as exc:
            print(f"bench: {bench.name} skipped: {exc}", file=sys.stderr, flush=True)
            results.append(Result(bench.name, None, "", note=str(exc), skipped=True))
            continue
        except Exception as exc:   # one broken figure must not hide the others
            detail = str(exc) if isinstance(exc, BenchError) else traceback.format_exc()
            print(f"bench: {bench.name} failed: {detail}", file=sys.stderr, flush=True)
            results.append(Result(bench.name, None, "", note=str(exc)))
            continue
        results.extend(produced if isinstance(produced, list) else [produced])
    return results


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if value == 0 or not math.isfinite(value):
        return str(value)
    digits = max(0, 2 - int(math.floor(math.log10(abs(value)))))
    return f"{value:.{min(digits, 4)}f}"


def _target(result: Result) -> str:
    if result.target is None:
        return "-"
    sign = ">=" if result.higher_is_better else "<="
    if result.target_on == "ratio":
        return f"ratio {sign} {result.target:g}"
    return f"{sign} {result.target:g} {result.unit}".rstrip()


def format_table(results: list[Result]) -> str:
    """The results as an aligned text table: figure, value, unit, baseline, ratio, target, ok."""
    header = ("figure", "value", "unit", "baseline", "ratio", "target", "ok")
    rows = [(r.name, _number(r.value), r.unit or "-", _number(r.baseline), _number(r.ratio), _target(r),
             "skipped" if r.skipped else {True: "yes", False: "NO", None: "-"}[r.ok]) for r in results]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    right = {1, 3, 4}

    def line(cells) -> str:
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return "\n".join([line(header), line("-" * w for w in widths), *(line(row) for row in rows)])


def write_json(results: list[Result], path: Path) -> None:
    """The results as a JSON list of objects with the keys of JSON_KEYS."""
    path = Path(path)
    if path.parent != Path(""):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2) + "\n",
                    encoding="utf-8")


def main(argv: list[str] | None = None, registry: Registry | None = None, ctx: Context | None = None) -> int:
    """Run the selected benchmarks, print the table, write the JSON; exit 1 when a benchmark failed to run
    (a skipped one, which says why, does not count).

    With ``--strict``, a figure that misses its target also gives exit code 1.
    """
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the desktop_cs benchmarks.")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="run only the figures with this name or name prefix (repeatable), e.g. startup")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a figure misses its target")
    args = parser.parse_args(argv)

    registry = registry or discover()
    selected = registry.select(args.only)
    if args.list:
        for bench in registry.benchmarks.values():
            print(f"{bench.name:28s} {bench.description}")
        return 0
    if not selected:
        print(f"bench: no benchmark matches {args.only}; try --list", file=sys.stderr)
        return 2
    ctx = ctx or Context.from_environment()
    print(f"bench: {len(selected)} benchmark(s), {ctx.customers} demo customers, median of {ctx.runs} runs",
          file=sys.stderr, flush=True)
    results = run(selected, ctx)
    print(format_table(results))
    if args.json:
        write_json(results, Path(args.json))
    if any(r.value is None and not r.skipped for r in results):
        return 1
    if args.strict and any(r.ok is False for r in results):
        return 1
    return 0
