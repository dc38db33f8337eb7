"""The data commands: import, export, backup, restore and check (exit 0 / 1 / 2, what they print)."""
from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

from desktop_cs import paths
from desktop_cs.cli import main
from desktop_cs.models import db as dbmod
from tests import data_files as files
from tests.conftest import TEST_PASSWORD
from tests.data_files import HEADER, customer_row, id_number


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*argv, password=TEST_PASSWORD, env=None):
        monkeypatch.delenv("DESKTOP_CS_PASSWORD", raising=False)
        if password:
            monkeypatch.setenv("DESKTOP_CS_PASSWORD", password)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        dbmod.close_database()
        code = main(["--lang", "en", *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return _run


@pytest.fixture
def boss(run, data_dir):
    code, _out, err = run("create-user", "boss", "--role", "supervisor", "--company", "测试公司")
    assert code == 0, err
    return "boss"


@pytest.mark.parametrize("argv", [
    ("import",), ("import", "customers"), ("import", "callbacks", "x.csv"),
    ("import", "customers", "x.csv", "--on-duplicate", "merge"), ("import", "customers", "x.csv", "--separator", "|"),
    ("export",), ("export", "users", "x.xlsx"), ("export", "customers"),
    ("backup", "--bogus"), ("restore",), ("check", "extra"),
])
def test_wrong_usage_exits_2(run, argv):
    code, _out, err = run(*argv)
    assert code == 2 and err.strip()


def test_import_dry_run_then_import_then_again(run, boss, tmp_path):
    rows = [customer_row(i) for i in range(1, 6)] + [customer_row(6, 身份证号码="1.10105E+17")]
    path = files.write_csv(tmp_path / "客户.csv", HEADER, rows, encoding="gbk")
    code, out, err = run("--user", boss, "import", "customers", str(path), "--dry-run")
    assert code == 0, err
    assert "gb18030" in out and "comma" in out
    assert "row 7: refused: ID number:" in out
    assert "Would create 5" in out and "1 rows refused" in out
    refused = tmp_path / "refused.xlsx"
    code, out, err = run("--user", boss, "import", "customers", str(path), "--refused", str(refused))
    assert code == 0, err
    assert "Created 5, updated 0, unchanged 0, skipped 0, refused 1." in out
    assert load_workbook(refused).active.max_row == 2
    code, out, _ = run("--user", boss, "import", "customers", str(path))
    assert "Created 0" in out and "skipped 5" in out


def test_import_needs_a_supervisor_and_a_readable_file(run, boss, tmp_path):
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(1)])
    code, _out, err = run("import", "customers", str(path))
    assert code == 1 and "--user" in err
    code, _out, err = run("--user", boss, "import", "customers", str(files.zip_bomb_ratio(tmp_path)))
    assert code == 1 and "zip bomb" in err and "Traceback" not in err
    code, _out, err = run("--user", boss, "import", "customers", str(tmp_path / "missing.csv"))
    assert code == 1 and err.strip()


def test_export_masked_and_full(run, boss, tmp_path):
    path = files.write_xlsx(tmp_path / "c.xlsx", HEADER, [customer_row(i) for i in range(1, 4)])
    assert run("--user", boss, "import", "customers", str(path))[0] == 0
    target = tmp_path / "out.xlsx"
    code, out, err = run("--user", boss, "export", "customers", str(target))
    assert code == 0, err
    assert "3 rows written" in out and "masked" in out
    text = " ".join(str(c.value) for row in load_workbook(target).active.iter_rows() for c in row)
    assert id_number(1) not in text
    code, out, err = run("--user", boss, "export", "customers", str(target))
    assert code == 1 and "exists" in err                     # never overwrites
    full = tmp_path / "full.csv"
    assert run("--user", boss, "export", "customers", str(full), "--full-values")[0] == 0
    assert id_number(1) in full.read_text(encoding="utf-8-sig")
    code, _out, err = run("export", "points", str(tmp_path / "p.csv"))
    assert code == 1 and "--user" in err


def test_backup_restore_and_check(run, boss, tmp_path, data_dir):
    path = files.write_xlsx(tmp_path / "c.xlsx", HEADER, [customer_row(i) for i in range(1, 4)])
    assert run("--user", boss, "import", "customers", str(path))[0] == 0
    target = tmp_path / "manual.sqlite3"
    code, out, err = run("--user", boss, "backup", "-o", str(target))
    assert code == 0, err
    assert target.exists() and "integrity check" in out
    code, out, err = run("--user", boss, "check")
    assert code == 0, err
    assert "The database is sound." in out
    more = files.write_xlsx(tmp_path / "more.xlsx", HEADER, [customer_row(i) for i in range(10, 14)])
    assert run("--user", boss, "import", "customers", str(more))[0] == 0
    code, _out, err = run("--user", boss, "restore", str(target))
    assert code == 1 and "--yes" in err                       # no terminal: no silent replacement
    code, out, err = run("--user", boss, "restore", str(target), "--yes")
    assert code == 0, err
    assert "customer: 3" in out and "backed up to" in out
    con = sqlite3.connect(paths.database_path())
    assert con.execute("SELECT COUNT(*) FROM customer").fetchone()[0] == 3
    con.close()


def test_check_prints_each_problem_and_exits_1(run, boss, tmp_path):
    path = files.write_xlsx(tmp_path / "c.xlsx", HEADER, [customer_row(i) for i in range(1, 4)])
    assert run("--user", boss, "import", "customers", str(path))[0] == 0
    con = sqlite3.connect(paths.database_path())
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO customer_tag (customer_id, tag_id) VALUES (424242, 1)")
    con.execute("INSERT INTO assignment (customer_id, specialist_id, assigned_at, reason) "
                "VALUES (434343, NULL, '2026-01-01 00:00:00', 'manual')")
    con.commit()
    con.close()
    code, out, err = run("--user", boss, "check")
    assert code == 1
    assert "customer_tag, row 1: refers to a missing row of customer" in out
    assert "assignment, row 1: refers to a missing row of customer" in out and "problems found" in err
