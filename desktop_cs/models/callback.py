"""The callback schedule: callbacks, their attempts, the rules and campaigns that create them, calendar and handovers."""
from __future__ import annotations

import peewee as pw

from desktop_cs import clock
from desktop_cs.models.complaint import Complaint
from desktop_cs.models.customer import Customer, _in
from desktop_cs.models.db import BaseModel
from desktop_cs.models.user import User

PURPOSES = ("welcome", "complaint_check", "periodic_care", "special_period", "renewal_reminder",
            "points_expiry", "other")
METHODS = ("phone", "email", "sms", "im")
CALLBACK_STATUSES = ("open", "done", "cancelled")
OUTCOMES = ("reached", "no_answer", "phone_off", "wrong_number", "refused")
SATISFACTIONS = ("satisfied", "average", "unsatisfied")
NEXT_STEPS = ("none", "callback", "complaint")
RULE_TRIGGERS = ("assignment", "complaint_resolved", "tier_periodic", "first_investment",
                 "maturity", "inactivity", "points_expiry")


class CallbackRule(BaseModel):
    """A rule that creates callbacks by itself (trigger, delay, purpose, method); a supervisor edits them."""

    name = pw.CharField(max_length=64)
    trigger = pw.CharField(max_length=24, unique=True, constraints=[_in("trigger", RULE_TRIGGERS)])
    delay_days = pw.IntegerField(default=0, constraints=[pw.Check("delay_days >= 0")])
    purpose = pw.CharField(max_length=24, constraints=[_in("purpose", PURPOSES)])
    method = pw.CharField(max_length=8, default="phone", constraints=[_in("method", METHODS)])
    active = pw.BooleanField(default=True)


class Campaign(BaseModel):
    """A special-period campaign (holiday, anniversary, promotion) spread over the specialists."""

    name = pw.CharField(max_length=64)
    purpose = pw.CharField(max_length=24, default="special_period", constraints=[_in("purpose", PURPOSES)])
    method = pw.CharField(max_length=8, default="phone", constraints=[_in("method", METHODS)])
    start_date = pw.DateField()
    end_date = pw.DateField()
    created_by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=clock.now)


class Callback(BaseModel):
    """A planned contact with a customer and, once made, its recorded result (回访记录)."""

    customer = pw.ForeignKeyField(Customer, backref="callbacks", on_delete="RESTRICT")
    assigned_to = pw.ForeignKeyField(User, backref="callbacks", on_delete="RESTRICT")
    due_at = pw.DateTimeField()
    purpose = pw.CharField(max_length=24, constraints=[_in("purpose", PURPOSES)])
    method = pw.CharField(max_length=8, default="phone", constraints=[_in("method", METHODS)])
    status = pw.CharField(max_length=12, default="open", constraints=[_in("status", CALLBACK_STATUSES)])
    #: what caused it (assignment, complaint...) and when: the three-day rule counts from here
    triggered_at = pw.DateTimeField(null=True)
    #: idempotency key of rule-made callbacks: running a rule twice never duplicates one
    trigger_key = pw.CharField(max_length=96, null=True, unique=True)
    rule = pw.ForeignKeyField(CallbackRule, null=True, backref="callbacks", on_delete="RESTRICT")
    campaign = pw.ForeignKeyField(Campaign, null=True, backref="callbacks", on_delete="RESTRICT")
    #: set on a complaint's verification callback
    complaint = pw.ForeignKeyField(Complaint, null=True, backref="callbacks", on_delete="RESTRICT")
    attempts = pw.IntegerField(default=0, constraints=[pw.Check("attempts >= 0")])
    outcome = pw.CharField(max_length=16, null=True, constraints=[pw.Check(
        "outcome IS NULL OR outcome IN ('reached', 'no_answer', 'phone_off', 'wrong_number', 'refused')")])
    satisfaction = pw.CharField(max_length=12, null=True, constraints=[pw.Check(
        "satisfaction IS NULL OR satisfaction IN ('satisfied', 'average', 'unsatisfied')")])
    opinion = pw.TextField(default="")
    suggestions = pw.TextField(default="")
    duration_seconds = pw.IntegerField(null=True)
    next_step = pw.CharField(max_length=12, null=True, constraints=[pw.Check(
        "next_step IS NULL OR next_step IN ('none', 'callback', 'complaint')")])
    notes = pw.TextField(default="")
    done_at = pw.DateTimeField(null=True)
    done_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=clock.now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    version = pw.IntegerField(default=1)


Callback.add_index(Callback.index(Callback.assigned_to, Callback.status, Callback.due_at, name="callback_desk"))
Callback.add_index(Callback.index(Callback.status, Callback.due_at, name="callback_status_due"))
Callback.add_index(Callback.index(Callback.customer, Callback.due_at, name="callback_customer"))
Callback.add_index(Callback.index(Callback.complaint, name="callback_complaint"))


class CallbackAttempt(BaseModel):
    """One try at a callback (reached or not), so the form shows the attempt history."""

    callback = pw.ForeignKeyField(Callback, backref="attempt_log", on_delete="RESTRICT")
    at = pw.DateTimeField(default=clock.now)
    by = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    method = pw.CharField(max_length=8, constraints=[_in("method", METHODS)])
    outcome = pw.CharField(max_length=16, constraints=[_in("outcome", OUTCOMES)])
    note = pw.TextField(default="")


class CalendarOverride(BaseModel):
    """An official working-day schedule entry (State Council): a holiday or a make-up working day."""

    day = pw.DateField(unique=True)
    is_workday = pw.BooleanField()
    note = pw.CharField(max_length=64, default="")


class Handover(BaseModel):
    """A shift handover note (交接班记录): what the next shift must follow up."""

    author = pw.ForeignKeyField(User, backref="handovers", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=clock.now, index=True)
    body = pw.TextField()
    #: linked customers and callbacks as JSON: {"customers": [ids], "callbacks": [ids]}
    links = pw.TextField(default="{}")


class HandoverRead(BaseModel):
    """Who acknowledged which handover, and when."""

    handover = pw.ForeignKeyField(Handover, backref="reads", on_delete="CASCADE")
    user = pw.ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    read_at = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("handover", "user"), True),)
