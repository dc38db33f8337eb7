"""Callback benchmarks on the demo archive: My day (one specialist, the whole team, the tab) and a campaign.

Measured in a child process over the shared demo database (``Context.demo_dir``). The
campaign is generated inside a transaction that is rolled back, so the demo database is
left as it was; its baseline is a raw ``executemany`` of the same rows into the same
table (indexes and all), in the same run, also rolled back.
"""
from __future__ import annotations

import json
import subprocess
import sys

from bench.core import BenchError, Context, Result, benchmark

MY_DAY_TARGET = 0.100            # seconds, one specialist or the whole team
CAMPAIGN_TARGET_PER_10K = 5.0    # seconds for 10,000 customers

_CHILD = r'''
import json, os, statistics, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from desktop_cs import paths
paths.set_data_dir(sys.argv[1])
from desktop_cs.models import User, Tier, database
from desktop_cs.models import db as dbmod
dbmod.open_database(paths.database_path())
from desktop_cs.services import callbacks, customers
from desktop_cs.services import calendar as workcal
from desktop_cs.services.customers import CustomerQuery
from desktop_cs import clock

RUNS = int(sys.argv[2])
out = {}
supervisor = User.get(User.role == "supervisor")
busiest = (User.select().where(User.role == "specialist").order_by(User.id).first())

def median(fn):
    fn()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)

out["my_day_one"] = median(lambda: callbacks.my_day(busiest))
out["my_day_team"] = median(lambda: callbacks.my_day(supervisor, callbacks.TEAM))
day = callbacks.my_day(supervisor, callbacks.TEAM)
out["team_counts"] = [day.due_today_count, day.overdue_count, day.upcoming_count, day.not_contacted_count]

from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop_cs.views.callbacks.callbacks_tab import CallbackScheduleTab
tab = CallbackScheduleTab(supervisor, start_timers=False)
out["tab_refresh_team"] = median(tab.refresh)
tab.shutdown()

# the campaign: the "Key" tier (the filter closest to 10,000 customers in the demo archive)
tier = sorted(Tier.select(), key=lambda t: abs(customers.count(supervisor, CustomerQuery(tier_id=t.id,
                                                                                      all_customers=True)) - 10000))[0]
query = CustomerQuery(tier_id=tier.id, all_customers=True)
today = clock.today()
start = today + __import__("datetime").timedelta(days=1)
end = start + __import__("datetime").timedelta(days=13)
batches = []
class Rollback(Exception):
    pass
try:
    with database.atomic():
        result = callbacks.create_campaign(supervisor, "bench", "special_period", "phone", query, start, end,
                                           lambda done, total: batches.append(done))
        raise Rollback
except Rollback:
    pass
out["campaign_seconds"] = result.seconds
out["campaign_rows"] = result.created
out["campaign_batches"] = len(batches)

# the raw baseline: the same rows, executemany into the same table, rolled back
picked, preferred, _skipped = callbacks._campaign_inputs(supervisor, query)
specialists = [u.id for u in User.select().where((User.role == "specialist") & (User.active == True))]
plan = callbacks._balanced_plan(picked, specialists)
cal = workcal.snapshot()
from desktop_cs.models import Campaign
rows = callbacks.campaign_rows(Campaign.select().first().id, plan, cal.working_days(start, end), "special_period", "phone", preferred,
                               cal, clock.now(), supervisor.id)
columns = list(rows[0])
def db_value(key, value):
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value
names = [("customer_id" if c == "customer" else "assigned_to_id" if c == "assigned_to" else "campaign_id"
          if c == "campaign" else "created_by_id" if c == "created_by" else c) for c in columns]
defaults = {"attempts": 0, "opinion": "", "suggestions": "", "notes": "", "version": 1}   # peewee fills these
names += list(defaults)
tuples = [tuple(db_value(c, r[c]) for c in columns) + tuple(defaults.values()) for r in rows]
raw = database.connection()
raw.execute("BEGIN IMMEDIATE")
started = time.perf_counter()
raw.executemany(f"INSERT INTO callback ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", tuples)
out["raw_executemany_seconds"] = time.perf_counter() - started
raw.execute("ROLLBACK")
print(json.dumps(out))
'''


def _measure(ctx: Context) -> dict:
    if "callbacks" not in ctx.cache:
        folder = ctx.demo_dir()
        proc = subprocess.run([ctx.python, "-c", _CHILD, str(folder), str(max(ctx.runs, 5))], env=ctx.env(),
                              capture_output=True, text=True, timeout=900, cwd=str(ctx.root))
        if proc.returncode != 0 or not proc.stdout.strip():
            raise BenchError(f"the callback measurement failed: {proc.stderr[-2000:]}")
        ctx.cache["callbacks"] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"bench: callbacks {ctx.cache['callbacks']}", file=sys.stderr)
    return ctx.cache["callbacks"]


@benchmark("callbacks.my_day")
def my_day(ctx: Context) -> list[Result]:
    """My day from the service: one specialist, the whole team, and the tab's refresh (team) with its tables.

    Median of the runs after a warm-up, over the demo archive (about 500,000 callbacks).
    """
    m = _measure(ctx)
    return [Result("callbacks.my_day.specialist", m["my_day_one"], "s", target=MY_DAY_TARGET),
            Result("callbacks.my_day.team", m["my_day_team"], "s", target=MY_DAY_TARGET),
            Result("callbacks.my_day.tab_refresh", m["tab_refresh_team"], "s", target=MY_DAY_TARGET)]


@benchmark("callbacks.campaign")
def campaign(ctx: Context) -> Result:
    """Generating a campaign for the demo tier nearest 10,000 customers (balanced over 20 specialists, two
    weeks), seconds scaled to 10,000 customers; baseline: raw executemany of the same rows, same run."""
    m = _measure(ctx)
    scale = 10000 / max(1, m["campaign_rows"])
    return Result("callbacks.campaign_10000", m["campaign_seconds"] * scale, "s",
                  baseline=m["raw_executemany_seconds"] * scale, target=CAMPAIGN_TARGET_PER_10K,
                  note=f"{m['campaign_rows']} callbacks in {m['campaign_seconds']:.2f} s")
