"""CustomerInput's None mobile / ID number: "keep the stored value" when editing, empty when creating."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.models import Customer
from desktop_cs.services import customers, identity
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import FormErrors

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


def make_id(seq="123") -> str:
    first = "110105" + "19900307" + seq
    return first + identity.id_check_character(first)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def test_none_keeps_the_stored_mobile_and_id_number(specialist):
    cid = customers.create_customer(specialist, CustomerInput(name="张三", mobile="13812345678",
                                                              id_number=make_id(), mobile_verified=True,
                                                              realname_verified=True))
    version = customers.get_customer(specialist, cid).version
    customers.update_customer(specialist, cid, CustomerInput(name="张三丰", mobile=None, id_number=None,
                                                             mobile_verified=True, realname_verified=True),
                              expected_version=version)
    stored = Customer.get_by_id(cid)
    assert (stored.name, stored.mobile, stored.id_number) == ("张三丰", "13812345678", make_id())


def test_an_empty_string_still_clears_and_a_new_value_replaces(supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678",
                                                              id_number=make_id()))
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", mobile="", id_number=None))
    stored = Customer.get_by_id(cid)
    assert stored.mobile is None and stored.id_number == make_id()
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", mobile="13900001111", id_number=None))
    assert Customer.get_by_id(cid).mobile == "13900001111"


def test_verification_with_a_kept_empty_value_is_refused(supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三"))
    with pytest.raises(FormErrors) as err:
        customers.update_customer(supervisor, cid, CustomerInput(name="张三", mobile=None, id_number=None,
                                                                 mobile_verified=True))
    assert "mobile" in err.value.errors


def test_none_means_empty_when_creating(supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="李四", mobile=None, id_number=None))
    stored = Customer.get_by_id(cid)
    assert stored.mobile is None and stored.id_number is None
