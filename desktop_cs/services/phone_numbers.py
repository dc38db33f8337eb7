"""Caller numbers at intake: mainland mobiles, landlines with area code, 400/800 numbers, international and withheld,
each checked by its own rule with the ``phonenumbers`` library and kept in one canonical form for look-ups."""
from __future__ import annotations

import re
from dataclasses import dataclass


from desktop_cs.i18n import _
from desktop_cs.services import identity
from desktop_cs.services.errors import ValidationError

#: the stored value of a call whose number was not shown
WITHHELD = "withheld"
#: what staff type for a withheld number (besides ticking the box)
_WITHHELD_WORDS = {"withheld", "private", "anonymous", "unknown", "无号码", "未显示", "隐藏", "隐藏号码", "未知号码",
                   "号码未显示", "无来电显示", "私人号码"}
_SEPARATORS = re.compile(r"[\s\-()（）.·/]")
class _LazyPhonenumbers:
    """The phonenumbers library, imported on first use: its metadata costs ~0.4 s, not for start-up."""

    def __getattr__(self, attr: str):
        import phonenumbers
        import phonenumbers.geocoder  # noqa: F401 - loads the geocoder submodule
        return getattr(phonenumbers, attr)


phonenumbers = _LazyPhonenumbers()


def _mobile_types() -> tuple:
    kinds = phonenumbers.PhoneNumberType
    return (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


def _service_types() -> tuple:
    kinds = phonenumbers.PhoneNumberType
    return (kinds.TOLL_FREE, kinds.SHARED_COST, kinds.UAN, kinds.PREMIUM_RATE)


@dataclass(frozen=True)
class CallerNumber:
    """A checked caller number: NUMBER is the stored form (``13812345678``, ``0755-12345678``, ``4008001234``,
    ``+442079460000`` or ``withheld``), KIND one of mobile / landline / service / international / withheld."""

    number: str
    kind: str

    @property
    def digits(self) -> str:
        """The number's digits only ("" when withheld): how other records may have stored it."""
        return "" if self.kind == "withheld" else re.sub(r"\D", "", self.number)


def _clean(text: str) -> str:
    return _SEPARATORS.sub("", identity.ascii_digits(text or "").strip())


def is_withheld_text(text: str) -> bool:
    """Whether TEXT says the number was withheld (隐藏号码, 无号码, withheld...)."""
    return (text or "").strip().lower() in _WITHHELD_WORDS


def _known_area(area_code: str, local: str) -> bool:
    """The library knows AREA_CODE as a mainland city and LOCAL is a 7- or 8-digit local number.

    The library's own validity check knows which cities moved to 8 digits; a caller's
    number shown with 7 digits in such a city (0755-1234567) is still accepted here: it is
    what the caller ID or the customer gave, and refusing it would lose the complaint.
    """
    if not (7 <= len(local) <= 8 and local[0] != "0"):
        return False
    probe = phonenumbers.parse("0" + area_code + local, "CN")
    if phonenumbers.is_valid_number(probe):
        return True
    place = phonenumbers.geocoder.description_for_valid_number(probe, "en")
    return bool(place) and place != "China"


def _landline(digits: str, field: str) -> CallerNumber:
    national = digits[1:]
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_valid_number(parsed) and \
            phonenumbers.number_type(parsed) in (phonenumbers.PhoneNumberType.FIXED_LINE,
                                              phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        area_length = phonenumbers.length_of_geographical_area_code(parsed) or (2 if national[0] in "12" else 3)
        return CallerNumber(f"0{national[:area_length]}-{national[area_length:]}", "landline")
    # 010 and 02X have two-digit area codes, the others three
    area_length = 2 if national[:1] in ("1", "2") else 3
    area, local = national[:area_length], national[area_length:]
    if _known_area(area, local):
        return CallerNumber(f"0{area}-{local}", "landline")
    raise ValidationError(_("This landline is not valid: an area code (e.g. 010, 0755) followed by a 7- or 8-digit "
                            "number."), field)


def check_caller_number(text: str, withheld: bool = False, field: str = "caller_number") -> CallerNumber:
    """Check a caller number typed at intake; ValidationError (on FIELD) says which rule it breaks."""
    if withheld or is_withheld_text(text):
        return CallerNumber(WITHHELD, "withheld")
    raw = (text or "").strip()
    if not raw:
        raise ValidationError(_("Enter the caller's number, or tick \"Number withheld\"."), field)
    value = _clean(raw)
    if value.startswith("00") and value[2:3] not in ("", "0"):
        value = "+" + value[2:]        # the international prefix dialled from China
    if value.startswith("+86"):
        value = value[3:]
        if value and value[0] != "1" and not value.startswith(("400", "800")):
            value = "0" + value        # +86 755 ... is 0755 ...
    elif value.startswith("+"):
        if not value[1:].isdigit():
            raise ValidationError(_("A phone number has digits only."), field)
        try:
            parsed = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_valid_number(parsed):
            raise ValidationError(_("This international number is not valid."), field)
        return CallerNumber(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), "international")
    if not value.isdigit():
        raise ValidationError(_("A phone number has digits only (and + or - as separators)."), field)
    if value.startswith("1"):
        if len(value) != 11:
            raise ValidationError(_("A mainland mobile number is 11 digits starting with 13 to 19."), field)
        parsed = phonenumbers.parse(value, "CN")
        if not (phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in _mobile_types()):
            raise ValidationError(_("This mobile number is not valid: no mainland network uses {prefix}.").format(
                prefix=value[:3]), field)
        return CallerNumber(value, "mobile")
    if value.startswith(("400", "800")):
        parsed = phonenumbers.parse(value, "CN")
        if len(value) != 10 or not (phonenumbers.is_valid_number(parsed)
                                    and phonenumbers.number_type(parsed) in _service_types()):
            raise ValidationError(_("A 400 or 800 number has 10 digits, like 400-800-1234."), field)
        return CallerNumber(value, "service")
    if value.startswith("0"):
        if not 10 <= len(value) <= 12:
            raise ValidationError(_("A landline is an area code (e.g. 010, 0755) followed by a 7- or 8-digit "
                                    "number."), field)
        return _landline(value, field)
    if 7 <= len(value) <= 8:
        raise ValidationError(_("Add the area code to a landline, e.g. 010-12345678."), field)
    raise ValidationError(_("This is not a phone number a caller can have (mobile, landline with area code, "
                            "400/800)."), field)


def canonical(text: str) -> str | None:
    """The stored form of TEXT, or None when it is not a valid caller number (for look-ups: no error)."""
    try:
        return check_caller_number(text).number
    except ValidationError:
        return None


def variants(number: str | None) -> list[str]:
    """The forms other records may hold NUMBER in (stored form, digits only): for matching."""
    if not number or number == WITHHELD:
        return []
    forms = [number]
    digits = re.sub(r"\D", "", number)
    if number.startswith("+"):
        forms.append(digits)
    elif digits != number:
        forms.append(digits)
    return forms


def display(number: str | None) -> str:
    """A caller number as shown in full (400 numbers grouped 400-800-1234); withheld as words."""
    if not number:
        return ""
    if number == WITHHELD:
        return _("Number withheld")
    if len(number) == 10 and number.startswith(("400", "800")):
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


def masked(number: str | None) -> str:
    """A caller number as lists show it: mobiles 138****5678, landlines 0755-****5678."""
    if not number:
        return ""
    if number == WITHHELD:
        return _("Number withheld")
    if "-" in number and number.startswith("0"):
        area, local = number.split("-", 1)
        return f"{area}-{'*' * max(len(local) - 4, 0)}{local[-4:]}"
    from desktop_cs.services.masking import mask_phone
    return mask_phone(number)
