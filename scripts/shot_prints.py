"""Save one page of every printed document as PNG in docs/prints/ (and the whole PDFs with --pdf DIR).

Usage: python scripts/shot_prints.py [language] [--pdf DIR]   (run again after the catalog is rebuilt)
Works in a throw-away data folder filled with 2,000 demo customers; needs pdftoppm (poppler-utils).
"""
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import clock, i18n, paths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "prints"
args = [a for a in sys.argv[1:] if not a.startswith("--")]
pdf_dir = Path(sys.argv[sys.argv.index("--pdf") + 1]) if "--pdf" in sys.argv else None
if pdf_dir is not None and str(pdf_dir) in args:
    args.remove(str(pdf_dir))
paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_prints_")))
i18n.set_language(args[0] if args else None)

from desktop_cs.models import Callback, Customer, PointsEntry, User  # noqa: E402
from desktop_cs.services import demo_data, printing  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

open_app_database()
demo_data.generate(None, 2000, seed=1, password="demo1234")
boss = User.get(User.login == "supervisor")
spec = User.get(User.login == "specialist1")
today = clock.today()
month = (today - dt.timedelta(days=29), today)
year = (today - dt.timedelta(days=364), today)

import peewee as pw  # noqa: E402

filled = (Callback.select(Callback.id).where(Callback.status == "done", Callback.attempts > 1,
                                             Callback.satisfaction == "unsatisfied", Callback.suggestions != "",
                                             Callback.assigned_to == spec.id)
          .order_by(Callback.id.desc()).scalar())
planned = (Callback.select(Callback.id).where(Callback.status == "open", Callback.assigned_to == spec.id)
           .order_by(Callback.due_at).scalar())
holder = (PointsEntry.select(PointsEntry.customer).join(Customer, on=(PointsEntry.customer == Customer.id))
          .group_by(PointsEntry.customer).having(pw.fn.COUNT(PointsEntry.id).between(8, 14))
          .order_by(PointsEntry.customer).scalar())

DOCUMENTS = {
    "callback-form": lambda: printing.callback_forms(spec, callback_ids=[filled]),
    "callback-form-blank": lambda: printing.callback_forms(spec, callback_ids=[planned], blank=True),
    "callback-summary": lambda: printing.callback_summary(boss, *year),
    "complaint-report": lambda: printing.complaint_report(boss, *month),
    "points-statement": lambda: printing.points_statement(boss, holder),
    "points-summary": lambda: printing.points_summary(boss, *month),
    "staff-evaluation": lambda: printing.staff_report(boss, *month),
    "enquiry-summary": lambda: printing.enquiry_summary(boss, *month),
}

OUT.mkdir(parents=True, exist_ok=True)
work = Path(tempfile.mkdtemp(prefix="desktop_cs_pdf_"))
for name, build in DOCUMENTS.items():
    pdf = work / f"{name}.pdf"
    printing.write_pdf(build(), pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(OUT / name)], check=True)
    if pdf_dir is not None:
        pdf_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pdf, pdf_dir / pdf.name)
    print(OUT / f"{name}.png")
shutil.rmtree(work, ignore_errors=True)
