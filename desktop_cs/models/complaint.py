"""The complaint log: complaints, their state history, categories, root causes, deadlines and harassing callers."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.customer import Customer, _in
from desktop_cs.models.db import BaseModel
from desktop_cs.models.user import User

CHANNELS = ("hotline", "im", "web_chat", "email", "visit", "letter", "regulator", "other")
SEVERITIES = ("low", "normal", "high", "critical")
COMPLAINT_STATUSES = ("received", "in_progress", "resolved", "verified", "closed")


class ComplaintCategory(BaseModel):
    """A complaint category (product, service attitude, technical, funds, other); a supervisor edits the list."""

    name = pw.CharField(max_length=32, unique=True)
    #: complaints about staff attitude feed the staff evaluation
    is_attitude = pw.BooleanField(default=False)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class RootCause(BaseModel):
    """A root cause a resolution must name; a supervisor edits the list."""

    name = pw.CharField(max_length=48, unique=True)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class SeverityTarget(BaseModel):
    """First-response and resolution targets of a severity, in working hours."""

    severity = pw.CharField(max_length=12, unique=True, constraints=[_in("severity", SEVERITIES)])
    first_response_hours = pw.IntegerField(constraints=[pw.Check("first_response_hours > 0")])
    resolution_hours = pw.IntegerField(constraints=[pw.Check("resolution_hours > 0")])


class Complaint(BaseModel):
    """A complaint and its closed loop: accepted at once, resolved quickly, verified by a callback."""

    customer = pw.ForeignKeyField(Customer, null=True, backref="complaints", on_delete="RESTRICT")
    caller_number = pw.CharField(max_length=32, null=True)   # an unknown caller, or "withheld"
    channel = pw.CharField(max_length=16, constraints=[_in("channel", CHANNELS)])
    received_at = pw.DateTimeField(default=clock.now, index=True)
    category = pw.ForeignKeyField(ComplaintCategory, backref="complaints", on_delete="RESTRICT")
    severity = pw.CharField(max_length=12, default="normal", constraints=[_in("severity", SEVERITIES)])
    description = pw.TextField()
    handler = pw.ForeignKeyField(User, backref="complaints", on_delete="RESTRICT")
    created_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    promised_reply_at = pw.DateTimeField(null=True)          # 约定回复时间
    first_response_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=12, default="received", constraints=[_in("status", COMPLAINT_STATUSES)])
    is_repeat = pw.BooleanField(default=False)
    reopened_count = pw.IntegerField(default=0, constraints=[pw.Check("reopened_count >= 0")])
    escalated_at = pw.DateTimeField(null=True)
    escalated_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    escalation_reason = pw.TextField(default="")
    resolution = pw.TextField(default="")
    root_cause = pw.ForeignKeyField(RootCause, null=True, backref="complaints", on_delete="RESTRICT")
    resolved_at = pw.DateTimeField(null=True)
    #: the customer's satisfaction at the verification callback
    satisfaction = pw.CharField(max_length=12, null=True, constraints=[pw.Check(
        "satisfaction IS NULL OR satisfaction IN ('satisfied', 'average', 'unsatisfied')")])
    closed_at = pw.DateTimeField(null=True)
    close_override_reason = pw.TextField(default="")
    compensation_text = pw.TextField(default="")
    compensation_fen = pw.IntegerField(default=0, constraints=[pw.Check("compensation_fen >= 0")])
    compensation_points = pw.IntegerField(default=0, constraints=[pw.Check("compensation_points >= 0")])
    version = pw.IntegerField(default=1)
    # migration 3: deadlines of the targets in force at intake (working hours), the promised reply kept or not,
    # and the staff member a service-attitude complaint is about
    first_response_due = pw.DateTimeField(null=True)
    resolution_due = pw.DateTimeField(null=True)
    last_contact_at = pw.DateTimeField(null=True)
    #: when a contact met the outstanding promised reply time (None while it is outstanding)
    promise_met_at = pw.DateTimeField(null=True)
    promises_made = pw.IntegerField(default=0, constraints=[pw.Check("promises_made >= 0")])
    promises_kept = pw.IntegerField(default=0, constraints=[pw.Check("promises_kept >= 0")])
    about_user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")


Complaint.add_index(Complaint.index(Complaint.status, Complaint.received_at, name="complaint_status"))
Complaint.add_index(Complaint.index(Complaint.customer, Complaint.received_at, name="complaint_customer"))
Complaint.add_index(Complaint.index(Complaint.caller_number, Complaint.received_at, name="complaint_caller"))
Complaint.add_index(Complaint.index(Complaint.handler, Complaint.status, name="complaint_handler"))


class ComplaintStateChange(BaseModel):
    """One transition of a complaint, with who, when and why."""

    complaint = pw.ForeignKeyField(Complaint, backref="history", on_delete="RESTRICT")
    from_status = pw.CharField(max_length=12, null=True)
    to_status = pw.CharField(max_length=12, constraints=[_in("to_status", COMPLAINT_STATUSES)])
    at = pw.DateTimeField(default=clock.now)
    by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    note = pw.TextField(default="")


class HarassingNumber(BaseModel):
    """A number marked as a harassing caller (骚扰电话)."""

    number = pw.CharField(max_length=32, unique=True)
    reason = pw.TextField(default="")
    marked_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    marked_at = pw.DateTimeField(default=clock.now)
    active = pw.BooleanField(default=True)


class HarassingCall(BaseModel):
    """One call from a harassing number, so the manager sees frequency and sources."""

    number = pw.ForeignKeyField(HarassingNumber, backref="calls", on_delete="RESTRICT")
    at = pw.DateTimeField(default=clock.now, index=True)
    channel = pw.CharField(max_length=16, default="hotline", constraints=[_in("channel", CHANNELS)])
    summary = pw.TextField(default="")
    handler = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
