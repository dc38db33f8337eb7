"""Exports to .xlsx and .csv: customers (the archive's current filter), callbacks, complaints and the points ledger.

A supervisor's action (EXPORT), audited with what was exported and whether full values
were chosen. ID and mobile numbers are masked unless the supervisor asks for full values
(UNMASK). Formula injection is neutralised by ``spreadsheets.write_table``. The column
headers are the import's field names, so an export of customers imports back unchanged.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.models import (Callback, Complaint, ComplaintCategory, Customer, CustomerTag, PointsEntry, Tag, Tier,
                               User, database)
from desktop_cs.services import audit, labels, spreadsheets
from desktop_cs.services.customers import CustomerQuery, customer_filter
from desktop_cs.services.errors import ServiceError, ValidationError
from desktop_cs.services.masking import mask_id_number, mask_mobile, mask_phone
from desktop_cs.services.permissions import EXPORT, UNMASK, action, require

KINDS: dict[str, str] = {"customers": N_("Customers"), "callbacks": N_("Callbacks"), "complaints": N_("Complaints"),
                         "points": N_("Points ledger")}
FORMATS = ("xlsx", "csv")
TAG_SEPARATOR = "、"

Progress = Callable[[int], bool]


@dataclass
class ExportResult:
    """What was written: the file, how many rows, and whether numbers were in full."""

    path: Path
    kind: str
    rows: int
    full_values: bool
    seconds: float


def kind_label(kind: str) -> str:
    return _(KINDS[kind]) if kind in KINDS else kind


def suggested_name(kind: str, fmt: str = "xlsx", at: dt.datetime | None = None) -> str:
    """An app-made file name: ASCII only (safe on any disk and in any mail), the kind and the time."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValidationError(_("Unknown export: {kind}.{fmt}").format(kind=kind, fmt=fmt))
    stamp = (at or clock.now()).strftime("%Y%m%d-%H%M%S")
    return f"{kind}-{stamp}.{fmt}"


def target_in(folder: str | Path, kind: str, fmt: str = "xlsx") -> Path:
    """A new file in FOLDER (chosen by the user) with an app-made name; never an existing file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(_("The folder {folder} does not exist.").format(folder=folder), "folder")
    name = suggested_name(kind, fmt)
    target = folder / name
    n = 2
    while target.exists():
        target = folder / re.sub(r"\.(\w+)$", rf"-{n}.\1", name)
        n += 1
    return target


# -- the rows of each kind -------------------------------------------------------------------------

CUSTOMER_HEADER = (N_("No."), N_("Name"), N_("Mobile"), N_("ID number"), N_("Email"), N_("QQ / WeChat"), N_("Type"),
                   N_("Tier"), N_("Source"), N_("Specialist"), N_("Tags"), N_("Memo"), N_("Registered"),
                   N_("Created"))


def _customer_rows(actor: User, query: CustomerQuery, full: bool, tick: Callable[[], None]) -> Iterator[list]:
    tags: dict[int, list[str]] = {}
    for cid, name in (CustomerTag.select(CustomerTag.customer, Tag.name).join(Tag)
                      .order_by(CustomerTag.customer, Tag.name).tuples().iterator()):
        tags.setdefault(cid, []).append(name)
    select = (Customer.select(Customer.id, Customer.name, Customer.mobile, Customer.id_number, Customer.email,
                              Customer.im_id, Customer.customer_type, Tier.name, Customer.source, User.display_name,
                              Customer.memo, Customer.registered_at, Customer.created_at)
              .join(Tier, pw.JOIN.LEFT_OUTER, on=(Customer.tier == Tier.id)).switch(Customer)
              .join(User, pw.JOIN.LEFT_OUTER, on=(Customer.assigned_to == User.id))
              .where(*customer_filter(actor, query)).order_by(Customer.id))
    for (cid, name, mobile, id_number, email, im, ctype, tier, source, specialist, memo, registered,
         created) in select.tuples().iterator():
        tick()
        yield [cid, name, (mobile or "") if full else mask_mobile(mobile),
               (id_number or "") if full else mask_id_number(id_number), email or "", im or "",
               labels.label(labels.CUSTOMER_TYPES, ctype), tier or "", labels.label(labels.SOURCES, source),
               specialist or "", TAG_SEPARATOR.join(tags.get(cid, ())), memo or "", registered, created]


CALLBACK_HEADER = (N_("No."), N_("Customer No."), N_("Customer"), N_("Mobile"), N_("Due"), N_("Purpose"),
                   N_("Method"), N_("Specialist"), N_("Status"), N_("Attempts"), N_("Outcome"), N_("Satisfaction"),
                   N_("Opinion"), N_("Suggestions"), N_("Notes"), N_("Done at"), N_("Created"))


def _callback_rows(full: bool, tick: Callable[[], None]) -> Iterator[list]:
    select = (Callback.select(Callback.id, Customer.id, Customer.name, Customer.mobile, Callback.due_at,
                              Callback.purpose, Callback.method, User.display_name, Callback.status,
                              Callback.attempts, Callback.outcome, Callback.satisfaction, Callback.opinion,
                              Callback.suggestions, Callback.notes, Callback.done_at, Callback.created_at)
              .join(Customer, on=(Callback.customer == Customer.id)).switch(Callback)
              .join(User, pw.JOIN.LEFT_OUTER, on=(Callback.assigned_to == User.id)).order_by(Callback.id))
    for (cb, cid, name, mobile, due, purpose, method, specialist, status, attempts, outcome, satisfaction, opinion,
         suggestions, notes, done_at, created) in select.tuples().iterator():
        tick()
        yield [cb, cid, name, (mobile or "") if full else mask_mobile(mobile), due,
               labels.label(labels.CALLBACK_PURPOSES, purpose), labels.label(labels.CALLBACK_METHODS, method),
               specialist or "", labels.label(labels.CALLBACK_STATUSES, status), attempts,
               labels.label(labels.CALLBACK_OUTCOMES, outcome), labels.label(labels.SATISFACTIONS, satisfaction),
               opinion or "", suggestions or "", notes or "", done_at, created]


COMPLAINT_HEADER = (N_("No."), N_("Received"), N_("Customer No."), N_("Customer"), N_("Caller number"),
                    N_("Channel"), N_("Category"), N_("Severity"), N_("Description"), N_("Handler"), N_("Status"),
                    N_("Promised reply"), N_("Escalated"), N_("Resolution"), N_("Resolved"), N_("Satisfaction"),
                    N_("Closed"), N_("Compensation (points)"))


def _complaint_rows(full: bool, tick: Callable[[], None]) -> Iterator[list]:
    handler = User.alias()
    select = (Complaint.select(Complaint.id, Complaint.received_at, Customer.id, Customer.name, Complaint.caller_number,
                               Customer.mobile, Complaint.channel, ComplaintCategory.name, Complaint.severity,
                               Complaint.description, handler.display_name, Complaint.status,
                               Complaint.promised_reply_at, Complaint.escalated_at, Complaint.resolution,
                               Complaint.resolved_at, Complaint.satisfaction, Complaint.closed_at,
                               Complaint.compensation_points)
              .join(Customer, pw.JOIN.LEFT_OUTER, on=(Complaint.customer == Customer.id)).switch(Complaint)
              .join(ComplaintCategory, pw.JOIN.LEFT_OUTER, on=(Complaint.category == ComplaintCategory.id))
              .switch(Complaint).join(handler, pw.JOIN.LEFT_OUTER, on=(Complaint.handler == handler.id))
              .order_by(Complaint.id))
    for (cid, received, customer_id, name, caller, mobile, channel, category, severity, description, handler_name,
         status, promised, escalated, resolution, resolved, satisfaction, closed, points) in select.tuples().iterator():
        tick()
        number = caller or mobile or ""
        yield [cid, received, customer_id or "", name or "", number if full else mask_phone(number),
               labels.label(labels.COMPLAINT_CHANNELS, channel), category or "",
               labels.label(labels.SEVERITIES, severity), description or "", handler_name or "",
               labels.label(labels.COMPLAINT_STATUSES, status), promised, escalated, resolution or "", resolved,
               labels.label(labels.SATISFACTIONS, satisfaction), closed, points or 0]


POINTS_HEADER = (N_("No."), N_("Date"), N_("Customer No."), N_("Customer"), N_("Mobile"), N_("Kind"), N_("Points"),
                 N_("Event"), N_("Reason"), N_("Reference"), N_("Expires"), N_("Recorded by"))


def _points_rows(full: bool, tick: Callable[[], None]) -> Iterator[list]:
    select = (PointsEntry.select(PointsEntry.id, PointsEntry.created_at, Customer.id, Customer.name, Customer.mobile,
                                 PointsEntry.kind, PointsEntry.points, PointsEntry.event, PointsEntry.reason,
                                 PointsEntry.reference, PointsEntry.expires_at, User.display_name)
              .join(Customer, on=(PointsEntry.customer == Customer.id)).switch(PointsEntry)
              .join(User, pw.JOIN.LEFT_OUTER, on=(PointsEntry.created_by == User.id)).order_by(PointsEntry.id))
    for (eid, created, cid, name, mobile, kind, points, event, reason, reference, expires,
         by) in select.tuples().iterator():
        tick()
        yield [eid, created, cid, name, (mobile or "") if full else mask_mobile(mobile),
               labels.label(labels.POINTS_KINDS, kind), points, labels.label(labels.POINTS_EVENTS, event),
               reason or "", reference or "", expires, by or ""]


# -- the action ------------------------------------------------------------------------------------

class _Stop(Exception):
    pass


class ExportCancelled(ServiceError):
    """The user stopped the export; no file was left behind."""


def _query_summary(query: CustomerQuery) -> dict:
    default = CustomerQuery()
    return {f.name: getattr(query, f.name) for f in dataclasses.fields(query)
            if getattr(query, f.name) != getattr(default, f.name)}


@action("exports.export", EXPORT)
def export(actor: User, kind: str, target: str | Path, *, full_values: bool = False,
           query: CustomerQuery | None = None, progress: Progress | None = None) -> ExportResult:
    """Write KIND (customers / callbacks / complaints / points) to TARGET (.xlsx or .csv); audited.

    Customers follow QUERY (the archive's current filter; all customers when None). Full
    ID and mobile numbers only with FULL_VALUES, which needs UNMASK too. PROGRESS(rows)
    returning False stops the export; no file is left behind.
    """
    if kind not in KINDS:
        raise ValidationError(_("Unknown export: {kind}.").format(kind=kind), "kind")
    target = Path(target)
    if target.suffix.lower().lstrip(".") not in FORMATS:
        raise ValidationError(_("Choose a file name ending in .xlsx or .csv."), "file")
    if not target.parent.is_dir():
        raise ValidationError(_("The folder {folder} does not exist.").format(folder=target.parent), "file")
    if full_values:
        require(actor, UNMASK, "exports.full_values")
    start = time.perf_counter()
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if progress is not None and count % 1000 == 0 and progress(count) is False:
            raise _Stop

    if kind == "customers":
        query = query or CustomerQuery(all_customers=True)
        header, rows = CUSTOMER_HEADER, _customer_rows(actor, query, full_values, tick)
    elif kind == "callbacks":
        header, rows = CALLBACK_HEADER, _callback_rows(full_values, tick)
    elif kind == "complaints":
        header, rows = COMPLAINT_HEADER, _complaint_rows(full_values, tick)
    else:
        header, rows = POINTS_HEADER, _points_rows(full_values, tick)
    try:
        # no transaction while the file is written: a long export must not hold the write lock
        written = spreadsheets.write_table(target, [_(h) for h in header], rows, kind_label(kind))
    except _Stop:
        raise ExportCancelled(_("Stopped: no file was written.")) from None
    try:
        with database.atomic():
            audit.record(actor, "data_exported", entity="export", summary=f"{kind}: {target.name}",
                         details={"kind": kind, "rows": written, "format": target.suffix.lower().lstrip("."),
                                  "full_values": bool(full_values), "file": target.name,
                                  "filter": _query_summary(query) if kind == "customers" and query else {}})
    except BaseException:
        target.unlink(missing_ok=True)     # never an export the audit log does not know about
        raise
    return ExportResult(target, kind, written, bool(full_values), time.perf_counter() - start)
