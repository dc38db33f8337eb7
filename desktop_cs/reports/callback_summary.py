"""The callback summary report (回访总结报告): key figures, satisfaction chart, per-specialist table, the unsatisfied
customers to follow up, suggestions grouped by theme, and the signature block. A few pages over any period."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop_cs.i18n import _
from desktop_cs.reports import charts, styles
from desktop_cs.reports.data import CallbackSummary, Share
from desktop_cs.reports.styles import MM, SATISFACTION_COLORS, fmt_int, fmt_time, heading, para, table


def _count_share(part: int, whole: int) -> str:
    return f"{part:,} ({Share(part, whole).percent()})"


def story(report: CallbackSummary) -> list:
    """The report's flowables."""
    from reportlab.platypus import KeepTogether

    info = report.info
    width = styles.frame_width(info)
    out = styles.title_block(info)

    out.append(heading(_("Key figures")))
    out.append(styles.key_figures([
        (_("Callbacks planned"), fmt_int(report.planned)),
        (_("Done"), _count_share(report.done, report.planned)),
        (_("Overdue (open, past due)"), fmt_int(report.overdue)),
        (_("Cancelled"), fmt_int(report.cancelled)),
        (_("Customer reached"), _count_share(report.reached, report.done)),
        (_("Not reached"), fmt_int(report.not_reached)),
        (_("Within 3 days"), f"{report.on_time.part:,} / {report.on_time.whole:,} ({report.on_time.percent()})"),
        (_("Member coverage (target 100%)"),
         f"{report.member_coverage.part:,} / {report.member_coverage.whole:,} ({report.member_coverage.percent()})"),
        (_("Recorded completely"), report.recorded.percent()),
        (_("Satisfaction rate"), report.satisfaction.percent()),
    ], width))
    out.append(para(_("Planned: callbacks due in the period (cancelled ones aside). Within 3 days: callbacks caused "
                      "by an event in the period and made within three days of it (first contacts: seven). Member "
                      "coverage: customers of member tiers reached by a callback in the period."), "note"))

    satisfaction = [(_("Satisfied"), report.satisfied), (_("Average"), report.average),
                    (_("Unsatisfied"), report.unsatisfied)]
    half = width / 2
    pie = charts.pie(satisfaction, half - 6, 118, SATISFACTION_COLORS)
    bars = charts.hbars(report.outcomes, half - 6, label_width=70) if report.outcomes else charts._empty(half, 60)
    pair = styles.side_by_side([[para(_("Satisfaction of the customers reached"), "small"),
                                  para(_("Results of the callbacks done"), "small")], [pie, bars]], [half, half])
    out.append(KeepTogether([heading(_("Satisfaction")), pair]))

    out.append(heading(_("By specialist")))
    rows = []
    for s in report.specialists:
        rows.append([s.name, fmt_int(s.planned), fmt_int(s.done), s.completion.percent(), fmt_int(s.overdue),
                     s.on_time.percent(), fmt_int(s.satisfied), fmt_int(s.average), fmt_int(s.unsatisfied),
                     s.satisfaction.percent()])
    rows.append([_("Total"), fmt_int(report.planned), fmt_int(report.done), report.completion.percent(),
                 fmt_int(report.overdue), report.on_time.percent(), fmt_int(report.satisfied),
                 fmt_int(report.average), fmt_int(report.unsatisfied), report.satisfaction.percent()])
    name_w = width - 9 * 47
    out.append(table([_("Specialist"), _("Planned"), _("Done"), _("Done %"), _("Overdue"), _("Within 3 days"),
                      _("Satisfied"), _("Average"), _("Unsatisfied"), _("Satisfied %")],
                     rows, [name_w] + [47] * 9, numeric=range(1, 10), total_row=True))

    if report.unsatisfied_total:
        out += styles.long_heading(
            _("Unsatisfied customers needing follow-up"),
            _("The {shown} most recent of {total} unsatisfied results in the period.").format(
                shown=len(report.unsatisfied_lines), total=f"{report.unsatisfied_total:,}"))
        widths = [27 * MM, 24 * MM, 23 * MM, 19 * MM, 0, 22 * MM]
        widths[4] = width - sum(widths)
        out.append(table([_("Done"), _("Customer"), _("Mobile"), _("Specialist"), _("Opinion"), _("Next step")],
                         [[fmt_time(u.done_at), u.customer_name, u.mobile, u.specialist, u.opinion, u.next_step]
                          for u in report.unsatisfied_lines], widths))
    else:
        out += [heading(_("Unsatisfied customers needing follow-up")),
                para(_("No customer was unsatisfied in this period."), "body")]

    last = [heading(_("Suggestions collected, by theme"))]
    if report.suggestions_total:
        last.append(para(_("{n} suggestions in the period, grouped by keywords; the newest examples of each "
                           "theme.").format(n=f"{report.suggestions_total:,}"), "lead"))
        rows = []
        for theme in report.themes:
            examples = "\n".join(f"· {text}" for text in theme.examples)
            rows.append([theme.theme, fmt_int(theme.count), Share(theme.count, report.suggestions_total).percent(),
                         examples])
        widths = [34 * MM, 18 * MM, 16 * MM, 0]
        widths[3] = width - sum(widths)
        last.append(table([_("Theme"), _("Count"), _("Share"), _("Newest examples")], rows, widths,
                          numeric=(1, 2)))
    else:
        last.append(para(_("No suggestions were recorded in this period."), "body"))

    out.append(KeepTogether(last + styles.signature_block(width)))
    return out


def write(report: CallbackSummary, target: str | Path | BinaryIO) -> None:
    """Write the report's PDF to TARGET (a path or a binary file)."""
    styles.build(target, report.info, story(report))
