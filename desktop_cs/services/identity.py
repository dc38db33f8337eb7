"""Checks and normalisation of identity data: resident ID numbers (GB 11643), mobiles, emails, text lengths."""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services.errors import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）.]")

#: length limits in characters (code points: an emoji counts as one)
MAX_LENGTHS = {"name": 64, "email": 254, "im_id": 64, "memo": 4000, "preferred_time": 32, "tag": 32}


def ascii_digits(text: str) -> str:
    """NFKC, then every decimal digit of any script (full-width, Arabic-Indic...) as an ASCII digit."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for ch in text:
        if ch.isdigit() and not ch.isascii():
            try:
                out.append(str(unicodedata.decimal(ch)))
                continue
            except ValueError:
                pass
        out.append(ch)
    return "".join(out)


def id_check_character(first17: str) -> str:
    """The GB 11643 MOD 11-2 check character of the first 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


@dataclass(frozen=True)
class ResidentId:
    """A checked resident ID number and what it says."""

    number: str
    birth_date: dt.date
    sex: str            # "male" / "female"
    region: str         # province and county when known, else ""


def _region(number: str) -> str | None:
    return _region_of(number[:6], number[6:10])


@functools.lru_cache(maxsize=8192)
def _region_of(code: str, year: str) -> str | None:
    """Province and county of region CODE for someone born in YEAR (the look-up reads nothing else; cached,
    since it costs ~40 µs and an import checks thousands of numbers)."""
    try:
        from stdnum.cn import ric
        place = ric.get_birth_place(f"{code}{year}01010000")
    except Exception:
        return None
    return "".join(v for v in (place.get("province"), place.get("prefecture"), place.get("county")) if v)


def check_id_number(text: str, field: str = "id_number") -> ResidentId:
    """Normalise (NFKC, x -> X, no spaces) and check an 18-character resident ID; ValidationError says why."""
    number = _SEPARATORS.sub("", ascii_digits(text or "")).upper()
    if len(number) != 18:
        raise ValidationError(_("An ID number has 18 characters; this one has {n}.").format(n=len(number)), field)
    if not (number[:17].isdigit() and number[:17].isascii() and (number[17].isdigit() or number[17] == "X")):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), field)
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date in this ID number ({date}) does not exist.").format(
            date=f"{number[6:10]}-{number[10:12]}-{number[12:14]}"), field) from None
    if birth > clock.today():
        raise ValidationError(_("The birth date in this ID number is in the future."), field)
    if birth.year < 1900:
        raise ValidationError(_("The birth date in this ID number is before 1900."), field)
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(_("The check character of this ID number is wrong: a digit was mistyped."), field)
    region = _region(number)
    if region is None:
        raise ValidationError(_("The region code {code} of this ID number is unknown.").format(code=number[:6]),
                              field)
    return ResidentId(number, birth, "male" if int(number[16]) % 2 else "female", region)


def normalize_mobile(text: str, field: str = "mobile") -> str:
    """A mainland mobile as 11 ASCII digits: spaces, dashes and +86 stripped, other digit scripts converted."""
    value = _SEPARATORS.sub("", ascii_digits(text or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("A mobile number has digits only."), field)
    if not _MOBILE.match(value):
        raise ValidationError(_("A mainland mobile number is 11 digits starting with 13 to 19."), field)
    return value


def normalize_email(text: str, field: str = "email") -> str:
    """A syntactically sound email address (no network look-up), normalised."""
    from email_validator import EmailNotValidError, validate_email

    value = unicodedata.normalize("NFKC", (text or "").strip())
    if len(value) > MAX_LENGTHS["email"]:
        raise ValidationError(_("The email address is too long."), field)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationError(_("This is not a valid email address (like name@example.com)."), field) from None


def check_length(value: str, field: str, label: str) -> str:
    """Trim VALUE and refuse it when longer than the field's limit (characters, emoji counted as one)."""
    value = unicodedata.normalize("NFC", value or "").strip()
    limit = MAX_LENGTHS[field]
    if len(value) > limit:
        raise ValidationError(_("{label} is too long: {n} characters at most.").format(label=label, n=limit), field)
    return value
