"""Save docs/customer-dialog.png: the customer dialog, offscreen, refusing a duplicate mobile (Chinese by default).

Usage: python scripts/shot_customer_dialog.py [language]   (run again after the catalog is rebuilt)
Works in a throw-away data folder; the real one is never touched.
"""
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import i18n, paths  # noqa: E402

paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_shot_")))
i18n.set_language(sys.argv[1] if len(sys.argv) > 1 else None)

from PySide6.QtWidgets import QApplication  # noqa: E402

from desktop_cs.app import _install_font  # noqa: E402
from desktop_cs.services import customers, identity, users  # noqa: E402
from desktop_cs.services.customers import CustomerInput  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

app = QApplication([])
_install_font(app)
open_app_database()
boss = users.first_run("示例公司", "boss", "王主管", "demo-pass-123", "demo-pass-123")
specialist = users.create_user(boss, "spec1", "李专员", "specialist", "demo-pass-123")
customers.create_customer(boss, CustomerInput(name="张三", mobile="13812345678", tags=["VIP", "老客户"]))

from desktop_cs.views.customers.customer_dialog import CustomerDialog  # noqa: E402

dialog = CustomerDialog(specialist)
dialog.show()
first17 = "11010519900307123"
number = first17 + identity.id_check_character(first17)
dialog.name_edit.setText("張三")
dialog.mobile_edit.setText("138 1234 5678")
dialog.id_number_edit.setText(number)
dialog.id_number_edit.textEdited.emit(number)
dialog.email_edit.setText("zhangsan@example.com")
dialog.im_edit.setText("wx_zhangsan")
dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("investor"))
dialog.tier_combo.setCurrentIndex(1)
dialog.tags_edit.setText("VIP, 老客户")
dialog.preferred_time_edit.setText("14:00-17:00")
dialog.registered_check.setChecked(True)
dialog.realname_check.setChecked(True)
dialog.memo_edit.setPlainText("来电咨询定期产品，希望下午回电。")
dialog.save()                       # refused: the mobile belongs to 张三
app.processEvents()
dialog.adjustSize()
app.processEvents()
target = Path(__file__).resolve().parent.parent / "docs" / "customer-dialog.png"
target.parent.mkdir(exist_ok=True)
dialog.grab().save(str(target))
print(target, dialog.size().width(), "x", dialog.size().height(), dialog.shown_errors())
