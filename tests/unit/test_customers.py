"""Customer archive services: validation, duplicates, search, filters, masking, delete / restore / erase."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, Customer
from desktop_cs.services import customers, identity
from desktop_cs.services.customers import CustomerInput, CustomerQuery
from desktop_cs.services.errors import FormErrors, PermissionDenied, ValidationError

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


def make_id(region="110105", birth="19900307", seq="123") -> str:
    first = region + birth + seq
    return first + identity.id_check_character(first)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def new(actor, name="张三", **kw) -> int:
    return customers.create_customer(actor, CustomerInput(name=name, **kw))


# --- identity checks -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, fragment", [
    ("11010519900307123", "18"),                       # 17 characters
    ("1101051990030712AX", "17"),                      # letter inside
    ("110105199002301234", "1990-02-30"),                 # no such day
    ("110105203001011234", ""),                        # future birth date (checked before checksum)
])
def test_bad_id_numbers_are_refused_with_a_reason(text, fragment):
    with pytest.raises(ValidationError) as err:
        identity.check_id_number(text)
    assert err.value.field == "id_number"
    assert fragment in err.value.message


def test_wrong_check_character_is_refused():
    good = make_id()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验"):
        identity.check_id_number(wrong)


def test_unknown_region_is_refused():
    with pytest.raises(ValidationError, match="999999"):
        identity.check_id_number(make_id(region="999999"))


def test_id_number_is_normalised_and_explained():
    number = make_id(seq="001")[:17]
    check = identity.id_check_character(number)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in number) + check.lower()   # full-width digits, lower x
    info = identity.check_id_number(typed)
    assert info.number == number + check
    assert info.birth_date == dt.date(1990, 3, 7)
    assert info.sex == "male"                                           # 17th digit 1 is odd
    assert "北京" in info.region


@pytest.mark.parametrize("typed", ["138 1234 5678", "+86 138-1234-5678", "0086 13812345678",
                                   "１３８１２３４５６７８", "١٣٨١٢٣٤٥٦٧٨"])
def test_mobiles_are_normalised(typed):
    assert identity.normalize_mobile(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["12812345678", "1381234567", "138123456789", "138abcd5678", "010-12345678"])
def test_bad_mobiles_are_refused(typed):
    with pytest.raises(ValidationError) as err:
        identity.normalize_mobile(typed)
    assert err.value.field == "mobile"


def test_emoji_count_as_one_character_in_length_limits():
    assert identity.check_length("😀" * 64, "name", "姓名") == "😀" * 64
    with pytest.raises(ValidationError):
        identity.check_length("😀" * 65, "name", "姓名")


# --- create, edit, duplicates -------------------------------------------------------------------

def test_create_refuses_every_bad_field_and_stores_nothing(supervisor):
    with pytest.raises(FormErrors) as err:
        new(supervisor, name=" ", mobile="123", id_number="110105", email="not-an-email")
    assert set(err.value.errors) >= {"name", "mobile", "id_number", "email"}
    assert Customer.select().count() == 0


def test_duplicate_mobile_or_id_names_the_existing_customer(supervisor):
    first = new(supervisor, mobile="13812345678", id_number=make_id())
    with pytest.raises(customers.DuplicateCustomer) as err:
        new(supervisor, name="李四", mobile="+86 138 1234 5678")
    assert err.value.existing_id == first and err.value.field == "mobile"
    with pytest.raises(customers.DuplicateCustomer) as err:
        new(supervisor, name="李四", id_number=make_id().lower())
    assert err.value.existing_id == first and err.value.field == "id_number"
    assert Customer.select().count() == 1


def test_audit_log_never_holds_full_numbers(supervisor):
    cid = new(supervisor, mobile="13812345678", id_number=make_id())
    detail = customers.get_customer(supervisor, cid)
    customers.update_customer(supervisor, cid, CustomerInput(name="张三丰", mobile="13900001111",
                                                             id_number=make_id(seq="456")), detail.version)
    text = " ".join(e.summary + e.details for e in AuditEntry.select())
    for full in ("13812345678", "13900001111", make_id(), make_id(seq="456")):
        assert full not in text
    assert "138****5678" in text and "139****1111" in text


def test_edit_records_before_and_after(supervisor):
    cid = new(supervisor, memo="旧")
    version = customers.get_customer(supervisor, cid).version
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", memo="新"), version)
    entry = AuditEntry.select().where(AuditEntry.action == "customer_updated").get()
    assert json.loads(entry.details)["changes"]["memo"] == ["旧", "新"]


def test_a_stale_save_is_refused_with_who_changed_it(supervisor, specialist):
    cid = new(supervisor)
    version = customers.get_customer(supervisor, cid).version
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", memo="甲"), version)
    with pytest.raises(customers.ChangedByOther) as err:
        customers.update_customer(supervisor, cid, CustomerInput(name="张三", memo="乙"), version)
    assert err.value.changed_by == "王主管"
    assert Customer.get_by_id(cid).memo == "甲"


def test_specialist_edits_own_customers_only(supervisor, specialist):
    mine = new(specialist)
    other = new(supervisor, name="李四")
    customers.update_customer(specialist, mine, CustomerInput(name="张三", memo="ok"))
    with pytest.raises(PermissionDenied):
        customers.update_customer(specialist, other, CustomerInput(name="李四", memo="no"))
    Customer.update(assigned_to=supervisor.id).where(Customer.id == other).execute()
    with pytest.raises(PermissionDenied):
        customers.update_customer(specialist, other, CustomerInput(name="李四", memo="no"))
    assert Customer.get_by_id(other).memo == ""


# --- masking ------------------------------------------------------------------------------------

def test_lists_and_page_are_masked_and_reveal_is_a_logged_supervisor_action(supervisor, specialist):
    cid = new(supervisor, mobile="13812345678", id_number=make_id())
    row = customers.search_page(supervisor, CustomerQuery())[0]
    assert row.mobile == "138****5678"
    detail = customers.get_customer(specialist, cid)
    assert detail.mobile == "138****5678" and detail.id_number == make_id()[:4] + "*" * 10 + make_id()[-4:]
    assert customers.reveal(supervisor, cid, "mobile") == "13812345678"
    assert AuditEntry.select().where(AuditEntry.action == "unmask").count() == 1
    with pytest.raises(PermissionDenied):
        customers.reveal(specialist, cid, "id_number")


# --- search and filters -------------------------------------------------------------------------

@pytest.fixture
def archive(supervisor, specialist):
    ids = {
        "zhang": new(supervisor, name="张三", mobile="13812345678", email="zhangsan@example.com", tags=["VIP客户"]),
        "trad": new(supervisor, name="劉德華", mobile="13900001111"),
        "li": new(supervisor, name="李四", mobile="13700002222", im_id="wx_lisi", customer_type="investor",
                  source="website"),
        "shan": new(supervisor, name="单田芳"),
    }
    return ids


def found(actor, text="", **kw):
    return {r.id for r in customers.search_page(actor, CustomerQuery(text=text, **kw))}


@pytest.mark.parametrize("text, key", [
    ("张", "zhang"), ("三", "zhang"), ("張三", "zhang"), ("刘", "trad"), ("德华", "trad"),
    ("zhangsan", "zhang"), ("ZS", "zhang"), ("ldh", "trad"), ("5678", "zhang"), ("example.com", "zhang"),
    ("wx_li", "li"), ("vip", "zhang"), ("shantianfang", "shan"), ("stf", "shan"),
])
def test_search_finds_by_any_part(supervisor, archive, text, key):
    assert archive[key] in found(supervisor, text)


def test_search_wildcards_are_literal(supervisor, archive):
    assert found(supervisor, "%") == set() and found(supervisor, "_") == {archive["li"]}


def test_filters_combine_with_search_and_count_matches(supervisor, archive):
    assert found(supervisor, "李", customer_type="investor") == {archive["li"]}
    assert found(supervisor, "李", customer_type="borrower") == set()
    assert found(supervisor, source="website") == {archive["li"]}
    assert found(supervisor, tag="VIP客户") == {archive["zhang"]}
    assert customers.count(supervisor, CustomerQuery(text="1")) == 3


def test_specialist_sees_own_by_default_and_all_on_request(supervisor, specialist, archive):
    mine = new(specialist, name="王五")
    assert found(specialist) == {mine}
    assert found(specialist, all_customers=True) == set(archive.values()) | {mine}


def test_not_contacted_within_a_week_filter(supervisor, specialist, archive):
    from desktop_cs.services import assignment
    assignment.assign(supervisor, [archive["zhang"], archive["li"]], specialist.id)
    clock.freeze(NOW + dt.timedelta(days=8))
    customers.note_contact(archive["li"], specialist.id)
    assert found(supervisor, not_contacted=True) == {archive["zhang"]}
    row = [r for r in customers.search_page(supervisor, CustomerQuery()) if r.id == archive["zhang"]][0]
    assert row.overdue_first_contact


@pytest.mark.parametrize("sort", customers.SORT_KEYS)
def test_every_column_sorts(supervisor, archive, sort):
    rows = customers.search_page(supervisor, CustomerQuery(sort=sort))
    assert sorted(r.id for r in rows) == sorted(archive.values())
    desc = customers.search_page(supervisor, CustomerQuery(sort=sort, descending=True))
    assert len(desc) == len(rows)


def test_pages_do_not_overlap(supervisor):
    for i in range(25):
        new(supervisor, name=f"客户{i}")
    first = customers.search_page(supervisor, CustomerQuery(sort="name"), 0, 10)
    second = customers.search_page(supervisor, CustomerQuery(sort="name"), 10, 10)
    assert len(first) == 10 and len(second) == 10
    assert not {r.id for r in first} & {r.id for r in second}


# --- delete, restore, erase ---------------------------------------------------------------------

def test_soft_delete_and_restore(supervisor, archive):
    customers.delete_customer(supervisor, archive["li"], "重复录入")
    assert archive["li"] not in found(supervisor)
    assert found(supervisor, deleted=True) == {archive["li"]}
    customers.restore_customer(supervisor, archive["li"])
    assert archive["li"] in found(supervisor)


def test_restore_is_refused_when_the_mobile_was_reused(supervisor, archive):
    customers.delete_customer(supervisor, archive["li"])
    new(supervisor, name="李四新", mobile="13700002222")
    with pytest.raises(ValidationError):
        customers.restore_customer(supervisor, archive["li"])


def test_erase_clears_personal_data_for_good(supervisor, specialist, archive):
    with pytest.raises(PermissionDenied):
        customers.erase_personal_data(specialist, archive["zhang"], "客户申请")
    customers.erase_personal_data(supervisor, archive["zhang"], "客户申请 2026-11-20")
    c = Customer.get_by_id(archive["zhang"])
    assert c.mobile is None and c.id_number is None and c.email is None and c.memo == "" and c.erased_at
    assert "张三" not in c.name and "zhangsan" not in c.search_key
