"""The audit trail: append an entry to the hash chain, and verify the chain."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from desktop_cs import clock
from desktop_cs.models import AuditEntry, User, database

GENESIS = "0" * 64


def canonical_text(entry: dict[str, Any]) -> str:
    """The text an entry's hash is computed over: JSON, sorted keys, ISO times, integers.

    It names no database type, so the chain survives a move to another database.
    """
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _payload(at, user_id, user_name, action, entity, entity_id, customer_id, summary, details, prev_hash) -> dict:
    return {
        "at": at.isoformat(timespec="seconds"), "user_id": user_id, "user_name": user_name,
        "action": action, "entity": entity, "entity_id": entity_id, "customer_id": customer_id,
        "summary": summary, "details": details, "prev_hash": prev_hash,
    }


def chain_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_text(payload).encode("utf-8")).hexdigest()


def record(actor: User | None, action: str, *, entity: str = "", entity_id: int | None = None,
           customer_id: int | None = None, summary: str = "", details: dict | None = None,
           user_name: str | None = None) -> AuditEntry:
    """Append one audit entry. Call inside the write's transaction; opens its own otherwise.

    The write transaction holds the database's write lock (BEGIN IMMEDIATE), so reading
    the last hash and appending cannot interleave with another copy of the program.
    Never pass full ID or mobile numbers in SUMMARY or DETAILS: mask them first.
    """
    with database.atomic():
        last = AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1).first()
        prev_hash = last.hash if last else GENESIS
        details_text = canonical_text(details or {})
        at = clock.now()
        name = user_name if user_name is not None else (actor.login if actor else "")
        payload = _payload(at, actor.id if actor else None, name, action, entity, entity_id,
                           customer_id, summary, details_text, prev_hash)
        return AuditEntry.create(at=at, user=actor, user_name=name, action=action, entity=entity,
                                 entity_id=entity_id, customer_id=customer_id, summary=summary,
                                 details=details_text, prev_hash=prev_hash, hash=chain_hash(payload))


@dataclass
class ChainReport:
    """The result of verifying the audit chain."""

    checked: int
    first_broken_id: int | None

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainReport:
    """Recompute every entry's hash in order; name the first entry that does not match."""
    prev = GENESIS
    count = 0
    query = AuditEntry.select().order_by(AuditEntry.id).tuples().iterator()
    fields = [f.name for f in AuditEntry._meta.sorted_fields]
    for row in query:
        values = dict(zip(fields, row))
        count += 1
        at = values["at"]
        if isinstance(at, str):
            import datetime as dt
            at = dt.datetime.fromisoformat(at)
        payload = _payload(at, values["user"], values["user_name"], values["action"], values["entity"],
                           values["entity_id"], values["customer_id"], values["summary"], values["details"],
                           values["prev_hash"])
        if values["prev_hash"] != prev or chain_hash(payload) != values["hash"]:
            return ChainReport(count, values["id"])
        prev = values["hash"]
    return ChainReport(count, None)
