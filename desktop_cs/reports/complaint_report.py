"""The complaint analysis report: key figures, charts by category and by week, the overdue and escalated list,
repeat complainants, root causes ranked, staff-attitude complaints, and the signature block."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import charts, styles
from desktop_cs.reports.data import ComplaintReport, Share
from desktop_cs.reports.styles import MM, fmt_hours, fmt_int, fmt_time, fmt_yuan, heading, para, table


def _counts_table(header: str, items: list[tuple[str, int]], total: int, width: float):
    rows = [[label or "—", fmt_int(n), Share(n, total).percent()] for label, n in items]
    return table([header, _("Complaints"), _("Share")], rows, [width - 110, 55, 55], numeric=(1, 2))


def story(report: ComplaintReport) -> list:
    """The report's flowables."""
    from reportlab.platypus import KeepTogether, Spacer

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)
    kept_due = report.promises_kept + report.promises_broken
    out.append(heading(_("Key figures")))
    out.append(styles.key_figures([
        (_("Complaints received"), fmt_int(report.total)),
        (_("Escalated to the supervisor"), fmt_int(report.escalations)),
        (_("First response, median / 90%"),
         f"{fmt_hours(report.first_response_median_hours)} / {fmt_hours(report.first_response_p90_hours)}"),
        (_("Resolution, median / 90%"),
         f"{fmt_hours(report.resolution_median_hours)} / {fmt_hours(report.resolution_p90_hours)}"),
        (_("Promised replies kept"), f"{report.promises_kept:,} / {kept_due:,} "
                                     f"({Share(report.promises_kept, kept_due).percent()})"),
        (_("Promised replies still pending"), fmt_int(report.promises_pending)),
        (_("First-response deadline missed"), fmt_int(report.first_response_breaches)),
        (_("Resolution deadline missed"), fmt_int(report.resolution_breaches)),
        (_("Re-opened"), fmt_int(report.reopened)),
        (_("Repeat complaints / complainants"), f"{report.repeat_complaints:,} / {report.repeat_complainants:,}"),
        (_("Compensation paid"), fmt_yuan(report.compensation_fen)),
        (_("Compensation in points"), fmt_int(report.compensation_points)),
    ], width))

    half = width / 2
    category_chart = charts.hbars(report.by_category[:10], half - 8, label_width=80)
    pair = styles.side_by_side(
        [[para(_("By category"), "small"), para(_("Satisfaction at the follow-up callback"), "small")],
         [category_chart, charts.pie(report.satisfaction, half - 8, 100, styles.SATISFACTION_COLORS)]], [half, half])
    out.append(KeepTogether([heading(_("Complaints by category")), pair]))
    out.append(KeepTogether([heading(_("Complaints received per week")),
                             charts.weekly_columns(report.weekly, width, 140, styles.SERIES_COLORS[3])]))

    third = (width - 12) / 3
    tables = styles.side_by_side([[_counts_table(_("Channel"), report.by_channel, report.total, third),
                                   _counts_table(_("Severity"), report.by_severity, report.total, third),
                                   _counts_table(_("State"), report.by_status, report.total, third)]],
                                 [third + 6, third + 6, third], gap=6)
    out.append(KeepTogether([heading(_("By channel, severity and state")), tables]))

    if report.attention:
        out += styles.long_heading(
            _("Overdue and escalated complaints"),
            _("The {shown} most recent of {total} complaints of the period that are overdue or were "
              "escalated.").format(shown=len(report.attention), total=f"{report.attention_total:,}"))
        widths = [10 * MM, 28 * MM, 20 * MM, 19 * MM, 14 * MM, 16 * MM, 14 * MM, 28 * MM, 0]
        widths[-1] = width - sum(widths)
        out.append(table([_("No."), _("Received"), _("Customer"), _("Category"), _("Severity"), _("State"),
                          _("Handler"), _("Promised reply"), _("Why listed")],
                         [[c.number, fmt_time(c.received_at), c.customer, c.category, c.severity, c.status,
                           c.handler, fmt_time(c.promised_reply_at), c.flags] for c in report.attention], widths,
                         font_size=8))
    else:
        out += [heading(_("Overdue and escalated complaints")),
                para(_("No complaint of the period is overdue or was escalated."), "body")]

    half_table = (width - 10) / 2
    left = table([_("Repeat complainant"), _("Complaints")],
                 [[name, fmt_int(n)] for name, n in report.top_repeat_complainants] or [[_("None"), ""]],
                 [half_table - 60, 60], numeric=(1,))
    right = table([_("Root cause"), _("Complaints"), _("Share")],
                  [[f"{i}. {name}", fmt_int(n), Share(n, report.total).percent()]
                   for i, (name, n) in enumerate(report.root_causes, start=1)] or [[_("None"), "", ""]],
                  [half_table - 110, 55, 55], numeric=(1, 2))
    pair = styles.side_by_side([[para(_("Repeat complainants"), "h2"), para(_("Root causes, ranked"), "h2")],
                                 [left, right]], [half_table + 10, half_table], gap=10)
    out += [Spacer(1, 3 * MM), pair]

    last = [heading(_("Complaints about staff attitude"))]
    if report.attitude_by_staff:
        last.append(table([_("Staff member"), _("Complaints")], [[name, fmt_int(n)] for name, n in
                                                                 report.attitude_by_staff],
                          [width / 2 - 60, 60], numeric=(1,)))
        last.append(para(_("They count in the staff evaluation."), "note"))
    else:
        last.append(para(_("No complaint about staff attitude in this period."), "body"))
    out.append(KeepTogether(last + styles.signature_block(width)))
    return out


def write(report: ComplaintReport, target: str | Path | BinaryIO) -> None:
    """Write the report's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
