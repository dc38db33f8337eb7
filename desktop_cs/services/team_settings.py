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


# -- the company logo printed in every document's header --------------------------------------------------

LOGO = "print_logo"
#: a logo larger than this is refused (it is stored in the database and printed small)
MAX_LOGO_BYTES = 512 * 1024


def logo_bytes() -> bytes | None:
    """The company logo (PNG or JPEG bytes) printed at the top of every document, or None."""
    import base64
    value = get(LOGO)
    if not isinstance(value, dict) or not value.get("data"):
        return None
    try:
        return base64.b64decode(value["data"])
    except (ValueError, TypeError):
        return None


@action("settings.set_logo", EDIT_SETTINGS)
def set_logo(actor: User, data: bytes | None, file_name: str = "") -> None:
    """Store the company logo (a PNG or JPEG image) for printed documents; None removes it."""
    import base64
    if data is not None and len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo is too large ({max} KB at most).").format(max=MAX_LOGO_BYTES // 1024),
                              "logo")
    if data is not None and not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError(_("The logo must be a PNG or JPEG image."), "logo")
    value = None if data is None else {"name": file_name[:100], "bytes": len(data),
                                       "data": base64.b64encode(data).decode("ascii")}
    text = json.dumps(value)
    with database.atomic():    # not through put(): the audit log gets the file's name and size, not the image
        Setting.insert(key=LOGO, value=text, updated_at=clock.now()).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: text, Setting.updated_at: clock.now()}).execute()
        audit.record(actor, "setting_changed", entity="setting", summary=LOGO,
                     details={"logo": None if value is None else {"name": value["name"], "bytes": value["bytes"]}})
