"""Start-up baseline: a bare PySide6 QMainWindow that prints "shown" and exits after its first paint.

Run as a script (``python bench/bare_window.py``); it reports the same way as the app's
DESKTOP_CS_EXIT_AFTER_SHOWN hook, so the two start-up times compare like with like.
"""
from __future__ import annotations

import os
import sys


def main() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class ExitWhenPainted(QObject):
        """On the window's first paint: print "shown" once the paint is flushed, and end the process."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and not getattr(self, "fired", False):
                self.fired = True
                QTimer.singleShot(0, report)
            return False

    def report() -> None:
        sys.stdout.write("shown\n")
        sys.stdout.flush()
        os._exit(0)

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("bare window")
    window.resize(1024, 700)
    window.installEventFilter(ExitWhenPainted(window))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
