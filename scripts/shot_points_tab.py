"""Save docs/points-tab.png: the main window on the points tab at 1366×768, offscreen, a customer selected.

Usage: python scripts/shot_points_tab.py [language] [login]   (run again after the catalog is rebuilt)
Works in a throw-away data folder; the customer's history is written through the services, as the desk would.
"""
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import clock, i18n, paths  # noqa: E402

paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_shot_")))
i18n.set_language(sys.argv[1] if len(sys.argv) > 1 else None)
login = sys.argv[2] if len(sys.argv) > 2 else "boss"

from desktop_cs.app import create_application  # noqa: E402
from desktop_cs.services import customers, points, users  # noqa: E402
from desktop_cs.services.customers import CustomerInput  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

app = create_application([])
open_app_database()
boss = users.first_run("深圳房贷通", "boss", "王主管", "shot-pass-123", "shot-pass-123")
spec = users.create_user(boss, "spec1", "李专员", "specialist", "shot-pass-123")
NOW = dt.datetime.now().replace(microsecond=0)


def on(days_ago: float) -> None:
    clock.freeze(NOW - dt.timedelta(days=days_ago))


on(400)
points.save_rule(boss, points.RuleInput(event="recharge", mode="per_amount", points=1, per_amount_fen=10_000,
                                        validity_days=365))
referrer = customers.create_customer(boss, CustomerInput(name="陈晓东", mobile="13900001111", registered=True))
on(380)
cid = customers.create_customer(spec, CustomerInput(name="张伟", mobile="13812345678", registered=True,
                                                    mobile_verified=True, customer_type="investor",
                                                    source="referral", referred_by_id=referrer))
for name in ("李娜", "王芳", "刘洋"):
    customers.create_customer(spec, CustomerInput(name=name, registered=True))
on(379)
customers.update_customer(spec, cid, CustomerInput(name="张伟", mobile=None, id_number="11010519491231002X",
                                                   registered=True, mobile_verified=True, realname_verified=True,
                                                   customer_type="investor", source="referral",
                                                   referred_by_id=referrer))
on(370)
points.record_event(spec, cid, "recharge", amount_fen=2_000_000, reference="RC20251108001")
on(350)
points.record_event(spec, cid, "investment", amount_fen=5_000_000, reference="IV20251128017")
on(200)
points.record_event(spec, cid, "recharge", amount_fen=800_000, reference="RC20260505033")
on(120)
points.redeem(spec, cid, 150, "IV20260724002")
on(60)
wrong = points.record_event(spec, cid, "investment", amount_fen=1_200_000, reference="IV20260922009")
on(59)
points.reverse(boss, wrong.entry_id, "投资单号录错，实际未成交")
on(20)
points.request_adjustment(spec, cid, 50, "投诉补偿：提现到账延迟")
on(2)
points.record_event(spec, cid, "investment", amount_fen=3_000_000, reference="IV20261119021")
on(0)
points.request_adjustment(spec, cid, 800, "年度活动补发积分")
points.run_expiry(None)
clock.freeze(NOW)

user = users.get_by_login(login)
from desktop_cs.views.main_window import MainWindow  # noqa: E402


def settle(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


window = MainWindow(user)
window.resize(1366, 768)
window.show()
window.tabs.setCurrentWidget(window.points_tab)
tab = window.points_tab
tab.search_edit.setText("张伟")
settle(0.4)
tab.customer_list.setCurrentRow(0)
settle(0.3)
tab.ledger_table.selectRow(1)
settle(0.2)
target = Path(__file__).resolve().parent.parent / "docs" / "points-tab.png"
target.parent.mkdir(exist_ok=True)
window.grab().save(str(target))
print(target, window.width(), "x", window.height(), tab.balance_label.text())
window.close()
