"""The Qt binding in use keeps Python's reference counts right (PySide6 6.12.0 on Python 3.11 did not)."""
from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_do_not_leak_references_to_none(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
    # A binding that drops one reference per call ends 2000 below; Python 3.11 then aborts.
    assert sys.getrefcount(None) - before > -100
