"""Command line of the team server: ``migrate-to URL`` (this PC's database copied to an empty PostgreSQL database).

Registered by ``cli.build_parser`` through ``register(subparsers)``; the work is done by
``services.team_migration``.
"""
from __future__ import annotations

import argparse
import sys
import time

from desktop_cs.i18n import _, ngettext


def register(sub: argparse._SubParsersAction) -> None:
    """Add the team server commands to the command line's sub-parsers."""
    p = sub.add_parser("migrate-to", help=_("copy this PC's database to an empty team server database (supervisor; "
                                            "backed up first, verified afterwards)"))
    p.add_argument("url", metavar="URL",
                   help=_("the team server database: postgresql://user:password@host:5432/dbname"))
    p.set_defaults(func=cmd_migrate_to)


class _Progress:
    """The percentage and what is being done, on one terminal line (nothing when stderr is not a terminal)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.width = 0

    def __call__(self, message: str, done: int, total: int) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        line = f"{done * 100 // total:3d}% {message}" if total else f"     {message}"
        print("\r" + line.ljust(self.width), end="", file=sys.stderr, flush=True)
        self.width = max(self.width, len(line))

    def end(self) -> None:
        if self.tty and self.width:
            print("\r" + " " * self.width + "\r", end="", file=sys.stderr, flush=True)


def _width(text: str) -> int:
    """Columns TEXT takes on a terminal (Chinese characters take two)."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def cmd_migrate_to(args) -> int:
    from desktop_cs import cli, paths
    from desktop_cs.models.db import redact_url
    from desktop_cs.services import team_migration, users
    from desktop_cs.services.database import open_app_database

    source = paths.database_path()
    if not source.is_file():
        raise cli.CommandFailed(_("There is no database on this PC to copy ({file}).").format(file=source))
    open_app_database(source)           # this PC's own file, whatever --database says; migrated if needed
    actor = cli._sign_in(args) if users.has_users() else None
    print(_("Copying {file} to {server} …").format(file=source, server=redact_url(args.url)), flush=True)
    progress = _Progress()
    try:
        report = team_migration.migrate_to(actor, args.url, progress=progress)
    finally:
        progress.end()
    seconds = report.seconds
    print(_("Backup of this PC's database: {file}").format(file=report.backup))
    print(ngettext("Copied {rows} rows of {n} table in {seconds:.1f} s.",
                   "Copied {rows} rows of {n} tables in {seconds:.1f} s.", len(report.tables)).format(
        rows=report.rows, n=len(report.tables), seconds=seconds.get("copy", 0.0) + seconds.get("indexes", 0.0)
        + seconds.get("constraints", 0.0)))
    heads = (_("table"), _("this PC"), _("server"))
    width = max([len(t.name) for t in report.tables] + [_width(heads[0])])
    print("  " + _pad(heads[0], width) + "  " + _pad(heads[1], 10, right=True) + "  " + _pad(heads[2], 10, right=True))
    for table in report.tables:
        print(f"  {table.name.ljust(width)}  {table.rows:>10,}  {table.target_rows:>10,}")
    print(_("Row counts: identical on both sides in all {n} tables.").format(n=len(report.tables)))
    print(_("Points balances: identical for all {n} customers with points ({points} points outstanding).").format(
        n=report.customers_with_points, points=report.points_outstanding))
    print(ngettext("Audit chain: verified on the server ({n} entry).",
                   "Audit chain: verified on the server ({n} entries).", report.audit_entries).format(
        n=report.audit_entries))
    print(_("Done in {seconds:.1f} s (backup {backup:.1f} s, copy {copy:.1f} s, indexes and references "
            "{keys:.1f} s, verification {verify:.1f} s).").format(
        seconds=seconds.get("total", 0.0), backup=seconds.get("backup", 0.0), copy=seconds.get("copy", 0.0),
        keys=seconds.get("indexes", 0.0) + seconds.get("constraints", 0.0), verify=seconds.get("verify", 0.0)))
    print(_("To work on the team server: on every PC choose Settings → Database → Team server, or start the "
            "program with --database URL. This PC's own database stays as it was."))
    return cli.EXIT_OK
