"""The staff evaluation (员工考核): one line per specialist (landscape) — callbacks done and on time, satisfaction,
complaints handled and the time taken, complaints about their attitude, enquiries recorded."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import styles
from desktop_cs.reports.data import Share, StaffReport
from desktop_cs.reports.styles import fmt_hours, fmt_int, heading, para, table


def story(report: StaffReport) -> list:
    """The evaluation's flowables."""
    from reportlab.platypus import KeepTogether

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)
    header = [_("Specialist"), _("Callbacks planned"), _("Done"), _("Completion"), _("Within 3 days"),
              _("Satisfaction rate"), _("Complaints handled"), _("Resolved"), _("Resolution time (median)"),
              _("Attitude complaints"), _("Enquiries"), _("Resolved at first contact")]
    rows = []
    for line in report.lines:
        rows.append([line.name, fmt_int(line.callbacks_planned), fmt_int(line.callbacks_done),
                     line.completion.percent(), line.on_time.percent(), line.satisfaction.percent(),
                     fmt_int(line.complaints_handled), fmt_int(line.complaints_resolved),
                     fmt_hours(line.resolution_median_hours), fmt_int(line.attitude_complaints),
                     fmt_int(line.enquiries), line.first_contact.percent()])
    if len(report.lines) > 1:
        t = report.lines
        planned, done = sum(x.callbacks_planned for x in t), sum(x.callbacks_done for x in t)
        on_time = Share(sum(x.on_time.part for x in t), sum(x.on_time.whole for x in t))
        satisfied = Share(sum(x.satisfied for x in t), sum(x.rated for x in t))
        enquiries = Share(sum(x.enquiries_resolved for x in t), sum(x.enquiries for x in t))
        rows.append([_("Team"), fmt_int(planned), fmt_int(done), Share(done, planned).percent(), on_time.percent(),
                     satisfied.percent(), fmt_int(sum(x.complaints_handled for x in t)),
                     fmt_int(sum(x.complaints_resolved for x in t)), "",
                     fmt_int(sum(x.attitude_complaints for x in t)), fmt_int(enquiries.whole), enquiries.percent()])
    name_w = width - 11 * 57
    out.append(heading(_("Figures per specialist")))
    if rows:
        out.append(table(header, rows, [name_w] + [57] * 11, numeric=range(1, 12), total_row=len(report.lines) > 1))
    else:
        out.append(para(_("No specialist worked in this period."), "body"))
    out.append(para(_("Callbacks: due in the period. Within 3 days: event-triggered callbacks made within three days "
                      "(first contacts: seven). Satisfaction rate: satisfied among the customers who gave a "
                      "rating. Complaints: received in the period and handled by the specialist; the resolution "
                      "time counts calendar hours. Attitude complaints: service-attitude complaints about the "
                      "specialist. Enquiries: recorded by the specialist; resolved at first contact = not handed "
                      "on."), "note"))
    out.append(KeepTogether([heading(_("Remarks")), para(_("Strengths, points to improve and agreed goals:"), "body"),
                             para("\n\n\n\n", "body"),
                             *styles.signature_block(width, left=_("Specialist (signature)"))]))
    return out


def write(report: StaffReport, target: str | Path | BinaryIO) -> None:
    """Write the evaluation's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
