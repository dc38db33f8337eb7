"""Complaint benchmarks on the demo archive: the repeat-caller panel (complaints.repeat_panel) and the complaint list's
first page under each filter (complaints.list_first_page)."""
from __future__ import annotations

import datetime as dt
import statistics
import time

from bench.core import Context, Result, benchmark

#: the issue's bounds, in milliseconds, for 100,000 customers and 50,000 complaints
REPEAT_TARGET_MS = 50.0
LIST_TARGET_MS = 150.0
RUNS = 20


def _open(ctx: Context):
    from desktop_cs.models import db as dbmod
    from desktop_cs.models import migrations
    database = dbmod.open_database(ctx.demo_dir() / "desktop_cs.sqlite3")
    migrations.migrate(database)
    return database


def _median_ms(fn, runs: int = RUNS) -> float:
    fn()                                         # warm-up (page cache, statement cache)
    times = []
    for _i in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@benchmark("complaints.repeat_panel", "repeat-caller panel: a chosen customer, a customer's mobile, a bare number")
def repeat_panel(ctx: Context) -> list[Result]:
    """Median milliseconds of ``complaints.repeat_caller`` (the worst of three kinds of look-up is the figure)."""
    import itertools

    from desktop_cs.models import Complaint, Customer, User, database
    from desktop_cs.services import complaints
    _open(ctx)
    try:
        actor = User.get(User.role == "specialist")
        ids = itertools.cycle([r[0] for r in Customer.select(Customer.id).order_by(Customer.id).limit(5000).tuples()]
                              [::250])
        mobiles = itertools.cycle([r[0] for r in Customer.select(Customer.mobile)
                                   .where(Customer.mobile.is_null(False)).limit(5000).tuples()][::250])
        numbers = itertools.cycle([r[0] for r in Complaint.select(Complaint.caller_number)
                                   .where(Complaint.caller_number.is_null(False)).limit(1000).tuples()][::50]
                                  or ["13800138000"])
        figures = {
            "customer": _median_ms(lambda: complaints.repeat_caller(actor, customer_id=next(ids))),
            "customer_mobile": _median_ms(lambda: complaints.repeat_caller(actor, number=next(mobiles))),
            "bare_number": _median_ms(lambda: complaints.repeat_caller(actor, number=next(numbers))),
        }
    finally:
        database.close()
    worst = max(figures, key=figures.get)
    return [Result("complaints.repeat_panel", round(figures[worst], 2), "ms", target=REPEAT_TARGET_MS,
                   note=", ".join(f"{k} {v:.2f} ms" for k, v in figures.items()))]


@benchmark("complaints.list_first_page", "complaint list: first page of 200 under each filter, the slowest")
def list_first_page(ctx: Context) -> list[Result]:
    """Median milliseconds to the first page (ids and rows) for each filter; the slowest filter is the figure."""
    from desktop_cs.models import ComplaintCategory, User, database
    from desktop_cs.services import complaints
    from desktop_cs.services.complaints import ComplaintQuery as Q
    _open(ctx)
    try:
        boss = User.get(User.role == "supervisor")
        spec = User.get(User.role == "specialist")
        category = ComplaintCategory.select().order_by(ComplaintCategory.sort_order).first().id
        today = dt.date.today()
        queries = {
            "none": Q(), "state": Q(status="received"), "closed": Q(status="closed"), "category": Q(category_id=category),
            "severity": Q(severity="critical"), "handler": Q(handler_id=spec.id), "overdue": Q(overdue=True),
            "escalated": Q(escalated=True), "repeat": Q(repeat=True),
            "period": Q(date_from=today - dt.timedelta(days=30), date_to=today),
            "combined": Q(status="closed", category_id=category, severity="low", handler_id=spec.id,
                          escalated=True, repeat=True),
        }
        figures = {name: _median_ms(lambda q=q: complaints.search_page(boss, q), 10) for name, q in queries.items()}
    finally:
        database.close()
    worst = max(figures, key=figures.get)
    return [Result("complaints.list_first_page", round(figures[worst], 2), "ms", target=LIST_TARGET_MS,
                   note=f"slowest: {worst}; " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))]
