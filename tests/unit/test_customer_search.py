"""The narrow search table (customer_search, migration 4) follows every write of a customer, and searching
through it finds exactly what a LIKE over the customer rows' own search keys finds."""
from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from desktop_cs import clock
from desktop_cs.models import Customer, database
from desktop_cs.models import db as dbmod
from desktop_cs.models import migrations
from desktop_cs.models.customer import CustomerSearch
from desktop_cs.services import assignment, customers, demo_data, imports, merge
from desktop_cs.services.customers import CustomerInput, CustomerQuery
from desktop_cs.services.search_keys import normalize_query
from tests import data_files as files
from tests.data_files import HEADER, customer_row, mobile

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def new(actor, name="张三", **kw) -> int:
    return customers.create_customer(actor, CustomerInput(name=name, **kw))


def edit(actor, cid: int, **changes) -> None:
    d = customers.get_customer(actor, cid)
    data = CustomerInput(name=d.name, mobile=None, id_number=None, email=d.email, im_id=d.im_id,
                         customer_type=d.customer_type, tier_id=d.tier_id, source=d.source,
                         referred_by_id=d.referred_by_id, registered=d.registered, memo=d.memo,
                         preferred_time=d.preferred_time, do_not_call=d.do_not_call, tags=list(d.tags))
    for name, value in changes.items():
        setattr(data, name, value)
    customers.update_customer(actor, cid, data)


def assert_in_sync() -> None:
    """Every customer has its one search row, holding its keys, live flag and specialist."""
    expected = {c.id: (c.search_key, c.deleted_at is None and c.merged_into_id is None, c.assigned_to_id)
                for c in Customer.select()}
    actual = {r.customer_id: (r.keys, bool(r.live), r.assigned_to_id) for r in CustomerSearch.select()}
    assert actual == expected


def keys(cid: int) -> str:
    return CustomerSearch.get(CustomerSearch.customer == cid).keys


def found(actor, text="", **kw) -> list[int]:
    return [r.id for r in customers.search_page(actor, CustomerQuery(text=text, **kw))]


def test_create_writes_the_search_row(supervisor, specialist):
    a = new(supervisor, "張三", mobile="13812345678", email="Zhang@Example.com", tags=["VIP客户"])
    b = new(specialist, "李四")
    assert_in_sync()
    assert keys(a).split("\x1f")[:3] == ["张三", "zhangsan", "zs"]
    assert "13812345678" in keys(a) and "zhang@example.com" in keys(a) and "vip客户" in keys(a)
    assert CustomerSearch.get(CustomerSearch.customer == b).assigned_to_id == specialist.id
    assert found(specialist, "李") == [b] and found(specialist, "张") == []


def test_edit_of_name_mobile_and_tags_follows(supervisor):
    cid = new(supervisor, "张三", mobile="13812345678", tags=["老客户"])
    edit(supervisor, cid, name="王五", mobile="13900001111", tags=["新标签"])
    assert_in_sync()
    for gone in ("张三", "zhangsan", "5678", "老客户"):
        assert found(supervisor, gone) == [], gone
    for text in ("王五", "ww", "1111", "新标签"):
        assert found(supervisor, text) == [cid], text


def test_assignment_handover_delete_and_restore_follow(supervisor, specialist):
    from desktop_cs.services import users
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", "test-pass-123")
    cid = new(supervisor, "张三")
    assert found(specialist, "张") == []
    assignment.assign(supervisor, [cid], specialist.id)
    assert_in_sync()
    assert found(specialist, "张") == [cid] and found(supervisor, "张", specialist_id=specialist.id) == [cid]
    assignment.handover(supervisor, specialist.id, other.id)
    assert_in_sync()
    assert found(specialist, "张") == [] and found(supervisor, "张", specialist_id=other.id) == [cid]
    customers.delete_customer(supervisor, cid, "重复")
    assert_in_sync()
    assert found(supervisor, "张") == [] and found(supervisor, "张", deleted=True) == [cid]
    customers.restore_customer(supervisor, cid)
    assert_in_sync()
    assert found(supervisor, "张") == [cid] and found(supervisor, "张", deleted=True) == []


def test_merge_follows(supervisor):
    keep = new(supervisor, "张三", mobile="13812345678")
    absorb = new(supervisor, "张叁", mobile="13900001111", email="z3@example.com", tags=["老客户"])
    merge.merge(supervisor, keep, absorb, {"email"})
    assert_in_sync()
    assert not CustomerSearch.get(CustomerSearch.customer == absorb).live
    assert found(supervisor, "老客户") == [keep] and found(supervisor, "z3@example") == [keep]
    assert found(supervisor, "张叁") == []
    assert customers.count(supervisor, CustomerQuery(text="张")) == 1


def test_erase_follows(supervisor):
    cid = new(supervisor, "张三", mobile="13812345678", email="z3@example.com", tags=["老客户"])
    customers.erase_personal_data(supervisor, cid, "客户申请 2026-11-20")
    assert_in_sync()
    for gone in ("张三", "zs", "5678", "z3@example", "老客户"):
        assert found(supervisor, gone) == [], gone


def test_import_of_new_and_updated_customers_follows(tmp_path, supervisor):
    cid = new(supervisor, "老客户", mobile=mobile(1))
    rows = [customer_row(1, 姓名="老客户", 邮箱="changed@example.com")] + [customer_row(i) for i in range(2, 5)]
    path = files.write_csv(tmp_path / "c.csv", HEADER + ["标签"], [r + ["导入标签"] for r in rows],
                           encoding="utf-8-sig")
    plan = imports.preview(supervisor, path)
    plan.decide(2, "update")
    report = imports.run_import(supervisor, plan)
    assert (report.created, report.updated) == (3, 1)
    assert_in_sync()
    assert found(supervisor, "changed@example") == [cid]
    assert len(found(supervisor, "导入标签")) == 4
    assert found(supervisor, mobile(3)) == [Customer.get(Customer.mobile == mobile(3)).id]


def test_demo_data_bulk_load_follows(db):
    summary = demo_data.generate(None, 120, seed=5)
    assert summary.customers == 120
    assert_in_sync()


def test_a_row_written_below_the_services_follows_too(supervisor):
    """The triggers, not the services, keep the table: a plain UPDATE of the customer row is seen."""
    cid = new(supervisor, "张三")
    Customer.update(search_key="直接写入", deleted_at=NOW).where(Customer.id == cid).execute()
    assert_in_sync()
    Customer.update(deleted_at=None).where(Customer.id == cid).execute()
    assert found(supervisor, "直接") == [cid]


def _reference_ids(actor, query: CustomerQuery, limit: int = customers.PAGE_SIZE) -> list[int]:
    """The same page computed the old way: LIKE over the customer rows' own search_key column."""
    conditions = customers._scope(actor, query) + customers._specialist_filter(query, Customer.assigned_to) \
        + customers._filters(query)
    text = normalize_query(query.text)
    if text:
        conditions.append(customers._like(Customer.search_key, text))
    select = customers._sort_joins(Customer.select(Customer.id), query)
    return [r[0] for r in select.where(*conditions).order_by(*customers._order(query)).limit(limit).tuples()]


def test_results_are_those_of_a_scan_of_the_customer_rows(supervisor, specialist):
    names = ["张三", "張伟", "张伟", "欧阳明辉", "李四", "王五", "赵六", "单田芳", "张小凡", "刘德华"]
    ids = []
    for i in range(60):
        ids.append(new(supervisor if i % 3 else specialist, names[i % len(names)] + ("" if i < 10 else str(i)),
                       mobile=f"13{i % 10}{i:04d}5678", email=f"c{i}@{'qq' if i % 2 else 'example'}.com",
                       customer_type=("investor", "borrower", "prospect")[i % 3], tags=["VIP"] if i % 5 == 0 else []))
    customers.delete_customer(supervisor, ids[7], "重复")
    merge.merge(supervisor, ids[0], ids[10])
    assignment.assign(supervisor, ids[20:30], specialist.id)
    texts = ["张", "张伟", "欧阳明辉", "5678", "qq.com", "zw", "zx", "1", "%", "_", "vip", "no match"]
    queries = [CustomerQuery(text=t, sort="id", descending=True) for t in texts]
    queries += [CustomerQuery(text=t, customer_type="investor") for t in texts[:4]]
    queries += [CustomerQuery(text=t, sort="name") for t in texts[:4]]
    queries += [CustomerQuery(text=t, sort=s, descending=True) for t in ("张", "5678") for s in ("tier", "specialist")]
    queries += [CustomerQuery(text="张", specialist_id=specialist.id), CustomerQuery(text="张", unassigned=True),
                CustomerQuery(text="5678", deleted=True), CustomerQuery(text="张", tag="VIP")]
    for query in queries:
        assert found(supervisor, **vars(query)) == _reference_ids(supervisor, query), query
        assert customers.count(supervisor, query) == len(_reference_ids(supervisor, query, 10_000)), query
    for query in (CustomerQuery(text="张"), CustomerQuery(text="5678", all_customers=True),
                  CustomerQuery(text="qq", customer_type="prospect")):
        assert found(specialist, **vars(query)) == _reference_ids(specialist, query), query
    # pages of a text search follow each other without overlap
    first = customers.search_page(supervisor, CustomerQuery(text="5678"), 0, 7)
    second = customers.search_page(supervisor, CustomerQuery(text="5678"), 7, 7)
    assert [r.id for r in first + second] == _reference_ids(supervisor, CustomerQuery(text="5678"))[:14]


def test_migration_fills_the_table_from_existing_customers(tmp_path, monkeypatch):
    """A database at version 3 with customers gains one search row per customer, then follows writes."""
    database_file = tmp_path / "v3.sqlite3"
    db = dbmod.make_sqlite_database(database_file)
    db.connect()
    try:
        monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m.version <= 3])
        migrations.migrate(db)
        db.execute_sql('INSERT INTO "customer" ("id", "name", "search_key", "customer_type", "source", "memo", '
                       '"preferred_time", "do_not_call", "created_at", "updated_at", "version", "deleted_at") '
                       "VALUES (1, '张三', '张三\x1fzhangsan\x1fzs', 'prospect', 'hotline', '', '', 0, "
                       "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, NULL), "
                       "(2, '李四', '李四\x1flisi\x1fls', 'prospect', 'hotline', '', '', 0, "
                       "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, '2026-02-01 00:00:00')")
        monkeypatch.undo()
        assert migrations.migrate(db) == [v for v in range(4, migrations.latest_version() + 1)]
        rows = db.execute_sql('SELECT "customer_id", "keys", "live", "assigned_to_id" FROM "customer_search" '
                              'ORDER BY 1').fetchall()
        assert rows == [(1, "张三\x1fzhangsan\x1fzs", 1, None), (2, "李四\x1flisi\x1fls", 0, None)]
        db.execute_sql('UPDATE "customer" SET "search_key" = \'x\', "deleted_at" = NULL WHERE "id" = 2')
        assert db.execute_sql('SELECT "keys", "live" FROM "customer_search" WHERE "customer_id" = 2').fetchone() \
            == ("x", 1)
    finally:
        db.close()


def test_the_search_table_is_not_written_by_the_program():
    """Derived rows: only the triggers write them (a service writing too would race them)."""
    import inspect
    for module in (customers, merge, imports, demo_data, assignment):
        source = inspect.getsource(module)
        assert "CustomerSearch.insert" not in source and "CustomerSearch.update" not in source
        assert 'INTO "customer_search"' not in source
    assert isinstance(CustomerSearch.live, pw.BooleanField) and database is not None


def test_the_page_sql_kept_between_keystrokes_follows_actor_filters_and_clock(supervisor, specialist):
    from desktop_cs.services.errors import PermissionDenied
    mine = new(specialist, "张三")
    theirs = new(supervisor, "张三丰", customer_type="investor")
    gone = new(supervisor, "张三姐")
    customers.delete_customer(supervisor, gone)
    for text in ("张", "张三", "zs", "李", "张三丰"):          # typing: the same query, another text
        assert found(supervisor, text) == _reference_ids(supervisor, CustomerQuery(text=text)), text
    assert found(specialist, "张") == [mine]
    assert found(supervisor, "张", customer_type="investor") == [theirs]
    assert found(supervisor, "张", deleted=True) == [gone]
    with pytest.raises(PermissionDenied):
        found(specialist, "张", deleted=True)
    assignment.assign(supervisor, [theirs], specialist.id)
    assert found(supervisor, "张", not_contacted=True) == []
    clock.freeze(NOW + dt.timedelta(days=8))          # the week has passed: the deadline is not kept
    assert found(supervisor, "张", not_contacted=True) == [mine, theirs]   # both a week without a contact
