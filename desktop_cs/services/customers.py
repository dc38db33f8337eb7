"""The customer archive: record, edit, find, show (masked), unmask, delete, restore and erase customers."""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import sql
from desktop_cs.models.db import is_sqlite
from desktop_cs.models import (AuditEntry, Callback, Complaint, Customer, CustomerTag, Tag, Tier, User,
                               database)
from desktop_cs.models.customer import CUSTOMER_TYPES, SOURCES, CustomerSearch
from desktop_cs.services import audit, identity, labels
from desktop_cs.services.errors import Conflict, FormErrors, NotFound, ValidationError
from desktop_cs.services.masking import mask_id_number, mask_mobile
from desktop_cs.services.permissions import ASSIGN, LOOKUP, UNMASK, WORK_OWN, action, require, require_own
from desktop_cs.services.search_keys import customer_search_key, normalize_query

PAGE_SIZE = 200
FIRST_CONTACT_DAYS = 7
#: fields whose values never enter the audit log in full
MASKED_FIELDS = {"mobile": mask_mobile, "id_number": mask_id_number}


class DuplicateCustomer(ValidationError):
    """The mobile or ID number belongs to another live customer (EXISTING_ID), shown as a link."""

    def __init__(self, message: str, field: str, existing_id: int, existing_name: str):
        super().__init__(message, field)
        self.existing_id = existing_id
        self.existing_name = existing_name


class ChangedByOther(Conflict):
    """The customer was saved by someone else since it was opened."""

    def __init__(self, message: str, changed_by: str, changed_at: dt.datetime | None):
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass
class CustomerInput:
    """What the create / edit dialog sends; text as typed, checked and normalised by the service."""

    name: str
    #: None = keep the stored value when editing (a specialist never sees it in full); empty when creating
    mobile: str | None = ""
    #: None = keep the stored value when editing; empty when creating
    id_number: str | None = ""
    email: str = ""
    im_id: str = ""
    customer_type: str = "prospect"
    tier_id: int | None = None
    source: str = "hotline"
    referred_by_id: int | None = None
    registered: bool = False
    realname_verified: bool = False
    email_verified: bool = False
    mobile_verified: bool = False
    memo: str = ""
    preferred_time: str = ""
    do_not_call: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class CustomerQuery:
    """Search text plus filters of the archive list; they combine."""

    text: str = ""
    customer_type: str | None = None
    tier_id: int | None = None
    source: str | None = None
    #: "registered" / "realname" / "email" / "mobile" = has it; "not_realname" = lacks real-name
    verification: str | None = None
    specialist_id: int | None = None
    unassigned: bool = False
    #: assigned more than a week ago and not yet contacted by the assigned specialist
    not_contacted: bool = False
    tag: str | None = None
    #: a specialist sees their own customers unless this is set
    all_customers: bool = False
    deleted: bool = False
    sort: str = "id"
    descending: bool = False


#: the fields of a query besides its text (what a cached page SQL is kept by)
_QUERY_FIELDS = tuple(f.name for f in dataclasses.fields(CustomerQuery) if f.name != "text")


@dataclass(slots=True)
class CustomerRow:
    """One line of the archive list, already masked and labelled."""

    id: int
    name: str
    mobile: str
    customer_type: str
    tier: str
    source: str
    verification: str
    specialist: str
    last_contact_at: dt.datetime | None
    open_callbacks: int
    open_complaints: int
    do_not_call: bool
    overdue_first_contact: bool


@dataclass
class CustomerDetail:
    """Everything the customer page shows (masked unless revealed through ``reveal``)."""

    id: int
    name: str
    mobile: str
    id_number: str
    birth_date: dt.date | None
    sex: str
    region: str
    email: str
    im_id: str
    customer_type: str
    tier_id: int | None
    tier: str
    source: str
    referred_by_id: int | None
    referred_by: str
    registered: bool
    realname_verified: bool
    email_verified: bool
    mobile_verified: bool
    assigned_to_id: int | None
    specialist: str
    assigned_at: dt.datetime | None
    first_contact_at: dt.datetime | None
    #: the one-week first contact: when it falls due, and whether it is overdue now
    first_contact_due: dt.datetime | None
    overdue_first_contact: bool
    last_contact_at: dt.datetime | None
    memo: str
    preferred_time: str
    do_not_call: bool
    tags: list[str]
    created_at: dt.datetime
    version: int
    deleted: bool
    erased: bool
    merged_into_id: int | None
    can_edit: bool


# --- reading -------------------------------------------------------------------------------------

def _live():
    return Customer.deleted_at.is_null() & Customer.merged_into.is_null()


def _like_pattern(text: str) -> str:
    """The LIKE pattern "contains TEXT", its wildcards escaped with a backslash."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(column: pw.Field, text: str) -> pw.Expression:
    """COLUMN (search keys, lower case) contains TEXT (a normalized query, lower case), wildcards escaped.

    SQL LIKE on both databases: peewee writes its ILIKE operator as LIKE on SQLite (its LIKE
    would become GLOB); on PostgreSQL plain LIKE, ~4x faster than ILIKE over 100,000 keys and
    served by the trigram index all the same (the keys and the query are both lower case).
    """
    op = pw.OP.ILIKE if is_sqlite() else pw.OP.LIKE
    return pw.Expression(column, op, pw.NodeList((pw.Value(_like_pattern(text)), pw.SQL("ESCAPE '\\'")), glue=" "))


def _contact_deadline() -> dt.datetime:
    return clock.now() - dt.timedelta(days=FIRST_CONTACT_DAYS)


def _scope(actor: User, q: CustomerQuery) -> list[pw.Expression]:
    """Live or deleted customers, and a specialist's own unless they asked for all."""
    if q.deleted:
        require(actor, ASSIGN, "customers.search_deleted")    # only a supervisor sees deleted customers
        conditions = [Customer.deleted_at.is_null(False) & Customer.merged_into.is_null()]
    else:
        conditions = [_live()]
    if not q.all_customers and not actor.is_supervisor:
        conditions.append(Customer.assigned_to == actor.id)
    return conditions


def _specialist_filter(q: CustomerQuery, column: pw.Field) -> list[pw.Expression]:
    if q.unassigned:
        return [column.is_null()]
    if q.specialist_id:
        return [column == q.specialist_id]
    return []


def _filters(q: CustomerQuery) -> list[pw.Expression]:
    """The list's filters on the customer row (specialist and search text apart)."""
    conditions: list[pw.Expression] = []
    if q.customer_type:
        conditions.append(Customer.customer_type == q.customer_type)
    if q.tier_id:
        conditions.append(Customer.tier == q.tier_id)
    if q.source:
        conditions.append(Customer.source == q.source)
    if q.verification:
        column = {"registered": Customer.registered_at, "realname": Customer.realname_verified_at,
                  "email": Customer.email_verified_at, "mobile": Customer.mobile_verified_at,
                  "not_realname": Customer.realname_verified_at}[q.verification]
        conditions.append(column.is_null() if q.verification == "not_realname" else column.is_null(False))
    if q.not_contacted:
        conditions.append(Customer.assigned_to.is_null(False) & Customer.first_contact_at.is_null()
                          & (Customer.assigned_at <= _contact_deadline()))
    if q.tag:
        tagged = (CustomerTag.select(CustomerTag.customer).join(Tag)
                  .where(Tag.name == q.tag.strip()))
        conditions.append(Customer.id.in_(tagged))
    return conditions


def _where(actor: User, q: CustomerQuery) -> list[pw.Expression]:
    """QUERY's conditions on the customer table alone (the search text through customer_search)."""
    conditions = _scope(actor, q)
    text = normalize_query(q.text)
    if text:
        conditions.append(Customer.id.in_(CustomerSearch.select(CustomerSearch.customer)
                                          .where(_like(CustomerSearch.keys, text))))
    return conditions + _specialist_filter(q, Customer.assigned_to) + _filters(q)


def customer_filter(actor: User, query: CustomerQuery) -> list[pw.Expression]:
    """The WHERE conditions of QUERY's archive filters, for other services picking customers (campaigns)."""
    return _where(actor, query)


def _open_callbacks():
    return (Callback.select(pw.fn.COUNT(Callback.id))
            .where((Callback.customer == Customer.id) & (Callback.status == "open")))


def _open_complaints():
    return (Complaint.select(pw.fn.COUNT(Complaint.id))
            .where((Complaint.customer == Customer.id) & (Complaint.status != "closed")))


SORT_KEYS = ("id", "name", "mobile", "customer_type", "tier", "source", "verification", "specialist",
             "last_contact_at", "open_callbacks", "open_complaints", "created_at")


def _order(q: CustomerQuery, id_column: pw.Field = Customer.id):
    def direction(node):
        return node.desc(nulls="LAST") if q.descending else node.asc(nulls="LAST")

    key = q.sort if q.sort in SORT_KEYS else "id"
    expressions = {
        "id": id_column, "name": Customer.name, "mobile": Customer.mobile,
        "customer_type": Customer.customer_type, "tier": Tier.sort_order, "source": Customer.source,
        "verification": Customer.realname_verified_at, "specialist": User.display_name,
        "last_contact_at": Customer.last_contact_at, "created_at": Customer.created_at,
        "open_callbacks": pw.fn.COALESCE(_open_callbacks(), 0),
        "open_complaints": pw.fn.COALESCE(_open_complaints(), 0),
    }
    tie = id_column.desc() if q.descending else id_column.asc()
    return [direction(expressions[key]), tie] if key != "id" else [tie]


def _sort_joins(select: pw.Select, q: CustomerQuery) -> pw.Select:
    if q.sort == "tier":
        return select.join_from(Customer, Tier, pw.JOIN.LEFT_OUTER, on=(Customer.tier == Tier.id))
    if q.sort == "specialist":
        return select.join_from(Customer, User, pw.JOIN.LEFT_OUTER, on=(Customer.assigned_to == User.id))
    return select


def _text_select(actor: User, q: CustomerQuery, text: str, column: pw.Node, ordered: bool) -> pw.Select:
    """QUERY with search TEXT, driven by the narrow customer_search table.

    The LIKE scans the short rows of customer_search in id order; the common searches (all
    live customers, or a specialist's own, in the default order) read nothing else and stop
    at the page's last match. Filters on other columns, or another order, look each match's
    customer row up by its key: the search table is named first in a CROSS JOIN, which
    SQLite takes as the order of the loops (without it, it may walk the customer table by an
    index and test each row, the slow scan this table avoids); PostgreSQL plans as usual.
    """
    s = CustomerSearch
    narrow = [_like(s.keys, text)]
    if q.deleted:
        require(actor, ASSIGN, "customers.search_deleted")    # only a supervisor sees deleted customers
        wide = [Customer.deleted_at.is_null(False) & Customer.merged_into.is_null()]
        narrow.append(s.live == False)  # noqa: E712 - SQL
    else:
        wide = []
        narrow.append(s.live == True)  # noqa: E712 - SQL
    if not q.all_customers and not actor.is_supervisor:
        narrow.append(s.assigned_to_id == actor.id)
    narrow += _specialist_filter(q, s.assigned_to_id)
    wide += _filters(q)
    select = s.select(column)
    if wide or (ordered and q.sort in SORT_KEYS and q.sort != "id"):
        select = _sort_joins(select.join(Customer, pw.JOIN.CROSS), q)
        narrow.append(Customer.id == s.customer)
    select = select.where(*narrow, *wide)
    return select.order_by(*_order(q, s.customer)) if ordered else select


def _page_select(actor: User, query: CustomerQuery, offset: int = 0, limit: int = PAGE_SIZE) -> pw.Select:
    """The query of one page's ids (what ``page_ids`` runs; the benchmark runs its SQL through sqlite3)."""
    text = normalize_query(query.text)
    if text:
        select = _text_select(actor, query, text, CustomerSearch.customer, ordered=True)
    else:
        select = (_sort_joins(Customer.select(Customer.id), query)
                  .where(*_scope(actor, query), *_specialist_filter(query, Customer.assigned_to), *_filters(query))
                  .order_by(*_order(query)))
    return select.offset(offset).limit(limit)


#: (database, actor, query without its text, offset, limit) -> (SQL, parameters, index of the LIKE pattern)
_PAGE_SQL: dict[tuple, tuple[str, list, int | None]] = {}
#: stands for the search text while a page's SQL is built for the cache (ASCII: normalize_query keeps it)
_TEXT_MARK = "text-mark-5e1d"


def _page_sql(actor: User, query: CustomerQuery, offset: int, limit: int) -> tuple[str, list]:
    """SQL and parameters of ``_page_select``, built once per shape of query (typing changes only the text).

    Each keystroke asks for the same query with another text: the SQL is kept per actor,
    filters, order and page, and only the LIKE pattern changes. Deleted customers are checked
    for permission on every call; "not contacted" (its deadline moves with the clock) is
    built each time.
    """
    text = normalize_query(query.text)
    if query.deleted:
        require(actor, ASSIGN, "customers.search_deleted")    # only a supervisor sees deleted customers
    if query.not_contacted:
        return _page_select(actor, query, offset, limit).sql()
    key = (database.param, actor.id, actor.is_supervisor, bool(text), offset, limit,
           *(getattr(query, name) for name in _QUERY_FIELDS))
    cached = _PAGE_SQL.get(key)
    if cached is None:
        marked = dataclasses.replace(query, text=_TEXT_MARK if text else "")
        sql, params = _page_select(actor, marked, offset, limit).sql()
        pattern = _like_pattern(_TEXT_MARK)
        where = [i for i, value in enumerate(params) if value == pattern]
        if text and len(where) != 1:         # never expected: build without the cache
            return _page_select(actor, query, offset, limit).sql()
        if len(_PAGE_SQL) > 256:
            _PAGE_SQL.clear()
        cached = _PAGE_SQL[key] = (sql, list(params), where[0] if text else None)
    sql, params, at = cached
    if at is not None:
        params = list(params)
        params[at] = _like_pattern(text)
    return sql, params


def page_ids(actor: User, query: CustomerQuery, offset: int = 0, limit: int = PAGE_SIZE) -> list[int]:
    """The ids of one page of QUERY: a narrow query (joins only when filters or sorting need them)."""
    return [row[0] for row in database.execute_sql(*_page_sql(actor, query, offset, limit)).fetchall()]


#: the columns of a list line, in the order ``_rows`` reads them
_ROW_COLUMNS = (Customer.id, Customer.name, Customer.mobile, Customer.customer_type, Customer.source,
                Customer.registered_at, Customer.realname_verified_at, Customer.mobile_verified_at,
                Customer.email_verified_at, Customer.last_contact_at, Customer.first_contact_at,
                Customer.assigned_at, Customer.assigned_to, Customer.do_not_call, Tier.name, User.display_name)
#: (database kind, number of ids) -> (SQL, its parameters before the ids)
_ROWS_SQL: dict[tuple[str, int], tuple[str, list]] = {}


def _rows_select(ids: list[int]) -> pw.Select:
    """The list lines of IDS: the page's customers with tier, specialist and open counts."""
    return (Customer.select(*_ROW_COLUMNS, _open_callbacks(), _open_complaints())
            .join(Tier, pw.JOIN.LEFT_OUTER, on=(Customer.tier == Tier.id))
            .switch(Customer)
            .join(User, pw.JOIN.LEFT_OUTER, on=(Customer.assigned_to == User.id))
            .where(Customer.id.in_(ids)))


def _rows_sql(ids: list[int]) -> tuple[str, list]:
    """SQL and parameters of ``_rows_select(IDS)``; the SQL is built once per number of ids (it only differs there)."""
    key = (database.param, len(ids))
    cached = _ROWS_SQL.get(key)
    if cached is None:
        sql, params = _rows_select(ids).sql()
        if list(params[len(params) - len(ids):]) != list(ids):    # the ids must be the last parameters
            return sql, params
        if len(_ROWS_SQL) > 64:
            _ROWS_SQL.clear()
        cached = _ROWS_SQL[key] = (sql, list(params[:len(params) - len(ids)]))
    sql, head = cached
    return sql, [*head, *ids]


def _verification_text(registered: bool, realname: bool, mobile: bool, email: bool) -> str:
    done = [key for key, flag in (("realname", realname), ("mobile", mobile), ("email", email)) if flag]
    if not done:
        return _("Registered") if registered else _("Not registered")
    return " · ".join(labels.label(labels.VERIFICATIONS, key) for key in done)


def _datetime(value) -> dt.datetime | None:
    """A DateTimeField value as read without the ORM (text in SQLite, a datetime in PostgreSQL)."""
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return Customer.last_contact_at.python_value(value)


def _rows(ids: list[int]) -> list[CustomerRow]:
    """The list lines of IDS, in that order: masked, labelled, with their open counts.

    Read below the ORM (this runs on every keystroke): the SQL is built once per page size,
    rows come back as tuples, and each label is translated once per call, not once per row.
    """
    if not ids:
        return []
    found = {r[0]: r for r in database.execute_sql(*_rows_sql(ids)).fetchall()}
    deadline = _contact_deadline()
    types = {code: labels.label(labels.CUSTOMER_TYPES, code) for code in CUSTOMER_TYPES}
    sources = {code: labels.label(labels.SOURCES, code) for code in SOURCES}
    verifications: dict[tuple, str] = {}
    to_datetime = _datetime
    rows = []
    append = rows.append
    for cid in ids:
        r = found.get(cid)
        if r is None:
            continue
        (_id, name, mobile, customer_type, source, registered, realname, mobile_ok, email_ok, last_contact,
         first_contact, assigned_at, assigned_to, do_not_call, tier_name, specialist, callbacks_open,
         complaints_open) = r
        flags = (registered is not None, realname is not None, mobile_ok is not None, email_ok is not None)
        verification = verifications.get(flags)
        if verification is None:
            verification = verifications[flags] = _verification_text(*flags)
        # positional, in the field order of CustomerRow (a keystroke builds a page of these)
        append(CustomerRow(
            cid, name,
            f"{mobile[:3]}****{mobile[7:]}" if mobile and len(mobile) == 11 else mask_mobile(mobile),
            types.get(customer_type) or labels.label(labels.CUSTOMER_TYPES, customer_type),
            tier_name or "", sources.get(source) or labels.label(labels.SOURCES, source), verification,
            specialist or "", last_contact if last_contact is None else to_datetime(last_contact),
            callbacks_open or 0, complaints_open or 0, bool(do_not_call),
            assigned_to is not None and first_contact is None and assigned_at is not None
            and to_datetime(assigned_at) <= deadline))
    return rows


@action("customers.search", LOOKUP)
def search_page(actor: User, query: CustomerQuery, offset: int = 0, limit: int = PAGE_SIZE) -> list[CustomerRow]:
    """One page of the archive list for QUERY, masked; never the whole table."""
    return _rows(page_ids(actor, query, offset, limit))


@action("customers.count", LOOKUP)
def count(actor: User, query: CustomerQuery) -> int:
    """How many customers match QUERY (for the status bar; may run off the UI thread)."""
    text = normalize_query(query.text)
    if text:
        return _text_select(actor, query, text, pw.fn.COUNT(CustomerSearch.customer), ordered=False).scalar() or 0
    return Customer.select(pw.fn.COUNT(Customer.id)).where(
        *_scope(actor, query), *_specialist_filter(query, Customer.assigned_to), *_filters(query)).scalar() or 0


def _get(customer_id: int) -> Customer:
    """The customer (locked until the transaction ends when read inside one on the team server)."""
    customer = sql.for_update(Customer.select().where(Customer.id == customer_id)).first()
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    return customer


def _tags_of(customer_id: int) -> list[str]:
    return [t.name for t in Tag.select(Tag.name).join(CustomerTag).where(CustomerTag.customer == customer_id)
            .order_by(Tag.name)]


def can_edit(actor: User, customer: Customer) -> bool:
    """A supervisor edits any customer; a specialist only their own (a new customer they record is theirs)."""
    return actor.is_supervisor or customer.assigned_to_id == actor.id


@action("customers.get", LOOKUP)
def get_customer(actor: User, customer_id: int) -> CustomerDetail:
    """The customer page's data, with mobile and ID number masked."""
    c = _get(customer_id)
    born = sex = region = None
    if c.id_number:
        try:
            info = identity.check_id_number(c.id_number)
            born, sex, region = info.birth_date, info.sex, info.region
        except ValidationError:
            pass
    referrer = Customer.get_or_none(Customer.id == c.referred_by_id) if c.referred_by_id else None
    due = (c.assigned_at + dt.timedelta(days=FIRST_CONTACT_DAYS)
           if c.assigned_to_id and c.assigned_at and not c.first_contact_at else None)
    return CustomerDetail(
        id=c.id, name=c.name, mobile=mask_mobile(c.mobile), id_number=mask_id_number(c.id_number),
        birth_date=born, sex=labels.label(labels.SEXES, sex), region=region or "",
        email=c.email or "", im_id=c.im_id or "", customer_type=c.customer_type, tier_id=c.tier_id,
        tier=c.tier.name if c.tier_id else "", source=c.source, referred_by_id=c.referred_by_id,
        referred_by=referrer.name if referrer else "", registered=c.registered_at is not None,
        realname_verified=c.realname_verified_at is not None, email_verified=c.email_verified_at is not None,
        mobile_verified=c.mobile_verified_at is not None, assigned_to_id=c.assigned_to_id,
        specialist=c.assigned_to.display_name if c.assigned_to_id else "", assigned_at=c.assigned_at,
        first_contact_at=c.first_contact_at, first_contact_due=due,
        overdue_first_contact=bool(due and due <= clock.now()), last_contact_at=c.last_contact_at, memo=c.memo,
        preferred_time=c.preferred_time, do_not_call=c.do_not_call, tags=_tags_of(c.id), created_at=c.created_at,
        version=c.version, deleted=c.deleted_at is not None, erased=c.erased_at is not None,
        merged_into_id=c.merged_into_id, can_edit=can_edit(actor, c))


@action("customers.reveal", UNMASK)
def reveal(actor: User, customer_id: int, field_name: str) -> str:
    """The full mobile or ID number, on a supervisor's explicit request; the request is audited."""
    if field_name not in MASKED_FIELDS:
        raise ValidationError(_("Only the mobile and the ID number are masked."), field_name)
    c = _get(customer_id)
    value = getattr(c, field_name) or ""
    audit.record(actor, "unmask", entity="customer", entity_id=c.id, customer_id=c.id, summary=field_name)
    return value


# --- writing -------------------------------------------------------------------------------------

def _check_input(data: CustomerInput, exclude_id: int | None = None, stored: Customer | None = None) -> dict:
    """Validate every field; FormErrors lists them all, DuplicateCustomer names the existing customer.

    A mobile or ID number of None keeps STORED's value unchecked (None when creating).
    """
    errors: dict[str, str] = {}
    values: dict = {}
    typed_mobile = data.mobile if data.mobile is not None else ((stored.mobile if stored else None) or "")
    typed_id_number = data.id_number if data.id_number is not None else (
        (stored.id_number if stored else None) or "")

    def attempt(name, fn):
        try:
            values[name] = fn()
        except ValidationError as exc:
            errors[exc.field or name] = exc.message

    attempt("name", lambda: identity.check_length(data.name, "name", _("The name")))
    if "name" in values and not values["name"]:
        errors["name"] = _("Enter the customer's name.")
    if data.mobile is None:
        values["mobile"] = typed_mobile or None
    else:
        attempt("mobile", lambda: identity.normalize_mobile(data.mobile) if data.mobile.strip() else None)
    if data.id_number is None:
        values["id_number"] = typed_id_number or None
    else:
        attempt("id_number", lambda: identity.check_id_number(data.id_number).number if data.id_number.strip()
                else None)
    attempt("email", lambda: identity.normalize_email(data.email) if data.email.strip() else None)
    attempt("im_id", lambda: identity.check_length(data.im_id, "im_id", _("The QQ / WeChat id")) or None)
    attempt("memo", lambda: identity.check_length(data.memo, "memo", _("The memo")))
    attempt("preferred_time", lambda: identity.check_length(data.preferred_time, "preferred_time",
                                                            _("The preferred time")))
    if data.customer_type not in CUSTOMER_TYPES:
        errors["customer_type"] = _("Choose the customer type.")
    if data.source not in SOURCES:
        errors["source"] = _("Choose the source.")
    if data.tier_id is not None and not Tier.select().where(Tier.id == data.tier_id).exists():
        errors["tier_id"] = _("This tier does not exist any more.")
    if data.source == "referral":
        if not data.referred_by_id:
            errors["referred_by_id"] = _("A referral names the referring customer.")
        elif data.referred_by_id == exclude_id:
            errors["referred_by_id"] = _("A customer cannot refer themselves.")
        elif not Customer.select().where((Customer.id == data.referred_by_id) & _live()).exists():
            errors["referred_by_id"] = _("The referring customer does not exist.")
    if data.realname_verified and not typed_id_number.strip():
        errors.setdefault("id_number", _("Real-name verification needs the ID number."))
    if data.email_verified and not (data.email or "").strip():
        errors.setdefault("email", _("Email verification needs the email address."))
    if data.mobile_verified and not typed_mobile.strip():
        errors.setdefault("mobile", _("Mobile verification needs the mobile number."))
    tags = []
    for tag in data.tags:
        try:
            text = identity.check_length(tag, "tag", _("A tag"))
        except ValidationError as exc:
            errors["tags"] = exc.message
            continue
        if text and text not in tags:
            tags.append(text)
    values["tags"] = tags
    if errors:
        raise FormErrors(errors)
    for name, label_text in (("mobile", _("mobile number")), ("id_number", _("ID number"))):
        if values.get(name):
            query = Customer.select(Customer.id, Customer.name).where(
                (getattr(Customer, name) == values[name]) & _live())
            if exclude_id:
                query = query.where(Customer.id != exclude_id)
            existing = query.first()
            if existing:
                raise DuplicateCustomer(
                    _("This {what} belongs to customer {name} (No. {id}).").format(
                        what=label_text, name=existing.name, id=existing.id), name, existing.id, existing.name)
    return values


def _stamp(flag: bool, current: dt.datetime | None) -> dt.datetime | None:
    """A verification timestamp: kept when already set, now when newly set, cleared when unset."""
    if not flag:
        return None
    return current or clock.now()


def _save_tags(customer_id: int, names: list[str]) -> None:
    CustomerTag.delete().where(CustomerTag.customer == customer_id).execute()
    for name in names:
        tag, _created = Tag.get_or_create(name=name)
        CustomerTag.create(customer=customer_id, tag=tag)


def _audit_value(name: str, value):
    if name in MASKED_FIELDS:
        return MASKED_FIELDS[name](value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _refresh_search_key(customer: Customer, tags: list[str] | None = None) -> str:
    return customer_search_key(customer.name, customer.mobile, customer.id_number, customer.email,
                               customer.im_id, tags if tags is not None else _tags_of(customer.id))


AUDITED_FIELDS = ("name", "mobile", "id_number", "email", "im_id", "customer_type", "tier_id", "source",
                  "referred_by_id", "registered_at", "realname_verified_at", "email_verified_at",
                  "mobile_verified_at", "memo", "preferred_time", "do_not_call")


@action("customers.create", WORK_OWN)
def create_customer(actor: User, data: CustomerInput) -> int:
    """Record a new customer; a specialist's new customer is theirs at once (the week starts now)."""
    with database.atomic():
        v = _check_input(data)
        now = clock.now()
        mine = not actor.is_supervisor
        customer = Customer.create(
            name=v["name"], mobile=v["mobile"], id_number=v["id_number"], email=v["email"], im_id=v["im_id"],
            customer_type=data.customer_type, tier=data.tier_id, source=data.source,
            referred_by=data.referred_by_id if data.source == "referral" else None,
            registered_at=now if data.registered else None,
            realname_verified_at=now if data.realname_verified else None,
            email_verified_at=now if data.email_verified else None,
            mobile_verified_at=now if data.mobile_verified else None,
            memo=v["memo"], preferred_time=v["preferred_time"], do_not_call=data.do_not_call,
            created_by=actor, created_at=now, updated_at=now,
            assigned_to=actor if mine else None, assigned_at=now if mine else None)
        _save_tags(customer.id, v["tags"])
        Customer.update(search_key=_refresh_search_key(customer, v["tags"])).where(
            Customer.id == customer.id).execute()
        if mine:
            from desktop_cs.models import Assignment
            Assignment.create(customer=customer, specialist=actor, assigned_by=actor, assigned_at=now,
                              reason="created")
            from desktop_cs.services import callbacks   # the one-week first contact starts now
            callbacks.create_first_contact(actor, [customer.id], actor.id, now, move_open=False)
        audit.record(actor, "customer_created", entity="customer", entity_id=customer.id, customer_id=customer.id,
                     summary=customer.name,
                     details={"changes": {f: [None, _audit_value(f, getattr(customer, f))] for f in AUDITED_FIELDS
                                          if getattr(customer, f) not in (None, "", False)}})
        from desktop_cs.services import points   # imported on first save: opening the archive needs none of it
        points.on_customer_saved(actor, customer.id, None)   # registration / verification awards, once
        return customer.id


def _last_change(customer_id: int) -> tuple[str, dt.datetime | None]:
    entry = (AuditEntry.select().where((AuditEntry.customer_id == customer_id)
                                       & AuditEntry.action.in_(("customer_updated", "customer_created",
                                                                "customer_merged", "customer_erased")))
             .order_by(AuditEntry.id.desc()).first())
    if entry is None:
        return "", None
    user = User.get_or_none(User.id == entry.user_id) if entry.user_id else None
    return (user.display_name if user else entry.user_name), entry.at


@action("customers.update", WORK_OWN)
def update_customer(actor: User, customer_id: int, data: CustomerInput, expected_version: int | None = None) -> int:
    """Save an edit; refuses a stale copy (someone saved since EXPECTED_VERSION) with who and when."""
    customer = _get(customer_id)
    require_own(actor, can_edit(actor, customer), "customers.update",   # another's customer: audited refusal
                _("You can only edit your own customers; ask your supervisor."))
    if customer.erased_at or customer.merged_into_id:
        raise ValidationError(_("This customer was erased or merged and cannot be edited."))
    with database.atomic():
        customer = _get(customer_id)
        if expected_version is not None and customer.version != expected_version:
            who, when = _last_change(customer_id)
            raise ChangedByOther(_("{who} changed this customer at {when}. Reload to see the changes, or "
                                   "overwrite them.").format(who=who or _("another user"),
                                                             when=when.strftime("%H:%M:%S") if when else "?"),
                                 who, when)
        v = _check_input(data, exclude_id=customer_id, stored=customer)
        old = {f: getattr(customer, f) for f in AUDITED_FIELDS}
        new = dict(
            name=v["name"], mobile=v["mobile"], id_number=v["id_number"], email=v["email"], im_id=v["im_id"],
            customer_type=data.customer_type, tier_id=data.tier_id, source=data.source,
            referred_by_id=data.referred_by_id if data.source == "referral" else None,
            registered_at=_stamp(data.registered, customer.registered_at),
            realname_verified_at=_stamp(data.realname_verified, customer.realname_verified_at),
            email_verified_at=_stamp(data.email_verified, customer.email_verified_at),
            mobile_verified_at=_stamp(data.mobile_verified, customer.mobile_verified_at),
            memo=v["memo"], preferred_time=v["preferred_time"], do_not_call=data.do_not_call)
        changes = {f: [_audit_value(f, old[f]), _audit_value(f, new[f])] for f in AUDITED_FIELDS
                   if old[f] != new[f]}
        old_tags = _tags_of(customer_id)
        if old_tags != sorted(v["tags"]):
            changes["tags"] = [old_tags, sorted(v["tags"])]
        if not changes:
            return customer.version
        for name, value in new.items():
            setattr(customer, name, value)
        _save_tags(customer_id, v["tags"])
        columns = {Customer._meta.fields[k[:-3] if k in ("tier_id", "referred_by_id") else k]: val
                   for k, val in new.items()}
        columns.update({Customer.search_key: _refresh_search_key(customer, v["tags"]),
                        Customer.updated_at: clock.now(), Customer.version: Customer.version + 1})
        Customer.update(columns).where(Customer.id == customer_id).execute()
        audit.record(actor, "customer_updated", entity="customer", entity_id=customer_id, customer_id=customer_id,
                     summary=customer.name, details={"changes": changes})
        # a verification (or registration) that became set is the points event; each awards once
        from desktop_cs.services import points
        points.on_customer_saved(actor, customer_id, {k: old[k] for k in (*points.VERIFICATION_EVENTS,
                                                                            "referred_by_id")})
        return customer.version + 1


@action("customers.delete", WORK_OWN)
def delete_customer(actor: User, customer_id: int, reason: str = "") -> None:
    """Soft delete: the customer leaves the lists; its history stays and a supervisor can restore it."""
    customer = _get(customer_id)
    require_own(actor, can_edit(actor, customer), "customers.delete",   # another's customer: audited refusal
                _("You can only delete your own customers."))
    with database.atomic():
        Customer.update(deleted_at=clock.now(), version=Customer.version + 1).where(
            Customer.id == customer_id).execute()
        audit.record(actor, "customer_deleted", entity="customer", entity_id=customer_id, customer_id=customer_id,
                     summary=reason)


@action("customers.restore", ASSIGN)
def restore_customer(actor: User, customer_id: int) -> None:
    """Bring back a soft-deleted customer, unless its mobile or ID now belongs to another live customer."""
    customer = _get(customer_id)
    with database.atomic():
        for name, label_text in (("mobile", _("mobile number")), ("id_number", _("ID number"))):
            value = getattr(customer, name)
            if value and Customer.select().where((getattr(Customer, name) == value) & _live()).exists():
                raise ValidationError(_("Cannot restore: the {what} now belongs to another customer.").format(
                    what=label_text), name)
        Customer.update(deleted_at=None, version=Customer.version + 1).where(Customer.id == customer_id).execute()
        audit.record(actor, "customer_restored", entity="customer", entity_id=customer_id, customer_id=customer_id)


@action("customers.erase", ASSIGN)
def erase_personal_data(actor: User, customer_id: int, reason: str) -> None:
    """Anonymise a customer at their request (PIPL), finally; callbacks, complaints and points keep their figures."""
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for erasing (e.g. the customer's request and its date)."), "reason")
    customer = _get(customer_id)
    if customer.erased_at:
        raise ValidationError(_("This customer's personal data was erased already."))
    with database.atomic():
        name = _("Erased customer {id}").format(id=customer_id)
        Customer.update(name=name, mobile=None, id_number=None, email=None, im_id=None, memo="", preferred_time="",
                        search_key=normalize_query(name), erased_at=clock.now(),
                        version=Customer.version + 1).where(Customer.id == customer_id).execute()
        CustomerTag.delete().where(CustomerTag.customer == customer_id).execute()
        audit.record(actor, "customer_erased", entity="customer", entity_id=customer_id, customer_id=customer_id,
                     summary=reason.strip())


def note_contact(customer_id: int, by_user_id: int, at: dt.datetime | None = None) -> None:
    """Record that the customer was contacted (reached callback, enquiry, complaint handled).

    Called by the services that record those, inside their transaction. The first contact
    by the assigned specialist since the assignment ends the one-week watch.
    """
    at = at or clock.now()
    Customer.update(last_contact_at=at).where(
        (Customer.id == customer_id) & (Customer.last_contact_at.is_null() | (Customer.last_contact_at < at))).execute()
    Customer.update(first_contact_at=at).where(
        (Customer.id == customer_id) & (Customer.assigned_to == by_user_id) & Customer.first_contact_at.is_null()
        & (Customer.assigned_at <= at)).execute()


@action("customers.lookup_by_number", LOOKUP)
def lookup_by_number(actor: User, number: str) -> list[tuple[int, str]]:
    """Live customers with this exact mobile (for a caller typed at intake): (id, name) pairs."""
    try:
        mobile = identity.normalize_mobile(number)
    except ValidationError:
        return []
    return [(c.id, c.name) for c in Customer.select(Customer.id, Customer.name)
            .where((Customer.mobile == mobile) & _live())]
