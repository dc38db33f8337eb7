"""A one-page print test: company, Chinese sample text and printed-by/at, to check fonts and the printer."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_cs.i18n import _
from desktop_cs.reports.fonts import register_fonts


def write_test_page(target: Path, *, company: str, printed_by: str, printed_at: dt.datetime) -> Path:
    """Write the test page to TARGET (A4) and return the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = register_fonts()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(target), pagesize=A4, initialFontName=font, initialFontSize=11)
    pdf.setTitle(_("Print test page"))
    pdf.setAuthor(company)
    width, height = A4
    y = height - 30 * mm
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, company or _("Customer Service Desk"))
    y -= 12 * mm
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, y, _("Print test page"))
    y -= 16 * mm
    pdf.setFont(font, 11)
    for line in (
        _("If you can read this page, the printer and the Chinese font work."),
        "客户档案 · 回访计划 · 投诉记录 · 积分 — 满意 / 一般 / 不满意 ¥1,000",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
    ):
        pdf.drawString(25 * mm, y, line)
        y -= 9 * mm
    pdf.setFont(font, 9)
    footer = _("Printed by {user} at {time}").format(user=printed_by, time=printed_at.strftime("%Y-%m-%d %H:%M"))
    pdf.drawString(25 * mm, 15 * mm, footer)
    pdf.drawRightString(width - 25 * mm, 15 * mm, _("Page {n} of {m}").format(n=1, m=1))
    pdf.showPage()
    pdf.save()
    return target
