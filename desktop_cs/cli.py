"""The command line: ``desktop-cs [global options] [command [options]]``; without a command it opens the window."""
from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from typing import Callable

from desktop_cs import i18n, paths, version
from desktop_cs.i18n import _

PASSWORD_ENV = "DESKTOP_CS_PASSWORD"
NEW_PASSWORD_ENV = "DESKTOP_CS_NEW_PASSWORD"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

log = logging.getLogger(__name__)


class CommandFailed(Exception):
    """The work failed or was refused: print the message, exit 1."""


def _translate_argparse() -> None:
    """Route argparse's own messages through our catalog (it calls gettext at message time)."""
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]


class _VersionAction(argparse.Action):
    """``--version``: reads the package metadata only when asked (it costs ~25 ms at start-up)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"desktop-cs {version()}")
        parser.exit()


def _date(text: str):
    import datetime as dt
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date in the form YYYY-MM-DD: {text}").format(text=text))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(_("not a positive whole number: {text}").format(text=text))
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="desktop-cs",
        description=_("Customer Service Desk: customer archive, callbacks, complaints and points. "
                      "Without a command, the window opens."))
    parser.add_argument("--version", action=_VersionAction, help=_("show program's version number and exit"))
    parser.add_argument("--data-dir", metavar="DIR",
                        help=_("data folder (database, backups, logs, PDFs); default: the per-user app data "
                               "folder, or $DESKTOP_CS_DATA_DIR"))
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), help=_("language of messages and documents"))
    parser.add_argument("--database", metavar="URL",
                        help=_("work on a team server for this run: postgresql://user:password@host:5432/dbname "
                               "(default: the choice saved in the settings, else this PC's built-in database; "
                               "or $DESKTOP_CS_DATABASE)"))
    parser.add_argument("--user", metavar="NAME",
                        help=_("act as this user; the password is read from the terminal or from "
                               "$DESKTOP_CS_PASSWORD"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=_("commands"))

    p = sub.add_parser("smoke", help=_("self-check of an installed or packaged program; prints ok"))
    p.set_defaults(func=cmd_smoke)

    p = sub.add_parser("create-user", help=_("create a user account (the first one needs no sign-in)"))
    p.add_argument("name", metavar="NAME", help=_("login name"))
    p.add_argument("--role", required=True, choices=["supervisor", "specialist"], help=_("role of the account"))
    p.add_argument("--display-name", help=_("name shown in the program (default: the login)"))
    p.add_argument("--company", help=_("company name printed on forms (first account only)"))
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("demo-data", help=_("fill an empty database with realistic demo data"))
    p.add_argument("--customers", type=_positive_int, required=True, metavar="N", help=_("number of customers"))
    p.add_argument("--seed", type=int, default=1, help=_("random seed; the same seed gives the same data"))
    p.add_argument("--password", default="demo1234", help=_("password of the demo users (default: demo1234)"))
    p.set_defaults(func=cmd_demo_data)

    from desktop_cs import cli_printing
    cli_printing.register(sub)
    from desktop_cs import cli_data
    cli_data.register(sub)
    from desktop_cs import cli_team
    cli_team.register(sub)
    return parser


# --- helpers shared by the commands --------------------------------------------------------------

def _open_database():
    from desktop_cs.services.database import open_app_database
    return open_app_database()


def _read_password(prompt: str, env: str = PASSWORD_ENV) -> str:
    value = os.environ.get(env)
    if value:
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    raise CommandFailed(_("No password: type it at a terminal or set {env}.").format(env=env))


def _sign_in(args) -> object:
    """Authenticate the global --user; CommandFailed when missing or wrong."""
    from desktop_cs.services import users
    if not args.user:
        raise CommandFailed(_("This command needs a user: give --user NAME before the command."))
    password = _read_password(_("Password for {user}: ").format(user=args.user))
    return users.authenticate(args.user, password)


# --- commands -----------------------------------------------------------------------------------

def cmd_create_user(args) -> int:
    from desktop_cs.services import users
    _open_database()
    actor = _sign_in(args) if users.has_users() else None
    if sys.stdin is not None and sys.stdin.isatty() and not os.environ.get(NEW_PASSWORD_ENV) \
            and not (actor is None and os.environ.get(PASSWORD_ENV)):
        password = getpass.getpass(_("Password for the new user {user}: ").format(user=args.name))
        repeated = getpass.getpass(_("The same password again: "))
        users.validate_password(password, repeated)
    else:
        password = os.environ.get(NEW_PASSWORD_ENV) or os.environ.get(PASSWORD_ENV) or ""
        if not password:
            raise CommandFailed(_("No password for the new user: type it at a terminal or set {env}.").format(
                env=PASSWORD_ENV))
    if actor is None:
        user = users.bootstrap_supervisor(args.name, args.display_name or args.name, password,
                                          company_name=args.company or "") \
            if args.role == "supervisor" else users.create_user(None, args.name, args.display_name or args.name,
                                                                args.role, password)
    else:
        user = users.create_user(actor, args.name, args.display_name or args.name, args.role, password)
    print(_("Created user {login} ({role}).").format(login=user.login, role=users.role_label(user.role)))
    return EXIT_OK


def cmd_demo_data(args) -> int:
    from desktop_cs.services import demo_data, users
    _open_database()
    actor = _sign_in(args) if users.has_users() else None

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done * 100 // max(total, 1):3d}%", end="", file=sys.stderr, flush=True)

    summary = demo_data.generate(actor, args.customers, seed=args.seed, password=args.password, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_("Demo data created: {summary}").format(summary=summary))
    return EXIT_OK


def cmd_smoke(args) -> int:
    from desktop_cs.smoke import run_smoke
    problems = run_smoke()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_FAILED
    print("ok")
    return EXIT_OK


# --- entry point --------------------------------------------------------------------------------

def _saved_language() -> str | None:
    try:
        from desktop_cs.settings import saved_language
        return saved_language()
    except Exception:  # a broken settings file must not stop the program
        return None


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failed or refused, 2 wrong usage)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser is built (its help is translated):
    # take --lang / --data-dir from a first, lenient pass.
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--data-dir")
    pre.add_argument("--lang")
    known, _rest = pre.parse_known_args(argv)
    if known.data_dir:
        paths.set_data_dir(known.data_dir)
    lang = known.lang if known.lang in i18n.LANGUAGES else None
    i18n.set_language(lang or _saved_language())
    _translate_argparse()

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:   # argparse: 0 for --help/--version, 2 for wrong usage
        return int(exc.code or 0)

    from desktop_cs.logs import setup_logging
    from desktop_cs.services.errors import ServiceError

    if args.database:
        from desktop_cs.services import connection
        connection.set_override(args.database)
    if args.command is None:
        from desktop_cs.app import run_gui
        password = os.environ.get(PASSWORD_ENV) if args.user else None
        return run_gui(args.user, password)

    setup_logging()
    func: Callable = args.func
    try:
        return func(args)
    except (CommandFailed, ServiceError) as exc:
        print(_("Error: {message}").format(message=exc.args[0] if exc.args else exc), file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(_("Interrupted."), file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # never a traceback to the user: log it, say where
        from desktop_cs.services.database import service_error_for
        translated = service_error_for(exc)    # locked, read-only, damaged, disk full: say what to do
        if translated is not None:
            log.warning("command %s: %s", args.command, exc)
            print(_("Error: {message}").format(message=translated.message), file=sys.stderr)
            return EXIT_FAILED
        from desktop_cs.logs import log_file
        log.exception("command %s failed", args.command)
        print(_("Unexpected error ({kind}). Details were written to {file}").format(
            kind=type(exc).__name__, file=log_file()), file=sys.stderr)
        return EXIT_FAILED
    finally:
        from desktop_cs.models.db import close_database
        close_database()


if __name__ == "__main__":
    sys.exit(main())
