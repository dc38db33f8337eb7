"""Migration 3: complaints — stored deadlines, the promise kept / broken, the staff member complained about, caller look-ups."""
# Never edit a released migration: add a new one.
#
# - first_response_due / resolution_due: the deadlines of the severity's targets in force
#   when the complaint came in, counted in working hours (a supervisor's later edit of the
#   targets applies to new complaints only). Rows from before this migration keep NULL and
#   the service computes them when it reads them.
# - last_contact_at, promise_met_at, promises_made, promises_kept: the promised reply time
#   (约定回复时间) is kept when the handler contacts the customer by then; a contact meets the
#   outstanding promise, a new promise starts a new one. "Overdue" is an open complaint
#   whose promise passed without a contact; the report counts promises made and kept.
# - about_user_id: the staff member a service-attitude complaint is about (staff evaluation).
# - enquiry_caller: the repeat-caller panel counts a bare number's enquiries (200,000 rows
#   in the demo archive: a full scan took ~30 ms of the 50 ms budget).
# Existing rows: a complaint with a promise counts one promise made, kept when the first
# response came by the promised time; the first response met it.

_DATE = {"sqlite": "DATETIME", "postgres": "TIMESTAMP"}


def statements(kind: str) -> list[str]:
    """The SQL of this migration for a database KIND ('sqlite' or 'postgres')."""
    date = _DATE[kind]
    return [
        f'ALTER TABLE "complaint" ADD COLUMN "first_response_due" {date}',
        f'ALTER TABLE "complaint" ADD COLUMN "resolution_due" {date}',
        f'ALTER TABLE "complaint" ADD COLUMN "last_contact_at" {date}',
        f'ALTER TABLE "complaint" ADD COLUMN "promise_met_at" {date}',
        'ALTER TABLE "complaint" ADD COLUMN "promises_made" INTEGER NOT NULL DEFAULT 0 '
        'CHECK (promises_made >= 0)',
        'ALTER TABLE "complaint" ADD COLUMN "promises_kept" INTEGER NOT NULL DEFAULT 0 '
        'CHECK (promises_kept >= 0)',
        'ALTER TABLE "complaint" ADD COLUMN "about_user_id" INTEGER REFERENCES "user" ("id") ON DELETE RESTRICT',
        'CREATE INDEX "complaint_about_user_id" ON "complaint" ("about_user_id")',
        'UPDATE "complaint" SET "last_contact_at" = "first_response_at", "promise_met_at" = "first_response_at", '
        '"promises_made" = CASE WHEN "promised_reply_at" IS NULL THEN 0 ELSE 1 END, '
        '"promises_kept" = CASE WHEN "promised_reply_at" IS NOT NULL AND "first_response_at" IS NOT NULL '
        'AND "first_response_at" <= "promised_reply_at" THEN 1 ELSE 0 END',
        'CREATE INDEX "enquiry_caller" ON "enquiry" ("caller_number", "created_at") '
        'WHERE ("caller_number" IS NOT NULL)',
    ]
