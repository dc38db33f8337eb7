"""The embedded TrueType CJK font every PDF uses (reportlab cannot embed CFF/OTF, and STSong-Light is not embedded)."""
from __future__ import annotations

from pathlib import Path

from desktop_cs import paths

FONT_NAME = "WenQuanYiMicroHei"
#: the PostScript name reportlab writes into the PDF's font dictionary (subset prefix aside)
POSTSCRIPT_NAME = b"WenQuanYiMicroHei"

_registered = False


def register_fonts(font_file: Path | None = None) -> str:
    """Register the bundled CJK font with reportlab once; return its name for canvases and styles."""
    global _registered
    if _registered:
        return FONT_NAME
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_file or paths.font_path()), subfontIndex=0))
    _registered = True
    return FONT_NAME


def pdf_embeds_cjk_font(pdf_bytes: bytes) -> bool:
    """True when the PDF carries our font as an embedded TrueType program (FontFile2)."""
    return b"/FontFile2" in pdf_bytes and b"WenQuanYi" in pdf_bytes
