"""The points summary of a period: opening and closing points, issued by rule (with a chart), redeemed, expired,
adjusted and compensated, and the outstanding liability in yuan (1 point = 1 yuan)."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import charts, styles
from desktop_cs.reports.data import PointsSummaryReport, Share
from desktop_cs.reports.styles import fmt_int, fmt_yuan, heading, para, table


def story(report: PointsSummaryReport) -> list:
    """The summary's flowables."""
    from reportlab.platypus import KeepTogether

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)
    out.append(heading(_("Movement of points in the period")))
    rows = [
        [_("Points outstanding at the start"), fmt_int(report.opening_points)],
        [_("+ Issued by the rules"), fmt_int(report.issued_total)],
        [_("+ Added by adjustments"), fmt_int(report.adjusted_in)],
        [_("(of which compensation for complaints)"), fmt_int(report.compensation)],
        [_("+ Given back by reversals"), fmt_int(report.reversed_in)],
        [_("− Redeemed toward investments"), fmt_int(report.redeemed)],
        [_("− Expired"), fmt_int(report.expired)],
        [_("− Taken off by adjustments"), fmt_int(report.adjusted_out)],
        [_("− Taken back by reversals"), fmt_int(report.reversed_out)],
        [_("Points outstanding at the end"), fmt_int(report.closing_points)],
        [_("Liability at the end (1 point = 1 yuan)"), fmt_yuan(report.closing_liability_fen)],
    ]
    out.append(table([_("Item"), _("Points")], rows, [width - 120, 120], numeric=(1,), total_row=True))
    out.append(para(_("{n} redemptions in the period.").format(n=f"{report.redemptions:,}"), "note"))

    out.append(heading(_("Issued by rule")))
    if report.issued:
        out.append(table([_("Event"), _("Awards"), _("Points"), _("Share")],
                         [[label, fmt_int(entries), fmt_int(points), Share(points, report.issued_total).percent()]
                          for label, points, entries in report.issued]
                         + [[_("Total"), fmt_int(sum(e for _l, _p, e in report.issued)), fmt_int(report.issued_total),
                             ""]],
                         [width - 240, 80, 80, 80], numeric=(1, 2, 3), total_row=True))
        out.append(KeepTogether([para(_("Points issued by event"), "small"),
                                 charts.hbars([(label, points) for label, points, _e in report.issued], width,
                                              label_width=110)]))
    else:
        out.append(para(_("No points were issued in this period."), "body"))
    out.append(KeepTogether(styles.signature_block(width, right=_("Checked by (signature)"))))
    return out


def write(report: PointsSummaryReport, target: str | Path | BinaryIO) -> None:
    """Write the summary's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
