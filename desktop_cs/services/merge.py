"""Merging duplicate customers without losing history: records re-pointed, points moved lot by lot."""
from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import (Callback, Complaint, Customer, CustomerTag, Enquiry, PointsEntry, User, database)
from desktop_cs.services import audit, customers, points
from desktop_cs.services.customers import _audit_value, _refresh_search_key, _tags_of
from desktop_cs.services.errors import ValidationError
from desktop_cs.services.permissions import LOOKUP, WORK_OWN, action, require_own

#: fields the user may take from the absorbed customer
MERGEABLE_FIELDS = ("name", "mobile", "id_number", "email", "im_id", "customer_type", "tier_id", "source",
                    "memo", "preferred_time", "registered_at", "realname_verified_at", "email_verified_at",
                    "mobile_verified_at")


@dataclass
class MergeResult:
    """What the merge moved onto the kept customer."""

    callbacks: int
    complaints: int
    enquiries: int
    points_moved: int
    awards_reversed: int


def _balance(customer_id: int) -> int:
    return PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0)).where(
        PointsEntry.customer == customer_id).scalar() or 0


@dataclass
class MergePreview:
    """What a merge of the absorbed customer into the kept one would move."""

    callbacks: int
    complaints: int
    enquiries: int
    points_balance: int
    awards_to_reverse: int


@action("customers.merge_preview", LOOKUP)
def preview(actor: User, keep_id: int, absorb_id: int) -> MergePreview:
    """Count what ``merge`` would move, without changing anything (what the customer pages show anyway)."""
    counts = {m: m.select().where(m.customer == absorb_id).count() for m in (Callback, Complaint, Enquiry)}
    kept_once = [e.once_key for e in PointsEntry.select(PointsEntry.once_key)
                 .where((PointsEntry.customer == keep_id) & PointsEntry.once_key.is_null(False))]
    doubles = (PointsEntry.select().where((PointsEntry.customer == absorb_id)
                                          & PointsEntry.once_key.in_(kept_once or [""])).count())
    return MergePreview(counts[Callback], counts[Complaint], counts[Enquiry], _balance(absorb_id), doubles)


@action("customers.merge", WORK_OWN)
def merge(actor: User, keep_id: int, absorb_id: int, take_from_absorbed: set[str] | list[str] = ()) -> MergeResult:
    """Merge ABSORB into KEEP. Fields named in TAKE_FROM_ABSORBED take the absorbed customer's value.

    The absorbed customer is not deleted: it is marked merged into the kept one and leaves
    the lists. Its callbacks, complaints and enquiries point at the kept customer (each move
    audited); its points balance moves by a merge_out drawing on its open lots and one merge_in
    lot per expiry; once-only awards both received are reversed on the absorbed side first. The audit log is never edited.
    """
    take = set(take_from_absorbed)
    unknown = take - set(MERGEABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be merged: {fields}").format(fields=", ".join(sorted(unknown))))
    if keep_id == absorb_id:
        raise ValidationError(_("Choose two different customers."))
    keep, absorbed = customers._get(keep_id), customers._get(absorb_id)
    for c in (keep, absorbed):
        if c.deleted_at or c.merged_into_id or c.erased_at:
            raise ValidationError(_("Customer {name} was deleted, erased or merged already.").format(name=c.name))
        require_own(actor, customers.can_edit(actor, c), "customers.merge",   # another's: refused and audited
                    _("You can only merge your own customers; ask your supervisor."))
    with database.atomic():
        now = clock.now()
        # 1. The absorbed customer leaves the live set first, so its mobile / ID can move.
        Customer.update(merged_into=keep_id, version=Customer.version + 1, updated_at=now).where(
            Customer.id == absorb_id).execute()
        # 2. Fields chosen from the absorbed customer.
        changes = {}
        for name in sorted(take):
            before, after = getattr(keep, name), getattr(absorbed, name)
            if before != after:
                setattr(keep, name, after)
                changes[name] = [_audit_value(name, before), _audit_value(name, after)]
        tags = sorted(set(_tags_of(keep_id)) | set(_tags_of(absorb_id)))
        existing = {t for t in _tags_of(keep_id)}
        for link in CustomerTag.select().where(CustomerTag.customer == absorb_id):
            if link.tag.name not in existing:
                CustomerTag.create(customer=keep_id, tag=link.tag_id)
        update = {Customer._meta.fields[n[:-3] if n == "tier_id" else n]: getattr(keep, n) for n in take}
        update.update({Customer.search_key: _refresh_search_key(keep, tags), Customer.updated_at: now,
                       Customer.version: Customer.version + 1})
        Customer.update(update).where(Customer.id == keep_id).execute()
        # 3. Attached records follow the kept customer, each move audited.
        moved = {}
        for model, kind in ((Callback, "callback"), (Complaint, "complaint"), (Enquiry, "enquiry")):
            ids = [r.id for r in model.select(model.id).where(model.customer == absorb_id)]
            if ids:
                model.update(customer=keep_id).where(model.id.in_(ids)).execute()
            for rid in ids:
                audit.record(actor, f"{kind}_moved", entity=kind, entity_id=rid, customer_id=keep_id,
                             details={"from_customer": absorb_id, "to_customer": keep_id})
            moved[kind] = len(ids)
        # 4. Points: once-only awards both received are taken back on the absorbed side, then what is
        #    left moves lot by lot (merge_out drawing on the open lots, merge_in lots keeping their expiry).
        balance, reversed_count = points.move_for_merge(actor, keep_id, absorb_id, now)
        details = {"absorbed": absorb_id, "kept": keep_id, "fields": changes, "moved": moved,
                   "points_moved": max(balance, 0), "awards_reversed": reversed_count}
        audit.record(actor, "customer_merged", entity="customer", entity_id=keep_id, customer_id=keep_id,
                     summary=_("{a} merged into {b}").format(a=absorbed.name, b=keep.name), details=details)
        audit.record(actor, "customer_merged", entity="customer", entity_id=absorb_id, customer_id=absorb_id,
                     summary=_("{a} merged into {b}").format(a=absorbed.name, b=keep.name), details=details)
        return MergeResult(moved["callback"], moved["complaint"], moved["enquiry"], max(balance, 0),
                           reversed_count)
