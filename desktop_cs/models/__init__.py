"""The data layer (peewee, no Qt): every table of the four working areas, its set-up and migrations.

Conventions kept by every table:
- Dates and times are the office's local wall-clock time, naive, to the second
  (``desktop_cs.clock.now``): due times, quiet hours and "today" are local notions and
  the team works in one time zone. peewee stores them as ``YYYY-MM-DD HH:MM:SS`` text in
  SQLite and ``timestamp`` in PostgreSQL; dates alone as ``YYYY-MM-DD`` / ``date``.
- Points are signed integers; money is integer fen (1 yuan = 100 fen). Never REAL.
- Nothing with history is hard-deleted: customers are soft-deleted, merged or erased;
  the points ledger and the audit log are append-only (the database refuses changes).
- The schema changes only through the numbered migrations in ``migrations.py``.
"""
from desktop_cs.models.audit import AuditEntry
from desktop_cs.models.callback import (Callback, CallbackAttempt, CallbackRule, CalendarOverride, Campaign,
                                        Handover, HandoverRead)
from desktop_cs.models.complaint import (Complaint, ComplaintCategory, ComplaintStateChange, HarassingCall,
                                         HarassingNumber, RootCause, SeverityTarget)
from desktop_cs.models.customer import Assignment, Customer, CustomerTag, Enquiry, EnquiryTopic, Tag, Tier
from desktop_cs.models.db import BaseModel, database
from desktop_cs.models.points import PointsAdjustment, PointsAllocation, PointsEntry, PointsRule
from desktop_cs.models.setting import Setting
from desktop_cs.models.user import User

#: every table, in an order where each comes after the tables it references
ALL_MODELS: list[type[BaseModel]] = [
    User, Tier, Customer, Tag, CustomerTag, Assignment, EnquiryTopic, Enquiry,
    ComplaintCategory, RootCause, SeverityTarget, Complaint, ComplaintStateChange,
    HarassingNumber, HarassingCall,
    CallbackRule, Campaign, Callback, CallbackAttempt, CalendarOverride, Handover, HandoverRead,
    PointsRule, PointsEntry, PointsAllocation, PointsAdjustment,
    AuditEntry, Setting,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "BaseModel", "database"]
