"""Points (积分): earning rules, events, redemption, adjustments, reversals, expiry, views and reconciliation.

The ledger (``PointsEntry``) is append-only and the balance is always its sum. Every
positive entry is a *lot* (earned, adjusted, moved in by a merge, or given back by a
reversal) that may expire; every negative entry (redemption, expiry, deduction, reversal,
merge out) records in ``PointsAllocation`` which lots it drew on. So for each customer

    balance = sum of entries = sum over lots of (lot points - points drawn from it)

and ``reconcile`` checks exactly that. Redemptions and deductions draw on the lots
closest to expiry first, never-expiring lots last (FEFO).

Every write runs in one transaction. On SQLite the transaction starts with BEGIN
IMMEDIATE (see ``models.db``), so the balance check and the insert of a second copy of
the program wait for the first one's commit; on another database the customer's row is
locked with SELECT ... FOR UPDATE first. The database itself refuses a negative balance,
an over-drawn lot, a second reversal, a second once-only award and a repeated reference.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.models import sql
from desktop_cs.models import (Complaint, Customer, PointsAdjustment, PointsAllocation, PointsEntry, PointsRule, User,
                               database)
from desktop_cs.models.points import EVENTS, ONCE_ONLY_EVENTS, RULE_MODES
from desktop_cs.services import audit, labels, team_settings
from desktop_cs.services.errors import Conflict, FormErrors, NotFound, PermissionDenied, ValidationError
from desktop_cs.services.permissions import (ACTIONS, APPROVE_POINTS, EDIT_SETTINGS, LOOKUP, REPORTS, WORK_ANY,
                                             WORK_OWN, action, allowed, require, require_own)

#: team setting: adjustments (and reversals) of more points than this need a supervisor
ADJUSTMENT_THRESHOLD = "points_adjustment_threshold"
DEFAULT_ADJUSTMENT_THRESHOLD = 500
#: events whose points depend on an amount (and that need an external reference)
PER_AMOUNT_EVENTS = ("recharge", "investment")
#: when the referrer of a customer is paid (the referral rule's condition); the first is the default
REFERRAL_CONDITIONS = ("referred_realname", "referred_registered", "none")
#: customer column whose first setting is the event
VERIFICATION_EVENTS = {"registered_at": "registration", "realname_verified_at": "realname",
                       "email_verified_at": "email_verified", "mobile_verified_at": "mobile_verified"}
MAX_POINTS = 10_000_000
MAX_AMOUNT_FEN = 100_000_000_000      # one billion yuan
MAX_VALIDITY_DAYS = 3650
MAX_REFERENCE = 64
EXPIRING_SOON_DAYS = 30


# --- small helpers -------------------------------------------------------------------------------

def _int(value, field_name: str, what: str, *, minimum: int, maximum: int) -> int:
    """VALUE as an integer within [MINIMUM, MAXIMUM], or a ValidationError naming FIELD_NAME."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("{what} must be a whole number.").format(what=what), field_name)
    if value < minimum or value > maximum:
        raise ValidationError(_("{what} must be between {low} and {high}.").format(
            what=what, low=minimum, high=maximum), field_name)
    return value


def _reference(value: str | None, field_name: str = "reference", *, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(_("Enter the reference (e.g. the order or investment number)."), field_name)
        return None
    if len(text) > MAX_REFERENCE:
        raise ValidationError(_("The reference is too long ({n} characters at most).").format(n=MAX_REFERENCE),
                              field_name)
    return text


def _yuan(fen: int) -> str:
    """Fen as yuan text: 123456 -> "1234.56", 100000 -> "1000"."""
    yuan, rest = divmod(abs(fen), 100)
    text = f"{yuan}" if rest == 0 else f"{yuan}.{rest:02d}"
    return f"-{text}" if fen < 0 else text


def _names() -> dict[int, str]:
    return dict(User.select(User.id, User.display_name).tuples())


def _event_label(event: str | None) -> str:
    return labels.label(labels.POINTS_EVENTS, event)


def adjustment_threshold() -> int:
    """Adjustments and reversals of more points than this (absolute value) need a supervisor (default 500)."""
    value = team_settings.get(ADJUSTMENT_THRESHOLD, DEFAULT_ADJUSTMENT_THRESHOLD)
    return value if isinstance(value, int) and not isinstance(value, bool) else DEFAULT_ADJUSTMENT_THRESHOLD


@action("points.set_threshold", EDIT_SETTINGS)
def set_adjustment_threshold(actor: User, points: int) -> None:
    """Change the approval threshold of manual adjustments (audited as a setting change)."""
    points = _int(points, "threshold", _("The approval threshold"), minimum=0, maximum=MAX_POINTS)
    team_settings.put(actor, ADJUSTMENT_THRESHOLD, points)


def _lock_customer(customer_id: int, *, new_business: bool = True) -> Customer:
    """The customer, locked for this transaction (FOR UPDATE where the database has it; SQLite holds the
    whole database with BEGIN IMMEDIATE already). NEW_BUSINESS refuses deleted and erased customers."""
    customer = sql.for_update(Customer.select().where(Customer.id == customer_id)).first()
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    if customer.merged_into_id:
        raise ValidationError(_("Customer {name} was merged into customer No. {id}; use that customer.").format(
            name=customer.name, id=customer.merged_into_id))
    if new_business and (customer.deleted_at or customer.erased_at):
        raise ValidationError(_("Customer {name} was deleted or erased.").format(name=customer.name))
    return customer


def _check_own(actor: User, customer: Customer, name: str, complaint_id: int | None = None) -> None:
    """A specialist changes the points of their own customers (or compensates on a complaint they handle);
    anyone else's need a supervisor. Refusals are audited."""
    own = customer.assigned_to_id == actor.id
    if not own and complaint_id is not None:
        own = Complaint.select().where((Complaint.id == complaint_id) & (Complaint.handler == actor.id)
                                       & (Complaint.customer == customer.id)).exists()
    require_own(actor, own, name, _("Only the customer's own specialist or a supervisor changes their points."))


def _balance(customer_id: int) -> int:
    return PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0)).where(
        PointsEntry.customer == customer_id).scalar() or 0


@dataclass
class _Lot:
    id: int
    points: int
    drawn: int
    expires_at: dt.datetime | None
    kind: str
    event: str | None
    created_at: dt.datetime

    @property
    def remaining(self) -> int:
        return self.points - self.drawn


def _fefo_key(lot: _Lot):
    """First expiring first, never-expiring last, older lots before newer ones."""
    return (lot.expires_at is None, lot.expires_at or dt.datetime.max, lot.id)


def _lots(customer_id: int) -> list[_Lot]:
    """Every lot (positive entry) of the customer with what was drawn from it, FEFO order."""
    drawn = dict(PointsAllocation.select(PointsAllocation.lot, pw.fn.SUM(PointsAllocation.points))
                 .join(PointsEntry, on=(PointsAllocation.lot == PointsEntry.id))
                 .where(PointsEntry.customer == customer_id).group_by(PointsAllocation.lot).tuples())
    lots = [_Lot(i, p, drawn.get(i, 0), e, k, ev, c) for i, p, e, k, ev, c in
            PointsEntry.select(PointsEntry.id, PointsEntry.points, PointsEntry.expires_at, PointsEntry.kind,
                               PointsEntry.event, PointsEntry.created_at)
            .where((PointsEntry.customer == customer_id) & (PointsEntry.points > 0)).tuples()]
    lots.sort(key=_fefo_key)
    return lots


def _open_lots(customer_id: int, now: dt.datetime) -> list[_Lot]:
    """Lots with points left that have not expired at NOW, FEFO order."""
    return [lot for lot in _lots(customer_id)
            if lot.remaining > 0 and (lot.expires_at is None or lot.expires_at > now)]


def _draw(entry_id: int, lots: list[_Lot], amount: int, first: int | None = None) -> list[tuple[int, int]]:
    """Record that entry ENTRY_ID takes AMOUNT points from LOTS (FEFO; lot FIRST before the others).

    Returns the (lot id, points) pairs written. LOTS are updated in place.
    """
    order = sorted(lots, key=lambda lot: (lot.id != first, *_fefo_key(lot)))
    taken: list[tuple[int, int]] = []
    for lot in order:
        if amount <= 0:
            break
        take = min(lot.remaining, amount)
        if take > 0:
            taken.append((lot.id, take))
            lot.drawn += take
            amount -= take
    if amount > 0:
        # the ledger and its lots disagree (reconcile names the cause); never write a half-drawn entry
        raise Conflict(_("The points ledger of this customer is inconsistent; run \"Check points\"."))
    if taken:
        PointsAllocation.insert_many([{"entry": entry_id, "lot": lot_id, "points": points}
                                      for lot_id, points in taken]).execute()
    return taken


def _write_negative(customer_id: int, kind: str, points: int, lots: list[_Lot], *, first: int | None = None,
                    **fields) -> tuple[PointsEntry, list[tuple[int, int]]]:
    """Append a negative entry of POINTS (> 0) and its allocations; the database re-checks the balance."""
    entry = PointsEntry.create(customer=customer_id, kind=kind, points=-points, **fields)
    return entry, _draw(entry.id, lots, points, first)


def _expire_customer(customer_id: int, now: dt.datetime, actor: User | None = None) -> tuple[int, int]:
    """Write expire entries for the customer's lots past their expiry; (entries, points)."""
    lots = _lots(customer_id)
    due = [lot for lot in lots if lot.remaining > 0 and lot.expires_at is not None and lot.expires_at <= now]
    if not due:
        return 0, 0
    balance = _balance(customer_id)
    count = total = 0
    for lot in due:
        points = min(lot.remaining, balance)     # never below zero, even on an inconsistent ledger
        if points <= 0:
            continue
        entry = PointsEntry.create(
            customer=customer_id, kind="expire", points=-points, created_at=now, created_by=actor,
            reason=_("Expired (valid until {date})").format(date=lot.expires_at.strftime("%Y-%m-%d")))
        PointsAllocation.create(entry=entry.id, lot=lot.id, points=points)
        lot.drawn += points
        balance -= points
        count += 1
        total += points
    return count, total


# --- rules ---------------------------------------------------------------------------------------

@dataclass
class RuleRow:
    """One earning rule as the rules table shows it."""

    event: str
    event_label: str
    mode: str
    points: int
    per_amount_fen: int
    validity_days: int
    condition: str
    active: bool
    once_only: bool
    updated_at: dt.datetime | None
    updated_by: str


@dataclass
class RuleInput:
    """What the rules table sends for one event."""

    event: str
    mode: str = "fixed"
    points: int = 0
    per_amount_fen: int = 0
    validity_days: int = 0
    condition: str = ""
    active: bool = True


def _rule(event: str) -> PointsRule | None:
    return PointsRule.get_or_none(PointsRule.event == event)


def describe_rule(row: RuleRow | PointsRule) -> str:
    """"50 points", "1 point per 100 yuan" — the rule in words."""
    if row.mode == "per_amount":
        return ngettext("{n} point per {yuan} yuan", "{n} points per {yuan} yuan", row.points).format(
            n=row.points, yuan=_yuan(row.per_amount_fen))
    return ngettext("{n} point", "{n} points", row.points).format(n=row.points)


@action("points.rules", LOOKUP)
def list_rules(actor: User) -> list[RuleRow]:
    """The earning rule of every event, in the order of the events."""
    names = _names()
    rules = {r.event: r for r in PointsRule.select()}
    out = []
    for event in EVENTS:
        r = rules.get(event)
        if r is None:
            out.append(RuleRow(event, _event_label(event), "fixed", 0, 0, 0, "", False, event in ONCE_ONLY_EVENTS,
                               None, ""))
            continue
        condition = r.condition or ("referred_realname" if event == "referral" else "")
        out.append(RuleRow(event, _event_label(event), r.mode, r.points, r.per_amount_fen, r.validity_days,
                           condition, bool(r.active), event in ONCE_ONLY_EVENTS, r.updated_at,
                           names.get(r.updated_by_id, "")))
    return out


def _check_rule(data: RuleInput) -> None:
    errors: dict[str, str] = {}
    if data.event not in EVENTS:
        raise ValidationError(_("Unknown event {event}.").format(event=data.event), "event")

    def attempt(name, fn):
        try:
            fn()
        except ValidationError as exc:
            errors[name] = exc.message

    if data.mode not in RULE_MODES:
        errors["mode"] = _("Choose how the points are computed.")
    elif data.mode == "per_amount" and data.event not in PER_AMOUNT_EVENTS:
        errors["mode"] = _("Only recharge and investment can earn points per amount.")
    attempt("points", lambda: _int(data.points, "points", _("The points"), minimum=0, maximum=MAX_POINTS))
    if data.mode == "per_amount":
        attempt("per_amount_fen", lambda: _int(data.per_amount_fen, "per_amount_fen", _("The amount per step"),
                                               minimum=1, maximum=MAX_AMOUNT_FEN))
    attempt("validity_days", lambda: _int(data.validity_days, "validity_days", _("The validity in days"),
                                          minimum=0, maximum=MAX_VALIDITY_DAYS))
    if data.event == "referral":
        if data.condition not in REFERRAL_CONDITIONS:
            errors["condition"] = _("Choose when the referrer is paid.")
    elif data.condition:
        errors["condition"] = _("Only the referral rule has a condition.")
    if errors:
        raise FormErrors(errors)


@action("points.save_rule", EDIT_SETTINGS)
def save_rule(actor: User, data: RuleInput) -> bool:
    """Change one earning rule; the change is audited before → after. False when nothing changed.

    A rule change applies to events recorded from now on; points already awarded stay.
    """
    _check_rule(data)
    with database.atomic():
        rule = _rule(data.event)
        new = {"mode": data.mode, "points": data.points,
               "per_amount_fen": data.per_amount_fen if data.mode == "per_amount" else 0,
               "validity_days": data.validity_days, "condition": data.condition, "active": bool(data.active)}
        old = ({k: (bool(getattr(rule, k)) if k == "active" else getattr(rule, k)) for k in new}
               if rule else {k: None for k in new})
        changes = {k: [old[k], v] for k, v in new.items() if old[k] != v}
        if not changes:
            return False
        now = clock.now()
        if rule is None:
            PointsRule.create(event=data.event, updated_at=now, updated_by=actor, **new)
        else:
            PointsRule.update(updated_at=now, updated_by=actor, **new).where(PointsRule.id == rule.id).execute()
        audit.record(actor, "points_rule_changed", entity="points_rule", entity_id=rule.id if rule else None,
                     summary=data.event, details={"changes": changes})
        return True


# --- earning -------------------------------------------------------------------------------------

#: EventResult.status values
AWARDED = "awarded"
ALREADY_AWARDED = "already_awarded"
WAITING = "waiting"            # referral: the referred customer does not meet the condition yet
INACTIVE = "inactive"          # the rule is switched off
NO_POINTS = "no_points"        # the rule gives nothing for this amount


@dataclass
class EventResult:
    """What recording an event did; MESSAGE says it in words for the user."""

    status: str
    customer_id: int            # who earned (the referrer, for a referral)
    points: int
    entry_id: int | None
    message: str

    @property
    def awarded(self) -> bool:
        return self.status == AWARDED


def _points_for(rule: PointsRule, amount_fen: int | None) -> int:
    if rule.mode == "per_amount":
        if not rule.per_amount_fen:
            return 0
        return rule.points * ((amount_fen or 0) // rule.per_amount_fen)
    return rule.points


def _award(actor: User | None, customer: Customer, event: str, *, amount_fen: int | None = None,
           reference: str | None = None, once_key: str | None = None, reason: str | None = None,
           now: dt.datetime | None = None) -> EventResult:
    """Write the award of EVENT for CUSTOMER under its rule (inside the caller's transaction)."""
    now = now or clock.now()
    label = _event_label(event)
    if once_key is None and event in ONCE_ONLY_EVENTS:
        once_key = event
    if once_key is not None:
        earlier = PointsEntry.get_or_none((PointsEntry.customer == customer.id) & (PointsEntry.once_key == once_key))
        if earlier is not None:
            return EventResult(ALREADY_AWARDED, customer.id, 0, earlier.id, _(
                "{event} points were already awarded to {name} on {date} (entry No. {id}); "
                "they are awarded only once.").format(event=label, name=customer.name,
                                                      date=earlier.created_at.strftime("%Y-%m-%d"), id=earlier.id))
    if reference is not None:
        earlier = PointsEntry.get_or_none((PointsEntry.kind == "earn") & (PointsEntry.reference == reference))
        if earlier is not None:
            raise ValidationError(_("Reference {reference} was recorded already (entry No. {id} of {date}); "
                                    "it is never counted twice.").format(
                reference=reference, id=earlier.id, date=earlier.created_at.strftime("%Y-%m-%d")), "reference")
    rule = _rule(event)
    if rule is None or not rule.active:
        return EventResult(INACTIVE, customer.id, 0, None, _(
            "The rule for {event} is switched off; no points were awarded.").format(event=label))
    points = _points_for(rule, amount_fen)
    if points <= 0:
        if rule.mode == "per_amount":
            message = _("{amount} yuan earns no points ({rule}).").format(amount=_yuan(amount_fen or 0),
                                                                         rule=describe_rule(rule))
        else:
            message = _("The rule for {event} gives no points.").format(event=label)
        return EventResult(NO_POINTS, customer.id, 0, None, message)
    if reason is None:
        reason = (_("{event} award ({amount} yuan)").format(event=label, amount=_yuan(amount_fen))
                  if rule.mode == "per_amount" else _("{event} award").format(event=label))
    expires = now + dt.timedelta(days=rule.validity_days) if rule.validity_days else None
    try:
        with database.atomic():
            entry = PointsEntry.create(customer=customer.id, kind="earn", points=points, created_at=now,
                                       created_by=actor, reason=reason, event=event, rule=rule.id,
                                       reference=reference, once_key=once_key, expires_at=expires)
    except pw.IntegrityError:
        # the database's own guard (once per customer, reference once): another copy of the program was first
        raise Conflict(_("This event was recorded at the same moment by someone else; nothing was added."))
    audit.record(actor, "points_awarded", entity="points_entry", entity_id=entry.id, customer_id=customer.id,
                 summary=reason, details={"event": event, "points": points, "amount_fen": amount_fen,
                                          "reference": reference, "once_key": once_key,
                                          "expires_at": expires.isoformat() if expires else None})
    return EventResult(AWARDED, customer.id, points, entry.id, ngettext(
        "{name} earned {n} point: {reason}.", "{name} earned {n} points: {reason}.", points).format(
        name=customer.name, n=points, reason=reason))


def _referral_condition() -> tuple[PointsRule | None, str]:
    rule = _rule("referral")
    condition = (rule.condition if rule else "") or "referred_realname"
    return rule, condition if condition in REFERRAL_CONDITIONS else "referred_realname"


def _condition_met(referred: Customer, condition: str) -> bool:
    if condition == "referred_realname":
        return referred.realname_verified_at is not None
    if condition == "referred_registered":
        return referred.registered_at is not None
    return True


def _live_referrer(customer_id: int) -> Customer | None:
    """The referrer, following merges to the customer that absorbed it; None when deleted or erased."""
    seen = set()
    customer = Customer.get_or_none(Customer.id == customer_id)
    while customer is not None and customer.merged_into_id and customer.id not in seen:
        seen.add(customer.id)
        customer = Customer.get_or_none(Customer.id == customer.merged_into_id)
    if customer is None or customer.deleted_at or customer.erased_at or customer.merged_into_id:
        return None
    return customer


def _settle_referral(actor: User | None, referred: Customer, now: dt.datetime | None = None) -> EventResult | None:
    """Pay REFERRED's referrer if the referral rule's condition is met and it was not paid yet."""
    if not referred.referred_by_id:
        return None
    rule, condition = _referral_condition()
    referrer = _live_referrer(referred.referred_by_id)
    if referrer is None:
        return EventResult(INACTIVE, referred.referred_by_id, 0, None, _(
            "The referring customer was deleted or erased; no referral points were awarded."))
    if not _condition_met(referred, condition):
        return EventResult(WAITING, referrer.id, 0, None, _(
            "{referrer} is paid for referring {name} {condition}.").format(
            referrer=referrer.name, name=referred.name,
            condition=labels.label(labels.REFERRAL_CONDITIONS, condition)))
    return _award(actor, referrer, "referral", once_key=f"referral:{referred.id}", now=now,
                  reason=_("Referral of {name} (No. {id})").format(name=referred.name, id=referred.id))


@action("points.record_event", WORK_OWN)
def record_event(actor: User, customer_id: int, event: str, amount_fen: int | None = None,
                 reference: str | None = None, referred_id: int | None = None) -> EventResult:
    """Record that EVENT happened for the customer; its rule writes the ledger entry.

    Recharge and investment need the amount (fen) and an external reference; the same
    reference is refused a second time. Once-only events (registration and the three
    verifications) award at most once per customer: a second time returns
    ``already_awarded`` and writes nothing. A referral names the referred customer
    (REFERRED_ID, who must have been referred by this customer in the archive); the
    referrer is paid once the referred customer meets the rule's condition.
    """
    if event not in EVENTS:
        raise ValidationError(_("Choose the event."), "event")
    reference = _reference(reference, required=event in PER_AMOUNT_EVENTS)
    if event in PER_AMOUNT_EVENTS:
        if amount_fen is None:
            raise ValidationError(_("Enter the amount."), "amount")
        amount_fen = _int(amount_fen, "amount", _("The amount"), minimum=1, maximum=MAX_AMOUNT_FEN)
    else:
        amount_fen = None
    with database.atomic():
        customer = _lock_customer(customer_id)
        _check_own(actor, customer, "points.record_event")
        if event != "referral":
            return _award(actor, customer, event, amount_fen=amount_fen, reference=reference)
        if referred_id is None:
            raise ValidationError(_("Choose the customer who was referred."), "referred_id")
        referred = Customer.get_or_none(Customer.id == referred_id)
        if referred is None or _live_referrer(referred.referred_by_id or 0) is None \
                or _live_referrer(referred.referred_by_id).id != customer.id:
            raise ValidationError(_("That customer was not referred by {name}: record the referral in the "
                                    "customer archive (source: referral, referred by).").format(name=customer.name),
                                  "referred_id")
        return _settle_referral(actor, referred)


@dataclass
class ReferredRow:
    """A customer this customer referred, and whether the referral has been paid."""

    id: int
    name: str
    condition_met: bool
    paid: bool


@action("points.referred_customers", LOOKUP)
def referred_customers(actor: User, customer_id: int) -> list[ReferredRow]:
    """The customers CUSTOMER_ID referred (for recording a referral by hand)."""
    condition = _referral_condition()[1]
    paid = {k for (k,) in PointsEntry.select(PointsEntry.once_key).where(
        (PointsEntry.customer == customer_id) & PointsEntry.once_key.startswith("referral:")).tuples()}
    return [ReferredRow(c.id, c.name, _condition_met(c, condition), f"referral:{c.id}" in paid)
            for c in Customer.select().where((Customer.referred_by == customer_id) & Customer.merged_into.is_null())
            .order_by(Customer.id)]


def on_customer_saved(actor: User | None, customer_id: int, before: dict | None) -> list[EventResult]:
    """The archive's hook: award what a create or an edit made happen (inside the archive's transaction).

    BEFORE holds the customer's ``registered_at``, ``*_verified_at`` and ``referred_by_id``
    before the save (None for a new customer). A timestamp that became set is the event
    (registration, real-name, email, mobile); each awards once per customer whatever is
    clicked or imported. When this customer is a referred one and meets the referral
    condition (or its referrer was just named), the referrer is paid, once.
    """
    customer = Customer.get_by_id(customer_id)
    before = before or {}
    results = []
    now = clock.now()
    for column, event in VERIFICATION_EVENTS.items():
        if getattr(customer, column) is not None and before.get(column) is None:
            results.append(_award(actor, customer, event, now=now))
    referral_touched = (not before or before.get("referred_by_id") != customer.referred_by_id
                        or any(before.get(c) is None and getattr(customer, c) is not None
                               for c in ("realname_verified_at", "registered_at")))
    if customer.referred_by_id and referral_touched:
        result = _settle_referral(actor, customer, now)
        if result is not None:
            results.append(result)
    return results


# --- redemption ----------------------------------------------------------------------------------

@dataclass
class Allocation:
    """How many points an entry took from one lot."""

    lot_id: int
    points: int
    expires_at: dt.datetime | None


@dataclass
class RedeemResult:
    """The redemption written: its entry, the balance left and the lots it drew on."""

    entry_id: int
    points: int
    balance: int
    allocations: list[Allocation]


@action("points.redeem", WORK_OWN)
def redeem(actor: User, customer_id: int, points: int, investment_reference: str) -> RedeemResult:
    """Use POINTS toward the investment INVESTMENT_REFERENCE at 1 point = 1 yuan (never cash, never transferred).

    Refused over the available balance, with the balance in the message. Lots closest to
    expiry are used first, never-expiring lots last; lots past their expiry are expired
    first, so they are never spent.
    """
    points = _int(points, "points", _("The points to use"), minimum=1, maximum=MAX_POINTS)
    reference = _reference(investment_reference, "investment_reference", required=True)
    with database.atomic():
        customer = _lock_customer(customer_id)
        _check_own(actor, customer, "points.redeem")
        now = clock.now()
        if PointsEntry.select().where((PointsEntry.kind == "redeem") & (PointsEntry.reference == reference)).exists():
            raise ValidationError(_("Points were used toward investment {reference} already.").format(
                reference=reference), "investment_reference")
        _expire_customer(customer.id, now, actor)
        lots = _open_lots(customer.id, now)
        available = min(sum(lot.remaining for lot in lots), _balance(customer.id))
        if points > available:
            raise ValidationError(ngettext(
                "{name} has only {balance} point available; {n} cannot be used.",
                "{name} has only {balance} points available; {n} cannot be used.", available).format(
                name=customer.name, balance=available, n=points), "points")
        reason = _("Used toward investment {reference}: {n} points = {yuan} yuan").format(
            reference=reference, n=points, yuan=points)
        entry, taken = _write_negative(customer.id, "redeem", points, lots, created_at=now, created_by=actor,
                                       reason=reason, reference=reference)
        expiry = {lot.id: lot.expires_at for lot in lots}
        audit.record(actor, "points_redeemed", entity="points_entry", entity_id=entry.id, customer_id=customer.id,
                     summary=reason, details={"points": points, "reference": reference,
                                              "lots": [[lot_id, n] for lot_id, n in taken]})
        return RedeemResult(entry.id, points, available - points,
                            [Allocation(lot_id, n, expiry.get(lot_id)) for lot_id, n in taken])


# --- adjustments ---------------------------------------------------------------------------------

@dataclass
class AdjustmentResult:
    """A manual adjustment: written at once (approved) or waiting for a supervisor (pending)."""

    adjustment_id: int
    status: str
    entry_id: int | None
    points: int
    message: str


def _write_adjustment(actor: User | None, adj: PointsAdjustment, customer: Customer,
                      now: dt.datetime) -> PointsEntry:
    """Append the ledger entry of an approved adjustment (a lot when positive, drawn FEFO when negative)."""
    fields = dict(created_at=now, created_by=actor, reason=adj.reason, complaint=adj.complaint_id)
    if adj.points > 0:
        return PointsEntry.create(customer=customer.id, kind="adjust", points=adj.points, **fields)
    _expire_customer(customer.id, now, actor)
    lots = _open_lots(customer.id, now)
    available = min(sum(lot.remaining for lot in lots), _balance(customer.id))
    if -adj.points > available:
        raise ValidationError(ngettext(
            "{name} has only {balance} point available; {n} cannot be deducted.",
            "{name} has only {balance} points available; {n} cannot be deducted.", available).format(
            name=customer.name, balance=available, n=-adj.points), "points")
    entry, _taken = _write_negative(customer.id, "adjust", -adj.points, lots, **fields)
    return entry


@action("points.request_adjustment", WORK_OWN)
def request_adjustment(actor: User, customer_id: int, points: int, reason: str,
                       complaint_id: int | None = None) -> AdjustmentResult:
    """A manual adjustment (positive adds, negative deducts) with its reason.

    Up to the threshold (a team setting, default 500 points, absolute value) it is written
    at once; above it, it waits for a supervisor's approval and writes nothing until then.
    COMPLAINT_ID links a compensation to its complaint.
    """
    errors = {}
    try:
        points = _int(points, "points", _("The points"), minimum=-MAX_POINTS, maximum=MAX_POINTS)
        if points == 0:
            errors["points"] = _("Enter the points to add (positive) or deduct (negative).")
    except ValidationError as exc:
        errors["points"] = exc.message
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Give the reason for the adjustment.")
    elif len(reason) > 500:
        errors["reason"] = _("The reason is too long (500 characters at most).")
    if errors:
        raise FormErrors(errors)
    if complaint_id is not None and not Complaint.select().where(Complaint.id == complaint_id).exists():
        raise ValidationError(_("Complaint {id} does not exist.").format(id=complaint_id), "complaint")
    threshold = adjustment_threshold()
    with database.atomic():
        customer = _lock_customer(customer_id)
        _check_own(actor, customer, "points.request_adjustment", complaint_id)
        now = clock.now()
        if points < 0:
            available = min(sum(lot.remaining for lot in _open_lots(customer.id, now)), _balance(customer.id))
            if -points > available:
                raise ValidationError(ngettext(
                    "{name} has only {balance} point available; {n} cannot be deducted.",
                    "{name} has only {balance} points available; {n} cannot be deducted.", available).format(
                    name=customer.name, balance=available, n=-points), "points")
        adj = PointsAdjustment.create(customer=customer.id, points=points, reason=reason, status="pending",
                                      requested_by=actor, requested_at=now, complaint=complaint_id)
        entry = None
        if abs(points) <= threshold:
            entry = _write_adjustment(actor, adj, customer, now)
            PointsAdjustment.update(status="approved", decided_by=actor, decided_at=now, entry=entry.id).where(
                PointsAdjustment.id == adj.id).execute()
        status = "approved" if entry else "pending"
        audit.record(actor, "points_adjustment_requested", entity="points_adjustment", entity_id=adj.id,
                     customer_id=customer.id, summary=reason,
                     details={"points": points, "status": status, "threshold": threshold,
                              "entry": entry.id if entry else None, "complaint": complaint_id})
        if entry:
            message = _("The adjustment of {points:+d} points was written.").format(points=points)
        else:
            message = _("The adjustment of {points:+d} points is above {threshold} points and waits for a "
                        "supervisor's approval.").format(points=points, threshold=threshold)
        return AdjustmentResult(adj.id, status, entry.id if entry else None, points, message)


def _pending(adjustment_id: int) -> PointsAdjustment:
    adj = PointsAdjustment.get_or_none(PointsAdjustment.id == adjustment_id)
    if adj is None:
        raise NotFound(_("Adjustment {id} does not exist.").format(id=adjustment_id))
    if adj.status != "pending":
        who = adj.decided_by.display_name if adj.decided_by_id else _("another user")
        raise Conflict(_("This adjustment was {status} already by {who}.").format(
            status=labels.label(labels.ADJUSTMENT_STATUSES, adj.status), who=who))
    return adj


@action("points.approve_adjustment", APPROVE_POINTS)
def approve_adjustment(actor: User, adjustment_id: int) -> AdjustmentResult:
    """A supervisor approves a pending adjustment: its ledger entry is written now."""
    with database.atomic():
        adj = _pending(adjustment_id)
        customer = _lock_customer(adj.customer_id, new_business=False)
        adj = _pending(adjustment_id)       # re-read under the lock
        now = clock.now()
        entry = _write_adjustment(actor, adj, customer, now)
        done = PointsAdjustment.update(status="approved", decided_by=actor, decided_at=now, entry=entry.id).where(
            (PointsAdjustment.id == adj.id) & (PointsAdjustment.status == "pending")).execute()
        if done != 1:
            raise Conflict(_("This adjustment was decided by someone else meanwhile."))
        audit.record(actor, "points_adjustment_approved", entity="points_adjustment", entity_id=adj.id,
                     customer_id=customer.id, summary=adj.reason, details={"points": adj.points, "entry": entry.id})
        return AdjustmentResult(adj.id, "approved", entry.id, adj.points, _(
            "The adjustment of {points:+d} points was approved and written.").format(points=adj.points))


@action("points.reject_adjustment", APPROVE_POINTS)
def reject_adjustment(actor: User, adjustment_id: int, reason: str = "") -> AdjustmentResult:
    """A supervisor rejects a pending adjustment: nothing is written to the ledger."""
    with database.atomic():
        adj = _pending(adjustment_id)
        now = clock.now()
        done = PointsAdjustment.update(status="rejected", decided_by=actor, decided_at=now).where(
            (PointsAdjustment.id == adj.id) & (PointsAdjustment.status == "pending")).execute()
        if done != 1:
            raise Conflict(_("This adjustment was decided by someone else meanwhile."))
        audit.record(actor, "points_adjustment_rejected", entity="points_adjustment", entity_id=adj.id,
                     customer_id=adj.customer_id, summary=(reason or "").strip(),
                     details={"points": adj.points, "request": adj.reason})
        return AdjustmentResult(adj.id, "rejected", None, adj.points, _(
            "The adjustment of {points:+d} points was rejected.").format(points=adj.points))


@dataclass
class AdjustmentRow:
    """One adjustment request as the lists show it."""

    id: int
    customer_id: int
    customer_name: str
    points: int
    reason: str
    status: str
    status_label: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    entry_id: int | None
    complaint_id: int | None


def _adjustment_rows(query, names: dict[int, str]) -> list[AdjustmentRow]:
    return [AdjustmentRow(a.id, a.customer_id, a.customer.name, a.points, a.reason, a.status,
                          labels.label(labels.ADJUSTMENT_STATUSES, a.status), names.get(a.requested_by_id, ""),
                          a.requested_at, names.get(a.decided_by_id, ""), a.decided_at, a.entry_id, a.complaint_id)
            for a in query]


@action("points.pending_adjustments", LOOKUP)
def pending_adjustments(actor: User, customer_id: int | None = None) -> list[AdjustmentRow]:
    """Adjustments waiting for approval (of one customer, or of the whole team), oldest first."""
    query = (PointsAdjustment.select(PointsAdjustment, Customer).join(Customer)
             .where(PointsAdjustment.status == "pending").order_by(PointsAdjustment.requested_at, PointsAdjustment.id))
    if customer_id is not None:
        query = query.where(PointsAdjustment.customer == customer_id)
    return _adjustment_rows(query, _names())


# --- reversal ------------------------------------------------------------------------------------

@action("points.reverse", WORK_OWN)
def reverse(actor: User, entry_id: int, reason: str) -> int:
    """Correct a mistaken entry by a reversal entry pointing at it; returns the reversal's id.

    An entry is reversed at most once (the database refuses a second reversal). An earned
    or added lot is reversed only while none of its points were used or expired: reverse
    the redemption first, or make an adjustment. Reversing a redemption or a deduction
    gives the points back as a lot that expires like the latest lot it drew on (never,
    if one of them never expires). Expiry and merge entries are not reversed. Reversing
    more points than the adjustment threshold needs a supervisor.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the reversal."), "reason")
    with database.atomic():
        entry = PointsEntry.get_or_none(PointsEntry.id == entry_id)
        if entry is None:
            raise NotFound(_("Ledger entry {id} does not exist.").format(id=entry_id))
        customer = _lock_customer(entry.customer_id, new_business=False)
        _check_own(actor, customer, "points.reverse")
        if entry.kind == "reverse":
            raise ValidationError(_("A reversal cannot be reversed; make an adjustment instead."))
        if entry.kind in ("expire", "merge_out", "merge_in"):
            raise ValidationError(_("Expiry and merge entries cannot be reversed; make an adjustment instead."))
        earlier = PointsEntry.get_or_none(PointsEntry.reverses == entry.id)
        if earlier is not None:
            raise ValidationError(_("Entry No. {id} was reversed already (entry No. {rid} of {date}).").format(
                id=entry.id, rid=earlier.id, date=earlier.created_at.strftime("%Y-%m-%d")))
        threshold = adjustment_threshold()
        if abs(entry.points) > threshold and not allowed(actor, APPROVE_POINTS):
            try:
                require(actor, APPROVE_POINTS, "points.reverse")
            except PermissionDenied:
                raise PermissionDenied(_("Reversing more than {n} points needs a supervisor.").format(
                    n=threshold)) from None
        now = clock.now()
        text = _("Reversal of entry No. {id}: {reason}").format(id=entry.id, reason=reason)
        if entry.points > 0:
            lots = _lots(customer.id)
            lot = next(lot for lot in lots if lot.id == entry.id)
            if lot.drawn > 0:
                raise ValidationError(_("{used} of the {points} points of entry No. {id} were used or expired "
                                        "already, so it cannot be reversed. Reverse the redemption first, or "
                                        "make an adjustment for the rest.").format(
                    used=lot.drawn, points=lot.points, id=entry.id))
            reversal, _taken = _write_negative(customer.id, "reverse", entry.points, [lot], first=lot.id,
                                               created_at=now, created_by=actor, reason=text, reverses=entry.id,
                                               event=entry.event, complaint=entry.complaint_id)
        else:
            drawn = [(lot.expires_at,) for lot in PointsEntry.select(PointsEntry.expires_at)
                     .join(PointsAllocation, on=(PointsAllocation.lot == PointsEntry.id))
                     .where(PointsAllocation.entry == entry.id)]
            expires = None
            if drawn and all(e is not None for (e,) in drawn):
                expires = max(e for (e,) in drawn)
            reversal = PointsEntry.create(customer=customer.id, kind="reverse", points=-entry.points, created_at=now,
                                          created_by=actor, reason=text, reverses=entry.id, expires_at=expires,
                                          event=entry.event, complaint=entry.complaint_id)
        audit.record(actor, "points_reversed", entity="points_entry", entity_id=reversal.id, customer_id=customer.id,
                     summary=text, details={"reverses": entry.id, "points": reversal.points})
        return reversal.id


# --- expiry --------------------------------------------------------------------------------------

@dataclass
class ExpiryResult:
    """What an expiry run wrote."""

    entries: int
    points: int
    customers: int


def _lots_with_points_left(where: pw.Expression) -> list[tuple[int, int, int, dt.datetime]]:
    """(lot id, customer id, points left, expiry) of the expiring lots matching WHERE that still hold points.

    The draws are a correlated subquery per lot (not a join with GROUP BY), so SQLite reads
    the lots through the partial index on expires_at instead of scanning the ledger.
    """
    drawn = (PointsAllocation.select(pw.fn.COALESCE(pw.fn.SUM(PointsAllocation.points), 0))
             .where(PointsAllocation.lot == PointsEntry.id))
    query = (PointsEntry.select(PointsEntry.id, PointsEntry.customer, PointsEntry.points, PointsEntry.expires_at,
                                drawn.alias("drawn"))
             .where(PointsEntry.expires_at.is_null(False) & (PointsEntry.points > 0) & where
                    & (PointsEntry.points > drawn)).tuples())
    return [(lot_id, cid, points - (used or 0), expires) for lot_id, cid, points, expires, used in query]


def run_expiry(actor: User | None = None) -> ExpiryResult:
    """Write expire entries for every lot past its validity (at start-up with no actor, or from Tools).

    Each expire entry takes what is left of one lot and records the allocation to it, so a
    second run finds nothing left and writes nothing (idempotent).
    """
    if actor is not None:
        require(actor, WORK_OWN, "points.run_expiry")
    with database.atomic():
        now = clock.now()
        customers = sorted({cid for (_id, cid, _left, _e) in _lots_with_points_left(PointsEntry.expires_at <= now)})
        entries = points = 0
        for customer_id in customers:
            n, total = _expire_customer(customer_id, now, actor)
            entries += n
            points += total
        if entries:
            audit.record(actor, "points_expired", entity="points_entry",
                         summary=ngettext("{n} lot expired", "{n} lots expired", entries).format(n=entries),
                         details={"entries": entries, "points": points, "customers": len(customers)})
        return ExpiryResult(entries, points, len(customers) if entries else 0)


ACTIONS["points.run_expiry"] = (WORK_OWN, run_expiry)


@dataclass
class ExpiringRow:
    """A customer with points expiring soon (for a reminder callback)."""

    customer_id: int
    name: str
    points: int
    first_expiry: dt.datetime
    specialist_id: int | None
    specialist: str


@action("points.expiring_soon", LOOKUP)
def expiring_soon(actor: User, days: int = EXPIRING_SOON_DAYS) -> list[ExpiringRow]:
    """Customers with points expiring in the next DAYS days, soonest first."""
    days = _int(days, "days", _("The number of days"), minimum=1, maximum=MAX_VALIDITY_DAYS)
    now = clock.now()
    per_customer: dict[int, list] = {}
    for _id, cid, left, expires in _lots_with_points_left(
            (PointsEntry.expires_at > now) & (PointsEntry.expires_at <= now + dt.timedelta(days=days))):
        row = per_customer.setdefault(cid, [0, expires])
        row[0] += left
        row[1] = min(row[1], expires)
    if not per_customer:
        return []
    names = _names()
    out = []
    ids = list(per_customer)
    for start in range(0, len(ids), 500):
        for c in Customer.select(Customer.id, Customer.name, Customer.assigned_to).where(
                Customer.id.in_(ids[start:start + 500]) & Customer.merged_into.is_null()):
            total, first = per_customer[c.id]
            out.append(ExpiringRow(c.id, c.name, total, first, c.assigned_to_id, names.get(c.assigned_to_id, "")))
    out.sort(key=lambda r: (r.first_expiry, r.customer_id))
    return out


# --- merge ---------------------------------------------------------------------------------------

def move_for_merge(actor: User, keep_id: int, absorb_id: int, now: dt.datetime) -> tuple[int, int]:
    """Move the absorbed customer's points to the kept one (inside the merge's transaction).

    Overdue lots of the absorbed customer expire first. A once-only award both customers
    received is taken back on the absorbed side (from its own lot first). What is left
    moves by one merge_out that draws on every open lot, and one merge_in lot per distinct
    expiry, so the points keep their expiry. Returns (points moved, awards reversed).
    """
    _expire_customer(absorb_id, now, actor)
    kept_once = {k for (k,) in PointsEntry.select(PointsEntry.once_key)
                 .where((PointsEntry.customer == keep_id) & PointsEntry.once_key.is_null(False)).tuples()}
    reversed_count = 0
    lots = _open_lots(absorb_id, now)
    doubles = (PointsEntry.select().where((PointsEntry.customer == absorb_id)
                                          & PointsEntry.once_key.in_(sorted(kept_once) or [""]))
               .order_by(PointsEntry.id))
    for entry in doubles:
        if PointsEntry.select().where(PointsEntry.reverses == entry.id).exists():
            continue
        points = min(entry.points, sum(lot.remaining for lot in lots), _balance(absorb_id))
        if points > 0:
            _write_negative(absorb_id, "reverse", points, lots, first=entry.id, reverses=entry.id,
                            created_by=actor, created_at=now, event=entry.event,
                            reason=_("Merge: awarded to both customers, kept once"))
            reversed_count += 1
    lots = [lot for lot in lots if lot.remaining > 0]
    moving = min(sum(lot.remaining for lot in lots), _balance(absorb_id))
    if moving <= 0:
        return 0, reversed_count
    reason = _("Merge of customer {a} into {b}").format(a=absorb_id, b=keep_id)
    _entry, taken = _write_negative(absorb_id, "merge_out", moving, lots, created_by=actor, created_at=now,
                                    reason=reason, merge_from=absorb_id)
    expiry = {lot.id: lot.expires_at for lot in lots}
    by_expiry: dict[dt.datetime | None, int] = {}
    for lot_id, n in taken:
        by_expiry[expiry[lot_id]] = by_expiry.get(expiry[lot_id], 0) + n
    for expires, n in sorted(by_expiry.items(), key=lambda kv: (kv[0] is None, kv[0] or dt.datetime.max)):
        PointsEntry.create(customer=keep_id, kind="merge_in", points=n, created_by=actor, created_at=now,
                           reason=reason, merge_from=absorb_id, expires_at=expires)
    return moving, reversed_count


# --- the customer's points page ------------------------------------------------------------------

@dataclass
class LedgerRow:
    """One ledger line with the balance after it."""

    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    points: int
    balance: int
    source: str             # the event, the complaint or the reference, in words
    reason: str
    reference: str
    by: str
    expires_at: dt.datetime | None
    remaining: int | None   # lots: points left
    reverses_id: int | None
    reversed_by_id: int | None


@dataclass
class LotRow:
    """Points of one lot expiring soon."""

    entry_id: int
    points: int
    expires_at: dt.datetime
    source: str


@dataclass
class CustomerPoints:
    """Everything the points page shows for one customer."""

    customer_id: int
    name: str
    balance: int
    #: the balance minus lots past their expiry that the next expiry run will write off
    available: int
    overdue: int
    expiring: list[LotRow]
    expiring_total: int
    pending: list[AdjustmentRow]
    ledger: list[LedgerRow]          # newest first
    threshold: int
    can_approve: bool
    #: the actor may record, redeem, adjust and reverse for this customer (their own, or a supervisor)
    can_change: bool = True


def _source(entry_kind: str, event: str | None, complaint_id: int | None, merge_from: int | None) -> str:
    if complaint_id:
        return _("Complaint No. {id}").format(id=complaint_id)
    if event:
        return _event_label(event)
    if merge_from and entry_kind in ("merge_in", "merge_out"):
        return _("Customer No. {id}").format(id=merge_from)
    return ""


@action("points.customer_view", LOOKUP)
def customer_view(actor: User, customer_id: int, days: int = EXPIRING_SOON_DAYS) -> CustomerPoints:
    """Balance, pending adjustments, points expiring in DAYS days and the ledger with its running balance."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    now = clock.now()
    names = _names()
    rows = list(PointsEntry.select(
        PointsEntry.id, PointsEntry.created_at, PointsEntry.kind, PointsEntry.points, PointsEntry.event,
        PointsEntry.complaint, PointsEntry.merge_from, PointsEntry.reason, PointsEntry.reference,
        PointsEntry.created_by, PointsEntry.expires_at, PointsEntry.reverses)
        .where(PointsEntry.customer == customer_id).order_by(PointsEntry.created_at, PointsEntry.id).tuples())
    drawn = dict(PointsAllocation.select(PointsAllocation.lot, pw.fn.SUM(PointsAllocation.points))
                 .join(PointsEntry, on=(PointsAllocation.lot == PointsEntry.id))
                 .where(PointsEntry.customer == customer_id).group_by(PointsAllocation.lot).tuples())
    reversed_by = {r[11]: r[0] for r in rows if r[11] is not None}
    ledger: list[LedgerRow] = []
    balance = overdue = 0
    expiring: list[LotRow] = []
    horizon = now + dt.timedelta(days=days)
    for (eid, at, kind, points, event, complaint, merge_from, reason, reference, by, expires, reverses) in rows:
        balance += points
        source = _source(kind, event, complaint, merge_from)
        remaining = points - drawn.get(eid, 0) if points > 0 else None
        ledger.append(LedgerRow(eid, at, kind, labels.label(labels.POINTS_KINDS, kind), points, balance, source,
                                reason, reference or "", names.get(by, _("System") if by is None else ""),
                                expires, remaining, reverses, reversed_by.get(eid)))
        if remaining and expires is not None:
            if expires <= now:
                overdue += remaining
            elif expires <= horizon:
                expiring.append(LotRow(eid, remaining, expires, source or labels.label(labels.POINTS_KINDS, kind)))
    ledger.reverse()
    expiring.sort(key=lambda lot: (lot.expires_at, lot.entry_id))
    pending = _adjustment_rows(
        PointsAdjustment.select(PointsAdjustment, Customer).join(Customer)
        .where((PointsAdjustment.customer == customer_id) & (PointsAdjustment.status == "pending"))
        .order_by(PointsAdjustment.requested_at, PointsAdjustment.id), names)
    return CustomerPoints(customer.id, customer.name, balance, max(balance - overdue, 0), overdue, expiring,
                          sum(lot.points for lot in expiring), pending, ledger, adjustment_threshold(),
                          allowed(actor, APPROVE_POINTS),
                          customer.assigned_to_id == actor.id or allowed(actor, WORK_ANY))


# --- team summary --------------------------------------------------------------------------------

@dataclass
class IssuedLine:
    """Points issued for one event in the period."""

    event: str
    label: str
    points: int
    entries: int


@dataclass
class PointsSummary:
    """The points report of a period (dates inclusive): issued, used, expired, adjusted, liability."""

    date_from: dt.date
    date_to: dt.date
    issued: list[IssuedLine]
    issued_total: int
    redeemed: int
    redemptions: int
    expired: int
    adjusted_in: int
    adjusted_out: int
    compensation: int          # added for complaints (part of adjusted_in)
    reversed_in: int           # given back by reversals
    reversed_out: int          # taken back by reversals
    opening_points: int
    closing_points: int
    #: 1 point = 1 yuan: the outstanding liability at the end of the period, in fen
    closing_liability_fen: int


@action("points.team_summary", REPORTS)
def team_summary(actor: User, date_from: dt.date, date_to: dt.date) -> PointsSummary:
    """The team's points for DATE_FROM..DATE_TO: one GROUP BY over the ledger (covering index), no row loop."""
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."), "date_to")
    start = dt.datetime.combine(date_from, dt.time())
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    in_period = PointsEntry.created_at >= start
    E = PointsEntry

    def period_sum(condition):
        return pw.fn.SUM(pw.Case(None, [(in_period & condition, E.points)], 0))

    query = (E.select(E.kind, E.event,
                      period_sum((E.points > 0) & E.complaint.is_null()).alias("plus"),
                      period_sum((E.points > 0) & E.complaint.is_null(False)).alias("plus_complaint"),
                      period_sum(E.points < 0).alias("minus"),
                      pw.fn.SUM(pw.Case(None, [(in_period, 1)], 0)).alias("entries"),
                      pw.fn.SUM(E.points).alias("total"))
             .where(E.created_at < end).group_by(E.kind, E.event).tuples())
    issued: dict[str, list[int]] = {}
    s = dict(redeemed=0, redemptions=0, expired=0, adjusted_in=0, adjusted_out=0, compensation=0,
             reversed_in=0, reversed_out=0)
    closing = period_net = 0
    for kind, event, plus, plus_complaint, minus, entries, total in query:
        plus, plus_complaint = int(plus or 0), int(plus_complaint or 0)
        minus, entries = int(minus or 0), int(entries or 0)
        closing += int(total or 0)
        period_net += plus + plus_complaint + minus
        if kind == "earn":
            line = issued.setdefault(event or "", [0, 0])
            line[0] += plus + plus_complaint + minus
            line[1] += entries
        elif kind == "redeem":
            s["redeemed"] += -minus
            s["redemptions"] += entries
        elif kind == "expire":
            s["expired"] += -minus
        elif kind == "adjust":
            s["adjusted_in"] += plus + plus_complaint
            s["compensation"] += plus_complaint
            s["adjusted_out"] += -minus
        elif kind == "reverse":
            s["reversed_in"] += plus + plus_complaint
            s["reversed_out"] += -minus
    lines = [IssuedLine(e, _event_label(e), issued[e][0], issued[e][1]) for e in EVENTS if e in issued]
    lines += [IssuedLine(e, _event_label(e) or _("Other"), v[0], v[1]) for e, v in issued.items() if e not in EVENTS]
    return PointsSummary(date_from, date_to, lines, sum(line.points for line in lines),
                         opening_points=closing - period_net, closing_points=closing,
                         closing_liability_fen=closing * 100, **s)


# --- reconciliation ("Check points") --------------------------------------------------------------

@dataclass
class Problem:
    """One inconsistency found by the check."""

    code: str
    message: str
    customer_id: int | None = None
    entry_id: int | None = None


@dataclass
class ReconcileReport:
    """The result of "Check points": what was checked and every inconsistency found."""

    customers: int
    entries: int
    allocations: int
    problems: list[Problem] = field(default_factory=list)
    #: lots past their expiry with points left (not an error: the next expiry run writes them off)
    due_for_expiry: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _rows(sql: str, *params) -> list[tuple]:
    return list(database.execute_sql(sql.replace("?", database.param), params).fetchall())


@action("points.reconcile", REPORTS)
def reconcile(actor: User) -> ReconcileReport:
    """Recompute every balance from the ledger and check every lot, allocation, reversal, expiry and merge link.

    Each check is one aggregate query over the whole ledger; there should be no problem.
    """
    P: list[Problem] = []
    entries, customers = _rows("SELECT COUNT(*), COUNT(DISTINCT customer_id) FROM points_entry")[0]
    allocations = _rows("SELECT COUNT(*) FROM points_allocation")[0][0]
    # 1. balances recomputed from the ledger, and from the lots (points left in each lot)
    balances = dict(_rows("SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id"))
    for cid, total in balances.items():
        if total < 0:
            P.append(Problem("negative_balance", _("Customer No. {id} has a negative balance of {n} points.").format(
                id=cid, n=total), cid))
    in_lots = dict(_rows("SELECT customer_id, SUM(points) FROM points_entry WHERE points > 0 GROUP BY customer_id"))
    drawn = dict(_rows("SELECT l.customer_id, SUM(a.points) FROM points_allocation a "
                       "JOIN points_entry l ON l.id = a.lot_id GROUP BY l.customer_id"))
    for cid in set(balances) | set(in_lots) | set(drawn):
        left = in_lots.get(cid, 0) - drawn.get(cid, 0)
        if left != balances.get(cid, 0):
            P.append(Problem("balance_mismatch", _(
                "Customer No. {id}: the ledger sums to {balance} points but its lots hold {left}.").format(
                id=cid, balance=balances.get(cid, 0), left=left), cid))
    # 2. lots: never drawn beyond their points; only positive entries are lots
    for lot_id, cid, points, total in _rows(
            "SELECT a.lot_id, l.customer_id, l.points, SUM(a.points) FROM points_allocation a "
            "JOIN points_entry l ON l.id = a.lot_id GROUP BY a.lot_id, l.customer_id, l.points "
            "HAVING SUM(a.points) > l.points OR l.points <= 0"):
        P.append(Problem("lot_overdrawn", _("Entry No. {id} gave {n} points but holds {points}.").format(
            id=lot_id, n=total, points=points), cid, lot_id))
    # 3. allocations: a negative entry draws on lots of the same customer
    for aid, eid, cid in _rows(
            "SELECT a.id, e.id, e.customer_id FROM points_allocation a JOIN points_entry e ON e.id = a.entry_id "
            "JOIN points_entry l ON l.id = a.lot_id WHERE e.points >= 0 OR e.customer_id <> l.customer_id"):
        P.append(Problem("bad_allocation", _("Allocation No. {aid} of entry No. {id} draws on another customer's "
                                             "points or belongs to a positive entry.").format(aid=aid, id=eid),
                         cid, eid))
    # 4. every negative entry says exactly which lots it drew on
    for eid, cid, kind, points, total in _rows(
            "SELECT e.id, e.customer_id, e.kind, e.points, COALESCE(SUM(a.points), 0) FROM points_entry e "
            "LEFT JOIN points_allocation a ON a.entry_id = e.id WHERE e.points < 0 "
            "GROUP BY e.id, e.customer_id, e.kind, e.points HAVING COALESCE(SUM(a.points), 0) <> -e.points"):
        P.append(Problem("undrawn_entry", _("Entry No. {id} ({kind}, {points} points) draws {n} points on lots.")
                         .format(id=eid, kind=labels.label(labels.POINTS_KINDS, kind), points=points, n=total),
                         cid, eid))
    # 5. reversal links
    for rid, cid, points, oid, okind, opoints, ocid in _rows(
            "SELECT r.id, r.customer_id, r.points, o.id, o.kind, o.points, o.customer_id FROM points_entry r "
            "LEFT JOIN points_entry o ON o.id = r.reverses_id "
            "WHERE (r.kind = 'reverse' AND (o.id IS NULL OR o.kind = 'reverse' OR o.customer_id <> r.customer_id "
            "OR (r.points > 0) = (o.points > 0) OR ABS(r.points) > ABS(o.points))) "
            "OR (r.kind <> 'reverse' AND r.reverses_id IS NOT NULL)"):
        P.append(Problem("bad_reversal", _("Reversal No. {id} does not match the entry it reverses (No. {oid}).")
                         .format(id=rid, oid=oid if oid is not None else "—"), cid, rid))
    # 6. expiry links: an expire entry draws only on lots that were due when it was written
    for eid, cid, lot_id in _rows(
            "SELECT x.id, x.customer_id, l.id FROM points_entry x JOIN points_allocation a ON a.entry_id = x.id "
            "JOIN points_entry l ON l.id = a.lot_id WHERE x.kind = 'expire' "
            "AND (l.expires_at IS NULL OR l.expires_at > x.created_at)"):
        P.append(Problem("bad_expiry", _("Expiry No. {id} took points of entry No. {lot}, which had not expired.")
                         .format(id=eid, lot=lot_id), cid, eid))
    # 7. merges: what left the absorbed customer arrived at the kept one
    for absorbed, total in _rows("SELECT merge_from_id, SUM(points) FROM points_entry "
                                 "WHERE kind IN ('merge_out', 'merge_in') GROUP BY merge_from_id "
                                 "HAVING SUM(points) <> 0 OR merge_from_id IS NULL"):
        P.append(Problem("bad_merge", _("The merge of customer No. {id} moved {n} points more out than in.").format(
            id=absorbed if absorbed is not None else "—", n=-(total or 0)), absorbed))
    # 8. adjustments: approved ones have their entry, the others none
    for aid, cid, status, apoints, eid, epoints, ekind in _rows(
            "SELECT a.id, a.customer_id, a.status, a.points, e.id, e.points, e.kind FROM points_adjustment a "
            "LEFT JOIN points_entry e ON e.id = a.entry_id "
            "WHERE (a.status = 'approved' AND (e.id IS NULL OR e.points <> a.points OR e.kind <> 'adjust' "
            "OR e.customer_id <> a.customer_id)) OR (a.status <> 'approved' AND a.entry_id IS NOT NULL)"):
        P.append(Problem("bad_adjustment", _("Adjustment No. {id} ({status}) does not match its ledger entry.").format(
            id=aid, status=labels.label(labels.ADJUSTMENT_STATUSES, status)), cid, eid))
    due = _rows("SELECT COUNT(*) FROM (SELECT l.id FROM points_entry l "
                "LEFT JOIN points_allocation a ON a.lot_id = l.id "
                "WHERE l.expires_at IS NOT NULL AND l.expires_at <= ? AND l.points > 0 "
                "GROUP BY l.id, l.points HAVING l.points > COALESCE(SUM(a.points), 0)) AS due",
                clock.now().strftime("%Y-%m-%d %H:%M:%S"))[0][0]
    P.sort(key=lambda p: (p.customer_id or 0, p.entry_id or 0, p.code))
    return ReconcileReport(customers, entries, allocations, P, due)
