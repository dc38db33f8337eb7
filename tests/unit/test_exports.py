"""Exports: masked unless full values are chosen (audited), no formula cell, numbers stay numbers, UTF-8 with BOM,
and customers exported then imported come back unchanged."""
from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from desktop_cs import paths
from desktop_cs.models import (AuditEntry, Callback, Complaint, Customer, PointsEntry, Tier, User)
from desktop_cs.models import db as dbmod
from desktop_cs.services import customers, demo_data, exports, imports, users
from desktop_cs.services.customers import CustomerInput, CustomerQuery
from desktop_cs.services.errors import PermissionDenied, ValidationError
from desktop_cs.services.masking import mask_id_number, mask_mobile
from tests.data_files import id_number, mobile

NASTY_MEMOS = ["=HYPERLINK(\"http://evil\",\"点我\")", "+86 138 0000 0000", "-5 分", "@SUM(A1)", "\t制表符开头",
               "'引号开头", "普通备注"]


@pytest.fixture
def demo(db):
    demo_data.generate(None, 30, seed=5)
    boss = users.authenticate("supervisor", "demo1234")
    return boss


@pytest.fixture
def nasty(supervisor):
    ids = []
    for n, memo in enumerate(NASTY_MEMOS):
        ids.append(customers.create_customer(supervisor, CustomerInput(
            name=f"=客户{n}" if n == 0 else f"客户{n}", mobile=mobile(n), id_number=id_number(n), memo=memo,
            email=f"c{n}@example.com", tags=["=标签"] if n == 0 else [])))
    return ids


def all_cells(path):
    wb = load_workbook(path)
    return [cell for row in wb.active.iter_rows() for cell in row]


def test_masked_xlsx_has_no_formula_and_no_full_number(tmp_path, supervisor, nasty):
    target = tmp_path / "customers.xlsx"
    result = exports.export(supervisor, "customers", target)
    assert result.rows == len(NASTY_MEMOS) and not result.full_values
    cells = all_cells(target)
    assert not [c for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]
    for n in range(len(NASTY_MEMOS)):
        assert not [t for t in texts if mobile(n) in t or id_number(n) in t]
        assert mask_mobile(mobile(n)) in texts and mask_id_number(id_number(n)) in texts
    assert "'=HYPERLINK(\"http://evil\",\"点我\")" in texts and "'=客户0" in texts and "''引号开头" in texts
    numbers = [c.value for c in cells if c.column == 1 and c.row > 1]
    assert numbers == sorted(nasty) and all(isinstance(v, int) for v in numbers)   # numbers stay numbers


def test_csv_export_has_a_bom_and_neutralised_text(tmp_path, supervisor, nasty):
    target = tmp_path / "customers.csv"
    exports.export(supervisor, "customers", target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["编号", "姓名", "手机"] or rows[0][:3] == ["No.", "Name", "Mobile"]
    memos = [r[11] for r in rows[1:]]
    assert memos[0].startswith("'=") and memos[1].startswith("'+") and memos[2].startswith("'-")
    assert all(not m.startswith(("=", "+", "-", "@", "\t")) for m in memos)


def test_full_values_are_audited(tmp_path, supervisor, nasty):
    target = tmp_path / "full.xlsx"
    exports.export(supervisor, "customers", target, full_values=True)
    texts = [c.value for c in all_cells(target) if isinstance(c.value, str)]
    assert mobile(1) in texts and id_number(1) in texts
    entry = AuditEntry.select().where(AuditEntry.action == "data_exported").order_by(AuditEntry.id.desc()).get()
    details = json.loads(entry.details)
    assert details["full_values"] is True and details["rows"] == len(NASTY_MEMOS) and details["kind"] == "customers"


def test_the_archive_filter_is_exported(tmp_path, supervisor, nasty):
    result = exports.export(supervisor, "customers", tmp_path / "one.xlsx",
                            query=CustomerQuery(text=mobile(2), all_customers=True))
    assert result.rows == 1


def test_a_specialist_cannot_export(tmp_path, specialist):
    with pytest.raises(PermissionDenied):
        exports.export(specialist, "customers", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_bad_targets_are_refused(tmp_path, supervisor):
    with pytest.raises(ValidationError):
        exports.export(supervisor, "customers", tmp_path / "x.txt")
    with pytest.raises(ValidationError):
        exports.export(supervisor, "customers", tmp_path / "missing" / "x.csv")


def test_app_made_names_never_overwrite(tmp_path):
    first = exports.target_in(tmp_path, "points", "csv")
    assert first.parent == tmp_path and first.name.startswith("points-") and first.name.isascii()
    first.write_text("x")
    second = exports.target_in(tmp_path, "points", "csv")
    assert second != first and not second.exists()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_callbacks_complaints_and_points_ledger(tmp_path, demo, fmt):
    expected = {"callbacks": Callback.select().count(), "complaints": Complaint.select().count(),
                "points": PointsEntry.select().count()}
    for kind, count in expected.items():
        target = tmp_path / f"{kind}.{fmt}"
        assert exports.export(demo, kind, target).rows == count
        if fmt == "xlsx":
            cells = all_cells(target)
            assert not [c for c in cells if c.data_type == "f"]
            if kind == "points":
                points = [c.value for c in cells if c.column == 7 and c.row > 1]
                assert all(isinstance(v, int) for v in points)       # signed integers, never text
                assert sum(points) == sum(e.points for e in PointsEntry.select())
        full = {c.mobile for c in Customer.select() if c.mobile}
        text = target.read_bytes().decode("utf-8-sig", "replace") if fmt == "csv" else \
            " ".join(str(c.value) for c in all_cells(target))
        assert not [m for m in full if m in text]


def _another_team_database(request) -> str | None:
    """On the team server, a second empty database (the other office); None on SQLite (the new data folder's file)."""
    from desktop_cs.services import connection
    if not connection.configured_url():
        return None
    server = request.getfixturevalue("postgres_server")
    url = server.new_database()
    request.addfinalizer(lambda: server.drop_database(url))
    return url


def test_an_export_imports_back_unchanged(request, tmp_path, data_dir, supervisor, specialist):
    Tier.create(name="VIP")
    vip = Tier.get(Tier.name == "VIP").id
    for n, memo in enumerate(NASTY_MEMOS):
        cid = customers.create_customer(supervisor, CustomerInput(
            name=f"客户{n}", mobile=mobile(n), id_number=id_number(n) if n % 2 else "", memo=memo,
            email=f"c{n}@example.com" if n % 3 else "", im_id="qq12345" if n == 1 else "",
            customer_type="investor" if n % 2 else "borrower", tier_id=vip if n < 3 else None,
            source="website" if n % 2 else "hotline", tags=["重要", "回访"] if n == 2 else [], registered=n == 4))
        if n % 2:
            from desktop_cs.services import assignment
            assignment.assign(supervisor, [cid], specialist.id)

    fields = ("name", "mobile", "id_number", "email", "im_id", "customer_type", "source", "memo", "registered_at")

    def state():
        rows = {}
        for c in Customer.select().order_by(Customer.mobile):
            rows[c.mobile] = tuple(getattr(c, f) for f in fields) + (
                c.tier.name if c.tier_id else None, c.assigned_to.login if c.assigned_to_id else None,
                tuple(sorted(t.tag.name for t in c.tag_links)))
        return rows

    before = state()
    for fmt in ("xlsx", "csv"):
        target = tmp_path / f"all.{fmt}"
        exports.export(supervisor, "customers", target, full_values=True)
        # a fresh archive in another data folder, with the same tier and specialist
        dbmod.close_database()
        paths.set_data_dir(tmp_path / f"other-{fmt}")
        from desktop_cs.services.database import open_app_database
        open_app_database(url=_another_team_database(request))
        boss = users.first_run("另一家", "boss", "王主管", "test-pass-123", "test-pass-123")
        users.create_user(boss, "spec1", "李专员", "specialist", "test-pass-123")
        Tier.create(name="VIP")
        plan = imports.preview(boss, target)
        assert not [r for r in plan.rows if r.refused], [r.problems for r in plan.rows if r.refused]
        report = imports.run_import(boss, plan)
        assert report.created == len(NASTY_MEMOS)
        after = state()
        # registered_at: the export keeps it to the second, as stored
        assert after == before
        # and importing the export again changes nothing
        again = imports.run_import(boss, imports.preview(boss, target, on_duplicate="update"))
        assert (again.created, again.updated) == (0, 0)
        dbmod.close_database()
        paths.set_data_dir(data_dir)
        open_app_database()
