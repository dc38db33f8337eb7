"""Save docs/complaint-list.png (the main window on the complaint log at 1366×768) and docs/complaint-form.png (the
intake form for a repeat complainant), offscreen.

Usage: python scripts/shot_complaints.py [language] [login]   (run again after the catalog is rebuilt)
Works in a throw-away data folder; the complaints are written through the services, as the desk would.
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
from desktop_cs.models import ComplaintCategory, RootCause  # noqa: E402
from desktop_cs.services import assignment, callbacks, complaints, customers, users  # noqa: E402
from desktop_cs.services.complaints import ComplaintInput  # noqa: E402
from desktop_cs.services.customers import CustomerInput  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

app = create_application([])
open_app_database()
boss = users.first_run("深圳房贷通", "boss", "王主管", "shot-pass-123", "shot-pass-123")
li = users.create_user(boss, "spec1", "李专员", "specialist", "shot-pass-123")
zhao = users.create_user(boss, "spec2", "赵专员", "specialist", "shot-pass-123")
# a Tuesday afternoon, so that the working-hour deadlines are plain to read
NOW = dt.datetime(2026, 11, 24, 15, 20)
cats = {c.sort_order: c.id for c in ComplaintCategory.select()}
causes = [c.id for c in RootCause.select().order_by(RootCause.sort_order)]


def at(moment: dt.datetime) -> None:
    clock.freeze(moment)


def person(name: str, mobile: str, owner) -> int:
    cid = customers.create_customer(boss, CustomerInput(name=name, mobile=mobile, customer_type="investor"))
    assignment.assign(boss, [cid], owner.id)
    return cid


at(NOW - dt.timedelta(days=20))
zhang = person("张伟", "13812345678", li)
wang = person("王芳", "13987654321", zhao)
chen = person("陈晓东", "13600001111", li)
liu = person("刘洋", "15800002222", zhao)


def complaint(who, moment, cat, severity, text, handler, customer=None, number="", promise_hours=None):
    at(moment)
    return complaints.create_complaint(who, ComplaintInput(
        channel="hotline", category_id=cats[cat], severity=severity, description=text, customer_id=customer,
        caller_number=number, handler_id=handler.id,
        promised_reply_at=moment + dt.timedelta(hours=promise_hours) if promise_hours else None)).complaint_id


# 张伟: two complaints in the last month, the second resolved and verified, then closed
a = complaint(li, NOW - dt.timedelta(days=12), 4, "high", "提现申请三天未到账，客户情绪激动。", li, zhang, promise_hours=3)
at(NOW - dt.timedelta(days=12) + dt.timedelta(hours=1))
complaints.respond(li, a, "已联系财务核实，承诺次日答复")
at(NOW - dt.timedelta(days=11))
complaints.resolve(li, a, "财务加急处理，款项已到账", causes[3])
cb = callbacks.schedule_complaint_verification(li, a)
at(NOW - dt.timedelta(days=10))
callbacks.record_result(li, cb, "reached", "satisfied", "处理及时", "", 90, "none")
complaints.close(li, a)
b = complaint(li, NOW - dt.timedelta(days=4), 3, "normal", "App 登录后反复闪退，无法查看收益。", li, zhang, promise_hours=4)
at(NOW - dt.timedelta(days=4) + dt.timedelta(hours=2))
complaints.resolve(li, b, "引导客户升级到最新版本，问题解决", causes[2])
# 王芳: a service-attitude complaint, escalated
c = complaint(zhao, NOW - dt.timedelta(days=1), 2, "high", "客户反映专员电话中语气生硬、不耐烦。", zhao, wang, promise_hours=2)
at(NOW - dt.timedelta(days=1) + dt.timedelta(minutes=30))
complaints.escalate(zhao, c, "涉及员工服务态度，需主管处理")
# 陈晓东: a promised reply that passed without a contact (red)
complaint(li, NOW - dt.timedelta(hours=5), 1, "normal", "理财产品收益与宣传不符，要求解释。", li, chen, promise_hours=3)
# 刘洋: in progress, promise later today
d = complaint(zhao, NOW - dt.timedelta(hours=3), 4, "critical", "充值成功但账户余额未增加。", zhao, liu, promise_hours=4)
at(NOW - dt.timedelta(hours=2, minutes=40))
complaints.start(zhao, d)
# bare numbers: a landline and a 400 number, and a withheld caller
complaint(li, NOW - dt.timedelta(hours=2), 5, "low", "来电询问平台资质，对回复不满意。", li, number="0755-88886666",
          promise_hours=24)
complaint(zhao, NOW - dt.timedelta(minutes=50), 3, "normal", "网页端充值页面打不开。", zhao, number="400-800-1234",
          promise_hours=2)
complaints.log_harassing_call(li, "010-66668888", "深夜无聊来电")
at(NOW)

user = users.get_by_login(login)
from desktop_cs.views.complaints.complaint_dialog import ComplaintDialog  # noqa: E402
from desktop_cs.views.main_window import MainWindow  # noqa: E402


def settle(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


docs = Path(__file__).resolve().parent.parent / "docs"
docs.mkdir(exist_ok=True)
window = MainWindow(user)
window.resize(1366, 768)
window.show()
window.tabs.setCurrentWidget(window.complaints_tab)
tab = window.complaints_tab
settle(0.3)
tab.show_complaint(c)
settle(0.3)
window.grab().save(str(docs / "complaint-list.png"))
print(docs / "complaint-list.png", window.width(), "x", window.height())

dialog = ComplaintDialog(user, customer_id=zhang, parent=window)
dialog.description_edit.setPlainText("客户第三次来电投诉提现到账慢，要求主管回电。")
dialog.show()
dialog.adjustSize()
settle(0.3)
dialog.grab().save(str(docs / "complaint-form.png"))
print(docs / "complaint-form.png", dialog.width(), "x", dialog.height())
dialog.close()
window.close()
