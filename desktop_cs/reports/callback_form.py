"""The callback record form (回访记录表): one callback per A4 page, blank, filled, or a batch numbered "page n of m".

A fixed form is drawn straight on the canvas (no flowables): a thousand forms take about a
second. Every page has the customer and plan grid, the attempt history, tick boxes for the
outcome, the satisfaction and the next step, boxes for the customer's opinion, suggestions
and notes, and signature lines with dates for the specialist and the supervisor.
"""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import styles
from desktop_cs.reports.data import CallbackForm, CallbackForms
from desktop_cs.reports.styles import GREY, HEADER_FILL, INK, MM, RULE, RenderCancelled, fmt_time, page_size

#: the codes of the tick boxes, in print order (their texts come with the data: ``CallbackForms.choices``)
OUTCOMES = ("reached", "no_answer", "phone_off", "wrong_number", "refused")
SATISFACTIONS = ("satisfied", "average", "unsatisfied")
NEXT_STEPS = ("none", "callback", "complaint")
ATTEMPT_ROWS = 5

ROW = 7.2 * MM
LABEL_W = 25 * MM


class _Writer:
    """Draws forms on one canvas; char widths cached for wrapping and fitting."""

    def __init__(self, canvas, font: str, labels: dict):
        from reportlab.pdfbase.pdfmetrics import stringWidth

        self.c = canvas
        self.font = font
        self.labels = labels
        self._string_width = stringWidth
        self._widths: dict[str, float] = {}
        self._fitted: dict[tuple, tuple[str, float]] = {}
        from reportlab.pdfbase.pdfmetrics import getFont
        #: the widest glyph of the font, in ems (CJK ideographs are 1 em)
        self.widest = max(getFont(font).face.charWidths.values()) / 1000
        self.text = None
        self._color = None
        self._size = None
        self.width, self.height = page_size(False)
        self.left = styles.MARGIN_X
        self.right = self.width - styles.MARGIN_X
        self.content = self.right - self.left

    # -- text helpers ---------------------------------------------------------------------------------------
    def text_width(self, text: str, size: float) -> float:
        return self._string_width(text, self.font, size)

    def char_width(self, ch: str, size: float) -> float:
        w = self._widths.get(ch)
        if w is None:
            w = self._widths[ch] = self._string_width(ch, self.font, 1)
        return w * size

    def fit(self, text: str, width: float, size: float, smallest: float = 7.0) -> tuple[str, float]:
        """TEXT shrunk down to SMALLEST points, then cut with an ellipsis, to fit WIDTH on one line."""
        text = " ".join((text or "").split())
        if len(text) * size * self.widest <= width:     # no glyph is wider than this: it fits, no need to measure
            return text, size
        key = (text, width, size, smallest)
        fitted = self._fitted.get(key)
        if fitted is None:
            fitted = self._fitted[key] = self._fit(text, width, size, smallest)
        return fitted

    def _fit(self, text: str, width: float, size: float, smallest: float) -> tuple[str, float]:
        while size > smallest and self.text_width(text, size) > width:
            size -= 0.5
        if self.text_width(text, size) <= width:
            return text, size
        while text and self.text_width(text + "…", size) > width:
            text = text[:-1]
        return text + "…", size

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Lines of TEXT no wider than WIDTH: Chinese breaks anywhere, Latin words at spaces when possible."""
        lines: list[str] = []
        for paragraph in (text or "").splitlines():
            line, w, last_space = "", 0.0, -1
            for ch in paragraph:
                cw = self.char_width(ch, size)
                if w + cw > width and line:
                    if ch != " " and last_space > 0 and ch.isascii() and line[last_space + 1:].isascii():
                        lines.append(line[:last_space])
                        line = line[last_space + 1:]
                    else:
                        lines.append(line)
                        line = ""
                    if ch == " " and not line:
                        w, last_space = 0.0, -1
                        continue
                    w = self.text_width(line, size)
                    last_space = line.rfind(" ")
                line += ch
                w += cw
                if ch == " ":
                    last_space = len(line) - 1
            lines.append(line)
        return lines

    def draw(self, x: float, y: float, text: str, size: float = 9, color=INK) -> None:
        """Queue TEXT in the page's one text object (drawn over the page's boxes when the page ends)."""
        t = self.text
        if color != self._color:
            t.setFillColorRGB(*color)
            self._color = color
        if size != self._size:
            t.setFont(self.font, size)
            self._size = size
        t.setTextOrigin(x, y)
        t.textOut(text)

    def fill(self, color) -> None:
        """The fill colour of the boxes (the text keeps its own)."""
        self.c.setFillColorRGB(*color)

    # -- pieces -------------------------------------------------------------------------------------------------
    def grid(self, top: float, rows: list[tuple[str, str, str, str]]) -> float:
        """Label/value pairs two per row; returns the y under the grid."""
        c = self.c
        value_w = (self.content - 2 * LABEL_W) / 2
        xs = (self.left, self.left + LABEL_W, self.left + LABEL_W + value_w, self.left + 2 * LABEL_W + value_w)
        bottom = top - ROW * len(rows)
        self.fill(HEADER_FILL)
        c.rect(xs[0], bottom, LABEL_W, top - bottom, stroke=0, fill=1)
        c.rect(xs[2], bottom, LABEL_W, top - bottom, stroke=0, fill=1)
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.rect(self.left, bottom, self.content, top - bottom, stroke=1, fill=0)
        c.setLineWidth(0.3)
        for i in range(1, len(rows)):
            c.line(self.left, top - i * ROW, self.right, top - i * ROW)
        for x in xs[1:]:
            c.line(x, bottom, x, top)
        for i, (l1, v1, l2, v2) in enumerate(rows):
            y = top - (i + 1) * ROW + ROW / 2 - 3.2
            for label, value, x, w in ((l1, v1, xs[0], value_w), (l2, v2, xs[2], value_w)):
                text, size = self.fit(label, LABEL_W - 6, 8.5)
                self.draw(x + 3, y, text, size, GREY)
                if value:
                    text, size = self.fit(value, w - 6, 9.5)
                    self.draw(x + LABEL_W + 3, y, text, size)
        return bottom

    def section(self, y: float, title: str, note: str = "") -> float:
        """A section title (and a small note at the right); returns the top of what follows."""
        self.bold(self.left, y - 12, title, 10.5)
        if note:
            self.draw(self.right - self.text_width(note, 7.5), y - 12, note, 7.5, GREY)
        return y - 17

    def bold(self, x: float, y: float, text: str, size: float, centred: bool = False) -> None:
        """TEXT filled and thinly stroked: a bold look from the one embedded font."""
        c = self.c
        if centred:
            x -= self.text_width(text, size) / 2
        c.saveState()
        t = c.beginText(x, y)
        t.setFont(self.font, size)
        t.setTextRenderMode(2)
        c.setFillColorRGB(*INK)
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(size / 40)
        t.textOut(text)
        t.setTextRenderMode(0)
        c.drawText(t)
        c.restoreState()

    def attempts(self, top: float, form: CallbackForm) -> float:
        c = self.c
        widths = [9 * MM, 31 * MM, 27 * MM, 22 * MM, 25 * MM]
        widths.append(self.content - sum(widths))
        heads = ["#", _("Time"), _("By"), _("Method"), _("Result"), _("Note")]
        row_h = 6.2 * MM
        rows = ATTEMPT_ROWS + 1
        bottom = top - rows * row_h
        self.fill(HEADER_FILL)
        c.rect(self.left, top - row_h, self.content, row_h, stroke=0, fill=1)
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.rect(self.left, bottom, self.content, top - bottom, stroke=1, fill=0)
        c.setLineWidth(0.3)
        for i in range(1, rows):
            c.line(self.left, top - i * row_h, self.right, top - i * row_h)
        x = self.left
        for w in widths[:-1]:
            x += w
            c.line(x, bottom, x, top)
        shown = form.attempts[-ATTEMPT_ROWS:]
        first_number = len(form.attempts) - len(shown) + 1
        lines: list[list[str]] = [heads]
        for i, a in enumerate(shown):
            lines.append([str(first_number + i), fmt_time(a.at), a.by, a.method, a.outcome, a.note])
        for r, cells in enumerate(lines):
            y = top - (r + 1) * row_h + row_h / 2 - 3
            x = self.left
            for col, (w, value) in enumerate(zip(widths, cells)):
                if value:
                    text, size = self.fit(value, w - 5, 8.5)
                    self.draw(x + 2.5, y, text, size, GREY if r == 0 else INK)
                x += w
        return bottom

    def box(self, x: float, y: float, ticked: bool) -> None:
        c = self.c
        size = 3.4 * MM
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.7)
        c.rect(x, y, size, size, stroke=1, fill=0)
        if ticked:
            c.setLineWidth(1.3)
            path = c.beginPath()
            path.moveTo(x + size * 0.18, y + size * 0.52)
            path.lineTo(x + size * 0.42, y + size * 0.2)
            path.lineTo(x + size * 0.85, y + size * 0.88)
            c.drawPath(path, stroke=1, fill=0)

    def choices(self, top: float, rows: list[tuple[str, tuple[str, ...], dict[str, str], str | None]]) -> float:
        """Rows of tick boxes: (label, codes, code -> text, ticked code)."""
        c = self.c
        bottom = top - ROW * len(rows)
        self.fill(HEADER_FILL)
        c.rect(self.left, bottom, LABEL_W, top - bottom, stroke=0, fill=1)
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.rect(self.left, bottom, self.content, top - bottom, stroke=1, fill=0)
        c.setLineWidth(0.3)
        c.line(self.left + LABEL_W, bottom, self.left + LABEL_W, top)
        for i in range(1, len(rows)):
            c.line(self.left, top - i * ROW, self.right, top - i * ROW)
        for i, (label, codes, texts, ticked) in enumerate(rows):
            y = top - (i + 1) * ROW + ROW / 2 - 3.2
            text, size = self.fit(label, LABEL_W - 6, 8.5)
            self.draw(self.left + 3, y, text, size, GREY)
            slot = (self.content - LABEL_W - 4) / max(len(codes), 3)
            x = self.left + LABEL_W + 4
            for code in codes:
                self.box(x, y - 1.6, code == ticked)
                text, size = self.fit(texts.get(code, code), slot - 6 * MM, 9)
                self.draw(x + 5 * MM, y, text, size)
                x += slot
        return bottom

    def text_box(self, top: float, height: float, label: str, text: str) -> float:
        """A box with its label at the top left and TEXT wrapped inside (shrunk, then cut, when too long)."""
        c = self.c
        bottom = top - height
        c.setStrokeColorRGB(*RULE)
        c.setLineWidth(0.6)
        c.rect(self.left, bottom, self.content, height, stroke=1, fill=0)
        self.draw(self.left + 3, top - 11, label, 8.5, GREY)
        if not text:    # ruled lines to write on
            c.setStrokeColorRGB(0.82, 0.82, 0.82)
            c.setLineWidth(0.3)
            c.setDash(1, 2)
            y = top - 14 - 7 * MM
            while y > bottom + 3 * MM:
                c.line(self.left + 4, y, self.right - 4, y)
                y -= 7 * MM
            c.setDash()
        else:
            inner = self.content - 8
            avail = height - 17
            size = 9.5
            while True:
                lines = self.wrap(text, inner, size)
                leading = size * 1.35
                if len(lines) * leading <= avail or size <= 7:
                    break
                size -= 0.5
            most = max(int(avail // leading), 1)
            if len(lines) > most:
                lines = lines[:most]
                last, _size = self.fit(lines[-1] + "…", inner, size, size)
                lines[-1] = last if last.endswith("…") else last + "…"
            y = top - 14 - size
            for line in lines:
                self.draw(self.left + 4, y, line, size)
                y -= leading
        return bottom

    def signatures(self, y: float) -> None:
        c = self.c
        half = self.content / 2
        c.setStrokeColorRGB(*INK)
        c.setLineWidth(0.5)
        for i, who in enumerate((_("Specialist (signature)"), _("Supervisor (signature)"))):
            x = self.left + i * half
            label, size = self.fit(who + ":", 30 * MM, 9)
            self.draw(x, y, label, size)
            c.line(x + 31 * MM, y - 2, x + 58 * MM, y - 2)
            self.draw(x + 60 * MM, y, _("Date") + ":", 9)
            c.line(x + 68 * MM, y - 2, x + half - 4 * MM, y - 2)

    # -- one page -----------------------------------------------------------------------------------------------
    def page(self, info, form: CallbackForm, number: int, total: int) -> None:
        c, L = self.c, self.labels
        # one text object per page: far cheaper than a text object per string
        self.text = c.beginText()
        self._color = self._size = None
        styles.draw_header(c, info, self.width, self.height)
        top = self.height - styles.HEADER_LINE
        self.bold(self.width / 2, top - 11 * MM, _("Callback record form"), 17, centred=True)
        number_text = _("Form No. {number}").format(number=form.form_number or "________")
        self.draw(self.right - self.text_width(number_text, 9), top - 11 * MM, number_text, 9)
        if form.status:
            self.draw(self.left, top - 11 * MM, _("Status: {status}").format(status=form.status), 9, GREY)
        y = top - 15 * MM
        customer = form.customer_name
        if customer and form.customer_number:
            customer = _("{name} (No. {id})").format(name=customer, id=form.customer_number)
        done = fmt_time(form.done_at)
        if done and form.done_by:
            done = f"{done} ({form.done_by})"
        duration = ""
        if form.duration_seconds:
            minutes, seconds = divmod(form.duration_seconds, 60)
            duration = _("{m} min {s} s").format(m=minutes, s=seconds)
        y = self.grid(y, [
            (_("Customer"), customer, _("Tier"), form.tier),
            (_("Mobile"), form.mobile, _("ID number"), form.id_number),
            (_("Specialist"), form.specialist, _("Purpose"), form.purpose),
            (_("Method"), form.method, _("Preferred time"), form.preferred_time),
            (_("Due"), fmt_time(form.due_at), _("Done"), "" if form.blank else done),
            (_("Campaign / complaint"), form.origin, _("Duration"), "" if form.blank else duration),
        ])
        hidden = len(form.attempts) - ATTEMPT_ROWS
        y = self.section(y - 2 * MM, _("Attempt history"),
                         _("{n} earlier attempts are not shown.").format(n=hidden) if hidden > 0 else "")
        y = self.attempts(y, form if not form.blank else CallbackForm())
        y = self.section(y - 3 * MM, _("Result of the callback"))
        filled = not form.blank
        y = self.choices(y, [
            (_("Reached?"), OUTCOMES, L.get("outcomes", {}), form.outcome_code if filled else None),
            (_("Satisfaction"), SATISFACTIONS, L.get("satisfactions", {}), form.satisfaction_code if filled else None),
            (_("Next step"), NEXT_STEPS, L.get("next_steps", {}), form.next_step_code if filled else None),
        ])
        y = self.text_box(y - 3 * MM, 40 * MM, _("The customer's opinion of the company"),
                          form.opinion if filled else "")
        y = self.text_box(y - 2.5 * MM, 40 * MM, _("Suggestions on products and service"),
                          form.suggestions if filled else "")
        y = self.text_box(y - 2.5 * MM, 23 * MM, _("Notes and follow-up"), form.notes if filled else "")
        self.signatures(max(y - 12 * MM, styles.FOOTER_LINE + 9 * MM))
        c.drawText(self.text)
        styles.draw_footer(c, info, self.width, number, total)
        c.showPage()


def write_forms(document: CallbackForms, target: str | Path | BinaryIO, *, progress: styles.Progress | None = None,
                canvas_class=None) -> int:
    """Write one form per page to TARGET; returns the number of pages.

    The tick boxes' texts come from ``document.choices``; PROGRESS(done,
    total) is called every 25 pages and stops the work (RenderCancelled) when it returns False.
    An empty batch prints one blank form.
    """
    from reportlab.pdfgen.canvas import Canvas

    font = styles.font()
    forms = document.forms or [CallbackForm(blank=True)]
    info = document.info
    target = str(target) if isinstance(target, Path) else target
    canvas = (canvas_class or Canvas)(target, pagesize=page_size(False), initialFontName=font, initialFontSize=9)
    styles.set_metadata(canvas, info)
    writer = _Writer(canvas, font, document.choices)
    total = len(forms)
    for number, form in enumerate(forms, start=1):
        writer.page(info, form, number, total)
        if progress is not None and (number % 25 == 0 or number == total):
            if progress(number, total) is False:
                raise RenderCancelled()
    canvas.save()
    return total

