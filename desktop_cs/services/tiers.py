"""The supervisor's lists for the archive: customer tiers (with their callback interval) and tags."""
from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from desktop_cs.i18n import _
from desktop_cs.models import Customer, CustomerTag, Tag, Tier, User, database
from desktop_cs.services import audit
from desktop_cs.services.errors import FormErrors, ValidationError
from desktop_cs.services.permissions import EDIT_SETTINGS, action


@dataclass
class TierInfo:
    """A tier as the editor and the combo boxes show it."""

    id: int
    name: str
    sort_order: int
    callback_interval_days: int
    is_member: bool
    active: bool
    customers: int


def list_tiers(include_inactive: bool = False) -> list[TierInfo]:
    counts = dict(Customer.select(Customer.tier, pw.fn.COUNT(Customer.id))
                  .where(Customer.deleted_at.is_null() & Customer.merged_into.is_null() & Customer.tier.is_null(False))
                  .group_by(Customer.tier).tuples())
    query = Tier.select().order_by(Tier.sort_order, Tier.id)
    if not include_inactive:
        query = query.where(Tier.active == True)  # noqa: E712
    return [TierInfo(t.id, t.name, t.sort_order, t.callback_interval_days, t.is_member, t.active,
                     counts.get(t.id, 0)) for t in query]


@action("tiers.save", EDIT_SETTINGS)
def save_tier(actor: User, tier_id: int | None, name: str, sort_order: int, callback_interval_days: int,
              is_member: bool, active: bool = True) -> int:
    """Create or change a tier; a tier still holding customers cannot be switched off."""
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 32:
        errors["name"] = _("A tier name has 1 to 32 characters.")
    elif Tier.select().where((Tier.name == name) & (Tier.id != (tier_id or 0))).exists():
        errors["name"] = _("This tier exists already.")
    if not isinstance(callback_interval_days, int) or not 0 <= callback_interval_days <= 3650:
        errors["callback_interval_days"] = _("The callback interval is 0 to 3650 days (0 = none).")
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        values = dict(name=name, sort_order=sort_order, callback_interval_days=callback_interval_days,
                      is_member=is_member, active=active)
        if tier_id:
            old = Tier.get_or_none(Tier.id == tier_id)
            if old is None:
                raise ValidationError(_("This tier does not exist any more."))
            if not active and Customer.select().where((Customer.tier == tier_id) & Customer.deleted_at.is_null()
                                                      & Customer.merged_into.is_null()).exists():
                raise ValidationError(_("Move the customers of this tier first: it still holds customers."),
                                      "active")
            changes = {k: [getattr(old, k), v] for k, v in values.items() if getattr(old, k) != v}
            Tier.update(**values).where(Tier.id == tier_id).execute()
        else:
            tier_id = Tier.create(**values).id
            changes = {k: [None, v] for k, v in values.items()}
        audit.record(actor, "tier_saved", entity="tier", entity_id=tier_id, summary=name,
                     details={"changes": changes})
        return tier_id


def all_tags() -> list[str]:
    """Every tag in use or defined, for completion."""
    return [t.name for t in Tag.select(Tag.name).order_by(Tag.name)]


def tag_counts() -> list[tuple[str, int]]:
    return list(Tag.select(Tag.name, pw.fn.COUNT(CustomerTag.id)).join(CustomerTag, pw.JOIN.LEFT_OUTER)
                .group_by(Tag.name).order_by(Tag.name).tuples())
