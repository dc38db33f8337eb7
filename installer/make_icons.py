"""Render the application icon from resources/icons/app.svg into the PNG sizes and the Windows .ico.

    .venv/bin/python installer/make_icons.py

Writes resources/icons/app-<size>.png for every size in SIZES, app.png (the 256-pixel image the
window uses) and app.ico (16-256 pixels, PNG-compressed entries, read by Windows Vista and later).
The outputs are committed; run this again only after changing app.svg.
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "app.svg"
#: sizes the platforms use: Windows (16, 24, 32, 48, 256), Linux hicolor (16-512), macOS (16-512)
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
#: sizes inside app.ico (an .ico entry is at most 256 pixels)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
WINDOW_ICON = "app.png"
WINDOW_ICON_SIZE = 256


def render_png(renderer, size: int) -> bytes:
    """The SVG drawn at SIZE x SIZE pixels, antialiased on a transparent background, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size}px icon as PNG")
    buffer.close()
    return bytes(data)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An .ico container holding the PNG IMAGES (size -> PNG bytes), smallest first."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))          # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        blob = images[size]
        side = 0 if size >= 256 else size                    # 0 means 256
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])   # QImage and QPainter need it
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"make_icons: {SOURCE} is not a valid SVG", file=sys.stderr)
        return 1
    pngs = {size: render_png(renderer, size) for size in SIZES}
    for size, data in pngs.items():
        (ICONS / f"app-{size}.png").write_bytes(data)
    (ICONS / WINDOW_ICON).write_bytes(pngs[WINDOW_ICON_SIZE])
    (ICONS / "app.ico").write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    print(f"make_icons: wrote {len(SIZES)} PNG sizes, {WINDOW_ICON} and app.ico into {ICONS}")
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
