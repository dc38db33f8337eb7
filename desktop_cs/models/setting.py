"""Team-wide settings kept in the database (company name, quiet hours, thresholds), as JSON values."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.db import BaseModel


class Setting(BaseModel):
    """One team-wide setting; per-PC preferences (window layout, language) live in settings.ini instead."""

    key = pw.CharField(max_length=64, primary_key=True)
    value = pw.TextField()   # JSON
    updated_at = pw.DateTimeField(default=clock.now)
