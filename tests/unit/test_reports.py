"""Every printed document from known data: the Chinese text, figures and page count are in the PDF, the font is
embedded (and no other font referenced), nothing unmasked leaks into a specialist's print, batches number their
pages "第 n 页 / 共 m 页", full values are a supervisor's audited choice, reports are a supervisor's."""
from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from desktop_cs import clock, i18n
from desktop_cs.i18n import _
from desktop_cs.models import AuditEntry, Callback, Customer
from desktop_cs.reports import callback_form
from desktop_cs.reports.data import CallbackForm, CallbackForms, DocumentInfo
from desktop_cs.reports.fonts import pdf_embeds_cjk_font
from desktop_cs.services import printing, team_settings, users
from desktop_cs.services.errors import PermissionDenied, ValidationError
from tests import print_data
from tests.conftest import TEST_PASSWORD

FULL_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PERIOD = print_data.PERIOD


@pytest.fixture
def data(supervisor, specialist):
    return print_data.make(supervisor, specialist)


def render(document) -> bytes:
    buffer = io.BytesIO()
    printing.write_pdf(document, buffer)
    return buffer.getvalue()


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(pdf: bytes) -> str:
    return "\n".join(pages_text(pdf))


def assert_no_full_numbers(pdf: bytes) -> None:
    text = flat(pdf)
    assert not FULL_MOBILE.search(text), FULL_MOBILE.search(text)
    assert not FULL_ID.search(text), FULL_ID.search(text)
    for mobile, number in print_data.CUSTOMERS.values():
        assert mobile.encode() not in pdf and number.encode() not in pdf


def all_documents(supervisor, specialist, data):
    return {
        "forms": printing.callback_forms(specialist, callback_ids=[data.unsatisfied_callback]),
        "summary": printing.callback_summary(supervisor, *PERIOD),
        "complaints": printing.complaint_report(supervisor, *PERIOD),
        "statement": printing.points_statement(supervisor, data.customers["李四海"]),
        "points": printing.points_summary(supervisor, *PERIOD),
        "staff": printing.staff_report(supervisor, *PERIOD),
        "enquiries": printing.enquiry_summary(supervisor, *PERIOD),
    }


# -- callback record forms ----------------------------------------------------------------------------------------

def test_filled_form_has_every_field_masked_and_one_page(specialist, data):
    pdf = render(printing.callback_forms(specialist, callback_ids=[data.unsatisfied_callback]))
    text = flat(pdf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    for expected in ("测试公司", "张三丰", "138****5678", "1101**********", "李专员", print_data.OPINION,
                     print_data.SUGGESTION_FUNDS, "约定下周回访", "客户在开会", "2026-11-17 09:00",
                     _("Callback record form"), _("Attempt history"), _("Satisfied"), _("Unsatisfied"),
                     _("Specialist (signature)"), _("Supervisor (signature)"), _("No answer"),
                     _("Form No. {number}").format(number=f"{data.unsatisfied_callback:06d}"),
                     _("Page {n} of {m}").format(n=1, m=1)):
        assert expected in text, expected
    assert_no_full_numbers(pdf)
    assert pdf_embeds_cjk_font(pdf)


def test_batch_of_a_day_numbers_its_pages(supervisor, specialist, data):
    document = printing.callback_forms(supervisor, date_from=PERIOD[0], date_to=PERIOD[1])
    pdf = render(document)
    texts = pages_text(pdf)
    assert len(texts) == 3 == len(document.forms)
    for n, text in enumerate(texts, start=1):
        assert _("Page {n} of {m}").format(n=n, m=3) in text
        assert "第 %d 页 / 共 3 页" % n in text            # the catalog's Chinese
    assert {name for name in print_data.CUSTOMERS if any(name in t for t in texts)} == set(print_data.CUSTOMERS)
    assert_no_full_numbers(pdf)


def test_a_specialist_prints_their_own_day_by_default(specialist, data):
    document = printing.callback_forms(specialist, date_from=dt.date(2026, 11, 16), date_to=dt.date(2026, 11, 23))
    assert len(document.forms) == 3 and {f.specialist for f in document.forms} == {"李专员"}


def test_blank_forms(specialist, data):
    empty = render(printing.callback_forms(specialist, blank=True))
    text = flat(empty)
    assert len(pages_text(empty)) == 1 and _("Callback record form") in text
    assert not any(name in text for name in print_data.CUSTOMERS)
    planned = flat(render(printing.callback_forms(specialist, callback_ids=[data.unsatisfied_callback],
                                                  blank=True)))
    assert "张三丰" in planned and print_data.OPINION not in planned and "客户在开会" not in planned


def test_forms_of_another_specialist_and_full_values_are_refused(supervisor, specialist, data):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    with pytest.raises(PermissionDenied):
        printing.callback_forms(other, callback_ids=[data.unsatisfied_callback])
    with pytest.raises(PermissionDenied):
        printing.callback_forms(other, date_from=PERIOD[0], date_to=PERIOD[1], specialist_id=specialist.id)
    with pytest.raises(PermissionDenied):
        printing.callback_forms(specialist, callback_ids=[data.unsatisfied_callback], full_values=True)
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == 3


def test_full_values_are_a_supervisors_audited_and_stamped_choice(supervisor, data):
    before = AuditEntry.select().where(AuditEntry.action == "print").count()
    pdf = render(printing.callback_forms(supervisor, callback_ids=[data.unsatisfied_callback], full_values=True))
    text = flat(pdf)
    mobile, number = print_data.CUSTOMERS["张三丰"]
    assert mobile in text and number in text
    assert "王主管" in text and _("Full ID and mobile numbers shown by {user}: keep this document safe").format(
        user="王主管") in text
    assert AuditEntry.select().where(AuditEntry.action == "print_full_values").count() == 1
    assert AuditEntry.select().where(AuditEntry.action == "print").count() == before + 1


def test_a_long_opinion_is_shrunk_and_cut_inside_its_box(tmp_path):
    info = DocumentInfo("回访记录表", "测试公司", "王主管", dt.datetime(2026, 11, 20, 9, 0))
    form = CallbackForm(form_number="000009", customer_name="张三丰", opinion="很长的意见。" * 400,
                        suggestions="Latin words wrap at spaces " * 30)
    target = tmp_path / "long.pdf"
    assert callback_form.write_forms(CallbackForms(info, [form]), target) == 1
    text = flat(target.read_bytes())
    assert "很长的意见" in text and "…" in text
    assert len(pages_text(target.read_bytes())) == 1


def test_a_batch_can_be_cancelled(supervisor, data):
    document = printing.callback_forms(supervisor, date_from=PERIOD[0], date_to=PERIOD[1])
    document.forms = document.forms * 20
    with pytest.raises(printing.Cancelled):
        printing.write_pdf(document, io.BytesIO(), progress=lambda done, total: done < 25)


def test_too_many_forms_at_once_are_refused(supervisor, data, monkeypatch):
    monkeypatch.setattr(printing, "MAX_FORMS", 2)
    with pytest.raises(ValidationError):
        printing.callback_forms(supervisor, date_from=PERIOD[0], date_to=PERIOD[1])


# -- callback summary report --------------------------------------------------------------------------------------

def test_callback_summary_figures_lists_and_themes(supervisor, specialist, data):
    from desktop_cs.services import callbacks
    report = printing.callback_summary(supervisor, *PERIOD)
    assert (report.planned, report.done, report.overdue, report.reached) == (3, 2, 0, 2)
    assert (report.satisfied, report.average, report.unsatisfied) == (1, 0, 1)
    musts = callbacks.three_musts(supervisor, *PERIOD)
    for mine, theirs in ((report.on_time, musts.on_time), (report.recorded, musts.recorded),
                         (report.member_coverage, musts.member_coverage)):
        assert (mine.part, mine.whole) == (theirs.part, theirs.whole)
    assert [(s.name, s.planned, s.done) for s in report.specialists] == [("李专员", 3, 2)]
    assert report.unsatisfied_total == 1 and report.unsatisfied_lines[0].customer_name == "张三丰"
    assert report.unsatisfied_lines[0].mobile == "138****5678"
    themes = {t.theme: (t.count, t.examples) for t in report.themes}
    assert themes[_("Withdrawals and funds")] == (1, [print_data.SUGGESTION_FUNDS])
    assert themes[_("Returns and products")] == (1, [print_data.SUGGESTION_PRODUCT])

    pdf = render(report)
    text = flat(pdf)
    for expected in (_("Callback summary report"), "测试公司", "李专员", "张三丰", "138****5678", print_data.OPINION,
                     print_data.SUGGESTION_FUNDS, "66.7%", "2026-11-01", "2026-11-30", _("By specialist"),
                     _("Unsatisfied customers needing follow-up"), _("Prepared by (signature)")):
        assert expected in text, expected
    assert len(pages_text(pdf)) <= 3
    assert_no_full_numbers(pdf)


def test_a_summary_for_one_specialist(supervisor, specialist, data):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    mine = printing.callback_summary(supervisor, *PERIOD, specialist_id=specialist.id)
    theirs = printing.callback_summary(supervisor, *PERIOD, specialist_id=other.id)
    assert mine.planned == 3 and theirs.planned == 0 and theirs.themes == []
    assert "李专员" in mine.info.subtitle
    assert _("No customer was unsatisfied in this period.") in flat(render(theirs))


@pytest.mark.parametrize("text, theme", [
    ("建议提现做到T+0到账。", "Withdrawals and funds"), ("希望增加短期理财产品。", "Returns and products"),
    ("客服电话难打通,等待太久。", "Hotline and response time"), ("建议APP增加指纹登录。", "App and website"),
    ("积分兑换希望更灵活一些。", "Points and promotions"), ("营销短信太多,建议减少。", "Information and notices"),
    ("一切都好", "Other"),
])
def test_suggestion_themes(text, theme):
    assert printing.suggestion_theme(text) == theme


# -- the other documents ------------------------------------------------------------------------------------------

def test_complaint_report(supervisor, data):
    report = printing.complaint_report(supervisor, *PERIOD)
    # 2026-11-01 is a Sunday: six weeks from Monday 26 October touch the month
    assert report.total == 1 and [n for _w, n in report.weekly] == [0, 0, 0, 1, 0, 0]
    assert report.weekly[0][0] == dt.date(2026, 10, 26)
    assert report.attention_total == 1 and report.attention[0].customer == "张三丰"
    text = flat(render(report))
    for expected in (_("Complaint analysis report"), _("Complaints received per week"), "张三丰", _("Product"),
                     _("Overdue and escalated complaints"), _("Root causes, ranked")):
        assert expected in text, expected


def test_points_statement_has_the_running_balance_and_is_masked(supervisor, data):
    report = printing.points_statement(supervisor, data.customers["李四海"])
    assert [(line.points, line.balance) for line in report.lines] == [(10, 10), (500, 510)]
    assert report.balance == 510
    pdf = render(report)
    text = flat(pdf)
    for expected in ("李四海", "139****4321", "+500", "510", _("Investment"),
                     _("Points statement")):
        assert expected in text, expected
    assert_no_full_numbers(pdf)


def test_points_summary(supervisor, data):
    report = printing.points_summary(supervisor, *PERIOD)
    assert report.issued_total == 510 and report.closing_liability_fen == 51_000
    text = flat(render(report))
    assert "¥510.00" in text and "510" in text and _("Issued by rule") in text


def test_staff_report_is_landscape_with_a_line_per_specialist(supervisor, specialist, data):
    report = printing.staff_report(supervisor, *PERIOD)
    line = next(line for line in report.lines if line.login == "spec1")
    assert (line.callbacks_planned, line.callbacks_done, line.enquiries, line.enquiries_resolved) == (3, 2, 2, 1)
    assert line.complaints_handled == 1
    pdf = render(report)
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height
    assert "李专员" in flat(pdf) and "50.0%" in flat(pdf)


def test_enquiry_summary(supervisor, data):
    report = printing.enquiry_summary(supervisor, *PERIOD)
    assert (report.total, report.resolved, report.unknown_callers) == (2, 1, 1)
    text = flat(render(report))
    for expected in (_("Enquiry summary"), _("Registration"), "50.0%", "李专员", _("Enquiries per week")):
        assert expected in text, expected


def test_every_document_embeds_our_font_and_references_no_other(supervisor, specialist, data, tmp_path):
    for name, document in all_documents(supervisor, specialist, data).items():
        pdf = render(document)
        assert pdf_embeds_cjk_font(pdf), name
        assert b"/Helvetica" not in pdf and b"/Times" not in pdf, name
        if shutil.which("pdffonts"):
            path = tmp_path / f"{name}.pdf"
            path.write_bytes(pdf)
            lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                   check=True).stdout.splitlines()[2:]
            assert lines and all("WenQuanYiMicroHei" in line and " yes yes yes " in line for line in lines), lines


def test_reports_are_a_supervisors(specialist, data):
    for call in (lambda: printing.callback_summary(specialist, *PERIOD),
                 lambda: printing.complaint_report(specialist, *PERIOD),
                 lambda: printing.points_statement(specialist, data.customers["李四海"]),
                 lambda: printing.points_summary(specialist, *PERIOD),
                 lambda: printing.staff_report(specialist, *PERIOD),
                 lambda: printing.enquiry_summary(specialist, *PERIOD)):
        with pytest.raises(PermissionDenied):
            call()


def test_every_print_is_audited(supervisor, specialist, data):
    before = AuditEntry.select().where(AuditEntry.action == "print").count()
    documents = all_documents(supervisor, specialist, data)
    entries = list(AuditEntry.select().where(AuditEntry.action == "print").order_by(AuditEntry.id))[before:]
    assert [e.summary for e in entries] == ["callback_forms", "callback_summary", "complaint_report",
                                            "points_statement", "points_summary", "staff_report", "enquiry_summary"]
    assert len(documents) == 7


def test_a_period_that_ends_before_it_starts_is_refused(supervisor, data):
    with pytest.raises(ValidationError):
        printing.callback_summary(supervisor, PERIOD[1], PERIOD[0])


def test_english_documents(supervisor, data):
    i18n.set_language("en")
    text = flat(render(printing.callback_summary(supervisor, *PERIOD)))
    assert "Callback summary report" in text and "Page 1 of" in text and "Satisfied" in text


def test_the_logo_is_printed_and_checked(supervisor, specialist, data):
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 30, 30)).save(buffer, "PNG")
    team_settings.set_logo(supervisor, buffer.getvalue(), "logo.png")
    assert team_settings.logo_bytes() == buffer.getvalue()
    pdf = render(printing.callback_forms(specialist, blank=True))
    assert b"/Subtype /Image" in pdf
    with pytest.raises(ValidationError):
        team_settings.set_logo(supervisor, b"GIF89a....", "logo.gif")
    with pytest.raises(PermissionDenied):
        team_settings.set_logo(specialist, None)
    team_settings.set_logo(supervisor, None)
    assert team_settings.logo_bytes() is None
    entry = AuditEntry.select().where(AuditEntry.summary == team_settings.LOGO).order_by(AuditEntry.id).first()
    assert "iVBOR" not in entry.details             # the audit log names the file, it does not hold the image


def test_file_names_are_safe():
    assert printing.safe_file_name("回访记录表", "2026-11-01 to 2026-11-30", 'a/b:c*?"<>|') == \
        "回访记录表 2026-11-01 to 2026-11-30 a_b_c_.pdf"
    assert printing.safe_file_name("...") == "document.pdf"


def test_reportlab_is_not_imported_by_the_services():
    code = ("import sys; import desktop_cs.services.printing, desktop_cs.reports.data; "
            "print('reportlab' in sys.modules)")
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_closed_and_deleted_customers_do_not_break_forms(supervisor, specialist, data):
    Customer.update(deleted_at=clock.now()).where(Customer.id == data.customers["王小五"]).execute()
    document = printing.callback_forms(supervisor, callback_ids=[data.open_callback])
    assert document.forms[0].customer_name == "王小五"
    assert Callback.get_by_id(data.open_callback).status == "open"
