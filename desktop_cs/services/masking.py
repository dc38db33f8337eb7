"""Masked forms of personal financial identifiers for lists, prints, exports and the audit log."""
from __future__ import annotations


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
