"""Printing on the command line, for scheduled use: ``report callbacks|complaints|points|staff|enquiries`` and
``forms callbacks``, acting as the global ``--user`` with that user's permissions."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_cs.i18n import _

REPORT_KINDS = ("callbacks", "complaints", "points", "staff", "enquiries")


def register(subparsers) -> None:
    """Add the ``report`` and ``forms`` commands to the main parser's SUBPARSERS."""
    from desktop_cs.cli import _date, _positive_int

    p = subparsers.add_parser(
        "report", help=_("print a report to a PDF file (a supervisor's)"),
        description=_("Print a report for a period to a PDF file. points with --customer gives that customer's "
                      "points statement (no period needed)."))
    p.add_argument("kind", choices=REPORT_KINDS, metavar="KIND",
                   help=_("callbacks, complaints, points, staff or enquiries"))
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help=_("first day (YYYY-MM-DD)"))
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help=_("last day, included (YYYY-MM-DD)"))
    p.add_argument("--specialist", metavar="LOGIN", help=_("one specialist instead of the whole team"))
    p.add_argument("--customer", type=_positive_int, metavar="ID",
                   help=_("points: the statement of this customer"))
    p.add_argument("--full-values", action="store_true",
                   help=_("print full ID and mobile numbers (supervisors; recorded in the audit log)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("the PDF file to write"))
    p.set_defaults(func=cmd_report, parser=p)

    p = subparsers.add_parser("forms", help=_("print callback record forms to a PDF file"),
                              description=_("Print callback record forms (one per page) to a PDF file."))
    p.add_argument("kind", choices=("callbacks",), metavar="KIND", help=_("callbacks"))
    which = p.add_mutually_exclusive_group()
    which.add_argument("--date", type=_date, metavar="DATE", help=_("the callbacks due that day"))
    which.add_argument("--from", dest="date_from", type=_date, metavar="DATE",
                       help=_("the callbacks due from this day (with --to)"))
    which.add_argument("--callback", type=_positive_int, metavar="ID", help=_("one callback"))
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help=_("last day, included (with --from)"))
    p.add_argument("--specialist", metavar="LOGIN",
                   help=_("one specialist's callbacks (default: your own; a supervisor's: the team's)"))
    p.add_argument("--blank", action="store_true",
                   help=_("blank forms to fill in by hand; without a choice of callbacks, one empty form"))
    p.add_argument("--full-values", action="store_true",
                   help=_("print full ID and mobile numbers (supervisors; recorded in the audit log)"))
    p.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help=_("the PDF file to write"))
    p.set_defaults(func=cmd_forms, parser=p)


def _usage_error(args, message: str) -> int:
    """Wrong usage found after parsing: the command's usage line and MESSAGE on stderr, exit 2."""
    from desktop_cs.cli import EXIT_USAGE
    parser: argparse.ArgumentParser = args.parser
    parser.print_usage(sys.stderr)
    print(_("{prog}: error: {message}").format(prog=parser.prog, message=message), file=sys.stderr)
    return EXIT_USAGE


def _output(path_text: str) -> Path:
    from desktop_cs.cli import CommandFailed
    target = Path(path_text).expanduser()
    if target.is_dir():
        raise CommandFailed(_("{path} is a folder: give the PDF file's name.").format(path=target))
    if not target.parent.exists():
        raise CommandFailed(_("The folder {path} does not exist.").format(path=target.parent))
    return target


def _write(document, target: Path) -> int:
    """Write DOCUMENT to TARGET through a temporary file, so a failure never leaves half a PDF; print the path."""
    from desktop_cs.cli import EXIT_OK
    from desktop_cs.services import printing
    partial = target.with_name(target.name + ".part")
    try:
        pages = printing.write_pdf(document, partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    if pages:
        print(_("Wrote {path} ({n} pages).").format(path=target, n=pages))
    else:
        print(_("Wrote {path}.").format(path=target))
    return EXIT_OK


def cmd_report(args) -> int:
    from desktop_cs.cli import _open_database, _sign_in
    from desktop_cs.services import printing

    if args.customer is not None and args.kind != "points":
        return _usage_error(args, _("--customer goes with the points report only"))
    statement = args.kind == "points" and args.customer is not None
    if not statement:
        if args.date_from is None or args.date_to is None:
            return _usage_error(args, _("give the period with --from DATE and --to DATE"))
        if args.date_to < args.date_from:
            return _usage_error(args, _("--to is before --from"))
    if args.specialist and args.kind not in ("callbacks", "staff", "enquiries"):
        return _usage_error(args, _("--specialist goes with the callbacks, staff and enquiries reports"))
    if args.full_values and not statement:
        return _usage_error(args, _("--full-values goes with a points statement (--customer) only"))
    target = _output(args.output)
    _open_database()
    actor = _sign_in(args)
    specialist_id = printing.specialist_by_login(args.specialist) if args.specialist else None
    if statement:
        document = printing.points_statement(actor, args.customer, full_values=args.full_values)
    elif args.kind == "callbacks":
        document = printing.callback_summary(actor, args.date_from, args.date_to, specialist_id)
    elif args.kind == "complaints":
        document = printing.complaint_report(actor, args.date_from, args.date_to)
    elif args.kind == "points":
        document = printing.points_summary(actor, args.date_from, args.date_to)
    elif args.kind == "staff":
        document = printing.staff_report(actor, args.date_from, args.date_to, specialist_id)
    else:
        document = printing.enquiry_summary(actor, args.date_from, args.date_to, specialist_id)
    return _write(document, target)


def cmd_forms(args) -> int:
    from desktop_cs.cli import _open_database, _sign_in
    from desktop_cs.services import printing

    if args.date_from is not None and args.date_to is None:
        return _usage_error(args, _("--from needs --to"))
    if args.date_to is not None and args.date_from is None:
        return _usage_error(args, _("--to goes with --from"))
    if args.date_from is not None and args.date_to < args.date_from:
        return _usage_error(args, _("--to is before --from"))
    chosen = args.date is not None or args.date_from is not None or args.callback is not None
    if not chosen and not args.blank:
        return _usage_error(args, _("choose the callbacks: --date DATE, --from DATE --to DATE or --callback ID "
                                    "(or --blank for an empty form)"))
    if args.callback is not None and args.specialist:
        return _usage_error(args, _("--specialist goes with --date or --from/--to"))
    target = _output(args.output)
    _open_database()
    actor = _sign_in(args)
    specialist_id = printing.specialist_by_login(args.specialist) if args.specialist else None
    if args.callback is not None:
        document = printing.callback_forms(actor, callback_ids=[args.callback], blank=args.blank,
                                           full_values=args.full_values)
    elif chosen:
        first = args.date if args.date is not None else args.date_from
        last = args.date if args.date is not None else args.date_to
        document = printing.callback_forms(actor, date_from=first, date_to=last, specialist_id=specialist_id,
                                           blank=args.blank, full_values=args.full_values)
    else:
        document = printing.callback_forms(actor, blank=True, full_values=args.full_values)
    return _write(document, target)
