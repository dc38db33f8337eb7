"""Team-wide settings stored in the database (company name, thresholds...), read and changed through here."""
from __future__ import annotations

import json
from typing import Any

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Setting, User, database
from desktop_cs.services import audit
from desktop_cs.services.errors import ValidationError
from desktop_cs.services.permissions import EDIT_SETTINGS, action

COMPANY_NAME = "company_name"

DEFAULTS: dict[str, Any] = {
    COMPANY_NAME: "",
}


def get(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS.get(key, default) if default is None else default
    return json.loads(row.value)


def put(actor: User | None, key: str, value: Any) -> None:
    """Store a setting without a permission check (first run and other services); audited."""
    with database.atomic():
        old = get(key)
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        Setting.insert(key=key, value=text, updated_at=clock.now()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: text, Setting.updated_at: clock.now()}).execute()
        audit.record(actor, "setting_changed", entity="setting", summary=key,
                     details={"changes": {key: [old, value]}})


@action("settings.set_company_name", EDIT_SETTINGS)
def set_company_name(actor: User, name: str) -> None:
    """The company name printed on every form."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the company name."), "company_name")
    if len(name) > 100:
        raise ValidationError(_("The company name is too long (100 characters at most)."), "company_name")
    put(actor, COMPANY_NAME, name)
