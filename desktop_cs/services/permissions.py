"""One permission table: every service action is registered with the permission it needs.

The check lives here, never only in the UI. A refused action raises ``PermissionDenied``
and is written to the audit log. Tests walk ``ACTIONS`` to call every action as a
specialist.
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

from desktop_cs.i18n import N_, _
from desktop_cs.models import User
from desktop_cs.models.user import ROLE_SPECIALIST, ROLE_SUPERVISOR
from desktop_cs.services.errors import PermissionDenied

# Permissions (what a role may do). Keep the set small and named for what a person does.
WORK_OWN = "work.own"                  # own customers, callbacks and complaints; enquiries for anyone
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

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    ROLE_SPECIALIST: frozenset({WORK_OWN, LOOKUP}),
    ROLE_SUPERVISOR: frozenset({WORK_OWN, LOOKUP, ASSIGN, UNMASK, EXPORT, MANAGE_USERS, EDIT_SETTINGS,
                                APPROVE_POINTS, OVERRIDE_COMPLAINT, BACKUP_RESTORE, REPORTS, DEMO_DATA}),
}

PERMISSION_LABELS = {
    WORK_OWN: N_("work on own customers"), LOOKUP: N_("look up customers"),
    ASSIGN: N_("assign customers"), UNMASK: N_("show full ID and mobile numbers"),
    EXPORT: N_("export data"), MANAGE_USERS: N_("manage users"), EDIT_SETTINGS: N_("change team settings"),
    APPROVE_POINTS: N_("approve point adjustments"), OVERRIDE_COMPLAINT: N_("override a complaint close"),
    BACKUP_RESTORE: N_("restore backups"), REPORTS: N_("print reports"), DEMO_DATA: N_("generate demo data"),
}

#: action name -> (permission, function); filled by ``@action``
ACTIONS: dict[str, tuple[str, Callable]] = {}

F = TypeVar("F", bound=Callable)


def allowed(user: User | None, permission: str) -> bool:
    return bool(user is not None and user.active and permission in ROLE_PERMISSIONS.get(user.role, ()))


def require(user: User | None, permission: str, action_name: str = "") -> None:
    """Raise PermissionDenied (and audit the refusal) unless USER holds PERMISSION."""
    if allowed(user, permission):
        return
    from desktop_cs.services import audit
    audit.record(user, "permission_denied", entity="action", summary=action_name or permission,
                 details={"permission": permission})
    raise PermissionDenied(_("You are not allowed to {what}.").format(what=_(PERMISSION_LABELS[permission])))


def action(name: str, permission: str) -> Callable[[F], F]:
    """Register a service function as action NAME needing PERMISSION; its first argument is the actor."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(actor: User | None, *args, **kwargs):
            require(actor, permission, name)
            return fn(actor, *args, **kwargs)

        if name in ACTIONS:
            raise RuntimeError(f"service action {name!r} registered twice")
        ACTIONS[name] = (permission, wrapper)
        wrapper.action_name = name  # type: ignore[attr-defined]
        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
