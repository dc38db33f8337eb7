"""Points (积分): the rule table and the append-only ledger; a balance is always derived, never stored."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.complaint import Complaint
from desktop_cs.models.customer import Customer, _in
from desktop_cs.models.db import BaseModel
from desktop_cs.models.user import User

EVENTS = ("registration", "realname", "email_verified", "mobile_verified", "referral", "recharge", "investment")
ONCE_ONLY_EVENTS = ("registration", "realname", "email_verified", "mobile_verified")
RULE_MODES = ("fixed", "per_amount")
#: merge_out / merge_in are the only way points ever move between customers (a merge)
ENTRY_KINDS = ("earn", "redeem", "adjust", "reverse", "expire", "merge_out", "merge_in")
ADJUSTMENT_STATUSES = ("pending", "approved", "rejected")


class PointsRule(BaseModel):
    """How many points an event earns: fixed, or per N yuan rounded down; a supervisor edits them."""

    event = pw.CharField(max_length=20, unique=True, constraints=[_in("event", EVENTS)])
    mode = pw.CharField(max_length=12, default="fixed", constraints=[_in("mode", RULE_MODES)])
    points = pw.IntegerField(constraints=[pw.Check("points >= 0")])
    #: per_amount mode: POINTS for every PER_AMOUNT_FEN of the amount (fen: 1 yuan = 100 fen)
    per_amount_fen = pw.IntegerField(default=0, constraints=[pw.Check("per_amount_fen >= 0")])
    #: days an award stays valid (0 = never expires)
    validity_days = pw.IntegerField(default=0, constraints=[pw.Check("validity_days >= 0")])
    #: referral: the condition the referred customer must meet before the referrer is paid
    condition = pw.CharField(max_length=32, default="")
    active = pw.BooleanField(default=True)
    updated_at = pw.DateTimeField(default=clock.now)
    updated_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")


class PointsEntry(BaseModel):
    """One line of the points ledger. The database refuses UPDATE and DELETE and a negative balance."""

    customer = pw.ForeignKeyField(Customer, backref="points_entries", on_delete="RESTRICT")
    kind = pw.CharField(max_length=12, constraints=[_in("kind", ENTRY_KINDS)])
    points = pw.IntegerField(constraints=[pw.Check("points <> 0")])   # signed, integer points
    created_at = pw.DateTimeField(default=clock.now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    reason = pw.TextField(default="")
    event = pw.CharField(max_length=20, null=True)
    rule = pw.ForeignKeyField(PointsRule, null=True, backref="entries", on_delete="RESTRICT")
    complaint = pw.ForeignKeyField(Complaint, null=True, backref="points_entries", on_delete="RESTRICT")
    #: external reference (order number, investment number); unique per kind
    reference = pw.CharField(max_length=64, null=True)
    #: set on once-only awards (the event name), unique per customer: awarded at most once
    once_key = pw.CharField(max_length=20, null=True)
    #: earn / adjust / merge_in lots: when they expire (NULL = never)
    expires_at = pw.DateTimeField(null=True)
    #: a reversal points at the entry it reverses; unique, so no entry is reversed twice
    reverses = pw.ForeignKeyField("self", null=True, unique=True, backref="reversal", on_delete="RESTRICT")
    #: merge entries name the absorbed customer of the merge
    merge_from = pw.ForeignKeyField(Customer, null=True, backref="+", on_delete="RESTRICT")


PointsEntry.add_index(PointsEntry.index(PointsEntry.customer, PointsEntry.created_at, name="points_entry_customer"))
PointsEntry.add_index(PointsEntry.index(PointsEntry.created_at, name="points_entry_created"))
PointsEntry.add_index(PointsEntry.index(PointsEntry.kind, PointsEntry.reference, unique=True,
                                        name="points_entry_reference").where(PointsEntry.reference.is_null(False)))
PointsEntry.add_index(PointsEntry.index(PointsEntry.customer, PointsEntry.once_key, unique=True,
                                        name="points_entry_once").where(PointsEntry.once_key.is_null(False)))
# migration 2: the team summary walks this covering index; the expiry run reads lots by expiry
PointsEntry.add_index(PointsEntry.index(PointsEntry.kind, PointsEntry.event, PointsEntry.created_at,
                                        PointsEntry.points, PointsEntry.complaint, name="points_entry_summary"))
PointsEntry.add_index(PointsEntry.index(PointsEntry.expires_at, name="points_entry_expires")
                      .where(PointsEntry.expires_at.is_null(False)))


class PointsAllocation(BaseModel):
    """Which earned lot a redemption or expiry drew on, and how much (append-only)."""

    entry = pw.ForeignKeyField(PointsEntry, backref="allocations", on_delete="RESTRICT")
    lot = pw.ForeignKeyField(PointsEntry, backref="drawn", on_delete="RESTRICT")
    points = pw.IntegerField(constraints=[pw.Check("points > 0")])


class PointsAdjustment(BaseModel):
    """A manual adjustment; above the threshold it waits for a supervisor's approval."""

    customer = pw.ForeignKeyField(Customer, backref="points_adjustments", on_delete="RESTRICT")
    points = pw.IntegerField(constraints=[pw.Check("points <> 0")])
    reason = pw.TextField()
    status = pw.CharField(max_length=12, default="pending", constraints=[_in("status", ADJUSTMENT_STATUSES)])
    requested_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    requested_at = pw.DateTimeField(default=clock.now)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    decided_at = pw.DateTimeField(null=True)
    entry = pw.ForeignKeyField(PointsEntry, null=True, backref="+", on_delete="RESTRICT")
    #: compensation for a complaint (migration 2): the entry written on approval links it too
    complaint = pw.ForeignKeyField(Complaint, null=True, backref="points_adjustments", on_delete="RESTRICT")


PointsAdjustment.add_index(PointsAdjustment.index(PointsAdjustment.status, PointsAdjustment.requested_at,
                                                  name="points_adjustment_status"))
