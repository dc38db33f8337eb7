"""``desktop-cs report ...`` and ``desktop-cs forms callbacks ...``: usage errors exit 2, each document is written
(exit 0), a specialist is refused a report and other people's forms (exit 1) and no file is left behind."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from desktop_cs.cli import main
from tests import print_data
from tests.conftest import TEST_PASSWORD

FROM, TO = (d.isoformat() for d in print_data.PERIOD)


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*argv, password=TEST_PASSWORD):
        monkeypatch.delenv("DESKTOP_CS_PASSWORD", raising=False)
        if password:
            monkeypatch.setenv("DESKTOP_CS_PASSWORD", password)
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return _run


@pytest.fixture
def data(supervisor, specialist):
    return print_data.make(supervisor, specialist)


def pages(path) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


@pytest.mark.parametrize("argv", [
    ("report",),                                                        # KIND missing
    ("report", "sales", "--from", FROM, "--to", TO, "-o", "x.pdf"),     # no such report
    ("report", "callbacks", "--from", FROM, "--to", TO),                # -o missing
    ("report", "callbacks", "-o", "x.pdf"),                             # no period
    ("report", "callbacks", "--from", FROM, "-o", "x.pdf"),             # --to missing
    ("report", "callbacks", "--from", TO, "--to", FROM, "-o", "x.pdf"),  # backwards
    ("report", "callbacks", "--from", "2026-13-01", "--to", TO, "-o", "x.pdf"),
    ("report", "complaints", "--from", FROM, "--to", TO, "--customer", "1", "-o", "x.pdf"),
    ("report", "complaints", "--from", FROM, "--to", TO, "--specialist", "spec1", "-o", "x.pdf"),
    ("report", "points", "--customer", "0", "-o", "x.pdf"),
    ("report", "callbacks", "--from", FROM, "--to", TO, "--full-values", "-o", "x.pdf"),
    ("forms", "callbacks", "-o", "x.pdf"),                              # which callbacks?
    ("forms", "callbacks", "--date", FROM, "--callback", "1", "-o", "x.pdf"),
    ("forms", "callbacks", "--from", FROM, "-o", "x.pdf"),
    ("forms", "callbacks", "--to", TO, "-o", "x.pdf"),
    ("forms", "callbacks", "--callback", "1", "--specialist", "spec1", "-o", "x.pdf"),
    ("forms", "complaints", "--date", FROM, "-o", "x.pdf"),
    ("forms", "callbacks", "--date", FROM),
])
def test_wrong_usage_exits_2(run, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run("--user", "boss", *argv)
    assert code == 2 and err.strip()
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("kind, extra, expected", [
    ("callbacks", (), "张三丰"),
    ("callbacks", ("--specialist", "spec1"), "李专员"),
    ("complaints", (), "张三丰"),
    ("points", (), "¥510.00"),
    ("staff", (), "李专员"),
    ("enquiries", (), "李专员"),
])
def test_each_report_is_written(run, data, tmp_path, kind, extra, expected):
    target = tmp_path / f"{kind}.pdf"
    code, out, err = run("--user", "boss", "report", kind, "--from", FROM, "--to", TO, *extra, "-o", str(target))
    assert (code, err) == (0, "")
    assert str(target) in out
    text = "\n".join(pages(target))
    assert "测试公司" in text and expected in text
    assert not list(tmp_path.glob("*.part"))


def test_points_statement_of_one_customer(run, data, tmp_path):
    target = tmp_path / "statement.pdf"
    code, _out, _err = run("--user", "boss", "report", "points", "--customer", str(data.customers["李四海"]),
                           "-o", str(target))
    assert code == 0
    text = "\n".join(pages(target))
    assert "李四海" in text and "139****4321" in text and "13987654321" not in text
    code, _out, _err = run("--user", "boss", "report", "points", "--customer", str(data.customers["李四海"]),
                           "--full-values", "-o", str(target))
    assert code == 0 and "13987654321" in "\n".join(pages(target))


def test_forms_for_a_day_a_callback_and_blank(run, data, tmp_path):
    day = tmp_path / "day.pdf"
    code, out, _err = run("--user", "spec1", "forms", "callbacks", "--from", "2026-11-16", "--to", "2026-11-23",
                          "-o", str(day))
    texts = pages(day)
    assert code == 0 and len(texts) == 3 and "3" in out
    assert "第 3 页 / 共 3 页" in texts[2]
    one = tmp_path / "one.pdf"
    code, _out, _err = run("--user", "spec1", "forms", "callbacks", "--callback", str(data.unsatisfied_callback),
                           "-o", str(one))
    assert code == 0 and print_data.OPINION in pages(one)[0]
    blank = tmp_path / "blank.pdf"
    code, _out, _err = run("--user", "spec1", "forms", "callbacks", "--blank", "-o", str(blank))
    assert code == 0 and len(pages(blank)) == 1 and "张三丰" not in pages(blank)[0]


def test_a_specialist_is_refused_reports_and_others_forms(run, data, tmp_path):
    target = tmp_path / "refused.pdf"
    code, _out, err = run("--user", "spec1", "report", "callbacks", "--from", FROM, "--to", TO, "-o", str(target))
    assert code == 1 and err.strip() and not target.exists()
    code, _out, err = run("--user", "spec1", "forms", "callbacks", "--date", FROM, "--specialist", "boss",
                          "-o", str(target))
    assert code == 1 and not target.exists()
    code, _out, err = run("--user", "spec1", "forms", "callbacks", "--callback", str(data.unsatisfied_callback),
                          "--full-values", "-o", str(target))
    assert code == 1 and not target.exists()


def test_wrong_password_unknown_specialist_and_missing_folder_fail(run, data, tmp_path):
    target = tmp_path / "x.pdf"
    assert run("--user", "boss", "report", "staff", "--from", FROM, "--to", TO, "-o", str(target),
               password="wrong")[0] == 1
    assert run("--user", "boss", "report", "staff", "--from", FROM, "--to", TO, "--specialist", "nobody",
               "-o", str(target))[0] == 1
    assert run("--user", "boss", "report", "staff", "--from", FROM, "--to", TO,
               "-o", str(tmp_path / "no" / "x.pdf"))[0] == 1
    assert run("report", "staff", "--from", FROM, "--to", TO, "-o", str(target))[0] == 1     # no --user
    assert not target.exists()
