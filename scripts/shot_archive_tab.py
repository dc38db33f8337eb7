"""Save docs/archive-tab.png: the main window on the customer archive tab at 1366×768, offscreen, with demo data.

Usage: python scripts/shot_archive_tab.py [language] [login]   (run again after the catalog is rebuilt)
Works in a throw-away data folder filled with 2,000 demo customers; the real one is never touched.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import i18n, paths  # noqa: E402

paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_shot_")))
i18n.set_language(sys.argv[1] if len(sys.argv) > 1 else None)
login = sys.argv[2] if len(sys.argv) > 2 else "supervisor"

from desktop_cs.app import create_application  # noqa: E402
from desktop_cs.services import demo_data, users  # noqa: E402
from desktop_cs.services.database import open_app_database  # noqa: E402

app = create_application([])
open_app_database()
demo_data.generate(None, 2000, seed=1, password="demo-pass-123")
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
tab = window.customers_tab
settle(0.3)
if tab.model.rowCount() > 2:                 # a customer on the page beside the list
    tab.show_customer(tab.model.customer_id(2))
settle(0.5)
target = Path(__file__).resolve().parent.parent / "docs" / "archive-tab.png"
target.parent.mkdir(exist_ok=True)
window.grab().save(str(target))
print(target, window.width(), "x", window.height(), tab.count_label.text())
window.close()
