"""Assigning customers to specialists: by hand, balanced automatically, and whole-portfolio handover."""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Assignment, Callback, Complaint, Customer, User, database
from desktop_cs.services import audit
from desktop_cs.services.errors import ValidationError
from desktop_cs.services.permissions import ASSIGN, action

_live = Customer.deleted_at.is_null() & Customer.merged_into.is_null()


def _specialist(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.active or user.role != "specialist":
        raise ValidationError(_("Choose an active specialist."), "specialist")
    return user


def _assign(actor: User, customer_ids: list[int], specialist: User, reason: str) -> int:
    """Point the customers at SPECIALIST from now on (the one-week first contact restarts)."""
    now = clock.now()
    ids = [c.id for c in Customer.select(Customer.id).where(Customer.id.in_(customer_ids) & _live
                                                            & ((Customer.assigned_to != specialist.id)
                                                               | Customer.assigned_to.is_null()))]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        Customer.update(assigned_to=specialist.id, assigned_at=now, first_contact_at=None,
                        version=Customer.version + 1).where(Customer.id.in_(chunk)).execute()
        Assignment.insert_many([{"customer": cid, "specialist": specialist.id, "assigned_by": actor.id,
                                 "assigned_at": now, "reason": reason} for cid in chunk]).execute()
    for cid in ids:
        audit.record(actor, "customer_assigned", entity="customer", entity_id=cid, customer_id=cid,
                     summary=specialist.login, details={"reason": reason})
    # the first contact within a week, as a callback (a handover moves the other open callbacks itself)
    from desktop_cs.services import callbacks
    callbacks.create_first_contact(actor, ids, specialist.id, now, move_open=reason != "handover")
    return len(ids)


@action("customers.assign", ASSIGN)
def assign(actor: User, customer_ids: list[int], specialist_id: int) -> int:
    """Assign the selected customers to one specialist; returns how many changed hands."""
    specialist = _specialist(specialist_id)
    with database.atomic():
        return _assign(actor, list(customer_ids), specialist, "manual")


@dataclass
class AutoAssignResult:
    """How many customers each specialist received, and the loads after the batch."""

    given: dict[int, int]
    loads: dict[int, int]


def _loads(specialists: list[User]) -> dict[int, int]:
    counts = dict(Customer.select(Customer.assigned_to, pw.fn.COUNT(Customer.id))
                  .where(_live & Customer.assigned_to.in_([s.id for s in specialists]))
                  .group_by(Customer.assigned_to).tuples())
    return {s.id: counts.get(s.id, 0) for s in specialists}


@action("customers.auto_assign", ASSIGN)
def auto_assign(actor: User, customer_ids: list[int] | None = None) -> AutoAssignResult:
    """Give each unassigned customer (or each of CUSTOMER_IDS) to the active specialist holding fewest.

    Balanced by number held (DOMAIN: balance the load), so loads that were equal before
    the batch differ by at most one after it.
    """
    with database.atomic():
        specialists = list(User.select().where((User.role == "specialist") & (User.active == True))  # noqa: E712
                           .order_by(User.id))
        if not specialists:
            raise ValidationError(_("There is no active specialist to assign customers to."), "specialist")
        query = Customer.select(Customer.id).where(_live).order_by(Customer.id)
        query = query.where(Customer.id.in_(customer_ids)) if customer_ids is not None else \
            query.where(Customer.assigned_to.is_null())
        ids = [c.id for c in query]
        loads = _loads(specialists)
        heap = [(loads[s.id], s.id) for s in specialists]
        heapq.heapify(heap)
        plan: dict[int, list[int]] = {s.id: [] for s in specialists}
        for cid in ids:
            load, sid = heapq.heappop(heap)
            plan[sid].append(cid)
            heapq.heappush(heap, (load + 1, sid))
        by_id = {s.id: s for s in specialists}
        for sid, chunk in plan.items():
            if chunk:
                _assign(actor, chunk, by_id[sid], "auto")
        return AutoAssignResult({sid: len(c) for sid, c in plan.items()}, _loads(specialists))


@dataclass
class HandoverResult:
    """What moved from one specialist to another."""

    customers: int
    callbacks: int
    complaints: int


@action("customers.handover", ASSIGN)
def handover(actor: User, from_id: int, to_id: int) -> HandoverResult:
    """Move all of one specialist's customers, with their open callbacks and complaints, to another."""
    if from_id == to_id:
        raise ValidationError(_("Choose two different specialists."), "specialist")
    target = _specialist(to_id)
    with database.atomic():
        ids = [c.id for c in Customer.select(Customer.id).where(_live & (Customer.assigned_to == from_id))]
        moved = _assign(actor, ids, target, "handover")
        callbacks = Callback.update(assigned_to=to_id, version=Callback.version + 1).where(
            (Callback.assigned_to == from_id) & (Callback.status == "open")).execute()
        complaints = Complaint.update(handler=to_id, version=Complaint.version + 1).where(
            (Complaint.handler == from_id) & (Complaint.status != "closed")).execute()
        audit.record(actor, "handover", entity="user", entity_id=from_id, summary=f"{from_id} -> {to_id}",
                     details={"customers": moved, "callbacks": callbacks, "complaints": complaints})
        return HandoverResult(moved, callbacks, complaints)


def specialist_loads(include_inactive: bool = False) -> list[tuple[int, str, int]]:
    """(user id, name, customers held) of every active specialist, for the assignment dialogs.

    INCLUDE_INACTIVE adds deactivated specialists who still hold customers (a handover's
    "from" side: someone who left), their name marked.
    """
    query = User.select().where(User.role == "specialist").order_by(User.display_name)
    specialists = list(query)
    loads = _loads(specialists) if specialists else {}
    return [(s.id, s.display_name if s.active else _("{name} (deactivated)").format(name=s.display_name),
             loads[s.id]) for s in specialists if s.active or (include_inactive and loads[s.id])]
