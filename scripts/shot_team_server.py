"""Save docs/team-server-settings.png (Settings → Database with a team server, tested) and
docs/connection-lost-banner.png (the main window, 1366×768, after the team server dropped its connection),
offscreen, in Chinese by default.

Usage: DESKTOP_CS_TEST_POSTGRES=$(bash scripts/test_postgres.sh) python scripts/shot_team_server.py [language]
Needs the PostgreSQL test server (the banner comes from a real lost connection); works in a throw-away data
folder and a throw-away database on it, dropped at the end. The real data folder is never touched.
"""
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_cs import i18n, paths  # noqa: E402

ADMIN = os.environ.get("DESKTOP_CS_TEST_POSTGRES")
if not ADMIN:
    sys.exit("set DESKTOP_CS_TEST_POSTGRES=$(bash scripts/test_postgres.sh) first")
paths.set_data_dir(Path(tempfile.mkdtemp(prefix="desktop_cs_shot_")))
i18n.set_language(sys.argv[1] if len(sys.argv) > 1 else None)

import psycopg  # noqa: E402
from PySide6.QtWidgets import QApplication, QRadioButton  # noqa: E402

from desktop_cs.app import _install_font  # noqa: E402
from desktop_cs.services import connection, demo_data  # noqa: E402
from desktop_cs.services import database as app_database  # noqa: E402

NAME = f"desktop_cs_shot_{os.getpid()}"
admin = psycopg.connect(ADMIN, autocommit=True)
admin.execute(f'CREATE DATABASE "{NAME}"')
url = urlsplit(ADMIN)._replace(path="/" + NAME).geturl()
docs = Path(__file__).resolve().parent.parent / "docs"


def settle(app, rounds=10):
    for _ in range(rounds):
        app.processEvents()
        time.sleep(0.02)


try:
    app = QApplication([])
    _install_font(app)
    connection.set_override(url)
    app_database.open_app_database()
    demo_data.generate(None, 60, password="demo-pass-123")
    from desktop_cs.models import User
    specialist = User.get(User.login == "specialist1")

    # -- Settings → Database, a team server filled in and tested --------------------------------------
    from desktop_cs.views.settings_dialog import DATABASE_PAGE, SettingsDialog
    dialog = SettingsDialog(page=DATABASE_PAGE)
    form = dialog.database_form
    form.findChild(QRadioButton, "teamServerRadio").setChecked(True)
    form.host_edit.setText("192.168.1.20")
    form.database_edit.setText("desktop_cs")
    form.user_edit.setText("kefu")
    form.password_edit.setText("demo-pass")
    dialog.show()
    settle(app)
    form._tested(None)          # as after "Test connection" against the office server
    settle(app)
    dialog.grab().save(str(docs / "team-server-settings.png"))
    print(docs / "team-server-settings.png", dialog.width(), "x", dialog.height())
    dialog.done(0)

    # -- the main window after the server dropped this program's connection -------------------------------
    from desktop_cs.views.main_window import MainWindow
    window = MainWindow(specialist)
    window.resize(1366, 728)        # 768 less a task bar
    window.tabs.setCurrentWidget(window.callbacks_tab)
    window.show()
    settle(app)
    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                  "AND pid <> pg_backend_pid()", [NAME])
    window.callbacks_tab.refresh()      # the next service call meets the dropped connection
    window.connection_banner.timer.stop()
    settle(app)
    assert window.connection_banner.isVisible()
    window.grab().save(str(docs / "connection-lost-banner.png"))
    print(docs / "connection-lost-banner.png", window.width(), "x", window.height())
    window.close()
finally:
    app_database.close_app_database()
    admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    admin.close()
