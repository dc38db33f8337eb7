"""Printing benchmarks on the demo archive: 1,000 filled callback record forms against a bare reportlab canvas
writing the same text on the same number of pages, and the callback summary report over one year.

Measured in a child process over the shared demo database (``Context.demo_dir``). Every
print writes audit entries: each measured run happens inside a transaction that is rolled
back, so the demo database is left as it was.
"""
from __future__ import annotations

import json
import subprocess
import sys

from bench.core import BenchError, Context, Result, benchmark

FORMS_TARGET = 2.0           # seconds for 1,000 filled forms, data and PDF
FORMS_RATIO_TARGET = 2.0     # against the bare canvas writing the same text
SUMMARY_TARGET = 3.0         # seconds for one year's callback summary, data and PDF
FORMS = 1000

_CHILD = r'''
import datetime as dt, io, json, os, statistics, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from desktop_cs import clock, paths
paths.set_data_dir(sys.argv[1])
from desktop_cs.models import Callback, User, database
from desktop_cs.models import db as dbmod
dbmod.open_database(paths.database_path())
from desktop_cs.services import printing
from desktop_cs.reports import callback_form
from desktop_cs.reports.fonts import register_fonts
from reportlab.pdfgen.canvas import Canvas

RUNS = int(sys.argv[2])
FORMS = int(sys.argv[3])
supervisor = User.get(User.role == "supervisor")
# the most recent done callbacks that have attempts (the fullest forms)
ids = [cid for (cid,) in Callback.select(Callback.id).where(Callback.status == "done", Callback.attempts > 0)
       .order_by(Callback.id.desc()).limit(FORMS).tuples()]

class Rollback(Exception):
    pass

def rolled_back(fn):
    start = time.perf_counter()
    try:
        with database.atomic():
            result = fn()
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed, result

def forms_once():
    doc = printing.callback_forms(supervisor, callback_ids=ids)
    buffer = io.BytesIO()
    pages = printing.write_pdf(doc, buffer)
    return pages, len(buffer.getvalue()), doc

register_fonts()
rolled_back(forms_once)                       # warm-up: fonts, caches
times, pages, size, doc = [], 0, 0, None
for _ in range(RUNS):
    elapsed, (pages, size, doc) = rolled_back(forms_once)
    times.append(elapsed)

# the text the forms draw, recorded page by page, for the bare canvas to write again
class Recording(Canvas):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded = [[]]
    def _keep(self, x, y, text):
        self.recorded[-1].append((self._fontsize, x, y, text))
    def drawString(self, x, y, text, *args, **kwargs):
        self._keep(x, y, text); return super().drawString(x, y, text, *args, **kwargs)
    def drawRightString(self, x, y, text, *args, **kwargs):
        self._keep(x, y, text); return super().drawRightString(x, y, text, *args, **kwargs)
    def drawCentredString(self, x, y, text, *args, **kwargs):
        self._keep(x, y, text); return super().drawCentredString(x, y, text, *args, **kwargs)
    def beginText(self, x=0, y=0, *args, **kwargs):
        t = super().beginText(x, y, *args, **kwargs)
        state = {"x": x, "y": y, "size": self._fontsize}
        plain_out, plain_origin, plain_font = t.textOut, t.setTextOrigin, t.setFont
        def setTextOrigin(x, y):
            state["x"], state["y"] = x, y; return plain_origin(x, y)
        def setFont(name, size, *a, **k):
            state["size"] = size; return plain_font(name, size, *a, **k)
        def textOut(text):
            self.recorded[-1].append((state["size"], state["x"], state["y"], text)); return plain_out(text)
        t.textOut, t.setTextOrigin, t.setFont = textOut, setTextOrigin, setFont
        return t
    def showPage(self):
        super().showPage()
        self.recorded.append([])

recorder = {}
def make(*args, **kwargs):
    canvas = Recording(*args, **kwargs)
    recorder["canvas"] = canvas
    return canvas
callback_form.write_forms(doc, io.BytesIO(), canvas_class=make)
recorded = [page for page in recorder["canvas"].recorded if page]
font = register_fonts()

def bare():
    canvas = Canvas(io.BytesIO(), pagesize=(595.2756, 841.8898), initialFontName=font, initialFontSize=9)
    for page in recorded:
        for size, x, y, text in page:
            canvas.setFont(font, size)
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()

bare()
bare_times = []
for _ in range(RUNS):
    start = time.perf_counter(); bare(); bare_times.append(time.perf_counter() - start)

# the callback summary over the year up to today
today = clock.today()
year_from = today - dt.timedelta(days=364)
def summary_once():
    report = printing.callback_summary(supervisor, year_from, today)
    buffer = io.BytesIO()
    printing.write_pdf(report, buffer)
    return report.planned, len(buffer.getvalue())
rolled_back(summary_once)
summary_times = []
for _ in range(RUNS):
    elapsed, (planned, summary_size) = rolled_back(summary_once)
    summary_times.append(elapsed)

print(json.dumps({"forms_seconds": statistics.median(times), "forms_pages": pages, "forms_bytes": size,
                  "strings_per_page": sum(len(p) for p in recorded) / max(len(recorded), 1),
                  "bare_seconds": statistics.median(bare_times), "bare_pages": len(recorded),
                  "summary_seconds": statistics.median(summary_times), "summary_callbacks": planned,
                  "summary_bytes": summary_size}))
'''


def _measure(ctx: Context) -> dict:
    if "printing" not in ctx.cache:
        folder = ctx.demo_dir()
        proc = subprocess.run([ctx.python, "-c", _CHILD, str(folder), str(max(min(ctx.runs, 5), 3)), str(FORMS)],
                              env=ctx.env(), capture_output=True, text=True, timeout=900, cwd=str(ctx.root))
        if proc.returncode != 0 or not proc.stdout.strip():
            raise BenchError(f"the printing measurement failed: {proc.stderr[-2000:]}")
        ctx.cache["printing"] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"bench: printing {ctx.cache['printing']}", file=sys.stderr)
    return ctx.cache["printing"]


@benchmark("printing.forms_1000")
def forms_1000(ctx: Context) -> list[Result]:
    """1,000 filled callback record forms (the most recent done callbacks with attempts): query, masking, audit
    and PDF, median of the runs; baseline: a bare reportlab canvas writing the same strings (same font, sizes and
    positions) on the same number of pages, same run."""
    m = _measure(ctx)
    note = f"{m['forms_pages']} pages, {m['forms_bytes'] / 1e6:.1f} MB, {m['strings_per_page']:.0f} strings a page"
    return [Result("printing.forms_1000", m["forms_seconds"], "s", baseline=m["bare_seconds"],
                   target=FORMS_TARGET, note=note),
            Result("printing.forms_1000.ratio", m["forms_seconds"], "s", baseline=m["bare_seconds"],
                   target=FORMS_RATIO_TARGET, target_on="ratio", note=note)]


@benchmark("printing.callback_summary_year")
def callback_summary_year(ctx: Context) -> Result:
    """The callback summary report over the 365 days up to today for the whole team (about 500,000 callbacks in
    the demo archive): figures, lists, themes and the PDF, median of the runs."""
    m = _measure(ctx)
    return Result("printing.callback_summary_year", m["summary_seconds"], "s", target=SUMMARY_TARGET,
                  note=f"{m['summary_callbacks']} callbacks planned in the year")
