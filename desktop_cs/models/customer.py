"""The customer archive: customers, tiers, tags, assignment history and the enquiry log."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.db import BaseModel
from desktop_cs.models.user import User

CUSTOMER_TYPES = ("investor", "borrower", "prospect")
SOURCES = ("hotline", "online_chat", "website", "visit", "referral", "import", "other")
ENQUIRY_CHANNELS = ("hotline", "im", "web_chat", "email", "visit")
ENQUIRY_OUTCOMES = ("resolved", "handed_on")
ASSIGNMENT_REASONS = ("manual", "auto", "handover", "merge", "import", "created")


def _in(column: str, values: tuple[str, ...]) -> pw.Check:
    return pw.Check(f"{column} IN ({', '.join(repr(v) for v in values)})")


class Tier(BaseModel):
    """A customer tier (分层级管理) a supervisor defines: VIP, key, ordinary..."""

    name = pw.CharField(max_length=32, unique=True)
    sort_order = pw.IntegerField(default=0)
    #: periodic care: a callback every N days (0 = none)
    callback_interval_days = pw.IntegerField(default=0, constraints=[pw.Check("callback_interval_days >= 0")])
    #: customers of member tiers must all get their callback ("100% of members")
    is_member = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)


class Customer(BaseModel):
    """A customer of the platform. Never hard-deleted: soft delete, merge and erasure keep history."""

    name = pw.CharField(max_length=64)
    #: derived search keys (name variants, pinyin, ...) kept current on every write
    search_key = pw.TextField(default="")
    mobile = pw.CharField(max_length=11, null=True)       # 11 ASCII digits, normalised
    id_number = pw.CharField(max_length=18, null=True)    # GB 11643, upper-case X
    email = pw.CharField(max_length=254, null=True)
    im_id = pw.CharField(max_length=64, null=True)        # QQ / WeChat
    customer_type = pw.CharField(max_length=16, default="prospect", constraints=[_in("customer_type", CUSTOMER_TYPES)])
    tier = pw.ForeignKeyField(Tier, null=True, backref="customers", on_delete="RESTRICT")
    source = pw.CharField(max_length=16, default="hotline", constraints=[_in("source", SOURCES)])
    referred_by = pw.ForeignKeyField("self", null=True, backref="referrals", on_delete="RESTRICT")
    registered_at = pw.DateTimeField(null=True)
    realname_verified_at = pw.DateTimeField(null=True)
    email_verified_at = pw.DateTimeField(null=True)
    mobile_verified_at = pw.DateTimeField(null=True)
    assigned_to = pw.ForeignKeyField(User, null=True, backref="customers", on_delete="RESTRICT")
    assigned_at = pw.DateTimeField(null=True, index=True)
    memo = pw.TextField(default="")
    #: contact bookkeeping kept by the services that record a contact (reached callback,
    #: enquiry, complaint handled): the last contact by anyone, and the first contact by the
    #: assigned specialist since the current assignment (NULL = not yet: the one-week rule)
    last_contact_at = pw.DateTimeField(null=True, index=True)
    first_contact_at = pw.DateTimeField(null=True)
    preferred_time = pw.CharField(max_length=32, default="")   # e.g. "14:00-17:00"
    do_not_call = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=clock.now, index=True)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    updated_at = pw.DateTimeField(default=clock.now)
    #: optimistic locking: a save from a stale copy is detected, never silently applied
    version = pw.IntegerField(default=1)
    deleted_at = pw.DateTimeField(null=True)
    merged_into = pw.ForeignKeyField("self", null=True, backref="absorbed", on_delete="RESTRICT")
    erased_at = pw.DateTimeField(null=True)


# Mobile and ID number are unique among live customers only: deleted and merged ones keep theirs.
_live = Customer.deleted_at.is_null() & Customer.merged_into.is_null()
Customer.add_index(Customer.index(Customer.mobile, unique=True, name="customer_live_mobile").where(_live))
Customer.add_index(Customer.index(Customer.id_number, unique=True, name="customer_live_id_number").where(_live))
Customer.add_index(Customer.index(Customer.assigned_to, Customer.assigned_at, name="customer_assigned"))
Customer.add_index(Customer.index(Customer.name, Customer.id, name="customer_name"))
# migration 4: live customers per tier (the archive's tier filter and the tier list's counts) from the index alone
Customer.add_index(Customer.index(Customer.merged_into, Customer.deleted_at, Customer.tier, name="customer_live_tier"))


class CustomerSearch(BaseModel):
    """The search keys of every customer in a narrow table: what search as you type scans (migration 4).

    Derived and written by the database alone: triggers on ``customer`` copy ``search_key``,
    whether the customer is live (not deleted, not merged) and the assigned specialist here
    on every insert and on every update of those columns, so no writer (service, import,
    demo data, a copy between databases) can leave it behind. The program never writes it.
    A LIKE over these short rows reads a fraction of the pages the wide customer rows take
    (~20 ms instead of ~65 ms for 100,000 customers), and the common searches (all live
    customers, or one specialist's) need no other table. On PostgreSQL a pg_trgm GIN index
    on ``keys`` serves the same LIKE.
    """

    customer = pw.ForeignKeyField(Customer, primary_key=True, backref="+", on_delete="CASCADE")
    keys = pw.TextField()
    #: not deleted and not merged (``Customer.deleted_at`` and ``merged_into`` both NULL)
    live = pw.BooleanField()
    #: a copy of ``Customer.assigned_to_id`` (no foreign key: it only mirrors the customer's)
    assigned_to_id = pw.IntegerField(null=True)


class Tag(BaseModel):
    """A free-form label; tags complete from this list."""

    name = pw.CharField(max_length=32, unique=True)


class CustomerTag(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="tag_links", on_delete="CASCADE")
    tag = pw.ForeignKeyField(Tag, backref="customer_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("customer", "tag"), True),)


class Assignment(BaseModel):
    """One assignment of a customer to a specialist; the one-week first contact counts from it."""

    customer = pw.ForeignKeyField(Customer, backref="assignments", on_delete="RESTRICT")
    specialist = pw.ForeignKeyField(User, null=True, backref="assignments", on_delete="RESTRICT")
    assigned_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    assigned_at = pw.DateTimeField(default=clock.now)
    reason = pw.CharField(max_length=16, default="manual", constraints=[_in("reason", ASSIGNMENT_REASONS)])


class EnquiryTopic(BaseModel):
    """A topic of the enquiry log (registration, verification, recharge...); a supervisor edits the list."""

    name = pw.CharField(max_length=32, unique=True)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class Enquiry(BaseModel):
    """One inbound hotline or online question and its answer (咨询记录)."""

    customer = pw.ForeignKeyField(Customer, null=True, backref="enquiries", on_delete="RESTRICT")
    caller_number = pw.CharField(max_length=32, null=True)   # a caller not yet in the archive
    channel = pw.CharField(max_length=16, constraints=[_in("channel", ENQUIRY_CHANNELS)])
    topic = pw.ForeignKeyField(EnquiryTopic, backref="enquiries", on_delete="RESTRICT")
    summary = pw.TextField()
    outcome = pw.CharField(max_length=16, default="resolved", constraints=[_in("outcome", ENQUIRY_OUTCOMES)])
    handled_by = pw.ForeignKeyField(User, backref="enquiries", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=clock.now, index=True)


# migration 3: a bare number's enquiries, for the repeat-caller panel
Enquiry.add_index(Enquiry.index(Enquiry.caller_number, Enquiry.created_at, name="enquiry_caller")
                  .where(Enquiry.caller_number.is_null(False)))
