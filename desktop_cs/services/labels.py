"""Translated labels of the stored codes (types, sources, channels, states...), one table for every view and print."""
from __future__ import annotations

from desktop_cs.i18n import N_, _

CUSTOMER_TYPES = {"investor": N_("Investor"), "borrower": N_("Borrower"), "prospect": N_("Prospect")}
SOURCES = {"hotline": N_("Hotline"), "online_chat": N_("Online chat"), "website": N_("Website"),
           "visit": N_("Walk-in visit"), "referral": N_("Referral"), "import": N_("Import"), "other": N_("Other")}
VERIFICATIONS = {"registered": N_("Registered"), "realname": N_("Real-name verified"),
                 "email": N_("Email verified"), "mobile": N_("Mobile verified")}
ENQUIRY_CHANNELS = {"hotline": N_("400 hotline"), "im": N_("QQ / WeChat"), "web_chat": N_("Web chat"),
                    "email": N_("Email"), "visit": N_("Walk-in visit")}
ENQUIRY_OUTCOMES = {"resolved": N_("Resolved"), "handed_on": N_("Handed on")}
ASSIGNMENT_REASONS = {"manual": N_("Assigned"), "auto": N_("Auto-assigned"), "handover": N_("Handover"),
                      "merge": N_("Merge"), "import": N_("Import"), "created": N_("Recorded by the specialist")}
CALLBACK_PURPOSES = {"welcome": N_("New-customer welcome"), "complaint_check": N_("Post-complaint check"),
                     "periodic_care": N_("Periodic care"), "special_period": N_("Special period"),
                     "renewal_reminder": N_("Renewal / upgrade reminder"),
                     "points_expiry": N_("Points expiry reminder"), "other": N_("Other")}
CALLBACK_METHODS = {"phone": N_("Phone"), "email": N_("Email"), "sms": N_("SMS"), "im": N_("QQ / WeChat")}
CALLBACK_STATUSES = {"open": N_("Open"), "done": N_("Done"), "cancelled": N_("Cancelled")}
CALLBACK_OUTCOMES = {"reached": N_("Reached"), "no_answer": N_("No answer"), "phone_off": N_("Phone off"),
                     "wrong_number": N_("Wrong number"), "refused": N_("Refused")}
SATISFACTIONS = {"satisfied": N_("Satisfied"), "average": N_("Average"), "unsatisfied": N_("Unsatisfied")}
COMPLAINT_STATUSES = {"received": N_("Received"), "in_progress": N_("In progress"), "resolved": N_("Resolved"),
                      "verified": N_("Verified by callback"), "closed": N_("Closed")}
SEVERITIES = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "critical": N_("Critical")}
POINTS_KINDS = {"earn": N_("Earned"), "redeem": N_("Redeemed"), "adjust": N_("Adjusted"), "reverse": N_("Reversed"),
                "expire": N_("Expired"), "merge_out": N_("Moved out by a merge"),
                "merge_in": N_("Moved in by a merge")}
SEXES = {"male": N_("Male"), "female": N_("Female")}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of CODE in TABLE (the code itself when unknown, "" for None)."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code


def choices(table: dict[str, str]) -> list[tuple[str, str]]:
    """(code, translated label) pairs in table order, for combo boxes."""
    return [(code, _(text)) for code, text in table.items()]

CUSTOMER_FIELDS = {"name": N_("Name"), "mobile": N_("Mobile"), "id_number": N_("ID number"), "email": N_("Email"),
                   "im_id": N_("QQ / WeChat"), "customer_type": N_("Type"), "tier_id": N_("Tier"),
                   "source": N_("Source"), "referred_by_id": N_("Referred by"), "registered_at": N_("Registered"),
                   "realname_verified_at": N_("Real-name verified"), "email_verified_at": N_("Email verified"),
                   "mobile_verified_at": N_("Mobile verified"), "memo": N_("Memo"),
                   "preferred_time": N_("Preferred time"), "do_not_call": N_("Do not call"), "tags": N_("Tags")}

POINTS_EVENTS = {"registration": N_("Registration"), "realname": N_("Real-name verification"),
                 "email_verified": N_("Email verification"), "mobile_verified": N_("Mobile verification"),
                 "referral": N_("Referral"), "recharge": N_("Recharge"), "investment": N_("Investment")}
POINTS_RULE_MODES = {"fixed": N_("Fixed points"), "per_amount": N_("Points per amount")}
REFERRAL_CONDITIONS = {"referred_realname": N_("when the referred customer is real-name verified"),
                       "referred_registered": N_("when the referred customer registers"),
                       "none": N_("as soon as the referral is recorded")}
ADJUSTMENT_STATUSES = {"pending": N_("Waiting for approval"), "approved": N_("Approved"),
                       "rejected": N_("Rejected")}

CALLBACK_NEXT_STEPS = {"none": N_("Nothing further"), "callback": N_("Another callback"),
                       "complaint": N_("A complaint")}
CALLBACK_RULE_TRIGGERS = {
    "assignment": N_("Customer assigned or reassigned"), "complaint_resolved": N_("Complaint resolved"),
    "tier_periodic": N_("Periodic care by tier"), "first_investment": N_("First investment"),
    "maturity": N_("Investment maturing"), "inactivity": N_("Inactive customer"),
    "points_expiry": N_("Points about to expire"),
}

COMPLAINT_CHANNELS = {"hotline": N_("400 hotline"), "im": N_("QQ / WeChat"), "web_chat": N_("Web chat"),
                      "email": N_("Email"), "visit": N_("Walk-in visit"), "letter": N_("Letter"),
                      "regulator": N_("Via a regulator"), "other": N_("Other")}
CALLER_NUMBER_KINDS = {"mobile": N_("Mobile"), "landline": N_("Landline"), "service": N_("400 / 800 number"),
                       "international": N_("International"), "withheld": N_("Number withheld")}
COMPLAINT_FLAGS = {"overdue": N_("Promised reply overdue"), "escalated": N_("Escalated"), "repeat": N_("Repeat"),
                   "breached": N_("Deadline breached"), "reopened": N_("Reopened")}
