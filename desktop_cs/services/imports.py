"""Importing customers from .xlsx, .xls and .csv files: column mapping, a preview of every row's problems, and an
all-or-nothing import.

The steps, each callable from the wizard, the command line and the tests:
1. ``inspect_file``: open the file (``spreadsheets``: encodings, separators, hostile-file
   checks), find the header row, guess the column mapping from common Chinese and English
   names, and show a sample.
2. ``preview``: read every row, check it with the customer archive's own rules
   (``identity``: ID checksum, mobile, email, lengths) plus what Excel does to numbers
   (IDs in scientific notation or with the last digits zeroed, mobiles stored as numbers,
   dates as serial numbers), find duplicates inside the file and against the archive (by
   mobile or ID number; by name for rows with neither), and decide a default for each row.
   Nothing is written.
3. ``run_import``: one backup (online API), then one transaction (BEGIN IMMEDIATE): new
   customers inserted in batches below the ORM, duplicates skipped or updated, tags and
   assignments written, one audit entry with the counts. A failure or a cancel rolls it
   all back. Importing the same file again changes nothing.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import gettext
import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from desktop_cs import clock, i18n, paths
from desktop_cs.i18n import N_, _, ngettext
from desktop_cs.models import Customer, CustomerTag, Tag, Tier, User, database, sql
from desktop_cs.services import audit, identity, labels, spreadsheets, team_settings
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.services.permissions import IMPORT, action
from desktop_cs.services.search_keys import customer_search_key
from desktop_cs.services.spreadsheets import FileRefused, Table, cell_text

log = logging.getLogger(__name__)

#: the fields a column can be mapped to, in the order of PreviewRow.values
FIELDS: dict[str, str] = {
    "name": N_("Name"), "mobile": N_("Mobile"), "id_number": N_("ID number"), "email": N_("Email"),
    "im_id": N_("QQ / WeChat"), "customer_type": N_("Type"), "tier": N_("Tier"), "source": N_("Source"),
    "specialist": N_("Specialist"), "tags": N_("Tags"), "memo": N_("Memo"), "registered_at": N_("Registered"),
}
FIELD_ORDER = tuple(FIELDS)
_I = {name: i for i, name in enumerate(FIELD_ORDER)}

#: header texts each field is recognised by (compared after NFKC, lower case, no spaces or punctuation)
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "客户姓名", "客户名称", "客户名", "客户", "名字", "户名", "name", "customername", "fullname", "customer"),
    "mobile": ("手机", "手机号", "手机号码", "联系电话", "联系手机", "电话", "电话号码", "移动电话", "联系方式",
               "mobile", "mobilenumber", "mobilephone", "phone", "phonenumber", "cellphone", "cell", "tel",
               "telephone"),
    "id_number": ("身份证", "身份证号", "身份证号码", "证件号", "证件号码", "身份证件号码", "证件编号",
                  "idnumber", "idno", "idcard", "identitycard", "residentid", "id"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址", "email", "e-mail", "mail", "emailaddress"),
    "im_id": ("qq", "微信", "qq/微信", "微信号", "qq号", "qq号码", "qq/wechat", "wechat", "im"),
    "customer_type": ("类型", "客户类型", "客户类别", "类别", "type", "customertype"),
    "tier": ("等级", "客户等级", "层级", "客户层级", "级别", "分层", "会员等级", "tier", "level", "grade"),
    "source": ("来源", "客户来源", "渠道", "来源渠道", "获客渠道", "source", "channel"),
    "specialist": ("专员", "客服", "客服专员", "负责人", "归属专员", "跟进人", "负责专员", "所属专员",
                   "specialist", "agent", "owner", "assignedto"),
    "tags": ("标签", "客户标签", "tags", "tag"),
    "memo": ("备注", "备忘", "客户备忘", "说明", "memo", "note", "notes", "remark", "remarks", "comment"),
    "registered_at": ("注册日期", "注册时间", "登记日期", "登记时间", "开户日期", "registered", "registrationdate",
                      "registeredat", "registered on"),
}

#: stored codes of the customer type and the source, recognised by these texts besides their labels
TYPE_WORDS = {"investor": ("投资人", "投资者", "出借人", "理财客户"), "borrower": ("借款人", "借款客户"),
              "prospect": ("潜在客户", "潜客", "意向客户")}
SOURCE_WORDS = {"hotline": ("热线", "400热线", "电话", "400"), "online_chat": ("在线", "在线客服", "在线咨询", "qq",
                                                                        "微信"),
                "website": ("网站", "官网", "网页"), "visit": ("到访", "来访", "门店"),
                "referral": ("推荐", "转介绍", "介绍"), "import": ("导入",), "other": ("其他", "其它")}

MAPPINGS_SETTING = "import_mappings"
DECISIONS = ("new", "skip", "update", "refuse")
ON_DUPLICATE = ("skip", "update")
BATCH = 2_000
SAMPLE_ROWS = 20
#: an Excel date serial is a day count from 1899-12-30; these bound plausible ones (1927 .. 2173)
SERIAL_RANGE = (10_000, 100_000)

ERROR, WARNING, DUPLICATE = "error", "warning", "duplicate"

_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_NUMBER_DOT_ZERO = re.compile(r"^(\d+)\.0+$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TAG_SPLIT = re.compile(r"[,，;；、|]")
_HEADER_DROP = re.compile(r"[\s*:：_\-—·.。()（）\[\]【】<>《》\"'“”‘’]|必填|选填")


@contextlib.contextmanager
def _gc_paused():
    """Pause Python's cyclic garbage collector during a bulk pass: 100,000 rows kept in memory made every full
    collection walk them all again and again (the rows hold no reference cycles; reference counting frees
    them as usual). The collector is switched back on afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportCancelled(ServiceError):
    """The user stopped the import: the transaction was rolled back, nothing was written."""


@dataclass(slots=True)
class Problem:
    """One thing wrong (or worth a look) with one row: the field, a stable code, a message, how serious."""

    field: str
    code: str
    message: str
    severity: str = ERROR


@dataclass(slots=True)
class PreviewRow:
    """One data row of the file as the import sees it."""

    line: int
    #: normalised values in FIELD_ORDER (tier and specialist as ids, tags as a tuple); None = empty
    values: tuple
    problems: list[Problem]
    #: the row's cells as text, kept for rows with problems (the report and the refused-rows file)
    cells: tuple | None = None
    #: the live customer this row duplicates (by mobile, ID number, or name for rows with neither)
    match_id: int | None = None
    match_name: str = ""
    match_kind: str = ""      # "mobile" / "id_number" / "name"
    decision: str = "new"     # "new" / "skip" / "update" / "refuse"

    @property
    def refused(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)

    @property
    def true_duplicate(self) -> bool:
        return self.match_kind in ("mobile", "id_number")

    def value(self, name: str) -> Any:
        return self.values[_I[name]]

    def allowed_decisions(self) -> tuple[str, ...]:
        """What the user may choose for this row."""
        if self.refused:
            return ("refuse",)
        if self.true_duplicate:
            return ("skip", "update")
        if self.match_kind:
            return ("skip", "update", "new")
        return ("new", "skip")


@dataclass
class FileInspection:
    """A first look at a file: how it was read, its header row, a sample and the guessed mapping."""

    table: Table
    header: tuple[str, ...]
    header_line: int
    sample: list[tuple[str, ...]]
    #: column index -> field
    guessed: dict[int, str]
    #: a rough row count (for the progress bar)
    rows_estimate: int = 0


@dataclass
class Preview:
    """Every row checked, nothing written: what the import would do, and each row's problems."""

    table: Table
    header: tuple[str, ...]
    header_line: int
    mapping: dict[int, str]
    rows: list[PreviewRow]
    blank_rows: int = 0
    on_duplicate: str = "skip"
    seconds: float = 0.0
    #: new customers named with a specialist: False = an existing relationship (the file describes how things
    #: are: no "assigned" date, no first-contact callback); True = newly given to that specialist now (the
    #: one-week first contact starts, with its callback)
    new_assignments: bool = False

    @property
    def mapped_fields(self) -> set[str]:
        return set(self.mapping.values())

    def counts(self) -> dict[str, int]:
        """How many rows would be created, updated, skipped, refused; and how many carry warnings or duplicates."""
        out = dict.fromkeys(("new", "update", "skip", "refuse"), 0)
        out.update(warnings=0, duplicates=0, possible_duplicates=0)
        for row in self.rows:
            out[row.decision] += 1
            if any(p.severity == WARNING for p in row.problems):
                out["warnings"] += 1
            if row.true_duplicate and not row.refused:
                out["duplicates"] += 1
            elif row.match_kind == "name" and not row.refused:
                out["possible_duplicates"] += 1
        return out

    def rows_with_problems(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.problems or r.match_kind]

    def row(self, line: int) -> PreviewRow:
        for r in self.rows:
            if r.line == line:
                return r
        raise KeyError(line)

    def decide(self, line: int, decision: str) -> None:
        """Choose what happens to the row on LINE (skip / update / new), within what the row allows."""
        row = self.row(line)
        if decision not in row.allowed_decisions():
            raise ValidationError(_("Row {row}: \"{decision}\" is not possible here.").format(
                row=line, decision=decision_label(decision)))
        row.decision = decision

    def decide_duplicates(self, decision: str) -> int:
        """Apply skip / update to every duplicate row at once; how many changed."""
        changed = 0
        for row in self.rows:
            if row.match_kind and not row.refused and decision in row.allowed_decisions() and row.decision != decision:
                row.decision = decision
                changed += 1
        return changed


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do)."""

    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    refused: int = 0
    warnings: int = 0
    blank_rows: int = 0
    seconds: float = 0.0
    backup_path: Path | None = None
    backup_seconds: float = 0.0
    dry_run: bool = False
    refused_rows: list[PreviewRow] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        return _("Created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}, refused "
                 "{refused}.").format(created=self.created, updated=self.updated, unchanged=self.unchanged,
                                      skipped=self.skipped, refused=self.refused)


DECISION_LABELS = {"new": N_("Import as new"), "skip": N_("Skip"), "update": N_("Update the existing customer"),
                   "refuse": N_("Refused")}


def decision_label(decision: str) -> str:
    return _(DECISION_LABELS.get(decision, decision))


def field_label(name: str) -> str:
    return _(FIELDS[name]) if name in FIELDS else name


# -- headers and mappings --------------------------------------------------------------------------

def normalize_header(text: Any) -> str:
    """A header as it is compared: NFKC, lower case, no spaces, punctuation or "必填"."""
    return _HEADER_DROP.sub("", unicodedata.normalize("NFKC", cell_text(text)).lower())


@functools.lru_cache(maxsize=1)
def _header_lookup() -> dict[str, str]:
    """Normalised header text -> field: the synonyms plus each field's label in every language (an export's header)."""
    lookup: dict[str, str] = {}
    for name, words in HEADER_SYNONYMS.items():
        for word in words:
            lookup.setdefault(normalize_header(word), name)
    for name, label_text in FIELDS.items():
        for text in _in_every_language(label_text):
            lookup.setdefault(normalize_header(text), name)
    return lookup


@functools.lru_cache(maxsize=512)
def _in_every_language(msgid: str) -> tuple[str, ...]:
    texts = {msgid}
    for code in i18n.LANGUAGES:
        if code == "en":
            continue
        catalog = gettext.translation(i18n.DOMAIN, str(paths.translations_dir()), languages=[code], fallback=True)
        texts.add(catalog.gettext(msgid))
    return tuple(texts)


def guess_mapping(header: Iterable[Any]) -> dict[int, str]:
    """Column index -> field for the headers recognised; each field at most once (the first column wins)."""
    lookup = _header_lookup()
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, text in enumerate(header):
        name = lookup.get(normalize_header(text))
        if name and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def saved_mappings() -> dict[str, dict[str, str]]:
    """The named mappings saved by supervisors: name -> {normalised header: field}."""
    value = team_settings.get(MAPPINGS_SETTING, {}) or {}
    return value if isinstance(value, dict) else {}


def apply_saved_mapping(header: Iterable[Any], name: str) -> dict[int, str]:
    """The column mapping of HEADER under the saved mapping NAME (headers it does not know stay unmapped)."""
    saved = saved_mappings().get(name)
    if saved is None:
        raise ValidationError(_("There is no saved mapping called \"{name}\".").format(name=name), "mapping")
    mapping = {}
    for index, text in enumerate(header):
        target = saved.get(normalize_header(text))
        if target in FIELDS and target not in mapping.values():
            mapping[index] = target
    return mapping


@action("imports.save_mapping", IMPORT)
def save_mapping(actor: User, name: str, header: Iterable[Any], mapping: dict[int, str]) -> None:
    """Save MAPPING (of a file with HEADER) under NAME for the next file with the same headers."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the mapping a name."), "mapping_name")
    if len(name) > 40:
        raise ValidationError(_("The name is too long (40 characters at most)."), "mapping_name")
    header = list(header)
    stored = {normalize_header(header[i]): f for i, f in mapping.items() if f in FIELDS and i < len(header)}
    check_mapping(mapping)
    every = dict(saved_mappings())
    every[name] = stored
    team_settings.put(actor, MAPPINGS_SETTING, every)


@action("imports.delete_mapping", IMPORT)
def delete_mapping(actor: User, name: str) -> None:
    every = dict(saved_mappings())
    if every.pop(name, None) is not None:
        team_settings.put(actor, MAPPINGS_SETTING, every)


def check_mapping(mapping: dict[int, str]) -> None:
    """A mapping must name the customer's name column and map no field twice."""
    fields = list(mapping.values())
    for name in fields:
        if name not in FIELDS:
            raise ValidationError(_("Unknown field: {name}.").format(name=name), "mapping")
    doubled = {f for f in fields if fields.count(f) > 1}
    if doubled:
        raise ValidationError(_("Two columns are mapped to {field}: keep one.").format(
            field="、".join(field_label(f) for f in sorted(doubled))), "mapping")
    if "name" not in fields:
        raise ValidationError(_("Map a column to the customer's name: it is the one thing every customer needs."),
                              "mapping")


# -- reading the file ------------------------------------------------------------------------------

def _is_blank(cells: tuple) -> bool:
    for value in cells:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


def inspect_file(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None,
                 sheet: str | None = None) -> FileInspection:
    """Open PATH, find its header (the first non-blank row), guess the mapping and take a sample of the rows."""
    table = spreadsheets.open_table(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    header: tuple[str, ...] = ()
    header_line = 0
    sample: list[tuple[str, ...]] = []
    rows = table.rows()
    try:
        for line, cells in rows:
            if _is_blank(cells):
                continue
            if not header:
                header, header_line = tuple(cell_text(c) for c in cells), line
                continue
            sample.append(tuple(cell_text(c) for c in cells))
            if len(sample) >= SAMPLE_ROWS:
                break
    finally:
        rows.close()   # type: ignore[attr-defined]
    if not header:
        raise FileRefused(_("The file has no rows with any content."))
    return FileInspection(table, header, header_line, sample, guess_mapping(header), _estimate(table))


def _estimate(table: Table) -> int:
    """A rough number of rows for the progress bar (never exact, never costly)."""
    try:
        size = table.path.stat().st_size
    except OSError:
        return 0
    if table.kind == "csv":
        return max(1, size // 80)
    if table.kind == "xls":
        return max(1, size // 200)
    return max(1, size * 16 // 1000)


# -- checking one row ------------------------------------------------------------------------------

@dataclass
class _Context:
    """Reference data looked up once per preview: tiers and specialists by name."""

    tiers: dict[str, int]
    specialists: dict[str, int | None]     # None = ambiguous name
    today: dt.date


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _context() -> _Context:
    tiers = {_key(t.name): t.id for t in Tier.select(Tier.id, Tier.name).where(Tier.active == True)}  # noqa: E712
    specialists: dict[str, int | None] = {}
    for user in User.select(User.id, User.login, User.display_name).where(
            (User.role == "specialist") & (User.active == True)):  # noqa: E712
        for name in {_key(user.display_name), _key(user.login)}:
            if name in specialists and specialists[name] != user.id:
                specialists[name] = None
            else:
                specialists[name] = user.id
    return _Context(tiers, specialists, clock.today())


@functools.lru_cache(maxsize=1)
def _code_words() -> tuple[dict[str, str], dict[str, str]]:
    def table(codes: dict[str, str], extra: dict[str, tuple[str, ...]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for code, label_text in codes.items():
            out[_key(code)] = code
            for text in _in_every_language(label_text):
                out.setdefault(_key(text), code)
        for code, words in extra.items():
            for word in words:
                out.setdefault(_key(word), code)
        return out

    return table(labels.CUSTOMER_TYPES, TYPE_WORDS), table(labels.SOURCES, SOURCE_WORDS)


_SIMPLE_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


@functools.lru_cache(maxsize=4096)
def _email_domain(domain: str) -> tuple[str | None, str]:
    """The normalised DOMAIN as ``identity.normalize_email`` gives it, or None and the message why it is refused."""
    try:
        return identity.normalize_email("a@" + domain).split("@", 1)[1], ""
    except ValidationError as exc:
        return None, exc.message


def normalize_email(text: str) -> str:
    """``identity.normalize_email`` with each distinct domain checked once: a plain ASCII local part is kept as it
    is by the validator, so only the domain's check (most of its cost) needs doing, and an import repeats a
    handful of domains (qq.com, 163.com...). Anything else goes through the validator whole."""
    value = unicodedata.normalize("NFKC", (text or "").strip())
    local, at, domain = value.rpartition("@")
    if (at and len(value) <= identity.MAX_LENGTHS["email"] and len(local) <= 64 and domain.isascii()
            and _SIMPLE_LOCAL.match(local)):
        normalized, message = _email_domain(domain)
        if normalized is None:
            raise ValidationError(message, "email")
        result = f"{local}@{normalized}"
        if len(result) <= identity.MAX_LENGTHS["email"]:
            return result
    return identity.normalize_email(text)


def _digits_of_number(value: int | float) -> str:
    """The digits of a numeric cell: 13812345678.0 -> "13812345678", 1.10105194912310e17 -> "110105194912310000"."""
    if isinstance(value, float):
        if not value.is_integer():
            return repr(value)
        value = int(value)
    return str(value)


def _mobile(value: Any, problems: list[Problem]) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = _digits_of_number(value)
        try:
            mobile = identity.normalize_mobile(digits)
        except ValidationError as exc:
            problems.append(Problem("mobile", "mobile_invalid", exc.message))
            return None
        problems.append(Problem("mobile", "mobile_number", _(
            "The mobile number was stored as a number ({raw}); read as {mobile}. Format the column as text in "
            "Excel.").format(raw=cell_text(value) if isinstance(value, int) else repr(value), mobile=mobile),
            WARNING))
        return mobile
    text = cell_text(value)
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        problems.append(Problem("mobile", "mobile_scientific", _(
            "The mobile number is in scientific notation ({raw}): Excel turned it into a number and digits were "
            "lost. Format the column as text and enter the numbers again.").format(raw=text)))
        return None
    dotted = _NUMBER_DOT_ZERO.match(text)
    if dotted:
        try:
            mobile = identity.normalize_mobile(dotted.group(1))
        except ValidationError as exc:
            problems.append(Problem("mobile", "mobile_invalid", exc.message))
            return None
        problems.append(Problem("mobile", "mobile_number", _(
            "The mobile number was stored as a number ({raw}); read as {mobile}.").format(raw=text, mobile=mobile),
            WARNING))
        return mobile
    try:
        return identity.normalize_mobile(text)
    except ValidationError as exc:
        problems.append(Problem("mobile", "mobile_invalid", exc.message))
        return None


def _zeroed_message(raw: str) -> str:
    return _("The ID number {raw} was stored as a number: Excel keeps only 15 digits, so the last ones were lost "
             "(replaced by zeros). Format the column as text and enter the full numbers again.").format(raw=raw)


def _id_number(value: Any, problems: list[Problem]) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = _digits_of_number(value)
        if len(digits) == 18 and digits.isdigit():
            try:
                number = identity.check_id_number(digits).number
            except ValidationError:
                problems.append(Problem("id_number", "id_zeroed", _zeroed_message(digits)))
                return None
            problems.append(Problem("id_number", "id_number", _(
                "The ID number was stored as a number; check it ({number}). Format the column as text in Excel.")
                .format(number=number), WARNING))
            return number
        if "e" in digits.lower() or len(digits) > 18:
            problems.append(Problem("id_number", "id_scientific", _(
                "The ID number was stored as a number in scientific notation ({raw}): its digits are lost. Format "
                "the column as text and enter the full numbers again.").format(raw=digits)))
            return None
        text = digits
    else:
        text = cell_text(value)
    if not text:
        return None
    if _SCIENTIFIC.match(text):
        problems.append(Problem("id_number", "id_scientific", _(
            "The ID number is in scientific notation ({raw}): Excel turned it into a number and its digits are "
            "lost. Format the column as text and enter the full numbers again.").format(raw=text)))
        return None
    try:
        return identity.check_id_number(text).number
    except ValidationError as exc:
        compact = re.sub(r"[\s\-]", "", identity.ascii_digits(text)).upper()
        if len(compact) == 18 and compact[:17].isdigit() and (compact[17].isdigit() or compact[17] == "X"):
            if compact.endswith("000") and identity.id_check_character(compact[:17]) != compact[17]:
                problems.append(Problem("id_number", "id_zeroed", _zeroed_message(compact)))
                return None
            if identity.id_check_character(compact[:17]) != compact[17]:
                problems.append(Problem("id_number", "id_checksum", exc.message))
                return None
        problems.append(Problem("id_number", "id_invalid", exc.message))
        return None


def _date(value: Any, problems: list[Problem], today: dt.date) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    result: dt.datetime | None = None
    serial: float | None = None
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, dt.date):
        result = dt.datetime.combine(value, dt.time())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        serial = float(value)
    else:
        text = cell_text(value)
        match = _DATE.match(text)
        if match:
            y, m, d, hh, mm, ss = match.groups()
            try:
                result = dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
            except ValueError:
                result = None
        elif re.fullmatch(r"\d{8}", text):
            try:
                result = dt.datetime.strptime(text, "%Y%m%d")
            except ValueError:
                result = None
        elif re.fullmatch(r"\d+(?:\.\d+)?", text):
            serial = float(text)
        if result is None and serial is None:
            problems.append(Problem("registered_at", "date_invalid", _(
                "\"{raw}\" is not a date (write it like 2024-03-15).").format(raw=text)))
            return None
    if serial is not None:
        if not SERIAL_RANGE[0] <= serial < SERIAL_RANGE[1]:
            problems.append(Problem("registered_at", "date_invalid", _(
                "{raw} is not a date (write it like 2024-03-15).").format(raw=cell_text(value))))
            return None
        from openpyxl.utils.datetime import from_excel
        result = from_excel(serial)
        problems.append(Problem("registered_at", "date_serial", _(
            "The date was an Excel serial number ({raw}); read as {date}.").format(
            raw=cell_text(value), date=result.date().isoformat()), WARNING))
    assert result is not None
    result = result.replace(microsecond=0)
    if result.date() > today:
        problems.append(Problem("registered_at", "date_future", _("The date {date} is in the future.").format(
            date=result.date().isoformat())))
        return None
    return result


def _check_row(cells: tuple, mapping: list[tuple[int, str]], ctx: _Context, types: dict[str, str],
               sources: dict[str, str]) -> tuple[list, list[Problem]]:
    """The normalised values (FIELD_ORDER) of one row and its problems."""
    values: list = [None] * len(FIELD_ORDER)
    problems: list[Problem] = []
    width = len(cells)
    for index, name in mapping:
        raw = cells[index] if index < width else None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if name == "mobile":
            values[1] = _mobile(raw, problems)
        elif name == "id_number":
            values[2] = _id_number(raw, problems)
        elif name == "registered_at":
            values[11] = _date(raw, problems, ctx.today)
        else:
            text = cell_text(raw)
            if not text:
                continue
            if name == "name":
                try:
                    values[0] = identity.check_length(text, "name", _("The name"))
                except ValidationError as exc:
                    problems.append(Problem("name", "too_long", exc.message))
            elif name == "email":
                try:
                    values[3] = normalize_email(text)
                except ValidationError as exc:
                    problems.append(Problem("email", "email_invalid", exc.message))
            elif name == "im_id":
                try:
                    values[4] = identity.check_length(text, "im_id", _("The QQ / WeChat id"))
                except ValidationError as exc:
                    problems.append(Problem("im_id", "too_long", exc.message))
            elif name == "customer_type":
                code = types.get(_key(text))
                if code is None:
                    problems.append(Problem("customer_type", "type_unknown", _(
                        "Unknown customer type \"{raw}\" (use {choices}).").format(
                        raw=text, choices="、".join(labels.label(labels.CUSTOMER_TYPES, c)
                                                   for c in labels.CUSTOMER_TYPES))))
                values[5] = code
            elif name == "tier":
                tier_id = ctx.tiers.get(_key(text))
                if tier_id is None:
                    problems.append(Problem("tier", "tier_unknown", _(
                        "Unknown tier \"{raw}\": create it first (Customer archive → Tiers) or correct the "
                        "name.").format(raw=text)))
                values[6] = tier_id
            elif name == "source":
                code = sources.get(_key(text))
                if code is None:
                    problems.append(Problem("source", "source_unknown", _(
                        "Unknown source \"{raw}\" (use {choices}).").format(
                        raw=text, choices="、".join(labels.label(labels.SOURCES, c) for c in labels.SOURCES))))
                elif code == "referral":
                    problems.append(Problem("source", "source_referral", _(
                        "A referral needs the referring customer, which a file cannot name: imported with the "
                        "source \"{other}\"; record the referral on the customer's page.").format(
                        other=labels.label(labels.SOURCES, "other")), WARNING))
                    code = "other"
                values[7] = code
            elif name == "specialist":
                key = _key(text)
                if key not in ctx.specialists:
                    problems.append(Problem("specialist", "specialist_unknown", _(
                        "Unknown specialist \"{raw}\": use the name or login of an active specialist.").format(
                        raw=text)))
                elif ctx.specialists[key] is None:
                    problems.append(Problem("specialist", "specialist_unknown", _(
                        "Two specialists are called \"{raw}\": use the login instead.").format(raw=text)))
                else:
                    values[8] = ctx.specialists[key]
            elif name == "tags":
                tags: list[str] = []
                for part in _TAG_SPLIT.split(text):
                    part = part.strip()
                    if not part:
                        continue
                    try:
                        tag = identity.check_length(part, "tag", _("A tag"))
                    except ValidationError as exc:
                        problems.append(Problem("tags", "too_long", exc.message))
                        continue
                    if tag not in tags:
                        tags.append(tag)
                values[9] = tuple(tags) if tags else None
            elif name == "memo":
                try:
                    values[10] = identity.check_length(text, "memo", _("The memo"))
                except ValidationError as exc:
                    problems.append(Problem("memo", "too_long", exc.message))
    if values[0] is None and not any(p.field == "name" for p in problems):
        problems.append(Problem("name", "name_missing", _("The customer's name is missing.")))
    return values, problems


# -- duplicates against the archive ----------------------------------------------------------------

_LIVE = Customer.deleted_at.is_null() & Customer.merged_into.is_null()


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _match_archive(rows: list[PreviewRow]) -> None:
    """Find each row's live customer: by mobile or ID number (a true duplicate), by name for rows with neither."""
    by_mobile: dict[str, tuple[int, str]] = {}
    by_id: dict[str, tuple[int, str]] = {}
    live = '"deleted_at" IS NULL AND "merged_into_id" IS NULL'

    def select(columns: str, column: str, values: list[str]):
        for chunk in _chunks(values):
            yield from database.execute_sql(
                f'SELECT {columns} FROM "customer" WHERE "{column}" IN ({", ".join([database.param] * len(chunk))}) '
                f'AND {live} ORDER BY "id"', chunk).fetchall()

    for cid, name, mobile in select('"id", "name", "mobile"', "mobile",
                                    list({r.values[1] for r in rows if r.values[1]})):
        by_mobile[mobile] = (cid, name)
    for cid, name, number in select('"id", "name", "id_number"', "id_number",
                                    list({r.values[2] for r in rows if r.values[2]})):
        by_id[number] = (cid, name)
    by_name: dict[str, list[tuple[int, str | None, str | None]]] = {}
    for cid, name, email, im in select('"id", "name", "email", "im_id"', "name", list(
            {r.values[0] for r in rows if not r.values[1] and not r.values[2] and r.values[0]})):
        by_name.setdefault(name, []).append((cid, email, im))
    for row in rows:
        row.match_id, row.match_name, row.match_kind = None, "", ""
        row.problems = [p for p in row.problems if p.severity != DUPLICATE and p.code not in ("conflict", "same_customer")]
        mobile, number = row.values[1], row.values[2]
        found_m = by_mobile.get(mobile) if mobile else None
        found_i = by_id.get(number) if number else None
        if found_m and found_i and found_m[0] != found_i[0]:
            row.problems.append(Problem("mobile", "conflict", _(
                "The mobile number belongs to customer {a} (No. {aid}) and the ID number to customer {b} "
                "(No. {bid}): correct the row, or merge the two customers first.").format(
                a=found_m[1], aid=found_m[0], b=found_i[1], bid=found_i[0])))
            continue
        found = found_m or found_i
        if found:
            row.match_id, row.match_name = found
            row.match_kind = "mobile" if found_m else "id_number"
            what = _("mobile number") if found_m else _("ID number")
            row.problems.append(Problem(row.match_kind, "duplicate_archive", _(
                "Same {what} as customer {name} (No. {id}) in the archive.").format(
                what=what, name=found[1], id=found[0]), DUPLICATE))
            continue
        if not mobile and not number:
            for cid, email, im in by_name.get(row.values[0], ()):
                if (row.values[3] and email and email != row.values[3]) or (row.values[4] and im and im != row.values[4]):
                    continue
                row.match_id, row.match_name, row.match_kind = cid, row.values[0], "name"
                row.problems.append(Problem("name", "possible_duplicate", _(
                    "Maybe customer {name} (No. {id}): same name, and the row has no mobile or ID number to "
                    "tell them apart.").format(name=row.values[0], id=cid), DUPLICATE))
                break


def _in_file_duplicates(rows: list[PreviewRow]) -> None:
    """A later row with the same mobile or ID number as an earlier one is refused (it names the earlier row)."""
    seen_mobile: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for row in rows:
        for index, seen, what in ((1, seen_mobile, _("mobile number")), (2, seen_id, _("ID number"))):
            value = row.values[index]
            if not value:
                continue
            first = seen.get(value)
            if first is None:
                seen[value] = row.line
            else:
                row.problems.append(Problem(FIELD_ORDER[index], "duplicate_in_file", _(
                    "Same {what} as row {row} of this file.").format(what=what, row=first)))


def _same_target(rows: list[PreviewRow]) -> None:
    """Two rows matching the same archive customer (one by mobile, one by ID number): the second is refused."""
    first: dict[int, int] = {}
    for row in rows:
        if row.match_id is None or row.refused or row.match_kind == "name":
            continue
        if row.match_id in first:
            row.problems.append(Problem(row.match_kind, "same_customer", _(
                "Row {row} of this file is the same customer ({name}, No. {id}).").format(
                row=first[row.match_id], name=row.match_name, id=row.match_id)))
        else:
            first[row.match_id] = row.line


def _default_decisions(rows: list[PreviewRow], on_duplicate: str) -> None:
    for row in rows:
        if row.refused:
            row.decision = "refuse"
        elif row.match_kind:
            row.decision = on_duplicate
        else:
            row.decision = "new"


# -- the preview -----------------------------------------------------------------------------------

Progress = Callable[[int, int], bool]


@action("imports.preview", IMPORT)
def preview(actor: User, path: str | Path, mapping: dict[int, str] | None = None, *, encoding: str | None = None,
            delimiter: str | None = None, sheet: str | None = None, on_duplicate: str = "skip",
            progress: Progress | None = None, inspection: FileInspection | None = None,
            new_assignments: bool = False) -> Preview:
    """Read and check every row of PATH under MAPPING (guessed when None); nothing is written.

    NEW_ASSIGNMENTS: see ``Preview.new_assignments`` (by default a specialist named in the file is an
    existing relationship, not a new assignment with a first-contact callback).

    PROGRESS(done, total) is called every few thousand rows; returning False cancels
    (ImportCancelled).
    """
    if on_duplicate not in ON_DUPLICATE:
        raise ValidationError(_("Choose skip or update for duplicates."), "on_duplicate")
    start = time.perf_counter()
    inspection = inspection or inspect_file(path, encoding=encoding, delimiter=delimiter, sheet=sheet)
    mapping = {int(k): v for k, v in (inspection.guessed if mapping is None else mapping).items() if v}
    check_mapping(mapping)
    ctx = _context()
    types, sources = _code_words()
    pairs = sorted(mapping.items())
    rows: list[PreviewRow] = []
    blank = 0
    total = inspection.rows_estimate
    iterator = inspection.table.rows()
    with _gc_paused():
        try:
            for line, cells in iterator:
                if line <= inspection.header_line:
                    continue
                if _is_blank(cells):
                    blank += 1
                    continue
                values, problems = _check_row(cells, pairs, ctx, types, sources)
                row = PreviewRow(line, tuple(values), problems)
                if problems:
                    row.cells = tuple(cell_text(c) for c in cells[:spreadsheets.MAX_COLUMNS])
                rows.append(row)
                if progress is not None and line % 2000 == 0:
                    if progress(line, max(total, line)) is False:
                        raise ImportCancelled(_("Stopped: nothing was imported."))
        finally:
            iterator.close()   # type: ignore[attr-defined]
    if not rows:
        raise FileRefused(ngettext("The file has no customer rows (only the header and {n} empty row).",
                                   "The file has no customer rows (only the header and {n} empty rows).",
                                   blank).format(n=f"{blank:,}"))
    _in_file_duplicates(rows)
    _match_archive(rows)
    _same_target(rows)
    _default_decisions(rows, on_duplicate)
    if progress is not None:
        progress(total, total)
    return Preview(inspection.table, inspection.header, inspection.header_line, mapping, rows, blank, on_duplicate,
                   time.perf_counter() - start, new_assignments)


# -- the import ------------------------------------------------------------------------------------

def _stamp(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None


_INSERT_COLUMNS = ("id", "name", "search_key", "mobile", "id_number", "email", "im_id", "customer_type", "tier_id",
                   "source", "registered_at", "assigned_to_id", "assigned_at", "memo", "preferred_time",
                   "do_not_call", "created_at", "created_by_id", "updated_at", "version")


def _insert_batch(rows: list[tuple]) -> None:
    """Insert one batch of new customers below the ORM (one executemany), inside the import's transaction."""
    statement = 'INSERT INTO "customer" ({}) VALUES ({})'.format(
        ", ".join(f'"{c}"' for c in _INSERT_COLUMNS), ", ".join([database.param] * len(_INSERT_COLUMNS)))
    database.cursor().executemany(statement, rows)


def _tag_ids(names: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    names_list = sorted(names)
    for chunk in _chunks(names_list):
        for tid, name in Tag.select(Tag.id, Tag.name).where(Tag.name.in_(chunk)).tuples():
            found[name] = tid
    missing = [n for n in names_list if n not in found]
    for chunk in _chunks(missing):
        Tag.insert_many([{"name": n} for n in chunk]).execute()
        for tid, name in Tag.select(Tag.id, Tag.name).where(Tag.name.in_(chunk)).tuples():
            found[name] = tid
    return found


def _link_tags(links: list[tuple[int, str]]) -> None:
    if not links:
        return
    ids = _tag_ids({name for _cid, name in links})
    rows = list({(cid, ids[name]) for cid, name in links})
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted({cid for cid, _t in rows})):
        existing.update(CustomerTag.select(CustomerTag.customer, CustomerTag.tag).where(
            CustomerTag.customer.in_(chunk)).tuples())
    fresh = [r for r in rows if r not in existing]
    statement = 'INSERT INTO "customer_tag" ("customer_id", "tag_id") VALUES ({0}, {0})'.format(database.param)
    for chunk in _chunks(fresh, BATCH):
        database.cursor().executemany(statement, chunk)


def _assign(actor: User, by_specialist: dict[int, list[int]], now: dt.datetime, move_open: bool,
            first_contact: bool = True) -> None:
    """Assignment history rows and (FIRST_CONTACT) the one-week first-contact callbacks of customers given to
    specialists."""
    from desktop_cs.services import callbacks

    statement = ('INSERT INTO "assignment" ("customer_id", "specialist_id", "assigned_by_id", "assigned_at", "reason") '
           'VALUES ({0}, {0}, {0}, {0}, {0})').format(database.param)
    stamp = _stamp(now)
    for specialist_id, ids in by_specialist.items():
        for chunk in _chunks(ids, BATCH):
            database.cursor().executemany(statement, [(cid, specialist_id, actor.id, stamp, "import") for cid in chunk])
        if first_contact:
            callbacks.create_first_contact(actor, ids, specialist_id, now, move_open=move_open)


def _tags_of(ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        for cid, name in (CustomerTag.select(CustomerTag.customer, Tag.name).join(Tag)
                          .where(CustomerTag.customer.in_(chunk)).tuples()):
            out.setdefault(cid, []).append(name)
    return out


_UPDATABLE = {"name": "name", "mobile": "mobile", "id_number": "id_number", "email": "email", "im_id": "im_id",
              "customer_type": "customer_type", "tier": "tier_id", "source": "source", "memo": "memo",
              "registered_at": "registered_at"}


def _apply_updates(actor: User, rows: list[PreviewRow], mapped: set[str], now: dt.datetime,
                   tick: Callable[[int], None]) -> tuple[int, int, list[tuple[int, str]], dict[int, list[int]]]:
    """Update the matched customers with the row's non-empty values; (updated, unchanged, tag links, reassignments)."""
    columns = [c for f, c in _UPDATABLE.items() if f in mapped]
    fields = [f for f in _UPDATABLE if f in mapped]
    select_columns = ["id", "name", "mobile", "id_number", "email", "im_id", "assigned_to_id", "version", *columns]
    current: dict[int, dict] = {}
    ids = [r.match_id for r in rows]
    for chunk in _chunks(ids):
        cursor = database.execute_sql('SELECT {} FROM "customer" WHERE "id" IN ({})'.format(
            ", ".join(f'"{c}"' for c in dict.fromkeys(select_columns)), ", ".join([database.param] * len(chunk))),
            chunk)
        names = [d[0] for d in cursor.description]
        for values in cursor.fetchall():
            record = dict(zip(names, values))
            current[record["id"]] = record
    tags_now = _tags_of(ids) if "tags" in mapped else {}
    updated = unchanged = 0
    links: list[tuple[int, str]] = []
    reassign: dict[int, list[int]] = {}
    stamp = _stamp(now)
    statements: list[tuple] = []
    for row in rows:
        record = current.get(row.match_id)
        if record is None:
            continue
        new = dict(record)
        for name in fields:
            value = row.value(name)
            if value is None:
                continue
            new[_UPDATABLE[name]] = _stamp(value) if name == "registered_at" else value
        if isinstance(record.get("registered_at"), dt.datetime):
            record["registered_at"] = _stamp(record["registered_at"])
        tags = list(row.value("tags") or ())
        new_tags = [t for t in tags if t not in tags_now.get(row.match_id, [])]
        specialist = row.value("specialist")
        moved = specialist is not None and specialist != record["assigned_to_id"]
        changed = any(new[c] != record[c] for c in columns)
        if not (changed or new_tags or moved):
            unchanged += 1
            tick(1)
            continue
        updated += 1
        links += [(row.match_id, t) for t in new_tags]
        if moved:
            reassign.setdefault(specialist, []).append(row.match_id)
        if changed or new_tags:
            key = customer_search_key(new["name"], new["mobile"], new["id_number"], new["email"], new["im_id"],
                                      tags_now.get(row.match_id, []) + new_tags)
            statements.append((*(new[c] for c in columns), key, stamp, row.match_id))
        tick(1)
    if statements:
        statement = 'UPDATE "customer" SET {}, "search_key" = {p}, "updated_at" = {p}, "version" = "version" + 1 ' \
              'WHERE "id" = {p}'.format(", ".join(f'"{c}" = {database.param}' for c in columns), p=database.param)
        for chunk in _chunks(statements, BATCH):
            database.cursor().executemany(statement, chunk)
    for specialist, customer_ids in reassign.items():
        for chunk in _chunks(customer_ids):
            Customer.update(assigned_to=specialist, assigned_at=now, first_contact_at=None, updated_at=now,
                            version=Customer.version + 1).where(
                Customer.id.in_(chunk)).execute()
    return updated, unchanged, links, reassign


@action("imports.run", IMPORT)
def run_import(actor: User, plan: Preview, progress: Progress | None = None, *, backup: bool = True) -> ImportReport:
    """Import the rows of PLAN as decided (all or nothing), after a checked backup; the report of what was done.

    Duplicates are matched again inside the transaction (someone may have added a customer
    since the preview): a row that has become a duplicate is skipped or updated as the
    preview's default says, never inserted twice.
    """
    start = time.perf_counter()
    report = ImportReport(plan.table.path.name, blank_rows=plan.blank_rows)
    if not any(r.decision in ("new", "update") for r in plan.rows):
        # nothing to write (e.g. the same file again): no backup, no transaction, nothing changes
        report.skipped = sum(1 for r in plan.rows if r.decision == "skip")
        report.refused_rows = [r for r in plan.rows if r.decision == "refuse"]
        report.refused = len(report.refused_rows)
        report.warnings = sum(1 for r in plan.rows if any(p.severity == WARNING for p in r.problems))
        return report
    if backup and _is_sqlite():
        from desktop_cs.services import backups
        info = backups.make_backup("before-import", check="quick")
        report.backup_path, report.backup_seconds = info.path, info.seconds + info.check_seconds
    work_start = time.perf_counter()
    rows = plan.rows
    mapped = plan.mapped_fields
    total = sum(1 for r in rows if r.decision in ("new", "update"))
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and (done % 1000 < n or done == total):
            if progress(done, total) is False:
                raise ImportCancelled(_("Stopped: nothing was imported."))

    with _gc_paused(), database.atomic():
        decided = {r.line: r.decision for r in rows}
        _match_archive(rows)       # again, under the write lock
        _same_target(rows)
        for row in rows:
            chosen = decided[row.line]
            if row.refused:
                row.decision = "refuse"
            elif row.match_kind:
                row.decision = chosen if chosen in row.allowed_decisions() else plan.on_duplicate
            else:
                row.decision = chosen if chosen in row.allowed_decisions() else "new"
        now = clock.now()
        stamp = _stamp(now)
        new_rows = [r for r in rows if r.decision == "new"]
        links: list[tuple[int, str]] = []
        by_specialist: dict[int, list[int]] = {}
        if new_rows:
            new_ids = iter(sql.reserve_ids(Customer, len(new_rows)))
            batch: list[tuple] = []
            for row in new_rows:
                v = row.values
                cid = next(new_ids)
                specialist = v[8]
                tags = v[9] or ()
                batch.append((cid, v[0], customer_search_key(v[0], v[1], v[2], v[3], v[4], list(tags)), v[1], v[2],
                              v[3], v[4], v[5] or "prospect", v[6], v[7] or "import", _stamp(v[11]), specialist,
                              stamp if specialist and plan.new_assignments else None, v[10] or "", "", False, stamp,
                              actor.id, stamp, 1))
                links += [(cid, t) for t in tags]
                if specialist:
                    by_specialist.setdefault(specialist, []).append(cid)
                if len(batch) >= BATCH:
                    _insert_batch(batch)
                    tick(len(batch))
                    batch = []
            if batch:
                _insert_batch(batch)
                tick(len(batch))
        report.created = len(new_rows)
        update_rows = [r for r in rows if r.decision == "update"]
        if update_rows:
            report.updated, report.unchanged, more_links, reassign = _apply_updates(actor, update_rows, mapped, now,
                                                                                    tick)
            links += more_links
        else:
            reassign = {}
        _link_tags(links)
        if by_specialist:
            _assign(actor, by_specialist, now, move_open=False, first_contact=plan.new_assignments)
        if reassign:       # an archive customer the file gives to another specialist: a reassignment, now
            _assign(actor, reassign, now, move_open=True)
        report.skipped = sum(1 for r in rows if r.decision == "skip")
        report.refused_rows = [r for r in rows if r.decision == "refuse"]
        report.refused = len(report.refused_rows)
        report.warnings = sum(1 for r in rows if any(p.severity == WARNING for p in r.problems))
        if report.changed:
            audit.record(actor, "customers_imported", entity="import", summary=plan.table.path.name,
                         details={"file": plan.table.path.name, "kind": plan.table.kind, "created": report.created,
                                  "updated": report.updated, "unchanged": report.unchanged,
                                  "skipped": report.skipped, "refused": report.refused,
                                  "new_assignments": plan.new_assignments,
                                  "backup": report.backup_path.name if report.backup_path else None})
    report.seconds = time.perf_counter() - work_start
    log.info("import of %s: %s (%.1f s, backup %.1f s, total %.1f s)", plan.table.path.name, report.summary(),
             report.seconds, report.backup_seconds, time.perf_counter() - start)
    return report


def dry_run(plan: Preview) -> ImportReport:
    """What ``run_import`` would do with PLAN as decided now (nothing is written)."""
    counts = plan.counts()
    return ImportReport(plan.table.path.name, created=counts["new"], updated=counts["update"], skipped=counts["skip"],
                        refused=counts["refuse"], warnings=counts["warnings"], blank_rows=plan.blank_rows,
                        dry_run=True, refused_rows=[r for r in plan.rows if r.decision == "refuse"])


def _is_sqlite() -> bool:
    from desktop_cs.models import db as dbmod
    return dbmod.is_sqlite()


# -- the refused rows, to fix and import again -----------------------------------------------------

def problems_text(row: PreviewRow, severities: tuple[str, ...] = (ERROR, WARNING, DUPLICATE)) -> str:
    return "；".join(f"{field_label(p.field)}: {p.message}" for p in row.problems if p.severity in severities)


def write_refused_rows(plan: Preview, target: str | Path) -> int:
    """Write the refused rows (their cells as in the file, its header, and a column saying what to fix) to TARGET.

    The rows are read again from the file (only rows with problems keep their cells in
    memory). The file is .xlsx or .csv by its name; once fixed it imports as it is (the
    extra column is not mapped). Returns the number of rows written.
    """
    refused = {r.line: r for r in plan.rows if r.decision == "refuse" or r.refused}
    found: dict[int, tuple] = {}
    if refused:
        iterator = plan.table.rows()
        try:
            last = max(refused)
            for line, cells in iterator:
                if line in refused:
                    found[line] = tuple(cell_text(c) for c in cells[:spreadsheets.MAX_COLUMNS])
                if line >= last:
                    break
        finally:
            iterator.close()   # type: ignore[attr-defined]
    width = max([len(plan.header)] + [len(c) for c in found.values()])
    header = list(plan.header) + [""] * (width - len(plan.header)) + [_("Problems to fix")]

    def lines():
        for line, row in sorted(refused.items()):
            cells = list(found.get(line) or row.cells or ())
            cells += [""] * (width - len(cells))
            yield cells + [problems_text(row, (ERROR,))]

    return spreadsheets.write_table(target, header, lines(), _("Refused rows"))
