"""A customer's points statement: who, balance, points expiring, and the ledger with its running balance."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import styles
from desktop_cs.reports.data import PointsStatement
from desktop_cs.reports.styles import MM, fmt_date, fmt_int, fmt_time, heading, para, table


def _signed(points: int) -> str:
    return f"+{points:,}" if points > 0 else f"{points:,}"


def story(report: PointsStatement) -> list:
    """The statement's flowables."""
    from reportlab.platypus import KeepTogether

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)
    out.append(styles.key_figures([
        (_("Customer"), report.customer_name), (_("Customer No."), report.customer_number),
        (_("Mobile"), report.mobile or "—"), (_("ID number"), report.id_number or "—"),
        (_("Balance"), fmt_int(report.balance)), (_("Available now"), fmt_int(report.available)),
        (_("Earned in total"), fmt_int(report.earned)), (_("Used, expired or taken back"), fmt_int(report.used)),
    ], width))
    out.append(para(_("Points cannot be withdrawn as cash; they count toward an investment at 1 point = 1 yuan."),
                    "note"))

    out.append(heading(_("Points expiring soon")))
    if report.expiring:
        out.append(table([_("Expires"), _("Points"), _("From")],
                         [[fmt_date(lot.expires_at), fmt_int(lot.points), lot.source] for lot in report.expiring],
                         [32 * MM, 26 * MM, width - 58 * MM], numeric=(1,)))
        out.append(para(_("{n} points expire in the coming days unless they are used.").format(
            n=f"{report.expiring_total:,}"), "note"))
    else:
        out.append(para(_("No points expire in the coming days."), "body"))

    out += styles.long_heading(_("Ledger"))
    if report.lines:
        widths = [29 * MM, 20 * MM, 18 * MM, 20 * MM, 34 * MM, 0, 22 * MM]
        widths[5] = width - sum(widths)
        out.append(table([_("Time"), _("Kind"), _("Points"), _("Balance"), _("Source"), _("Reason"), _("Expires")],
                         [[fmt_time(r.at), r.kind, _signed(r.points), fmt_int(r.balance), r.source, r.reason,
                           fmt_date(r.expires_at)] for r in report.lines], widths, numeric=(2, 3)))
    else:
        out.append(para(_("No points have been recorded for this customer."), "body"))
    out.append(KeepTogether(styles.signature_block(width, right=_("Checked by (signature)"))))
    return out


def write(report: PointsStatement, target: str | Path | BinaryIO) -> None:
    """Write the statement's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
