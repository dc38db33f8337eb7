"""The page template every document shares: header (company, logo, title), footer (printed by/at, page n of m,
the full-values stamp), A4 portrait or landscape, the embedded CJK font, and the paragraph and table styles.

reportlab is imported inside the functions: importing this module costs nothing at start-up.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Callable, Sequence
from xml.sax.saxutils import escape

from desktop_cs.i18n import _
from desktop_cs.reports.data import DocumentInfo
from desktop_cs.reports.fonts import register_fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable, Paragraph, Table

MM = 72 / 25.4
MARGIN_X = 16 * MM
MARGIN_TOP = 22 * MM          # the header band sits above this
MARGIN_BOTTOM = 18 * MM       # the footer band sits below this
HEADER_LINE = 15 * MM         # from the top edge
FOOTER_LINE = 12 * MM         # from the bottom edge

INK = (0.13, 0.13, 0.13)
GREY = (0.45, 0.45, 0.45)
RULE = (0.55, 0.55, 0.55)
HEADER_FILL = (0.90, 0.92, 0.95)
ZEBRA_FILL = (0.965, 0.965, 0.965)
STAMP_RED = (0.75, 0.1, 0.1)
#: satisfied / average / unsatisfied, everywhere the same
SATISFACTION_COLORS = ((0.26, 0.60, 0.34), (0.95, 0.68, 0.20), (0.80, 0.22, 0.20))
SERIES_COLORS = ((0.20, 0.43, 0.69), (0.26, 0.60, 0.34), (0.95, 0.68, 0.20), (0.80, 0.22, 0.20),
                 (0.50, 0.36, 0.65), (0.35, 0.65, 0.72), (0.60, 0.50, 0.35), (0.55, 0.55, 0.55))


class RenderCancelled(Exception):
    """The person asked to stop while a document was being built."""


Progress = Callable[[int, int], "bool | None"]


def page_size(landscape: bool = False) -> tuple[float, float]:
    """A4 in points, portrait or landscape."""
    width, height = 595.2756, 841.8898
    return (height, width) if landscape else (width, height)


def font() -> str:
    """The registered CJK font's name (registered on first use)."""
    return register_fonts()


# -- formatting ---------------------------------------------------------------------------------------------

def fmt_time(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def fmt_int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def fmt_hours(value: float | None) -> str:
    return "—" if value is None else _("{hours} h").format(hours=f"{value:.1f}")


def fmt_yuan(fen: int) -> str:
    """Fen as yuan with thousands separators: 123456 -> ¥1,234.56."""
    sign = "-" if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{rest:02d}"


def period_text(date_from: dt.date, date_to: dt.date) -> str:
    return _("{start} to {end}").format(start=fmt_date(date_from), end=fmt_date(date_to))


def xml(text: str) -> str:
    """TEXT for a Paragraph: markup characters escaped, line breaks kept."""
    return escape(text or "").replace("\n", "<br/>")


# -- header and footer ----------------------------------------------------------------------------------------

def _image_reader(data: bytes):
    from reportlab.lib.utils import ImageReader
    return ImageReader(io.BytesIO(data))


def draw_header(canvas, info: DocumentInfo, page_width: float, page_height: float) -> None:
    """Company (with its logo) at the left, the document's title at the right, a rule below."""
    name = font()
    canvas.saveState()
    y_line = page_height - HEADER_LINE
    x = MARGIN_X
    if info.logo:
        try:
            reader = _image_reader(info.logo)
            iw, ih = reader.getSize()
            h = 9 * MM
            w = min(h * iw / max(ih, 1), 40 * MM)
            canvas.drawImage(reader, x, y_line + 2, width=w, height=h, preserveAspectRatio=True, mask="auto")
            x += w + 3 * MM
        except Exception:  # noqa: BLE001 - a broken logo must never stop a print
            pass
    canvas.setFillColorRGB(*INK)
    canvas.setFont(name, 10)
    canvas.drawString(x, y_line + 4, info.company or _("Customer Service Desk"))
    canvas.setFillColorRGB(*GREY)
    canvas.setFont(name, 8.5)
    canvas.drawRightString(page_width - MARGIN_X, y_line + 4, info.title)
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, y_line, page_width - MARGIN_X, y_line)
    canvas.restoreState()


def draw_footer(canvas, info: DocumentInfo, page_width: float, number: int, total: int) -> None:
    """Printed by / at at the left, "page n of m" at the right, the full-values stamp in red in the middle."""
    name = font()
    canvas.saveState()
    y_line = FOOTER_LINE
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, y_line, page_width - MARGIN_X, y_line)
    canvas.setFont(name, 8)
    canvas.setFillColorRGB(*GREY)
    canvas.drawString(MARGIN_X, y_line - 10, _("Printed by {user} at {time}").format(
        user=info.printed_by, time=fmt_time(info.printed_at)))
    canvas.setFillColorRGB(*INK)
    canvas.drawRightString(page_width - MARGIN_X, y_line - 10, _("Page {n} of {m}").format(n=number, m=total))
    if info.full_values_by:
        canvas.setFillColorRGB(*STAMP_RED)
        canvas.setFont(name, 8.5)
        canvas.drawCentredString(page_width / 2, y_line - 21, full_values_text(info))
    canvas.restoreState()


def full_values_text(info: DocumentInfo) -> str:
    return _("Full ID and mobile numbers shown by {user}: keep this document safe").format(
        user=info.full_values_by)


def set_metadata(canvas, info: DocumentInfo) -> None:
    canvas.setTitle(info.title)
    canvas.setAuthor(info.company)
    canvas.setCreator("desktop_cs")
    canvas.setSubject(info.subtitle)


def numbered_canvas(info: DocumentInfo) -> type[Canvas]:
    """A canvas class that holds its pages until the end, then draws header, footer and "page n of m" on each."""
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Holds the pages until save(), when their total is known."""

        def __init__(self, *args, **kwargs):
            kwargs["initialFontName"] = font()
            kwargs.setdefault("initialFontSize", 10)
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []
            set_metadata(self, info)

        def showPage(self):  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._held)
            width, height = self._pagesize
            for state in self._held:
                self.__dict__.update(state)
                draw_header(self, info, width, height)
                draw_footer(self, info, width, self._pageNumber, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return NumberedCanvas


# -- paragraph and table styles -------------------------------------------------------------------------------

_styles: dict[str, object] | None = None


def styles() -> dict:
    """Paragraph styles in the CJK font: title, subtitle, h2, body, small, cell, cell_right, cell_head, note."""
    global _styles
    if _styles is not None:
        return _styles
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    name = font()
    ink, grey = Color(*INK), Color(*GREY)
    base = ParagraphStyle("base", fontName=name, fontSize=9.5, leading=13.5, textColor=ink, wordWrap="CJK")
    _styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10, leading=14, alignment=TA_CENTER,
                                   textColor=grey, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=17, spaceBefore=10, spaceAfter=5,
                             keepWithNext=1),
        #: before a table that may run over pages (keepWithNext would push the whole table to the next page)
        "h2_loose": ParagraphStyle("h2_loose", parent=base, fontSize=12.5, leading=17, spaceBefore=10,
                                   spaceAfter=5),
        "lead_loose": ParagraphStyle("lead_loose", parent=base, fontSize=8, leading=10.5, textColor=grey,
                                     spaceAfter=4),
        #: the line under a heading that introduces a table: stays with it
        "lead": ParagraphStyle("lead", parent=base, fontSize=8, leading=10.5, textColor=grey, spaceAfter=4,
                               keepWithNext=1),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=grey),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontSize=8.5, leading=11),
        "cell_head_right": ParagraphStyle("cell_head_right", parent=base, fontSize=8.5, leading=11,
                                          alignment=TA_RIGHT),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=11, textColor=grey, spaceBefore=3),
        "stamp": ParagraphStyle("stamp", parent=base, fontSize=9, leading=12, alignment=TA_CENTER,
                                textColor=Color(*STAMP_RED), spaceAfter=4),
    }
    return _styles


_variants: dict[tuple, object] = {}


def para(text: str, style: str = "body", size: float | None = None) -> Paragraph:
    """A paragraph of TEXT in STYLE (at SIZE points); text without Chinese wraps at spaces, Chinese anywhere."""
    from reportlab.platypus import Paragraph
    latin = (text or "").isascii()
    key = (style, latin, size)
    chosen = _variants.get(key)
    if chosen is None:
        from reportlab.lib.styles import ParagraphStyle
        base = styles()[style]
        changes = {}
        if latin:
            changes["wordWrap"] = None
        if size:
            changes.update(fontSize=size, leading=size * 1.3)
        chosen = _variants[key] = ParagraphStyle(f"{style}_{latin}_{size}", parent=base, **changes) if changes \
            else base
    return Paragraph(xml(text), chosen)


def title_block(info: DocumentInfo) -> list:
    """The big title, the period / scope line, and the full-values stamp when there is one."""
    story = [para(info.title, "title")]
    if info.subtitle:
        story.append(para(info.subtitle, "subtitle"))
    if info.full_values_by:
        story.append(para(full_values_text(info), "stamp"))
    return story


def heading(text: str) -> Paragraph:
    """A section heading kept with what follows (use ``long_heading`` before a table that may run long)."""
    return para(text, "h2")


def long_heading(text: str, lead: str = "") -> list:
    """A heading (and its lead line) before a long table: a new page when less than 45 mm are left, else here."""
    from reportlab.platypus import CondPageBreak
    out = [CondPageBreak(45 * MM), para(text, "h2_loose")]
    if lead:
        out.append(para(lead, "lead_loose"))
    return out


def table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
          numeric: Sequence[int] = (), *, total_row: bool = False, font_size: float = 8.5) -> Table:
    """A table with a shaded header repeated on each page, thin rules, zebra rows; NUMERIC columns right-aligned.

    Cells are strings (wrapped in CJK-aware paragraphs) or ready flowables.
    """
    from reportlab.lib.colors import Color
    from reportlab.platypus import Table, TableStyle

    numeric = set(numeric)

    def cell(value: object, col: int, head: bool = False):
        if not isinstance(value, str):
            return value
        key = ("cell_head" if head else "cell") + ("_right" if col in numeric else "")
        return para(value, key, None if font_size == 8.5 else font_size)

    data = [[cell(v, i, True) for i, v in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), font()),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("BACKGROUND", (0, 0), (-1, 0), Color(*HEADER_FILL)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, Color(*RULE)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, Color(0.8, 0.8, 0.8)),
        ("BOX", (0, 0), (-1, -1), 0.6, Color(*RULE)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    for r in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, r), (-1, r), Color(*ZEBRA_FILL)))
    if total_row and len(data) > 1:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, Color(*RULE)),
                     ("BACKGROUND", (0, -1), (-1, -1), Color(*HEADER_FILL))]
    result = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def key_figures(pairs: Sequence[tuple[str, str]], width: float, columns: int = 2) -> Table:
    """Label / value pairs in COLUMNS pairs per line, values emphasised."""
    from reportlab.lib.colors import Color
    from reportlab.platypus import Table, TableStyle

    rows, line = [], []
    for label, value in pairs:
        line += [para(label, "cell"), para(value, "cell_right")]
        if len(line) == columns * 2:
            rows.append(line)
            line = []
    if line:
        rows.append(line + [""] * (columns * 2 - len(line)))
    col = width / columns
    widths = [col * 0.56, col * 0.44] * columns
    result = Table(rows, colWidths=widths, hAlign="LEFT")
    commands = [("FONTNAME", (0, 0), (-1, -1), font()),
                ("BOX", (0, 0), (-1, -1), 0.6, Color(*RULE)),
                ("INNERGRID", (0, 0), (-1, -1), 0.25, Color(0.8, 0.8, 0.8)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    for c in range(0, columns * 2, 2):
        commands.append(("BACKGROUND", (c, 0), (c, -1), Color(*ZEBRA_FILL)))
    result.setStyle(TableStyle(commands))
    return result


def signature_block(width: float, left: str | None = None, right: str | None = None) -> list[Flowable]:
    """Two signature lines with dates: who prepared the document and the supervisor who checked it."""
    from reportlab.platypus import Flowable, Spacer

    left = left or _("Prepared by (signature)")
    right = right or _("Supervisor (signature)")

    class SignatureLines(Flowable):
        """Label, line, date label, line; twice, side by side."""

        def wrap(self, available_width, available_height):
            return width, 12 * MM

        def draw(self):
            c = self.canv
            name = font()
            half = width / 2
            c.setFont(name, 9.5)
            c.setFillColorRGB(*INK)
            c.setStrokeColorRGB(*INK)
            c.setLineWidth(0.5)
            date_label = _("Date") + ":"
            date_w = c.stringWidth(date_label, name, 9.5)
            for i, who in enumerate((left, right)):
                x = i * half
                label = who + ":"
                start = x + c.stringWidth(label, name, 9.5) + 4
                end = x + half - 8 * MM
                line = max((end - start - date_w - 16) * 0.6, 20)
                c.drawString(x, 4, label)
                c.line(start, 2, start + line, 2)
                c.drawString(start + line + 8, 4, date_label)
                c.line(start + line + 12 + date_w, 2, end, 2)

    return [Spacer(1, 10 * MM), SignatureLines()]


def frame_width(info: DocumentInfo) -> float:
    return page_size(info.landscape)[0] - 2 * MARGIN_X


def build(target, info: DocumentInfo, story: list) -> None:
    """Lay STORY out on A4 pages with the shared header and footer and write the PDF to TARGET (path or file)."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    size = page_size(info.landscape)
    doc = BaseDocTemplate(
        target if not hasattr(target, "__fspath__") else str(target), pagesize=size,
        leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=info.title, author=info.company, creator="desktop_cs", initialFontName=font())
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, size[0] - 2 * MARGIN_X, size[1] - MARGIN_TOP - MARGIN_BOTTOM,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=size)])
    doc.build(story, canvasmaker=numbered_canvas(info))


def to_bytes(write: Callable[[object], None]) -> bytes:
    """Run WRITE(file) against a memory buffer and return the PDF's bytes."""
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def side_by_side(rows: Sequence[Sequence[object]], widths: Sequence[float], gap: float = 0) -> Table:
    """A borderless layout table putting flowables (charts, tables) next to each other."""
    from reportlab.platypus import Table, TableStyle

    result = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    result.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font()), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), gap),
                                ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return result
