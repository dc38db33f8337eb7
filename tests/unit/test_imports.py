"""Customer import: reading real files (openpyxl, xlwt, csv in each encoding), the preview's problems on the right
rows, all-or-nothing writes, re-import, duplicates, hostile files."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_cs.models import db as dbmod
from desktop_cs.models import (Assignment, AuditEntry, Callback, Customer, CustomerTag, Tag, Tier, database)
from desktop_cs.services import customers, imports, spreadsheets
from desktop_cs.services.customers import CustomerInput, CustomerQuery
from desktop_cs.services.errors import PermissionDenied, ValidationError
from desktop_cs.services.spreadsheets import FileRefused
from tests import data_files as files
from tests.data_files import HEADER, customer_row, id_number, mobile

TABLES = (Customer, CustomerTag, Tag, Assignment, Callback, AuditEntry)


def counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in TABLES}


def snapshot() -> list[tuple]:
    return list(Customer.select().order_by(Customer.id).tuples())


@pytest.fixture
def tiers(supervisor):
    for name in ("VIP", "普通"):
        Tier.create(name=name)
    return {t.name: t.id for t in Tier.select()}


def codes(plan: imports.Preview) -> dict[int, set[str]]:
    return {r.line: {p.code for p in r.problems} for r in plan.rows if r.problems}


# -- reading ---------------------------------------------------------------------------------------

def test_headers_are_guessed_in_chinese_and_english():
    assert imports.guess_mapping(["客户姓名", "联系电话", "身份证号码", "电子邮箱", "客户等级", "来源", "专员", "备注"]) == {
        0: "name", 1: "mobile", 2: "id_number", 3: "email", 4: "tier", 5: "source", 6: "specialist", 7: "memo"}
    assert imports.guess_mapping(["Name", "Mobile", "ID number", "E-mail", "Tier", "Remarks", "Unknown"]) == {
        0: "name", 1: "mobile", 2: "id_number", 3: "email", 4: "tier", 5: "memo"}
    # the first of two name-like columns wins, "(必填)" and spaces do not matter
    assert imports.guess_mapping(["姓 名(必填)", "客户名称", "手机号*"]) == {0: "name", 2: "mobile"}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encoding_and_separator_are_detected(tmp_path, supervisor, encoding, delimiter):
    rows = [customer_row(1, 姓名="张三丰"), customer_row(2, 姓名="欧阳娜娜", 备注="逗号, 分号; 都在")]
    path = files.write_csv(tmp_path / "c.csv", HEADER, rows, encoding=encoding, delimiter=delimiter)
    found = imports.inspect_file(path)
    assert found.table.delimiter == delimiter
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030", "gb18030": "gb18030"}[encoding]
    assert found.table.encoding == expected
    assert found.guessed[0] == "name" and found.guessed[1] == "mobile"
    plan = imports.preview(supervisor, path, inspection=found)
    assert [r.value("name") for r in plan.rows] == ["张三丰", "欧阳娜娜"]
    assert plan.rows[1].value("memo") == "逗号, 分号; 都在"


def test_encoding_can_be_overridden(tmp_path):
    path = files.write_csv(tmp_path / "gbk.csv", HEADER, [customer_row(1, 姓名="张三")], encoding="gbk")
    assert imports.inspect_file(path, encoding="GBK").sample[0][0] == "张三"
    with pytest.raises(FileRefused, match="UTF-8"):
        imports.inspect_file(path, encoding="utf-8")


def test_xlsx_and_xls_numbers_and_dates(tmp_path, supervisor):
    born = dt.datetime(2023, 7, 15)
    rows = [customer_row(1, 手机号码=13812345678, 注册日期=born)]
    for path in (files.write_xlsx(tmp_path / "c.xlsx", HEADER, rows), files.write_xls(tmp_path / "c.xls", HEADER, rows)):
        plan = imports.preview(supervisor, path)
        row = plan.rows[0]
        assert row.value("mobile") == "13812345678"
        assert row.value("registered_at") == born
        assert "mobile_number" in {p.code for p in row.problems}      # a warning: imported, but said


def test_every_problem_kind_is_reported_on_its_row(tmp_path, supervisor, specialist, tiers):
    existing = customers.create_customer(supervisor, CustomerInput(name="老客户", mobile=mobile(900)))
    by_id = customers.create_customer(supervisor, CustomerInput(name="老客户二", id_number=id_number(901)))
    customers.create_customer(supervisor, CustomerInput(name="同名客户"))
    bad_checksum = id_number(3)[:-1] + ("0" if id_number(3)[-1] != "0" else "1")
    rows = [
        customer_row(1, 专员="李专员", 等级="VIP"),                               # 2 fine
        customer_row(2, 身份证号码=bad_checksum),                                 # 3 checksum
        customer_row(3, 身份证号码="1.10105E+17"),                                # 4 scientific notation
        customer_row(4, 身份证号码=110105194912310000),                           # 5 number, last digits zeroed
        customer_row(5, 手机号码=13812345678.0),                                  # 6 mobile stored as a number
        customer_row(6, 注册日期=45123),                                          # 7 date as an Excel serial
        customer_row(7, 手机号码=mobile(1)),                                      # 8 same mobile as row 2
        customer_row(8, 手机号码=mobile(900), 身份证号码=""),                      # 9 archive: same mobile
        customer_row(9, 手机号码="", 身份证号码=id_number(901)),                  # 10 archive: same ID
        customer_row(10, 专员="王大锤"),                                          # 11 unknown specialist
        customer_row(11, 等级="钻石"),                                            # 12 unknown tier
        customer_row(12, 姓名=""),                                                # 13 name missing
        customer_row(13, 邮箱="not-an-email"),                                    # 14 bad email
        customer_row(14, 姓名="同名客户", 手机号码="", 身份证号码="", 邮箱=""),      # 15 possible duplicate by name
        customer_row(15, 手机号码="12345"),                                       # 16 invalid mobile
    ]
    path = files.write_xlsx(tmp_path / "problems.xlsx", HEADER, rows)
    plan = imports.preview(supervisor, path)
    found = codes(plan)
    assert 2 not in found
    assert found[3] == {"id_checksum"}
    assert found[4] == {"id_scientific"}
    assert found[5] == {"id_zeroed"}
    assert found[6] == {"mobile_number"}
    assert found[7] == {"date_serial"}
    assert found[8] == {"duplicate_in_file"}
    assert found[9] == {"duplicate_archive"} and plan.row(9).match_id == existing
    assert found[10] == {"duplicate_archive"} and plan.row(10).match_kind == "id_number"
    assert plan.row(10).match_id == by_id
    assert found[11] == {"specialist_unknown"}
    assert found[12] == {"tier_unknown"}
    assert found[13] == {"name_missing"}
    assert found[14] == {"email_invalid"}
    assert found[15] == {"possible_duplicate"}
    assert found[16] == {"mobile_invalid"}
    assert plan.row(7).value("registered_at") == dt.datetime(2023, 7, 16)   # Excel: 45123 = 2023-07-16
    assert plan.row(6).value("mobile") == "13812345678"
    decisions = {r.line: r.decision for r in plan.rows}
    assert decisions[2] == decisions[6] == decisions[7] == "new"
    assert decisions[9] == decisions[10] == decisions[15] == "skip"
    assert {line for line, d in decisions.items() if d == "refuse"} == {3, 4, 5, 8, 11, 12, 13, 14, 16}
    assert plan.row(15).allowed_decisions() == ("skip", "update", "new")
    assert plan.row(9).allowed_decisions() == ("skip", "update")


def test_excel_mangled_text_in_a_csv(tmp_path, supervisor):
    rows = [customer_row(1, 身份证号码="1.10105E+17"), customer_row(2, 身份证号码="110105194912310000"),
            customer_row(3, 手机号码="13812345678.0"), customer_row(4, 手机号码="1.38123E+10"),
            customer_row(5, 注册日期="45123"), customer_row(6, 注册日期="2024年3月5日"), customer_row(7, 注册日期="明天")]
    path = files.write_csv(tmp_path / "excel.csv", HEADER, rows, encoding="gbk")
    plan = imports.preview(supervisor, path)
    found = codes(plan)
    assert found[2] == {"id_scientific"}
    assert found[3] == {"id_zeroed"}
    assert found[4] == {"mobile_number"} and plan.row(4).value("mobile") == "13812345678"
    assert found[5] == {"mobile_scientific"}
    assert found[6] == {"date_serial"}
    assert 7 not in found and plan.row(7).value("registered_at") == dt.datetime(2024, 3, 5)
    assert found[8] == {"date_invalid"}


def test_the_apostrophe_an_export_added_is_stripped(tmp_path, supervisor):
    rows = [customer_row(1, 备注="'=1+1"), customer_row(2, 备注="'-5 元"), customer_row(3, 备注="'普通撇号")]
    plan = imports.preview(supervisor, files.write_csv(tmp_path / "q.csv", HEADER, rows))
    assert [r.value("memo") for r in plan.rows] == ["=1+1", "-5 元", "'普通撇号"]


# -- writing ---------------------------------------------------------------------------------------

def test_import_writes_customers_tags_assignments_and_one_audit_entry(tmp_path, supervisor, specialist, tiers):
    rows = [customer_row(i, 专员="李专员" if i % 2 else "", 等级="VIP" if i < 3 else "普通", 来源="网站") for i in range(1, 6)]
    rows[0][HEADER.index("备注")] = "大客户"
    path = files.write_xlsx(tmp_path / "c.xlsx", HEADER + ["标签"], [r + ["重要，回访"] for r in rows])
    before = AuditEntry.select().count()
    plan = imports.preview(supervisor, path)
    report = imports.run_import(supervisor, plan)
    assert (report.created, report.updated, report.skipped, report.refused) == (5, 0, 0, 0)
    if dbmod.is_sqlite():     # this PC's file is copied first; a team server's backups are the administrator's
        assert report.backup_path is not None and report.backup_path.exists()
    else:
        assert report.backup_path is None
    c = Customer.get(Customer.mobile == mobile(1))
    assert (c.name, c.id_number, c.email, c.customer_type, c.tier_id, c.source, c.memo) == (
        "客户1", id_number(1), "c1@example.com", "investor", tiers["VIP"], "website", "大客户")
    assert c.assigned_to_id == specialist.id and c.created_by_id == supervisor.id
    assert c.registered_at == dt.datetime(2024, 3, 15)
    assert sorted(t.tag.name for t in c.tag_links) == ["回访", "重要"]
    assert Assignment.select().where(Assignment.reason == "import").count() == 3
    # an existing relationship by default: no "assigned" date, so no one-week first contact and no callback
    assert c.assigned_at is None and Callback.select().where(Callback.customer == c.id).count() == 0
    assert not customers.search_page(supervisor, CustomerQuery(not_contacted=True, all_customers=True))
    # found by the archive's search (the search keys were written): pinyin initials and the mobile
    hits = customers.search_page(supervisor, CustomerQuery(text="kh", all_customers=True))
    assert len(hits) == 5
    assert customers.search_page(supervisor, CustomerQuery(text=mobile(3), all_customers=True))[0].name == "客户3"
    entries = list(AuditEntry.select().where(AuditEntry.id > 0).order_by(AuditEntry.id))[before:]
    imported = [e for e in entries if e.action == "customers_imported"]
    assert len(imported) == 1
    details = json.loads(imported[0].details)
    assert details["created"] == 5 and details["file"] == "c.xlsx"
    assert mobile(1) not in imported[0].details and id_number(1) not in imported[0].details


def test_importing_the_same_file_again_changes_nothing(tmp_path, supervisor, tiers):
    rows = [customer_row(i, 等级="VIP") for i in range(1, 30)] + [customer_row(99, 手机号码="", 身份证号码="", 邮箱="")]
    path = files.write_csv(tmp_path / "again.csv", HEADER, rows, encoding="utf-8-sig")
    first = imports.run_import(supervisor, imports.preview(supervisor, path))
    assert first.created == 30
    state, table_counts = snapshot(), counts()
    backups_before = sorted((p.name for p in (tmp_path / "data" / "backups").iterdir()))
    again = imports.run_import(supervisor, imports.preview(supervisor, path))
    assert (again.created, again.updated, again.skipped) == (0, 0, 30)
    assert snapshot() == state and counts() == table_counts
    # nothing to write: not even a backup was needed
    assert sorted(p.name for p in (tmp_path / "data" / "backups").iterdir()) == backups_before
    again = imports.run_import(supervisor, imports.preview(supervisor, path, on_duplicate="update"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 30)
    assert snapshot() == state and counts() == table_counts


def test_duplicates_are_updated_when_chosen(tmp_path, supervisor, tiers):
    cid = customers.create_customer(supervisor, CustomerInput(name="老客户", mobile=mobile(1)))
    version = Customer.get_by_id(cid).version
    path = files.write_xlsx(tmp_path / "u.xlsx", HEADER, [customer_row(1, 姓名="老客户", 等级="VIP", 备注="")])
    plan = imports.preview(supervisor, path)
    assert plan.rows[0].decision == "skip"
    plan.decide(2, "update")
    with pytest.raises(ValidationError):
        plan.decide(2, "new")          # same mobile: never a second customer
    report = imports.run_import(supervisor, plan)
    assert (report.created, report.updated) == (0, 1)
    c = Customer.get_by_id(cid)
    assert (c.email, c.id_number, c.tier_id, c.version) == ("c1@example.com", id_number(1), tiers["VIP"], version + 1)
    assert c.memo == ""                 # an empty cell keeps the stored value
    assert customers.search_page(supervisor, CustomerQuery(text="c1@example", all_customers=True))[0].id == cid


def test_a_possible_duplicate_can_be_imported_as_new(tmp_path, supervisor):
    customers.create_customer(supervisor, CustomerInput(name="王伟"))
    path = files.write_csv(tmp_path / "n.csv", ["姓名", "备注"], [["王伟", "另一位王伟"]])
    plan = imports.preview(supervisor, path)
    assert plan.rows[0].match_kind == "name" and plan.rows[0].decision == "skip"
    plan.decide(2, "new")
    assert imports.run_import(supervisor, plan).created == 1
    assert Customer.select().where(Customer.name == "王伟").count() == 2


def test_a_failure_midway_leaves_the_database_as_it_was(tmp_path, supervisor, specialist, monkeypatch):
    path = files.write_xlsx(tmp_path / "f.xlsx", HEADER, [customer_row(i, 专员="李专员") for i in range(1, 60)])
    plan = imports.preview(supervisor, path)
    before, state = counts(), snapshot()
    monkeypatch.setattr(imports, "BATCH", 10)
    real = imports._insert_batch
    calls = []

    def failing(rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise OSError("disk unplugged")
        real(rows)

    monkeypatch.setattr(imports, "_insert_batch", failing)
    with pytest.raises(OSError):
        imports.run_import(supervisor, plan)
    assert len(calls) == 3
    assert counts() == before and snapshot() == state


def test_cancel_leaves_the_database_as_it_was(tmp_path, supervisor, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 5)
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(i) for i in range(1, 3000)])
    plan = imports.preview(supervisor, path)
    before = counts()
    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 2000

    with pytest.raises(imports.ImportCancelled):
        imports.run_import(supervisor, plan, progress)
    assert seen and counts() == before


def test_a_customer_added_after_the_preview_is_not_duplicated(tmp_path, supervisor):
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(1), customer_row(2)])
    plan = imports.preview(supervisor, path)
    assert [r.decision for r in plan.rows] == ["new", "new"]
    customers.create_customer(supervisor, CustomerInput(name="抢先录入", mobile=mobile(2)))
    report = imports.run_import(supervisor, plan)
    assert (report.created, report.skipped) == (1, 1)
    assert Customer.select().where(Customer.mobile == mobile(2)).count() == 1


def test_refused_rows_are_written_to_a_file_that_imports_once_fixed(tmp_path, supervisor):
    rows = [customer_row(1), customer_row(2, 身份证号码="1.10105E+17"), customer_row(3, 邮箱="bad@")]
    plan = imports.preview(supervisor, files.write_xlsx(tmp_path / "in.xlsx", HEADER, rows))
    report = imports.run_import(supervisor, plan)
    assert (report.created, report.refused) == (1, 2)
    out = tmp_path / "refused.xlsx"
    assert imports.write_refused_rows(plan, out) == 2
    from openpyxl import load_workbook
    wb = load_workbook(out)
    ws = wb.active
    assert [c.value for c in ws[1]][:len(HEADER)] == HEADER
    assert "科学计数法" in ws.cell(2, len(HEADER) + 1).value or "scientific" in ws.cell(2, len(HEADER) + 1).value
    ws.cell(2, 3).value = id_number(2)
    ws.cell(3, 4).value = "good@example.com"
    wb.save(out)
    again = imports.run_import(supervisor, imports.preview(supervisor, out))
    assert (again.created, again.refused) == (2, 0)


def test_a_saved_mapping_maps_odd_headers(tmp_path, supervisor):
    header = ["客户", "号码A", "证B"]
    imports.save_mapping(supervisor, "银行导出", header, {0: "name", 1: "mobile", 2: "id_number"})
    path = files.write_csv(tmp_path / "odd.csv", header, [["张三", mobile(1), id_number(1)]])
    found = imports.inspect_file(path)
    assert found.guessed == {0: "name"}
    mapping = imports.apply_saved_mapping(found.header, "银行导出")
    plan = imports.preview(supervisor, path, mapping, inspection=found)
    assert plan.rows[0].value("id_number") == id_number(1)
    with pytest.raises(ValidationError):
        imports.apply_saved_mapping(found.header, "nope")
    with pytest.raises(ValidationError):
        imports.check_mapping({0: "mobile"})           # no name column


def test_a_specialist_cannot_import(tmp_path, specialist):
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(1)])
    with pytest.raises(PermissionDenied):
        imports.preview(specialist, path)


# -- hostile files ---------------------------------------------------------------------------------

HOSTILE_MESSAGES = {
    "zip_bomb_ratio": "zip", "zip_bomb_claimed": "zip", "xml_bomb": "XML", "xml_bomb_padded": "XML",
    "binary_as_csv": "NUL", "png_as_csv": "image", "xlsx_as_csv": ".xlsx", "nul_bytes": "NUL", "nul_late": "NUL",
    "huge_field": "1,000,000", "long_cell": "32,767", "empty_rows_csv": "500,000", "empty_rows_xlsx": "500,000",
    "not_a_zip": "zip",
}


@pytest.mark.parametrize("kind", sorted(files.HOSTILE))
def test_a_hostile_file_gets_a_clear_message_and_imports_nothing(tmp_path, supervisor, kind):
    from desktop_cs import i18n
    i18n.set_language("en")
    path = files.HOSTILE[kind](tmp_path)
    before = counts()
    with pytest.raises(FileRefused) as refused:
        plan = imports.preview(supervisor, path)
        imports.run_import(supervisor, plan)
    assert HOSTILE_MESSAGES[kind] in refused.value.message
    assert "Traceback" not in refused.value.message
    assert counts() == before


def test_only_empty_rows_is_refused_with_a_message(tmp_path, supervisor):
    path = files.empty_rows_csv(tmp_path, count=1000)
    with pytest.raises(FileRefused, match="1,000"):
        imports.preview(supervisor, path)


def test_formula_neutralising_round_trips():
    for text in ("=SUM(A1)", "+86 138", "-5", "@cmd", "\tx", "\rx", "'quoted", "''", "plain", "", "'"):
        assert spreadsheets.unneutralise(spreadsheets.neutralise(text)) == text
    assert spreadsheets.neutralise("=1+1") == "'=1+1"
    assert spreadsheets.neutralise("plain") == "plain"


def test_new_assignments_start_the_one_week_first_contact(tmp_path, supervisor, specialist):
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(i, 专员="spec1") for i in range(1, 4)])
    plan = imports.preview(supervisor, path, new_assignments=True)
    imports.run_import(supervisor, plan)
    c = Customer.get(Customer.mobile == mobile(1))
    assert c.assigned_to_id == specialist.id and c.assigned_at is not None
    assert Callback.select().where(Callback.customer == c.id, Callback.assigned_to == specialist.id).count() == 1


def test_the_email_shortcut_agrees_with_the_archive_rule():
    from desktop_cs.services import identity
    cases = ["a@example.com", "Zhang.San@QQ.COM", "x+tag@163.com", "a@b", "a@localhost", "a@.com", "a@-x.com",
             "a@x..com", "a..b@x.com", ".a@x.com", "a.@x.com", "a@b@c.com", '"q"@x.com', "张三@例子.中国", "a@例子.中国",
             "a@x.c0m", "a@[1.2.3.4]", "A@Example.Com", "a" * 65 + "@x.com", "a@" + "x" * 64 + ".com",
             "a@example.test", "a@x.invalid", "a@x.local", "user@mail.sina.com.cn", " spaced@x.com ",
             "ｆｕｌｌ@ｗｉｄｔｈ.com", "a@x.com.", "a@_x.com", "a b@x.com", "a@x_y.com", "a@com"]

    def outcome(fn, text):
        try:
            return "ok", fn(text)
        except ValidationError as exc:
            return "refused", exc.message

    for text in cases:
        assert outcome(imports.normalize_email, text) == outcome(identity.normalize_email, text), text
