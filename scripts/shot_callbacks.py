"""Save docs/my-day.png (the callback tab's My day with data, 1366×768) and docs/callback-record.png (the record
form with its standard script), offscreen, in Chinese by default.

Usage: python scripts/shot_callbacks.py [language]   (run again after the catalog is rebuilt)
Works in a throw-away data folder with a fixed clock; the real one is never touched.
"""
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import clock, i18n, paths  # noqa: E402

paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_shot_")))
i18n.set_language(sys.argv[1] if len(sys.argv) > 1 else None)
NOW = dt.datetime(2026, 11, 20, 10, 30)          # a Friday morning
clock.freeze(NOW - dt.timedelta(days=9))

from PySide6.QtWidgets import QApplication, QComboBox  # noqa: E402

from desktop_cs.app import _install_font  # noqa: E402
from desktop_cs.models import Callback, Tier  # noqa: E402
from desktop_cs.services import assignment, calendar, callbacks, customers, users  # noqa: E402
from desktop_cs.services.customers import CustomerInput  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

app = QApplication([])
_install_font(app)
open_app_database()
boss = users.first_run("恒信财富", "boss", "王主管", "demo-pass-123", "demo-pass-123")
li = users.create_user(boss, "spec1", "李专员", "specialist", "demo-pass-123")
zhao = users.create_user(boss, "spec2", "赵专员", "specialist", "demo-pass-123")
tiers = {t.sort_order: t.id for t in Tier.select()}
people = [("张伟", "13812345678", 1, "14:00-17:00"), ("王芳", "13912345671", 2, ""), ("李娜", "13712345672", 1, ""),
          ("刘洋", "13612345673", 3, "19:00-20:30"), ("陈静", "13512345674", 2, ""), ("杨磊", "13412345675", 3, ""),
          ("黄敏", "18812345676", 1, ""), ("周杰", "18912345677", 3, ""), ("吴婷", "18612345679", 2, ""),
          ("徐强", "15012345680", 3, ""), ("孙丽", "15112345681", 2, "09:00-11:00"), ("马超", "15212345682", 3, "")]
ids = [customers.create_customer(boss, CustomerInput(name=n, mobile=m, tier_id=tiers[t], preferred_time=p,
                                                     customer_type="investor")) for n, m, t, p in people]
assignment.assign(boss, ids[:3], li.id)                  # nine days ago: the one-week rule is broken for these
clock.freeze(NOW - dt.timedelta(days=6))
assignment.assign(boss, ids[3:9], li.id)                 # six days ago: about to break
clock.freeze(NOW - dt.timedelta(days=1))
assignment.assign(boss, ids[9:], zhao.id)
clock.freeze(NOW)
for cid in ids[:2]:
    customers.note_contact(cid, li.id, NOW - dt.timedelta(days=8))
plan = [(ids[0], -26, "periodic_care", "phone"), (ids[1], -3, "complaint_check", "phone"),
        (ids[2], -1.5, "renewal_reminder", "sms"), (ids[3], 0.5, "special_period", "phone"),
        (ids[4], 3.5, "periodic_care", "phone"), (ids[5], 5, "renewal_reminder", "im"),
        (ids[6], 30, "other", "phone"), (ids[7], 50, "special_period", "email")]
cal = calendar.snapshot()
for cid, hours, purpose, method in plan:
    due = NOW + dt.timedelta(hours=hours)
    if not cal.is_allowed(due):     # as the rules would have planned it
        due = cal.next_allowed_time(due) if hours > 0 else due.replace(hour=16, minute=0)
    Callback.create(customer=cid, assigned_to=li, due_at=due.replace(minute=0 if hours % 1 == 0 else 30),
                    purpose=purpose, method=method, created_by=boss, attempts=1 if hours < -2 else 0)
callbacks.write_handover(zhao, "张伟昨天下午来电问提现到账时间，已答应今天 14 点后回电，请跟进。", [ids[0]])
callbacks.write_handover(boss, "周五下午 4 点例会，请大家先把逾期回访处理完。")

from desktop_cs.views.main_window import MainWindow  # noqa: E402

window = MainWindow(li)
window.resize(1366, 728)        # 768 less a task bar
window.tabs.setCurrentWidget(window.callbacks_tab)
window.callbacks_tab.three_musts.compute_now()
window.show()
app.processEvents()
docs = Path(__file__).resolve().parent.parent / "docs"
docs.mkdir(exist_ok=True)
window.grab().save(str(docs / "my-day.png"))
print(docs / "my-day.png", window.size().width(), "x", window.size().height())

from desktop_cs.views.callbacks.record_dialog import CallbackRecordDialog  # noqa: E402

first = window.callbacks_tab.overdue_model.rows[0].id
dialog = CallbackRecordDialog(li, first, window)
dialog.show()


def choose(name, code):
    combo = dialog.findChild(QComboBox, name)
    combo.setCurrentIndex(combo.findData(code))


choose("outcomeCombo", "reached")
choose("satisfactionCombo", "unsatisfied")
dialog.opinion_edit.setPlainText("平台整体还可以，但提现到账太慢，上次等了三天。")
dialog.suggestions_edit.setPlainText("希望提现能当天到账；App 里能看到审核进度。")
dialog.duration_edit.setValue(6)
dialog.save()                   # refused: the next step is not chosen yet (its error shows beside it)
app.processEvents()
dialog.adjustSize()
app.processEvents()
dialog.grab().save(str(docs / "callback-record.png"))
print(docs / "callback-record.png", dialog.size().width(), "x", dialog.size().height())
window.callbacks_tab.shutdown()
