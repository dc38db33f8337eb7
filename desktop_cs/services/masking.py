"""Masked forms of personal financial identifiers for lists, prints, exports and the audit log."""
from __future__ import annotations

import re
from typing import Any


def mask_mobile(mobile: str | None) -> str:
    """``13812345678`` -> ``138****5678``."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


def mask_id_number(number: str | None) -> str:
    """First 4 and last 4 characters: ``110105194912310021`` -> ``1101**********0021``."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(number: str | None) -> str:
    """Any caller number (mobile, landline, 400): keep the first 3 and last 4 digits."""
    if not number:
        return ""
    if len(number) == 11 and number.isdigit() and number.startswith("1"):
        return mask_mobile(number)
    if len(number) <= 7:
        return number[:1] + "*" * (len(number) - 1)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# An 11-digit mainland mobile or an 18-character resident ID standing alone in free text
# (not part of a longer run of letters or digits, such as a hash or a reference).
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?![0-9A-Za-z])")
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def scrub_text(text: str) -> str:
    """TEXT with every full mobile or ID number in it masked (``…138****5678…``): for the audit log."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(1) + m.group(2) + m.group(3)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m.group(1) + m.group(2) + m.group(3)), text)


def scrub(value: Any) -> Any:
    """VALUE (text, or lists and dicts of them) with full mobile and ID numbers masked; other values as they are."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v) for v in value]
    return value
