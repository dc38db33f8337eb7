"""The archive list's table model: Qt's model rules, lazy pages, sorting, the overdue and do-not-call marks."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Customer
from desktop_cs.services import assignment, customers
from desktop_cs.services.customers import PAGE_SIZE, CustomerInput, CustomerQuery
from desktop_cs.services.search_keys import customer_search_key
from desktop_cs.views.common import ERROR_COLOR
from desktop_cs.views.customers.table_model import COLUMN_INDEX, COLUMNS, CUSTOMER_ID_ROLE, CustomerTableModel

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "华", "慧"]


def new_customer(actor, name: str, mobile: str = "", **kw) -> int:
    """One customer recorded through the service, as the dialog does."""
    return customers.create_customer(actor, CustomerInput(name=name, mobile=mobile, **kw))


def bulk_customers(n: int, start: int = 0) -> list[int]:
    """N customers inserted at once below the services (search keys filled as the service fills them)."""
    rows = []
    for i in range(start, start + n):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + ("" if i < 400 else "二")
        mobile = f"139{i:08d}"
        rows.append({"name": name, "mobile": mobile, "search_key": customer_search_key(name, mobile),
                     "customer_type": "investor", "source": "hotline", "created_at": NOW, "updated_at": NOW})
    Customer.insert_many(rows).execute()
    return [c.id for c in Customer.select(Customer.id).order_by(Customer.id)]


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def names(model: CustomerTableModel) -> list[str]:
    column = COLUMN_INDEX["name"]
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_model_follows_qt_rules(qtmodeltester, supervisor, specialist):
    first = new_customer(supervisor, "张三", "13812345678", do_not_call=True)
    new_customer(supervisor, "李四", "13987655678")
    assignment.assign(supervisor, [first], specialist.id)
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery(all_customers=True))
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_empty_model_follows_qt_rules(qtmodeltester, supervisor):
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery(text="nobody"))
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_columns_show_the_masked_row(supervisor, specialist):
    cid = new_customer(supervisor, "张三", "13812345678", customer_type="investor", source="referral",
                       referred_by_id=new_customer(supervisor, "李四"))
    assignment.assign(supervisor, [cid], specialist.id)
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery(text="张三"))
    assert model.rowCount() == 1
    values = {column.key: model.index(0, i).data() for i, column in enumerate(COLUMNS)}
    assert values["name"] == "张三"
    assert values["mobile"] == "138****5678"
    assert values["customer_type"] == _("Investor")
    assert values["source"] == _("Referral")
    assert values["specialist"] == "李专员"
    assert values["open"] == "1 / 0"           # the first-contact callback the assignment created
    assert model.customer_id(0) == cid
    assert model.index(0, 0).data(CUSTOMER_ID_ROLE) == cid
    assert model.row_of(cid) == 0 and model.row_of(cid + 1000) == -1
    assert model.customer_id(5) is None
    assert [model.headerData(i, Qt.Orientation.Horizontal) for i in range(len(COLUMNS))] == \
        [_(c.title) for c in COLUMNS]


def test_overdue_first_contact_is_red_with_a_tooltip(supervisor, specialist):
    late = new_customer(supervisor, "张三", "13812345678")
    fresh = new_customer(supervisor, "李四", "13987655678")
    clock.freeze(NOW - dt.timedelta(days=8))
    assignment.assign(supervisor, [late], specialist.id)
    clock.freeze(NOW)
    assignment.assign(supervisor, [fresh], specialist.id)
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery())
    late_row, fresh_row = model.row_of(late), model.row_of(fresh)
    for column in range(len(COLUMNS)):
        assert model.index(late_row, column).data(Qt.ItemDataRole.ForegroundRole) == QColor(ERROR_COLOR)
        assert model.index(fresh_row, column).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(late_row, 0).data(Qt.ItemDataRole.ToolTipRole) == \
        _("Not contacted within a week of assignment: contact this customer now.")
    assert model.index(fresh_row, 0).data(Qt.ItemDataRole.ToolTipRole) is None


def test_do_not_call_is_marked(supervisor):
    new_customer(supervisor, "张三", "13812345678", do_not_call=True)
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery())
    mobile = model.index(0, COLUMN_INDEX["mobile"])
    assert mobile.data() == _("{mobile} (do not call)").format(mobile="138****5678")
    assert mobile.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert _("The customer asked not to be called.") in mobile.data(Qt.ItemDataRole.ToolTipRole)


def test_pages_load_lazily(qtbot, supervisor):
    bulk_customers(450)
    calls = []

    def fetch(actor, query, offset, limit):
        calls.append((offset, limit))
        return customers.search_page(actor, query, offset, limit)

    model = CustomerTableModel(supervisor, fetch=fetch)
    model.setQuery(CustomerQuery())
    assert model.rowCount() == PAGE_SIZE
    assert calls == [(0, PAGE_SIZE)]
    assert model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
    assert inserted.args[1:] == [PAGE_SIZE, 2 * PAGE_SIZE - 1]     # first and last new row, not one past
    assert model.rowCount() == 2 * PAGE_SIZE
    with qtbot.waitSignal(model.rowsInserted) as inserted:
        model.fetchMore(QModelIndex())
    assert inserted.args[1:] == [2 * PAGE_SIZE, 449]
    assert model.rowCount() == 450 and not model.canFetchMore(QModelIndex())
    assert calls == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE), (2 * PAGE_SIZE, PAGE_SIZE)]
    assert len({model.customer_id(r) for r in range(450)}) == 450
    # a refresh after a write keeps the rows already loaded
    model.refresh()
    assert model.rowCount() == 450


def test_a_page_boundary_never_repeats_a_row(supervisor):
    ids = bulk_customers(6)
    model = CustomerTableModel(supervisor, page_size=3)
    model.setQuery(CustomerQuery(sort="id", descending=True))
    assert [model.customer_id(r) for r in range(3)] == ids[:2:-1]
    new_customer(supervisor, "新客户")       # shifts every later page by one row
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert [model.customer_id(r) for r in range(model.rowCount())] == ids[::-1]


def test_sort_by_a_column_reorders(supervisor):
    for name, mobile in (("张三", "13812345678"), ("阿兰", "13912345678"), ("周五", "13712345678")):
        new_customer(supervisor, name, mobile)
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery())
    name_column = COLUMN_INDEX["name"]
    model.sort(name_column, Qt.SortOrder.AscendingOrder)
    ascending = names(model)
    assert model.query().sort == "name" and not model.query().descending
    assert model.sortColumn() == name_column
    model.sort(name_column, Qt.SortOrder.DescendingOrder)
    assert names(model) == list(reversed(ascending))
    model.sort(COLUMN_INDEX["mobile"], Qt.SortOrder.AscendingOrder)
    assert names(model) == ["周五", "张三", "阿兰"]
    model.sort(-1)                       # no column: newest first
    assert names(model) == ["周五", "阿兰", "张三"]
    assert model.sortColumn() == -1


@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_every_column_sorts(supervisor, column):
    new_customer(supervisor, "张三", "13812345678")
    new_customer(supervisor, "李四", "13912345678")
    model = CustomerTableModel(supervisor)
    model.setQuery(CustomerQuery())
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(column, order)
        assert model.rowCount() == 2
        assert model.query().sort == COLUMNS[column].sort_key
        assert model.query().sort in customers.SORT_KEYS
