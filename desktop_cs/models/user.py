"""Staff accounts: specialists and supervisors."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.db import BaseModel

ROLE_SPECIALIST = "specialist"
ROLE_SUPERVISOR = "supervisor"
ROLES = (ROLE_SPECIALIST, ROLE_SUPERVISOR)


class User(BaseModel):
    """A member of the desk who signs in; never deleted, only deactivated."""

    login = pw.CharField(max_length=64, unique=True)
    display_name = pw.CharField(max_length=64)
    role = pw.CharField(max_length=16, constraints=[pw.Check("role IN ('specialist', 'supervisor')")])
    password_hash = pw.CharField(max_length=255)
    must_change_password = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=clock.now)
    last_login_at = pw.DateTimeField(null=True)

    @property
    def is_supervisor(self) -> bool:
        return self.role == ROLE_SUPERVISOR
