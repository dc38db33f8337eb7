"""The audit log: append-only, hash-chained record of every write (ID and mobile values only masked)."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.db import BaseModel
from desktop_cs.models.user import User


class AuditEntry(BaseModel):
    """Who did what, when, with before -> after. The database refuses UPDATE and DELETE."""

    at = pw.DateTimeField(default=clock.now, index=True)
    user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    user_name = pw.CharField(max_length=64, default="")   # kept as typed, also for failed sign-ins
    action = pw.CharField(max_length=48, index=True)
    entity = pw.CharField(max_length=32, default="")
    entity_id = pw.IntegerField(null=True)
    customer_id = pw.IntegerField(null=True, index=True)   # no FK: survives erasure and merges as written
    summary = pw.TextField(default="")
    #: JSON (sorted keys): e.g. {"changes": {"field": [before, after]}}
    details = pw.TextField(default="{}")
    prev_hash = pw.CharField(max_length=64)
    hash = pw.CharField(max_length=64, unique=True)
