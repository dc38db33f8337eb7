"""Command line of data in and out: ``import``, ``export``, ``backup``, ``restore`` and ``check``.

Registered by ``cli.build_parser`` through ``register(subparsers)``; the commands use the
helpers of ``cli`` (sign-in, database, exit codes) and print what they did.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from desktop_cs.i18n import _, ngettext

PASSPHRASE_ENV = "DESKTOP_CS_BACKUP_PASSPHRASE"
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the data commands to the command line's sub-parsers."""
    p = sub.add_parser("import", help=_("import customers from an Excel (.xlsx, .xls) or CSV file"))
    p.add_argument("what", choices=["customers"], help=_("what the file holds"))
    p.add_argument("file", metavar="FILE", help=_("the file to import"))
    p.add_argument("--dry-run", action="store_true", help=_("check every row and show what would happen; write "
                                                           "nothing"))
    p.add_argument("--encoding", metavar="E", help=_("text encoding of a CSV file (default: detected; e.g. utf-8, "
                                                     "gbk, gb18030)"))
    p.add_argument("--separator", choices=list(SEPARATORS), help=_("separator of a CSV file (default: detected)"))
    p.add_argument("--sheet", metavar="NAME", help=_("the sheet of a workbook (default: the first)"))
    p.add_argument("--mapping", metavar="NAME", help=_("a column mapping saved in the import window "
                                                       "(default: guessed from the headers)"))
    p.add_argument("--on-duplicate", choices=["skip", "update"], default="skip",
                   help=_("what to do with a customer already in the archive (default: skip)"))
    p.add_argument("--refused", metavar="FILE", help=_("write the refused rows to FILE (.xlsx or .csv) to fix and "
                                                       "import again"))
    p.add_argument("--new-assignments", action="store_true",
                   help=_("customers named with a specialist are new to that specialist: the one-week first contact "
                          "starts (default: an existing relationship, no first-contact callback)"))
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=_("export customers, callbacks, complaints or the points ledger (supervisor)"))
    p.add_argument("kind", choices=["customers", "callbacks", "complaints", "points"], help=_("what to export"))
    p.add_argument("file", metavar="FILE", help=_("the file to write (.xlsx or .csv)"))
    p.add_argument("--full-values", action="store_true", help=_("full ID and mobile numbers instead of masked ones "
                                                                "(audited)"))
    p.add_argument("--search", metavar="TEXT", default="", help=_("customers only: those matching TEXT"))
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("backup", help=_("back up the database now (online backup, checked)"))
    p.add_argument("-o", "--output", metavar="FILE", help=_("write the backup to FILE instead of the backups folder"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=_("replace the database with a backup (supervisor; the current database is "
                                         "backed up first)"))
    p.add_argument("file", metavar="FILE", help=_("the backup file (.sqlite3, or an encrypted .dcsbak copy)"))
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help=_("check the database: integrity, foreign keys, points, audit chain; exit 1 on "
                                       "any problem"))
    p.set_defaults(func=cmd_check)


def _cli():
    from desktop_cs import cli
    return cli


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty() and total:
        print(f"\r{min(done, total) * 100 // total:3d}%", end="", file=sys.stderr, flush=True)
    return True


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r    \r", end="", file=sys.stderr, flush=True)


# -- import ----------------------------------------------------------------------------------------

def cmd_import(args) -> int:
    from desktop_cs.services import imports

    cli = _cli()
    cli._open_database()
    actor = cli._sign_in(args)
    inspection = imports.inspect_file(args.file, encoding=args.encoding,
                                      delimiter=SEPARATORS.get(args.separator or ""), sheet=args.sheet)
    table = inspection.table
    try:
        described = {"csv": _("CSV, encoding {encoding}, separator {separator}").format(
            encoding=table.encoding, separator={",": _("comma"), ";": _("semicolon"), "\t": _("tab")}.get(
                table.delimiter or ",", table.delimiter)),
            "xlsx": _("Excel workbook, sheet {sheet}").format(sheet=table.sheet),
            "xls": _("Excel 97-2003 workbook, sheet {sheet}").format(sheet=table.sheet)}[table.kind]
        print(_("File: {name} ({described})").format(name=Path(args.file).name, described=described))
        mapping = (imports.apply_saved_mapping(inspection.header, args.mapping) if args.mapping
                   else inspection.guessed)
        for index, header in enumerate(inspection.header):
            target = mapping.get(index)
            print("  " + _("column {n} \"{header}\" → {field}").format(
                n=index + 1, header=header, field=imports.field_label(target) if target else _("(not imported)")))
        plan = imports.preview(actor, args.file, mapping, on_duplicate=args.on_duplicate, progress=_progress,
                               inspection=inspection, new_assignments=args.new_assignments)
        _end_progress()
        for row in plan.rows:
            for problem in row.problems:
                print(_("row {row}: {severity}: {field}: {message}").format(
                    row=row.line, severity=_severity(problem.severity), field=imports.field_label(problem.field),
                    message=problem.message))
        if args.dry_run:
            report = imports.dry_run(plan)
        else:
            report = imports.run_import(actor, plan, progress=_progress)
            _end_progress()
        if args.refused and report.refused:
            written = imports.write_refused_rows(plan, args.refused)
            print(ngettext("{n} refused row written to {file}.", "{n} refused rows written to {file}.", written)
                  .format(n=written, file=args.refused))
    finally:
        table.close()
    if report.dry_run:
        print(_("Dry run, nothing written. Would create {created}, update {updated}, skip {skipped}; "
                "{refused} rows refused.").format(created=report.created, updated=report.updated,
                                                  skipped=report.skipped, refused=report.refused))
    else:
        print(report.summary())
        if report.backup_path:
            print(_("Backup before the import: {file} ({seconds:.1f} s)").format(file=report.backup_path,
                                                                                 seconds=report.backup_seconds))
    return cli.EXIT_OK


def _severity(severity: str) -> str:
    return {"error": _("refused"), "warning": _("warning"), "duplicate": _("duplicate")}.get(severity, severity)


# -- export ----------------------------------------------------------------------------------------

def cmd_export(args) -> int:
    from desktop_cs.services import exports
    from desktop_cs.services.customers import CustomerQuery

    cli = _cli()
    target = Path(args.file).expanduser()
    if target.exists():
        raise cli.CommandFailed(_("{file} exists already: choose a new file name.").format(file=target))
    cli._open_database()
    actor = cli._sign_in(args)
    query = CustomerQuery(text=args.search, all_customers=True) if args.kind == "customers" else None
    result = exports.export(actor, args.kind, target, full_values=args.full_values, query=query)
    print(ngettext("{n} row written to {file}.", "{n} rows written to {file}.", result.rows).format(
        n=result.rows, file=result.path))
    if not result.full_values:
        print(_("ID and mobile numbers are masked (--full-values for full numbers)."))
    return cli.EXIT_OK


# -- backup, restore, check ------------------------------------------------------------------------

def cmd_backup(args) -> int:
    from desktop_cs.services import backups

    cli = _cli()
    cli._open_database()
    actor = cli._sign_in(args)
    from desktop_cs.services.database import is_team_server, state
    if is_team_server():
        print(_("Backing up the team server {server} with pg_dump …").format(server=state().server), flush=True)
    info = backups.backup(actor, args.output)
    if info.path.suffix == backups.DUMP_SUFFIX:
        print(_("Backup of the team server written to {file} ({mb:.1f} MB, pg_dump in {copy:.1f} s); "
                "pg_restore --list reads its {n} tables.").format(file=info.path, mb=info.size / 1e6,
                                                                   copy=info.seconds, n=info.counts.get("tables", 0)))
        return cli.EXIT_OK
    print(_("Backup written to {file} ({mb:.1f} MB, copied in {copy:.1f} s, {check} check in {seconds:.1f} s).")
          .format(file=info.path, mb=info.size / 1e6, copy=info.seconds, check=info.checked,
                  seconds=info.check_seconds))
    if info.second_copy:
        print(_("Encrypted second copy: {file}").format(file=info.second_copy))
    if info.second_copy_error:
        print(info.second_copy_error, file=sys.stderr)
    return cli.EXIT_OK


def _passphrase(path: Path) -> str | None:
    from desktop_cs.services import backup_crypto

    if not backup_crypto.is_encrypted(path):
        return None
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(_("Passphrase of the encrypted backup: "))
    raise _cli().CommandFailed(_("This backup is encrypted: type its passphrase at a terminal or set {env}.")
                               .format(env=PASSPHRASE_ENV))


def cmd_restore(args) -> int:
    import peewee as pw

    from desktop_cs.services import backups
    from desktop_cs.services.database import DatabaseDamaged, service_error_for

    cli = _cli()
    source = Path(args.file).expanduser()
    if not source.is_file():
        raise cli.CommandFailed(_("The file {file} does not exist.").format(file=source))
    from desktop_cs.services import connection
    if connection.configured_url():
        cli._open_database()
        backups.restore(cli._sign_in(args), source)     # a team server: says what its administrator runs
    passphrase = _passphrase(source)
    details = backups.inspect_backup(source, passphrase)
    print(_("Backup {name}: made {date}, schema version {version}").format(
        name=source.name, date=details.created_at, version=details.schema_version))
    for key, value in details.counts.items():
        print(f"  {key}: {value}")
    if not details.ok:
        raise cli.CommandFailed(details.problem)
    if not args.yes:
        if not (sys.stdin is not None and sys.stdin.isatty()):
            raise cli.CommandFailed(_("Add --yes to replace the database without a question."))
        answer = input(_("Replace the current database with this backup? Type yes: "))
        if answer.strip().lower() not in ("yes", "y", _("yes")):
            print(_("Nothing was changed."))
            return cli.EXIT_FAILED
    damaged = False
    actor = None
    try:
        cli._open_database()
        actor = cli._sign_in(args)
    except (pw.DatabaseError, DatabaseDamaged) as exc:
        translated = service_error_for(exc)
        if not isinstance(translated, DatabaseDamaged) and not isinstance(exc, DatabaseDamaged):
            raise
        damaged = True
        print(_("The current database is damaged ({error}); signing in against the backup's users.").format(
            error=exc), file=sys.stderr)
    if damaged:
        if not args.user:
            raise cli.CommandFailed(_("This command needs a user: give --user NAME before the command."))
        password = cli._read_password(_("Password for {user}: ").format(user=args.user))
        result = backups.restore_as(args.user, password, source, passphrase)
    else:
        result = backups.restore(actor, source, passphrase)
    print(_("Restored {file} in {seconds:.1f} s.").format(file=source.name, seconds=result.seconds))
    if result.before_restore:
        print(_("The previous database was backed up to {file}.").format(file=result.before_restore))
    if result.moved_aside:
        print(_("The previous database was too damaged to copy; it was moved to {file}.").format(
            file=result.moved_aside))
    return cli.EXIT_OK


def cmd_check(args) -> int:
    import peewee as pw

    from desktop_cs import paths
    from desktop_cs.services import backups, connection
    from desktop_cs.services.errors import ServiceError

    cli = _cli()
    problems: list[str] = []
    opened = True
    try:
        cli._open_database()
    except pw.DatabaseError as exc:
        opened = False
        problems.append(_("The database cannot be opened: {error}").format(error=exc))
    except ServiceError as exc:      # the team server cannot be reached
        opened = False
        problems.append(exc.message)
    if connection.is_team_mode():
        # the server checks foreign keys on every write; its files are the administrator's to check
        if opened:
            print(_("integrity_check, foreign_key_check: kept by the team server (PostgreSQL)"))
    else:
        structure = backups.check_structure(paths.database_path())
        problems += structure.problems
        print(_("integrity_check, foreign_key_check: {result}").format(
            result=_("ok") if structure.ok else ngettext("{n} problem", "{n} problems",
                                                         len(structure.problems)).format(n=len(structure.problems))))
    if opened:
        try:
            actor = cli._sign_in(args)
            data = backups.check_data(actor)
            problems += data.problems
            print(_("points reconciliation, audit chain: {result}").format(
                result=_("ok") if data.ok else ngettext("{n} problem", "{n} problems", len(data.problems)).format(
                    n=len(data.problems))))
        except Exception as exc:  # noqa: BLE001 - a check reports; it must not stop at the first failure
            from desktop_cs.services.database import service_error_for
            if isinstance(exc, cli.CommandFailed):
                message = str(exc)
            else:
                translated = exc if isinstance(exc, ServiceError) else service_error_for(exc)
                if translated is None:
                    raise
                message = translated.message
            problems.append(_("Points and audit chain not checked: {error}").format(error=message))
    for problem in problems:
        print(problem)
    if problems:
        print(ngettext("{n} problem found.", "{n} problems found.", len(problems)).format(n=len(problems)),
              file=sys.stderr)
        return cli.EXIT_FAILED
    print(_("The database is sound."))
    return cli.EXIT_OK
