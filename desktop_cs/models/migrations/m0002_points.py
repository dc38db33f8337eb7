"""Migration 2: points — covering index for the team summary, index on lot expiry, complaint link of adjustments."""
# Never edit a released migration: add a new one.
#
# - points_entry_summary: the team summary groups a year of ledger lines by kind and event.
#   Without it SQLite sorts ~1,000,000 rows in a temporary b-tree (1.4-3 s measured);
#   with it the same GROUP BY walks this index in order (~0.3 s), closing balance included.
# - points_entry_expires (partial): the expiry run and "expiring in the next 30 days" read
#   only lots that expire, in date order, instead of scanning the ledger.
# - points_adjustment.complaint_id: compensation for a complaint that waits for a
#   supervisor's approval keeps its link to the complaint until the entry is written.

_COMMON = [
    'CREATE INDEX "points_entry_summary" ON "points_entry" ("kind", "event", "created_at", "points", "complaint_id")',
    'CREATE INDEX "points_entry_expires" ON "points_entry" ("expires_at") WHERE ("expires_at" IS NOT NULL)',
    'ALTER TABLE "points_adjustment" ADD COLUMN "complaint_id" INTEGER '
    'REFERENCES "complaint" ("id") ON DELETE RESTRICT',
    'CREATE INDEX "points_adjustment_complaint_id" ON "points_adjustment" ("complaint_id")',
    'CREATE INDEX "points_adjustment_status" ON "points_adjustment" ("status", "requested_at")',
]


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres'); the same text serves both."""
    return list(_COMMON)
