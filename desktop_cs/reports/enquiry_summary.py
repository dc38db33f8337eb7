"""The enquiry summary (咨询汇总): totals and the share resolved at first contact, by topic (with a chart) and by
channel, per specialist, and the weekly trend — the analysis specialists report upward."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import charts, styles
from desktop_cs.reports.data import EnquiryCount, EnquirySummary, Share
from desktop_cs.reports.styles import fmt_int, heading, para, table


def _rows(items: list[EnquiryCount], total: int) -> list[list[str]]:
    return [[c.label, fmt_int(c.total), Share(c.total, total).percent(), fmt_int(c.resolved),
             c.first_contact.percent()] for c in items]


def story(report: EnquirySummary) -> list:
    """The summary's flowables."""
    from reportlab.platypus import KeepTogether

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)
    out.append(heading(_("Key figures")))
    out.append(styles.key_figures([
        (_("Enquiries recorded"), fmt_int(report.total)),
        (_("Resolved at first contact"), f"{report.resolved:,} ({report.first_contact.percent()})"),
        (_("Handed on"), fmt_int(report.total - report.resolved)),
        (_("From callers not in the archive"), fmt_int(report.unknown_callers)),
    ], width))
    head = [_("Enquiries"), _("Share"), _("Resolved at once"), _("First-contact rate")]
    widths = [width - 4 * 72] + [72] * 4
    out.append(heading(_("By topic")))
    out.append(table([_("Topic")] + head, _rows(report.by_topic, report.total), widths, numeric=(1, 2, 3, 4)))
    out.append(charts.hbars([(c.label, c.total) for c in report.by_topic[:12]], width, label_width=90))
    out.append(KeepTogether([heading(_("By channel")),
                             table([_("Channel")] + head, _rows(report.by_channel, report.total), widths,
                                   numeric=(1, 2, 3, 4))]))
    out.append(KeepTogether([heading(_("Enquiries per week")), charts.weekly_columns(report.weekly, width, 140)]))
    out.append(KeepTogether([
        heading(_("Per specialist")),
        table([_("Specialist")] + head, _rows(report.by_specialist, report.total), widths, numeric=(1, 2, 3, 4)),
        para(_("Resolved at first contact: answered in the same contact, not handed on."), "note"),
        *styles.signature_block(width)]))
    return out


def write(report: EnquirySummary, target: str | Path | BinaryIO) -> None:
    """Write the summary's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
