"""One permission table: every service action is registered with the permission it needs.

The check lives here, never only in the UI. A refused action raises ``PermissionDenied``
and is written to the audit log. Tests walk ``ACTIONS`` to call every action as a
specialist (tests/unit/test_permissions_walk.py).

Where "own" matters (a specialist works on their own customers, callbacks and
complaints), the action checks it with ``require_own``: someone else's record needs
``WORK_ANY``, which only a supervisor holds.

A refusal is audited even when it happens inside the action's transaction: while a
transaction is open the refusal waits in a per-thread list and is written once the
transaction is over (committed or rolled back), so it is never rolled back with it.
"""
from __future__ import annotations

import functools
import sqlite3
import threading
from typing import Callable, TypeVar

import peewee as pw

from desktop_cs.i18n import N_, _
from desktop_cs.models import User, database
from desktop_cs.models.user import ROLE_SPECIALIST, ROLE_SUPERVISOR
from desktop_cs.services.errors import PermissionDenied

# Permissions (what a role may do). Keep the set small and named for what a person does.
WORK_OWN = "work.own"                  # own customers, callbacks and complaints; enquiries for anyone
WORK_ANY = "work.any"                  # other people's customers, callbacks and complaints
LOOKUP = "customers.lookup"            # look up any customer, to take a call
ASSIGN = "customers.assign"
UNMASK = "data.unmask"
EXPORT = "data.export"
MANAGE_USERS = "users.manage"
EDIT_SETTINGS = "settings.edit"        # tiers, rules, categories, team settings
APPROVE_POINTS = "points.approve"
OVERRIDE_COMPLAINT = "complaints.override"
BACKUP_RESTORE = "backups.restore"
REPORTS = "reports.print"
DEMO_DATA = "data.demo"
AUDIT = "audit.view"                   # browse and verify the audit log
IMPORT = "data.import"                 # import customers from Excel / CSV files

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_SPECIALIST: frozenset({WORK_OWN, LOOKUP}),
    ROLE_SUPERVISOR: frozenset({WORK_OWN, WORK_ANY, LOOKUP, ASSIGN, UNMASK, EXPORT, MANAGE_USERS, EDIT_SETTINGS,
                                APPROVE_POINTS, OVERRIDE_COMPLAINT, BACKUP_RESTORE, REPORTS, DEMO_DATA, AUDIT,
                                IMPORT}),
}

PERMISSION_LABELS = {
    WORK_OWN: N_("work on own customers"), LOOKUP: N_("look up customers"),
    WORK_ANY: N_("work on other staff members' customers, callbacks and complaints"),
    ASSIGN: N_("assign customers"), UNMASK: N_("show full ID and mobile numbers"),
    EXPORT: N_("export data"), MANAGE_USERS: N_("manage users"), EDIT_SETTINGS: N_("change team settings"),
    APPROVE_POINTS: N_("approve point adjustments"), OVERRIDE_COMPLAINT: N_("override a complaint close"),
    BACKUP_RESTORE: N_("restore backups"), REPORTS: N_("print reports"), DEMO_DATA: N_("generate demo data"),
    AUDIT: N_("read the audit log"), IMPORT: N_("import customers"),
}

#: action name -> (permission, function); filled by ``@action`` and ``register``
ACTIONS: dict[str, tuple[str, Callable]] = {}

F = TypeVar("F", bound=Callable)

_refusals = threading.local()


def allowed(user: User | None, permission: str) -> bool:
    """Whether USER (as signed in) holds PERMISSION; for showing or hiding commands."""
    return bool(user is not None and user.active and permission in ROLE_PERMISSIONS.get(user.role, ()))


def _allowed_now(user: User | None, permission: str) -> bool:
    """Like ``allowed``, from the stored account: a role changed or an account deactivated meanwhile counts."""
    if user is None:
        return False
    user_id = getattr(user, "id", None)
    row = User.select(User.role, User.active).where(User.id == user_id).tuples().first() \
        if user_id is not None else None
    if row is None:
        # not a stored account (accounts are never deleted): a throwaway object, judged as it is
        return allowed(user, permission)
    role, active = row
    return bool(active and permission in ROLE_PERMISSIONS.get(role, ()))


def _pending() -> list:
    if not hasattr(_refusals, "items"):
        _refusals.items = []
    return _refusals.items


def write_pending_refusals() -> None:
    """Write the refusals that waited for a transaction to end (called by every action once it returns)."""
    items = _pending()
    if not items or database.obj is None or database.in_transaction():
        return
    from desktop_cs.services import audit
    while items:
        user, summary, details = items.pop(0)
        stored = user is not None and User.select().where(User.id == getattr(user, "id", None)).exists()
        audit.record(user if stored else None, "permission_denied", entity="action", summary=summary,
                     details=details, user_name=getattr(user, "login", "") or "")


def _refuse(user: User | None, summary: str, details: dict) -> None:
    _pending().append((user, summary, details))
    write_pending_refusals()


def require(user: User | None, permission: str, action_name: str = "") -> None:
    """Raise PermissionDenied (and audit the refusal) unless USER holds PERMISSION."""
    if _allowed_now(user, permission):
        return
    _refuse(user, action_name or permission, {"permission": permission})
    raise PermissionDenied(_("You are not allowed to {what}.").format(what=_(PERMISSION_LABELS[permission])))


def require_own(user: User | None, own: bool, action_name: str, message: str | None = None) -> None:
    """Work on a record: one's own (OWN) is fine; someone else's needs WORK_ANY (refused and audited).

    MESSAGE (translated) says why in the words of the screen, instead of the permission's name.
    """
    permission = WORK_OWN if own else WORK_ANY
    if _allowed_now(user, permission):
        return
    _refuse(user, action_name, {"permission": permission})
    raise PermissionDenied(message or _("You are not allowed to {what}.").format(
        what=_(PERMISSION_LABELS[permission])))


def register(name: str, permission: str, fn: Callable) -> None:
    """Add a function that checks its permission itself (e.g. it may run without a user) to ACTIONS."""
    if name in ACTIONS:
        raise RuntimeError(f"service action {name!r} registered twice")
    ACTIONS[name] = (permission, fn)


def action(name: str, permission: str) -> Callable[[F], F]:
    """Register a service function as action NAME needing PERMISSION; its first argument is the actor."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(actor: User | None, *args, **kwargs):
            try:
                require(actor, permission, name)
                return fn(actor, *args, **kwargs)
            except (pw.DatabaseError, pw.InterfaceError, sqlite3.DatabaseError) as exc:
                # "database is locked", read-only, damaged, disk full: a message the user can act on
                from desktop_cs.services.database import service_error_for
                translated = service_error_for(exc)
                if translated is None:
                    raise
                raise translated from exc
            finally:
                if getattr(_refusals, "items", None):
                    write_pending_refusals()

        register(name, permission, wrapper)
        wrapper.action_name = name  # type: ignore[attr-defined]
        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
