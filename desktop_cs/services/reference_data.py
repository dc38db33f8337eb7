"""The default reference lists a new database starts with (tiers, topics, categories, rules), in the user's language."""
from __future__ import annotations

from desktop_cs.i18n import _
from desktop_cs.models import (CallbackRule, ComplaintCategory, EnquiryTopic, PointsRule, RootCause, SeverityTarget,
                               Tier, User, database)
from desktop_cs.services import audit


def seed(actor: User | None) -> None:
    """Fill the empty reference tables; tables that already hold rows are left alone."""
    with database.atomic():
        if not Tier.select().exists():
            Tier.insert_many([
                {"name": _("VIP"), "sort_order": 1, "callback_interval_days": 30, "is_member": True},
                {"name": _("Key"), "sort_order": 2, "callback_interval_days": 60, "is_member": True},
                {"name": _("Ordinary"), "sort_order": 3, "callback_interval_days": 90, "is_member": False},
            ]).execute()
        if not EnquiryTopic.select().exists():
            topics = [_("Registration"), _("Verification"), _("Recharge"), _("Withdrawal"),
                      _("Investment product"), _("Points"), _("Other")]
            EnquiryTopic.insert_many([{"name": n, "sort_order": i} for i, n in enumerate(topics, 1)]).execute()
        if not ComplaintCategory.select().exists():
            ComplaintCategory.insert_many([
                {"name": _("Product"), "sort_order": 1},
                {"name": _("Service attitude"), "sort_order": 2, "is_attitude": True},
                {"name": _("Technical / platform"), "sort_order": 3},
                {"name": _("Funds / withdrawal"), "sort_order": 4},
                {"name": _("Other"), "sort_order": 5},
            ]).execute()
        if not RootCause.select().exists():
            causes = [_("Product design"), _("Staff conduct"), _("System fault"), _("Process delay"),
                      _("Customer misunderstanding"), _("Third party"), _("Other")]
            RootCause.insert_many([{"name": n, "sort_order": i} for i, n in enumerate(causes, 1)]).execute()
        if not SeverityTarget.select().exists():
            SeverityTarget.insert_many([
                {"severity": "critical", "first_response_hours": 1, "resolution_hours": 8},
                {"severity": "high", "first_response_hours": 2, "resolution_hours": 16},
                {"severity": "normal", "first_response_hours": 4, "resolution_hours": 24},
                {"severity": "low", "first_response_hours": 8, "resolution_hours": 40},
            ]).execute()
        if not CallbackRule.select().exists():
            CallbackRule.insert_many([
                {"name": _("First contact after assignment"), "trigger": "assignment", "delay_days": 7,
                 "purpose": "welcome", "method": "phone"},
                {"name": _("Verification after a complaint is resolved"), "trigger": "complaint_resolved",
                 "delay_days": 3, "purpose": "complaint_check", "method": "phone"},
                {"name": _("Periodic care by tier"), "trigger": "tier_periodic", "delay_days": 0,
                 "purpose": "periodic_care", "method": "phone"},
                {"name": _("After the first investment"), "trigger": "first_investment", "delay_days": 2,
                 "purpose": "welcome", "method": "phone"},
                {"name": _("Before an investment matures"), "trigger": "maturity", "delay_days": 5,
                 "purpose": "renewal_reminder", "method": "phone"},
                {"name": _("Inactive for a month"), "trigger": "inactivity", "delay_days": 30,
                 "purpose": "special_period", "method": "sms"},
                {"name": _("Points about to expire"), "trigger": "points_expiry", "delay_days": 0,
                 "purpose": "points_expiry", "method": "sms"},
            ]).execute()
        if not PointsRule.select().exists():
            PointsRule.insert_many([
                {"event": "registration", "mode": "fixed", "points": 10},
                {"event": "realname", "mode": "fixed", "points": 20},
                {"event": "email_verified", "mode": "fixed", "points": 5},
                {"event": "mobile_verified", "mode": "fixed", "points": 5},
                {"event": "referral", "mode": "fixed", "points": 50, "condition": "referred_realname"},
                {"event": "recharge", "mode": "per_amount", "points": 1, "per_amount_fen": 100 * 100,
                 "validity_days": 365},
                {"event": "investment", "mode": "per_amount", "points": 1, "per_amount_fen": 100 * 100,
                 "validity_days": 365},
            ]).execute()
        audit.record(actor, "reference_data_seeded", entity="setting")
