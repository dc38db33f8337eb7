"""Import benchmarks: a 100,000-row .xlsx against openpyxl's own read-only pass over the same file (same run), a
100,000-row CSV, the backup made before an import (its own row), and each hostile file (time and peak memory).

Every figure is measured in a fresh child process, the way a user meets it. The input
files are generated once into ``bench/out/import-files/`` (the .xlsx as Excel writes it:
shared strings, a dimension, dates as styled serial numbers). The imports go into a fresh
data folder; the demo database is only read (for the backup row).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import BenchError, Context, Result, benchmark

ROWS = 100_000
XLSX_TARGET_RATIO = 2.0
XLSX_TARGET_SECONDS = 40.0
CSV_TARGET_SECONDS = 10.0
HOSTILE_SECONDS = 5.0
HOSTILE_MB = 200.0
SPECIALISTS = ("李专员", "张专员", "刘专员", "陈专员")
TIERS = ("VIP", "重点", "普通")
HEADER = ["姓名", "手机号码", "身份证号码", "邮箱", "客户类型", "等级", "来源", "专员", "备注", "注册日期"]
FILES_VERSION = 3

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华文玉兰建国志红海波鹏宇浩晨雪梅琳欣怡子涵俊杰"


def files_dir(ctx: Context) -> Path:
    return ctx.out_dir / "import-files"


def _rows(n: int, seed: int = 9):
    from desktop_cs.services.identity import id_check_character

    rng = random.Random(seed)
    regions = ("110101", "110102", "110105", "110108", "310101", "310104")
    for i in range(n):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        born = dt.date(1950, 1, 1) + dt.timedelta(days=(i // 6) % 20000)      # unique with the region
        first17 = regions[i % 6] + born.strftime("%Y%m%d") + f"{(i // 120000) % 1000:03d}"
        yield [name, f"1{rng.choice('3456789')}{i:09d}", first17 + id_check_character(first17),
               f"kh{i}@example.com" if i % 3 else "", rng.choice(("投资人", "借款人", "潜在客户")),
               rng.choice(TIERS), rng.choice(("热线", "在线", "网站", "到访")),
               rng.choice(SPECIALISTS) if i % 4 else "", f"第{i}号客户，{rng.choice(('稳健型', '进取型', '保守型'))}",
               dt.datetime(2019, 1, 1) + dt.timedelta(days=i % 2000)]


def input_files(ctx: Context) -> tuple[Path, Path]:
    """The 100,000-row .xlsx and CSV (UTF-8 with BOM, as Excel's "CSV UTF-8"), generated once."""
    folder = files_dir(ctx)
    stamp = folder / "stamp.json"
    xlsx, csv_path = folder / f"customers-{ROWS}.xlsx", folder / f"customers-{ROWS}.csv"
    wanted = {"rows": ROWS, "version": FILES_VERSION}
    try:
        if json.loads(stamp.read_text()) == wanted and xlsx.exists() and csv_path.exists():
            return xlsx, csv_path
    except (OSError, ValueError):
        pass
    folder.mkdir(parents=True, exist_ok=True)
    print(f"bench: writing the {ROWS:,}-row import files into {folder} ...", file=sys.stderr, flush=True)
    import csv

    from openpyxl import Workbook
    wb = Workbook()                   # normal mode: shared strings and a dimension, as Excel writes them
    ws = wb.active
    ws.title = "客户"
    ws.append(HEADER)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for row in _rows(ROWS):
            ws.append(row)
            writer.writerow(row[:-1] + [row[-1].strftime("%Y-%m-%d")])
    for cell in ws["J"][1:]:
        cell.number_format = "yyyy-mm-dd"
    wb.save(xlsx)
    stamp.write_text(json.dumps(wanted))
    return xlsx, csv_path


_CHILD = r'''
import json, os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
mode, data_dir, path = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
if mode == "baseline":
    import openpyxl
    start = time.perf_counter()
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    out = {"seconds": time.perf_counter() - start, "rows": n}
else:
    from desktop_cs import paths
    paths.set_data_dir(data_dir)
    from desktop_cs.services.database import open_app_database
    open_app_database()
    from desktop_cs.models import Customer, User
    from desktop_cs.services import imports
    actor = User.get(User.login == "boss")
    start = time.perf_counter()
    inspection = imports.inspect_file(path)
    plan = imports.preview(actor, path, inspection=inspection)
    previewed = time.perf_counter()
    report = imports.run_import(actor, plan)
    end = time.perf_counter()
    out = {"seconds": end - start, "preview": previewed - start, "import": report.seconds,
           "backup": report.backup_seconds, "created": report.created, "refused": report.refused,
           "customers": Customer.select().count()}
print(json.dumps(out))
'''

_PREPARE = r'''
import sys
from desktop_cs import paths
paths.set_data_dir(sys.argv[1])
from desktop_cs.services.database import open_app_database
open_app_database()
from desktop_cs.models import Tier
from desktop_cs.services import users
boss = users.first_run("基准测试公司", "boss", "王主管", "bench-pass-1", "bench-pass-1")
for i, name in enumerate(sys.argv[2].split(",")):
    users.create_user(boss, f"spec{i + 1}", name, "specialist", "bench-pass-1")
for name in sys.argv[3].split(","):
    Tier.get_or_create(name=name)
'''


def prepared_folder(ctx: Context) -> Path:
    """A data folder with the supervisor, the specialists and the tiers the files name (made once per run)."""
    template = ctx.cache.get("import_template")
    if template is None:
        template = Path(tempfile.mkdtemp(prefix="import-template-", dir=ctx.out_dir))
        done = subprocess.run([ctx.python, "-c", _PREPARE, str(template), ",".join(SPECIALISTS), ",".join(TIERS)],
                              cwd=ctx.root, env=ctx.env(), capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"preparing the data folder failed: {done.stderr[-800:]}")
        ctx.cache["import_template"] = template
    fresh = Path(tempfile.mkdtemp(prefix="import-run-", dir=ctx.out_dir))
    shutil.rmtree(fresh)
    shutil.copytree(template, fresh)
    return fresh


def _child(ctx: Context, mode: str, data_dir: Path | str, path: Path) -> dict:
    done = subprocess.run([ctx.python, "-c", _CHILD, mode, str(data_dir), str(path)], cwd=ctx.root, env=ctx.env(),
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise BenchError(f"{mode} of {path.name} failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@benchmark("import.xlsx_100k", "100,000-row .xlsx end to end (backup apart) vs openpyxl's read-only pass")
def xlsx_100k(ctx: Context) -> list[Result]:
    xlsx, _csv = input_files(ctx)
    baseline = _child(ctx, "baseline", "", xlsx)
    if baseline["rows"] != ROWS + 1:
        raise BenchError(f"openpyxl read {baseline['rows']} rows")
    folder = prepared_folder(ctx)
    try:
        run = _child(ctx, "import", folder, xlsx)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if run["created"] != ROWS:
        raise BenchError(f"the import created {run['created']} customers, refused {run['refused']}")
    without_backup = run["seconds"] - run["backup"]
    ctx.cache["import_backup_fresh"] = run["backup"]
    return [Result("import.xlsx_100k", without_backup, "s", baseline=baseline["seconds"],
                   target=XLSX_TARGET_RATIO, target_on="ratio",
                   note=f"preview {run['preview']:.1f} s, writing {run['import']:.1f} s"),
            Result("import.xlsx_100k_end_to_end", run["seconds"], "s", target=XLSX_TARGET_SECONDS)]


@benchmark("import.csv_100k", "100,000-row CSV (UTF-8 with BOM) end to end")
def csv_100k(ctx: Context) -> Result:
    _xlsx, csv_path = input_files(ctx)
    folder = prepared_folder(ctx)
    try:
        run = _child(ctx, "import", folder, csv_path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if run["created"] != ROWS:
        raise BenchError(f"the import created {run['created']} customers, refused {run['refused']}")
    return Result("import.csv_100k", run["seconds"], "s", target=CSV_TARGET_SECONDS,
                  note=f"backup before {run['backup']:.2f} s included")


_BACKUP_CHILD = r'''
import json, sys, time
from desktop_cs import paths
paths.set_data_dir(sys.argv[2])
from desktop_cs.models import db as dbmod
dbmod.open_database(sys.argv[1], read_only=True)      # the demo database is only read
from desktop_cs.services import backups
info = backups.make_backup(sys.argv[3], check=sys.argv[4], second_copy=False, prune_old=False)
print(json.dumps({"copy": info.seconds, "check": info.check_seconds, "size": info.size,
                  "customers": info.counts.get("customer")}))
'''


def demo_database(ctx: Context) -> Path:
    """The demo database of bench/out/demo-<N>; never built here (``archive.demo_data`` builds it)."""
    path = ctx.out_dir / f"demo-{ctx.customers}" / "desktop_cs.sqlite3"
    if not path.exists():
        raise BenchError(f"the demo database {path} is missing: build it with "
                         f"`python -m bench --only archive.demo_data` (not built here)")
    return path


def backup_of_demo(ctx: Context, reason: str, check: str) -> dict:
    """One checked backup of the demo database into a scratch folder (the copy is deleted afterwards)."""
    source = demo_database(ctx)
    scratch = Path(tempfile.mkdtemp(prefix="backup-", dir=ctx.out_dir))
    try:
        done = subprocess.run([ctx.python, "-c", _BACKUP_CHILD, str(source), str(scratch), reason, check],
                              cwd=ctx.root, env=ctx.env(), capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise BenchError(f"backup of the demo database failed: {done.stderr[-800:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@benchmark("import.backup_before", "the checked backup an import makes first, on the demo archive")
def backup_before(ctx: Context) -> Result:
    run = backup_of_demo(ctx, "before-import", "quick")
    return Result("import.backup_before", run["copy"] + run["check"], "s",
                  note=f"{run['size'] / 1e6:.0f} MB, {run['customers']} customers; online copy {run['copy']:.1f} s "
                       f"+ quick_check {run['check']:.1f} s")


_HOSTILE_CHILD = r'''
import json, sys, time
from desktop_cs import paths, i18n
paths.set_data_dir(sys.argv[1])
i18n.set_language("en")
from desktop_cs.models import db as dbmod
dbmod.open_database(paths.database_path())
from desktop_cs.models import Customer, User
from desktop_cs.services import imports
from desktop_cs.services.errors import ServiceError
actor = User.get(User.login == "boss")
start = time.perf_counter()
try:
    plan = imports.preview(actor, sys.argv[2])
    imports.run_import(actor, plan)
    message = ""
except ServiceError as exc:
    message = exc.message
print(json.dumps({"seconds": time.perf_counter() - start, "message": message,
                  "customers": Customer.select().count()}))
'''


def hostile_files(ctx: Context) -> dict[str, Path]:
    sys.path.insert(0, str(ctx.root))
    from tests import data_files

    folder = files_dir(ctx) / "hostile"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return {name: make(folder) for name, make in data_files.HOSTILE.items()}


#: runs one child and reports its peak memory: RUSAGE_CHILDREN of this wrapper covers that one child only
_MEASURE = r'''
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"code": done.returncode, "out": done.stdout, "err": done.stderr[-2000:],
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
'''


@benchmark("import.hostile", "each hostile file: answered with a message, nothing imported (time, peak memory)")
def hostile(ctx: Context) -> list[Result]:
    results = []
    template = prepared_folder(ctx)
    try:
        for name, path in hostile_files(ctx).items():
            wrapped = subprocess.run([ctx.python, "-c", _MEASURE, ctx.python, "-c", _HOSTILE_CHILD, str(template),
                                      str(path)], cwd=ctx.root, env=ctx.env(), capture_output=True, text=True,
                                     timeout=300)
            measured = json.loads(wrapped.stdout.strip().splitlines()[-1])
            peak_mb = measured["maxrss_kib"] / 1024          # ru_maxrss is in KiB on Linux
            if measured["code"] != 0:
                results.append(Result(f"import.hostile_{name}", None, "s", note=measured["err"][-300:]))
                continue
            run = json.loads(measured["out"].strip().splitlines()[-1])
            refused = bool(run["message"]) and run["customers"] == 0
            results.append(Result(f"import.hostile_{name}", run["seconds"] if refused else None, "s",
                                  target=HOSTILE_SECONDS, note=run["message"][:120] or "NOT REFUSED"))
            results.append(Result(f"import.hostile_{name}_memory", peak_mb, "MB", target=HOSTILE_MB))
    finally:
        shutil.rmtree(template, ignore_errors=True)
    return results
