"""Known data for the printing tests (reports, command line, preview): three customers with full mobiles and ID
numbers, their callbacks (one unsatisfied with an attempt history, one satisfied, one still open), enquiries,
points and complaints, written through the services at a fixed clock."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_cs import clock
from desktop_cs.models import Callback, ComplaintCategory, EnquiryTopic, Tier, User

START = dt.datetime(2026, 11, 16, 10, 0)      # a Monday
NOW = dt.datetime(2026, 11, 20, 16, 0)        # the Friday after
PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))

OPINION = "提现多次延迟,很不满意。"
SUGGESTION_FUNDS = "建议提现做到T+0到账。"
SUGGESTION_PRODUCT = "希望增加短期理财产品。"


def id_number(first17: str) -> str:
    """An 18-character resident ID number with its GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights))
    return first17 + "10X98765432"[total % 11]


CUSTOMERS = {
    "张三丰": ("13812345678", id_number("11010519491231002")),
    "李四海": ("13987654321", id_number("31010119800101123")),
    "王小五": ("15011112222", id_number("11010519900505456")),
}


@dataclass
class PrintData:
    """What the tests print and look for."""

    customers: dict[str, int] = field(default_factory=dict)
    unsatisfied_callback: int = 0
    satisfied_callback: int = 0
    open_callback: int = 0


def make(supervisor: User, specialist: User) -> PrintData:
    """Write the data through the services; leaves the clock at NOW."""
    from desktop_cs.services import assignment, callbacks, complaints, customers, enquiries, points
    from desktop_cs.services.customers import CustomerInput

    data = PrintData()
    clock.freeze(START)
    vip = Tier.select().where(Tier.is_member == True).order_by(Tier.sort_order).first()  # noqa: E712
    for name, (mobile, number) in CUSTOMERS.items():
        data.customers[name] = customers.create_customer(supervisor, CustomerInput(
            name=name, mobile=mobile, id_number=number, tier_id=vip.id, customer_type="investor"))
    ids = list(data.customers.values())
    assignment.assign(supervisor, ids, specialist.id)          # writes the first-contact callbacks
    first = {c.customer_id: c.id for c in Callback.select().where(Callback.customer.in_(ids))}
    a, b, c = (first[data.customers[n]] for n in CUSTOMERS)

    clock.freeze(START + dt.timedelta(hours=1))
    callbacks.reschedule(specialist, a, "tomorrow", outcome="no_answer", note="客户在开会")
    clock.freeze(START + dt.timedelta(days=1, hours=1))
    callbacks.record_result(specialist, a, "reached", "unsatisfied", opinion=OPINION, suggestions=SUGGESTION_FUNDS,
                            duration_seconds=312, next_step="callback", notes="约定下周回访")
    callbacks.record_result(specialist, b, "reached", "satisfied", opinion="平台操作方便,客服态度很好。",
                            suggestions=SUGGESTION_PRODUCT, duration_seconds=180, next_step="none")
    data.unsatisfied_callback, data.satisfied_callback, data.open_callback = a, b, c

    topic = EnquiryTopic.select().order_by(EnquiryTopic.sort_order).first()
    enquiries.record(specialist, channel="hotline", topic_id=topic.id, summary="咨询提现到账时间",
                     customer_id=data.customers["张三丰"])
    enquiries.record(specialist, channel="im", topic_id=topic.id, summary="咨询注册流程", outcome="handed_on",
                     caller_number="13700001111")
    points.record_event(specialist, data.customers["李四海"], "registration")
    points.record_event(specialist, data.customers["李四海"], "investment", amount_fen=5_000_000,
                        reference="IV-2026-0001")
    category = ComplaintCategory.select().order_by(ComplaintCategory.sort_order).first()
    complaints.create_complaint(specialist, complaints.ComplaintInput(
        channel="hotline", category_id=category.id, severity="high", description="提现三天未到账",
        customer_id=data.customers["张三丰"], promised_reply_at=START + dt.timedelta(days=1, hours=5)))
    clock.freeze(NOW)
    return data
